/**
 * What the data of an experiment looks like, known before any tensor exists: a built-in
 * data set's catalog entry, a CSV file's header and label values, an image folder's
 * classes. From that, the `DataInfo` the model is checked against, which splits exist,
 * and the data checks: unknown data set (DLM215), unreadable file or one without a header row (DLM216), unknown
 * column (DLM217), unknown class (DLM220), split fractions (DLM309), augmentation on
 * non-image data (DLM503), settings that do not fit the source (DLM506: `resize` and `channels` on
 * data that is not images too), defaults that
 * will not work (DLM510, a warning) and values that are not numbers in numeric columns (DLM512).
 */
import type { SourceRange } from "../../grammar/ast.js";
import { builtinDataInfo, BUILTIN_DATASET_NAMES, findBuiltinDataset } from "../../runtime/data/builtin-datasets.js";
import { parseCsvTable } from "../../runtime/data/csv.js";
import { DataError } from "../../runtime/data/errors.js";
import { inspectImageFolder } from "../../runtime/data/inspect.js";
import { inferTask } from "../../runtime/data/labels.js";
import type { Table } from "../../runtime/data/raw.js";
import { convertedImageShape, DEFAULT_TOKENIZE, type CsvSource, type DataSpec, type ImageFolderSource } from "../../runtime/data/spec.js";
import {
  categoryName,
  isMissing,
  numericValue,
  outsideFloat32,
  outsideFloat32Reason,
  selectCompleteRows,
  summarizeColumns,
  type ColumnSummary,
} from "../../runtime/data/table.js";
import type { DataInfo, Task } from "../../runtime/prepared-data.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { formatNumber } from "../constant-values.js";
import { readHostFile, type CompilerHost } from "../host.js";
import { describeBoundedReadFailure, formatByteLimit } from "../source-limits.js";
import { MAX_CSV_CHECK_BYTES } from "../../runtime/data/csv.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { DataReading, DataSites } from "./lower-data.js";
import type { WrittenName } from "./read-values.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";
import { INPUTS } from "../../diagnostics/catalog/inputs.js";
import { OUTCOMES } from "../../diagnostics/catalog/outcomes.js";
import { DATA_FILES } from "../../diagnostics/catalog/data-files.js";

/** The data as the rest of the experiment sees it. */
export interface DataFacts {
  readonly info: DataInfo;
  /** A validation split exists (`split { validation }`), so `val_*` values are logged. */
  readonly hasValidation: boolean;
  /** A test split exists: the source's own, an explicit fraction, or the default 0.2. */
  readonly hasTest: boolean;
  /** Text: the tokenizer's vocabulary size (token ids run from 0 to this - 1). */
  readonly vocabulary?: number;
}

/** Lists an image folder's classes; the real file system by default (the host reads files, not folders). */
export type ImageFolderReader = (dir: string) => { readonly classes: readonly string[] } | DataError;

/** Inspects the data of `data { }` without loading it; undefined when it cannot be known. */
export function inspectData(
  reading: DataReading,
  context: ExperimentContext,
  host: CompilerHost,
  readImageFolder: ImageFolderReader = inspectImageFolder,
): DataFacts | undefined {
  const spec = reading.spec;
  if (spec === undefined) return undefined;
  const sites = reading.sites;
  let described: DescribedData | undefined;
  switch (spec.source.kind) {
    case "builtin":
      described = describeBuiltin(spec, spec.source.name, sites, context);
      break;
    case "csv":
      described = describeCsv(spec, spec.source, sites, context, host);
      break;
    case "images":
      described = describeImages(spec, spec.source, sites, context, host, readImageFolder);
      break;
  }
  if (described === undefined) {
    // Without the source, the default test fraction is unknown; written fractions can still be summed.
    if (spec.split?.train !== undefined || spec.split?.test !== undefined) checkSplit(spec, false, sites, context);
    return undefined;
  }
  const info = withImageFormat(described.info, spec, sites, context);
  if (spec.augment !== undefined && info.modality !== "image" && sites.augment) {
    context.report(
      makeDiagnostic(PIPELINE.augmentationOnNonImages, context.file, sites.augment, {
        message: `\`augment\` applies to images, but this data is ${info.modality} (examples of shape ${formatShape(info.featureShape)})`,
        help: "remove the `augment` section",
      }),
    );
  }
  if (
    info.task === "regression" &&
    spec.classes !== undefined &&
    sites.classes !== undefined &&
    spec.window === undefined
  ) {
    const first = sites.classes[0];
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, first ? spanOf(sites.classes) : sites.section, {
        message: "`classes` keeps classes of a classification task, but this data is a regression task",
        help: "remove `classes`",
      }),
    );
  }
  const splits = checkSplit(spec, described.hasOwnTest, sites, context);
  if (described.complete === false) return undefined;
  return {
    info,
    hasValidation: splits.validation > 0,
    hasTest: splits.test > 0 || splits.useOwnTest,
    ...(info.modality === "text" ? { vocabulary: spec.tokenize?.vocab ?? DEFAULT_TOKENIZE.vocab } : {}),
  };
}

