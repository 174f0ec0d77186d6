/**
 * `data { }` → `DataSpec`: every setting read and checked on its own (types, bounds,
 * catalog names and arguments), with where each part was written so the data checks
 * (`static-data.ts`) can point at it. Settings here cannot be searched: data is prepared
 * once per run, before any trial.
 */
import type { Call, SourceRange } from "../../grammar/ast.js";
import { MAX_RESIZE_LENGTH, type AugmentStep, type DataSource, type DataSpec, type MissingPolicy, type NormalizeSpec, type SplitSpec, type TargetNormalizeSpec, type TokenizeSpec, type WindowSpec } from "../../runtime/data/spec.js";
import type { Task } from "../../runtime/prepared-data.js";
import { AUGMENTATIONS, DATA_TRANSFORMS, NORMALIZATIONS, SOURCES } from "../registry/data.js";
import type { Definition } from "../registry/definition.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { foldConstant } from "../constant-values.js";
import { readBool, readIntList, readNumber, readString } from "../layers/arguments.js";
import type { ParamValue } from "../layers/layer-definition.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { SectionReading } from "./read-sections.js";
import { readEntry, readScalarSetting, readStringList, resolveEntryCall, settingValue, unknownEntry, type EntryReading, type WrittenName } from "./read-values.js";
import { VALUES } from "../../diagnostics/catalog/values.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";

/** Where the parts of `data { }` are written, for the checks that need the data to judge them. */
export interface DataSites {
  /** The `data` section's name. */
  readonly section: SourceRange;
  readonly source?: EntryReading;
  readonly classes?: readonly WrittenName[];
  readonly task?: SourceRange;
  readonly tokenize?: SourceRange;
  readonly window?: EntryReading;
  /** The `augment` section's name. */
  readonly augment?: SourceRange;
  /** The `split` section's name. */
  readonly split?: SourceRange;
  /** The value of `normalize_target`. */
  readonly normalizeTarget?: SourceRange;
  /** The name of the `resize` setting. */
  readonly resize?: SourceRange;
  /** The name of the `channels` setting. */
  readonly channels?: SourceRange;
}

/** `data { }` lowered: the spec (undefined when the source could not be read) and where things are. */
export interface DataReading {
  readonly spec: DataSpec | undefined;
  readonly sites: DataSites;
}

/** Lowers `data { }` to a `DataSpec`, reporting what is wrong with each setting. */
export function lowerData(data: SectionReading, context: ExperimentContext): DataReading {
  const scalar = (name: string) => {
    const setting = data.settings.get(name);
    const spec = data.spec.settings.find((candidate) => candidate.name === name);
    return setting && spec ? readScalarSetting(setting, spec, "data", context) : undefined;
  };
  const sourceSetting = data.settings.get("source");
  const source = sourceSetting ? readEntry(settingValue(sourceSetting, context), SOURCES, "source", context) : undefined;
  const dataSource = source ? lowerSource(source, context) : undefined;

  const transforms = readTransforms(data.calls, context);
  const classesSetting = data.settings.get("classes");
  const classes = classesSetting ? readClasses(classesSetting.value, context) : undefined;
  const limit = scalar("limit");
  const image = lowerImageFormat(data, scalar, context);
  const task = scalar("task");
  const missing = scalar("missing");
  const normalizeTarget = scalar("normalize_target");
  const normalizeSetting = data.settings.get("normalize");
  const normalize = normalizeSetting ? lowerNormalize(readEntry(settingValue(normalizeSetting, context), NORMALIZATIONS, "normalize", context)) : undefined;
  const splitSection = data.sections.get("split");
  const split = splitSection ? lowerSplit(splitSection, context) : undefined;
  const augmentSection = data.sections.get("augment");
  const augment = augmentSection ? lowerAugment(augmentSection.calls, context) : undefined;

  const sites: DataSites = {
    section: data.name.range,
    ...(source ? { source } : {}),
    ...(classes ? { classes } : {}),
    ...(data.settings.get("task") ? { task: data.settings.get("task")!.value.range } : {}),
    ...(transforms.tokenize ? { tokenize: transforms.tokenize.range } : {}),
    ...(transforms.window ? { window: transforms.window } : {}),
    ...(augmentSection ? { augment: augmentSection.name.range } : {}),
    ...(splitSection ? { split: splitSection.name.range } : {}),
    ...(data.settings.get("normalize_target") ? { normalizeTarget: data.settings.get("normalize_target")!.value.range } : {}),
    ...(data.settings.get("resize") ? { resize: data.settings.get("resize")!.name.range } : {}),
    ...(data.settings.get("channels") ? { channels: data.settings.get("channels")!.name.range } : {}),
  };
  if (dataSource === undefined) return { spec: undefined, sites };
  const spec: DataSpec = {
    source: dataSource,
    ...(transforms.tokenize ? { tokenize: lowerTokenize(transforms.tokenize) } : {}),
    ...(transforms.window ? { window: lowerWindow(transforms.window) } : {}),
    ...(classes ? { classes: classes.map((item) => item.name) } : {}),
    ...(typeof limit === "number" ? { limit } : {}),
    ...image,
    ...(typeof task === "string" ? { task: task as Task } : {}),
    ...(split ? { split } : {}),
    ...(normalize ? { normalize } : {}),
    ...(typeof missing === "string" ? { missing: missing as MissingPolicy } : {}),
    ...(typeof normalizeTarget === "string" ? { normalizeTarget: normalizeTarget as TargetNormalizeSpec } : {}),
    ...(augment && augment.length > 0 ? { augment } : {}),
  };
  return { spec, sites };
}

