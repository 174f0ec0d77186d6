/**
 * Consistency checks across an experiment's parts, once each part was read on its own:
 * the model's output against the labels (DLM407), the loss against the last activation
 * (DLM501) and the task (DLM507), metrics against the task (DLM508), monitored names
 * against what training logs (DLM502), the evaluated split (DLM509), class weights against
 * the classes (DLM220), and `fine_tune` against the model's `pretrained` layers (DLM504,
 * DLM206). Each check is a small function over plain facts; the caller skips a check
 * whose inputs are unknown because an earlier problem was reported.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { DataInfo } from "../../runtime/prepared-data.js";
import { METRICS, type LossEntry } from "../registry/training.js";
import { makeDiagnostic, replaceNameFix, type RelatedLocation } from "../../diagnostics/diagnostic.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { EvaluateReading } from "./lower-evaluate.js";
import type { EntryReading } from "./read-values.js";
import type { StageReading } from "./lower-stage.js";
import type { TuneReading } from "./lower-tune.js";
import type { LastActivation, ModelPlanning } from "./plan-model.js";
import type { DataFacts } from "./static-data.js";
import type { InferredLayer } from "../infer-shapes.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import type { PretrainedInfo, Shape } from "../layers/layer-definition.js";
import { closestName, didYouMean } from "../../diagnostics/suggest.js";
import { checkPositiveClass } from "./check-positive-class.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";
import { NAMES } from "../../diagnostics/catalog/names.js";
import { FINE_TUNE } from "../../diagnostics/catalog/fine-tune.js";

/** A `pretrained` layer of the planned model with the facts of the model it loads. */
export interface PretrainedUse {
  readonly layer: InferredLayer;
  /** Layer names of the loaded model that are kept (up to `until`); undefined when it cannot be read. */
  readonly layerNames: readonly string[] | undefined;
}

/** The experiment's parts as the checks see them; undefined parts had problems of their own. */
export interface PipelineFacts {
  readonly context: ExperimentContext;
  /** The experiment's name in its declaration. */
  readonly experimentName: SourceRange;
  readonly data: DataFacts | undefined;
  readonly model: ModelPlanning | undefined;
  readonly train: StageReading | undefined;
  readonly fineTune: StageReading | undefined;
  readonly tune: TuneReading | undefined;
  readonly evaluate: EvaluateReading;
  /** The model's `pretrained` layers. */
  readonly pretrained: readonly PretrainedUse[];
}

/** Runs every consistency check that has what it needs. */
export function checkPipeline(facts: PipelineFacts): void {
  const { data, model, train, fineTune } = facts;
  const stages = [train, fineTune].filter((stage): stage is StageReading => stage !== undefined);
  if (data !== undefined) {
    if (model !== undefined) checkEmbeddingVocabulary(model, data, facts.context);
    for (const stage of stages) {
      const lossFits = stage.loss === undefined || checkLossAgainstTask(stage.loss, data.info, facts.context);
      if (model !== undefined && stage.loss !== undefined && lossFits) {
        const outputFits = checkOutputAgainstLabels(model, stage.loss, data.info, facts.context);
        if (outputFits) checkLossAgainstActivation(stage.loss, model.lastActivation, facts.context);
      }
      checkStageMetrics(stage, data.info, facts.context);
      checkClassWeight(stage, data.info, facts.context);
      checkMonitors(stage, data, facts.context);
    }
    checkEvaluate(facts.evaluate, data, facts.experimentName, facts.context);
    checkPositiveClass(facts.evaluate, data.info, facts.context);
    if (facts.tune !== undefined && train !== undefined) checkTuneObjective(facts.tune, train, data, facts.context);
  }
  if (fineTune !== undefined && model !== undefined) checkFineTune(fineTune, facts.pretrained, facts.context);
}

/** How the data's labels read in messages: `3 classes (setosa, versicolor, virginica)`, `1 regression target`. */
function describeLabels(info: DataInfo): string {
  if (info.task === "classification") {
    const classes = info.classes ?? [];
    const shown = classes.length <= 5 ? classes : [...classes.slice(0, 4), "…"];
    return `${classes.length} classes (${shown.join(", ")})`;
  }
  const targets = info.targets ?? 1;
  return `${targets} regression target${targets === 1 ? "" : "s"}`;
}

