/**
 * A process killed with SIGKILL while it writes the run checkpoint leaves the previous
 * checkpoint whole: a child saves checkpoints in a loop with the runtime's own code and is
 * killed at random moments, many times; after each kill the checkpoint (or the
 * `.previous` an interrupted save left) loads, and its weights, epoch and history all come
 * from the same save. Then the one window random kills rarely hit, between the two renames
 * of a save, is forced by making the rename fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsPromises, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadRunCheckpoint, saveRunCheckpoint, type ResumePoint } from "../../../runtime/run-stages.js";
import { makeScratch } from "./scratch.js";

const SAVER = join(import.meta.dirname, "fixtures", "save-checkpoints-forever.ts");
const KILLS = 6;
/** Children loading TensorFlow.js (seconds) while the one before them saves and is killed. */
const SPARES = 2;

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

/** A saver child: its output so far and when it exits. */
interface Saver {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly output: string;
  /** Resolves when the child has announced its `count`-th save. */
  savingStarted(count: number): Promise<void>;
}

function startSaver(checkpointDir: string): Saver {
  const child = spawn(process.execPath, ["--import", "tsx", SAVER, checkpointDir], {
    cwd: join(import.meta.dirname, "..", "..", ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  /** Conditions on the output waited for, each with the promise it settles. */
  const waiting: { met: () => boolean; resolve: () => void }[] = [];
  const waitUntil = (met: () => boolean) =>
    new Promise<void>((resolve) => {
      if (met()) resolve();
      else waiting.push({ met, resolve });
    });
  let output = "";
  const saver: Saver = {
    child,
    get output() {
      return output;
    },
    ready: waitUntil(() => output.includes("ready\n")),
    exited: new Promise((resolve) => child.on("exit", () => resolve())),
    savingStarted: (count) => waitUntil(() => (output.match(/^saving /gm)?.length ?? 0) >= count),
  };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    output += text;
    for (const waiter of [...waiting]) {
      if (!waiter.met()) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return saver;
}

/** The numbers a checkpoint may hold after a kill: the last save finished, or the one in flight. */
function acceptableNumbers(output: string, before: number): number[] {
  const saved = [...output.matchAll(/^saved (\d+)$/gm)].map((match) => Number(match[1]));
  const saving = [...output.matchAll(/^saving (\d+)$/gm)].map((match) => Number(match[1]));
  const lastSaved = saved.at(-1) ?? before;
  const inFlight = saving.at(-1) !== undefined && saving.at(-1) !== saved.at(-1) ? [saving.at(-1)!] : [];
  return [lastSaved, ...inFlight];
}

/** Every weight of the model equals `number` (each save fills them with its own number). */
function weightsAllEqual(point: ResumePoint, number: number): boolean {
  return point.model.getWeights().every((weight) => {
    const values = weight.dataSync();
    return values.every((value) => value === number);
  });
}

function disposePoint(point: ResumePoint): void {
  point.model.dispose();
  point.optimizer.dispose();
}

describe("SIGKILL during a checkpoint save", () => {
  const scratch = makeScratch("kill-during-save");
  const checkpointDir = join(scratch, "run", "checkpoint");
  const spares: Saver[] = [];
  afterAll(() => {
    for (const spare of spares) spare.child.kill("SIGKILL");
  });

  it(`leaves a whole, consistent checkpoint after each of ${KILLS} kills at random moments`, async () => {
    for (let spare = 0; spare < SPARES; spare++) spares.push(startSaver(checkpointDir));
    let held = 0;
    let killedMidSave = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const saver = spares.shift()!;
      if (kill + spares.length + 1 < KILLS) spares.push(startSaver(checkpointDir));
      await saver.ready;
      const first = (kill + 1) * 1000;
      saver.child.stdin!.write(`go ${first}\n`);
      // At least one save of this child completes before the kill (the second starts after it).
      await saver.savingStarted(2 + Math.floor(Math.random() * 3));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
      saver.child.kill("SIGKILL");
      await saver.exited;
      if (/^saving \d+\n$/.test(saver.output.split(/(?<=\n)/).at(-1) ?? "")) killedMidSave++;

      const point = await loadRunCheckpoint(checkpointDir);
      expect(point, `kill ${kill + 1}: no checkpoint loads`).toBeDefined();
      const number = point!.epoch;
      expect(acceptableNumbers(saver.output, held), `kill ${kill + 1}`).toContain(number);
      expect(point!.history.epochs).toHaveLength(number);
      expect(point!.history.logs["loss"]).toHaveLength(number);
      expect(weightsAllEqual(point!, number), `kill ${kill + 1}: weights of another save`).toBe(true);
      expect(point!.optimizerRestored).toBe(true);
      expect(point!.stage).toBe("train");
      disposePoint(point!);
      held = number;
    }
    // The loop above proves little unless some kills landed inside a save.
    expect(killedMidSave).toBeGreaterThan(0);
  });
});

describe("a save that dies between its renames", () => {
  let dir: string;
  let model: tf.LayersModel;
  let optimizer: tf.Optimizer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dlm-renames-"));
    model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    optimizer = tf.train.adam(0.01);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => {
    model.dispose();
    optimizer.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const history = (epochs: number) => ({ epochs: Array.from({ length: epochs }, (_, epoch) => epoch), logs: {} });

  /** Saves epoch `epoch`, with the rename of the new checkpoint into place failing as a kill there would leave it. */
  async function saveDyingBeforeThePublish(checkpoint: string, epoch: number): Promise<void> {
    const rename = fsPromises.rename.bind(fsPromises);
    vi.spyOn(fsPromises, "rename").mockImplementation(async (from, to) => {
      if (String(from).includes(".tmp-")) throw new Error("killed");
      return rename(from, to);
    });
    await expect(saveRunCheckpoint(checkpoint, { model, optimizer, stage: "train", nextEpoch: epoch, history: history(epoch) })).rejects.toThrow("killed");
    vi.restoreAllMocks();
  }

  it("keeps the old checkpoint at `.previous`, where loading finds it", async () => {
    const checkpoint = join(dir, "a", "checkpoint");
    await saveRunCheckpoint(checkpoint, { model, optimizer, stage: "train", nextEpoch: 1, history: history(1) });
    await saveDyingBeforeThePublish(checkpoint, 2);
    expect(existsSync(checkpoint)).toBe(false);
    const point = await loadRunCheckpoint(checkpoint);
    expect(point?.epoch).toBe(1);
    disposePoint(point!);
  });

  it("a second save dying the same way still leaves that checkpoint (it is moved back, not deleted)", async () => {
    const checkpoint = join(dir, "b", "checkpoint");
    await saveRunCheckpoint(checkpoint, { model, optimizer, stage: "train", nextEpoch: 1, history: history(1) });
    await saveDyingBeforeThePublish(checkpoint, 2);
    await saveDyingBeforeThePublish(checkpoint, 3);
    const point = await loadRunCheckpoint(checkpoint);
    expect(point?.epoch).toBe(1);
    disposePoint(point!);
  });

  it("the next save that completes replaces it and clears `.previous`", async () => {
    const checkpoint = join(dir, "c", "checkpoint");
    await saveRunCheckpoint(checkpoint, { model, optimizer, stage: "train", nextEpoch: 1, history: history(1) });
    await saveDyingBeforeThePublish(checkpoint, 2);
    await saveRunCheckpoint(checkpoint, { model, optimizer, stage: "fine_tune", nextEpoch: 4, history: history(4) });
    expect(readdirSync(join(dir, "c")).filter((name) => !name.includes(".tmp-"))).toEqual(["checkpoint"]);
    const point = await loadRunCheckpoint(checkpoint);
    expect(point).toMatchObject({ epoch: 4, stage: "fine_tune" });
    disposePoint(point!);
  });
});
