/**
 * How loading a pretrained model fails: the error type and the "no layer named …" message
 * that `pretrained.ts` and `unfreeze.ts` both raise (a file of their own, so neither imports the other).
 */
import type * as tf from "@tensorflow/tfjs";
import { closestName } from "../diagnostics/suggest.js";

/** A pretrained model that cannot be read or cut as asked: the user's path or layer name is wrong. */
export class PretrainedError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "PretrainedError";
  }
}

/** "no layer named …", with a suggestion: shared with `unfreeze` (runtime/unfreeze.ts). */
export function unknownLayerMessage(name: string, layers: readonly tf.layers.Layer[]): string {
  const names = layers.map((layer) => layer.name);
  const suggestion = closestName(name, names);
  const hint =
    suggestion !== undefined ? `did you mean "${suggestion}"?` : `the first are ${names.slice(0, 6).join(", ")}, …`;
  return `no layer named "${name}" (${names.length} layers; ${hint})`;
}
