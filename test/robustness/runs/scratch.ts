/**
 * What the run-robustness tests share: a scratch folder inside the repository (so that
 * `dlm/runtime` and TensorFlow.js resolve from generated programs), and `dlm` run as a
 * user runs it, to completion or in the background.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll } from "vitest";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
const DLM = join(ROOT, "bin", "dlm.js");

/** A stack trace line, which no user-facing error may contain. */
export const STACK_TRACE = /\n\s+at /;

/** A fresh folder under `.test-runs/`, deleted after the test file. */
export function makeScratch(prefix: string): string {
  const parent = join(ROOT, ".test-runs");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What a finished `dlm` command left. */
export interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ENV = { ...process.env, NO_COLOR: "1" };

/** Runs `dlm ARGS` in `cwd` to completion (killed after `timeoutMs`). */
export function runDlm(cwd: string, args: readonly string[], timeoutMs = 120_000): Finished {
  const result = spawnSync(process.execPath, [DLM, ...args], { cwd, encoding: "utf8", env: ENV, timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A `dlm` command running in the background. */
export interface Running {
  readonly child: ChildProcess;
  /** Resolves once stdout has a line matching `pattern`. */
  readonly waitForLine: (pattern: RegExp) => Promise<void>;
  readonly finished: Promise<Finished>;
}

/**
 * Starts `dlm ARGS` in `cwd`. With `ownProcessGroup`, `dlm` and the program it starts form
 * a process group of their own, which `process.kill(-pid, signal)` signals as a terminal's
 * Ctrl-C does.
 */
export function startDlm(cwd: string, args: readonly string[], options: { ownProcessGroup?: boolean } = {}): Running {
  const child = spawn(process.execPath, [DLM, ...args], {
    cwd,
    env: ENV,
    detached: options.ownProcessGroup ?? false,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(stdout)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
  const waitForLine = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const multiline = new RegExp(pattern.source, pattern.flags.includes("m") ? pattern.flags : `${pattern.flags}m`);
      if (multiline.test(stdout)) return resolve();
      waiters.push({ pattern: multiline, resolve });
      void finished.then((result) =>
        reject(new Error(`dlm ended before printing ${pattern}:\n${result.stdout}\n${result.stderr}`)),
      );
    });
  return { child, waitForLine, finished };
}
