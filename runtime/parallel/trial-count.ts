/**
 * How many trials of a search train at once: `tune { parallel: auto | N }`. Each trial runs
 * in its own thread and trains on one core (a trial never shares its batches with
 * data-parallel workers), so `auto` takes the cores Node reports, one trial each at most.
 */
import * as os from "node:os";
import type { ActiveBackendName } from "../backend.js";

/** What a search asks for: a count, or `auto`. */
export type ParallelSetting = number | "auto";

/** The chosen count and, in words, why. */
export interface ParallelChoice {
  readonly trials: number;
  readonly reason: string;
}

/**
 * Resolves `parallel` for a search of `trials` trials on `backend`; absent means one at a
 * time (the runtime's API; the language's default, `auto`, is written by the compiler).
 */
export function chooseParallelTrials(
  setting: ParallelSetting | undefined,
  trials: number,
  backend: ActiveBackendName,
  cores: number = os.availableParallelism(),
): ParallelChoice {
  if (setting === undefined) return { trials: 1, reason: "one at a time" };
  if (backend === "node") {
    return { trials: 1, reason: "tfjs-node trains with its own threads; trials in parallel apply to wasm and cpu" };
  }
  if (setting === "auto") {
    const count = Math.max(1, Math.min(cores, trials));
    return { trials: count, reason: count < cores ? `auto: one per trial (${cores} cores)` : `auto: ${cores} cores` };
  }
  const count = Math.min(setting, trials);
  return { trials: count, reason: count < setting ? `asked for ${setting}, one per trial at most` : "as asked" };
}
