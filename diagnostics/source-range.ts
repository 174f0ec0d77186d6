/** Where a diagnostic points: character offsets into one source file (lines and columns are computed only when printing). */

/** A half-open span of character offsets `[start, end)` in one source file. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}
