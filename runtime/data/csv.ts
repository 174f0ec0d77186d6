/**
 * Reading CSV files into a `Table`: a header row is required, every row keeps its line
 * number so later phases can name the exact line of a bad value. The file is read in
 * chunks and parsed as a stream into typed columns (`CompactColumn`), so a 200 MB file costs
 * about the size of its numbers as float64 plus the distinct texts, not a JavaScript object
 * per row.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { Parser } from "csv-parse";
import { DataError, describeFsError } from "./errors.js";
import type { Cell, Table } from "./raw.js";

/**
 * How much of a CSV file `dlm check` reads: its first complete lines within 4 MB (about 100,000
 * rows of a few numbers; checking them takes seconds, where 64 MB took minutes and 2 GB of memory).
 */
export const MAX_CSV_CHECK_BYTES = 4 * 1024 * 1024;

/** Options of `readCsvTable`. */
export interface CsvReadOptions {
  /** Field separator. Default `","`. */
  readonly delimiter?: string;
  /** Name used for the file in messages. Default: the path as given. */
  readonly displayName?: string;
  /**
   * Read only the rows of a first part of the file (smoke runs: `dlm run --limit`): stop
   * after the first chunk that takes the bytes read to `bytes` and the rows to `rows`; the
   * rows are the complete records before that point. Default: the whole file.
   */
  readonly stopAfter?: { readonly bytes: number; readonly rows: number };
}

/** One parsed record with the line it ends on (csv-parse's `info.lines` when it is pushed). */
interface ParsedRecord {
  readonly record: string[];
  readonly endLine: number;
}

/**
 * csv-parse's `transform()` API: `parse(chunk, end, push, close)` returns the error it met, if
 * any; `info.lines` is the line the parser is on, the record's last line while it is pushed.
 */