/** DLM507: a classification loss on regression data or the reverse. True when the loss fits. */
export function checkLossAgainstTask(loss: { entry: LossEntry; range: SourceRange }, info: DataInfo, context: ExperimentContext): boolean {
  if (loss.entry.task === info.task) return true;
  context.report(
    makeDiagnostic(PIPELINE.settingDoesNotFitTask, context.file, loss.range, {
      message: `loss \`${loss.entry.name}\` is for ${loss.entry.task}, but the data is a ${info.task} task with ${describeLabels(info)}`,
      help:
        info.task === "classification"
          ? "use `sparse_categorical_crossentropy` (or `binary_crossentropy` for two classes)"
          : "use `mse`, `mae` or `huber`",
      fixes: (info.task === "classification"
        ? ["sparse_categorical_crossentropy", ...((info.classes?.length ?? 0) === 2 ? ["binary_crossentropy"] : [])]
        : ["mse", "mae", "huber"]
      ).map((name) => replaceNameFix(context.file, loss.range, name)),
    }),
  );
  return false;
}

/** The output shape the labels call for, given the loss. */
function expectedOutputs(loss: LossEntry, info: DataInfo): Shape[] {
  if (info.task === "regression") return [[info.targets ?? 1]];
  const k = info.classes?.length ?? 0;
  return loss.name === "binary_crossentropy" && k === 2 ? [[1], [2]] : [[k]];
}

/** DLM407: the model's output must give one value per class (or target). True when it does. */
export function checkOutputAgainstLabels(
  planning: ModelPlanning,
  loss: { entry: LossEntry; range: SourceRange },
  info: DataInfo,
  context: ExperimentContext,
): boolean {
  const output = planning.model.output;
  if (output.length === 1 && output[0] === null) return true;
  const expected = expectedOutputs(loss.entry, info);
  if (expected.some((shape) => shape.length === output.length && shape.every((length, axis) => length === output[axis]))) return true;
  const last = planning.model.layers[planning.model.layers.length - 1];
  const related: RelatedLocation[] = last ? [{ file: last.file, range: last.range, message: `the last layer gives ${formatShape(output)}` }] : [];
  const want = expected.map(formatShape).join(" or ");
  const k = info.classes?.length ?? 0;
  const help =
    output.length !== 1
      ? "add `flatten` (or a global pooling layer) and a last `dense` layer with one unit per class or target"
      : info.task === "classification" && output[0] === 1 && k === 2
        ? "use `loss: binary_crossentropy` with one sigmoid unit, or `dense(2, activation: softmax)`"
        : info.task === "classification"
          ? `end the model with \`dense(${k}, activation: softmax)\``
          : `end the model with \`dense(${info.targets ?? 1})\``;
  // A last `dense` on a rank > 1 input keeps the extra axes: a `flatten` before it gives one value per unit.
  const flattenFirst =
    output.length > 1 && last?.kind === "dense" && last.inputShape.length > 1 && last.origin.length === 0 && /^dense(_\d+)?$/.test(last.name)
      ? [{ title: "add `flatten` before the last `dense`", edits: [{ file: last.file, range: { start: last.range.start, end: last.range.start }, newText: "flatten\n" }] }]
      : [];
  context.report(
    makeDiagnostic(PIPELINE.outputDoesNotFitLabels, context.file, planning.reference, {
      message: `${planning.label} gives output ${formatShape(output)}, but the data has ${describeLabels(info)}: expected ${want}`,
      related,
      help,
      fixes: flattenFirst,
    }),
  );
  return false;
}

/** DLM406: an `embedding` reading token ids needs a row for every id the tokenizer gives. */
export function checkEmbeddingVocabulary(planning: ModelPlanning, data: DataFacts, context: ExperimentContext): void {
  const first = planning.model.layers[0];
  const vocabulary = data.vocabulary;
  if (first?.kind !== "embedding" || vocabulary === undefined) return;
  const rows = first.args?.["vocab"];
  if (typeof rows !== "number" || rows >= vocabulary) return;
  context.report(
    makeDiagnostic(PIPELINE.inputDoesNotFitData, context.file, planning.reference, {
      message: `${planning.label} embeds ${rows} token ids, but the tokenizer gives ids up to ${vocabulary - 1} (vocab ${vocabulary})`,
      related: [{ file: first.file, range: first.range, message: `\`embedding\` has vocab ${rows}` }],
      help: `give the embedding \`vocab: ${vocabulary}\`, or lower \`tokenize(vocab: ${rows})\``,
    }),
  );
}

