/**
 * Starts a generated torch program in N local processes with the standard `env://`
 * variables (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), as torchrun would,
 * without depending on torchrun (broken on Debian's Python 3.11). Rank 0's progress lines go
 * to a callback; when one process fails the others are stopped and the failure is named.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { promises as fs } from "node:fs";
import { availableParallelism, constants } from "node:os";

/** The Python of the torch engine: `DLM_PYTHON`, else `python3` on PATH. */
export function torchPython(): string {
  return process.env["DLM_PYTHON"] ?? "python3";
}

/** Why `python` cannot run the torch engine, in one line; undefined when it imports torch and numpy. */
export function torchUnavailable(python: string): string | undefined {
  const probe = spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.error !== undefined) {
    return `the torch engine needs Python with PyTorch, and \`${python}\` cannot be started; set DLM_PYTHON to a Python that has torch (pip install torch numpy)`;
  }
  if (probe.status !== 0) {
    return `the torch engine needs PyTorch: \`${python} -c "import torch, numpy"\` fails; install it (pip install torch numpy, or apt-get install python3-torch) or set DLM_PYTHON to a Python that has it`;
  }
  return undefined;
}

/**
 * A free TCP port on the loopback interface for MASTER_PORT, drawn below Linux's ephemeral
 * range (32768–60999): a port the kernel handed out could be handed again, between our check
 * and rank 0's bind, to another job's gloo connections — and a rank would then wait on them.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error("no free TCP port between 20000 and 32000 on 127.0.0.1 for the torch processes");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The loopback interface's name where it is known. */
const LOOPBACK_INTERFACE: string | undefined =
  process.platform === "linux" ? "lo" : process.platform === "darwin" ? "lo0" : undefined;

/** How the processes ended: 0 when every rank succeeded, else the failing rank, its code and the signal that killed it. */
export interface LaunchResult {
  readonly code: number;
  readonly failedRank?: number;
  readonly signal?: NodeJS.Signals;
}

/** Options of `launchTorchProcesses`. */
export interface LaunchOptions {
  /** Gets each progress record of rank 0. */
  readonly onProgress: (record: Record<string, unknown>) => void;
  /** Where to write `{"ranks": [{"rank", "pid"}]}` once every process has started (for tools that watch a run). */
  readonly pidFile?: string;
  /** How long the other ranks may take to exit after rank 0 finished before they are stopped. Default 60 s. */
  readonly finishGraceMs?: number;
}

/** How a failed rank ended, in words: `exited with code 3`, `was killed by SIGKILL`. */
export function describeRankExit(result: LaunchResult): string {
  return result.signal === undefined ? `exited with code ${result.code}` : `was killed by ${result.signal}`;
}

/**
 * The rank whose failure caused the others': among ranks that failed on their own (not
 * stopped by us), one killed by a signal from outside, else the first to exit. A rank killed
 * by `kill -9` makes the others fail in their next collective, sometimes as early as itself.
 */
function rootFailure(failures: readonly LaunchResult[]): LaunchResult | undefined {
  return failures.find((failure) => failure.signal !== undefined) ?? failures[0];
}

/** How long the other ranks may take to exit after rank 0 finished (they only leave the process group). */
const FINISH_GRACE_MS = 60_000;

/** Prefix of the progress lines the generated program prints on rank 0. */
export const PROGRESS_PREFIX = "dlm-progress ";

/**
 * Passes a process's output on, each line prefixed; lines that are progress records go to
 * `onProgress` instead (when given). Returns the last lines of its stderr, for messages.
 */
function forwardOutput(child: ChildProcess, prefix: string, onProgress: ((record: Record<string, unknown>) => void) | undefined): string[] {
  const lastErrors: string[] = [];
  let pending = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (onProgress !== undefined && line.startsWith(PROGRESS_PREFIX)) {
        try {
          onProgress(JSON.parse(line.slice(PROGRESS_PREFIX.length)) as Record<string, unknown>);
          continue;
        } catch {
          // not ours after all: printed as is
        }
      }
      process.stdout.write(`${prefix}${line}\n`);
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    process.stderr.write(prefix === "" ? chunk : chunk.replace(/^(?=.)/gm, prefix));
    lastErrors.push(...chunk.split("\n").filter((line) => line.trim() !== ""));
    lastErrors.splice(0, Math.max(0, lastErrors.length - 20));
  });
  return lastErrors;
}

