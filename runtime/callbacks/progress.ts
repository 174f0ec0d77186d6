/**
 * `progress(bar)`: on a terminal, a cli-progress bar per epoch with the running loss and
 * the ETA, replaced by the epoch's logs when it ends; elsewhere (files, CI logs) one
 * plain line per epoch, and within an epoch a line every 30 seconds (steps done, running
 * loss), so a log of a long run never goes quiet for minutes.
 */
import { SingleBar } from "cli-progress";
import { Callback, type Logs } from "./callback.js";

/** Arguments of `progress`. */
export interface ProgressArgs {
  /** Draw a bar when the stream is a terminal. Default true. */
  readonly bar?: boolean;
  /** Where to write. Default `process.stdout`. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Without a bar: the least time between two lines within an epoch, in ms. Default 30,000. */
  readonly plainIntervalMs?: number;
}

const PLAIN_INTERVAL_MS = 30_000;

/** The callback `progress` builds. */
export class Progress extends Callback {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly useBar: boolean;
  private readonly plainIntervalMs: number;
  private bar: SingleBar | undefined;
  private epochStart = 0;
  private lastLine = 0;
  private epoch = 0;
  private lossSum = 0;
  private seen = 0;

  constructor(args: ProgressArgs = {}) {
    super();
    this.stream = args.stream ?? process.stdout;
    this.useBar = (args.bar ?? true) && this.stream.isTTY === true;
    this.plainIntervalMs = args.plainIntervalMs ?? PLAIN_INTERVAL_MS;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.epochStart = performance.now();
    this.lastLine = this.epochStart;
    this.lossSum = 0;
    this.seen = 0;
    if (!this.useBar) return;
    const { epochs, stepsPerEpoch } = this.context.params;
    this.bar = new SingleBar({
      format: `Epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} | ETA {eta_formatted} | {logs}`,
      stream: this.stream,
      hideCursor: false,
      barsize: 24,
      barCompleteChar: "\u2588",
      barIncompleteChar: "\u2591",
      etaBuffer: 20,
    });
    this.bar.start(stepsPerEpoch, 0, { logs: "" });
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    const size = logs["size"] ?? 1;
    this.lossSum += (logs["loss"] ?? Number.NaN) * size;
    this.seen += size;
    const running = `loss: ${formatLogValue(this.lossSum / this.seen)}`;
    if (this.bar !== undefined) {
      this.bar.update(batch + 1, { logs: running });
      return;
    }
    const now = performance.now();
    const { epochs, stepsPerEpoch } = this.context.params;
    if (now - this.lastLine < this.plainIntervalMs || batch + 1 >= stepsPerEpoch) return;
    this.lastLine = now;
    const seconds = ((now - this.epochStart) / 1000).toFixed(1);
    this.stream.write(
      `Epoch ${this.epoch + 1}/${epochs} - step ${batch + 1}/${stepsPerEpoch} - ${seconds}s - ${running}\n`,
    );
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const seconds = ((performance.now() - this.epochStart) / 1000).toFixed(1);
    if (this.bar !== undefined) {
      this.bar.update(this.context.params.stepsPerEpoch, { logs: `${seconds}s | ${formatLogs(logs)}` });
      this.bar.stop();
      this.bar = undefined;
      return;
    }
    this.stream.write(`Epoch ${epoch + 1}/${this.context.params.epochs} - ${seconds}s - ${formatLogs(logs)}\n`);
  }

  override async onTrainEnd(): Promise<void> {
    this.bar?.stop();
    this.bar = undefined;
    const reason = this.context.stopReason;
    if (reason !== undefined) this.stream.write(`${reason}\n`);
  }
}

/** `loss: 0.1234 - accuracy: 0.9500 - lr: 1.00e-3`, in the order logged. */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, value]) => `${name}: ${formatLogValue(value)}`)
    .join(" - ");
}

/** Four decimals for ordinary magnitudes, scientific notation for tiny or huge ones. */
export function formatLogValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e5) ? value.toFixed(4) : value.toExponential(2);
}

/** Shows training progress: a bar on terminals, one line per epoch elsewhere (`progress`). */
export function progress(args: ProgressArgs = {}): Progress {
  return new Progress(args);
}