/** Activations whose outputs are probabilities for each crossentropy. */
const PROBABILITY_ACTIVATIONS: Readonly<Record<string, readonly string[]>> = {
  binary_crossentropy: ["sigmoid", "hard_sigmoid"],
  categorical_crossentropy: ["softmax"],
  sparse_categorical_crossentropy: ["softmax"],
};

/** DLM501: a crossentropy loss needs the matching probabilities (sigmoid for binary, softmax for categorical). */
export function checkLossAgainstActivation(
  loss: { entry: LossEntry; range: SourceRange },
  activation: LastActivation | undefined,
  context: ExperimentContext,
): void {
  const expected = PROBABILITY_ACTIVATIONS[loss.entry.name];
  if (expected === undefined || activation === undefined || expected.includes(activation.name)) return;
  const binary = loss.entry.name === "binary_crossentropy";
  const reason =
    activation.name === "softmax" && binary
      ? "softmax makes the outputs sum to 1, but binary_crossentropy scores each output as its own probability"
      : activation.name === "sigmoid" && !binary
        ? `sigmoid outputs do not sum to 1, but ${loss.entry.name} expects a probability distribution over the classes`
        : `${loss.entry.name} expects probabilities, but the model ends with \`${activation.name}\``;
  context.report(
    makeDiagnostic(PIPELINE.lossDoesNotFitActivation, context.file, loss.range, {
      message: `loss \`${loss.entry.name}\` does not fit the last activation \`${activation.name}\`: ${reason}`,
      related: [{ file: activation.layer.file, range: activation.layer.range, message: `the output goes through \`${activation.name}\` here` }],
      help: binary
        ? "end the model with `activation: sigmoid`, or use `sparse_categorical_crossentropy` with softmax"
        : "end the model with `activation: softmax`",
    }),
  );
}

/** DLM508: each metric of a stage must fit the task and be an epoch metric. */
export function checkStageMetrics(stage: StageReading, info: DataInfo, context: ExperimentContext): void {
  for (const written of stage.metrics) {
    const metric = METRICS.entries.get(written.name);
    if (metric === undefined) continue;
    if (metric.evaluationOnly) {
      context.report(
        makeDiagnostic(PIPELINE.metricDoesNotFitTask, context.file, written.range, {
          message: `\`${metric.name}\` is not a number per epoch: only \`evaluate\` computes it`,
          help: `list it in \`evaluate { metrics: [...] }\` instead`,
        }),
      );
    } else if (metric.task !== info.task) reportMetricTask(written, metric.task, info, context);
  }
}

function reportMetricTask(written: { name: string; range: SourceRange }, task: string, info: DataInfo, context: ExperimentContext): void {
  const fitting = [...METRICS.entries.values()].filter((metric) => metric.task === info.task).map((metric) => metric.name);
  context.report(
    makeDiagnostic(PIPELINE.metricDoesNotFitTask, context.file, written.range, {
      message: `metric \`${written.name}\` is for ${task}, but the data is a ${info.task} task`,
      help: `${info.task} metrics: ${fitting.join(", ")}`,
    }),
  );
}

/** DLM507 / DLM220: class weights need classes, and their keys must name classes (or class ids). */
export function checkClassWeight(stage: StageReading, info: DataInfo, context: ExperimentContext): void {
  const weights = stage.classWeight;
  if (weights === undefined) return;
  if (info.task !== "classification") {
    context.report(
      makeDiagnostic(PIPELINE.settingDoesNotFitTask, context.file, weights.range, {
        message: "`class_weight` weights classes, but the data is a regression task",
        help: "remove `class_weight`",
      }),
    );
    return;
  }
  if (weights.kind === "balanced") return;
  const classes = info.classes ?? [];
  for (const weight of weights.weights) {
    const id = Number(weight.key);
    const isId = Number.isInteger(id) && id >= 0 && id < classes.length && String(id) === weight.key;
    if (classes.includes(weight.key) || isId) continue;
    const help = didYouMean(weight.key, classes);
    context.report(
      makeDiagnostic(PIPELINE.unknownClass, context.file, weight.range, {
        message: `\`class_weight\` names class "${weight.key}", which is not a class of the data`,
        ...(help ? { help } : {}),
        notes: [`classes: ${classes.map((name) => JSON.stringify(name)).join(", ")} (or their ids 0..${classes.length - 1})`],
      }),
    );
  }
}

