/**
 * `prepareData`: the data pipeline's one entry point. Phases, in order: load the raw source,
 * apply `missing`, read labels and keep `classes`, split (seeded, stratified), `limit`, fit
 * encodings / tokenizer / normalisation on the training split only, encode every split,
 * and only then make tensors.
 */
import { resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { DataInfo, PreparedData, Preprocessing, Split, Task } from "../prepared-data.js";
import { augmentationOf } from "./augment.js";
import { BUILTIN_DATASET_NAMES, findBuiltinDataset, loadBuiltinDataset } from "./builtin-datasets.js";
import { MAX_CSV_CHECK_BYTES, readCsvTable } from "./csv.js";
import { DataError } from "./errors.js";
import { checkConvertedImageBytes, convertImages } from "./convert-images.js";
import { readImageFolder } from "./images.js";
import { readTableLabels, selectClasses, type TableLabels } from "./labels.js";
import { applyNormalization, fitNormalization, fitTargetNormalization } from "./normalize.js";
import type { ImageSource, RawSource, Table, TableSource } from "./raw.js";
import { convertedImageShape, DEFAULT_TOKENIZE, type DataSource, type DataSpec } from "./spec.js";
import { resolveSplitFractions, splitExamples, stratifiedSubset, type SplitIndices } from "./split.js";
import {
  encodeTableRows,
  featureCountOf,
  featureNamesOf,
  fitColumnEncodings,
  numericValue,
  outsideFloat32,
  outsideFloat32Reason,
  resolveColumnRoles,
  rowLocation,
  selectCompleteRows,
  summarizeColumns,
  type ColumnSummary,
} from "./table.js";
import { encodeTexts, fitTokenizer } from "./tokenize.js";
import { makeWindows } from "./window.js";

/** Options of `prepareData`. */
export interface PrepareOptions {
  /** Seed of shuffling and splitting (the experiment's `seed`). */
  readonly seed: number;
  /** Folder that relative CSV and image paths are resolved against (the `.dlm` file's folder). */
  readonly baseDir: string;
  /** Smoke runs: caps every split at this many examples (stratified), on top of `data { limit }`. */
  readonly limit?: number;
}

/** Loads, splits, encodes and normalises the data of `data { }` into tensors (the caller disposes them). */
export async function prepareData(spec: DataSpec, options: PrepareOptions): Promise<PreparedData> {
  const source = await loadSource(spec.source, options.baseDir, options.limit);
  if (spec.augment !== undefined && spec.augment.length > 0 && source.kind !== "images") {
    throw new DataError("`augment` applies to images only");
  }
  rejectSetting(
    source.kind !== "images" && (spec.resize !== undefined || spec.channels !== undefined),
    "`resize` and `channels` apply to images only",
  );
  const arrays =
    source.kind === "images"
      ? prepareImages(source, spec, options)
      : spec.window !== undefined
        ? prepareSeries(source, spec, options)
        : source.text !== undefined
          ? prepareText(source, spec, options)
          : prepareTabular(source, spec, options);
  return toTensors(normalizeTargets(arrays, spec), spec);
}

/**
 * `normalize_target` (default `standardize` for regression): scales every split's targets
 * with statistics of the training targets, and records them so metrics and `predict` can
 * map predictions back to the target's own units.
 */
function normalizeTargets(arrays: PreparedArrays, spec: DataSpec): PreparedArrays {
  if (arrays.info.task !== "regression") {
    rejectSetting(
      spec.normalizeTarget !== undefined && spec.normalizeTarget !== "none",
      "`normalize_target` applies to regression targets; this data's task is classification",
    );
    return arrays;
  }
  const target = fitTargetNormalization(spec.normalizeTarget ?? "standardize", arrays.train.y);
  if (target === undefined) return arrays;
  for (const split of [arrays.train, arrays.validation, arrays.test]) applyNormalization(split.y as Float32Array, 1, target);
  return { ...arrays, preprocessing: { ...arrays.preprocessing, target } };
}

/** Frees every tensor of a prepared data set. */
export function disposePreparedData(data: PreparedData): void {
  for (const split of [data.train, data.validation, data.test]) {
    split?.x.dispose();
    split?.y.dispose();
  }
}

/**
 * How much of a CSV file a smoke run (`--limit N`) reads: the part `dlm check` reads (so the
 * columns and categories are those the model was compiled for) and at least this many rows per
 * example kept, enough for every split and class after missing values are dropped.
 */
const SMOKE_RUN_ROWS_PER_EXAMPLE = 20;

/** Reads one kind of `data { source }`; a smoke run's `limit` reads only a first part of a large CSV file. */
type SourceReader<Kind extends DataSource["kind"]> = (
  source: Extract<DataSource, { readonly kind: Kind }>,
  baseDir: string,
  smokeLimit: number | undefined,
) => Promise<RawSource>;

/**
 * The runtime's half of the data-source registry: one reader per source of `data { source }`,
 * the names of the compiler's definitions (compiler/registry/data.ts); a test keeps both equal.
 */
export const SOURCE_READERS: { readonly [Kind in DataSource["kind"]]: SourceReader<Kind> } = {
  builtin: async (source) => {
    const dataset = findBuiltinDataset(source.name);
    if (dataset === undefined) {
      throw new DataError(`unknown built-in data set "${source.name}"; the built-in data sets are ${BUILTIN_DATASET_NAMES.join(", ")}`);
    }
    return loadBuiltinDataset(dataset);
  },
  csv: async (source, baseDir, smokeLimit) => {
    const table = readCsvTable(resolve(baseDir, source.path), {
      delimiter: source.delimiter,
      displayName: source.path,
      ...(smokeLimit === undefined ? {} : { stopAfter: { bytes: MAX_CSV_CHECK_BYTES, rows: smokeLimit * SMOKE_RUN_ROWS_PER_EXAMPLE } }),
    });
    return { kind: "table", table, label: source.label, features: source.features, text: source.text };
  },
  images: (source, baseDir) =>
    readImageFolder(resolve(baseDir, source.dir), { height: source.size[0], width: source.size[1], channels: source.channels ?? 3 }),
};

/** Reads the source named in `data { source }`. */
async function loadSource(source: DataSource, baseDir: string, smokeLimit?: number): Promise<RawSource> {
  const reader = SOURCE_READERS[source.kind] as SourceReader<DataSource["kind"]> | undefined;
  if (reader === undefined) throw new Error(`no data source named \`${source.kind}\` in this runtime (runtime/data/prepare.ts)`);
  return reader(source, baseDir, smokeLimit);
}

/** One split as flat arrays, before tensors. */
interface SplitArrays {
  readonly x: Float32Array | Int32Array;
  readonly y: Float32Array | Int32Array;
  readonly size: number;
}

/** Everything `prepareData` returns, as arrays. */
interface PreparedArrays {
  readonly info: DataInfo;
  readonly train: SplitArrays;
  readonly validation: SplitArrays;
  readonly test: SplitArrays;
  readonly preprocessing: Preprocessing;
}

/** The three splits' example indices after the split, `limit` and the smoke-run cap. */
function planSplits(
  examples: readonly number[],
  ownTest: readonly number[] | undefined,
  classOf: ((example: number) => number) | undefined,
  spec: DataSpec,
  options: PrepareOptions,
): SplitIndices {
  const hasOwnTest = ownTest !== undefined && ownTest.length > 0;
  const fractions = resolveSplitFractions(spec.split, hasOwnTest);
  const pool = fractions.useOwnTest ? examples : [...examples, ...(ownTest ?? [])];
  const stratifyBy = (spec.split?.stratify ?? true) ? classOf : undefined;
  const split = splitExamples(pool, fractions, {
    classOf: stratifyBy,
    shuffle: spec.split?.shuffle ?? true,
    seed: options.seed,
  });
  const cap = (indices: readonly number[], limit: number | undefined): number[] =>
    limit === undefined ? [...indices] : stratifiedSubset(indices, limit, stratifyBy);
  return {
    train: cap(cap(split.train, spec.limit), options.limit),
    validation: cap(split.validation, options.limit),
    test: cap(fractions.useOwnTest ? ownTest! : split.test, options.limit),
  };
}

/** Images: class filter, split, pixels to floats, `resize` and `channels`, normalisation per channel. */
function prepareImages(source: ImageSource, spec: DataSpec, options: PrepareOptions): PreparedArrays {
  rejectSetting(spec.window !== undefined, "`window` applies to CSV time series, not images");
  rejectSetting(spec.tokenize !== undefined, "`tokenize` applies to text, not images");
  rejectSetting(spec.task === "regression", "image folders are labelled by class: the task is classification");
  const { remap, classes } = selectClasses(source.classes, spec.classes, source.file);
  const trainCount = source.train.count;
  // Examples are numbered across both sets: training images first, then the source's test images.
  const labelOf = (example: number): number =>
    remap[example < trainCount ? source.train.labels[example]! : source.test!.labels[example - trainCount]!]!;
  const kept = (from: number, count: number): number[] =>
    Array.from({ length: count }, (_, i) => from + i).filter((example) => labelOf(example) >= 0);
  const splits = planSplits(
    kept(0, trainCount),
    source.test && kept(trainCount, source.test.count),
    labelOf,
    spec,
    options,
  );
  const imageSize = source.height * source.width * source.channels;
  const gather = (examples: readonly number[]): SplitArrays => {
    const x = new Float32Array(examples.length * imageSize);
    examples.forEach((example, position) => {
      const [set, index] = example < trainCount ? [source.train, example] : [source.test!, example - trainCount];
      x.set(set.pixels.subarray(index * imageSize, (index + 1) * imageSize), position * imageSize);
    });
    return { x, y: Int32Array.from(examples, labelOf), size: examples.length };
  };
  const sourceShape = [source.height, source.width, source.channels] as const;
  const [height, width, channels] = convertedImageShape(sourceShape, spec);
  const shape = [height, width, channels] as const;
  if (spec.resize !== undefined || spec.channels !== undefined) {
    checkConvertedImageBytes(splits.train.length + splits.validation.length + splits.test.length, shape);
  }
  // Only the kept examples are converted, after the split and `limit`, one split at a time.
  const convert = (split: SplitArrays): SplitArrays => ({
    ...split,
    x: convertImages(split.x as Float32Array, split.size, sourceShape, shape),
  });
  const [train, validation, test] = [splits.train, splits.validation, splits.test].map((examples) =>
    convert(gather(examples)),
  ) as [SplitArrays, SplitArrays, SplitArrays];
  const normalize = fitNormalization(spec.normalize, train.x, channels);
  for (const split of [train, validation, test]) applyNormalization(split.x as Float32Array, channels, normalize);
  return {
    info: { task: "classification", modality: "image", featureShape: [height, width, channels], classes },
    train,
    validation,
    test,
    preprocessing: { normalize, image: { height, width, channels } },
  };
}

/** Tabular rows: missing values, labels, split, one-hot encodings and normalisation fitted on train. */
function prepareTabular(source: TableSource, spec: DataSpec, options: PrepareOptions): PreparedArrays {
  rejectSetting(spec.tokenize !== undefined, "`tokenize` needs a text column: `csv(..., text: COLUMN)`");
  const { table } = source;
  const summaries = summarizeColumns(table, source.schema);
  const roles = resolveColumnRoles(source, summaries);
  const policy = spec.missing ?? "error";
  const complete = selectCompleteRows(table, [...roles.features, roles.label], roles.label, policy);
  const labels = readLabels(source, roles.label, complete, summaries, spec);
  const splits = planSplits(labels.rows, undefined, classOfRows(labels), spec, options);
  const encodings = fitColumnEncodings(table, roles.features, summaries, splits.train, {
    policy,
    schema: source.schema,
  });
  const width = featureCountOf(encodings);
  const encode = (rows: readonly number[]): SplitArrays => ({
    x: encodeTableRows(table, rows, encodings),
    y: labelsOf(labels, rows),
    size: rows.length,
  });
  const [train, validation, test] = [encode(splits.train), encode(splits.validation), encode(splits.test)];
  const normalize = fitNormalization(spec.normalize, train.x, width);
  for (const split of [train, validation, test]) applyNormalization(split.x as Float32Array, width, normalize);
  return {
    info: { ...labelInfo(labels), modality: "tabular", featureShape: [width], featureNames: featureNamesOf(encodings) },
    train,
    validation,
    test,
    preprocessing: { normalize, columns: encodings },
  };
}

/** Text: labels, split, a tokenizer fitted on the training texts, ids padded to `length`. */
function prepareText(source: TableSource, spec: DataSpec, options: PrepareOptions): PreparedArrays {
  rejectSetting(
    spec.normalize !== undefined && spec.normalize.kind !== "none",
    "`normalize` does not apply to token ids of a text column",
  );
  const { table } = source;
  const summaries = summarizeColumns(table, source.schema);
  const roles = resolveColumnRoles(source, summaries);
  // Empty text is valid text, so only the label decides whether a row is complete.
  const complete = selectCompleteRows(table, [roles.label], roles.label, spec.missing ?? "error");
  const labels = readLabels(source, roles.label, complete, summaries, spec);
  const splits = planSplits(labels.rows, undefined, classOfRows(labels), spec, options);
  const textOf = (row: number): string => {
    const cell = table.cell(row, roles.text!);
    return cell === null ? "" : String(cell);
  };
  const tokenizer = fitTokenizer(splits.train.map(textOf), {
    vocab: spec.tokenize?.vocab ?? DEFAULT_TOKENIZE.vocab,
    length: spec.tokenize?.length ?? DEFAULT_TOKENIZE.length,
    lowercase: spec.tokenize?.lowercase ?? DEFAULT_TOKENIZE.lowercase,
  });
  const encode = (rows: readonly number[]): SplitArrays => ({
    x: encodeTexts(tokenizer, rows.map(textOf)),
    y: labelsOf(labels, rows),
    size: rows.length,
  });
  return {
    info: { ...labelInfo(labels), modality: "text", featureShape: [tokenizer.length] },
    train: encode(splits.train),
    validation: encode(splits.validation),
    test: encode(splits.test),
    preprocessing: { normalize: { kind: "none" }, tokenizer },
  };
}

/**
 * Time series: rows stay in order and are split chronologically (train, then validation,
 * then test at the end); encodings and normalisation are fitted on the training rows; each
 * part is then cut into windows, so no window mixes two parts.
 */
function prepareSeries(source: TableSource, spec: DataSpec, options: PrepareOptions): PreparedArrays {
  const window = spec.window!;
  rejectSetting(spec.task === "classification", "`window` predicts future values of a column: the task is regression");
  rejectSetting(spec.classes !== undefined, "`classes` does not apply to a `window` time series");
  rejectSetting(source.text !== undefined, "`window` needs numeric columns, not a text column");
  const { table } = source;
  const summaries = summarizeColumns(table, source.schema);
  const targetName = window.target ?? source.label;
  const target = table.columns.indexOf(targetName);
  if (target < 0) {
    throw new DataError(
      `no target column "${targetName}"; the columns are ${table.columns.map((c) => `"${c}"`).join(", ")}`,
      {
        file: table.file,
        column: targetName,
      },
    );
  }
  if (summaries[target]!.kind !== "numeric") {
    throw new DataError("the `window` target must be a numeric column", { file: table.file, column: targetName });
  }
  // Default features: every numeric column, the target included (its own history predicts it best).
  const features =
    source.features !== undefined
      ? resolveColumnRoles({ ...source, label: targetName }, summaries).features
      : summaries.flatMap((summary, index) => (summary.kind === "numeric" ? [index] : []));
  const policy = spec.missing ?? "error";
  const rows = selectCompleteRows(table, [...features, target], target, policy);
  const fractions = resolveSplitFractions(spec.split, false);
  const testRows = Math.round(rows.length * fractions.test);
  const heldOut = Math.round(rows.length * (fractions.validation + fractions.test));
  const trainRows = fractions.trainIsRest
    ? rows.length - heldOut
    : Math.min(Math.round(rows.length * fractions.train), rows.length - heldOut);
  const parts = {
    train: rows.slice(0, trainRows),
    validation: rows.slice(rows.length - heldOut, rows.length - testRows),
    test: rows.slice(rows.length - testRows),
  };
  const encodings = fitColumnEncodings(table, features, summaries, parts.train, { policy, schema: source.schema });
  const width = featureCountOf(encodings);
  const trainValues = encodeTableRows(table, parts.train, encodings);
  const normalize = fitNormalization(spec.normalize, trainValues, width);
  const horizon = window.horizon ?? 1;
  const windowsOf = (part: readonly number[], limit: number | undefined): SplitArrays => {
    const values = encodeTableRows(table, part, encodings);
    applyNormalization(values, width, normalize);
    const targets = part.map((row) => windowTarget(table, row, target));
    const windows = makeWindows(values, width, targets, window.size, horizon);
    const size = Math.min(windows.count, limit ?? Infinity);
    return { x: windows.x.subarray(0, size * window.size * width), y: windows.y.subarray(0, size * horizon), size };
  };
  const trainLimit = Math.min(spec.limit ?? Infinity, options.limit ?? Infinity);
  const train = windowsOf(parts.train, Number.isFinite(trainLimit) ? trainLimit : undefined);
  if (train.size === 0) {
    throw new DataError(
      `the training part has ${parts.train.length} rows, too few for one window of ${window.size} rows plus ${horizon} to predict`,
      { file: table.file },
    );
  }
  return {
    info: {
      task: "regression",
      modality: "series",
      featureShape: [window.size, width],
      featureNames: featureNamesOf(encodings),
      targets: horizon,
    },
    train,
    validation: windowsOf(parts.validation, options.limit),
    test: windowsOf(parts.test, options.limit),
    preprocessing: { normalize, columns: encodings },
  };
}

/** Labels of the complete rows, with the data set's declared task and classes as defaults. */
function readLabels(
  source: TableSource,
  labelColumn: number,
  rows: readonly number[],
  summaries: readonly ColumnSummary[],
  spec: DataSpec,
): TableLabels {
  return readTableLabels(source.table, labelColumn, rows, summaries[labelColumn]!, {
    task: spec.task ?? source.task,
    declaredClasses: source.classes,
    wantedClasses: spec.classes,
  });
}

/** Class of a table row, for stratification; undefined for regression. */
function classOfRows(labels: TableLabels): ((row: number) => number) | undefined {
  const ids = labels.classIds;
  return ids === undefined ? undefined : (row) => ids[row]!;
}

/** Class ids `[n]` or targets `[n]` (one target per row) of the given rows. */
function labelsOf(labels: TableLabels, rows: readonly number[]): Int32Array | Float32Array {
  if (labels.classIds !== undefined) return Int32Array.from(rows, (row) => labels.classIds![row]!);
  return Float32Array.from(rows, (row) => labels.targets![row]!);
}

/** The label part of `DataInfo`. */
function labelInfo(labels: TableLabels): { task: Task; classes?: readonly string[]; targets?: number } {
  return labels.task === "classification"
    ? { task: labels.task, classes: labels.classes }
    : { task: labels.task, targets: 1 };
}

/** A setting that makes no sense for this source is the user's mistake. */
function rejectSetting(condition: boolean, reason: string): void {
  if (condition) throw new DataError(reason);
}

/** Makes the tensors: `x` as `[n, ...featureShape]`, `y` as int32 `[n]` or float32 `[n, targets]`. */
function toTensors(arrays: PreparedArrays, spec: DataSpec): PreparedData {
  const { info } = arrays;
  const toSplit = (split: SplitArrays): Split => ({
    x:
      split.x instanceof Int32Array
        ? tf.tensor(split.x, [split.size, ...info.featureShape], "int32")
        : tf.tensor(split.x, [split.size, ...info.featureShape], "float32"),
    y:
      info.task === "classification"
        ? tf.tensor1d(split.y as Int32Array, "int32")
        : tf.tensor2d(split.y as Float32Array, [split.size, info.targets ?? 1], "float32"),
    size: split.size,
  });
  const augment = augmentationOf(spec.augment ?? [], info);
  return {
    info,
    train: toSplit(arrays.train),
    ...(arrays.validation.size > 0 ? { validation: toSplit(arrays.validation) } : {}),
    ...(arrays.test.size > 0 ? { test: toSplit(arrays.test) } : {}),
    preprocessing: arrays.preprocessing,
    ...(augment !== undefined ? { augment } : {}),
  };
}

/** A window's target value (NaN when missing); one beyond float32 would be Infinity: a `DataError` (DLM513). */
function windowTarget(table: Table, row: number, column: number): number {
  const cell = table.cell(row, column);
  const value = numericValue(cell);
  if (value === undefined) return Number.NaN;
  if (outsideFloat32(value)) {
    throw new DataError(outsideFloat32Reason(String(cell).trim()), {
      file: table.file,
      ...rowLocation(table, row),
      column: table.columns[column],
    });
  }
  return value;
}
