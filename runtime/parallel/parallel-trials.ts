/**
 * A search's trials trained several at once (`tune { parallel: K }`): the main thread trains
 * trials itself and K-1 trial workers train the others, each one trial at a time on the data
 * shared once. The main thread builds every trial's seeded model, exactly as one trial at a
 * time would, and hands a worker its topology and initial weights. Trials are taken in trial
 * order and their outcomes kept in trial order, so the search's table is the one sequential
 * trials give.
 */
import type * as tf from "@tensorflow/tfjs";
import { activeBackendName } from "../backend.js";
import { augmentationOf } from "../data/augment.js";
import type { ExperimentDefinition, Hyperparameters } from "../experiment.js";
import type { PreparedData } from "../prepared-data.js";
import type { Say } from "../run-stages.js";
import { buildSeededModel } from "../seeded-model.js";
import {
  describeTrial,
  TrialFailure,
  trainTrial,
  trainTrialHere,
  type TrialOutcome,
  type TrialSpec,
} from "../tune-trial.js";
import { firstLine } from "../first-line.js";
import { shareData, unshareableSplit } from "./shared-data.js";
import { inferenceBatchNormPaths } from "../unfreeze.js";
import { TrialPool, TrialPoolStartError } from "./trial-pool.js";
import type { TrialModel, TrialTask, WeightValues } from "./trial-worker.js";

/** A search to train several trials at a time. */
export interface ParallelSearch {
  readonly definition: ExperimentDefinition;
  readonly data: PreparedData;
  /** The search's points, in trial order. */
  readonly points: readonly Hyperparameters[];
  /** The index of the first point to train here (those before it were trained already). */
  readonly from: number;
  /** Trials at once, the main thread's included (≥ 2). */
  readonly threads: number;
  readonly say: Say;
  /** Called as each trial finishes, in the order they finish. */
  readonly onTrained: (spec: TrialSpec, outcome: TrialOutcome) => void;
}

/**
 * Why this search's trials cannot train in workers, or undefined when they can: a worker
 * gets the data as shared arrays and rebuilds the augmentation from `augment { }`'s steps,
 * so an augmentation those steps do not make, or a tensor of another type, stays here.
 */
export function whyTrialsStayOnMainThread(definition: ExperimentDefinition, data: PreparedData): string | undefined {
  const rebuilt = augmentationOf(definition.data.augment ?? [], data.info) !== undefined;
  if (rebuilt !== (data.augment !== undefined)) return "the data's augmentation is not the one `augment { }` describes";
  return unshareableSplit(data);
}

