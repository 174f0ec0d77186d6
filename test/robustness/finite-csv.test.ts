/**
 * A CSV value such as `5e38` is a finite number in JavaScript but Infinity in the float32
 * the model computes in: it used to pass `dlm check` and poison normalization statistics
 * and the loss. It is DLM513 at check time (the CSV's line and column) and a data error at
 * run time, for features and regression targets alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../diagnostics/catalog/index.js";
import { DataError } from "../../runtime/data/errors.js";
import { prepareData } from "../../runtime/data/prepare.js";
import { checkExperimentsIn } from "../compiler/experiments/checked-experiments.js";
import { makeScratch, runDlm, STACK_TRACE } from "./runs/scratch.js";

/** houses.csv: 20 rows of size,rooms,price; row `i` on line `i + 2`, with `replace` lines swapped in. */
function housesCsv(replace: Readonly<Record<number, string>> = {}): string {
  const rows = Array.from({ length: 20 }, (_, i) => replace[i + 2] ?? `${50 + i},${(i % 4) + 1},${100 + i * 3.5}`);
  return ["size,rooms,price", ...rows].join("\n") + "\n";
}

const HOUSES =
  'experiment houses {\n  data { source: csv("houses.csv", label: price) }\n' +
  "  model { dense(8, activation: relu), dense(1) }\n  train { loss: mse, epochs: 10 }\n}\n";

describe("DLM513 at check time", () => {
  const scratch = makeScratch("finite-csv");

  it("names the CSV line and column of a value beyond float32, and notes the others", () => {
    const { reported } = checkExperimentsIn(HOUSES, {
      "houses.csv": housesCsv({ 7: "70,3,5e38", 12: "-1e39,2,120" }),
    });
    expect(reported).toEqual([
      {
        code: "DLM513",
        severity: "error",
        marked: '"houses.csv"',
        message:
          '"houses.csv" line 7, column "price": 5e38 is outside the float32 range (about ±3.4e38) that models compute in',
        help: "rescale the column (e.g. write it in other units) so that every value lies within ±3.4e38",
      },
    ]);
    const notes = checkExperimentsIn(HOUSES, { "houses.csv": housesCsv({ 7: "70,3,5e38", 12: "-1e39,2,120" }) })
      .experiments.diagnostics[0]?.notes;
    expect(notes).toEqual(['2 values are out of range: 5e38 (line 7, column "price"), -1e39 (line 12, column "size")']);
  });

  it("accepts the largest float32 values and what rounds to them", () => {
    const { reported } = checkExperimentsIn(HOUSES, {
      "houses.csv": housesCsv({ 7: "70,3,3.4028234e38", 12: "-3.4028235e38,2,120" }),
    });
    expect(reported).toEqual([]);
  });

  it("the catalog's wrong snippet reports it on the file its comment shows, the fixed one checks clean", () => {
    const entry = MESSAGES.get("DLM513")!;
    expect(entry.title).toBe("number outside the float32 range");
    const line7 = (text: string) => /line 7 reads: (.*)/.exec(text)![1]!;
    const wrong = checkExperimentsIn(entry.wrong, { "houses.csv": housesCsv({ 7: line7(entry.wrong) }) }).reported;
    expect(wrong.map((item) => item.code)).toEqual(["DLM513"]);
    expect(checkExperimentsIn(entry.fixed, { "houses.csv": housesCsv({ 7: line7(entry.fixed) }) }).reported).toEqual(
      [],
    );
  });

  it("dlm check prints it pointing at the path literal, exit 1", () => {
    writeFileSync(join(scratch, "houses.csv"), housesCsv({ 7: "70,3,5e38" }));
    writeFileSync(join(scratch, "houses.dlm"), HOUSES);
    const result = runDlm(scratch, ["check", "houses.dlm"]);
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stdout + result.stderr).toMatch(
      /error\[DLM513\]: "houses\.csv" line 7, column "price": 5e38 is outside the float32 range[^\n]*\n\s*--> houses\.dlm:2:22/,
    );
  });
});

describe("the runtime refuses the same values", () => {
  let folder: string;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    folder = mkdtempSync(join(tmpdir(), "dlm-finite-csv-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  async function failureOf(csv: string): Promise<unknown> {
    writeFileSync(join(folder, "houses.csv"), csv);
    return prepareData(
      { source: { kind: "csv", path: "houses.csv", label: "price" } },
      { seed: 1, baseDir: folder },
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  }

  it("in a regression target", async () => {
    const error = await failureOf(housesCsv({ 7: "70,3,5e38" }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      line: 7,
      column: "price",
      reason: expect.stringMatching(/^5e38 is outside the float32 range/),
    });
  });

  it("in the target of a time-series window", async () => {
    writeFileSync(join(folder, "houses.csv"), housesCsv({ 9: "57,2,4e38" }));
    const error = await prepareData(
      { source: { kind: "csv", path: "houses.csv", label: "price", features: ["size", "rooms"] }, window: { size: 3 } },
      { seed: 1, baseDir: folder },
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      line: 9,
      column: "price",
      reason: expect.stringMatching(/^4e38 is outside the float32 range/),
    });
  });

  it("in a feature", async () => {
    const error = await failureOf(housesCsv({ 12: "-1e39,2,120" }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      line: 12,
      column: "size",
      reason: expect.stringMatching(/^-1e39 is outside the float32 range/),
    });
  });
});
