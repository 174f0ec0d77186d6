/**
 * `train({ signal })`: an abort stops at the next batch boundary; the epoch cut short is not
 * recorded, reaches no `onEpochEnd` (so no log has it) and is reported in
 * `history.interrupted`. The batch loop lets the event loop run, so an abort from a signal
 * handler or a timer lands within the epoch, not at its end.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
import { csvLogger } from "../../../runtime/callbacks/csv-logger.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { denseClassifier, disposeData, tinyClassification, useCpuBackend } from "./fixtures.js";

let data: PreparedData;
let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification(48, 12);
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-interrupt-"));
});
afterAll(async () => {
  disposeData(data);
  await fs.rm(directory, { recursive: true, force: true });
});

/** Records the epochs that ended and aborts after `batches` batches of epoch `epoch` (0-based). */
class AbortAt extends Callback {
  readonly endedEpochs: number[] = [];
  private epoch = 0;

  constructor(
    private readonly at: { epoch: number; batches: number },
    private readonly abort: () => void,
  ) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    if (this.epoch === this.at.epoch && batch + 1 === this.at.batches) this.abort();
  }

  override async onEpochEnd(epoch: number, _logs: Logs): Promise<void> {
    this.endedEpochs.push(epoch);
  }
}

describe("train with an abort signal", () => {
  it("drops the epoch cut short from the history, onEpochEnd and the csv log", async () => {
    const controller = new AbortController();
    const watcher = new AbortAt({ epoch: 1, batches: 3 }, () => controller.abort());
    const log = path.join(directory, "log.csv");
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 4,
      batchSize: 4,
      optimizer: { name: "adam", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      callbacks: [watcher, csvLogger({ path: log })],
      signal: controller.signal,
    });
    model.dispose();
    expect(history.interrupted).toEqual({ epoch: 1, batches: 3 });
    expect(history.epochs).toEqual([0]);
    expect(history.logs["loss"]).toHaveLength(1);
    expect(history.stoppedEarly).toBeUndefined();
    expect(watcher.endedEpochs).toEqual([0]);
    const rows = (await fs.readFile(log, "utf8")).trim().split("\n");
    expect(rows.map((row) => row.split(",")[0])).toEqual(["epoch", "1"]);
  });

  it("notices an abort from a timer within the epoch: the loop yields to the event loop", async () => {
    const controller = new AbortController();
    // 12 epochs of 480 single-example batches: several seconds, were the abort seen only at an epoch's end.
    const long = tinyClassification(480, 12);
    let started = false;
    const starter = new (class extends Callback {
      override async onBatchEnd(): Promise<void> {
        if (started) return;
        started = true;
        setTimeout(() => controller.abort(), 50);
      }
    })();
    const model = denseClassifier(2, 3);
    const history = await train(model, long, {
      epochs: 12,
      batchSize: 1,
      optimizer: { name: "sgd", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
      callbacks: [starter],
      signal: controller.signal,
    });
    model.dispose();
    disposeData(long);
    expect(history.interrupted).toBeDefined();
    expect(history.interrupted!.epoch).toBe(0);
    expect(history.interrupted!.batches).toBeGreaterThan(0);
    expect(history.interrupted!.batches).toBeLessThan(480);
    expect(history.epochs).toEqual([]);
  });

  it("stops before an epoch begins when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 3,
      initialEpoch: 1,
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
      signal: controller.signal,
    });
    model.dispose();
    expect(history.interrupted).toEqual({ epoch: 1, batches: 0 });
    expect(history.epochs).toEqual([]);
  });
});