/**
 * `resize: [h, w]` (two lengths in 1..MAX_RESIZE_LENGTH, else DLM301 / DLM302) and
 * `channels: 1 | 3` (DLM302); whether the source holds images is `static-data.ts`'s to judge.
 */
function lowerImageFormat(
  data: SectionReading,
  scalar: (name: string) => ParamValue | undefined,
  context: ExperimentContext,
): Pick<DataSpec, "resize" | "channels"> {
  const resize = scalar("resize");
  const channels = scalar("channels");
  const valueRange = (name: string): SourceRange => data.settings.get(name)!.value.range;
  let size: [number, number] | undefined;
  if (Array.isArray(resize)) {
    const lengths = resize as readonly unknown[];
    const [height, width] = lengths;
    if (lengths.length !== 2 || typeof height !== "number" || typeof width !== "number") {
      context.report(
        makeDiagnostic(VALUES.wrongType, context.file, valueRange("resize"), {
          message: `\`resize\` expects [height, width], found ${lengths.length} value${lengths.length === 1 ? "" : "s"}`,
          help: "write two lengths in pixels, e.g. `resize: [96, 96]`",
        }),
      );
    } else if (!(height >= 1 && width >= 1 && height <= MAX_RESIZE_LENGTH && width <= MAX_RESIZE_LENGTH)) {
      context.report(
        makeDiagnostic(VALUES.outOfRange, context.file, valueRange("resize"), {
          message: `\`resize\` lengths must be between 1 and ${MAX_RESIZE_LENGTH} pixels, found [${height}, ${width}]`,
        }),
      );
    } else size = [height, width];
  }
  if (typeof channels === "number" && channels !== 1 && channels !== 3) {
    context.report(
      makeDiagnostic(VALUES.outOfRange, context.file, valueRange("channels"), {
        message: `\`channels\` must be 1 (grey) or 3 (RGB), found ${channels}`,
        help: "a pretrained RGB backbone takes `channels: 3`; grey images are repeated into each channel",
      }),
    );
  }
  return {
    ...(size ? { resize: size } : {}),
    ...(channels === 1 || channels === 3 ? { channels } : {}),
  };
}

