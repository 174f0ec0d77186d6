/**
 * The torch engine against the TF.js wasm engine on the same experiment: `dlm run FILE
 * --limit N --epochs 1` on each engine in turn, ROUNDS times, each run's training samples/s
 * read from its metrics.json (`trainSamplesPerSecond`), then the median, range and ratio.
 *
 *   npx tsx bench/torch-engine.ts [FILE=samples/mnist.dlm] [LIMIT=3200] [ROUNDS=3]
 *
 * The .dlm is copied to a temporary folder first, so its exports and checkpoints land there.
 * Python: DLM_PYTHON, else /usr/bin/python3 (where Debian installs torch).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const [file = "samples/mnist.dlm", limit = "3200", rounds = "3"] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "dlm-bench-torch-"));
const copy = join(dir, basename(file));
copyFileSync(file, copy);
const experiment = basename(file, ".dlm");

/** One run of one engine; its training samples/s. */
function samplesPerSecond(engine: "torch" | "wasm", round: number): number {
  const out = join(dir, `${engine}-${round}`);
  const engineFlags = engine === "torch" ? ["--engine", "torch"] : ["--backend", "wasm"];
  const result = spawnSync(process.execPath, ["bin/dlm.js", "run", copy, ...engineFlags, "--limit", limit, "--epochs", "1", "--out", out], {
    encoding: "utf8",
    // torch at one thread, as bench/torch-yardstick.py measures it; Debian puts torch in /usr/bin/python3
    env: { ...process.env, OMP_NUM_THREADS: process.env["OMP_NUM_THREADS"] ?? "1", DLM_PYTHON: process.env["DLM_PYTHON"] ?? "/usr/bin/python3" },
  });
  if (result.status !== 0) throw new Error(`${engine} run failed:\n${result.stderr}`);
  const metrics = JSON.parse(readFileSync(join(out, experiment, "metrics.json"), "utf8")) as { trainSamplesPerSecond: number };
  return metrics.trainSamplesPerSecond;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const measured: Record<"torch" | "wasm", number[]> = { torch: [], wasm: [] };
for (let round = 0; round < Number(rounds); round++) {
  // alternated, so both engines see the same machine load
  for (const engine of ["wasm", "torch"] as const) measured[engine].push(samplesPerSecond(engine, round));
}
for (const engine of ["wasm", "torch"] as const) {
  const values = measured[engine];
  console.log(`${engine}: median ${median(values).toFixed(0)} samples/s (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}), runs: ${values.map((v) => v.toFixed(0)).join(", ")}`);
}
const ratios = measured.torch.map((value, index) => value / measured.wasm[index]!);
console.log(`torch / wasm: median ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
