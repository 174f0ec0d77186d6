/**
 * What `dlm check` reads in a CSV file beyond its header: a file without a header row
 * (DLM216) and values that are not numbers in columns the runtime reads as numbers (DLM512),
 * checked against what the runtime itself does with the same file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExperiments } from "../../../compiler/experiments/check-experiments.js";
import { nodeCompilerHost } from "../../../compiler/host.js";
import { MESSAGES } from "../../../diagnostics/catalog/index.js";
import { DATA_FILE_MESSAGES } from "../../../diagnostics/catalog/data-files.js";
import { checkModels } from "../../../compiler/program.js";
import { DataError } from "../../../runtime/data/errors.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

const IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
const SPECIES = ["setosa", "versicolor", "virginica"];

/** Iris-like data rows; row `i` sits on line `i + 2` below the header. */
function irisRows(count = 20): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${(5 + i / 10).toFixed(1)},3.${i % 10},1.${i % 7},0.${(i % 9) + 1},${SPECIES[i % 3]}`,
  );
}

/** The rows with row `index`'s cell in `column` replaced by `value`. */
function withCell(rows: readonly string[], index: number, column: number, value: string): string[] {
  return rows.map((row, i) =>
    i === index
      ? row
          .split(",")
          .map((cell, c) => (c === column ? value : cell))
          .join(",")
      : row,
  );
}

/** A CSV text: `header` (none when null) and `rows`. */
function csvText(rows: readonly string[], header: string | null = IRIS_HEADER): string {
  return [...(header === null ? [] : [header]), ...rows].join("\n") + "\n";
}

/** The iris experiment reading `data/iris.csv` with `extra` lines in `data` and an output of `classes` units. */
function irisCsv(source = 'csv("data/iris.csv", label: species)', extra = "", classes = 3): string {
  return irisExperiment({
    data: `source: ${source}\n    ${extra}`,
    model: `model Mlp {\n  dense(8, activation: relu)\n  dense(${classes}, activation: softmax)\n}\n`,
  });
}

const PETAL_WIDTH = 3;

describe("DLM216: a CSV file without a header row", () => {
  it("says the first line is data instead of reporting a missing label column", () => {
    const { reported } = checkExperimentsIn(irisCsv(), { "data/iris.csv": csvText(irisRows(), null) });
    expect(reported).toEqual([
      {
        code: "DLM216",
        severity: "error",
        marked: '"data/iris.csv"',
        message: '"data/iris.csv" has no header row: its first line is data (5.0,3.0,1.0,0.1,setosa)',
        help: "add a first line naming the 5 columns, e.g. x1,x2,x3,x4,species",
      },
    ]);
  });

  it("says so too when the first line repeats a value (read as a name appearing twice)", () => {
    const rows = ["0,0,1,0,1", "1,0,0,1,0", "0,1,1,0,1"];
    const { reported } = checkExperimentsIn(irisCsv('csv("data/bits.csv", label: y)'), {
      "data/bits.csv": csvText(rows, null),
    });
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM216",
        marked: '"data/bits.csv"',
        message: '"data/bits.csv" has no header row: its first line is data (0,0,1,0,1)',
        help: "add a first line naming the 5 columns, e.g. x1,x2,x3,x4,y",
      }),
    ]);
  });

  it("shortens a wide first line and the example header, keeping the label where it stands", () => {
    const rows = ["cat", "cat"].map((animal, row) =>
      [animal, ...Array.from({ length: 9 }, (_, i) => String(i / 10 + row))].join(","),
    );
    const { reported } = checkExperimentsIn(irisCsv('csv("wide.csv", label: animal)'), {
      "wide.csv": csvText(rows, null),
    });
    expect(reported.map((r) => [r.code, r.message, r.help])).toEqual([
      [
        "DLM216",
        '"wide.csv" has no header row: its first line is data (cat,0,0.1,0.2,0.3,...)',
        "add a first line naming the 10 columns, e.g. animal,x2,...,x10",
      ],
    ]);
  });

  it("keeps DLM217 with its did-you-mean for a real header that lacks the column", () => {
    const text = csvText(irisRows(), IRIS_HEADER.replace("species", "specie"));
    const { reported } = checkExperimentsIn(irisCsv(), { "data/iris.csv": text });
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM217",
        marked: "species",
        message: 'data/iris.csv has no label column "species"',
        help: "did you mean `specie`?",
      }),
    ]);
  });

  it("keeps DLM217 for a header of mostly numbers with a name close to the label", () => {
    const text = "2019,2020,region\n1,2,north\n3,4,south\n";
    const { reported } = checkExperimentsIn(irisCsv('csv("years.csv", label: Region)'), { "years.csv": text });
    expect(reported.map((r) => [r.code, r.help])).toEqual([["DLM217", "did you mean `region`?"]]);
  });

  it("keeps DLM217 for a header of mostly numbers whose words never come back as values", () => {
    const text = "id,2019,2020,2021,total\n1,5,6,7,18\n2,1,2,3,6\n";
    const { reported } = checkExperimentsIn(irisCsv('csv("years.csv", label: sales)'), { "years.csv": text });
    expect(reported.map((r) => r.code)).toEqual(["DLM217"]);
  });

  it("keeps the duplicate-name DLM216 for a header of names", () => {
    const { reported } = checkExperimentsIn(irisCsv('csv("bad.csv", label: a)'), { "bad.csv": "a,a,b\n1,2,3\n" });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain('column "a" appears twice in the header row');
  });
});

describe("DLM512: a value that is not a number in a numeric column", () => {
  it("names the file's line, the column and the value, marking the path", () => {
    const rows = withCell(irisRows(), 15, PETAL_WIDTH, "abc");
    const { reported, experiments } = checkExperimentsIn(irisCsv(), { "data/iris.csv": csvText(rows) });
    expect(reported).toEqual([
      {
        code: "DLM512",
        severity: "error",
        marked: '"data/iris.csv"',
        message: '"data/iris.csv" line 17, column "petal_width": "abc" is not a number',
        help: "write a number there, or empty the cell and add `missing: drop` or `missing: mean` to `data`",
      },
    ]);
    expect(experiments.diagnostics[0]?.notes).toEqual([
      'column "petal_width" is read as numbers (19 of its 20 values are); not numbers: "abc" (line 17)',
    ]);
  });

  it("reports the earliest line across columns and notes every column, three values each", () => {
    let rows = withCell(irisRows(40), 12, 0, '"5,9"');
    for (const index of [3, 6, 9, 18]) rows = withCell(rows, index, PETAL_WIDTH, `w${index}`);
    const { reported, experiments } = checkExperimentsIn(irisCsv(), { "data/iris.csv": csvText(rows) });
    expect(reported.map((r) => r.message)).toEqual([
      '"data/iris.csv" line 5, column "petal_width": "w3" is not a number',
    ]);
    expect(experiments.diagnostics[0]?.notes).toEqual([
      'column "sepal_length" is read as numbers (39 of its 40 values are); not numbers: "5,9" (line 14)',
      'column "petal_width" is read as numbers (36 of its 40 values are); not numbers: "w3" (line 5), "w6" (line 8), "w9" (line 11), 1 more',
    ]);
  });

  it("leaves missing-value tokens to `missing` (DLM510) and unused columns alone", () => {
    const missing = checkExperimentsIn(irisCsv(), {
      "data/iris.csv": csvText(withCell(irisRows(), 15, PETAL_WIDTH, "n/a")),
    });
    expect(missing.reported.map((r) => r.code)).toEqual(["DLM510"]);
    const unused = irisCsv('csv("data/iris.csv", label: species, features: [sepal_length, sepal_width, petal_length])');
    expect(
      checkExperimentsIn(unused, { "data/iris.csv": csvText(withCell(irisRows(), 15, PETAL_WIDTH, "abc")) }).reported,
    ).toEqual([]);
  });

  it("accepts a column with more than a tenth of names: the runtime one-hot encodes it", () => {
    let rows = irisRows();
    for (const index of [2, 5, 8]) rows = withCell(rows, index, PETAL_WIDTH, "wide");
    const { reported, experiments } = checkExperimentsIn(irisCsv(), { "data/iris.csv": csvText(rows) });
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.dataInfo.featureNames).toContain("petal_width=wide");
  });

  it("checks only the rows the runtime keeps: `missing: drop` drops a row with a gap, `mean` keeps it", () => {
    const rows = withCell(withCell(irisRows(), 15, PETAL_WIDTH, "abc"), 15, 1, "");
    const files = { "data/iris.csv": csvText(rows) };
    expect(checkExperimentsIn(irisCsv(undefined, "missing: drop"), files).reported).toEqual([]);
    expect(
      checkExperimentsIn(irisCsv(undefined, "missing: mean"), files).reported.map((r) => [r.code, r.message]),
    ).toEqual([["DLM512", '"data/iris.csv" line 17, column "petal_width": "abc" is not a number']]);
  });

  it("skips features of rows whose class `classes` leaves out", () => {
    const source = 'csv("data/iris.csv", label: species)';
    const keep = 'classes: ["setosa", "versicolor"]';
    const inDropped = { "data/iris.csv": csvText(withCell(irisRows(), 14, PETAL_WIDTH, "abc")) }; // row 14 is virginica
    expect(checkExperimentsIn(irisCsv(source, keep, 2), inDropped).reported).toEqual([]);
    const inKept = { "data/iris.csv": csvText(withCell(irisRows(), 15, PETAL_WIDTH, "abc")) }; // row 15 is setosa
    expect(checkExperimentsIn(irisCsv(source, keep, 2), inKept).reported.map((r) => r.code)).toEqual(["DLM512"]);
  });

  it("checks a numeric label, and a window target that is not a feature", () => {
    const houses = [
      "size,rooms,price",
      ...Array.from({ length: 20 }, (_, i) => `${50 + i},${(i % 4) + 1},${100 + i * 3.5}`),
    ];
    houses[8] = "57,3,cheap";
    const regression =
      'experiment houses {\n  data { source: csv("h.csv", label: price) }\n  model { dense(8, activation: relu) dense(1) }\n  train { loss: mse, epochs: 3 }\n}\n';
    expect(checkExperimentsIn(regression, { "h.csv": houses.join("\n") }).reported.map((r) => r.message)).toEqual([
      '"h.csv" line 9, column "price": "cheap" is not a number',
    ]);
    const series =
      'experiment weather {\n  data {\n    source: csv("h.csv", label: price, features: [size, rooms])\n    window(size: 3)\n  }\n  model { lstm(4) dense(1) }\n  train { loss: mse, epochs: 3 }\n}\n';
    expect(
      checkExperimentsIn(series, { "h.csv": houses.join("\n") }).reported.map((r) => [r.code, r.marked, r.message]),
    ).toEqual([["DLM512", '"h.csv"', '"h.csv" line 9, column "price": "cheap" is not a number']]);
  });
});

describe("DATA_FILE_MESSAGES", () => {
  const housesFile = (line7: string): Record<string, string> => {
    const rows = Array.from({ length: 20 }, (_, i) => `${50 + i},${(i % 4) + 1},${100 + i * 3.5}`);
    rows[5] = line7;
    return { "houses.csv": ["size,rooms,price", ...rows].join("\n") + "\n" };
  };

  it("DLM512: the wrong snippet triggers it on the file its comment shows, the fixed one checks clean", () => {
    const [entry] = DATA_FILE_MESSAGES;
    expect(MESSAGES.get("DLM512")).toBe(entry);
    const wrong = checkExperimentsIn(entry!.wrong, housesFile("70,three,250.25")).reported;
    expect(wrong).toEqual([
      expect.objectContaining({
        code: "DLM512",
        severity: entry!.severity,
        message: '"houses.csv" line 7, column "rooms": "three" is not a number',
      }),
    ]);
    expect(checkExperimentsIn(entry!.fixed, housesFile("70,3,250.25")).reported).toEqual([]);
  });
});

describe("agreement with the runtime, on real files", () => {
  let folder: string;

  beforeAll(async () => {
    await tf.setBackend("cpu");
    folder = mkdtempSync(join(tmpdir(), "dlm-csv-check-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Writes `csv` as iris.csv next to a .dlm reading it and returns what `dlm check` reports. */
  function checkOnDisk(csv: string): { code: string; message: string }[] {
    writeFileSync(join(folder, "iris.csv"), csv);
    const dlm = join(folder, "main.dlm");
    writeFileSync(dlm, irisCsv('csv("iris.csv", label: species)'));
    const host = nodeCompilerHost();
    const result = checkModels([dlm], host);
    return [...result.diagnostics, ...checkExperiments(result, host).diagnostics].map(({ code, message }) => ({
      code,
      message,
    }));
  }

  const prepare = () =>
    prepareData({ source: { kind: "csv", path: "iris.csv", label: "species" } }, { seed: 1, baseDir: folder });

  it("reports the value the runtime stops at", async () => {
    expect(checkOnDisk(csvText(withCell(irisRows(), 15, PETAL_WIDTH, "abc")))).toEqual([
      { code: "DLM512", message: '"iris.csv" line 17, column "petal_width": "abc" is not a number' },
    ]);
    const error = await prepare().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      line: 17,
      column: "petal_width",
      reason: '"abc" is not a number (the column is numeric)',
    });
  });

  it("accepts what the runtime encodes as categories", async () => {
    let rows = irisRows();
    for (const index of [2, 5, 8]) rows = withCell(rows, index, PETAL_WIDTH, "wide");
    expect(checkOnDisk(csvText(rows))).toEqual([]);
    const data = await prepare();
    expect(data.info.featureNames).toContain("petal_width=wide");
    disposePreparedData(data);
  });
});
