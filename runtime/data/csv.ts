/**
 * Reading CSV files into a `Table`: a header row is required, every row keeps its line
 * number so later phases can name the exact line of a bad value.
 */
import { readFileSync, statSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { DataError, describeFsError } from "./errors.js";
import type { Cell, Table } from "./raw.js";

/** Options of `readCsvTable`. */
export interface CsvReadOptions {
  /** Field separator. Default `","`. */
  readonly delimiter?: string;
  /** Name used for the file in messages. Default: the path as given. */
  readonly displayName?: string;
}

/** One parsed record with the line it ends on (csv-parse's `info.lines`). */
interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** Reads a CSV file; unreadable files, malformed CSV and bad headers are `DataError`s. */
export function readCsvTable(path: string, options: CsvReadOptions = {}): Table {
  const file = options.displayName ?? path;
  let text: string;
  try {
    // A FIFO or a device (`/dev/zero`) would block or never end: only regular files are read.
    if (!statSync(path).isFile()) {
      throw new DataError(`cannot read the CSV file (it is ${statSync(path).isDirectory() ? "a folder" : "not a regular file"})`, { file });
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read the CSV file (${describeFsError(error)})`, { file });
  }
  return parseCsvTable(text, file, options.delimiter ?? ",");
}

/** Parses CSV text already in memory (`file` is only used in messages). */
export function parseCsvTable(text: string, file: string, delimiter = ","): Table {
  let records: ParsedRecord[];
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, bom: true }) as ParsedRecord[];
  } catch (error) {
    const details = error as { code?: unknown; lines?: unknown; message?: unknown };
    if (typeof details.code === "string" && details.code.startsWith("CSV_")) {
      const reason = String(details.message).replace(/\s+(on|at) line \d+$/, "");
      throw new DataError(`malformed CSV: ${reason}`, {
        file,
        line: typeof details.lines === "number" ? details.lines : undefined,
      });
    }
    throw error;
  }
  const [header, ...body] = records;
  if (header === undefined) throw new DataError("the CSV file is empty; a header row is required", { file });
  const columns = header.record.map((name) => name.trim());
  const headerLine = startLine(header);
  columns.forEach((name, index) => {
    if (name === "")
      throw new DataError(`column ${index + 1} has no name in the header row`, { file, line: headerLine });
    if (columns.indexOf(name) !== index)
      throw new DataError(`column "${name}" appears twice in the header row`, { file, line: headerLine, column: name });
  });
  return {
    file,
    columns,
    rows: body.map((parsed) => parsed.record.map((cell): Cell => cell)),
    lines: body.map(startLine),
  };
}

/** The line a record starts on: csv-parse reports the line it ends on, so subtract quoted newlines. */
function startLine(parsed: ParsedRecord): number {
  const newlines = parsed.record.reduce((sum, cell) => sum + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
  return parsed.info.lines - newlines;
}
