/** Timing what the benchmark scripts share: wall-clock and CPU time of a call, and the median of runs. */

/** Wall-clock and process CPU time of one run (or the medians of several), in milliseconds. */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** The median; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds of user + system CPU time in a `process.cpuUsage()` difference. */
export function cpuMilliseconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Times one synchronous call: wall-clock and this process's CPU time (others on a shared machine disturb it less). */
export function timeCall(run: () => void): Timing {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  run();
  const wallMs = performance.now() - wallBefore;
  return { wallMs, cpuMs: cpuMilliseconds(process.cpuUsage(cpuBefore)) };
}

/** Times one asynchronous call, as `timeCall` does. */
export async function timeAsyncCall(run: () => Promise<void> | void): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await run();
  const wallMs = performance.now() - wallBefore;
  return { wallMs, cpuMs: cpuMilliseconds(process.cpuUsage(cpuBefore)) };
}

/** The medians of `timings`' wall-clock and CPU times. */
export function medianTiming(timings: readonly Timing[]): Timing {
  return { wallMs: median(timings.map((timing) => timing.wallMs)), cpuMs: median(timings.map((timing) => timing.cpuMs)) };
}
