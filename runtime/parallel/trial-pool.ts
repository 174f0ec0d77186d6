/**
 * The worker threads of a parallel search (runtime/parallel/trial-worker.ts), each training
 * one trial at a time on the search's data, shared with them once. A thread that throws or
 * dies fails its trial with a {@link TrialFailure} naming it; `stop` ends every thread, and a
 * trial still waiting on one then fails rather than waits.
 */
import { EventEmitter } from "node:events";
import type { Worker } from "node:worker_threads";
import type { ActiveBackendName } from "../backend.js";
import { firstLine } from "../first-line.js";
import { TrialFailure, type TrialOutcome } from "../tune-trial.js";
import type { SharedData } from "./shared-data.js";
import { startWorkerThread } from "./start-worker-thread.js";
import type { TrialReply, TrialTask, TrialWorkerData } from "./trial-worker.js";

/** The trial workers could not start (the search can still run one trial at a time). */
export class TrialPoolStartError extends Error {
  override readonly name = "TrialPoolStartError";
}

/** A trial a worker trained, or one whose model it could not rebuild. */
export type TrialRun =
  | { readonly kind: "trained"; readonly outcome: TrialOutcome }
  | { readonly kind: "unbuildable"; readonly reason: string };

/** Emits `"dispatch"` with `{ pool, thread, trial }` after a trial is sent, so tests can stop that thread as a crash would. */
export const trialPoolEvents = new EventEmitter();

/** A trial sent to a thread and not answered yet. */
interface Pending {
  readonly trial: number;
  readonly resolve: (run: TrialRun) => void;
  readonly reject: (error: Error) => void;
}

/** One trial worker and the trial it trains. */
class TrialThread {
  private pending: Pending | undefined;
  /** Why the thread no longer runs trials. */
  private stopped: string | undefined;

  constructor(readonly worker: Worker) {
    worker.on("message", (reply: TrialReply) => this.receive(reply));
    worker.on("error", (error) => this.stop(`failed in its worker: ${firstLine(error)}`));
    worker.on("exit", (code) => this.stop(`stopped: its worker's thread exited with code ${code}`));
  }

  /** Sends one trial; resolves with its run, rejects with a {@link TrialFailure}. */
  run(task: TrialTask): Promise<TrialRun> {
    const trial = task.spec.trial;
    if (this.stopped !== undefined) return Promise.reject(new TrialFailure(trial, this.stopped));
    if (this.pending !== undefined)
      throw new Error(`trial ${trial} sent to a worker still training trial ${this.pending.trial}`);
    return new Promise<TrialRun>((resolve, reject) => {
      this.pending = { trial, resolve, reject };
      this.worker.postMessage(task);
    });
  }

  /** Fails the trial in flight, if any, and refuses the next ones. */
  stop(why: string): void {
    this.stopped ??= why;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new TrialFailure(pending.trial, why));
  }

  private receive(reply: TrialReply): void {
    if (reply.kind === "ready") return;
    const pending = this.pending;
    if (pending === undefined || pending.trial !== reply.trial) return;
    this.pending = undefined;
    switch (reply.kind) {
      case "trained":
        return pending.resolve({ kind: "trained", outcome: reply.outcome });
      case "unbuildable":
        return pending.resolve({ kind: "unbuildable", reason: reply.reason });
      case "failed":
        return pending.reject(new TrialFailure(reply.trial, `failed in its worker: ${reply.reason}`));
    }
  }
}

/** The trial workers of a search, started once and stopped at its end. */
export class TrialPool {
  private constructor(private readonly threads: readonly TrialThread[]) {}

  /** Starts `count` trial workers on `data` and resolves once each is ready. */
  static async start(count: number, backend: ActiveBackendName, data: SharedData): Promise<TrialPool> {
    const setup: TrialWorkerData = { backend, data };
    const workers = Array.from({ length: count }, () => startWorkerThread("trial-worker", setup));
    const pool = new TrialPool(workers.map((worker) => new TrialThread(worker)));
    try {
      await Promise.all(workers.map(readiness));
    } catch (error) {
      await pool.stop();
      throw new TrialPoolStartError((error as Error).message);
    }
    return pool;
  }

  /** Threads in the pool. */
  get size(): number {
    return this.threads.length;
  }

  /** Trains `task` on thread `thread` (0 … size-1), which must be idle. */
  run(thread: number, task: TrialTask): Promise<TrialRun> {
    const worker = this.threads[thread];
    if (worker === undefined) throw new Error(`the pool has no thread ${thread}`);
    const run = worker.run(task);
    trialPoolEvents.emit("dispatch", { pool: this, thread, trial: task.spec.trial });
    return run;
  }

  /** Stops thread `thread` as a crash would: its trial fails. For tests. */
  async crashThread(thread: number): Promise<void> {
    await this.threads[thread]?.worker.terminate();
  }

  /** Ends every thread; a trial still in flight fails. */
  async stop(): Promise<void> {
    await Promise.all(
      this.threads.map(async (thread) => {
        thread.stop("stopped: the search ended before it finished");
        await thread.worker.terminate();
      }),
    );
  }
}

/** Resolves when `worker` says it is ready; rejects when it fails or exits first. */
function readiness(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = (reply: TrialReply) => {
      if (reply.kind === "ready") settle(() => resolve());
    };
    const failed = (error: Error) =>
      settle(() => reject(new Error(`a trial worker could not start: ${firstLine(error)}`)));
    const exited = (code: number) =>
      settle(() => reject(new Error(`a trial worker exited with code ${code} while starting`)));
    const settle = (finish: () => void) => {
      worker.off("message", ready).off("error", failed).off("exit", exited);
      finish();
    };
    worker.on("message", ready).on("error", failed).on("exit", exited);
  });
}
