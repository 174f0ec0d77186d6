/**
 * The model of a generated torch program: one `nn.Module` whose `__init__` builds each layer
 * and whose `forward` runs them in order, each line commented with its `.dlm` line, the
 * call as written and its output shape; and the table that says where each TF.js weight
 * lives in the state dict, so weights move between the engines in either direction.
 */
import type { GraphNode, LayerNode, ModelGraph } from "../expand-model.js";
import type { InferredLayer } from "../infer-shapes.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import type { ResolvedArgs, Shape } from "../layers/layer-definition.js";
import { hasPretrainedWeights, isArchitectureName, trainsWhole, zooRequestOf } from "../layers/pretrained.js";
import { readString } from "../layers/arguments.js";
import { buildZooModel, findArchitecture, readZoo } from "../zoo/index.js";
import type { PlannedBackbone } from "../experiments/experiment-plan.js";
import { lineColumn } from "../../diagnostics/render.js";
import type { HelperName } from "./python-helpers.js";
import { pythonComment, pythonIdentifier, pythonString } from "./python-literals.js";
import { torchLayer, type TorchWeightRow } from "./torch-layers.js";
import { backboneLayers, emitSavedBackbone, type BackboneLayer, type NestedModule } from "./emit-torch-backbone.js";
import { moduleClassCode } from "./python-module.js";

export type { TorchWeightRow } from "./torch-layers.js";

/** What the torch emitter reads of a checked model (an experiment's `PlannedModel` or a `ModelInfo`). */
export interface TorchModelSource {
  readonly name: string;
  readonly graph: ModelGraph;
  readonly input: Shape;
  readonly output: Shape | null;
  readonly layers: readonly InferredLayer[];
  readonly params: number;
  readonly trainableParams: number;
  /** The saved models its `pretrained("…/model.json")` layers load (a named architecture comes from the zoo). */
  readonly backbones?: readonly PlannedBackbone[];
}

/** How the generated code names source files and finds line numbers. */
export interface TorchEmitContext {
  readonly sourceText: (file: string) => string | undefined;
  readonly displayFile: (file: string) => string;
}

/** A layer with no faithful torch mapping, for DLM550. */
export interface UnmappedTorchLayer {
  readonly layer: LayerNode;
  readonly reason: string;
}

/** A `pretrained` backbone of the torch model: a nested module whose layers the stages freeze and unfreeze. */
export interface TorchBackbone {
  /** The module's attribute on the model (`self.pretrained`). */
  readonly attr: string;
  /** The `pretrained` layer's DLM name: the weight table names its layers `NAME/LAYER`. */
  readonly layer: string;
  /** Whether it trains in the `train` stage (`trainable: true`, or `weights: none`). */
  readonly trainable: boolean;
  /** Whether DLM hands it pretrained weights (ImageNet's, or a saved model's). */
  readonly pretrainedWeights: boolean;
  /** The layers `unfreeze` counts, in TF.js's `model.layers` order, each with its attribute on the module (none without weights). */
  readonly layers: readonly BackboneLayer[];
}

/** The emitted model class (after the classes of its backbones), or the layers that stop it. */
export interface EmittedTorchModel {
  readonly code: string;
  readonly helpers: ReadonlySet<HelperName>;
  readonly weights: readonly TorchWeightRow[];
  readonly unmapped: readonly UnmappedTorchLayer[];
  readonly backbones: readonly TorchBackbone[];
  /** Each layer's attribute on the module, for the layers that have one. */
  readonly attrs: ReadonlyMap<string, string>;
}

/** Finds the layers of a model that have no faithful torch mapping (empty when all map). */
export function unmappedTorchLayers(model: TorchModelSource): UnmappedTorchLayer[] {
  return emitTorchModel(model, { sourceText: () => undefined, displayFile: (file) => file }).unmapped.slice();
}

