/**
 * How a command fails and what it exits with, shared by `cli.ts` and every command (which
 * `cli.ts` imports lazily: the commands must not import `cli.ts` back).
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
