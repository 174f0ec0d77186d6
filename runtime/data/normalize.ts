/**
 * Feature normalisation: statistics fitted on the training split only, per feature (the
 * last axis: tabular columns, series features, image channels), applied in place. Export
 * stores the fitted statistics so `predict` repeats exactly the same arithmetic.
 */
import type { Preprocessing } from "../prepared-data.js";
import type { NormalizeSpec, TargetNormalizeSpec } from "./spec.js";

/** The fitted form of `normalize`, as stored in `Preprocessing`. */
export type FittedNormalization = Preprocessing["normalize"];

/** Fits the normalisation on training values laid out `[..., features]`. */
export function fitNormalization(
  spec: NormalizeSpec | undefined,
  values: ArrayLike<number>,
  features: number,
): FittedNormalization {
  if (spec === undefined || spec.kind === "none") return { kind: "none" };
  if (spec.kind === "scale") return { kind: "scale", factor: spec.factor };
  if (spec.kind === "minmax") {
    const min = new Array<number>(features).fill(Infinity);
    const max = new Array<number>(features).fill(-Infinity);
    for (let i = 0; i < values.length; i++) {
      const f = i % features;
      const value = values[i]!;
      if (value < min[f]!) min[f] = value;
      if (value > max[f]!) max[f] = value;
    }
    return { kind: "minmax", min: min.map(finiteOrZero), max: max.map(finiteOrZero) };
  }
  const sum = new Float64Array(features);
  const sumOfSquares = new Float64Array(features);
  const rows = values.length / features;
  for (let i = 0; i < values.length; i++) sum[i % features] += values[i]!;
  const mean = Array.from(sum, (s) => (rows === 0 ? 0 : s / rows));
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean[i % features]!;
    sumOfSquares[i % features] += d * d;
  }
  // Population standard deviation, as Keras' Normalization layer and scikit-learn use.
  const std = Array.from(sumOfSquares, (s) => (rows === 0 ? 0 : Math.sqrt(s / rows)));
  return { kind: "standardize", mean, std };
}

/** Applies a fitted normalisation in place to values laid out `[..., features]`. */
export function applyNormalization(values: Float32Array, features: number, normalization: FittedNormalization): void {
  switch (normalization.kind) {
    case "none":
      return;
    case "scale":
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * normalization.factor;
      return;
    case "standardize": {
      const { mean } = normalization;
      // A constant feature (std 0) is only centred: dividing by 0 would make NaN.
      const divisor = normalization.std.map((s) => (s > 0 ? s : 1));
      for (let i = 0; i < values.length; i++) values[i] = (values[i]! - mean[i % features]!) / divisor[i % features]!;
      return;
    }
    case "minmax": {
      const { min } = normalization;
      const range = normalization.max.map((max, f) => (max > min[f]! ? max - min[f]! : 1));
      for (let i = 0; i < values.length; i++) values[i] = (values[i]! - min[i % features]!) / range[i % features]!;
      return;
    }
  }
}

/** The fitted target scaling of `Preprocessing.target`. */
export type FittedTargetNormalization = NonNullable<Preprocessing["target"]>;

/**
 * Fits `normalize_target` on the training targets (one statistic over every target value,
 * so each step of a multi-step forecast is scaled alike); undefined for `none`.
 */
export function fitTargetNormalization(
  spec: TargetNormalizeSpec,
  trainTargets: ArrayLike<number>,
): FittedTargetNormalization | undefined {
  if (spec === "none") return undefined;
  const fitted = fitNormalization({ kind: spec }, trainTargets, 1);
  return fitted.kind === "standardize" || fitted.kind === "minmax" ? fitted : undefined;
}

/** Maps values scaled by `normalization` back to their own units, in place (the inverse of `applyNormalization`). */
export function invertNormalization(values: Float32Array, features: number, normalization: FittedNormalization): void {
  switch (normalization.kind) {
    case "none":
      return;
    case "scale":
      for (let i = 0; i < values.length; i++) values[i] = values[i]! / normalization.factor;
      return;
    case "standardize": {
      const { mean } = normalization;
      const divisor = normalization.std.map((s) => (s > 0 ? s : 1));
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * divisor[i % features]! + mean[i % features]!;
      return;
    }
    case "minmax": {
      const { min } = normalization;
      const range = normalization.max.map((max, f) => (max > min[f]! ? max - min[f]! : 1));
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * range[i % features]! + min[i % features]!;
      return;
    }
  }
}

/**
 * Regression values (targets or predictions) in the target's own units: a copy, inverted
 * when the targets were scaled for training; the values themselves otherwise.
 */
export function inTargetUnits<Values extends Float32Array | Int32Array>(
  values: Values,
  target: Preprocessing["target"],
): Values | Float32Array {
  if (target === undefined) return values;
  const copy = Float32Array.from(values);
  invertNormalization(copy, 1, target);
  return copy;
}

/** Statistics of an empty split are 0 rather than ±Infinity, so they serialise to JSON. */
function finiteOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