/** Generates `class Model(nn.Module)` (or `className`) for a checked model, after the classes of its backbones. */
export function emitTorchModel(model: TorchModelSource, context: TorchEmitContext, className = "Model"): EmittedTorchModel {
  const init: string[] = [];
  const forward: string[] = [];
  const classes: string[] = [];
  const helpers = new Set<HelperName>();
  const weights: TorchWeightRow[] = [];
  const unmapped: UnmappedTorchLayer[] = [];
  const backbones: TorchBackbone[] = [];
  const attrs = new Map<string, string>();
  const taken = new Set<string>(["forward", "training"]);
  const inferredByKey = new Map<string, InferredLayer>();
  for (const layer of model.layers) inferredByKey.set(`${layer.file}:${layer.range.start}:${layer.name}`, layer);

  const where = (file: string, start: number): string => {
    const text = context.sourceText(file);
    const line = text === undefined ? undefined : lineColumn(text, start).line;
    return pythonComment(`${context.displayFile(file)}${line === undefined ? "" : `:${line}`}`);
  };
  const snippet = (file: string, range: { start: number; end: number }): string =>
    pythonComment((context.sourceText(file) ?? "").slice(range.start, range.end).replace(/\s+/g, " ").trim());

  const emitLayer = (node: LayerNode, indent: string): void => {
    const inferred = inferredByKey.get(`${node.file}:${node.range.start}:${node.name}`);
    if (node.args === undefined || inferred === undefined) throw new Error(`layer ${node.name} was not checked`);
    const comment = `# ${where(node.file, node.range.start)}  ${snippet(node.file, node.range)} -> ${pythonComment(formatShape(inferred.output))}`;
    if (node.layer === "pretrained") {
      emitBackbone(node, node.args, inferred.inputShape, comment, indent);
      return;
    }
    const config = node.definition.tfjs.config(node.args, inferred.inputShape);
    const mapped = torchLayer(node.layer, config, inferred.inputShape);
    if (!mapped.ok) {
      unmapped.push({ layer: node, reason: mapped.reason });
      return;
    }
    for (const helper of mapped.helpers) helpers.add(helper);
    const attr = pythonIdentifier(node.name, taken);
    if (mapped.module !== undefined) {
      init.push(`        ${comment}`, `        self.${attr} = ${mapped.module}`);
      attrs.set(node.name, attr);
    }
    forward.push(`${indent}${comment}`, `${indent}x = ${mapped.forward(attr)}`);
    for (const weight of mapped.weights) {
      weights.push({ layer: node.name, weight: weight.tfjs, key: `${attr}.${weight.torch}`, conversion: weight.conversion });
    }
  };

  // A `pretrained` layer: the zoo's architecture or the saved model as a module of its own, Keras's layer names kept.
  const emitBackbone = (node: LayerNode, args: ResolvedArgs, input: Shape, comment: string, indent: string): void => {
    const attr = pythonIdentifier(node.name, taken);
    const nestedClass = `Backbone${attr.replace(/(^|_)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase())}`;
    const architecture = isArchitectureName(readString(args, "path"));
    const backbone = model.backbones?.find((candidate) => candidate.layer === node.name);
    const nested = architecture
      ? zooModule(node, args, input, nestedClass, context)
      : backbone === undefined
        ? "its saved model could not be read when the file was checked"
        : emitSavedBackbone(backbone, nestedClass);
    if (typeof nested === "string") {
      unmapped.push({ layer: node, reason: nested });
      return;
    }
    classes.push(nested.code);
    for (const helper of nested.helpers) helpers.add(helper);
    attrs.set(node.name, attr);
    init.push(`        ${comment}`, `        self.${attr} = ${nested.className}()`);
    forward.push(`${indent}${comment}`);
    const preprocessing = architecture && readString(args, "weights") === "imagenet" ? findArchitecture(readString(args, "path"))?.preprocessing : undefined;
    if (preprocessing !== undefined) {
      // as the TF.js model's `NAME_preprocessing` layer: the pixels as the ImageNet weights were trained on them
      helpers.add("image_preprocessing");
      forward.push(`${indent}x = image_preprocessing(x, ${pythonString(preprocessing)})`);
    }
    forward.push(`${indent}x = self.${attr}(x)`);
    for (const row of nested.weights) weights.push({ ...row, layer: `${node.name}/${row.layer}`, key: `${attr}.${row.key}` });
    backbones.push({
      attr,
      layer: node.name,
      trainable: trainsWhole(args),
      pretrainedWeights: hasPretrainedWeights(args),
      layers: nested.layers,
    });
  };

  const emitNodes = (nodes: readonly GraphNode[]): void => {
    for (const node of nodes) {
      if (node.kind === "layer") emitLayer(node, "        ");
      else if (node.kind === "residual") {
        const saved = pythonIdentifier(`${node.name}_input`, taken);
        forward.push(`        # ${where(node.file, node.range.start)}  residual: ${pythonComment(node.name)} adds the block's input to its output`);
        forward.push(`        ${saved} = x`);
        emitNodes(node.body);
        if (node.shortcut) {
          // residual(shortcut: { … }): the shortcut reads the same input; its output is added instead of the input.
          const body = pythonIdentifier(`${node.name}_body`, taken);
          forward.push(`        ${body} = x`, `        x = ${saved}`);
          emitNodes(node.shortcut);
          forward.push(`        x = x + ${body}`);
        } else forward.push(`        x = ${saved} + x`);
      } else throw new Error("cannot emit a model with unresolved layers");
    }
  };
  emitNodes(model.graph.nodes);

  const summary =
    `Model ${pythonString(model.name)}: ${formatShape(model.input)} -> ${model.output === null ? "?" : formatShape(model.output)}, ` +
    `${model.params.toLocaleString("en-US")} parameters (${model.trainableParams.toLocaleString("en-US")} trainable).`;
  const docstring = [summary, "", "Tensors are channels-last, as in DLM and TF.js ([batch, height, width, channels])."];
  const code = [...classes.flatMap((nested) => [nested, "", ""]), moduleClassCode(className, docstring, init, forward)].join("\n");
  return { code, helpers, weights, unmapped, backbones, attrs };
}

