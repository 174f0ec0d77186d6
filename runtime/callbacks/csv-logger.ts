/**
 * `csv_logger(path)`: one CSV row of logs per epoch, in Keras's layout (`epoch` then the
 * log names sorted), written as each epoch ends so a crash keeps the rows so far. Epochs
 * are numbered from 1, as in `history.csv` and the terminal; a resumed run first drops the
 * rows of epochs it trains again, so no epoch appears twice. After each write the file's
 * SHA-256 goes into the folder's ledger (`.dlm-outputs.json`): the proof that DLM wrote it.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { assertOwnedOutput, recordWrittenFile } from "../output-ownership.js";
import { Callback, type Logs } from "./callback.js";

/** Arguments of `csvLogger`. */
export interface CsvLoggerArgs {
  /** The CSV file; its directory is created. */
  readonly path: string;
  /** Field separator. Default `,`. */
  readonly separator?: string;
  /**
   * Continue an existing file instead of replacing it (rows of the epochs this run trains
   * are dropped first). Default: only when resuming (initial epoch > 0).
   */
  readonly append?: boolean;
}

/** The callback `csvLogger` builds. */
export class CsvLogger extends Callback {
  readonly path: string;
  private readonly separator: string;
  private readonly append: boolean | undefined;
  private columns: string[] | undefined;

  constructor(args: CsvLoggerArgs) {
    super();
    this.path = args.path;
    this.separator = args.separator ?? ",";
    this.append = args.append;
  }

  override async onTrainBegin(): Promise<void> {
    await fs.mkdir(path.dirname(path.resolve(this.path)), { recursive: true });
    const append = this.append ?? this.context.params.initialEpoch > 0;
    const kept = append ? await readRowsBefore(this.path, this.separator, this.context.params.initialEpoch) : undefined;
    this.columns = kept?.columns;
    // Never over a file DLM did not write (checked before training too; the disk may have changed).
    assertOwnedOutput(path.resolve(this.path), "log");
    await fs.writeFile(this.path, kept?.text ?? "");
    await recordWrittenFile(this.path);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    let text = "";
    if (this.columns === undefined) {
      this.columns = Object.keys(logs).sort();
      text += ["epoch", ...this.columns].join(this.separator) + "\n";
    }
    const values = this.columns.map((name) => (Object.hasOwn(logs, name) ? String(logs[name]) : "NA"));
    text += [String(epoch + 1), ...values].join(this.separator) + "\n";
    await fs.appendFile(this.path, text);
    // the ledger follows the file, so the next run may replace what this one wrote
    await recordWrittenFile(this.path);
  }
}

/**
 * What a resumed run keeps of an existing log: its header and the rows of the epochs before
 * `initialEpoch` (0-based; rows are numbered from 1). Rows of later epochs were written
 * after the checkpoint the run resumes from (an epoch cut short, a crash before the save)
 * and are trained again. Undefined when there is no file or no header.
 */
async function readRowsBefore(
  file: string,
  separator: string,
  initialEpoch: number,
): Promise<{ columns: string[]; text: string } | undefined> {
  let lines: string[];
  try {
    lines = (await fs.readFile(file, "utf8")).split("\n").filter((line) => line !== "");
  } catch {
    return undefined;
  }
  const [header, ...rows] = lines;
  if (header === undefined) return undefined;
  const kept = rows.filter((row) => Number(row.split(separator, 1)[0]) <= initialEpoch);
  return { columns: header.split(separator).slice(1), text: [header, ...kept].map((line) => line + "\n").join("") };
}

/** Writes the epoch logs to a CSV file (`csv_logger`). */
export function csvLogger(args: CsvLoggerArgs): CsvLogger {
  return new CsvLogger(args);
}
