/**
 * `csv_logger(path)`: one CSV row of logs per epoch, in Keras's layout (`epoch` then the
 * log names sorted), written as each epoch ends so a crash keeps the rows so far.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Callback, type Logs } from "./types.js";

/** Arguments of `csvLogger`. */
export interface CsvLoggerArgs {
  /** The CSV file; its directory is created. */
  readonly path: string;
  /** Field separator. Default `,`. */
  readonly separator?: string;
  /** Append to an existing file instead of replacing it. Default: only when resuming (initial epoch > 0). */
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
    this.columns = append ? await readHeader(this.path, this.separator) : undefined;
    if (!append) await fs.writeFile(this.path, "");
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    let text = "";
    if (this.columns === undefined) {
      this.columns = Object.keys(logs).sort();
      text += ["epoch", ...this.columns].join(this.separator) + "\n";
    }
    const values = this.columns.map((name) => (Object.hasOwn(logs, name) ? String(logs[name]) : "NA"));
    text += [String(epoch), ...values].join(this.separator) + "\n";
    await fs.appendFile(this.path, text);
  }
}

/** The log columns of an existing CSV file (its header without `epoch`), or undefined when it has none. */
async function readHeader(file: string, separator: string): Promise<string[] | undefined> {
  try {
    const header = (await fs.readFile(file, "utf8")).split("\n", 1)[0] ?? "";
    return header === "" ? undefined : header.split(separator).slice(1);
  } catch {
    return undefined;
  }
}

/** Writes the epoch logs to a CSV file (`csv_logger`). */
export function csvLogger(args: CsvLoggerArgs): CsvLogger {
  return new CsvLogger(args);
}