/** How torchrun ended, with the last lines of its stderr. */
export interface TorchrunResult {
  readonly code: number;
  readonly signal?: NodeJS.Signals;
  readonly lastErrors: readonly string[];
}

/** Runs `python -m torch.distributed.run args…` (torchrun, from the same Python), passing progress records of its rank 0 on. */
export async function launchTorchrun(
  python: string,
  torchrunArgs: readonly string[],
  onProgress: (record: Record<string, unknown>) => void,
): Promise<TorchrunResult> {
  const child = spawn(python, ["-m", "torch.distributed.run", ...torchrunArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const lastErrors = forwardOutput(child, "", onProgress);
  return new Promise((resolve) => {
    child.once("error", (error) => resolve({ code: 127, lastErrors: [...lastErrors, error.message] }));
    child.once("exit", (code, signal) => resolve({ code: code ?? 1, ...(signal === null ? {} : { signal }), lastErrors }));
  });
}

/**
 * Runs `python program args…` as `nproc` ranks of one job on this machine. `onProgress` gets
 * each progress record of rank 0; other output is passed through (prefixed with the rank when
 * there are several).
 */
export async function launchTorchProcesses(
  python: string,
  program: string,
  args: readonly string[],
  nproc: number,
  options: LaunchOptions,
): Promise<LaunchResult> {
  const { onProgress } = options;
  const port = await freePort();
  // each process gets its share of the cores unless the user chose
  const threads = String(Math.max(1, Math.floor(availableParallelism() / nproc)));
  const children: ChildProcess[] = [];
  const failures: LaunchResult[] = [];
  let straggler: NodeJS.Timeout | undefined;
  const grace = options.finishGraceMs ?? FINISH_GRACE_MS;
  const stoppedByUs = new Set<ChildProcess>();
  const exits = Array.from({ length: nproc }, (_, rank) => {
    const child = spawn(python, [program, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: String(nproc),
        LOCAL_WORLD_SIZE: String(nproc),
        MASTER_ADDR: "127.0.0.1",
        MASTER_PORT: String(port),
        // every rank is on this machine: gloo's pairs connect over loopback, not the address the host name resolves to
        ...(LOOPBACK_INTERFACE !== undefined && process.env["GLOO_SOCKET_IFNAME"] === undefined
          ? { GLOO_SOCKET_IFNAME: LOOPBACK_INTERFACE }
          : {}),
        OMP_NUM_THREADS: process.env["OMP_NUM_THREADS"] ?? threads,
        PYTHONUNBUFFERED: "1",
      },
    });
    children.push(child);
    forwardOutput(child, nproc > 1 ? `[rank ${rank}] ` : "", rank === 0 ? onProgress : undefined);
    return new Promise<void>((resolve) => {
      child.once("error", (error) => {
        failures.push({ code: 127, failedRank: rank });
        process.stderr.write(`error: cannot start \`${python}\`: ${error.message}\n`);
        resolve();
      });
      child.once("exit", (code, signal) => {
        if (rank === 0 && code === 0) {
          // rank 0 has written everything: a rank that does not follow within the grace period is stuck, not working
          straggler = setTimeout(() => {
            for (const [other, alive] of children.entries()) {
              if (alive.exitCode !== null || alive.signalCode !== null) continue;
              process.stderr.write(`dlm: rank ${other} was still running ${grace / 1000} s after rank 0 finished: stopped\n`);
              stoppedByUs.add(alive);
              alive.kill("SIGTERM");
            }
          }, grace);
          straggler.unref();
        }
        if ((code !== 0 || signal !== null) && !stoppedByUs.has(child)) {
          failures.push({ code: code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)), failedRank: rank, ...(signal === null ? {} : { signal }) });
          // the others would wait for it in the next collective until their timeout
          for (const other of children) {
            if (other === child || other.exitCode !== null || other.signalCode !== null || stoppedByUs.has(other)) continue;
            stoppedByUs.add(other);
            other.kill("SIGTERM");
          }
        }
        resolve();
      });
    });
  });
  if (options.pidFile !== undefined) {
    const ranks = children.map((child, rank) => ({ rank, pid: child.pid ?? null }));
    await fs.writeFile(options.pidFile, JSON.stringify({ ranks }) + "\n");
  }
  await Promise.all(exits);
  clearTimeout(straggler);
  return rootFailure(failures) ?? { code: 0 };
}
