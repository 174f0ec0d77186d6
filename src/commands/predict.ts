/**
 * `dlm predict BUNDLE INPUT`: runs an exported bundle on raw inputs — a `.json` array of
 * feature rows (in the data set's column order, or objects keyed by column), a `.csv`
 * with the training column names, a `.txt` (one text per line), an image, or a folder of
 * images. A time-series bundle reads consecutive rows and predicts for every window of
 * them (docs/cli.md lists the formats).
 */
import { extname, join, relative } from "node:path";
import { readdirSync, statSync } from "node:fs";
import { CliError, EXIT_OK } from "../cli-contract.js";
import { MAX_PREDICT_INPUT_BYTES, readUserFile } from "./shared-io.js";
import { terminalLine, terminalText } from "../../diagnostics/terminal-text.js";
import { DataError } from "../../runtime/data/errors.js";
import { categoryName, isMissing } from "../../runtime/data/table.js";
import type { RawFeatures, RawRow } from "../../runtime/data/preprocess.js";
import type { DataInfo, Preprocessing } from "../../runtime/prepared-data.js";
import type { Cell } from "../../runtime/data/raw.js";

const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg"]);

/** Column names a bundle's rows are keyed by, in input order. */
function columnNames(preprocessing: Preprocessing): string[] {
  return (preprocessing.columns ?? []).map((column) => column.name);
}

function toCell(value: unknown, where: string): Cell {
  if (value === null || typeof value === "number" || typeof value === "string") return value;
  throw new CliError(`${where}: expected a number, a string or null, found ${JSON.stringify(value)}`);
}

/** Reads a `.json` input: rows as arrays (column order) or objects, windows as arrays of rows, or texts as strings. */
export function readJsonInput(text: string, file: string, preprocessing: Preprocessing): RawFeatures {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new CliError(`${file}: expected a non-empty JSON array of examples`);
  }
  if (parsed.every((item) => typeof item === "string")) return { kind: "texts", texts: parsed as string[] };
  const names = columnNames(preprocessing);
  if (parsed.every(isWindow)) {
    const windows = parsed.map((window: unknown[], index) =>
      window.map((row, step) => toRawRow(row, names, `${file}: window ${index + 1}, row ${step + 1}`)),
    );
    return { kind: "windows", windows };
  }
  return { kind: "rows", rows: parsed.map((item: unknown, index) => toRawRow(item, names, `${file}: example ${index + 1}`)) };
}

/** A JSON window of a time series: a non-empty array whose items are rows (arrays or objects). */
function isWindow(item: unknown): item is unknown[] {
  return Array.isArray(item) && item.length > 0 && item.every((row) => typeof row === "object" && row !== null);
}

