/**
 * A TF.js model built straight from a checked model's graph with the registry's TF.js
 * configs (the calls the TypeScript generator writes), layers named as in the `.dlm` file.
 * The torch engine fills it with the weights torch trained to export a TF.js bundle.
 */
import * as tf from "@tensorflow/tfjs";
import type { GraphNode, ModelGraph } from "../../compiler/expand-model.js";
import type { InferredLayer } from "../../compiler/infer-shapes.js";
import type { Shape, TfjsConfigValue } from "../../compiler/layers/layer-definition.js";

/** What the builder reads of a checked model. */
export interface BuildableModel {
  readonly name: string;
  readonly graph: ModelGraph;
  readonly input: Shape;
  readonly layers: readonly InferredLayer[];
}

/** Builds the TF.js model of a checked graph (every layer but `pretrained`). */
export function buildTfjsModel(model: BuildableModel): tf.LayersModel {
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
  const byKey = new Map(model.layers.map((layer) => [`${layer.file}:${layer.range.start}:${layer.name}`, layer]));
  const apply = (nodes: readonly GraphNode[], x: tf.SymbolicTensor): tf.SymbolicTensor => {
    for (const node of nodes) {
      if (node.kind === "broken" || (node.kind === "layer" && node.args === undefined)) throw new Error("incomplete graph");
      if (node.kind === "residual") {
        const body = apply(node.body, x);
        x = tf.layers.add({ name: node.name }).apply([x, body]) as tf.SymbolicTensor;
        continue;
      }
      const inferred = byKey.get(`${node.file}:${node.range.start}:${node.name}`);
      const config = node.definition.tfjs.config(node.args!, inferred?.inputShape ?? []);
      x = makeLayer(node.definition.tfjs.factory, config as Record<string, TfjsConfigValue>, node.name).apply(x) as tf.SymbolicTensor;
    }
    return x;
  };
  return tf.model({ name: model.name, inputs: input, outputs: apply(model.graph.nodes, input) });
}

/** Sets every weight, layer by layer in `layer.weights` order (TF.js's order, as the torch program writes them). */
export function setWeightsInOrder(model: tf.LayersModel, arrays: readonly { readonly data: Float32Array; readonly shape: readonly number[] }[]): void {
  const weights = model.layers.flatMap((layer) => layer.weights);
  if (weights.length !== arrays.length) throw new Error(`the torch program wrote ${arrays.length} weights; the TF.js model has ${weights.length}`);
  weights.forEach((weight, index) => {
    const array = arrays[index]!;
    if (array.shape.join(",") !== weight.shape.join(",")) {
      throw new Error(`weight ${weight.originalName}: torch wrote [${array.shape.join(", ")}], TF.js needs [${weight.shape.join(", ")}]`);
    }
    weight.write(tf.tensor(array.data, [...array.shape]));
  });
}
