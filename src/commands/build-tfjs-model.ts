/**
 * A TF.js model built straight from a checked model's graph with the registry's TF.js
 * configs (the calls the TypeScript generator writes), layers named as in the `.dlm` file, and
 * `pretrained` backbones as the generated program builds them: a nested model named as the
 * layer (the zoo's architecture with its ImageNet weights and preprocessing, or a saved model
 * loaded and cut). The torch engine hands the Python program the backbones' pretrained
 * weights from it, and fills it with the weights torch trained to export a TF.js bundle.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { GraphNode, LayerNode, ModelGraph } from "../../compiler/expand-model.js";
import type { InferredLayer } from "../../compiler/infer-shapes.js";
import type { Shape, TfjsConfigValue } from "../../compiler/layers/layer-definition.js";
import { isArchitectureName, trainsWhole, zooRequestOf } from "../../compiler/layers/pretrained.js";
import { buildZooModel, findArchitecture, weightSourceFor } from "../../compiler/zoo/index.js";
import { imagePreprocessing } from "../../runtime/image-preprocessing.js";
import { loadPretrained } from "../../runtime/pretrained.js";
import { prepareZooBackbone } from "../../runtime/zoo-backbone.js";

/** What the builder reads of a checked model. */
export interface BuildableModel {
  readonly name: string;
  readonly graph: ModelGraph;
  readonly input: Shape;
  readonly layers: readonly InferredLayer[];
}

/** A backbone ready to apply: the nested model, and the preprocessing layer that goes before it (ImageNet weights). */
interface Backbone {
  readonly model: tf.LayersModel;
  readonly preprocessing?: tf.layers.Layer;
}

const layerKey = (layer: { file: string; range: { start: number }; name: string }): string => `${layer.file}:${layer.range.start}:${layer.name}`;

/** Builds the TF.js model of a checked graph without `pretrained` layers (see {@link buildTfjsModelWithBackbones}). */
export function buildTfjsModel(model: BuildableModel): tf.LayersModel {
  return buildWith(model, new Map());
}

/**
 * Builds the TF.js model of a checked graph, `pretrained` layers included, as the generated
 * TypeScript program does (weights loaded, frozen or not, batch normalisation of pretrained
 * weights in inference mode); saved models' paths are relative to `baseDir`.
 */
export async function buildTfjsModelWithBackbones(model: BuildableModel, baseDir: string): Promise<tf.LayersModel> {
  const backbones = new Map<string, Backbone>();
  for (const node of pretrainedNodes(model.graph.nodes)) {
    const inferred = model.layers.find((layer) => layerKey(layer) === layerKey(node));
    backbones.set(layerKey(node), await buildBackbone(node, inferred?.inputShape ?? model.input, baseDir));
  }
  return buildWith(model, backbones);
}

function pretrainedNodes(nodes: readonly GraphNode[]): LayerNode[] {
  return nodes.flatMap((node) =>
    node.kind === "layer" ? (node.layer === "pretrained" ? [node] : []) : node.kind === "residual" ? [...pretrainedNodes(node.body), ...pretrainedNodes(node.shortcut ?? [])] : [],
  );
}

/** One `pretrained` layer's nested model, named as the layer. */
async function buildBackbone(node: LayerNode, input: Shape, baseDir: string): Promise<Backbone> {
  const args = node.args!;
  const config = node.definition.tfjs.config(args, input);
  if (!isArchitectureName(String(config["path"]))) {
    const loaded = await loadPretrained(path.resolve(baseDir, String(config["path"])), {
      ...(typeof config["until"] === "string" ? { until: config["until"] } : {}),
      trainable: config["trainable"] === true,
      inputShape: input as number[],
    });
    return { model: tf.model({ inputs: loaded.inputs, outputs: loaded.outputs, name: node.name }) };
  }
  const request = zooRequestOf(args, input);
  const zoo = buildZooModel(request);
  const architecture = findArchitecture(request.architecture);
  if (!("model" in zoo) || architecture === undefined) throw new Error(`zoo model ${request.architecture} did not check`);
  const nested = buildTfjsModel({ ...zoo.model, name: node.name });
  const weights = request.weights === "imagenet" ? "imagenet" : "none";
  const source = weightSourceFor(architecture, request.includeTop, request.input[0] ?? null);
  const prepared = await prepareZooBackbone(nested, { architecture: architecture.name, weights, source, trainable: trainsWhole(args) });
  return {
    model: prepared,
    ...(weights === "imagenet" ? { preprocessing: imagePreprocessing({ mode: architecture.preprocessing, name: `${node.name}_preprocessing` }) } : {}),
  };
}