/** One JSON row: values in column order, or an object keyed by column. */
function toRawRow(item: unknown, names: readonly string[], where: string): RawRow {
  if (Array.isArray(item)) {
    if (item.length !== names.length) {
      throw new CliError(`${where} has ${item.length} values; the model expects ${names.length}: ${names.join(", ")}`);
    }
    return Object.fromEntries(names.map((name, column) => [name, toCell(item[column], where)]));
  }
  if (typeof item === "object" && item !== null) {
    const record = item as Record<string, unknown>;
    const absent = names.filter((name) => !(name in record));
    if (absent.length > 0) throw new CliError(`${where} lacks ${absent.map((name) => `\`${name}\``).join(", ")}`);
    return Object.fromEntries(names.map((name) => [name, toCell(record[name], where)]));
  }
  throw new CliError(`${where}: expected an array of values or an object keyed by column`);
}

/**
 * A time-series bundle predicts from windows of `size` consecutive rows: rows become every
 * window they hold (the first ends at row `size`, the last at the last row); windows given
 * as such must have `size` rows each.
 */
export function asSeriesWindows(features: RawFeatures, size: number, file: string): RawFeatures {
  if (features.kind === "windows") {
    const wrong = features.windows.findIndex((window) => window.length !== size);
    if (wrong >= 0) {
      throw new CliError(`${file}: window ${wrong + 1} has ${features.windows[wrong]!.length} rows; the model reads windows of ${size} rows`);
    }
    return features;
  }
  if (features.kind !== "rows") throw new CliError(`${file}: a time-series model takes rows of its columns (.csv or .json)`);
  const { rows } = features;
  if (rows.length < size) {
    throw new CliError(`${file}: ${rows.length} row${rows.length === 1 ? "" : "s"}; the model reads windows of ${size} consecutive rows`);
  }
  return { kind: "windows", windows: Array.from({ length: rows.length - size + 1 }, (_, start) => rows.slice(start, start + size)) };
}

/** Every PNG or JPEG file under `dir` (sub-folders included), sorted by path. */
function imageFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = join(folder, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(file);
    }
  };
  visit(dir);
  return found.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}

/** The examples of an input file, and how to name one of them in a message. */
interface PredictInput {
  readonly features: RawFeatures;
  /** `file:line` for CSV rows, `file: example N` otherwise (1-based). */
  readonly nameExample: (example: number) => string;
}

async function readInput(input: string, preprocessing: Preprocessing, info: DataInfo): Promise<PredictInput> {
  const read = await readInputFile(input, preprocessing);
  if (info.modality !== "series") {
    if (read.features.kind === "windows") throw new CliError(`${input}: this bundle is not a time series; give one row per example`);
    return read;
  }
  const size = info.featureShape[0] ?? 1;
  const features = asSeriesWindows(read.features, size, input);
  // Encoding errors count rows across the windows laid end to end: row k is step (k-1) % size of window ⌊(k-1) / size⌋ + 1.
  const window = (row: number) => Math.floor((row - 1) / size) + 1;
  const step = (row: number) => (row - 1) % size;
  const nameRow =
    read.features.kind === "rows"
      ? (row: number) => read.nameExample(window(row) + step(row))
      : (row: number) => `${input}: window ${window(row)}, row ${step(row) + 1}`;
  return { features, nameExample: nameRow };
}

async function readInputFile(input: string, preprocessing: Preprocessing): Promise<PredictInput> {
  const byNumber = (example: number) => `${input}: example ${example}`;
  const extension = extname(input).toLowerCase();
  if (isDirectory(input)) {
    if (preprocessing.image === undefined) throw new CliError(`\`${input}\` is a folder; this bundle does not take images`);
    const files = imageFilesUnder(input);
    if (files.length === 0) throw new CliError(`\`${input}\`: no .png or .jpg files in this folder`);
    const { readImageFiles } = await import("../../runtime/data/images.js");
    const pixels = await readImageFiles(files, preprocessing.image);
    return { features: { kind: "images", pixels, count: files.length }, nameExample: (example) => files[example - 1] ?? input };
  }
  if (IMAGE_EXTENSIONS.has(extension)) {
    try {
      statSync(input);
    } catch {
      throw new CliError(`cannot read \`${input}\`: no such file`);
    }
    if (preprocessing.image === undefined) throw new CliError(`this bundle does not take images; give a .csv or .json input`);
    const { readImageFiles } = await import("../../runtime/data/images.js");
    const pixels = await readImageFiles([input], preprocessing.image);
    return { features: { kind: "images", pixels, count: 1 }, nameExample: () => input };
  }
  const text = readUserFile(input, MAX_PREDICT_INPUT_BYTES);
  if (extension === ".json") return { features: readJsonInput(text, input, preprocessing), nameExample: byNumber };
  if (extension === ".txt") {
    return { features: { kind: "texts", texts: text.split(/\r?\n/).filter((line) => line.trim() !== "") }, nameExample: byNumber };
  }
  if (extension === ".csv") {
    const { parseCsvTable } = await import("../../runtime/data/csv.js");
    const table = parseCsvTable(text, input);
    if (preprocessing.tokenizer !== undefined) {
      const column = table.columns.length === 1 ? 0 : -1;
      if (column < 0) throw new CliError(`${input}: a text model takes a CSV with one column of texts`);
      const texts = Array.from({ length: table.rowCount }, (_, row) => String(table.cell(row, 0) ?? ""));
      return { features: { kind: "texts", texts }, nameExample: byNumber };
    }
    const names = columnNames(preprocessing);
    const absent = names.filter((name) => !table.columns.includes(name));
    if (absent.length > 0) {
      throw new CliError(`${input}: missing column${absent.length > 1 ? "s" : ""} ${absent.map((name) => `\`${name}\``).join(", ")}; the model expects ${names.join(", ")}`);
    }
    const rows = Array.from({ length: table.rowCount }, (_, row) =>
      Object.fromEntries(table.columns.map((name, column) => [name, table.cell(row, column)])),
    );
    const nameRow = (example: number) => {
      const line = table.lines?.[example - 1];
      return line === undefined ? byNumber(example) : `${input}:${line}`;
    };
    return { features: { kind: "rows", rows }, nameExample: nameRow };
  }
  throw new CliError(`\`${input}\`: expected a .csv, .json, .txt, .png or .jpg input, or a folder of images`);
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Categorical values the model never saw in training encode as no category at all (all
 * zeros): the prediction is still made, with a warning per column naming the values.
 */
