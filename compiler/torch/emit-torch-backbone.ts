/**
 * A saved model used as a backbone (`pretrained("…/model.json", until)`) as a module of its
 * own: each kept layer mapped from its Keras class and config (`keras-layers.ts`) to DLM's
 * torch mapping, `forward` following the saved graph (a merge reads the layers it names), the
 * weight table under the saved layer names, and the layers listed in the order TF.js lists
 * the cut model's (`unfreeze` counts them so). Only the layers the kept output reads are
 * built, as TF.js's cut keeps them.
 */
import type { PlannedBackbone } from "../experiments/experiment-plan.js";
import { MODEL_INPUT, tfjsLayerOrder, type ConnectedLayer } from "../layer-order.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import type { Shape } from "../layers/layer-definition.js";
import { KERAS_MERGES, kerasLayerAsDlm, type KerasLayerMapping } from "./keras-layers.js";
import type { HelperName } from "./python-helpers.js";
import { pythonComment, pythonIdentifier, pythonString } from "./python-literals.js";
import { torchLayer, type TorchWeightRow } from "./torch-layers.js";
import { moduleClassCode } from "./python-module.js";

type SavedLayer = PlannedBackbone["layers"][number];

/** A layer of a backbone that `unfreeze` counts, with its attribute on the module (none for a layer without weights). */
export interface BackboneLayer {
  readonly name: string;
  readonly attr?: string;
}

/** A backbone's own module class, ready to nest: what `emitTorchModel` needs of a zoo or a saved model. */
export interface NestedModule {
  readonly className: string;
  /** The class and those it needs, in order. */
  readonly code: string;
  readonly helpers: ReadonlySet<HelperName>;
  /** Rows named by the layers inside the backbone. */
  readonly weights: readonly TorchWeightRow[];
  /** The layers `unfreeze` counts, in TF.js's `model.layers` order. */
  readonly layers: readonly BackboneLayer[];
}



/** The kept layers the last one reads, directly or not, with their inputs (the input layer as {@link MODEL_INPUT}); a string when a layer's config is unknown. */
function connectedAncestors(backbone: PlannedBackbone): { layers: SavedLayer[]; connected: ConnectedLayer[] } | string {
  const inputLayers = new Set(backbone.layers.filter((layer) => layer.className === "InputLayer").map((layer) => layer.name));
  const kept = backbone.layers.filter((layer) => !inputLayers.has(layer.name));
  const unknown = kept.find((layer) => layer.saved === undefined);
  if (unknown !== undefined) return `the configuration of its layer \`${unknown.name}\` is not known`;
  const inputsOf = new Map(kept.map((layer) => [layer.name, layer.saved!.inputs.map((name) => (inputLayers.has(name) ? MODEL_INPUT : name))]));
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (name === MODEL_INPUT || needed.has(name)) return;
    needed.add(name);
    for (const input of inputsOf.get(name) ?? []) visit(input);
  };
  const last = kept[kept.length - 1];
  if (last !== undefined) visit(last.name);
  const layers = kept.filter((layer) => needed.has(layer.name));
  return { layers, connected: layers.map((layer) => ({ name: layer.name, inputs: inputsOf.get(layer.name) ?? [] })) };
}

/** Layer names in `unfreeze`'s order, each with its attribute on the module when it has one. */
export function backboneLayers(names: readonly string[], attrs: ReadonlyMap<string, string>): BackboneLayer[] {
  return names.map((name) => {
    const attr = attrs.get(name);
    return attr === undefined ? { name } : { name, attr };
  });
}

/** A saved layer as a DLM layer: as planned (a model the file exports), or mapped from its Keras class. */
function savedLayerAsDlm(layer: SavedLayer, input: Shape): KerasLayerMapping {
  const planned = layer.saved?.dlm;
  return planned === undefined ? kerasLayerAsDlm(layer.className, layer.saved?.config ?? {}, input.length + 1) : { ok: true, ...planned };
}

/** The module of a saved backbone, or why one of its layers cannot be built (naming it and its class). */
export function emitSavedBackbone(backbone: PlannedBackbone, className: string): NestedModule | string {
  const found = connectedAncestors(backbone);
  if (typeof found === "string") return found;
  const { layers, connected } = found;
  const shapes = new Map<string, Shape>([[MODEL_INPUT, backbone.input], ...layers.map((layer): [string, Shape] => [layer.name, layer.outputShape])]);
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<HelperName>();
  const weights: TorchWeightRow[] = [];
  const attrs = new Map<string, string>();
  const taken = new Set<string>(["forward", "training"]);
  const variables = new Map<string, string>([[MODEL_INPUT, "inputs"]]);
  const locals = new Set<string>(["inputs"]);
  // x holds the previous layer's output; a layer read later from elsewhere keeps its own variable
  const readLater = new Set(connected.flatMap((layer, index) => layer.inputs.filter((input) => input !== (connected[index - 1]?.name ?? MODEL_INPUT))));
  forward.push("        inputs = x");
  let current = MODEL_INPUT;
  const operand = (name: string): string => (name === current ? "x" : (variables.get(name) ?? "x"));
  for (const [index, layer] of layers.entries()) {
    const inputs = connected[index]!.inputs;
    const comment = `        # ${pythonComment(layer.name)} (${pythonComment(layer.className)}) -> ${pythonComment(formatShape(layer.outputShape))}`;
    const merge = KERAS_MERGES[layer.saved!.dlm?.kind === "add" ? "Add" : layer.className];
    let line: string;
    if (merge !== undefined) {
      line = `x = ${merge(inputs.map(operand))}`;
    } else {
      const input = inputs[0] ?? MODEL_INPUT;
      const inputShape = shapes.get(input) ?? [];
      const dlm = savedLayerAsDlm(layer, inputShape);
      const mapped = dlm.ok ? torchLayer(dlm.kind, dlm.config, inputShape) : dlm;
      if (!mapped.ok) return `its layer \`${layer.name}\` (${layer.className}) has no PyTorch mapping: ${mapped.reason}`;
      const attr = pythonIdentifier(layer.name, taken);
      if (mapped.module !== undefined) {
        init.push(comment, `        self.${attr} = ${mapped.module}`);
        attrs.set(layer.name, attr);
      }
      for (const helper of mapped.helpers) helpers.add(helper);
      for (const weight of mapped.weights) weights.push({ layer: layer.name, weight: weight.tfjs, key: `${attr}.${weight.torch}`, conversion: weight.conversion });
      line = `x = ${mapped.forward(attr)}`;
      if (input !== current) forward.push(`        x = ${operand(input)}`);
    }
    forward.push(comment, `        ${line}`);
    current = layer.name;
    if (readLater.has(layer.name)) {
      const variable = pythonIdentifier(`${layer.name}_out`, locals);
      variables.set(layer.name, variable);
      forward.push(`        ${variable} = x`);
    }
  }
  const output = layers[layers.length - 1];
  const summary = `The saved model of ${pythonString(backbone.layer)}: ${formatShape(backbone.input)} -> ${output === undefined ? "?" : formatShape(output.outputShape)}, its layers under their saved names.`;
  const code = moduleClassCode(className, [pythonComment(summary)], init, forward);
  const listed = backboneLayers(tfjsLayerOrder(connected), attrs);
  return { className, code, helpers, weights, layers: listed };
}
