/**
 * The model an experiment trains: `model: NAME` or an inline `model { }` (none: DLM219),
 * its input checked against the data's feature shape (DLM406) or taken from it, and its
 * shapes inferred from there. Declared models with an input were inferred (and their
 * problems reported) by the program; a model without input is inferred here, once per
 * data shape it meets. Search spaces in its layer arguments are checked at every point.
 */
import type { InlineModel, ModelDecl, SourceRange } from "../../grammar/ast.js";
import { lookupSymbol } from "../binder.js";
import { makeDiagnostic, type RelatedLocation } from "../../diagnostics/diagnostic.js";
import type { PlannedBackbone, PlannedModel } from "./experiment-plan.js";
import { inferShapes, type InferredLayer, type ShapeContextFor } from "../infer-shapes.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import { ACTIVATIONS, lookupLayer } from "../layers/registry.js";
import type { Shape } from "../layers/layer-definition.js";
import { isArchitectureName, keptPretrainedLayers } from "../layers/pretrained.js";
import type { ModelCheckResult, ExpandedModel } from "../models.js";
import type { ExperimentContext } from "./experiment-context.js";
import { planLayerSearchSpaces } from "./lower-tune.js";
import type { SectionReading } from "./read-sections.js";
import type { DataFacts } from "./static-data.js";
import { VALUES } from "../../diagnostics/catalog/values.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";

/** The planned model and where the experiment names it (for diagnostics about it). */
export interface ModelPlanning {
  readonly model: PlannedModel;
  /** `Name` in `model: Name`, or the `model` keyword of an inline model. */
  readonly reference: SourceRange;
  /** How messages name it: "model `SmallCnn`" or "the inline model". */
  readonly label: string;
  /** The last layer that decides the output's activation, when one does. */
  readonly lastActivation: LastActivation | undefined;
}

/** The activation the model's output goes through, and the layer that applies it. */
export interface LastActivation {
  readonly name: string;
  readonly layer: InferredLayer;
}

/** Which model an experiment names. */
type ModelChoice =
  | { readonly kind: "declared"; readonly declaration: ModelDecl; readonly file: string; readonly reference: SourceRange }
  | { readonly kind: "inline"; readonly declaration: InlineModel; readonly reference: SourceRange };

/** Finds the experiment's model, fits its input to the data and infers its shapes. */
export function planModel(
  experiment: SectionReading,
  data: DataFacts | undefined,
  result: ModelCheckResult,
  contextFor: ShapeContextFor,
  context: ExperimentContext,
): ModelPlanning | undefined {
  const choice = findModel(experiment, result, context);
  if (choice === undefined) return undefined;
  const expanded = result.expandedModels.find((model) => model.declaration === choice.declaration);
  if (expanded === undefined) return undefined;
  const declaredInput = choice.kind === "declared" ? choice.declaration.input : undefined;
  // An input written but unreadable was reported by the program (DLM405).
  if (declaredInput !== undefined && expanded.input === undefined) return undefined;
  let input: Shape;
  if (expanded.input !== undefined) {
    input = expanded.input;
    if (data !== undefined && !fitsData(input, data.info.featureShape)) {
      context.report(inputMismatch(expanded, input, data, choice.reference, context));
      return undefined;
    }
  } else {
    if (data === undefined) return undefined;
    input = data.info.featureShape;
  }
  const inferred = inferShapes(expanded.graph, input, expanded.name, contextFor);
  const note = `the input shape ${formatShape(input)} comes from the data of experiment \`${context.experimentName}\``;
  // A model with its own input was inferred by the program, which reported its problems.
  if (expanded.input === undefined) {
    for (const diagnostic of inferred.diagnostics) context.report({ ...diagnostic, notes: [...(diagnostic.notes ?? []), note] });
  }
  planLayerSearchSpaces(
    {
      expanded,
      input,
      binding: result.binding,
      contextFor,
      notes: expanded.input === undefined ? [note] : [],
      firstPointInferred: inferred.output !== undefined,
    },
    context,
  );
  if (inferred.output === undefined) return undefined;
  const layers = inferred.layers;
  const model: PlannedModel = {
    name: expanded.name,
    file: expanded.file,
    range: choice.declaration.range,
    graph: expanded.graph,
    input,
    output: inferred.output,
    layers,
    params: layers.reduce((sum, layer) => sum + layer.params, 0),
    trainableParams: layers.reduce((sum, layer) => sum + layer.trainableParams, 0),
    backbones: savedBackbones(layers, contextFor),
  };
  const label = choice.kind === "declared" ? `model \`${expanded.name}\`` : "the inline model";
  return { model, reference: choice.reference, label, lastActivation: lastActivationOf(layers) };
}

