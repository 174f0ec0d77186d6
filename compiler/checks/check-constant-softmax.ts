/**
 * DLM413, found while inferring shapes: a softmax over one unit outputs 1 for every input, so
 * the model compiles and trains and learns nothing (one of the outcome checks, `check-outcomes.ts`).
 */
import type { ResolvedArgs, Shape } from "../layers/layer-definition.js";
import { formatShape } from "../layers/shape-arithmetic.js";

/** What makes a layer's softmax constant: its message and help line. */
export interface ConstantSoftmax {
  readonly message: string;
  readonly help: string;
}

/**
 * DLM413: a softmax normalises over the last axis; over one unit it divides a value by
 * itself, so the output is 1 for every input and nothing the layers before it learn reaches
 * the loss. Undefined when `kind`/`args` apply no softmax or the last axis is longer.
 */
export function constantSoftmax(
  kind: string,
  args: ResolvedArgs | undefined,
  output: Shape,
): ConstantSoftmax | undefined {
  const softmax =
    kind === "softmax" || (kind === "activation" && args?.["name"] === "softmax") || args?.["activation"] === "softmax";
  if (!softmax || output[output.length - 1] !== 1) return undefined;
  return {
    message: `softmax over ${formatShape(output)} is always 1: it normalises over the last axis, which has one unit`,
    help:
      "for one output use `activation: sigmoid` (a probability, with `binary_crossentropy`) or no activation " +
      "(regression); for k classes use `dense(k, activation: softmax)`",
  };
}
