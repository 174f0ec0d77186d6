/**
 * One shard's share of a data-parallel step: the gradients of the shard's summed losses
 * divided by the *global* batch size, so the shards' gradients add up to the gradient of
 * the whole batch's mean loss (the one-worker gradient). The main thread and every
 * gradient worker run this same function.
 */
import * as tf from "@tensorflow/tfjs";
import { perExampleLoss, type LossName } from "../losses.js";
import { applyInTrainingMode } from "../seeded-dropout.js";

/** A shard of one global batch. */
export interface Shard {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /** Per-example class weights, when the loss is weighted. */
  readonly weights?: tf.Tensor1D;
  /** Examples in the whole global batch (the loss's denominator). */
  readonly globalRows: number;
  /** Seeds the shard's dropout masks. */
  readonly seed: number;
}

/** What a shard contributes: its share of the loss, its gradients (by variable name) and, if kept, its predictions. */
export interface ShardResult {
  readonly loss: tf.Scalar;
  readonly grads: tf.NamedTensorMap;
  readonly predictions?: tf.Tensor;
}

/**
 * The shard's loss share and gradients with respect to `variables`; `addPenalty` adds the
 * layers' weight penalties (one shard of each step carries them). Tensors returned are
 * the caller's to dispose.
 */
export function shardGradients(
  model: tf.LayersModel,
  variables: tf.Variable[],
  loss: LossName,
  shard: Shard,
  keepPredictions: boolean,
  addPenalty: boolean,
): ShardResult {
  let predictions: tf.Tensor | undefined;
  const lossOfShard = (): tf.Scalar => {
    const output = applyInTrainingMode(model, shard.x, shard.seed);
    if (keepPredictions) predictions = tf.keep(output);
    const losses = perExampleLoss(loss, shard.y, output);
    const weighted = shard.weights === undefined ? losses : tf.mul(losses, shard.weights);
    const share = tf.div(tf.sum(weighted), shard.globalRows) as tf.Scalar;
    const penalties = addPenalty ? model.calculateLosses() : [];
    return penalties.length === 0 ? share : tf.add(share, tf.addN(penalties));
  };
  const { value, grads } = tf.variableGrads(lossOfShard, variables);
  return { loss: value, grads, ...(predictions === undefined ? {} : { predictions }) };
}
