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
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((table[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (table[rows - 1] as number[])[columns - 1] as number;
}

/**
 * The candidate closest to `name`, if it is close enough to be a typo: at most
 * 40% of the name's length plus one edit, case differences counting as a near match.
 * Ties go to the candidate listed first. Failing that, a candidate that is a prefix of
 * the name (or the reverse, at least 3 characters): `integer` → `int`, `boolean` → `bool`.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
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
