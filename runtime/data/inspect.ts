/**
 * Static looks at user data, for the compiler's check phase: what columns a CSV file has,
 * of which kinds, which labels; what classes an image folder holds. No tfjs here, and
 * user mistakes come back as `DataError` values, never thrown.
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import type { Task } from "../prepared-data.js";
import { readCsvTable } from "./csv.js";
import { DataError, describeFsError } from "./errors.js";
import { inferTask } from "./labels.js";
import type { ColumnKind } from "./raw.js";
import { resolveColumnRoles, summarizeColumns } from "./table.js";

/** The columns and labels of a CSV file as the compiler sees them. */
export interface CsvInspection {
  readonly file: string;
  readonly columns: readonly { readonly name: string; readonly kind: ColumnKind; readonly missing: number }[];
  /** Distinct label values, sorted (numerically for numbers). */
  readonly labelValues: readonly string[];
  /** Data rows (the header excluded). */
  readonly rows: number;
  /** Feature names in input order after one-hot expansion over the whole file (empty for text). */
  readonly featureNames: readonly string[];
  /** `[features]`; `[null]` for a text column (the `tokenize` length decides). */
  readonly featureShape: readonly (number | null)[];
  /** The task inferred from the label column. */
  readonly task: Task;
}

/** Which columns of the CSV file play which role: `csv(PATH, label:, features:, text:, delimiter:)`. */
export interface CsvRoles {
  readonly label: string;
  readonly features?: readonly string[];
  readonly text?: string;
  readonly delimiter?: string;
}

/** Reads a CSV file and describes it; a `DataError` (file, line, column) when it cannot. */
export function inspectCsv(path: string, roles: CsvRoles): CsvInspection | DataError {
  try {
    const table = readCsvTable(path, { delimiter: roles.delimiter });
    const summaries = summarizeColumns(table);
    const resolved = resolveColumnRoles({ kind: "table", table, ...roles }, summaries);
    const label = summaries[resolved.label]!;
    const featureNames = resolved.features.flatMap((column) => {
      const summary = summaries[column]!;
      return summary.kind === "numeric" ? [summary.name] : summary.distinct.map((value) => `${summary.name}=${value}`);
    });
    return {
      file: path,
      columns: summaries.map(({ name, kind, missing }) => ({ name, kind, missing })),
      labelValues: label.distinct,
      rows: table.rowCount,
      featureNames,
      featureShape: resolved.text !== undefined ? [null] : [featureNames.length],
      task: inferTask(label),
    };
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
}

/** File extensions read as images. */
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg"]);

/** The classes of an image folder: one sub-folder each, with its image files. */
export interface ImageFolderInspection {
  readonly dir: string;
  /** Sub-folder names, sorted: class ids follow this order. */
  readonly classes: readonly string[];
  /** Image files per class, in class order. */
  readonly counts: readonly number[];
  readonly total: number;
}

/** Lists an image folder's classes and files; a `DataError` when it is missing or has no images. */
export function inspectImageFolder(dir: string): ImageFolderInspection | DataError {
  try {
    const listing = listImageFolder(dir);
    return {
      dir,
      classes: listing.map((entry) => entry.className),
      counts: listing.map((entry) => entry.files.length),
      total: listing.reduce((sum, entry) => sum + entry.files.length, 0),
    };
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
}

/** One class folder and its image files (full paths, sorted). */
export interface ImageClassFolder {
  readonly className: string;
  readonly files: readonly string[];
}

/** Lists class folders and their images; throws `DataError` for a missing folder or an empty class. */
export function listImageFolder(dir: string): ImageClassFolder[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    throw new DataError(`cannot read the image folder (${describeFsError(error)})`, { file: dir });
  }
  const classes = names.filter((name) => !name.startsWith(".") && statSync(join(dir, name)).isDirectory());
  if (classes.length === 0)
    throw new DataError("the image folder has no sub-folders; put each class's images in its own sub-folder", {
      file: dir,
    });
  if (classes.length === 1)
    throw new DataError(
      `the image folder has one class, "${classes[0]}"; a classifier needs at least two: put each class's images in its own sub-folder`,
      { file: dir },
    );
  return classes.map((className) => {
    const classDir = join(dir, className);
    const files = readdirSync(classDir)
      .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
      .sort()
      .map((name) => join(classDir, name));
    if (files.length === 0) throw new DataError(`class "${className}" has no PNG or JPEG files`, { file: classDir });
    return { className, files };
  });
}
