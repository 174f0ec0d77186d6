/**
 * Runs samples as a user does, `dlm run samples/X.dlm [flags]`, in a scratch folder inside
 * the repository (so `dlm/runtime` and TensorFlow.js resolve from the compiled programs),
 * and reads back the run directory's metrics.json.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

/** metrics.json as the runtime writes it. */
export interface RunMetrics {
  experiment: string;
  backend: string;
  epochsRun: number;
  trainSamplesPerSecond: number;
  evaluation?: { split: string; metrics: Record<string, number>; confusionMatrix?: number[][] };
}

/** The outcome of one `dlm run`. */
export interface SampleRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A scratch folder for sample runs; `dispose` deletes it. */
export class SampleScratch {
  readonly folder: string;

  constructor(prefix: string) {
    const parent = join(ROOT, ".test-runs");
    mkdirSync(parent, { recursive: true });
    this.folder = mkdtempSync(join(parent, prefix));
  }

  /** Copies `samples/<sample>` here and runs it on wasm with `flags`, run directories under `runs/`. */
  run(sample: string, flags: readonly string[], timeoutMs = 240_000): SampleRun {
    cpSync(join(ROOT, "samples", sample), join(this.folder, sample));
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "dlm.js"), "run", sample, "--backend", "wasm", "--out", "runs", ...flags],
      { cwd: this.folder, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: timeoutMs },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  metrics(experiment: string): RunMetrics {
    return JSON.parse(readFileSync(join(this.folder, "runs", experiment, "metrics.json"), "utf8")) as RunMetrics;
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