/** Every value a stage logs per epoch: `loss`, `lr`, its metrics, and their `val_` forms with a validation split. */
export function loggedValues(metrics: readonly string[], hasValidation: boolean): string[] {
  const trained = ["loss", ...metrics];
  return [...trained, "lr", ...(hasValidation ? trained.map((name) => `val_${name}`) : [])];
}

/** Log names other libraries use for DLM's: tfjs and old Keras log `acc`. */
const KERAS_ALIASES: Readonly<Record<string, string>> = { acc: "accuracy", mean_squared_error: "mse", mean_absolute_error: "mae" };

/** Why a monitored name is not logged, and what would make it so; undefined when it is logged. */
function unloggedReason(name: string, stage: string, metrics: readonly string[], hasValidation: boolean): { reasons: string[]; help: string | undefined } | undefined {
  const logged = loggedValues(metrics, hasValidation);
  if (logged.includes(name)) return undefined;
  const validation = name.startsWith("val_");
  const base = validation ? name.slice("val_".length) : name;
  const reasons: string[] = [];
  const helps: string[] = [];
  const known = base === "loss" || base === "lr" || METRICS.entries.has(base);
  if (!known || (validation && base === "lr")) {
    const alias = KERAS_ALIASES[base];
    const suggestion = alias !== undefined ? `${validation ? "val_" : ""}${alias}` : closestName(name, loggedValues(metrics, true));
    return {
      reasons: [`\`${name}\` is not a logged value`],
      help: suggestion ? `did you mean \`${suggestion}\`?` : undefined,
    };
  }
  if (base !== "loss" && base !== "lr" && !metrics.includes(base)) {
    reasons.push(`\`${base}\` is not in the metrics of \`${stage}\``);
    helps.push(`add \`${base}\` to \`metrics: [...]\` of \`${stage}\``);
  }
  if (validation && !hasValidation) {
    reasons.push("the data has no validation split");
    helps.push("add `split { validation: 0.1 }` to `data`");
  }
  return { reasons, help: helps.join(" and ") || undefined };
}

/** DLM502: every callback's `monitor` must be a value the stage logs. */
export function checkMonitors(stage: StageReading, data: DataFacts, context: ExperimentContext): void {
  const metrics = stage.metrics.map((metric) => metric.name);
  for (const callback of stage.callbacks) {
    if (!("monitor" in callback.spec)) continue;
    const monitor = callback.spec.monitor;
    const problem = unloggedReason(monitor, stage.stage, metrics, data.hasValidation);
    if (problem === undefined) continue;
    const byDefault = callback.monitorRange === undefined;
    context.report(
      makeDiagnostic(PIPELINE.monitorNeverLogged, context.file, callback.monitorRange ?? callback.range, {
        message: `${byDefault ? `\`${callback.spec.kind}\` monitors \`${monitor}\` by default, which` : `monitored value \`${monitor}\``} is never logged: ${problem.reasons.join(", and ")}`,
        ...(problem.help ? { help: byDefault && !data.hasValidation ? `${problem.help}, or write \`monitor: loss\`` : problem.help } : {}),
        notes: [`\`${stage.stage}\` logs: ${loggedValues(metrics, data.hasValidation).join(", ")}`],
      }),
    );
  }
}

/** DLM502 for `tune { objective }`: trials are scored on a value that `train` logs. */
export function checkTuneObjective(tune: TuneReading, train: StageReading, data: DataFacts, context: ExperimentContext): void {
  const metrics = train.metrics.map((metric) => metric.name);
  const problem = unloggedReason(tune.objective, "train", metrics, data.hasValidation);
  if (problem === undefined) return;
  context.report(
    makeDiagnostic(PIPELINE.monitorNeverLogged, context.file, tune.objectiveRange, {
      message: `${tune.objectiveWritten ? "" : "the default "}objective \`${tune.objective}\` is never logged: ${problem.reasons.join(", and ")}`,
      ...(problem.help ? { help: problem.help } : {}),
      notes: [`\`train\` logs: ${loggedValues(metrics, data.hasValidation).join(", ")}`],
    }),
  );
}