/**
 * Images after `resize` and `channels` (the model's input is checked against these); either
 * setting on data that is not images is DLM506.
 */
function withImageFormat(info: DataInfo, spec: DataSpec, sites: DataSites, context: ExperimentContext): DataInfo {
  if (info.modality !== "image") {
    for (const [name, range] of [
      ["resize", spec.resize !== undefined ? sites.resize : undefined],
      ["channels", spec.channels !== undefined ? sites.channels : undefined],
    ] as const) {
      if (range === undefined) continue;
      context.report(
        makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, range, {
          message: `\`${name}\` converts images, but this data is ${info.modality} (examples of shape ${formatShape(info.featureShape)})`,
          help: `remove \`${name}\``,
        }),
      );
    }
    return info;
  }
  const [height, width, channels] = info.featureShape;
  if (height === undefined || width === undefined || channels === undefined) return info;
  return { ...info, featureShape: convertedImageShape([height, width, channels], spec) };
}

/** A source described: its info and whether it brings its own test split. */
interface DescribedData {
  readonly info: DataInfo;
  readonly hasOwnTest: boolean;
  /** False when a setting did not fit (reported): the info is good enough for the other data checks only. */
  readonly complete?: boolean;
}

function describeBuiltin(
  spec: DataSpec,
  name: string,
  sites: DataSites,
  context: ExperimentContext,
): DescribedData | undefined {
  const nameRange = sites.source?.origins.get("name")?.range ?? sites.source?.range ?? sites.section;
  const dataset = findBuiltinDataset(name);
  if (dataset === undefined) {
    const help = didYouMean(name, BUILTIN_DATASET_NAMES);
    context.report(
      makeDiagnostic(PIPELINE.unknownDataset, context.file, nameRange, {
        message: `unknown built-in data set "${name}"`,
        ...(help ? { help } : {}),
        notes: [
          `built-in data sets: ${BUILTIN_DATASET_NAMES.join(", ")} (\`dlm datasets\` lists them with shapes and classes)`,
        ],
      }),
    );
    return undefined;
  }
  if (spec.window !== undefined && sites.window) {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, sites.window.range, {
        message: `\`window\` cuts a CSV time series, but the source is the built-in data set "${name}"`,
        help: "use `source: csv(PATH, label: COLUMN)` with rows in time order",
      }),
    );
  }
  if (spec.tokenize !== undefined && dataset.modality !== "text" && sites.tokenize) {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, sites.tokenize, {
        message: `\`tokenize\` turns text into token ids, but "${name}" is ${dataset.modality} data`,
        help: "remove `tokenize`",
      }),
    );
  }
  if (spec.tokenize === undefined && dataset.modality === "text") reportDefaultTokenizer(sites, context, `"${name}"`);
  if (spec.task !== undefined && spec.task !== dataset.task && sites.task) {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, sites.task, {
        message: `"${name}" is a ${dataset.task} data set, found \`task: ${spec.task}\``,
        help: `remove \`task\` or write \`task: ${dataset.task}\``,
      }),
    );
  }
  if (dataset.missingValues !== undefined && (spec.missing ?? "error") === "error") {
    context.report(
      makeDiagnostic(PIPELINE.unworkableDataDefault, context.file, nameRange, {
        message: `"${name}" has missing values and \`missing\` is \`error\`, so preparing the data will stop at the first one`,
        notes: [dataset.missingValues],
        help: "add `missing: drop` or `missing: mean` to `data`",
      }),
    );
  }
  const base = builtinDataInfo(dataset, spec.tokenize?.length ?? DEFAULT_TOKENIZE.length);
  const classes = selectClasses(base.classes, spec, sites, context, `"${name}"`);
  const hasOwnTest = dataset.sizes.test !== undefined;
  if (classes === false) return { info: base, hasOwnTest, complete: false };
  return { info: { ...base, ...(classes ? { classes } : {}) }, hasOwnTest };
}

