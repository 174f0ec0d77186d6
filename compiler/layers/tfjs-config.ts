/**
 * Pieces of TF.js layer configs that several families share. A config leaves out a key
 * whose value is TF.js's own default, so generated code reads like hand-written code
 * (`tf.layers.dense({ units: 10, activation: "softmax" })`).
 */
import { readBool, readString } from "./arguments.js";
import { tfjsActivationName } from "./activations.js";
import type { ParamValue, ResolvedArgs, TfjsConfigValue } from "./layer-definition.js";

/** A TF.js config fragment, spread into a layer's config. */
export type ConfigFragment = Readonly<Record<string, TfjsConfigValue>>;

/** `{ activation: "<tfjs name>" }`, or nothing for `linear` (TF.js's default). */
export function activationConfig(args: ResolvedArgs, param = "activation"): ConfigFragment {
  const name = readString(args, param);
  if (name === "linear") return {};
  return { activation: tfjsActivationName(name) ?? name };
}

/** `{ useBias: false }` when the bias is switched off; nothing otherwise. */
export function useBiasConfig(args: ResolvedArgs): ConfigFragment {
  return readBool(args, "use_bias") ? {} : { useBias: false };
}

/** `{ [key]: { regularizer: { l1, l2 } } }` when either penalty is non-zero (emitted as `tf.regularizers.l1l2`). */
export function regularizerConfig(key: string, l1: number, l2: number): ConfigFragment {
  if (l1 === 0 && l2 === 0) return {};
  return { [key]: { regularizer: { l1, l2 } } };
}

/**
 * An int-or-tuple argument as TF.js takes it: the int, or a fresh copy of the list
 * (TF.js layers keep and sometimes mutate the arrays they are given).
 */
export function perAxisConfig(value: ParamValue | undefined): TfjsConfigValue {
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return [...(value as readonly number[])];
  throw new Error(`expected an int or a list of ints, got ${JSON.stringify(value)}`);
}

/** True when an int-or-tuple argument is 1 on every axis (TF.js's default stride and dilation). */
export function isOneOnEveryAxis(value: ParamValue | undefined): boolean {
  if (typeof value === "number") return value === 1;
  return Array.isArray(value) && value.every((v) => v === 1);
}
