/**
 * `train { }` and `fine_tune { }` → `StageSpec` / `FineTuneSpec`: optimizer, schedule,
 * loss, metrics, epochs, batch sizes, class weights and callbacks, in the runtime's types
 * with defaults filled in (optimizer `adam` at its default learning rate, batch size 32,
 * no metrics, no callbacks). `fine_tune` takes every setting it does not write from
 * `train`, except `callbacks` (each stage lists its own). Numeric settings may hold a
 * search space when the experiment tunes; their site paths point into these specs.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { CallbackSpec, FineTuneSpec, StageSpec } from "../../runtime/experiment.js";
import type { ScheduleSpec } from "../../runtime/optimizers.js";
import type { ClassWeightSpec, LossName } from "../../runtime/losses.js";
import type { OptimizerName, OptimizerSpec } from "../../runtime/optimizers.js";
import type { Unfreeze } from "../../runtime/unfreeze.js";
import { LOSSES, METRICS, OPTIMIZERS, SCHEDULES, UNFREEZE, type LossEntry } from "../registry/training.js";
import { CALLBACKS } from "../registry/callbacks/index.js";
import { lowerRegistryCall } from "../registry/lower-call.js";
import { foldConstant } from "../constant-values.js";
import { readNumber, readString } from "../layers/arguments.js";
import { camelCase, type ExperimentContext, type SpaceSite } from "./experiment-context.js";
import { settingSpecOf, type SectionReading } from "./read-sections.js";
import {
  readClassWeight,
  readCountOrAuto,
  readEntry,
  readNameList,
  readScalarSetting,
  resolveEntryCall,
  settingValue,
  unknownEntry,
  type ClassWeightReading,
  type EntryReading,
  type WrittenName,
} from "./read-values.js";
import { trainSettingDefault } from "../registry/experiment-schema.js";

/** A callback as written: its spec and where its monitored name is. */
export interface CallbackReading {
  readonly spec: CallbackSpec;
  /** The callback's call. */
  readonly range: SourceRange;
  /** Where `monitor` is written; undefined when it is the default. */
  readonly monitorRange?: SourceRange;
}

/** A lowered stage: its spec (undefined when a required setting is missing or wrong) and where things are. */
export interface StageReading {
  /** `train` or `fine_tune`. */
  readonly stage: string;
  readonly spec: StageSpec | undefined;
  /** The section's name. */
  readonly section: SourceRange;
  /** The loss and where it is written (inherited from `train` in `fine_tune`). */
  readonly loss?: { readonly entry: LossEntry; readonly range: SourceRange };
  /** Metrics as written (or inherited), each with its range. */
  readonly metrics: readonly WrittenName[];
  readonly callbacks: readonly CallbackReading[];
  readonly classWeight?: ClassWeightReading;
  /** `fine_tune { unfreeze }` as written. */
  readonly unfreeze?: { readonly spec: Unfreeze; readonly reading: EntryReading };
}

/** Lowers `train { }`, or `fine_tune { }` over the `train` it continues. */
export function lowerStage(section: SectionReading, context: ExperimentContext, inherited?: StageReading): StageReading {
  const stage = section.path;
  const site = (name: string): SpaceSite => ({ path: [stageField(stage), camelCase(name)], name: `${stage}.${name}` });
  const scalar = (name: string): number | boolean | undefined => {
    const setting = section.settings.get(name);
    const spec = section.spec.settings.find((candidate) => candidate.name === name);
    if (setting === undefined || spec === undefined) return undefined;
    const value = readScalarSetting(setting, spec, stage, context, site(name));
    return typeof value === "number" || typeof value === "boolean" ? value : undefined;
  };
  const written = (name: string): boolean => section.settings.has(name);

  const optimizerSetting = section.settings.get("optimizer");
  const optimizer = optimizerSetting
    ? lowerOptimizer(readEntry(settingValue(optimizerSetting, context), OPTIMIZERS, "optimizer", context, site("optimizer")))
    : (inherited?.spec?.optimizer ?? defaultOptimizer());
  const scheduleSetting = section.settings.get("schedule");
  const schedule = scheduleSetting
    ? lowerSchedule(readEntry(settingValue(scheduleSetting, context), SCHEDULES, "schedule", context, site("schedule")))
    : inherited?.spec?.schedule;
  const lossSetting = section.settings.get("loss");
  const lossReading = lossSetting ? readEntry(settingValue(lossSetting, context), LOSSES, "loss", context) : undefined;
  const loss = lossReading ? { entry: lossReading.entry, range: lossReading.range } : lossSetting ? undefined : inherited?.loss;
  const metricsSetting = section.settings.get("metrics");
  const metrics = metricsSetting
    ? readNameList(settingValue(metricsSetting, context), METRICS, "metrics", context)
    : (inherited?.metrics ?? []);
  const epochs = written("epochs") ? scalar("epochs") : inherited?.spec?.epochs;
  const batchSize = written("batch_size") ? scalar("batch_size") : (inherited?.spec?.batchSize ?? trainSettingDefault("batch_size"));
  const validationBatchSize = written("validation_batch_size") ? scalar("validation_batch_size") : inherited?.spec?.validationBatchSize;
  const shuffle = written("shuffle") ? scalar("shuffle") : inherited?.spec?.shuffle;
  const workersSetting = section.settings.get("workers");
  const workers = workersSetting
    ? readCountOrAuto(workersSetting, settingSpecOf(section, "workers"), section.path, context, "the cores, when a step is worth sharing")
    : inherited?.spec?.workers;
  const classWeightSetting = section.settings.get("class_weight");
  const classWeight = classWeightSetting ? readClassWeight(classWeightSetting, context) : inherited?.classWeight;
  const callbacksSection = section.sections.get("callbacks");
  const callbacks = callbacksSection ? lowerCallbacks(callbacksSection, stage, context) : [];
  const unfreezeSetting = section.settings.get("unfreeze");
  const unfreezeReading = unfreezeSetting ? readEntry(settingValue(unfreezeSetting, context), UNFREEZE, "unfreeze", context) : undefined;
  const unfreeze = unfreezeReading ? { spec: lowerUnfreeze(unfreezeReading), reading: unfreezeReading } : undefined;

  const complete =
    optimizer !== undefined &&
    (scheduleSetting === undefined || schedule !== undefined) &&
    loss !== undefined &&
    metrics !== undefined &&
    typeof epochs === "number" &&
    typeof batchSize === "number" &&
    (validationBatchSize === undefined || typeof validationBatchSize === "number") &&
    (classWeightSetting === undefined || classWeight !== undefined) &&
    callbacks.every((callback) => callback !== undefined);
  const spec: StageSpec | undefined = complete
    ? {
        optimizer,
        ...(schedule ? { schedule } : {}),
        loss: loss.entry.name as LossName,
        metrics: metrics.map((metric) => metric.name),
        epochs,
        batchSize,
        ...(typeof validationBatchSize === "number" ? { validationBatchSize } : {}),
        ...(classWeight ? { classWeight: classWeightSpec(classWeight) } : {}),
        ...(typeof shuffle === "boolean" ? { shuffle } : {}),
        ...(workers === undefined ? {} : { workers }),
        callbacks: callbacks.map((callback) => callback!.spec),
      }
    : undefined;
  return {
    stage,
    spec,
    section: section.name.range,
    ...(loss ? { loss } : {}),
    metrics: metrics ?? [],
    callbacks: callbacks.filter((callback): callback is CallbackReading => callback !== undefined),
    ...(classWeight ? { classWeight } : {}),
    ...(unfreeze ? { unfreeze } : {}),
  };
}

