/**
 * Signals and the parent process, for both ends of `dlm run`:
 *
 * - `dlm` starts each program with an IPC channel and passes SIGINT and SIGTERM on to it
 *   (`runProgramProcess`);
 * - the program turns SIGINT, SIGTERM and the death of the `dlm` that started it into a
 *   request to stop (`watchStopRequests`). While training, a request stops at the next
 *   batch boundary so that a checkpoint can be saved; anywhere else it exits at once.
 *
 * SIGKILL cannot be caught or passed on: a `dlm` killed with it closes the IPC channel,
 * and its 'disconnect' tells the program that nobody is waiting for it any more.
 *
 * Only Node built-ins here: the CLI bundles this file.
 */
import { spawn } from "node:child_process";

/** Exit code of a run stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/**
 * A terminal sends Ctrl-C to `dlm` and to the program it runs, and `dlm` forwards signals to
 * the program too: one keypress can arrive twice within milliseconds. Only a signal later
 * than this counts as the user insisting.
 */
const DUPLICATE_SIGNAL_MS = 1000;

/** Why a program was asked to stop. */
export type StopCause = "SIGINT" | "SIGTERM" | "parent exited";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** How a stop request reaches the user and ends the process; replaceable in tests. */
export interface StopRequestIo {
  /** Writes a line (with its newline) to stderr. */
  readonly write: (text: string) => void;
  /** Ends the process with this code. */
  readonly exit: (code: number) => void;
}

const PROCESS_IO: StopRequestIo = {
  write: (text) => {
    // The terminal or the pipe may be gone with the parent: a message that cannot be written is not an error.
    try {
      process.stderr.write(text);
    } catch {
      // nothing to tell anyone
    }
  },
  exit: (code) => process.exit(code),
};

/** What `watchStopRequests` returns: the requests, and the sections that stop gracefully. */
export interface StopRequests {
  /** Aborted (with the `StopCause` as reason) by the first request made inside `stopGracefully`. */
  readonly signal: AbortSignal;
  /**
   * Runs `work` as a section that stops at its own pace: a request inside it aborts
   * `signal` and lets `work` finish (save a checkpoint, return); outside such a section a
   * request exits the process at once with 130.
   */
  stopGracefully<Result>(work: (signal: AbortSignal) => Promise<Result>): Promise<Result>;
  /** Removes the handlers: the process is free to exit when its work is done. */
  dispose(): void;
  /** Makes a request as a signal or the parent's exit would (for tests). */
  request(cause: StopCause): void;
}

/**
 * Starts handling SIGINT, SIGTERM and, when the process has an IPC channel to its parent
 * (it was started by `dlm run`), the parent's exit. A second signal more than a second
 * after the first exits at once, without waiting for the checkpoint.
 */
export function watchStopRequests(io: StopRequestIo = PROCESS_IO): StopRequests {
  const controller = new AbortController();
  let graceful = 0;
  let firstRequestAt: number | undefined;

  const request = (cause: StopCause) => {
    if (firstRequestAt !== undefined) {
      // The parent going away while already stopping is no reason to hurry; a late second signal is.
      if (cause === "parent exited" || Date.now() - firstRequestAt < DUPLICATE_SIGNAL_MS) return;
      io.write(`\ndlm: ${cause} again: exiting without waiting for the checkpoint\n`);
      io.exit(EXIT_INTERRUPTED);
      return;
    }
    firstRequestAt = Date.now();
    const what = cause === "parent exited" ? "the `dlm` process that started this program exited" : `${cause} received`;
    if (graceful === 0) {
      io.write(`\ndlm: ${what}: stopping\n`);
      io.exit(EXIT_INTERRUPTED);
      return;
    }
    io.write(`\ndlm: ${what}: stopping after this batch and saving a checkpoint…\n`);
    controller.abort(cause);
  };
  const onSignal = (signal: NodeJS.Signals) => request(signal as StopCause);
  const onDisconnect = () => request("parent exited");

  for (const signal of SIGNALS) process.on(signal, onSignal);
  // Only a program with a channel was started by `dlm run`; one started by hand may outlive its shell.
  const watchesParent = process.channel !== undefined;
  if (watchesParent) process.on("disconnect", onDisconnect);

  return {
    signal: controller.signal,
    async stopGracefully(work) {
      if (controller.signal.aborted) return work(controller.signal);
      graceful++;
      try {
        return await work(controller.signal);
      } finally {
        graceful--;
      }
    },
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      // A 'disconnect' listener holds the channel open, and with it the process.
      if (watchesParent) process.off("disconnect", onDisconnect);
    },
    request,
  };
}

/**
 * Runs a program (`node ARGS`) to completion and resolves with its exit code: the `dlm run`
 * end. The program gets an IPC channel, by which it notices when `dlm` dies; SIGINT and
 * SIGTERM sent to `dlm` are passed on to it (Ctrl-C in a terminal reaches both processes;
 * the program counts the two copies as one). A program killed by SIGINT/SIGTERM counts
 * as interrupted (130); by any other signal, as failed (`failedCode`).
 */
export function runProgramProcess(
  nodeArguments: readonly string[],
  options: { readonly failedCode: number },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArguments], { stdio: ["inherit", "inherit", "inherit", "ipc"] });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of SIGNALS) process.on(signal, forward);
    const cleanUp = () => {
      for (const signal of SIGNALS) process.off(signal, forward);
    };
    child.on("error", (error) => {
      cleanUp();
      reject(error);
    });
    child.on("exit", (code, signal) => {
      cleanUp();
      // The channel would otherwise keep `dlm` waiting on a program that is gone.
      if (child.connected) child.disconnect();
      resolve(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? EXIT_INTERRUPTED : options.failedCode));
    });
  });
}