/**
 * A named architecture as a module of its own: the zoo's DLM model at this input, emitted as
 * any model is (comments name the zoo's source), its layers listed in TF.js's order for
 * `unfreeze`. A string says which of its layers has no mapping.
 */
function zooModule(node: LayerNode, args: ResolvedArgs, input: Shape, className: string, context: TorchEmitContext): NestedModule | string {
  const request = zooRequestOf(args, input);
  const zoo = buildZooModel(request);
  const info = readZoo(request);
  if (!("model" in zoo) || "code" in info) throw new Error(`zoo model ${request.architecture} did not check`);
  const zooFile = zoo.model.file;
  const emitted = emitTorchModel(
    { ...zoo.model, name: node.name },
    {
      sourceText: (file) => (file === zooFile ? zoo.source : context.sourceText(file)),
      displayFile: (file) => (file === zooFile ? `DLM zoo ${request.architecture}` : context.displayFile(file)),
    },
    className,
  );
  const first = emitted.unmapped[0];
  if (first !== undefined) return `its layer \`${first.layer.name}\` (${first.layer.layer}): ${first.reason}`;
  const layers = backboneLayers(info.layers.map((layer) => layer.name), emitted.attrs);
  return { className, code: emitted.code, helpers: emitted.helpers, weights: emitted.weights, layers };
}

/** The `TFJS_WEIGHTS` table as Python. */
export function weightTableCode(rows: readonly TorchWeightRow[]): string {
  const lines = rows.map(
    (row) => `    (${pythonString(row.layer)}, ${pythonString(row.weight)}, ${pythonString(row.key)}, ${pythonString(row.conversion)}),`,
  );
  return [
    "# Every TF.js weight in TF.js's order: (layer, weight, state-dict key, layout conversion).",
    "TFJS_WEIGHTS = [",
    ...lines,
    "]",
  ].join("\n");
}