function buildWith(model: BuildableModel, backbones: ReadonlyMap<string, Backbone>): tf.LayersModel {
  const input = tf.input({ shape: [...model.input] as number[] });
  const toConfig = (value: TfjsConfigValue): unknown => {
    if (Array.isArray(value)) return value.map(toConfig);
    if (typeof value === "object" && value !== null) {
      const record = value as Record<string, TfjsConfigValue>;
      if ("regularizer" in record) return tf.regularizers.l1l2(record["regularizer"] as { l1: number; l2: number });
      if ("factory" in record && "config" in record) {
        return makeLayer(record["factory"] as string, record["config"] as Record<string, TfjsConfigValue>, undefined);
      }
      return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, toConfig(item)]));
    }
    return value;
  };
  const makeLayer = (factory: string, config: Record<string, TfjsConfigValue>, name: string | undefined): tf.layers.Layer => {
    const create = (tf.layers as unknown as Record<string, (config: unknown) => tf.layers.Layer>)[factory];
    if (create === undefined) throw new Error(`no tf.layers.${factory}`);
    return create({ ...(toConfig(config) as object), ...(name === undefined ? {} : { name }) });
  };
  const byKey = new Map(model.layers.map((layer) => [layerKey(layer), layer]));
  const apply = (nodes: readonly GraphNode[], x: tf.SymbolicTensor): tf.SymbolicTensor => {
    for (const node of nodes) {
      if (node.kind === "broken" || (node.kind === "layer" && node.args === undefined)) throw new Error("incomplete graph");
      if (node.kind === "residual") {
        // as the TypeScript generator adds them: [input, body], or [shortcut, body]
        const body = apply(node.body, x);
        const other = node.shortcut ? apply(node.shortcut, x) : x;
        x = tf.layers.add({ name: node.name }).apply([other, body]) as tf.SymbolicTensor;
        continue;
      }
      const backbone = backbones.get(layerKey(node));
      if (node.layer === "pretrained") {
        if (backbone === undefined) throw new Error(`pretrained layer ${node.name} needs buildTfjsModelWithBackbones`);
        if (backbone.preprocessing !== undefined) x = backbone.preprocessing.apply(x) as tf.SymbolicTensor;
        x = backbone.model.apply(x) as tf.SymbolicTensor;
        continue;
      }
      const inferred = byKey.get(layerKey(node));
      const config = node.definition.tfjs.config(node.args!, inferred?.inputShape ?? []);
      x = makeLayer(node.definition.tfjs.factory, config as Record<string, TfjsConfigValue>, node.name).apply(x) as tf.SymbolicTensor;
    }
    return x;
  };
  return tf.model({ name: model.name, inputs: input, outputs: apply(model.graph.nodes, input) });
}

/** One weight as the torch program and DLM exchange it: its layer (`BACKBONE/LAYER` inside a backbone), name, shape and values. */
export interface LayerWeight {
  readonly layer: string;
  readonly weight: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The layer a weight-table name means: a top-level layer, or `BACKBONE/LAYER` inside a nested model. */
function layerAt(model: tf.LayersModel, name: string): tf.layers.Layer {
  const slash = name.indexOf("/");
  if (slash < 0) return model.getLayer(name);
  const backbone = model.getLayer(name.slice(0, slash));
  if (!(backbone instanceof tf.LayersModel)) throw new Error(`layer ${name.slice(0, slash)} is not a nested model`);
  return backbone.getLayer(name.slice(slash + 1));
}

/**
 * Sets every weight from the torch program's list: each layer's weights in the layer's own
 * order (TF.js's, as the program writes them), every weight of the model exactly once.
 */
export function setWeightsByLayer(model: tf.LayersModel, weights: readonly LayerWeight[]): void {
  const byLayer = new Map<string, LayerWeight[]>();
  for (const weight of weights) byLayer.set(weight.layer, [...(byLayer.get(weight.layer) ?? []), weight]);
  let set = 0;
  for (const [name, given] of byLayer) {
    const own = layerAt(model, name).weights;
    if (own.length !== given.length) throw new Error(`the torch program wrote ${given.length} weights of layer ${name}; TF.js has ${own.length}`);
    own.forEach((variable, index) => {
      const array = given[index]!;
      if (array.shape.join(",") !== variable.shape.join(",")) {
        throw new Error(`weight ${variable.originalName}: torch wrote [${array.shape.join(", ")}], TF.js needs [${variable.shape.join(", ")}]`);
      }
      variable.write(tf.tensor(array.data, [...array.shape]));
    });
    set += own.length;
  }
  if (set !== model.weights.length) throw new Error(`the torch program wrote ${set} weights; the TF.js model has ${model.weights.length}`);
}

/** Every weight of the model, named as the torch program names them (`BACKBONE/LAYER` inside a nested model), each layer's in its own order. */
export function layerWeights(model: tf.LayersModel): LayerWeight[] {
  const leaves = model.layers.flatMap((layer) =>
    layer instanceof tf.LayersModel ? layer.layers.map((inner) => ({ name: `${layer.name}/${inner.name}`, layer: inner })) : [{ name: layer.name, layer }],
  );
  return leaves.flatMap(({ name, layer }) =>
    layer.weights.map((variable) => ({
      layer: name,
      weight: variable.originalName.slice(variable.originalName.lastIndexOf("/") + 1),
      shape: variable.shape as number[],
      data: variable.read().dataSync() as Float32Array,
    })),
  );
}

/** The weights of the named backbones (nested models), as {@link layerWeights} names them. */
export function backboneWeights(model: tf.LayersModel, backbones: readonly string[]): LayerWeight[] {
  return layerWeights(model).filter((weight) => backbones.some((name) => weight.layer.startsWith(`${name}/`)));
}
