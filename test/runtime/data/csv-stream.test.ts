import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { parseCsvTable, readCsvTable } from "../../../runtime/data/csv.js";
import { DataError } from "../../../runtime/data/errors.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { Table } from "../../../runtime/data/raw.js";

const scratch = mkdtempSync(join(tmpdir(), "dlm-csv-stream-"));

/** The cells of a table as the texts they were written as (a number cell prints back to its text). */
function texts(table: Table): string[][] {
  return Array.from({ length: table.rowCount }, (_, row) =>
    table.columns.map((_, column) => {
      const cell = table.cell(row, column);
      return String(cell);
    }),
  );
}

/** A CSV larger than the reader's 4 MB chunks, with what chunk boundaries could break. */
function awkwardCsv(rows: number): string {
  const lines = ["id,value,note,label"];
  for (let row = 0; row < rows; row++) {
    const note =
      row % 97 === 0
        ? `"a quoted note, with a comma\nand a line break (${row})"`
        : row % 13 === 0
          ? "é€😀"
          : `n${row % 7}`;
    const value = row % 11 === 0 ? "NA" : row % 5 === 0 ? `${row}.50` : String((row * 0.37) % 100);
    lines.push(`${row},${value},${note},${row % 3 === 0 ? "yes" : "no"}`);
    if (row % 1000 === 0) lines.push("");
  }
  return lines.join("\r\n") + "\r\n";
}

describe("reading a CSV file as a stream", () => {
  it("gives every cell and line that parsing the whole text at once gives, across 4 MB chunks", () => {
    const text = awkwardCsv(160_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 1024 * 1024);
    const file = join(scratch, "awkward.csv");
    writeFileSync(file, "\uFEFF" + text);
    const table = readCsvTable(file);
    const [header, ...records] = parse(text, { skip_empty_lines: true }) as string[][];
    expect(table.columns).toEqual(header);
    expect(table.rowCount).toBe(records.length);
    expect(texts(table)).toEqual(records);
    // Lines are where each record starts: blank lines and quoted line breaks counted.
    const startLines: number[] = [];
    text.split(/\r\n|\n/).forEach((line, index) => {
      if (index > 0 && /^\d+,/.test(line)) startLines.push(index + 1);
    });
    expect(table.lines).toEqual(startLines);
  });

  it("holds numbers as numbers only where they print back as written, so `1.50` and `007` stay texts", () => {
    const table = parseCsvTable("a,b\n1.5,1.50\n007,7\n-0,1e21\n", "t.csv");
    expect(texts(table)).toEqual([
      ["1.5", "1.50"],
      ["007", "7"],
      ["-0", "1e21"],
    ]);
    expect([table.cell(0, 0), table.cell(0, 1), table.cell(1, 0), table.cell(2, 0)]).toEqual([
      1.5,
      "1.50",
      "007",
      "-0",
    ]);
  });

  it("names the line of malformed CSV far past the first chunk, as parsing the whole text does", () => {
    const rows = Array.from({ length: 300_000 }, (_, row) => `${row},${row % 2}`);
    rows[250_000] = "250000,1,one field too many";
    const text = "x,y\n" + rows.join("\n") + "\n";
    const file = join(scratch, "broken.csv");
    writeFileSync(file, text);
    const errorOf = (action: () => unknown): unknown => {
      try {
        action();
      } catch (error) {
        return error;
      }
      throw new Error("expected an error");
    };
    const error = errorOf(() => readCsvTable(file, { displayName: "broken.csv" }));
    const whole = errorOf(() => parse(text)) as { lines: number; message: string };
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).line).toBe(250_002);
    expect(whole.lines).toBe(250_002);
    expect((error as DataError).message).toBe(
      `broken.csv:250002: malformed CSV: ${whole.message.replace(/\s+(on|at) line \d+$/, "")}`,
    );
  });

  it("a smoke run (`limit`) reads only a first part of a large file: a gap at its end stops only the full read", async () => {
    const rows = Array.from({ length: 700_000 }, (_, row) => `${row % 100}.5,${row % 3},${row % 2 === 0 ? "a" : "b"}`);
    rows.push(",1,a"); // a missing value on the last line: `missing: error` stops there
    writeFileSync(join(scratch, "gap.csv"), "x,z,y\n" + rows.join("\n") + "\n");
    const spec = { source: { kind: "csv", path: "gap.csv", label: "y" } } as const;
    const full = prepareData(spec, { seed: 1, baseDir: scratch });
    await expect(full).rejects.toThrow(/gap\.csv:700002, column "x": missing value/);
    const smoke = await prepareData(spec, { seed: 1, baseDir: scratch, limit: 50 });
    expect(smoke.train.size).toBe(50);
    expect(smoke.info.classes).toEqual(["a", "b"]);
    disposePreparedData(smoke);
    const prefix = readCsvTable(join(scratch, "gap.csv"), { stopAfter: { bytes: 1, rows: 1000 } });
    expect(prefix.rowCount).toBeGreaterThanOrEqual(1000);
    expect(prefix.rowCount).toBeLessThan(700_000);
    expect(texts(prefix).slice(0, 3)).toEqual([
      ["0.5", "0", "a"],
      ["1.5", "1", "b"],
      ["2.5", "2", "a"],
    ]);
  });
});
