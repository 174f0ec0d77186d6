/**
 * Shared by the torch tests: the Python that has torch (DLM_PYTHON, else /usr/bin/python3),
 * or the reason the tests skip; and the TF.js model of a checked model.
 */
import { spawnSync } from "node:child_process";
import { vi } from "vitest";
import { main } from "../../src/cli.js";

/** The Python the torch tests run. */
export const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";

/** Why the torch tests cannot run here, or undefined when `PYTHON` imports torch. */
export const TORCH_MISSING: string | undefined = (() => {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.error !== undefined) return `${PYTHON} cannot be started (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch and numpy (${probe.stderr.trim().split("\n").pop() ?? ""})`;
  return undefined;
})();

if (TORCH_MISSING !== undefined) process.stderr.write(`torch tests skipped: ${TORCH_MISSING}\n`);

/** Runs a Python script with `PYTHON`; throws with its stderr when it fails. */
export function runPython(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): string {
  const result = spawnSync(PYTHON, args, {
    encoding: "utf8",
    cwd: options.cwd,
    env: { ...process.env, OMP_NUM_THREADS: "1", ...options.env },
    timeout: options.timeout ?? 120_000,
  });
  if (result.status !== 0) throw new Error(`python failed (${result.status ?? result.signal}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** Runs the CLI in this process with stdout and stderr captured and `env` set for the call. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Deterministic pseudo-random values in [lo, hi) (xorshift32). */
export function randomValues(count: number, seed: number, lo: number, hi: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < count; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[index] = lo + ((state >>> 0) / 4294967296) * (hi - lo);
  }
  return values;
}

export { buildTfjsModel } from "../../src/commands/build-tfjs-model.js";
