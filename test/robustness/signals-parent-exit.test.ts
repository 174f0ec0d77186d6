/**
 * SIGKILL cannot be caught or passed on: a `dlm` killed with it must not leave its program
 * training on as an orphan. The program notices that the `dlm` that started it is gone, stops
 * at the next batch boundary, saves its checkpoint and exits.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeScratch, startDlm } from "./runs/scratch.js";
import { blobsCsv, blobsExperiment } from "./signals-fixtures.js";

/** The processes whose parent is `pid` (Linux: from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether `pid` is still running (a zombie waiting for its new parent to reap it is not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe.runIf(existsSync("/proc/self/stat"))("`dlm` killed with SIGKILL", () => {
  const scratch = makeScratch("signals-parent-exit");
  writeFileSync(join(scratch, "blobs.csv"), blobsCsv());
  // Far more epochs than the test waits for: an orphan would train on for minutes.
  writeFileSync(join(scratch, "blobs.dlm"), blobsExperiment({ epochs: 200 }));
  const orphans: number[] = [];
  afterAll(() => {
    for (const pid of orphans) if (isRunning(pid)) process.kill(pid, "SIGKILL");
  });

  it("takes its program with it within a few seconds, checkpoint saved", async () => {
    const running = startDlm(scratch, ["run", "blobs.dlm", "--backend", "wasm", "--out", "runs"]);
    await running.waitForLine(/^Epoch 1\//);
    const programs = childrenOf(running.child.pid!);
    expect(programs).toHaveLength(1);
    const program = programs[0]!;
    orphans.push(program);

    running.child.kill("SIGKILL");
    expect(await waitUntil(() => !isRunning(program), 5000)).toBe(true);
    // The program's output still reaches the pipes `dlm` passed on to it.
    const { stderr } = await running.finished;
    expect(stderr).toMatch(/the `dlm` process that started this program exited: stopping after this batch/);
    expect(stderr).toMatch(/checkpoint saved in/);
    const saved = JSON.parse(readFileSync(join(scratch, "runs", "blobs", "checkpoint", "checkpoint.json"), "utf8")) as {
      epoch: number;
    };
    expect(saved.epoch).toBeGreaterThanOrEqual(1);
  });
});