interface IncrementalParser {
  readonly info: { readonly lines: number };
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

/** Bytes read from the file per parser call. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Reads a CSV file; unreadable files, malformed CSV and bad headers are `DataError`s. */
export function readCsvTable(path: string, options: CsvReadOptions = {}): Table {
  const file = options.displayName ?? path;
  let fd: number;
  let size: number;
  try {
    // A FIFO or a device (`/dev/zero`) would block or never end: only regular files are read.
    const stats = statSync(path);
    if (!stats.isFile()) {
      throw new DataError(
        `cannot read the CSV file (it is ${stats.isDirectory() ? "a folder" : "not a regular file"})`,
        { file },
      );
    }
    size = stats.size;
    fd = openSync(path, "r");
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read the CSV file (${describeFsError(error)})`, { file });
  }
  const reader = new CsvTableReader(file, options.delimiter ?? ",", size);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let bytesRead = 0;
  try {
    for (;;) {
      let bytes: number;
      try {
        bytes = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch (error) {
        throw new DataError(`cannot read the CSV file (${describeFsError(error)})`, { file });
      }
      if (bytes === 0) break;
      // csv-parse keeps a reference to an unfinished field's bytes: give it its own copy.
      reader.write(Buffer.from(chunk.subarray(0, bytes)));
      bytesRead += bytes;
      const stop = options.stopAfter;
      if (stop !== undefined && bytesRead >= stop.bytes && reader.rowCount >= stop.rows && bytesRead < size) {
        return reader.finish({ early: true });
      }
    }
  } finally {
    closeSync(fd);
  }
  return reader.finish();
}

/** Parses CSV text already in memory (`file` is only used in messages). */
export function parseCsvTable(text: string, file: string, delimiter = ","): Table {
  const reader = new CsvTableReader(file, delimiter, Buffer.byteLength(text));
  reader.write(Buffer.from(text));
  return reader.finish();
}

/**
 * Feeds chunks of a CSV file to csv-parse's incremental parser (the one behind its sync and
 * stream APIs, so records, line numbers and error messages are those of `csv-parse/sync`) and
 * appends each record to typed columns.
 */
class CsvTableReader {
  /** csv-parse's incremental parser (`Parser.api`, untyped in its declarations). */
  private readonly parser: IncrementalParser;
  private columns: string[] | undefined;
  private store: CompactColumn[] = [];
  private readonly lines: number[] = [];
  // Reading `info.lines` at push time gives `info: true`'s per-record line without its per-record object.
  private readonly push = (record: string[]): void => this.add({ record, endLine: this.parser.info.lines });

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly bytes: number,
  ) {
    const parser = new Parser({ delimiter, skip_empty_lines: true, bom: true });
    this.parser = (parser as unknown as { api: IncrementalParser }).api;
  }

  write(chunk: Buffer): void {
    this.check(this.parser.parse(chunk, false, this.push, () => {}));
  }

  get rowCount(): number {
    return this.lines.length;
  }

  /** The table read; `early`: a first part of the file, the unfinished record after it left out. */
  finish({ early = false } = {}): Table {
    if (!early) this.check(this.parser.parse(undefined, true, this.push, () => {}));
    const { file, lines, store } = this;
    if (this.columns === undefined) throw new DataError("the CSV file is empty; a header row is required", { file });
    return {
      file,
      columns: this.columns,
      rowCount: lines.length,
      cell: (row, column) => store[column]?.cell(row) ?? null,
      lines,
    };
  }

  private add(parsed: ParsedRecord): void {
    if (this.columns === undefined) {
      this.readHeader(parsed);
      return;
    }
    const row = this.lines.length;
    if (row === 0) {
      // Room for the rows the file's size suggests, judged by the first row; grown if short.
      const rowBytes = parsed.record.reduce((sum, cell) => sum + cell.length + 1, 0);
      const estimate = Math.ceil((this.bytes / Math.max(4, rowBytes)) * 1.05) + 16;
      this.store = this.columns.map(() => new CompactColumn(Math.min(estimate, 1 << 26)));
    }
    this.lines.push(startLine(parsed));
    const { record } = parsed;
    for (let column = 0; column < record.length; column++) this.columnAt(column).set(row, record[column]!);
  }

  private readHeader(parsed: ParsedRecord): void {
    const columns = parsed.record.map((name) => name.trim());
    const headerLine = startLine(parsed);
    const { file } = this;
    columns.forEach((name, index) => {
      if (name === "")
        throw new DataError(`column ${index + 1} has no name in the header row`, { file, line: headerLine });
      if (columns.indexOf(name) !== index)
        throw new DataError(`column "${name}" appears twice in the header row`, {
          file,
          line: headerLine,
          column: name,
        });
    });
    this.columns = columns;
  }

  private columnAt(column: number): CompactColumn {
    // csv-parse rejects records of another length, so a column past the header's is never reached.
    return this.store[column] ?? (this.store[column] = new CompactColumn(16));
  }

  private check(error: Error | undefined): void {
    if (error === undefined) return;
    const details = error as { code?: unknown; lines?: unknown; message?: unknown };
    if (typeof details.code === "string" && details.code.startsWith("CSV_")) {
      const reason = String(details.message).replace(/\s+(on|at) line \d+$/, "");
      throw new DataError(`malformed CSV: ${reason}`, {
        file: this.file,
        line: typeof details.lines === "number" ? details.lines : undefined,
      });
    }
    throw error;
  }
}

/** Distinct texts a column interns before it stops looking them up (free text is mostly distinct). */
const MAX_INTERNED_TEXTS = 1 << 16;

/**
 * One column of cells: a cell whose text is exactly a number as JavaScript prints it
 * (`3`, `0.25`, `-1e-7`) is held as that float64, which every reader treats as the same cell
 * (`String(value)` gives the text back); any other text is an id into the column's texts,
 * interned so a category costs four bytes a row. Each array exists once a cell needs it.
 */
class CompactColumn {
  private capacity: number;
  private numbers: Float64Array | undefined;
  /** Per row: the index into `texts`, or -1 where the cell is a number. */
  private textIds: Int32Array | undefined;
  private readonly texts: string[] = [];
  private readonly textIndex = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  set(row: number, text: string): void {
    if (row >= this.capacity) this.grow(row + 1);
    const value = text.length > 0 && text.length < 25 ? Number(text) : Number.NaN;
    if (!Number.isNaN(value) && String(value) === text) {
      (this.numbers ??= new Float64Array(this.capacity))[row] = value;
      if (this.textIds !== undefined) this.textIds[row] = -1;
      return;
    }
    if (this.textIds === undefined) {
      // Rows before this one are numbers (or unset rows, which no reader asks for).
      this.textIds = new Int32Array(this.capacity).fill(-1);
    }
    this.textIds[row] = this.intern(text);
  }

  cell(row: number): Cell {
    const id = this.textIds === undefined ? -1 : this.textIds[row]!;
    if (id >= 0) return this.texts[id]!;
    return this.numbers === undefined ? null : this.numbers[row]!;
  }

  private intern(text: string): number {
    const known = this.textIndex.get(text);
    if (known !== undefined) return known;
    const id = this.texts.length;
    this.texts.push(text);
    if (id < MAX_INTERNED_TEXTS) this.textIndex.set(text, id);
    return id;
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5));
    if (this.numbers !== undefined) {
      const numbers = new Float64Array(capacity);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    if (this.textIds !== undefined) {
      const textIds = new Int32Array(capacity).fill(-1);
      textIds.set(this.textIds);
      this.textIds = textIds;
    }
    this.capacity = capacity;
  }
}

/** The line a record starts on: csv-parse reports the line it ends on, so subtract quoted newlines. */
function startLine(parsed: ParsedRecord): number {
  let newlines = 0;
  for (const cell of parsed.record) {
    if (cell.includes("\n") || cell.includes("\r")) newlines += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return parsed.endLine - newlines;
}