/** `classes` kept from the source's classes (DLM220 for a name that is not one); false on an error. */
function selectClasses(
  all: readonly string[] | undefined,
  spec: DataSpec,
  sites: DataSites,
  context: ExperimentContext,
  sourceName: string,
): readonly string[] | undefined | false {
  if (spec.classes === undefined || all === undefined || sites.classes === undefined) return all;
  let ok = true;
  for (const written of sites.classes) {
    if (all.includes(written.name)) continue;
    ok = false;
    const help = didYouMean(written.name, all);
    context.report(
      makeDiagnostic(PIPELINE.unknownClass, context.file, written.range, {
        message: `"${written.name}" is not a class of ${sourceName}`,
        ...(help ? { help } : {}),
        notes: [`classes: ${all.map((name) => JSON.stringify(name)).join(", ")}`],
      }),
    );
  }
  return ok ? spec.classes : false;
}

function reportDefaultTokenizer(sites: DataSites, context: ExperimentContext, sourceName: string): void {
  context.report(
    makeDiagnostic(PIPELINE.unworkableDataDefault, context.file, sites.source?.range ?? sites.section, {
      message: `${sourceName} is text and \`data\` has no \`tokenize\`: the default tokenizer is used (vocab ${DEFAULT_TOKENIZE.vocab}, length ${DEFAULT_TOKENIZE.length})`,
      help: `add \`tokenize(vocab: ${DEFAULT_TOKENIZE.vocab}, length: ${DEFAULT_TOKENIZE.length})\` to \`data\` to choose them`,
    }),
  );
}

