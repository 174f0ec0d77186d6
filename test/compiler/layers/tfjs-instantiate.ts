/**
 * Builds the TF.js layer a registry entry describes, the way the emitter's generated
 * code does: `tf.layers.<factory>(config)`, with `{ regularizer: { l1, l2 } }` turned
 * into `tf.regularizers.l1l2(...)` and nested `{ factory, config }` into a nested layer.
 */
import * as tf from "@tensorflow/tfjs";
import { isNestedLayerConfig } from "../../../compiler/layers/registry.js";
import type { TfjsConfigValue } from "../../../compiler/layers/layer-definition.js";

type LayerFactory = (config: object) => tf.layers.Layer;

function isRegularizerConfig(
  value: TfjsConfigValue,
): value is { readonly regularizer: { readonly l1: number; readonly l2: number } } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "regularizer" in value;
}

/** The runtime value generated code would pass for one config value. */
function toRuntimeValue(value: TfjsConfigValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item: TfjsConfigValue) => toRuntimeValue(item));
  if (isRegularizerConfig(value)) return tf.regularizers.l1l2(value.regularizer);
  if (isNestedLayerConfig(value)) return instantiateLayer(value.factory, value.config);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toRuntimeValue(item)]));
}

/** `tf.layers[factory](config)` with the config converted as generated code would write it. */
export function instantiateLayer(factory: string, config: Readonly<Record<string, TfjsConfigValue>>): tf.layers.Layer {
  const factories = tf.layers as unknown as Record<string, LayerFactory | undefined>;
  const make = factories[factory];
  if (make === undefined) throw new Error(`tf.layers has no factory \`${factory}\``);
  return make(toRuntimeValue(config) as object);
}

/** Number of values in a list of weight variables. */
export function countWeights(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce(
    (sum, weight) => sum + weight.shape.reduce((product: number, length) => product * (length ?? 0), 1),
    0,
  );
}
