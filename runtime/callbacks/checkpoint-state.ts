/**
 * Reading `checkpoint.json` back: every field checked, so that a damaged or hand-edited file
 * stops `--resume` with one sentence naming the file and the field, never with a bare JSON
 * error or a failure deep inside TensorFlow.js.
 */
import { isOptimizerClassName, type OptimizerState } from "../optimizers.js";
import type { History } from "./callback.js";

/** `checkpoint.json`: everything besides the model files that a resumed run needs. */
export interface CheckpointState {
  /** The first epoch a resumed run trains (the saved epoch + 1). */
  readonly epoch: number;
  readonly history: History;
  /** The optimizer's class and config (learning rate as of the save); its slots are in `weights.bin`. */
  readonly optimizer: OptimizerState;
  /** Whether `weights.bin` holds the optimizer's slots (tfjs cannot export Adamax's). */
  readonly optimizerSaved: boolean;
  readonly monitor: string;
  /** Best monitored value so far (a resumed run only saves on beating it); null if never logged. */
  readonly best: number | null;
  /** The saved model's `architectureOf(...).hash` (checkpoints of older versions have none). */
  readonly architecture?: string;
}

/** A `checkpoint.json` that cannot be used: the message names the file and what is wrong with it. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";

  constructor(
    file: string,
    problem: string,
    advice = "the checkpoint is damaged: start the run again without `--resume` (or with `--force` to replace its run directory)",
  ) {
    super(`${file}: ${problem}. ${advice[0]!.toUpperCase()}${advice.slice(1)}`);
  }
}

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A logged value: JSON writes NaN and ±Infinity as null, which reads back as NaN. */
function isLogValue(value: unknown): value is number | null {
  return value === null || typeof value === "number";
}

/** Parses and checks the text of `file` (a `checkpoint.json`); throws `CheckpointError`. */
export function parseCheckpointState(text: string, file: string): CheckpointState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new CheckpointError(file, "expected a JSON object");
  const fail = (field: string, expected: string): never => {
    throw new CheckpointError(file, `\`${field}\` should be ${expected}, found ${describe(parsed, field)}`);
  };
  const { epoch, history, optimizer, optimizerSaved, monitor, best, architecture } = parsed;
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 0) fail("epoch", "an integer ≥ 0");
  if (!isRecord(history)) return fail("history", "an object with `epochs` and `logs`");
  const epochs = history["epochs"];
  const logs = history["logs"];
  if (!Array.isArray(epochs) || !epochs.every((value) => Number.isInteger(value) && (value as number) >= 0)) {
    fail("history.epochs", "a list of epoch numbers");
  }
  if (!isRecord(logs)) return fail("history.logs", "an object of lists");
  const readLogs: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(logs)) {
    if (!Array.isArray(values) || !values.every(isLogValue) || values.length !== (epochs as unknown[]).length) {
      fail(`history.logs.${name}`, `a list of ${(epochs as unknown[]).length} numbers (one per epoch)`);
    }
    readLogs[name] = (values as (number | null)[]).map((value) => value ?? Number.NaN);
  }
  if (!isRecord(optimizer) || typeof optimizer["className"] !== "string" || !isRecord(optimizer["config"])) {
    fail("optimizer", "an object with `className` and `config`");
  }
  if (!isOptimizerClassName((optimizer as { className: string }).className)) {
    fail("optimizer.className", "the class name of a TF.js optimizer (`Adam`, `SGD`, …)");
  }
  if (typeof optimizerSaved !== "boolean") fail("optimizerSaved", "true or false");
  if (typeof monitor !== "string") fail("monitor", "a log name");
  if (best !== null && typeof best !== "number") fail("best", "a number or null");
  if (architecture !== undefined && typeof architecture !== "string") fail("architecture", "a hash");
  return {
    epoch: epoch as number,
    history: { epochs: epochs as number[], logs: readLogs },
    optimizer: optimizer as unknown as OptimizerState,
    optimizerSaved: optimizerSaved as boolean,
    monitor: monitor as string,
    best: best as number | null,
    ...(architecture === undefined ? {} : { architecture: architecture as string }),
  };
}

/** What a field holds, briefly, for the message. */
function describe(object: unknown, field: string): string {
  let value: unknown = object;
  for (const part of field.split(".")) value = isRecord(value) ? value[part] : undefined;
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