/** DLM509 / DLM508: the evaluated split must exist, and evaluation metrics must fit the task. */
export function checkEvaluate(evaluate: EvaluateReading, data: DataFacts, experimentName: SourceRange, context: ExperimentContext): void {
  for (const written of evaluate.metrics ?? []) {
    const metric = METRICS.entries.get(written.name);
    if (metric !== undefined && metric.task !== data.info.task) reportMetricTask(written, metric.task, data.info, context);
  }
  const on = evaluate.on;
  if (on?.split === "validation" && !data.hasValidation) {
    context.report(
      makeDiagnostic(PIPELINE.evaluatedSplitMissing, context.file, on.range, {
        message: "`evaluate` is on the validation split, but the data has none",
        help: "add `split { validation: 0.1 }` to `data`, or evaluate `on: test`",
      }),
    );
  } else if (on?.split === "test" && !data.hasTest) {
    context.report(
      makeDiagnostic(PIPELINE.evaluatedSplitMissing, context.file, on.range, {
        message: "`evaluate` is on the test split, but the split leaves no test examples",
        help: "add `test: 0.2` to `split`, or evaluate `on: validation`",
      }),
    );
  } else if (on === undefined && !data.hasTest && !data.hasValidation) {
    context.report(
      makeDiagnostic(PIPELINE.evaluatedSplitMissing, context.file, evaluate.section ?? experimentName, {
        message: "nothing to evaluate on: the split leaves neither test nor validation examples",
        help: "give `split` a `test` or `validation` fraction",
      }),
    );
  }
}

/** DLM504 / DLM206: `fine_tune` unfreezes layers of a `pretrained` model, which must exist and have the named layer. */
export function checkFineTune(fineTune: StageReading, pretrained: readonly PretrainedUse[], context: ExperimentContext): void {
  if (pretrained.length === 0) {
    context.report(
      makeDiagnostic(PIPELINE.fineTuneWithoutPretrained, context.file, fineTune.unfreeze?.reading.range ?? fineTune.section, {
        message: "`fine_tune` unfreezes layers of a `pretrained` model, but the model has no `pretrained` layer",
        help: "start the model with `pretrained(\"path/model.json\")`, or remove `fine_tune`",
      }),
    );
    return;
  }
  const unfreeze = fineTune.unfreeze;
  if (unfreeze === undefined || typeof unfreeze.spec !== "object") return;
  const readable = pretrained.filter((use) => use.layerNames !== undefined);
  if ("last" in unfreeze.spec) {
    checkUnfreezeCount(unfreeze.spec.last, unfreeze.reading, readable, context);
    return;
  }
  const layer = unfreeze.spec.from;
  if (readable.length === 0 || readable.some((use) => use.layerNames!.includes(layer))) return;
  const names = readable.flatMap((use) => use.layerNames!);
  const help = didYouMean(layer, names);
  context.report(
    makeDiagnostic(NAMES.unknownPretrainedLayer, context.file, unfreeze.reading.origins.get("layer")?.range ?? unfreeze.reading.range, {
      message: `the pretrained model has no layer \`${layer}\` to unfreeze from`,
      ...(help ? { help } : {}),
      notes: [`its layers end with: ${names.slice(-6).map((name) => `\`${name}\``).join(", ")}`],
    }),
  );
}

/**
 * DLM535: `unfreeze: last(N)` counts the backbone's layers (its input layer excluded); N
 * larger than that count is almost always a count of the whole model, head included.
 */
function checkUnfreezeCount(count: number, reading: EntryReading, readable: readonly PretrainedUse[], context: ExperimentContext): void {
  if (readable.length === 0) return;
  const layers = Math.min(...readable.map((use) => use.layerNames!.length));
  if (count <= layers) return;
  context.report(
    makeDiagnostic(FINE_TUNE.unfreezeBeyondBackbone, context.file, reading.origins.get("count")?.range ?? reading.range, {
      message: `\`last(${count})\` asks for more layers than the pretrained backbone has (${layers})`,
      help: `use \`last(${layers})\` or \`all\` to train the whole backbone; the layers after \`pretrained\` always train`,
      notes: ["`unfreeze` counts layers inside the pretrained model, as Keras's `base_model.layers[-N:]`"],
    }),
  );
}

/**
 * The kept layer names of a pretrained model read for a `pretrained(path, until)` layer:
 * the layers `unfreeze` counts, so without the input layer (runtime/unfreeze.ts agrees).
 */
export function keptLayerNames(info: PretrainedInfo | string, until: string): readonly string[] | undefined {
  if (typeof info === "string") return undefined;
  const layers = info.layers.filter((layer) => layer.className !== "InputLayer");
  const names = layers.map((layer) => layer.name);
  const cut = until === "" ? names.length - 1 : names.indexOf(until);
  return cut < 0 ? undefined : names.slice(0, cut + 1);
}
