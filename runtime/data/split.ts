/**
 * Dividing examples into train / validation / test (stratified, seeded) and keeping a
 * stratified subset (`limit`). Works on example indices only; no data is copied here.
 */
import { DataError } from "./errors.js";
import { seededPermutation } from "./random.js";
import type { SplitSpec } from "./spec.js";

/** Fractions are compared with this slack so that 0.7 + 0.15 + 0.15 counts as 1. */
const EPSILON = 1e-9;

/** `split { }` with every default filled in. */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  /** True when train takes every example that validation and test leave. */
  readonly trainIsRest: boolean;
  /** True when the source's own test split is used as the test split. */
  readonly useOwnTest: boolean;
}

/** The default test fraction for a source without its own test split. */
const DEFAULT_TEST_FRACTION = 0.2;

/** Fills the defaults of `split { }` (see `SplitSpec`) and rejects impossible fractions. */
export function resolveSplitFractions(spec: SplitSpec | undefined, hasOwnTest: boolean): SplitFractions {
  const validation = spec?.validation ?? 0;
  let test: number;
  let useOwnTest = false;
  if (spec?.test !== undefined) test = spec.test;
  else if (hasOwnTest) {
    test = 0;
    useOwnTest = true;
  } else if (spec?.train !== undefined) test = Math.max(0, 1 - spec.train - validation);
  else test = DEFAULT_TEST_FRACTION;
  if (test < EPSILON) test = 0;
  const train = spec?.train ?? 1 - validation - test;
  for (const [name, value] of [
    ["train", train],
    ["validation", validation],
    ["test", test],
  ] as const) {
    if (!(value >= 0 && value <= 1))
      throw new DataError(`split fraction \`${name}: ${value}\` must be between 0 and 1`);
  }
  const sum = train + validation + test;
  if (sum > 1 + EPSILON) {
    throw new DataError(`split fractions add up to ${Number(sum.toFixed(6))}, more than 1`);
  }
  if (train <= EPSILON) throw new DataError("the split leaves no training examples");
  return { train, validation, test, trainIsRest: sum >= 1 - EPSILON, useOwnTest };
}

/** Example indices of each split, each list in the (shuffled) order examples were visited. */
export interface SplitIndices {
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
}

/** How to divide: class of each example (for stratification), shuffling and its seed. */
export interface SplitOptions {
  /** Class id of an example, or undefined for regression / `stratify: false`. */
  readonly classOf?: (example: number) => number;
  readonly shuffle: boolean;
  readonly seed: number;
}

/**
 * Divides `examples` by the fractions. Stratified, each class is divided on its own with
 * cumulative rounding, so every split's count of every class is within one example of its
 * exact share. Train comes first in visiting order, validation next, test last.
 */
export function splitExamples(
  examples: readonly number[],
  fractions: SplitFractions,
  options: SplitOptions,
): SplitIndices {
  const order = options.shuffle
    ? seededPermutation(examples.length, options.seed).map((i) => examples[i]!)
    : [...examples];
  const groupOf = options.classOf ?? (() => 0);
  const groupSizes = new Map<number, number>();
  for (const example of order) groupSizes.set(groupOf(example), (groupSizes.get(groupOf(example)) ?? 0) + 1);
  const seen = new Map<number, number>();
  const result: SplitIndices = { train: [], validation: [], test: [] };
  for (const example of order) {
    const group = groupOf(example);
    const size = groupSizes.get(group)!;
    const position = seen.get(group) ?? 0;
    seen.set(group, position + 1);
    const testCount = Math.round(size * fractions.test);
    const heldOut = Math.min(size, Math.round(size * (fractions.validation + fractions.test)));
    const trainCount = fractions.trainIsRest
      ? size - heldOut
      : Math.min(Math.round(size * fractions.train), size - heldOut);
    if (position < trainCount) result.train.push(example);
    else if (position >= size - testCount) result.test.push(example);
    else if (position >= size - heldOut) result.validation.push(example);
  }
  return result;
}

/**
 * Keeps at most `limit` examples with each class in proportion (cumulative rounding over
 * classes, so the total is exactly `limit`), taking the earliest of each class and keeping
 * the original order.
 */
export function stratifiedSubset(
  examples: readonly number[],
  limit: number,
  classOf?: (example: number) => number,
): number[] {
  if (examples.length <= limit) return [...examples];
  const groupOf = classOf ?? (() => 0);
  const sizes = new Map<number, number>();
  for (const example of examples) sizes.set(groupOf(example), (sizes.get(groupOf(example)) ?? 0) + 1);
  const quota = new Map<number, number>();
  let cumulative = 0;
  for (const group of [...sizes.keys()].sort((a, b) => a - b)) {
    const before = Math.round((limit * cumulative) / examples.length);
    cumulative += sizes.get(group)!;
    quota.set(group, Math.round((limit * cumulative) / examples.length) - before);
  }
  return examples.filter((example) => {
    const left = quota.get(groupOf(example))!;
    quota.set(groupOf(example), left - 1);
    return left > 0;
  });
}
