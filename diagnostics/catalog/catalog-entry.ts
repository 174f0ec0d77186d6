/** One entry of the diagnostic catalog: what `dlm explain CODE` prints and docs/diagnostics.md lists. */
export interface MessageEntry {
  /** `DLM101` … */
  readonly code: string;
  /** A short title, e.g. "unexpected token". */
  readonly title: string;
  readonly severity: "error" | "warning";
  /** Long-form explanation: what the check protects against, in plain words. */
  readonly explanation: string;
  /** A small `.dlm` snippet that triggers the diagnostic. */
  readonly wrong: string;
  /** The same snippet, fixed. */
  readonly fixed: string;
}