function lowerSource(source: EntryReading, context: ExperimentContext): DataSource | undefined {
  const { args } = source;
  switch (source.entry.name) {
    case "builtin":
      return { kind: "builtin", name: readString(args, "name") };
    case "csv": {
      const features = source.lists.get("features");
      const text = readString(args, "text");
      return {
        kind: "csv",
        path: readString(args, "path"),
        label: readString(args, "label"),
        ...(features ? { features: features.map((item) => item.name) } : {}),
        ...(text !== "" ? { text } : {}),
        ...(source.origins.has("delimiter") ? { delimiter: readString(args, "delimiter") } : {}),
      };
    }
    case "images": {
      const size = readIntList(args, "size");
      const channels = readNumber(args, "channels");
      const [height, width] = size;
      if (size.length !== 2 || height === undefined || width === undefined || size.some((length) => length < 1)) {
        context.report(
          makeDiagnostic(VALUES.wrongType, context.file, source.origins.get("size")?.range ?? source.range, {
            message: `\`size\` of images expects [height, width] with two positive lengths, found [${size.join(", ")}]`,
          }),
        );
        return undefined;
      }
      if (channels === 2) {
        context.report(
          makeDiagnostic(VALUES.outOfRange, context.file, source.origins.get("channels")?.range ?? source.range, {
            message: "`channels` of images must be 1 (grey), 3 (RGB) or 4 (RGBA), found 2",
          }),
        );
        return undefined;
      }
      return {
        kind: "images",
        dir: readString(args, "dir"),
        size: [height, width],
        ...(source.origins.has("channels") ? { channels } : {}),
      };
    }
    default:
      throw new Error(`no lowering for data source \`${source.entry.name}\``);
  }
}

/** `tokenize(…)` and `window(…)` written in `data { }`, each at most once. */
function readTransforms(calls: readonly Call[], context: ExperimentContext): { tokenize?: EntryReading; window?: EntryReading } {
  const found = new Map<string, { reading: EntryReading | undefined; range: SourceRange }>();
  for (const call of calls) {
    const name = call.callee.name;
    const entry = DATA_TRANSFORMS.entries.get(name);
    if (entry === undefined) {
      context.report(unknownEntry(call.callee, DATA_TRANSFORMS, context.file));
      continue;
    }
    const first = found.get(name);
    if (first !== undefined) {
      context.report(
        makeDiagnostic(PIPELINE.writtenTwice, context.file, call.callee.range, {
          message: `\`${name}\` is written twice in \`data\``,
          related: [{ file: context.file, range: first.range, message: "first written here" }],
        }),
      );
      continue;
    }
    found.set(name, { reading: resolveCall(call, entry, context), range: call.callee.range });
  }
  const tokenize = found.get("tokenize")?.reading;
  const window = found.get("window")?.reading;
  return { ...(tokenize ? { tokenize } : {}), ...(window ? { window } : {}) };
}

/** Resolves a call standing alone in a section (no search spaces there). */
function resolveCall(call: Call, entry: Definition, context: ExperimentContext): EntryReading | undefined {
  const value = foldConstant(call, { file: context.file });
  if (value.kind !== "call") return undefined;
  return resolveEntryCall(value, entry, context, undefined);
}

function lowerTokenize(reading: EntryReading): TokenizeSpec {
  return {
    vocab: readNumber(reading.args, "vocab"),
    length: readNumber(reading.args, "length"),
    lowercase: readBool(reading.args, "lowercase"),
  };
}

function lowerWindow(reading: EntryReading): WindowSpec {
  const target = readString(reading.args, "target");
  return {
    size: readNumber(reading.args, "size"),
    horizon: readNumber(reading.args, "horizon"),
    ...(target !== "" ? { target } : {}),
  };
}

/** `classes: [...]`: class names, each at most once. */
function readClasses(value: Parameters<typeof foldConstant>[0], context: ExperimentContext): WrittenName[] | undefined {
  const items = readStringList(foldConstant(value, { file: context.file }), "`classes`", context);
  if (items === undefined) return undefined;
  const seen = new Map<string, SourceRange>();
  const unique: WrittenName[] = [];
  for (const item of items) {
    const first = seen.get(item.name);
    if (first !== undefined) {
      context.report(
        makeDiagnostic(PIPELINE.writtenTwice, context.file, item.range, {
          message: `class "${item.name}" is listed twice in \`classes\``,
          related: [{ file: context.file, range: first, message: "first listed here" }],
        }),
      );
      continue;
    }
    seen.set(item.name, item.range);
    unique.push(item);
  }
  if (unique.length < 2 && items.length === unique.length) {
    context.report(
      makeDiagnostic(VALUES.outOfRange, context.file, value.range, {
        message: `\`classes\` must keep at least 2 classes, found ${unique.length}`,
        help: "a classifier needs two classes or more",
      }),
    );
    return undefined;
  }
  return unique;
}