function describeCsv(
  spec: DataSpec,
  source: CsvSource,
  sites: DataSites,
  context: ExperimentContext,
  host: CompilerHost,
): DescribedData | undefined {
  const pathRange = sites.source?.origins.get("path")?.range ?? sites.source?.range ?? sites.section;
  const resolved = host.resolve(context.file, source.path);
  const read = readHostFile(host, resolved, MAX_CSV_CHECK_BYTES, { prefix: true });
  if (read.kind === "missing") {
    context.report(
      makeDiagnostic(PIPELINE.dataFileNotFound, context.file, pathRange, {
        message: `cannot read CSV file "${source.path}" (looked for ${resolved})`,
        help: "paths are relative to the folder of the .dlm file",
      }),
    );
    return undefined;
  }
  if (read.kind !== "text") {
    context.report(
      makeDiagnostic(INPUTS.notARegularFile, context.file, pathRange, {
        message: describeBoundedReadFailure(resolved, read),
        help: `name a CSV file: a regular file whose lines are each shorter than ${formatByteLimit(MAX_CSV_CHECK_BYTES)}`,
      }),
    );
    return undefined;
  }
  const text = read.text;
  if (read.truncated === true) {
    context.report(
      makeDiagnostic(INPUTS.largeCsvPartlyChecked, context.file, pathRange, {
        message: `"${source.path}" is larger than ${formatByteLimit(MAX_CSV_CHECK_BYTES)}: only its first ${formatByteLimit(MAX_CSV_CHECK_BYTES)} were checked; the rest is read when training`,
      }),
    );
  }
  let table: Table;
  try {
    table = parseCsvTable(text, resolved, source.delimiter ?? ",");
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    // A header of numbers often repeats one ("0,0,1"): say the header is missing, not that a name appears twice.
    const firstLine =
      text
        .replace(/^\uFEFF/, "")
        .split(/\r\n|\r|\n/)
        .find((line) => line.trim() !== "") ?? "";
    if (reportMissingHeader(firstLine.split(source.delimiter ?? ","), source, pathRange, context)) return undefined;
    context.report(
      makeDiagnostic(PIPELINE.dataFileNotFound, context.file, pathRange, {
        message: `cannot read CSV file "${source.path}": ${error.message}`,
      }),
    );
    return undefined;
  }
  if (reportMissingHeader(table.columns, source, pathRange, context, table)) return undefined;
  if (table.rowCount === 0) {
    context.report(
      makeDiagnostic(OUTCOMES.noDataRows, context.file, pathRange, {
        message: `"${source.path}" has a header row (${table.columns.join(", ")}) but no data rows: there is nothing to train on`,
        help: "add rows below the header, or point `csv(...)` at the file that holds the data",
      }),
    );
    return undefined;
  }
  const summaries = summarizeColumns(table);
  const columnNames = summaries.map((summary) => summary.name);
  const argRange = (name: string): SourceRange => sites.source?.origins.get(name)?.range ?? pathRange;
  const findColumn = (name: string, role: string, range: SourceRange): ColumnSummary | undefined => {
    const found = summaries.find((summary) => summary.name === name);
    if (found !== undefined) return found;
    const help = didYouMean(name, columnNames);
    context.report(
      makeDiagnostic(PIPELINE.unknownColumn, context.file, range, {
        message: `${source.path} has no ${role} column "${name}"`,
        ...(help ? { help } : {}),
        notes: [`columns: ${columnNames.map((column) => JSON.stringify(column)).join(", ")}`],
      }),
    );
    return undefined;
  };
  let complete = true;
  const label = findColumn(source.label, "label", argRange("label"));
  if (label === undefined) complete = false;
  const textColumn = source.text !== undefined ? findColumn(source.text, "text", argRange("text")) : undefined;
  if (source.text !== undefined && textColumn === undefined) complete = false;
  const writtenFeatures = sites.source?.lists.get("features");
  const features: ColumnSummary[] = [];
  for (const written of writtenFeatures ?? []) {
    const column = findColumn(written.name, "feature", written.range);
    if (column === undefined) complete = false;
    else if (column.name === source.label && spec.window === undefined) {
      complete = false;
      context.report(
        makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, written.range, {
          message: `"${written.name}" is the label column; it cannot also be a feature`,
          help: "remove it from `features`",
        }),
      );
    } else features.push(column);
  }
  const windowTarget = spec.window ? (spec.window.target ?? source.label) : undefined;
  const target =
    spec.window && windowTarget !== undefined
      ? findColumn(windowTarget, "target", sites.window?.origins.get("target")?.range ?? argRange("label"))
      : undefined;
  if (spec.window && target === undefined) complete = false;
  if (!complete || label === undefined) return undefined;

  if (spec.window !== undefined)
    return describeSeries(
      spec,
      source,
      summaries,
      target!,
      writtenFeatures ? features : undefined,
      table,
      sites,
      context,
    );
  if (spec.tokenize !== undefined && source.text === undefined && sites.tokenize) {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, sites.tokenize, {
        message: "`tokenize` needs a text column, but the CSV source has none",
        help: "name it in the source: `csv(PATH, label: COLUMN, text: COLUMN)`",
      }),
    );
    return undefined;
  }
  const task = csvTask(spec, label, sites, context, source.path);
  if (task === undefined) return undefined;
  const classes =
    task === "classification"
      ? selectClasses(label.distinct, spec, sites, context, `column "${label.name}"`)
      : undefined;
  const labelInfo = task === "classification" ? { task, classes: classes || label.distinct } : { task, targets: 1 };
  const classesFit = classes !== false;
  if (textColumn !== undefined) {
    if (spec.tokenize === undefined) reportDefaultTokenizer(sites, context, `column "${textColumn.name}"`);
    warnMissing(spec, table, [label, textColumn], sites, context, source.path);
    reportNonNumbers(
      table,
      [{ column: label, rows: rowsAfterMissing(spec, table, [label], label), classNames: task === "classification" }],
      pathRange,
      context,
      source.path,
    );
    return {
      info: { ...labelInfo, modality: "text", featureShape: [spec.tokenize?.length ?? DEFAULT_TOKENIZE.length] },
      hasOwnTest: false,
      complete: classesFit,
    };
  }
  const used = writtenFeatures
    ? features
    : summaries.filter((summary) => summary.name !== label.name && summary.kind !== "text");
  if (used.length === 0) {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, pathRange, {
        message: `${source.path} has no feature columns: every column other than "${label.name}" is free text`,
        help: "name a text column with `text: COLUMN` and add `tokenize`, or list `features`",
      }),
    );
    return undefined;
  }
  warnMissing(spec, table, [label, ...used], sites, context, source.path);
  const kept = rowsAfterMissing(spec, table, [label, ...used], label);
  // Features are encoded only in rows whose label is a kept class; the label is read in every kept row.
  const wanted = task === "classification" && spec.classes !== undefined ? new Set(spec.classes) : undefined;
  const labelIndex = table.columns.indexOf(label.name);
  const featureRows = wanted
    ? kept.filter((row) => wanted.has(categoryName(table.cell(row, labelIndex))))
    : kept;
  const reads = [
    { column: label, rows: kept, classNames: task === "classification" },
    ...used.map((column) => ({ column, rows: featureRows })),
  ];
  reportNonNumbers(table, reads, pathRange, context, source.path);
  const featureNames = expandFeatures(used);
  return {
    info: { ...labelInfo, modality: "tabular", featureShape: [featureNames.length], featureNames },
    hasOwnTest: false,
    complete: classesFit,
  };
}