/** The stage's field in the plan: `train`, `fineTune`. */
function stageField(stage: string): string {
  return camelCase(stage);
}

/** The fine-tune spec: the stage plus which pretrained layers unfreeze. */
export function fineTuneSpec(reading: StageReading): FineTuneSpec | undefined {
  if (reading.spec === undefined || reading.unfreeze === undefined) return undefined;
  return { ...reading.spec, unfreeze: reading.unfreeze.spec };
}

/** `adam` at its default learning rate (the registry's, which is Keras's). */
function defaultOptimizer(): OptimizerSpec {
  const rate = OPTIMIZERS.entries.get("adam")?.params.find((param) => param.name === "learning_rate")?.default;
  if (typeof rate !== "number") throw new Error("the optimizer registry has no default learning rate for adam");
  return { name: "adam", learningRate: rate };
}

function lowerOptimizer(reading: EntryReading | undefined): OptimizerSpec | undefined {
  if (reading === undefined) return undefined;
  const name = reading.entry.name as OptimizerName;
  const fields: Record<string, number | boolean> = { learningRate: readNumber(reading.args, "learning_rate") };
  // Other arguments only when written: the runtime's defaults apply otherwise.
  for (const param of reading.entry.params) {
    if (param.name === "learning_rate" || !reading.origins.has(param.name)) continue;
    const value = reading.args[param.name];
    if (typeof value === "number" || typeof value === "boolean") fields[camelCase(param.name)] = value;
  }
  return { name, ...fields } as OptimizerSpec;
}

/** A schedule's spec, lowered from its definition like every registry entry. */
function lowerSchedule(reading: EntryReading | undefined): ScheduleSpec | undefined {
  return reading === undefined ? undefined : (lowerRegistryCall(reading) as ScheduleSpec);
}

function lowerUnfreeze(reading: EntryReading): Unfreeze {
  switch (reading.entry.name) {
    case "all":
      return "all";
    case "none":
      return "none";
    case "last":
      return { last: readNumber(reading.args, "count") };
    case "from":
      return { from: readString(reading.args, "layer") };
    default:
      throw new Error(`no lowering for unfreeze \`${reading.entry.name}\``);
  }
}

function classWeightSpec(reading: ClassWeightReading): ClassWeightSpec {
  return reading.kind === "balanced" ? "balanced" : Object.fromEntries(reading.weights.map((weight) => [weight.key, weight.weight]));
}

/** Each callback of `callbacks { }`; undefined entries had a problem (reported). */
function lowerCallbacks(section: SectionReading, stage: string, context: ExperimentContext): (CallbackReading | undefined)[] {
  const names = section.calls.map((call) => call.callee.name);
  return section.calls.map((call, index) => {
    const entry = CALLBACKS.entries.get(call.callee.name);
    if (entry === undefined) {
      context.report(unknownEntry(call.callee, CALLBACKS, context.file));
      return undefined;
    }
    const value = foldConstant(call, { file: context.file });
    if (value.kind !== "call") return undefined;
    // Hyperparameter names stay readable: `train.early_stopping.patience` (indexed only when a callback repeats).
    const repeated = names.filter((name) => name === entry.name).length > 1;
    const site: SpaceSite = {
      path: [stageField(stage), "callbacks", index],
      name: `${stage}.${entry.name}${repeated ? `[${index}]` : ""}`,
    };
    const reading = resolveEntryCall(value, entry, context, site);
    if (reading === undefined) return undefined;
    const monitorRange = reading.origins.get("monitor")?.range;
    return { spec: lowerRegistryCall(reading) as CallbackSpec, range: call.range, ...(monitorRange ? { monitorRange } : {}) };
  });
}
