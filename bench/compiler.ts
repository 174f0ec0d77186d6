/**
 * Compiler and tools latency, against the goals of the "Performance" issue:
 *
 *   - `dlm check samples/mnist.dlm`, whole process from a cold start: ≤ 0.3 s;
 *   - `dlm compile samples/mnist.dlm`, whole process: ≤ 1.0 s;
 *   - `checkSource` of a generated 10,000-line file, in process: ≤ 150 ms;
 *   - language server, `didChange` → `publishDiagnostics` on 1,000 lines: ≤ 30 ms
 *     (bench/lsp.ts's measurement, its median of 10 rounds).
 *
 *   npm run bench:compiler [-- --json] [-- --runs N]
 *
 * The processes run `bin/dlm.js` as users do, so build first (`npm run build`). `compile`
 * is timed after one untimed run, with the code cache that run leaves in the temp folder
 * (bin/code-cache.js); its first run ever is reported beside it. Each figure gives the
 * median, min and max of its runs, wall-clock; CPU time (user + system) is printed too,
 * being less disturbed by other work on a shared machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../compiler/program.js";
import { generateSource, measureLanguageServer } from "./lsp.js";
import { median, timeCall, type Timing } from "./measure.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DLM = join(ROOT, "bin", "dlm.js");
const SAMPLE = join("samples", "mnist.dlm");

const GOALS = { checkColdSeconds: 0.3, compileColdSeconds: 1.0, check10kLinesMs: 150, lspChangeToDiagnosticsMs: 30 } as const;

/** Median, min and max of some runs. */
interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** One `node bin/dlm.js ARGS` process; returns its wall-clock seconds. */
function runDlm(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const before = performance.now();
  const child = spawnSync(process.execPath, [DLM, ...args], { cwd: ROOT, env, encoding: "utf8" });
  const wall = (performance.now() - before) / 1000;
  if (child.status !== 0) throw new Error(`dlm ${args.join(" ")} exited with ${child.status}: ${child.stderr}`);
  return wall;
}

/** Times `runs` processes of `dlm ARGS`: wall-clock and CPU seconds. */
function timeProcesses(args: readonly string[], runs: number, env?: NodeJS.ProcessEnv): { wall: Spread; cpu: Spread } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < runs; run++) {
    const before = childrenCpuSeconds();
    walls.push(runDlm(args, env));
    cpus.push(childrenCpuSeconds() - before);
  }
  return { wall: spread(walls), cpu: spread(cpus) };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) used so far by this process's finished children: fields 16
 * and 17 of /proc/self/stat (10 ms resolution). NaN where there is no /proc.
 */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / USER_HZ; // cutime, cstime (fields 16, 17)
  } catch {
    return Number.NaN;
  }
}

function timeInProcess(run: () => void, warmups: number, runs: number): { wall: Spread; cpu: Spread } {
  for (let round = 0; round < warmups; round++) run();
  const timings: Timing[] = [];
  for (let round = 0; round < runs; round++) timings.push(timeCall(run));
  return { wall: spread(timings.map((timing) => timing.wallMs)), cpu: spread(timings.map((timing) => timing.cpuMs)) };
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 10;
  if (!existsSync(join(ROOT, "dist", "bundle", "cli.js"))) {
    process.stderr.write("note: dist/bundle/cli.js is missing (run `npm run build`); timing the unbundled CLI\n");
  }

  const checkCold = timeProcesses(["check", SAMPLE], runs);

  const outDir = mkdtempSync(join(tmpdir(), "dlm-bench-compile-"));
  const compileArgs = ["compile", SAMPLE, "--out", outDir];
  const compileFirstEver = timeProcesses(compileArgs, 1, { ...process.env, DLM_NO_CODE_CACHE: "1" });
  runDlm(compileArgs); // leaves the code cache that the timed runs find
  const compileCold = timeProcesses(compileArgs, Math.max(3, Math.ceil(runs / 2)));
  rmSync(outDir, { recursive: true, force: true });

  const big = generateSource(10_000);
  const check10k = timeInProcess(() => void checkSource(big.text, "/bench/generated.dlm"), 3, runs);

  const lsp = await measureLanguageServer();

  const results = {
    checkColdSeconds: checkCold.wall,
    compileColdSeconds: compileCold.wall,
    check10kLinesMs: check10k.wall,
    lspChangeToDiagnosticsMs: spread(lsp.changeToDiagnostics.map((timing) => timing.wallMs)),
    cpu: {
      checkColdSeconds: checkCold.cpu,
      compileColdSeconds: compileCold.cpu,
      check10kLinesMs: check10k.cpu,
      lspChangeToDiagnosticsMs: spread(lsp.changeToDiagnostics.map((timing) => timing.cpuMs)),
    },
    compileFirstRunWithoutCodeCacheSeconds: compileFirstEver.wall.median,
    lines10k: big.lines,
    linesLsp: lsp.lines,
    runs,
    goals: GOALS,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const row = (label: string, wall: Spread, cpu: Spread, unit: string, goal: number): string =>
      `${label.padEnd(34)} median ${wall.median.toFixed(unit === "s" ? 3 : 1).padStart(7)} ${unit}` +
      `  (min ${wall.min.toFixed(unit === "s" ? 3 : 1)}, max ${wall.max.toFixed(unit === "s" ? 3 : 1)})` +
      `  cpu ${Number.isNaN(cpu.median) ? "n/a" : cpu.median.toFixed(unit === "s" ? 3 : 1)}` +
      `  goal ≤ ${goal} ${unit}: ${wall.median <= goal ? "met" : "not met"}`;
    process.stdout.write(
      [
        row("dlm check, cold process", results.checkColdSeconds, results.cpu.checkColdSeconds, "s", GOALS.checkColdSeconds),
        row("dlm compile, cold process", results.compileColdSeconds, results.cpu.compileColdSeconds, "s", GOALS.compileColdSeconds),
        `${"  first run, no code cache".padEnd(34)} ${results.compileFirstRunWithoutCodeCacheSeconds.toFixed(3)} s`,
        row(`checkSource, ${big.lines} lines`, results.check10kLinesMs, results.cpu.check10kLinesMs, "ms", GOALS.check10kLinesMs),
        row(`LSP change → diagnostics, ${lsp.lines} lines`, results.lspChangeToDiagnosticsMs, results.cpu.lspChangeToDiagnosticsMs, "ms", GOALS.lspChangeToDiagnosticsMs),
      ].join("\n") + "\n",
    );
  }
  process.exit(0);
}

await main();