/** The task of a CSV label: written (and possible), or inferred as the runtime does. */
function csvTask(
  spec: DataSpec,
  label: ColumnSummary,
  sites: DataSites,
  context: ExperimentContext,
  path: string,
): Task | undefined {
  if (spec.task === "regression" && label.kind !== "numeric") {
    context.report(
      makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, sites.task ?? sites.section, {
        message: `\`task: regression\` needs a numeric label, but column "${label.name}" of ${path} holds names`,
        help: "remove `task` (the label makes it classification)",
      }),
    );
    return undefined;
  }
  return spec.task ?? inferTask(label);
}

/** A time series: windows of `size` rows over the feature columns, predicting `horizon` values of the target. */
function describeSeries(
  spec: DataSpec,
  source: CsvSource,
  summaries: readonly ColumnSummary[],
  target: ColumnSummary,
  written: readonly ColumnSummary[] | undefined,
  table: Table,
  sites: DataSites,
  context: ExperimentContext,
): DescribedData | undefined {
  const window = spec.window!;
  const windowRange = sites.window?.range ?? sites.section;
  const problems: string[] = [];
  if (spec.task === "classification")
    problems.push("`window` predicts future values of a column: the task is regression, found `task: classification`");
  if (spec.classes !== undefined) problems.push("`classes` does not apply to a `window` time series");
  if (source.text !== undefined) problems.push("`window` needs numeric columns, not a text column");
  if (spec.tokenize !== undefined) problems.push("`tokenize` does not apply to a `window` time series");
  if (target.kind !== "numeric") problems.push(`the \`window\` target "${target.name}" must be a numeric column`);
  for (const message of problems) context.report(makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, windowRange, { message }));
  if (problems.length > 0) return undefined;
  // Default features: every numeric column, the target included (its own history predicts it best).
  const used = written ?? summaries.filter((summary) => summary.kind === "numeric");
  warnMissing(spec, table, [target, ...used], sites, context, source.path);
  // Every kept row is encoded; a target that is not a number would train on NaN rather than fail.
  const rows = rowsAfterMissing(spec, table, [target, ...used], target);
  const pathRange = sites.source?.origins.get("path")?.range ?? sites.source?.range ?? sites.section;
  reportNonNumbers(
    table,
    [target, ...used].map((column) => ({ column, rows })),
    pathRange,
    context,
    source.path,
  );
  const featureNames = expandFeatures(used);
  return {
    info: {
      task: "regression",
      modality: "series",
      featureShape: [window.size, featureNames.length],
      featureNames,
      targets: window.horizon ?? 1,
    },
    hasOwnTest: false,
  };
}

/** Feature names after one-hot expansion: numeric columns as they are, categorical ones `column=value`. */
function expandFeatures(columns: readonly ColumnSummary[]): string[] {
  return columns.flatMap((column) =>
    column.kind === "numeric" ? [column.name] : column.distinct.map((value) => `${column.name}=${value}`),
  );
}

/** DLM510 (warning): a used column has empty cells and `missing` is left at `error`. */
function warnMissing(
  spec: DataSpec,
  table: Table,
  used: readonly ColumnSummary[],
  sites: DataSites,
  context: ExperimentContext,
  path: string,
): void {
  if ((spec.missing ?? "error") !== "error") return;
  const withMissing = used.filter((column, index) => column.missing > 0 && used.indexOf(column) === index);
  if (withMissing.length === 0) return;
  const first = withMissing[0]!;
  const column = table.columns.indexOf(first.name);
  let row = 0;
  while (row < table.rowCount && !isMissing(table.cell(row, column))) row++;
  const line = table.lines?.[row];
  context.report(
    makeDiagnostic(PIPELINE.unworkableDataDefault, context.file, sites.source?.origins.get("path")?.range ?? sites.section, {
      message: `${path} has missing values and \`missing\` is \`error\`, so preparing the data will stop at the first one`,
      notes: withMissing.map(
        (summary) =>
          `column "${summary.name}": ${summary.missing} missing` +
          (summary === first && line !== undefined ? ` (first on line ${line})` : ""),
      ),
      help: "add `missing: drop` or `missing: mean` to `data`",
    }),
  );
}

