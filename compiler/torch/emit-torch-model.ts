/**
 * The model of a generated torch program: one `nn.Module` whose `__init__` builds each layer
 * and whose `forward` runs them in order, each line commented with its `.dlm` line, the
 * call as written and its output shape; and the table that says where each TF.js weight
 * lives in the state dict, so weights move between the engines in either direction.
 */
import type { GraphNode, LayerNode, ModelGraph } from "../expand-model.js";
import type { InferredLayer } from "../infer-shapes.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import type { Shape } from "../layers/layer-definition.js";
import { lineColumn } from "../../diagnostics/render.js";
import type { HelperName } from "./python-helpers.js";
import { pythonComment, pythonIdentifier, pythonString } from "./python-literals.js";
import { torchLayer, type WeightConversion } from "./torch-layers.js";

/** What the torch emitter reads of a checked model (an experiment's `PlannedModel` or a `ModelInfo`). */
export interface TorchModelSource {
  readonly name: string;
  readonly graph: ModelGraph;
  readonly input: Shape;
  readonly output: Shape | null;
  readonly layers: readonly InferredLayer[];
  readonly params: number;
  readonly trainableParams: number;
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

/** One row of `TFJS_WEIGHTS`: TF.js layer name, weight name below it, state-dict key, layout conversion. */
export interface TorchWeightRow {
  readonly layer: string;
  readonly weight: string;
  readonly key: string;
  readonly conversion: WeightConversion;
}

/** The emitted model class, or the layers that stop it. */
export interface EmittedTorchModel {
  readonly code: string;
  readonly helpers: ReadonlySet<HelperName>;
  readonly weights: readonly TorchWeightRow[];
  readonly unmapped: readonly UnmappedTorchLayer[];
}

/** Finds the layers of a model that have no faithful torch mapping (empty when all map). */
export function unmappedTorchLayers(model: TorchModelSource): UnmappedTorchLayer[] {
  return emitTorchModel(model, { sourceText: () => undefined, displayFile: (file) => file }).unmapped.slice();
}

/** Generates `class Model(nn.Module)` for a checked model. */
export function emitTorchModel(model: TorchModelSource, context: TorchEmitContext): EmittedTorchModel {
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<HelperName>();
  const weights: TorchWeightRow[] = [];
  const unmapped: UnmappedTorchLayer[] = [];
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
    const config = node.definition.tfjs.config(node.args, inferred.inputShape);
    const mapped = torchLayer(node.layer, config, inferred.inputShape);
    if (!mapped.ok) {
      unmapped.push({ layer: node, reason: mapped.reason });
      return;
    }
    for (const helper of mapped.helpers) helpers.add(helper);
    const attr = pythonIdentifier(node.name, taken);
    const comment = `# ${where(node.file, node.range.start)}  ${snippet(node.file, node.range)} -> ${pythonComment(formatShape(inferred.output))}`;
    if (mapped.module !== undefined) {
      init.push(`        ${comment}`, `        self.${attr} = ${mapped.module}`);
    }
    forward.push(`${indent}${comment}`, `${indent}x = ${mapped.forward(attr)}`);
    for (const weight of mapped.weights) {
      weights.push({ layer: node.name, weight: weight.tfjs, key: `${attr}.${weight.torch}`, conversion: weight.conversion });
    }
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
  const code = [
    "class Model(nn.Module):",
    `    """${summary.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"')}`,
    "",
    "    Tensors are channels-last, as in DLM and TF.js ([batch, height, width, channels]).",
    '    """',
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...(init.length === 0 ? ["        pass"] : init),
    "",
    "    def forward(self, x):",
    ...forward,
    "        return x",
  ].join("\n");
  return { code, helpers, weights, unmapped };
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