/** What the lanes of one search share: the next trial to take, the outcomes, the first failure. */
interface Lanes {
  readonly search: ParallelSearch;
  next: number;
  readonly outcomes: TrialOutcome[];
  /** Trials a worker could not take (their model did not serialise or rebuild), with why. */
  readonly unsent: { readonly spec: TrialSpec; readonly reason: string }[];
  failure: Error | undefined;
  /** Aborted at the first failure: the main thread's trial stops at its next batch. */
  readonly stop: AbortController;
  /** Builds models one at a time (see {@link oneAtATime}). */
  readonly build: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Trains the points from `from` on, the main thread and the workers each taking the next
 * trial when free; their outcomes in trial order. Undefined, with the reason said, when the workers could not start:
 * the caller trains the trials itself. A trial that throws, or whose worker dies, fails the
 * search with a {@link TrialFailure} naming it, and every thread stops.
 */
export async function trainTrialsInParallel(search: ParallelSearch): Promise<TrialOutcome[] | undefined> {
  const { definition, data, say } = search;
  let pool: TrialPool;
  try {
    pool = await TrialPool.start(
      search.threads - 1,
      activeBackendName(),
      shareData(data, definition.data.augment ?? []),
    );
  } catch (error) {
    if (!(error instanceof TrialPoolStartError)) throw error;
    say(`dlm: trials run one at a time: ${error.message}`);
    return undefined;
  }
  const lanes: Lanes = {
    search,
    next: search.from,
    outcomes: [],
    unsent: [],
    failure: undefined,
    stop: new AbortController(),
    build: oneAtATime(),
  };
  const fail = (error: Error) => {
    // The first failure stops every thread; what the stop does to the other lanes is no news.
    if (lanes.failure !== undefined) return;
    lanes.failure = error;
    lanes.stop.abort();
    void pool.stop();
  };
  // The main thread's lane first, so it takes trial 1 and the workers trials 2 … K.
  const running = [
    trainOnMainThread(lanes),
    ...Array.from({ length: pool.size }, (_, thread) => trainInWorker(lanes, pool, thread)),
  ];
  await Promise.all(running.map((lane) => lane.catch(fail)));
  await pool.stop();
  if (lanes.failure !== undefined) throw lanes.failure;
  for (const { spec, reason } of lanes.unsent.sort((a, b) => a.spec.trial - b.spec.trial)) {
    say(`dlm: trial ${spec.trial} trains on the main thread: its model could not move to a worker (${reason})`);
    finish(lanes, spec, await trainTrialHere(definition, data, spec));
  }
  return lanes.outcomes.slice(search.from);
}

/** The index of the next trial to train, or undefined when none is left or the search failed. */
function claim(lanes: Lanes): number | undefined {
  if (lanes.failure !== undefined || lanes.next >= lanes.search.points.length) return undefined;
  return lanes.next++;
}

function finish(lanes: Lanes, spec: TrialSpec, outcome: TrialOutcome): void {
  lanes.outcomes[spec.trial - 1] = outcome;
  lanes.search.onTrained(spec, outcome);
}

/** The main thread's lane: builds and trains trials here, as one trial at a time would. */
async function trainOnMainThread(lanes: Lanes): Promise<void> {
  const { definition, data, points } = lanes.search;
  for (let index = claim(lanes); index !== undefined; index = claim(lanes)) {
    const spec = describeTrial(definition, data.info, index + 1, points[index]!);
    const model = await lanes.build(() => buildSeededModel(definition, data.info, spec.values));
    let outcome: TrialOutcome;
    try {
      outcome = await trainTrial(model, data, spec, lanes.stop.signal);
    } catch (error) {
      throw new TrialFailure(spec.trial, `failed: ${firstLine(error)}`);
    } finally {
      model.dispose();
    }
    if (lanes.failure !== undefined) return;
    finish(lanes, spec, outcome);
  }
}

/** One worker's lane: builds each trial's model here and sends it to worker `thread`. */
async function trainInWorker(lanes: Lanes, pool: TrialPool, thread: number): Promise<void> {
  const { definition, data, points } = lanes.search;
  for (let index = claim(lanes); index !== undefined; index = claim(lanes)) {
    const task = await lanes.build(() => describeTask(definition, data, index + 1, points[index]!));
    if (lanes.failure !== undefined) return;
    const run = "unsent" in task ? { kind: "unbuildable" as const, reason: task.unsent } : await pool.run(thread, task);
    if (lanes.failure !== undefined) return;
    if (run.kind === "unbuildable") lanes.unsent.push({ spec: task.spec, reason: run.reason });
    else finish(lanes, task.spec, run.outcome);
  }
}

/**
 * A trial's spec and its seeded model as a worker receives them, or, for a model that does not
 * serialise, the spec and why (`unsent`).
 */
async function describeTask(
  definition: ExperimentDefinition,
  data: PreparedData,
  trial: number,
  values: Hyperparameters,
): Promise<TrialTask | { readonly spec: TrialSpec; readonly unsent: string }> {
  const spec = describeTrial(definition, data.info, trial, values);
  const model = await buildSeededModel(definition, data.info, values);
  try {
    return { spec, model: describeModel(model) };
  } catch (error) {
    return { spec, unsent: firstLine(error) };
  } finally {
    model.dispose();
  }
}

/** The model's topology and initial weights, in `getWeights()` order. */
function describeModel(model: tf.LayersModel): TrialModel {
  const weights = model.getWeights().map((weight): WeightValues => ({
    values: weight.dataSync() as Float32Array | Int32Array,
    shape: weight.shape,
    dtype: weight.dtype === "int32" ? "int32" : "float32",
  }));
  return {
    topology: JSON.stringify(model.toJSON(undefined, false)),
    weights,
    inferenceBatchNorms: inferenceBatchNormPaths(model),
  };
}

/**
 * Runs the work given to it one piece after another: `buildSeededModel` seeds `Math.random`
 * while a model builds, so two builds may never interleave.
 */
function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const result = last.then(work);
    last = result.catch(() => undefined);
    return result;
  };
}
