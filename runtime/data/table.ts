/**
 * Tabular phases, free of tfjs: reading cells, detecting column kinds, resolving which
 * columns play which role, applying the `missing` policy, and encoding rows into features
 * (numeric as is, categorical one-hot) with encodings fitted on the training rows.
 */
import type { ColumnEncoding } from "../prepared-data.js";
import { DataError } from "./errors.js";
import type { Cell, ColumnKind, DeclaredColumn, Table, TableSource } from "./raw.js";
import type { MissingPolicy } from "./spec.js";

/** Cell texts that mean "no value" in CSV files. */
const MISSING_TOKENS = new Set(["", "na", "n/a", "nan", "null", "?"]);

/** A string column with more distinct values than this share of its rows is free text, not a category. */
const TEXT_DISTINCT_SHARE = 0.5;
/** ... and with at least this many distinct values (small tables keep their categories). */
const TEXT_MIN_DISTINCT = 20;

/** True when a cell holds no value. */
export function isMissing(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === "number") return Number.isNaN(cell);
  return MISSING_TOKENS.has(cell.trim().toLowerCase());
}

/** The cell as a finite number, or undefined when it is not one. */
export function numericValue(cell: Cell | undefined): number | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : undefined;
  const text = cell.trim();
  if (text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * True when `value` becomes ±Infinity in float32, the precision models compute in: beyond
 * about ±3.4e38 (`5e38` is finite in JavaScript, Infinity in a Float32Array). DLM513.
 */
export function outsideFloat32(value: number): boolean {
  return !Number.isFinite(Math.fround(value));
}

/** Why a value outside the float32 range cannot be used, for `DataError` and DLM513 alike. */
export function outsideFloat32Reason(shown: string): string {
  return `${shown} is outside the float32 range (about ±3.4e38) that models compute in`;
}

/** The cell as a category name (numbers print as written). */
export function categoryName(cell: Cell): string {
  return typeof cell === "number" ? String(cell) : (cell ?? "").trim();
}

/** Per-column facts gathered in one pass: kind, missing count, distinct values. */
export interface ColumnSummary {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly missing: number;
  /** Distinct non-missing values, sorted (numerically for numeric columns). */
  readonly distinct: readonly string[];
}

/**
 * A column of numbers with a few other values is a numeric column with mistakes in it (a
 * typo, "1,200", "n.a."), not a categorical one: at most this share of its values may not
 * be numbers. Encoding such a value is then an error naming its line.
 */
const NUMERIC_MISTAKES_SHARE = 0.1;

/** Summarises every column of a table; declared columns keep their declared kind. */
export function summarizeColumns(table: Table, schema: readonly DeclaredColumn[] = []): ColumnSummary[] {
  return table.columns.map((name, index) => {
    let missing = 0;
    let notNumbers = 0;
    // Number cells are gathered as numbers and named once each at the end (a column of
    // millions of numbers would otherwise print every one to a string), in order of appearance.
    const numberCells = new Set<number | string>();
    const others = new Set<string>();
    for (let row = 0; row < table.rowCount; row++) {
      const cell = table.cell(row, index);
      if (typeof cell === "number") {
        if (Number.isNaN(cell)) missing++;
        else if (Number.isFinite(cell)) numberCells.add(cell);
        else {
          notNumbers++;
          others.add(categoryName(cell));
        }
        continue;
      }
      if (isMissing(cell)) {
        missing++;
        continue;
      }
      if (numericValue(cell) === undefined) {
        notNumbers++;
        others.add(categoryName(cell));
      } else numberCells.add(categoryName(cell));
    }
    const numbers = new Set<string>();
    for (const value of numberCells) numbers.add(typeof value === "number" ? categoryName(value) : value);
    const declared = schema.find((column) => column.name === name);
    const present = table.rowCount - missing;
    const distinctCount = numbers.size + others.size;
    const kind: ColumnKind =
      declared?.kind ??
      (numbers.size > 0 && notNumbers <= present * NUMERIC_MISTAKES_SHARE
        ? "numeric"
        : distinctCount >= TEXT_MIN_DISTINCT && distinctCount > present * TEXT_DISTINCT_SHARE
          ? "text"
          : "categorical");
    // A numeric column's values are its numbers; the mistakes among them are reported where they are encoded.
    const distinct = kind === "numeric" ? [...numbers] : [...numbers, ...others];
    return { name, kind, missing, distinct: sortValues(distinct, kind === "numeric") };
  });
}

/** Sorts values numerically when they are numbers, else by code point (stable across locales). */
export function sortValues(values: string[], numeric: boolean): string[] {
  return numeric ? values.sort((a, b) => Number(a) - Number(b)) : values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Which column indices play which role in a table source. */
export interface ColumnRoles {
  readonly label: number;
  /** Feature columns in input order (empty for a text source). */
  readonly features: readonly number[];
  /** The text column, for text sources. */
  readonly text?: number;
}

/**
 * Finds the label, feature and text columns by name. Unknown names are the user's mistake:
 * a `DataError` naming the file, the column and the columns that exist.
 */
export function resolveColumnRoles(source: TableSource, summaries: readonly ColumnSummary[]): ColumnRoles {
  const { table } = source;
  const find = (name: string, role: string): number => {
    const index = table.columns.indexOf(name);
    if (index < 0) {
      throw new DataError(
        `no ${role} column "${name}"; the columns are ${table.columns.map((c) => `"${c}"`).join(", ")}`,
        {
          file: table.file,
          line: table.lines === undefined ? undefined : 1,
          column: name,
        },
      );
    }
    return index;
  };
  const label = find(source.label, "label");
  if (source.text !== undefined) return { label, features: [], text: find(source.text, "text") };
  const features =
    source.features !== undefined
      ? source.features.map((name) => find(name, "feature"))
      : summaries.flatMap((summary, index) => (index !== label && summary.kind !== "text" ? [index] : []));
  if (features.length === 0) {
    throw new DataError(`no feature columns: every column other than "${source.label}" is free text`, {
      file: table.file,
    });
  }
  return { label, features };
}

/**
 * Applies the `missing` policy to the used columns and returns the rows that stay, in order.
 * `error` throws at the first missing value; `drop` removes any row with one; `mean` keeps
 * rows with missing features (filled later) and drops rows without a label.
 */
export function selectCompleteRows(
  table: Table,
  used: readonly number[],
  labelColumn: number,
  policy: MissingPolicy,
): number[] {
  const kept: number[] = [];
  for (let rowIndex = 0; rowIndex < table.rowCount; rowIndex++) {
    const missingColumn = used.find((column) => isMissing(table.cell(rowIndex, column)));
    if (missingColumn === undefined) {
      kept.push(rowIndex);
      continue;
    }
    if (policy === "error") {
      throw new DataError("missing value; set `missing: drop` or `missing: mean` in `data { }` to handle it", {
        file: table.file,
        ...rowLocation(table, rowIndex),
        column: table.columns[missingColumn],
      });
    }
    if (policy === "mean" && !isMissing(table.cell(rowIndex, labelColumn))) kept.push(rowIndex);
  }
  return kept;
}

/** Where a row sits: its line in a CSV file, else its record number. */
export function rowLocation(table: Table, rowIndex: number): { line?: number; row?: number } {
  const line = table.lines?.[rowIndex];
  return line !== undefined ? { line } : { row: rowIndex + 1 };
}

/**
 * Fits one encoding per feature column: numeric columns (with the training mean as fill
 * value under `missing: mean`), categorical columns with every category of the file
 * (sorted) unless the source declares them. The categories are the file's, not the
 * training split's: the compiler sized the model's input from the whole file, and
 * `limit` or an unlucky split must not change the number of features.
 */
export function fitColumnEncodings(
  table: Table,
  featureColumns: readonly number[],
  summaries: readonly ColumnSummary[],
  trainRows: readonly number[],
  options: { readonly policy: MissingPolicy; readonly schema?: readonly DeclaredColumn[] },
): ColumnEncoding[] {
  return featureColumns.map((column) => {
    const name = table.columns[column]!;
    const summary = summaries[column]!;
    if (summary.kind === "numeric") {
      if (options.policy !== "mean") return { name, kind: "numeric" };
      let sum = 0;
      let count = 0;
      for (const row of trainRows) {
        const value = numericValue(table.cell(row, column));
        if (value !== undefined) {
          sum += value;
          count++;
        }
      }
      return { name, kind: "numeric", fillValue: count === 0 ? 0 : sum / count };
    }
    const declared = options.schema?.find((c) => c.name === name)?.categories;
    return { name, kind: "categorical", categories: [...(declared ?? summary.distinct)] };
  });
}

/** Feature names after one-hot expansion, in input order: `age`, `color=red`, `color=blue`. */
export function featureNamesOf(encodings: readonly ColumnEncoding[]): string[] {
  return encodings.flatMap((encoding) =>
    encoding.kind === "numeric"
      ? [encoding.name]
      : encoding.categories.map((category) => `${encoding.name}=${category}`),
  );
}

/** Number of features the encodings produce. */
export function featureCountOf(encodings: readonly ColumnEncoding[]): number {
  return encodings.reduce((sum, encoding) => sum + (encoding.kind === "numeric" ? 1 : encoding.categories.length), 0);
}

/** Where a value being encoded came from, for the error when it cannot be encoded. */
export interface CellOrigin {
  readonly file?: string;
  readonly line?: number;
  readonly row?: number;
}

/**
 * Encodes one row into `out` at `offset`. A missing category or one unseen in training
 * becomes all zeros; a missing number takes the fill value, or is an error without one.
 */
export function encodeRow(
  encodings: readonly ColumnEncoding[],
  cellOf: (column: string) => Cell,
  out: Float32Array,
  offset: number,
  origin: CellOrigin = {},
): void {
  let position = offset;
  for (const encoding of encodings) {
    const cell = cellOf(encoding.name);
    if (encoding.kind === "numeric") {
      const value = isMissing(cell) ? encoding.fillValue : numericValue(cell);
      if (value === undefined) {
        const reason = isMissing(cell)
          ? "missing value"
          : `"${categoryName(cell)}" is not a number (the column is numeric)`;
        throw new DataError(reason, { ...origin, column: encoding.name });
      }
      if (outsideFloat32(value)) {
        throw new DataError(outsideFloat32Reason(categoryName(cell)), { ...origin, column: encoding.name });
      }
      out[position++] = value;
      continue;
    }
    const hot = isMissing(cell) ? -1 : encoding.categories.indexOf(categoryName(cell));
    for (let k = 0; k < encoding.categories.length; k++) out[position++] = k === hot ? 1 : 0;
  }
}

/** Encodes the given table rows into a `[rows.length, features]` matrix. */
export function encodeTableRows(
  table: Table,
  rows: readonly number[],
  encodings: readonly ColumnEncoding[],
): Float32Array {
  const width = featureCountOf(encodings);
  const out = new Float32Array(rows.length * width);
  const columnIndex = new Map(table.columns.map((name, index) => [name, index]));
  rows.forEach((rowIndex, position) => {
    encodeRow(encodings, (name) => table.cell(rowIndex, columnIndex.get(name)!), out, position * width, {
      file: table.file,
      ...rowLocation(table, rowIndex),
    });
  });
  return out;
}
