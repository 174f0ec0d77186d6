/**
 * Seeded randomness for the data pipeline: shuffles and splits must be the same on every
 * run with the same `seed`, on every backend, so they never use `Math.random`.
 */

/** A function returning uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** mulberry32: a tiny 32-bit PRNG, good enough for shuffling and reproducible everywhere. */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A permutation of `0..count-1` (Fisher–Yates), the same for the same seed. */
export function seededPermutation(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  shuffleInPlace(order, mulberry32(seed));
  return order;
}

/** Shuffles an array in place with the given random source. */
export function shuffleInPlace<T>(items: T[], random: RandomSource): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = items[i]!;
    items[i] = items[j]!;
    items[j] = swap;
  }
}

/** A new seed derived from a seed and a purpose, so independent streams do not repeat each other. */
export function deriveSeed(seed: number, stream: number): number {
  return Math.floor(mulberry32((seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0)() * 4294967296);
}
