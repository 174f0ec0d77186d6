/**
 * `dlm predict BUNDLE INPUT`: runs an exported bundle on raw inputs — a `.json` array of
 * feature rows (in the data set's column order, or objects keyed by column), a `.csv`
 * with the training column names, a `.txt` (one text per line) or an image.
 */
import { extname } from "node:path";
import { statSync } from "node:fs";
import { CliError, EXIT_OK } from "../cli.js";
import { readUserFile } from "./shared-io.js";
import type { RawFeatures, RawRow } from "../../runtime/data/preprocess.js";
import type { Preprocessing } from "../../runtime/types.js";
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

/** Reads a `.json` input: rows as arrays (column order) or objects, or texts as strings. */
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
  const rows = parsed.map((item: unknown, index): RawRow => {
    const where = `${file}: example ${index + 1}`;
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
  });
  return { kind: "rows", rows };
}

async function readInput(input: string, preprocessing: Preprocessing): Promise<RawFeatures> {
  const extension = extname(input).toLowerCase();
  if (IMAGE_EXTENSIONS.has(extension)) {
    try {
      statSync(input);
    } catch {
      throw new CliError(`cannot read \`${input}\`: no such file`);
    }
    if (preprocessing.image === undefined) throw new CliError(`this bundle does not take images; give a .csv or .json input`);
    const { readImageFiles } = await import("../../runtime/data/images.js");
    const pixels = await readImageFiles([input], preprocessing.image);
    return { kind: "images", pixels, count: 1 };
  }
  const text = readUserFile(input);
  if (extension === ".json") return readJsonInput(text, input, preprocessing);
  if (extension === ".txt") return { kind: "texts", texts: text.split(/\r?\n/).filter((line) => line.trim() !== "") };
  if (extension === ".csv") {
    const { parseCsvTable } = await import("../../runtime/data/csv.js");
    const table = parseCsvTable(text, input);
    if (preprocessing.tokenizer !== undefined) {
      const column = table.columns.length === 1 ? 0 : -1;
      if (column < 0) throw new CliError(`${input}: a text model takes a CSV with one column of texts`);
      return { kind: "texts", texts: table.rows.map((row) => String(row[0] ?? "")) };
    }
    const names = columnNames(preprocessing);
    const absent = names.filter((name) => !table.columns.includes(name));
    if (absent.length > 0) {
      throw new CliError(`${input}: missing column${absent.length > 1 ? "s" : ""} ${absent.map((name) => `\`${name}\``).join(", ")}; the model expects ${names.join(", ")}`);
    }
    const rows = table.rows.map((row) => Object.fromEntries(table.columns.map((name, column) => [name, row[column] ?? null])));
    return { kind: "rows", rows };
  }
  throw new CliError(`\`${input}\`: expected a .csv, .json, .txt, .png or .jpg input`);
}

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
  const features = await readInput(input, bundle.preprocessing);
  const predictions = predict(bundle, features);
  if (options.json) {
    process.stdout.write(JSON.stringify(predictions, null, 2) + "\n");
    return EXIT_OK;
  }
  predictions.forEach((prediction, index) => {
    if ("label" in prediction) {
      const ranked = Object.entries(prediction.probabilities).sort((a, b) => b[1] - a[1]);
      const top = ranked.slice(0, 3).map(([label, p]) => `${label} ${(p * 100).toFixed(1)}%`);
      process.stdout.write(`${index + 1}: ${prediction.label}  (${top.join(", ")})\n`);
    } else {
      process.stdout.write(`${index + 1}: ${prediction.values.map((value) => Number(value.toPrecision(6))).join(", ")}\n`);
    }
  });
  return EXIT_OK;
}
