/**
 * A big CSV through the CLI (issue 17): generates a CSV of about 200 MB (5.6 M rows of four
 * numbers written with four decimals, a colour and a class label) in a temporary folder, then
 * runs `node bin/dlm.js` on it as a user does, each command under GNU time, and records wall
 * time, peak resident set size (the whole process tree) and the exit status:
 *
 * - `dlm check` (goal ≤ 20 s, ≤ 1 GB),
 * - `dlm run --limit 1000 --epochs 1` (goal ≤ 30 s),
 * - with `--full`: `dlm run --epochs 1`, a full epoch over every row (goal ≤ 1.5 GB),
 *
 * and each again under `NODE_OPTIONS=--max-old-space-size=1024`, where the goal is no V8
 * abort (a clear error at worst). Run `npm run build` first: bin/dlm.js runs the bundle.
 *
 *   npx tsx bench/big-csv.ts [--json] [--rows N] [--full] [--no-heap-limit] [--keep]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/dlm.js", import.meta.url));
const COLORS = ["red", "green", "blue"] as const;
const HEAP_LIMIT = "--max-old-space-size=1024";

/** What one command cost. */
interface Measurement {
  readonly command: string;
  readonly heapLimit: string | null;
  readonly wallSeconds: number;
  /** User + system CPU seconds of the process tree: on a loaded machine, nearer the quiet-machine wall time. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly exitStatus: number | null;
  /** True when V8 or the process aborted (a native stack trace, SIGABRT) instead of ending by itself. */
  readonly aborted: boolean;
  /** The last lines of stderr (the CLI's message when it failed). */
  readonly stderrTail: string;
}

/** Writes `rows` rows to `path` with a fixed-seed generator; the label follows x1 so there is something to learn. */
function writeBigCsv(path: string, rows: number): void {
  let state = 20261206;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const fd = openSync(path, "w");
  try {
    writeSync(fd, "x1,x2,x3,x4,color,label\n");
    const block: string[] = [];
    for (let row = 0; row < rows; row++) {
      const x1 = random();
      const line = `${x1.toFixed(4)},${random().toFixed(4)},${random().toFixed(4)},${random().toFixed(4)},${COLORS[row % 3]},${Math.min(9, Math.floor(x1 * 10))}`;
      block.push(line);
      if (block.length === 100_000) {
        writeSync(fd, block.join("\n") + "\n");
        block.length = 0;
      }
    }
    if (block.length > 0) writeSync(fd, block.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
}

const EXPERIMENT = `experiment big {
  data {
    source: csv("big.csv", label: label)
    split { train: 0.8, validation: 0.1, test: 0.1 }
  }
  model { dense(32, activation: relu) dense(10, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 512 }
}
`;

/** Runs `node bin/dlm.js ARGS` in `dir` under GNU time. */
function measure(dir: string, args: readonly string[], heapLimit: string | null): Measurement {
  const timeFile = join(dir, "time.txt");
  const env = { ...process.env };
  if (heapLimit !== null) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} ${heapLimit}`.trim();
  const started = performance.now();
  const child = spawnSync("/usr/bin/time", ["-v", "-o", timeFile, process.execPath, CLI, ...args], {
    cwd: dir,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const report = readFileSync(timeFile, "utf8");
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(report)?.[1] ?? Number.NaN);
  const seconds = (label: string) =>
    Number(new RegExp(`${label} \\(seconds\\): ([\\d.]+)`).exec(report)?.[1] ?? Number.NaN);
  const stderr = child.stderr ?? "";
  return {
    command: `dlm ${args.join(" ")}`,
    heapLimit,
    wallSeconds: Number(wallSeconds.toFixed(1)),
    cpuSeconds: Number((seconds("User time") + seconds("System time")).toFixed(1)),
    peakRssMb: Math.round(peakKb / 1024),
    exitStatus: child.status,
    aborted:
      child.signal === "SIGABRT" ||
      /Command terminated by signal 6|FATAL ERROR|Native stack trace|Aborted \(core dumped\)/.test(report + stderr),
    stderrTail: stderr.trim().split("\n").slice(-3).join("\n"),
  };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function main(): void {
  const json = process.argv.includes("--json");
  const rows = Number(argument("rows") ?? 5_600_000);
  const dir = mkdtempSync(join(tmpdir(), "dlm-big-csv-"));
  try {
    const generated = performance.now();
    writeBigCsv(join(dir, "big.csv"), rows);
    writeFileSync(join(dir, "big.dlm"), EXPERIMENT);
    const sizeMb = Math.round(statSync(join(dir, "big.csv")).size / 1e6);
    const generateSeconds = Number(((performance.now() - generated) / 1000).toFixed(1));
    const scenarios: { readonly args: string[]; readonly goal: string }[] = [
      { args: ["check", "big.dlm"], goal: "≤ 20 s, ≤ 1 GB peak RSS" },
      { args: ["run", "big.dlm", "--limit", "1000", "--epochs", "1", "--out", "runs", "--force"], goal: "≤ 30 s" },
    ];
    if (process.argv.includes("--full")) {
      scenarios.push({
        args: ["run", "big.dlm", "--epochs", "1", "--out", "runs", "--force"],
        goal: "≤ 1.5 GB peak RSS",
      });
    }
    const heapLimits = process.argv.includes("--no-heap-limit") ? [null] : [null, HEAP_LIMIT];
    const results: (Measurement & { goal: string })[] = [];
    for (const scenario of scenarios) {
      for (const heapLimit of heapLimits) {
        const result = { ...measure(dir, scenario.args, heapLimit), goal: scenario.goal };
        results.push(result);
        if (!json) {
          console.log(
            `${result.command}${heapLimit === null ? "" : ` (${heapLimit})`}: ${result.wallSeconds} s wall, ${result.cpuSeconds} s CPU, ` +
              `${result.peakRssMb} MB peak RSS, exit ${result.exitStatus}${result.aborted ? ", ABORTED" : ""} (goal ${result.goal})` +
              (result.exitStatus === 0 ? "" : `\n  ${result.stderrTail.replace(/\n/g, "\n  ")}`),
          );
        }
      }
    }
    const summary = { rows, sizeMb, generateSeconds, dir: process.argv.includes("--keep") ? dir : undefined, results };
    if (json) console.log(JSON.stringify(summary));
    else console.log(`${rows} rows, ${sizeMb} MB, generated in ${generateSeconds} s`);
  } finally {
    if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  }
}

main();
