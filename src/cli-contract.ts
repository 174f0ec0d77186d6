/**
 * What `cli.ts` and its commands share — how a command fails, what it exits with, the flags
 * of `dlm run` — so that the commands, which `cli.ts` imports lazily, never import `cli.ts` back.
 *
 * Exit codes: 0 success (warnings allowed), 1 diagnostics with errors or a failed run,
 * 2 usage or I/O errors (bad flags, missing files).
 */

/** Success, warnings allowed. */
export const EXIT_OK = 0;
/** Diagnostics with errors, or a failed run. */
export const EXIT_ERRORS = 1;
/** Usage or I/O errors: bad flags, missing files. */
export const EXIT_USAGE = 2;

/** A user-facing failure of a command: printed as `error: message`, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** The TensorFlow.js backends `--backend` chooses from. */
export const BACKENDS = ["auto", "node", "wasm", "cpu"] as const;

/** Flags of `dlm run`, as commander hands them over. */
export interface RunFlags {
  experiment?: string;
  epochs?: number;
  limit?: number;
  trials?: number;
  backend?: (typeof BACKENDS)[number];
  workers?: number;
  out: string;
  force?: boolean;
  resume?: boolean;
  engine?: "tfjs" | "torch";
  nproc?: number;
  nnodes?: number;
  nodeRank?: string;
  rdzv?: string;
  launcher?: "local" | "torchrun";
}
