/**
 * Time-series windows: from consecutive rows `[steps, features]` and a target per row, every
 * window of `size` rows predicts the `horizon` target values that follow it.
 */

/** Windows as flat arrays: `x` is `[count, size, features]`, `y` is `[count, horizon]`. */
export interface Windows {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly count: number;
}

/** Cuts every full window (stride 1) out of one contiguous segment of rows. */
export function makeWindows(
  features: Float32Array,
  featureCount: number,
  targets: ArrayLike<number>,
  size: number,
  horizon: number,
): Windows {
  const steps = targets.length;
  const count = Math.max(0, steps - size - horizon + 1);
  const x = new Float32Array(count * size * featureCount);
  const y = new Float32Array(count * horizon);
  for (let start = 0; start < count; start++) {
    x.set(features.subarray(start * featureCount, (start + size) * featureCount), start * size * featureCount);
    for (let h = 0; h < horizon; h++) y[start * horizon + h] = targets[start + size + h]!;
  }
  return { x, y, count };
}