function lowerNormalize(reading: EntryReading | undefined): NormalizeSpec | undefined {
  if (reading === undefined) return undefined;
  switch (reading.entry.name) {
    case "scale":
      return { kind: "scale", factor: readNumber(reading.args, "factor") };
    case "standardize":
      return { kind: "standardize" };
    case "minmax":
      return { kind: "minmax" };
    case "none":
      return { kind: "none" };
    default:
      throw new Error(`no lowering for normalization \`${reading.entry.name}\``);
  }
}

/** `split { }` with only what was written (defaults are the runtime's; `static-data.ts` checks the sum). */
function lowerSplit(split: SectionReading, context: ExperimentContext): SplitSpec {
  const read = (name: string) => {
    const setting = split.settings.get(name);
    const spec = split.spec.settings.find((candidate) => candidate.name === name);
    return setting && spec ? readScalarSetting(setting, spec, "data.split", context) : undefined;
  };
  const result: { -readonly [Key in keyof SplitSpec]: SplitSpec[Key] } = {};
  for (const name of ["train", "validation", "test"] as const) {
    const value = read(name);
    if (typeof value === "number") result[name] = value;
  }
  for (const name of ["shuffle", "stratify"] as const) {
    const value = read(name);
    if (typeof value === "boolean") result[name] = value;
  }
  return result;
}

/** `augment { … }` calls → augmentation steps (unknown names: DLM204). */
function lowerAugment(calls: readonly Call[], context: ExperimentContext): AugmentStep[] {
  const steps: AugmentStep[] = [];
  for (const call of calls) {
    const entry = AUGMENTATIONS.entries.get(call.callee.name);
    if (entry === undefined) {
      context.report(unknownEntry(call.callee, AUGMENTATIONS, context.file));
      continue;
    }
    const reading = resolveCall(call, entry, context);
    if (reading === undefined) continue;
    const step = lowerAugmentStep(reading, context);
    if (step !== undefined) steps.push(step);
  }
  return steps;
}

function lowerAugmentStep(reading: EntryReading, context: ExperimentContext): AugmentStep | undefined {
  const { args } = reading;
  switch (reading.entry.name) {
    case "flip":
      return { kind: "flip", mode: readString(args, "mode") as "horizontal" | "vertical" | "both" };
    case "rotate":
      return { kind: "rotate", degrees: readNumber(args, "degrees") };
    case "crop": {
      const size = readIntList(args, "size");
      const [height, width] = size;
      if (size.length !== 2 || height === undefined || width === undefined || size.some((length) => length < 1)) {
        context.report(
          makeDiagnostic(VALUES.wrongType, context.file, reading.origins.get("size")?.range ?? reading.range, {
            message: `\`size\` of crop expects [height, width] with two positive lengths, found [${size.join(", ")}]`,
          }),
        );
        return undefined;
      }
      const padding = readNumber(args, "padding");
      return { kind: "crop", size: [height, width], ...(padding !== 0 ? { padding } : {}) };
    }
    case "translate":
      return { kind: "translate", pixels: readNumber(args, "pixels") };
    case "zoom":
      return { kind: "zoom", range: readNumber(args, "range") };
    case "brightness":
      return { kind: "brightness", delta: readNumber(args, "delta") };
    case "contrast":
      return { kind: "contrast", range: readNumber(args, "range") };
    case "noise":
      return { kind: "noise", stddev: readNumber(args, "stddev") };
    default:
      throw new Error(`no lowering for augmentation \`${reading.entry.name}\``);
  }
}
