import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatLogValue, progress } from "../../../runtime/callbacks/progress.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { denseClassifier, disposeData, tinyClassification, useCpuBackend } from "../train/fixtures.js";

/** A stream that collects what is written, optionally pretending to be a terminal. */
function captureStream(isTTY: boolean): {
  stream: PassThrough & { isTTY?: boolean; columns?: number };
  text: () => string;
} {
  const stream = Object.assign(new PassThrough(), isTTY ? { isTTY: true, columns: 120 } : {});
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join("") };
}

let data: PreparedData;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
});
afterAll(() => disposeData(data));

const run = async (stream: PassThrough, bar = true, plainIntervalMs?: number) => {
  const model = denseClassifier(2, 3);
  await train(model, data, {
    epochs: 2,
    batchSize: 16,
    optimizer: { name: "adam" },
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
    callbacks: [progress({ stream, bar, ...(plainIntervalMs === undefined ? {} : { plainIntervalMs }) })],
  });
  model.dispose();
};

describe("progress", () => {
  it("writes one plain line per epoch when the stream is not a terminal", async () => {
    const { stream, text } = captureStream(false);
    await run(stream);
    const lines = text().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^Epoch 1\/2 - \d+\.\ds - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - lr: 0\.0010$/,
    );
    expect(lines[1]).toMatch(/^Epoch 2\/2 /);
  });

  it("writes a line within a long epoch (steps done, running loss), never for its last step", async () => {
    const { stream, text } = captureStream(false);
    await run(stream, true, 0);
    const lines = text().trimEnd().split("\n");
    // 3 steps an epoch: lines after steps 1 and 2, then the epoch's own line.
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - step 1\/3 - \d+\.\ds - loss: \d\.\d{4}$/);
    expect(lines[1]).toMatch(/^Epoch 1\/2 - step 2\/3 - /);
    expect(lines[2]).toMatch(/^Epoch 1\/2 - \d+\.\ds - loss: /);
    expect(lines[3]).toMatch(/^Epoch 2\/2 - step 1\/3 - /);
  });

  it("draws a bar with the running loss and ETA on a terminal", async () => {
    const { stream, text } = captureStream(true);
    await run(stream);
    const output = text();
    expect(output).toContain("Epoch 1/2 [░░░░░░░░░░░░░░░░░░░░░░░░] 0/3 | ETA");
    expect(output).toMatch(/Epoch 1\/2 \[█{24}\] 3\/3 \| ETA \S+ \| \d+\.\ds \| loss: \d\.\d{4} - accuracy/);
    expect(output).toMatch(/Epoch 2\/2 \[/);
    expect(output).toMatch(/loss: \d\.\d{4}/);
  });

  it("prints plain lines on a terminal when bar is false", async () => {
    const { stream, text } = captureStream(true);
    await run(stream, false);
    expect(text().trimEnd().split("\n")).toHaveLength(2);
  });

  it("formats ordinary values with four decimals and tiny ones in scientific notation", () => {
    expect(formatLogValue(0.123456)).toBe("0.1235");
    expect(formatLogValue(1e-5)).toBe("1.00e-5");
    expect(formatLogValue(Number.NaN)).toBe("NaN");
  });
});
