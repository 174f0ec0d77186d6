/**
 * What loaders return before any statistic is fitted or any tensor exists: pixels as bytes,
 * tables as cells. Keeping this stage free of tfjs lets the compiler and `dlm datasets`
 * import loaders' types without loading TensorFlow.js.
 */
import type { Task } from "../prepared-data.js";

/** One table cell as read: a number, a string, or `null` when the value is missing. */
export type Cell = string | number | null;

/**
 * A table of cells in file order, read through `cell(row, column)`: a CSV file is held in
 * typed columns (runtime/data/csv.ts), small record-based sources as rows (`tableFromRows`).
 */
export interface Table {
  /** The file the rows came from, for messages. */
  readonly file: string;
  /** Column names (the header). */
  readonly columns: readonly string[];
  /** Number of data rows. */
  readonly rowCount: number;
  /** The cell at a 0-based row and column; `null` when the row has no such cell. */
  cell(row: number, column: number): Cell;
  /** 1-based line of each row in `file` (CSV); absent for record-based sources (JSON). */
  readonly lines?: readonly number[];
}

/** A `Table` over rows of cells already in memory (JSON records, built-in data sets, tests). */
export function tableFromRows(
  file: string,
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  lines?: readonly number[],
): Table {
  return {
    file,
    columns,
    rowCount: rows.length,
    cell: (row, column) => rows[row]?.[column] ?? null,
    ...(lines === undefined ? {} : { lines }),
  };
}

/** The kinds a column can have; `text` = strings that are mostly distinct (free text, dates, ids). */
export type ColumnKind = "numeric" | "categorical" | "text";

/** A column whose kind (and categories) a built-in data set declares instead of leaving them to detection. */
export interface DeclaredColumn {
  readonly name: string;
  readonly kind: "numeric" | "categorical";
  /** Categorical: the full category list, so the one-hot width never depends on the split. */
  readonly categories?: readonly string[];
}

/** Tabular, text and time-series sources: a table plus the roles of its columns. */
export interface TableSource {
  readonly kind: "table";
  readonly table: Table;
  /** The label (target) column. */
  readonly label: string;
  /** Feature columns; default: every non-label, non-text column. */
  readonly features?: readonly string[];
  /** A text column: the source is then a text source. */
  readonly text?: string;
  /** The task when the source knows it (built-in data sets). */
  readonly task?: Task;
  /** Class names in label-id order when the source declares them. */
  readonly classes?: readonly string[];
  /** Column kinds the source declares (built-in data sets). */
  readonly schema?: readonly DeclaredColumn[];
}

/** Images of one split: `count × height × width × channels` bytes and one class id each. */
export interface ImageSet {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** Image sources: fixed-size images with class ids, optionally with their own test split. */
export interface ImageSource {
  readonly kind: "images";
  /** The file or folder the images came from, for messages. */
  readonly file: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Class names in label-id order. */
  readonly classes: readonly string[];
  readonly train: ImageSet;
  /** The source's own test split (MNIST), kept unless `split { test }` is given. */
  readonly test?: ImageSet;
}

/** Everything a loader may return. */
export type RawSource = TableSource | ImageSource;
