import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsvTable } from "../../../runtime/data/csv.js";
import { DataError } from "../../../runtime/data/errors.js";
import { inspectCsv } from "../../../runtime/data/inspect.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { DataSpec } from "../../../runtime/data/spec.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Runs `action` and returns the DataError it throws (fails the test when it throws nothing else). */
async function dataErrorOf(action: () => Promise<unknown> | unknown): Promise<DataError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error("expected a DataError");
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("readCsvTable", () => {
  it("keeps the line of every row, blank lines included", () => {
    const table = readCsvTable(join(fixtures, "missing.csv"));
    expect(table.columns).toEqual(["age", "height", "color", "label"]);
    expect(table.lines).toEqual([2, 3, 5, 6, 7]);
  });

  it("reports malformed CSV with its line", async () => {
    const error = await dataErrorOf(() => readCsvTable(join(fixtures, "broken.csv"), { displayName: "broken.csv" }));
    expect(error.file).toBe("broken.csv");
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^broken\.csv:3: malformed CSV: Quote Not Closed/);
  });

  it("reports a missing file as a DataError, not a stack trace", async () => {
    const error = await dataErrorOf(() => readCsvTable(join(fixtures, "nope.csv"), { displayName: "nope.csv" }));
    expect(error.message).toBe("nope.csv: cannot read the CSV file (no such file or folder)");
  });
});

describe("missing values", () => {
  const spec = (missing: DataSpec["missing"]): DataSpec => ({
    source: { kind: "csv", path: "missing.csv", label: "label" },
    missing,
    split: { train: 1, shuffle: false },
  });

  it("`missing: error` names the file, the line and the column", async () => {
    const error = await dataErrorOf(() => prepareData(spec("error"), { seed: 0, baseDir: fixtures }));
    expect({ file: error.file, line: error.line, column: error.column }).toEqual({
      file: "missing.csv",
      line: 5,
      column: "height",
    });
    expect(error.message).toMatch(/^missing\.csv:5, column "height": missing value/);
  });

  it("is the default", async () => {
    const error = await dataErrorOf(() =>
      prepareData({ ...spec("error"), missing: undefined }, { seed: 0, baseDir: fixtures }),
    );
    expect(error.line).toBe(5);
  });

  it("`missing: drop` loses exactly that row", async () => {
    const data = await prepareData(spec("drop"), { seed: 0, baseDir: fixtures });
    expect(data.train.size).toBe(4);
    const ages = tf.tidy(() => [...data.train.x.slice([0, 0], [-1, 1]).dataSync()]);
    expect(ages).toEqual([31, 45, 28, 39]);
    disposePreparedData(data);
  });

  it("`missing: mean` fills with the training mean", async () => {
    const data = await prepareData(spec("mean"), { seed: 0, baseDir: fixtures });
    expect(data.train.size).toBe(5);
    const height = data.preprocessing.columns!.find((c) => c.name === "height")!;
    const mean = (170.5 + 182 + 165.2 + 175) / 4;
    expect(height).toEqual({ name: "height", kind: "numeric", fillValue: mean });
    const filled = tf.tidy(() => data.train.x.slice([2, 1], [1, 1]).dataSync()[0]);
    expect(filled).toBeCloseTo(mean, 4);
    disposePreparedData(data);
  });
});

describe("categorical columns", () => {
  it("become one-hot with the vocabulary of the training split", async () => {
    const data = await prepareData(
      {
        source: { kind: "csv", path: "people.csv", label: "label", features: ["age", "color", "city"] },
        split: { train: 1, shuffle: false },
      },
      { seed: 0, baseDir: fixtures },
    );
    expect(data.info.featureNames).toEqual(["age", "color=blue", "color=green", "color=red", "city=Lima", "city=Oslo"]);
    expect(data.info.featureShape).toEqual([6]);
    expect(data.info.classes).toEqual(["a", "b"]);
    const rows = data.train.x.arraySync() as number[][];
    expect(rows[0]).toEqual([30, 0, 0, 1, 0, 1]);
    expect(rows[3]).toEqual([37, 0, 1, 0, 1, 0]);
    expect([...data.train.y.dataSync()]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(data.train.y.dtype).toBe("int32");
    disposePreparedData(data);
  });

  it("keep every category of the file, one seen only outside training included (the compiled model's width)", async () => {
    // Without shuffling the last row ("pale") is the test split.
    const data = await prepareData(
      {
        source: { kind: "csv", path: "rare.csv", label: "label" },
        split: { test: 0.2, shuffle: false, stratify: false },
      },
      { seed: 0, baseDir: fixtures },
    );
    expect(data.preprocessing.columns).toEqual([
      { name: "size", kind: "numeric" },
      { name: "shade", kind: "categorical", categories: ["dark", "light", "pale"] },
    ]);
    expect(data.test!.x.arraySync()).toEqual([[5, 0, 0, 1]]);
    disposePreparedData(data);
  });

  it("an unknown feature column is a DataError naming it", async () => {
    const error = await dataErrorOf(() =>
      prepareData(
        { source: { kind: "csv", path: "people.csv", label: "label", features: ["colour"] } },
        { seed: 0, baseDir: fixtures },
      ),
    );
    expect(error.column).toBe("colour");
    expect(error.reason).toBe('no feature column "colour"; the columns are "age", "color", "city", "label"');
  });
});

describe("inspectCsv", () => {
  it("describes columns, labels, rows, the feature shape and the task", () => {
    const result = inspectCsv(join(fixtures, "people.csv"), { label: "label" });
    expect(result).not.toBeInstanceOf(DataError);
    const inspection = result as Exclude<typeof result, DataError>;
    expect(inspection.columns.map((c) => [c.name, c.kind])).toEqual([
      ["age", "numeric"],
      ["color", "categorical"],
      ["city", "categorical"],
      ["label", "categorical"],
    ]);
    expect(inspection.labelValues).toEqual(["a", "b"]);
    expect(inspection.rows).toBe(8);
    expect(inspection.featureShape).toEqual([6]);
    expect(inspection.task).toBe("classification");
  });

  it("returns (not throws) a DataError for an unknown label", () => {
    const result = inspectCsv(join(fixtures, "people.csv"), { label: "target" });
    expect(result).toBeInstanceOf(DataError);
    expect((result as DataError).column).toBe("target");
  });

  it("guesses regression for a real-valued label", () => {
    expect(inspectCsv(join(fixtures, "series.csv"), { label: "temp" })).toMatchObject({
      task: "regression",
      featureShape: [2],
    });
  });

  it("calls mostly-distinct strings text and leaves them out of the default features", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-inspect-"));
    const lines = ["id,value,label", ...Array.from({ length: 30 }, (_, i) => `user-${i},${i},${i % 2 ? "x" : "y"}`)];
    writeFileSync(join(dir, "ids.csv"), lines.join("\n"));
    const inspection = inspectCsv(join(dir, "ids.csv"), { label: "label" });
    expect(inspection).toMatchObject({ featureNames: ["value"], featureShape: [1] });
    expect(inspection).not.toBeInstanceOf(DataError);
    expect((inspection as Exclude<typeof inspection, DataError>).columns[0]!.kind).toBe("text");
  });
});
