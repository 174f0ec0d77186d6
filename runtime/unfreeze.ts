/**
 * Which weights train in each stage of a model built on a `pretrained` backbone. The
 * backbone is a nested model (a layer of the outer model); `unfreeze:` counts the layers
 * inside it, as Keras users write `base_model.layers[-N:]`, and the new head always trains.
 * Batch normalisation inside a backbone always runs in inference mode (its moving
 * statistics frozen), as Keras recommends for fine-tuning.
 */
import * as tf from "@tensorflow/tfjs";
import { PretrainedError, unknownLayerMessage } from "./pretrained-errors.js";
import { firstUnfrozenIndex, type Unfreeze } from "./unfreeze-selection.js";

export type { Unfreeze } from "./unfreeze-selection.js";

/**
 * Makes layers of `model` itself trainable per `unfreeze` and freezes the others.
 * `last(N)` counts the model's layers from the end (activations and merges included, as
 * Keras's `model.layers[-N:]`); `from(NAME)` unfreezes NAME and every layer after it.
 */
export function setTrainable(model: tf.LayersModel, unfreeze: Unfreeze): void {
  const layers = backboneLayers(model);
  const first = firstTrainableIndex(model, layers, unfreeze);
  // The container's setter resets every inner weight's flag, so it goes first.
  model.trainable = first < layers.length;
  // Each layer's own flag decides its `trainableWeights`; the container's setter leaves it.
  layers.forEach((layer, index) => (layer.trainable = index >= first));
}

/**
 * The backbones of `model`: the pretrained models nested in it as layers. Every other
 * top-level layer is the head.
 */
export function findBackbones(model: tf.LayersModel): tf.LayersModel[] {
  return model.layers.filter((layer): layer is tf.LayersModel => layer instanceof tf.LayersModel);
}

/**
 * The stage's trainable weights of a model with pretrained backbones: the head trains, and
 * inside each backbone the layers `unfreeze` names. A model without a backbone trains whole.
 */
export function unfreezeBackbones(model: tf.LayersModel, unfreeze: Unfreeze): void {
  const backbones = new Set<tf.layers.Layer>(findBackbones(model));
  model.trainable = true;
  for (const layer of model.layers) {
    if (backbones.has(layer)) setTrainable(layer as tf.LayersModel, unfreeze);
    else layer.trainable = true;
  }
}

/** The layers of a backbone that `unfreeze` counts: all but its input layer. */
export function backboneLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
}

function firstTrainableIndex(model: tf.LayersModel, layers: readonly tf.layers.Layer[], unfreeze: Unfreeze): number {
  const index = firstUnfrozenIndex(layers.map((layer) => layer.name), unfreeze);
  if (index < 0 && typeof unfreeze === "object" && "from" in unfreeze) {
    throw new PretrainedError(unknownLayerMessage(unfreeze.from, layers), model.name);
  }
  return index;
}

/** Batch-norm layers already patched: patching twice would be harmless but wasteful. */
const patchedBatchNorms = new WeakSet<tf.layers.Layer>();

/**
 * Batch normalisation inside a pretrained model runs in inference mode in every stage:
 * tfjs runs it in training mode whenever `training` is true, which would normalise with
 * batch statistics and overwrite the pretrained moving statistics. Applies to `model` as a
 * backbone itself, or to the backbones nested in it (called where pretrained weights are
 * loaded: a `weights: none` backbone's batch normalisation trains, with batch statistics).
 */
export function keepBatchNormInInference(backbone: tf.LayersModel): void {
  for (const { layer } of nestedLayers(backbone)) patchBatchNorm(layer);
}

function patchBatchNorm(layer: tf.layers.Layer): void {
  if (layer.getClassName() !== "BatchNormalization" || patchedBatchNorms.has(layer)) return;
  patchedBatchNorms.add(layer);
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
}

/** Every layer of `model` that is no model itself, nested models walked, with its `MODEL/…/LAYER` path. */
function nestedLayers(model: tf.LayersModel, prefix = ""): { readonly layer: tf.layers.Layer; readonly path: string }[] {
  return model.layers.flatMap((layer) =>
    layer instanceof tf.LayersModel ? nestedLayers(layer, `${prefix}${layer.name}/`) : [{ layer, path: `${prefix}${layer.name}` }],
  );
}

/**
 * Where the batch normalisations that run in inference mode sit in `model`'s backbones, as
 * `BACKBONE/LAYER` paths: those of backbones with pretrained weights, patched when they were
 * loaded; a `weights: none` backbone's train. A model rebuilt from its JSON (a checkpoint, a
 * worker's copy) has lost the patch: {@link keepBatchNormInInferenceAt} puts it back there.
 */
export function inferenceBatchNormPaths(model: tf.LayersModel): string[] {
  return nestedLayers(model)
    .filter(({ layer }) => patchedBatchNorms.has(layer))
    .map(({ path }) => path);
}

/** Runs the batch normalisations at `paths` (from {@link inferenceBatchNormPaths}) in inference mode. */
export function keepBatchNormInInferenceAt(model: tf.LayersModel, paths: readonly string[]): void {
  const wanted = new Set(paths);
  for (const { layer, path } of nestedLayers(model)) if (wanted.has(path)) patchBatchNorm(layer);
}

/** "6 trainable weight tensors, 12,345 of 600,165 parameters": what a stage trains. */
export function describeTrainable(model: tf.LayersModel): string {
  const count = (weights: readonly tf.LayerVariable[]) =>
    weights.reduce((sum, weight) => sum + weight.shape.reduce((product: number, size) => product * (size ?? 1), 1), 0);
  const trainable = model.trainableWeights;
  const tensors = `${trainable.length} trainable weight tensor${trainable.length === 1 ? "" : "s"}`;
  return `${tensors}, ${count(trainable).toLocaleString("en-US")} of ${count(model.weights).toLocaleString("en-US")} parameters`;
}
