/**
 * The monitored quantity of early stopping, checkpoints and learning-rate reduction:
 * which direction is better and what counts as an improvement (Keras's `monitor_op`).
 */
import { isHigherBetter } from "../metrics/index.js";
import type { Logs, MonitorMode } from "./callback.js";

/** A logged name watched for improvement. */
export interface Monitor {
  readonly name: string;
  readonly higherIsBetter: boolean;
  /** Smallest change that counts as an improvement (≥ 0). */
  readonly minDelta: number;
}

/** Resolves `mode: auto` from the metric registry: max for accuracy-like names, min for losses and errors. */
export function createMonitor(name: string, mode: MonitorMode = "auto", minDelta = 0): Monitor {
  const higherIsBetter = mode === "auto" ? isHigherBetter(name) : mode === "max";
  return { name, higherIsBetter, minDelta: Math.abs(minDelta) };
}

/** The starting "best" value, which any finite value improves on. */
export function worstValue(monitor: Monitor): number {
  return monitor.higherIsBetter ? -Infinity : Infinity;
}

/** Whether `current` beats `best` by more than `minDelta` (NaN never does). */
export function isImprovement(monitor: Monitor, current: number, best: number): boolean {
  return monitor.higherIsBetter ? current - monitor.minDelta > best : current + monitor.minDelta < best;
}

/** The monitored value in an epoch's logs, or undefined when it was not logged. */
export function readMonitored(monitor: Monitor, logs: Logs): number | undefined {
  return Object.hasOwn(logs, monitor.name) ? logs[monitor.name] : undefined;
}

/** The warning printed (once) when the monitored name is missing from the logs. */
export function missingMonitorMessage(callback: string, monitor: Monitor, logs: Logs): string {
  return `${callback}: "${monitor.name}" is not in the epoch logs (available: ${Object.keys(logs).join(", ")}); skipping`;
}