export function unseenCategoryWarnings(preprocessing: Preprocessing, rows: readonly RawRow[]): string[] {
  const warnings: string[] = [];
  for (const column of preprocessing.columns ?? []) {
    if (column.kind !== "categorical") continue;
    const known = new Set(column.categories);
    const unseen = new Set<string>();
    for (const row of rows) {
      const cell = row[column.name] ?? null;
      if (!isMissing(cell) && !known.has(categoryName(cell))) unseen.add(categoryName(cell));
    }
    if (unseen.size === 0) continue;
    const quote = (values: Iterable<string>) => [...values].map((value) => JSON.stringify(value)).join(", ");
    warnings.push(
      `column "${column.name}": ${quote(unseen)} never appeared in training (known: ${quote(column.categories)}); ` +
        "predicted as if the value were missing",
    );
  }
  return warnings;
}

/** A data error from encoding the input, located in the input file. */
function locateDataError(error: DataError, input: PredictInput, file: string): string {
  const where = error.row !== undefined ? input.nameExample(error.row) : file;
  return `${where}${error.column === undefined ? "" : `, column "${error.column}"`}: ${error.reason}`;
}

/** `dlm predict BUNDLE INPUT`: prints one prediction per example (or JSON). */
export async function runPredictCommand(
  bundleDir: string,
  input: string,
  options: { json: boolean; backend: "auto" | "node" | "wasm" | "cpu" },
): Promise<number> {
  const { initBackend } = await import("../../runtime/backend.js");
  const { loadBundle } = await import("../../runtime/export.js");
  const { predict } = await import("../../runtime/predict.js");
  await initBackend(options.backend);
  let bundle;
  try {
    bundle = await loadBundle(bundleDir);
  } catch (error) {
    throw new CliError(`cannot load the bundle in \`${bundleDir}\`: ${(error as Error).message}`);
  }
  const { firstNonFiniteWeight } = await import("../../runtime/finite-weights.js");
  const nonFinite = firstNonFiniteWeight(bundle.model);
  if (nonFinite !== undefined) {
    throw new CliError(
      `cannot use the bundle in \`${bundleDir}\`: weight \`${nonFinite}\` holds NaN or infinite values ` +
        "(it was saved from a diverged run); retrain it with a lower learning rate",
    );
  }
  const read = await readInput(input, bundle.preprocessing, bundle.info);
  if (read.features.kind === "rows") {
    for (const warning of unseenCategoryWarnings(bundle.preprocessing, read.features.rows)) {
      process.stderr.write(`warning: ${terminalLine(input)}: ${terminalText(warning)}\n`);
    }
  }
  let predictions;
  try {
    predictions = predict(bundle, read.features);
  } catch (error) {
    if (error instanceof DataError) throw new CliError(locateDataError(error, read, input));
    throw error;
  }
  if (options.json) {
    process.stdout.write(JSON.stringify(predictions, null, 2) + "\n");
    return EXIT_OK;
  }
  predictions.forEach((prediction, index) => {
    if ("label" in prediction) {
      const ranked = Object.entries(prediction.probabilities).sort((a, b) => b[1] - a[1]);
      const top = ranked.slice(0, 3).map(([label, p]) => `${terminalLine(label)} ${(p * 100).toFixed(1)}%`);
      process.stdout.write(`${index + 1}: ${terminalLine(prediction.label)}  (${top.join(", ")})\n`);
    } else {
      process.stdout.write(`${index + 1}: ${prediction.values.map((value) => Number(value.toPrecision(6))).join(", ")}\n`);
    }
  });
  return EXIT_OK;
}
