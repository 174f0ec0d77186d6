/**
 * "Did you mean" suggestions: the closest known name by edit distance, or nothing when
 * every candidate is too far away to be a plausible typo.
 */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of
 * two neighbouring characters each cost 1 (so `dnese` is one step from `dense`).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    const row = table[i] as number[];
    const above = table[i - 1] as number[];
    for (let j = 1; j < columns; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + substitution,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((table[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (table[rows - 1] as number[])[columns - 1] as number;
}

/**
 * Names Keras (and TF.js's logs) use for what DLM names otherwise, lower-cased: a habit, not a
 * typo, so edit distance would miss them (`lr` is 11 edits from `learning_rate`) or find the
 * wrong one (`acc` is one edit from `auc`).
 */
const KERAS_NAMES: ReadonlyMap<string, string> = new Map([
  ["lr", "learning_rate"],
  ["acc", "accuracy"],
  ["binary_accuracy", "accuracy"],
  ["categorical_accuracy", "accuracy"],
  ["sparse_categorical_accuracy", "accuracy"],
  ["roc_auc", "auc"],
  ["auroc", "auc"],
  ["f1_score", "f1"],
  ["mean_squared_error", "mse"],
  ["mean_absolute_error", "mae"],
  ["root_mean_squared_error", "rmse"],
  ["r2_score", "r2"],
  ["beta_1", "beta1"],
  ["beta_2", "beta2"],
  ["kernel_size", "kernel"],
  ["strides", "stride"],
  ["pool_size", "size"],
  ["dilation_rate", "dilation"],
  ["kernel_regularizer", "l2"],
  ["input_dim", "vocab"],
  ["output_dim", "dim"],
  ["batchnormalization", "batch_norm"],
  ["layernormalization", "layer_norm"],
  ["maxpooling2d", "max_pool2d"],
  ["maxpool2d", "max_pool2d"],
  ["averagepooling2d", "avg_pool2d"],
  ["globalaveragepooling2d", "global_avg_pool2d"],
  ["globalaveragepooling1d", "global_avg_pool1d"],
  ["globalmaxpooling2d", "global_max_pool2d"],
  ["globalmaxpooling1d", "global_max_pool1d"],
  ["modelcheckpoint", "model_checkpoint"],
  ["earlystopping", "early_stopping"],
  ["reducelronplateau", "reduce_lr_on_plateau"],
  ["csvlogger", "csv_logger"],
]);

/**
 * The DLM name for a Keras habit (`lr` → `learning_rate`, `val_acc` → `val_accuracy`), or
 * undefined when `name` is not one.
 */
export function kerasEquivalent(name: string): string | undefined {
  const lower = name.toLowerCase();
  const direct = KERAS_NAMES.get(lower);
  if (direct !== undefined) return direct;
  const logged = /^val_(.+)$/.exec(lower)?.[1];
  const base = logged === undefined ? undefined : KERAS_NAMES.get(logged);
  return base === undefined ? undefined : `val_${base}`;
}

/**
 * The candidate closest to `name`, if it is close enough to be a typo: at most
 * 40% of the name's length plus one edit, case differences counting as a near match.
 * Ties go to the candidate listed first. A Keras name (see {@link kerasEquivalent}) goes to
 * its DLM name first, when that is a candidate. Failing that, a candidate that is a prefix of
 * the name (or the reverse, at least 3 characters): `integer` → `int`, `boolean` → `bool`.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const known = kerasEquivalent(name);
  if (known !== undefined && known !== name && [...candidates].includes(known)) return known;
  const limit = Math.floor(name.length * 0.4) + 1;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate;
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  for (const candidate of candidates) {
    const [shorter, longer] = candidate.length < name.length ? [candidate, name] : [name, candidate];
    if (shorter.length >= 3 && longer.toLowerCase().startsWith(shorter.toLowerCase())) return candidate;
  }
  return undefined;
}

/** The help line for an unknown name: "did you mean `conv2d`?", or undefined without a close candidate. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const suggestion = closestName(name, candidates);
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}