/** The rows `selectCompleteRows` keeps; under `missing: error` every row (the runtime stops at the first gap: DLM510). */
function rowsAfterMissing(
  spec: DataSpec,
  table: Table,
  used: readonly ColumnSummary[],
  label: ColumnSummary,
): readonly number[] {
  const policy = spec.missing ?? "error";
  if (policy === "error") return Array.from({ length: table.rowCount }, (_, row) => row);
  const indexOf = (column: ColumnSummary): number => table.columns.indexOf(column.name);
  return selectCompleteRows(table, used.map(indexOf), indexOf(label), policy);
}

/** A column the runtime reads as numbers, in the rows it reads. */
interface NumberRead {
  readonly column: ColumnSummary;
  readonly rows: readonly number[];
  /** A classification label: its values are class names, so no float32 range applies (DLM513). */
  readonly classNames?: boolean;
}

/** How many offending values a note shows per column. */
const SHOWN_NON_NUMBERS = 3;

/**
 * DLM512: a value that is not a number where the runtime reads numbers. The rule is the
 * runtime's own: `summarizeColumns` calls a column numeric when at most a tenth of its values
 * are not numbers (a column with more is categorical and one-hot encoded, where any value is
 * a category); `encodeRow` then stops at each such value of a numeric feature, and
 * `readTableLabels` at each of a numeric label, in the rows they read. Missing cells ("",
 * "na", "n/a", "?") are not checked here: `missing` handles them (DLM510). `limit` is not
 * applied: which rows it keeps depends on the seed, and the value is wrong either way.
 */
function reportNonNumbers(
  table: Table,
  reads: readonly NumberRead[],
  pathRange: SourceRange,
  context: ExperimentContext,
  path: string,
): void {
  reportOutsideFloat32(table, reads, pathRange, context, path);
  const found: { column: ColumnSummary; present: number; bad: { row: number; value: string }[] }[] = [];
  const seen = new Set<string>();
  for (const { column, rows } of reads) {
    if (column.kind !== "numeric" || seen.has(column.name)) continue;
    seen.add(column.name);
    const index = table.columns.indexOf(column.name);
    let present = 0;
    const bad: { row: number; value: string }[] = [];
    for (const row of rows) {
      const cell = table.cell(row, index);
      if (isMissing(cell)) continue;
      present++;
      if (numericValue(cell) === undefined) bad.push({ row, value: categoryName(cell) });
    }
    if (bad.length > 0) found.push({ column, present, bad });
  }
  if (found.length === 0) return;
  // CSV tables keep every row's line; a record number is the fallback `rowLocation` uses too.
  const placeOf = (row: number): string => {
    const line = table.lines?.[row];
    return line !== undefined ? `line ${line}` : `record ${row + 1}`;
  };
  const first = found.reduce((earliest, next) => (next.bad[0]!.row < earliest.bad[0]!.row ? next : earliest));
  const { row, value } = first.bad[0]!;
  context.report(
    makeDiagnostic(DATA_FILES.notANumber, context.file, pathRange, {
      message: `"${path}" ${placeOf(row)}, column "${first.column.name}": "${value}" is not a number`,
      notes: found.map(({ column, present, bad }) => {
        const shown = bad.slice(0, SHOWN_NON_NUMBERS).map((item) => `"${item.value}" (${placeOf(item.row)})`);
        const more = bad.length > SHOWN_NON_NUMBERS ? `, ${bad.length - SHOWN_NON_NUMBERS} more` : "";
        return `column "${column.name}" is read as numbers (${present - bad.length} of its ${present} values are); not numbers: ${shown.join(", ")}${more}`;
      }),
      help: "write a number there, or empty the cell and add `missing: drop` or `missing: mean` to `data`",
    }),
  );
}

/**
 * DLM513: a number outside the float32 range (`5e38`, `-1e39`) where the runtime reads
 * numbers. It is finite in JavaScript but Infinity in the Float32Array the model gets, and
 * poisons normalization statistics and the loss; the runtime refuses it too (`encodeRow`).
 */
