/**
 * The layer registry: every layer kind DLM knows, by name. The checker, the emitter,
 * hover and completion all read these entries; adding a layer is one entry in its
 * family file. (`residual` and `repeat` are syntax, not layers: the checker handles them.)
 */
import { CONV_LAYERS } from "./conv.js";
import { CORE_LAYERS } from "./core.js";
import { NORMALIZATION_LAYERS } from "./normalization.js";
import { POOLING_LAYERS } from "./pooling.js";
import { PRETRAINED_LAYERS } from "./pretrained.js";
import { RECURRENT_LAYERS } from "./recurrent.js";
import type { LayerDefinition } from "./layer-definition.js";

// Re-exported so callers need one import: activation names, default filling (tests,
// nested calls), the model.json reader, and the nested-layer shape bidirectional's config uses.
export { ACTIVATIONS, tfjsActivationName } from "./activations.js";
export { defaultArgs } from "./arguments.js";
export { readPretrainedInfo, readPretrainedInfoFromValue, readWrappedPretrainedInfo } from "./pretrained.js";
export { isNestedLayerConfig, type NestedLayerConfig } from "./recurrent.js";

const ALL_LAYERS: readonly LayerDefinition[] = [
  ...CORE_LAYERS,
  ...CONV_LAYERS,
  ...POOLING_LAYERS,
  ...NORMALIZATION_LAYERS,
  ...RECURRENT_LAYERS,
  ...PRETRAINED_LAYERS,
];

/** Every layer definition by its DLM name. */
export const LAYERS: ReadonlyMap<string, LayerDefinition> = new Map(
  ALL_LAYERS.map((definition) => [definition.name, definition]),
);

if (LAYERS.size !== ALL_LAYERS.length) throw new Error("two layer definitions share a name");

/** The definition of a layer kind, or `undefined` for a name that is not a layer. */
export function lookupLayer(name: string): LayerDefinition | undefined {
  return LAYERS.get(name);
}
