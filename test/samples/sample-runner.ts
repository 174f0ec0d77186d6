/**
 * Runs samples as a user does, `dlm run samples/X.dlm [flags]`, in a scratch folder of the
 * run-robustness helpers (inside the repository, so `dlm/runtime` and TensorFlow.js resolve
 * from the compiled programs; deleted after the test file), and reads back metrics.json.
 */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeScratch, ROOT, runDlm, type Finished } from "../robustness/runs/scratch.js";

export { ROOT };

/** metrics.json as the runtime writes it. */
export interface RunMetrics {
  experiment: string;
  backend: string;
  epochsRun: number;
  trainSamplesPerSecond: number;
  evaluation?: { split: string; metrics: Record<string, number>; confusionMatrix?: number[][] };
}

/** A scratch folder where samples run on wasm, their run directories under `runs/`. */
export class SampleScratch {
  readonly folder: string;

  constructor(prefix: string) {
    this.folder = makeScratch(prefix);
  }

  /** Copies `samples/<sample>` here and runs it with `flags`. */
  run(sample: string, flags: readonly string[], timeoutMs = 240_000): Finished {
    cpSync(join(ROOT, "samples", sample), join(this.folder, sample));
    return runDlm(this.folder, ["run", sample, "--backend", "wasm", "--out", "runs", ...flags], timeoutMs);
  }

  metrics(experiment: string): RunMetrics {
    return JSON.parse(readFileSync(join(this.folder, "runs", experiment, "metrics.json"), "utf8")) as RunMetrics;
  }
}