/** The saved models the `pretrained("…/model.json")` layers load, as far as they can be read (named architectures come from the zoo). */
function savedBackbones(layers: readonly InferredLayer[], contextFor: ShapeContextFor): PlannedBackbone[] {
  return layers.flatMap((layer) => {
    if (layer.kind !== "pretrained" || layer.args === undefined || isArchitectureName(String(layer.args["path"]))) return [];
    const kept = keptPretrainedLayers(layer.inputShape, layer.args, contextFor(layer.file));
    return typeof kept === "string" ? [] : [{ layer: layer.name, input: layer.inputShape, layers: kept }];
  });
}

function findModel(experiment: SectionReading, result: ModelCheckResult, context: ExperimentContext): ModelChoice | undefined {
  const setting = experiment.settings.get("model");
  const inline = experiment.inlineModels[0];
  if (setting !== undefined) {
    const value = setting.value;
    if (value.missing) return undefined;
    if (value.kind !== "Name") {
      context.report(
        makeDiagnostic(VALUES.wrongType, context.file, value.range, {
          message: "`model` expects the name of a model, such as `model: SmallCnn`",
          help: "write the model's name without quotes, or an inline `model { … }`",
        }),
      );
      return undefined;
    }
    const symbol = lookupSymbol(result.binding, context.file, value.name);
    // An undefined name, or a block or experiment, was reported by the binder (DLM207).
    if (symbol?.kind !== "model" || symbol.declaration.kind !== "Model") return undefined;
    return { kind: "declared", declaration: symbol.declaration, file: symbol.file, reference: value.range };
  }
  if (inline !== undefined) {
    return { kind: "inline", declaration: inline, reference: { start: inline.range.start, end: inline.range.start + "model".length } };
  }
  context.report(
    makeDiagnostic(PIPELINE.experimentWithoutModel, context.file, experiment.name.range, {
      message: `experiment \`${experiment.name.name}\` has no model`,
      help: "add `model: NAME` (a model declared in this file or an import) or an inline `model { … }`",
    }),
  );
  return undefined;
}

/** Same rank, and equal lengths wherever both are known. */
function fitsData(input: Shape, feature: readonly number[]): boolean {
  return input.length === feature.length && input.every((length, axis) => length === null || length === feature[axis]);
}

function inputMismatch(expanded: ExpandedModel, input: Shape, data: DataFacts, reference: SourceRange, context: ExperimentContext) {
  const related: RelatedLocation[] =
    expanded.declaration.kind === "Model" && expanded.declaration.input !== undefined
      ? [{ file: expanded.file, range: expanded.declaration.input.range, message: `\`${expanded.name}\` declares input ${formatShape(input)} here` }]
      : [];
  const feature = data.info.featureShape;
  return makeDiagnostic(PIPELINE.inputDoesNotFitData, context.file, reference, {
    message: `model \`${expanded.name}\` takes input ${formatShape(input)}, but the data gives examples of shape ${formatShape(feature)}`,
    related,
    help:
      input.length !== feature.length
        ? `change the model's input to ${formatShape(feature)} (add a \`reshape\` inside the model if its layers need another shape)`
        : `change the model's input to ${formatShape(feature)}, or leave \`input\` out so the model takes the data's shape`,
    ...(expanded.declaration.kind === "Model" && expanded.declaration.input !== undefined
      ? { fixes: [{ title: `take the data's shape: input ${formatShape(feature)}`, edits: [{ file: expanded.file, range: expanded.declaration.input.range, newText: formatShape(feature) }] }] }
      : {}),
  });
}

/** Layers that pass values through unchanged (their input's activation is still the output's). */
const PASS_THROUGH = new Set(["dropout", "spatial_dropout1d", "spatial_dropout2d", "flatten", "reshape"]);

/**
 * The activation of the model's output: a trailing activation layer (`softmax`,
 * `activation(sigmoid)`), or the `activation` argument of the last layer that has one,
 * looking past dropout, flatten and reshape. Undefined when another kind of layer ends
 * the model (pooling, normalisation, a pretrained model): nothing is known then.
 */
export function lastActivationOf(layers: readonly InferredLayer[]): LastActivation | undefined {
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index]!;
    if (ACTIVATIONS.includes(layer.kind) && lookupLayer(layer.kind)?.tfjs.factory === "activation") return { name: layer.kind, layer };
    if (layer.kind === "activation" && typeof layer.args?.["name"] === "string") return { name: layer.args["name"], layer };
    if (layer.kind === "leaky_relu") return { name: "leaky_relu", layer };
    const activation = layer.args?.["activation"];
    if (typeof activation === "string") return { name: activation, layer };
    if (!PASS_THROUGH.has(layer.kind)) return undefined;
  }
  return undefined;
}