function reportOutsideFloat32(
  table: Table,
  reads: readonly NumberRead[],
  pathRange: SourceRange,
  context: ExperimentContext,
  path: string,
): void {
  const found: { column: string; row: number; value: string }[] = [];
  const seen = new Set<string>();
  for (const { column, rows, classNames } of reads) {
    if (column.kind !== "numeric" || classNames === true || seen.has(column.name)) continue;
    seen.add(column.name);
    const index = table.columns.indexOf(column.name);
    for (const row of rows) {
      const cell = table.cell(row, index);
      const value = numericValue(cell);
      if (value !== undefined && outsideFloat32(value)) {
        found.push({ column: column.name, row, value: categoryName(cell) });
      }
    }
  }
  if (found.length === 0) return;
  found.sort((a, b) => a.row - b.row);
  const placeOf = (row: number): string => {
    const line = table.lines?.[row];
    return line !== undefined ? `line ${line}` : `record ${row + 1}`;
  };
  const [first] = found;
  context.report(
    makeDiagnostic(DATA_FILES.outsideFloat32, context.file, pathRange, {
      message: `"${path}" ${placeOf(first!.row)}, column "${first!.column}": ${outsideFloat32Reason(first!.value)}`,
      ...(found.length > 1
        ? {
            notes: [
              `${found.length} values are out of range: ` +
                found
                  .slice(0, SHOWN_NON_NUMBERS)
                  .map((item) => `${item.value} (${placeOf(item.row)}, column "${item.column}")`)
                  .join(", ") +
                (found.length > SHOWN_NON_NUMBERS ? `, ${found.length - SHOWN_NON_NUMBERS} more` : ""),
            ],
          }
        : {}),
      help: "rescale the column (e.g. write it in other units) so that every value lies within ±3.4e38",
    }),
  );
}

/**
 * DLM216: a CSV file without a header row. When the label is not among the first line's fields
 * and most of them are numbers, that line is data; saying so beats "no label column" with
 * numbers listed as column names. True when reported.
 */
function reportMissingHeader(
  firstRow: readonly string[],
  source: CsvSource,
  pathRange: SourceRange,
  context: ExperimentContext,
  table?: Table,
): boolean {
  const fields = firstRow.map((field) => field.trim());
  const names = fields.filter((field) => numericValue(field) === undefined);
  const numbers = fields.length - names.length;
  if (fields.includes(source.label) || numbers === 0 || numbers * 2 < fields.length) return false;
  // Evidence that the line is data, not a header of numbers (`id,2019,2020,total`): each of its
  // words comes back as a value of its column further down (`setosa`), or it has no words at all.
  const wordsRecur = fields.every(
    (field, index) =>
      numericValue(field) !== undefined ||
      (table !== undefined && columnHolds(table, index, field)),
  );
  if (!wordsRecur) return false;
  // A name close to the label's is a real header with a typo (`2019,2020,region` for `Region`): DLM217 says so.
  if (didYouMean(source.label, names) !== undefined) return false;
  const delimiter = source.delimiter ?? ",";
  const shown = fields.length <= MAX_FIELDS_SHOWN ? fields : [...fields.slice(0, MAX_FIELDS_SHOWN - 1), "..."];
  // The label is most likely the one field that is not a number (`5.1,3.5,1.4,0.2,setosa`), else the last.
  const labelIndex = names.length === 1 ? fields.indexOf(names[0]!) : fields.length - 1;
  context.report(
    makeDiagnostic(PIPELINE.dataFileNotFound, context.file, pathRange, {
      message: `"${source.path}" has no header row: its first line is data (${shown.join(delimiter)})`,
      help: `add a first line naming the ${fields.length} columns, e.g. ${exampleHeader(fields.length, labelIndex, source.label, delimiter)}`,
    }),
  );
  return true;
}

/** Fields of a first line shown in full up to this many; longer lines, and example headers, are shortened with "...". */
const MAX_FIELDS_SHOWN = 6;

/** A header of `count` columns, `x1` … with the label at `labelIndex`: `x1,x2,...,x785` keeps the ends and the label. */
function exampleHeader(count: number, labelIndex: number, label: string, delimiter: string): string {
  const nameOf = (index: number): string => (index === labelIndex ? label : `x${index + 1}`);
  if (count <= MAX_FIELDS_SHOWN) return Array.from({ length: count }, (_, index) => nameOf(index)).join(delimiter);
  const kept = [...new Set([0, 1, labelIndex, count - 1])].sort((a, b) => a - b);
  return kept
    .map(
      (index, position) => (position > 0 && index > kept[position - 1]! + 1 ? `...${delimiter}` : "") + nameOf(index),
    )
    .join(delimiter);
}

