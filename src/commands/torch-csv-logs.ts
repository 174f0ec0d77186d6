/**
 * `csv_logger(path)` of a torch run: the file the TF.js engine's callback writes (Keras's
 * layout: `epoch`, then the log names sorted; epochs from 1; one row per epoch of the stages
 * that log to it), written by DLM when the program has finished, from the history DLM
 * computed (its metrics over whole splits, as the TF.js logs hold them). Replaced atomically
 * (a temporary file renamed into place), only where DLM wrote before, and recorded in the
 * folder's ledger as the callback records it.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { History } from "../../runtime/callbacks/callback.js";
import type { ExperimentDefinition, StageSpec } from "../../runtime/experiment.js";
import { writeFileDurably } from "../../runtime/model-io.js";
import { assertOwnedOutput, recordWrittenFile, temporaryPrefix } from "../../runtime/output-ownership.js";

/** The logger files of the stages, each with the epochs (0-based) of the stages that log to it. */
function loggedEpochs(definition: ExperimentDefinition, history: History, trainEpochs: number): Map<string, number[]> {
  const stageOf = (epoch: number): StageSpec | undefined => (epoch < trainEpochs ? definition.train : definition.fineTune);
  const files = new Map<string, number[]>();
  for (const epoch of history.epochs) {
    for (const callback of stageOf(epoch)?.callbacks ?? []) {
      if (callback.kind !== "csv_logger") continue;
      const file = path.resolve(definition.baseDir, callback.path);
      files.set(file, [...(files.get(file) ?? []), epoch]);
    }
  }
  return files;
}

/** The CSV text of the given epochs, as the TF.js callback writes it. */
function csvText(history: History, epochs: readonly number[]): string {
  const names = Object.keys(history.logs).sort();
  const rows = epochs.map((epoch) => {
    const row = history.epochs.indexOf(epoch);
    return [String(epoch + 1), ...names.map((name) => String(history.logs[name]?.[row] ?? "NA"))].join(",");
  });
  return [["epoch", ...names].join(","), ...rows].map((line) => `${line}\n`).join("");
}

/**
 * Writes every `csv_logger` file of a finished torch run; `trainEpochs` is the train stage's
 * epoch count (fine_tune's epochs follow it). Returns the files written.
 */
export async function writeCsvLogs(definition: ExperimentDefinition, history: History, trainEpochs: number): Promise<string[]> {
  const written: string[] = [];
  for (const [file, epochs] of loggedEpochs(definition, history, trainEpochs)) {
    assertOwnedOutput(file, "log");
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${temporaryPrefix(file)}${randomBytes(3).toString("hex")}`;
    try {
      await writeFileDurably(temporary, csvText(history, epochs));
      await fs.rename(temporary, file);
    } finally {
      await fs.rm(temporary, { force: true });
    }
    await recordWrittenFile(file);
    written.push(file);
  }
  return written;
}