function describeImages(
  spec: DataSpec,
  source: ImageFolderSource,
  sites: DataSites,
  context: ExperimentContext,
  host: CompilerHost,
  readImageFolder: ImageFolderReader,
): DescribedData | undefined {
  const dirRange = sites.source?.origins.get("dir")?.range ?? sites.source?.range ?? sites.section;
  const resolved = host.resolve(context.file, source.dir);
  const folder = readImageFolder(resolved);
  if (folder instanceof DataError) {
    context.report(
      makeDiagnostic(PIPELINE.dataFileNotFound, context.file, dirRange, {
        message: `cannot read image folder "${source.dir}" (looked for ${resolved}): ${folder.reason}`,
        help: "paths are relative to the folder of the .dlm file; put each class's images in its own sub-folder",
      }),
    );
    return undefined;
  }
  const misplaced: [string, SourceRange | undefined][] = [
    ["`window` cuts a CSV time series, not images", spec.window ? sites.window?.range : undefined],
    ["`tokenize` turns text into token ids, not images", spec.tokenize ? sites.tokenize : undefined],
    [
      "image folders are labelled by class: the task is classification, found `task: regression`",
      spec.task === "regression" ? sites.task : undefined,
    ],
  ];
  let fits = true;
  for (const [message, range] of misplaced) {
    if (range === undefined) continue;
    fits = false;
    context.report(makeDiagnostic(PIPELINE.dataSettingDoesNotFitSource, context.file, range, { message }));
  }
  const classes = selectClasses(folder.classes, spec, sites, context, `image folder "${source.dir}"`);
  return {
    info: {
      task: "classification",
      modality: "image",
      featureShape: [source.size[0], source.size[1], source.channels ?? 3],
      classes: classes || folder.classes,
    },
    hasOwnTest: false,
    complete: classes !== false && fits,
  };
}

/** Split fractions with the runtime's defaults (`SplitSpec`), or what is wrong with them. */
interface SplitFractions {
  readonly validation: number;
  readonly test: number;
  readonly useOwnTest: boolean;
}

/** Slack for fractions such as 0.7 + 0.15 + 0.15 (the runtime uses the same). */
const EPSILON = 1e-9;

/** DLM309: the fractions (with defaults filled in as the runtime fills them) must leave room for training. */
function checkSplit(spec: DataSpec, hasOwnTest: boolean, sites: DataSites, context: ExperimentContext): SplitFractions {
  const split = spec.split;
  const ownTest = hasOwnTest && spec.window === undefined;
  const validation = split?.validation ?? 0;
  let test: number;
  let testText: string;
  if (split?.test !== undefined) {
    test = split.test;
    testText = `test ${formatNumber(test)}`;
  } else if (ownTest) {
    test = 0;
    testText = "";
  } else if (split?.train !== undefined) {
    test = Math.max(0, 1 - split.train - validation);
    testText = "";
  } else {
    test = 0.2;
    testText = "the default test 0.2";
  }
  if (test < EPSILON) test = 0;
  const train = split?.train ?? 1 - validation - test;
  const sum = (split?.train ?? 0) + validation + test;
  const parts = [
    ...(split?.train !== undefined ? [`train ${formatNumber(split.train)}`] : []),
    ...(validation > 0 ? [`validation ${formatNumber(validation)}`] : []),
    ...(testText !== "" ? [testText] : []),
  ];
  const range = sites.split ?? sites.section;
  if (split?.train !== undefined && sum > 1 + EPSILON) {
    context.report(
      makeDiagnostic(PIPELINE.splitDoesNotFit, context.file, range, {
        message: `split fractions add up to ${formatNumber(Number(sum.toFixed(6)))} (${parts.join(" + ")}), more than 1`,
        help: "make train, validation and test add up to at most 1",
      }),
    );
  } else if (split?.train === undefined && train <= EPSILON) {
    context.report(
      makeDiagnostic(PIPELINE.splitDoesNotFit, context.file, range, {
        message: `the split leaves no training examples: ${parts.join(" + ")} = ${formatNumber(Number((validation + test).toFixed(6)))}`,
        help: "lower `validation` or `test`",
      }),
    );
  }
  return { validation, test, useOwnTest: ownTest && split?.test === undefined };
}

/** The range spanning every written name. */
function spanOf(items: readonly WrittenName[]): SourceRange {
  return { start: items[0]!.range.start, end: items[items.length - 1]!.range.end };
}

/** True when some row of the table holds `field` (trimmed) in the column. */
function columnHolds(table: Table, column: number, field: string): boolean {
  for (let row = 0; row < table.rowCount; row++) {
    if (String(table.cell(row, column) ?? "").trim() === field) return true;
  }
  return false;
}
