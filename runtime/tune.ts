/**
 * `tune { }`: trains one model per point of the search space on the training split,
 * scores it on the objective (a validation log such as `val_accuracy`), and returns the
 * trials and the best point. Points come from a grid or a seeded random draw, and every
 * trial's weights start from the same seeded initialisation, so a search is reproducible.
 * Trials train one at a time here, or several at once in trial workers (`parallel`,
 * runtime/parallel/parallel-trials.ts) with the same points, scores and table.
 */
import type { ExperimentDefinition, Hyperparameters, SearchSpace } from "./experiment.js";
import type { PreparedData } from "./prepared-data.js";
import { isHigherBetter } from "./metrics/index.js";
import { deriveSeed, mulberry32 } from "./data/random.js";
import type { Say } from "./run-stages.js";
import { activeBackendName } from "./backend.js";
import { formatSetting } from "./report/tables.js";
import { describeTrial, scoreTrial, trainTrialHere, type TrialOutcome, type TrialSpec } from "./tune-trial.js";
import { chooseParallelTrials } from "./parallel/trial-count.js";
import { trainTrialsInParallel, whyTrialsStayOnMainThread } from "./parallel/parallel-trials.js";

/** One finished trial. */
export interface TrialResult {
  /** 1-based trial number. */
  readonly trial: number;
  readonly values: Hyperparameters;
  /** The best objective value the trial reached. */
  readonly objectiveValue: number;
  readonly epochs: number;
}

/** The whole search. */
export interface TuningResult {
  readonly objective: string;
  readonly trials: readonly TrialResult[];
  readonly best: TrialResult;
}

/** Values a grid search tries for one space: every choice, or 3 points across a range. */
export function gridValues(space: SearchSpace): (number | string | boolean)[] {
  switch (space.kind) {
    case "choice":
      return [...space.values];
    case "range": {
      const points = [space.lo, (space.lo + space.hi) / 2, space.hi];
      return [...new Set(space.integer ? points.map(Math.round) : points)];
    }
    case "log_range":
      return [space.lo, Math.sqrt(space.lo * space.hi), space.hi];
  }
}

/** One random draw from a space. */
export function sampleValue(space: SearchSpace, random: () => number): number | string | boolean {
  switch (space.kind) {
    case "choice":
      return space.values[Math.floor(random() * space.values.length)] ?? space.values[0]!;
    case "range": {
      const value = space.lo + random() * (space.hi - space.lo);
      return space.integer ? Math.round(value) : value;
    }
    case "log_range":
      return Math.exp(Math.log(space.lo) + random() * (Math.log(space.hi) - Math.log(space.lo)));
  }
}

/** The points a search visits, in order: at most `trials`. */
export function searchPoints(
  space: Readonly<Record<string, SearchSpace>>,
  strategy: "grid" | "random",
  trials: number,
  seed: number,
): Hyperparameters[] {
  const names = Object.keys(space).sort();
  if (strategy === "random") {
    const random = mulberry32(deriveSeed(seed, 7919));
    return Array.from({ length: trials }, () =>
      Object.fromEntries(names.map((name) => [name, sampleValue(space[name]!, random)])),
    );
  }
  let points: Record<string, number | string | boolean>[] = [{}];
  for (const name of names) {
    const values = gridValues(space[name]!);
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points.slice(0, trials);
}

/** How `auto` decides (tests shorten the wait). */
export interface TuningOptions {
  /** `auto` trains the other trials in workers when trial 1 took at least this long; default {@link AUTO_PARALLEL_MIN_TRIAL_SECONDS}. */
  readonly autoMinTrialSeconds?: number;
}

/** Runs every trial and returns the search's table and its best point. */
export async function runTuning(
  definition: ExperimentDefinition,
  data: PreparedData,
  say: Say,
  options: TuningOptions = {},
): Promise<TuningResult> {
  const minTrialSeconds = options.autoMinTrialSeconds ?? AUTO_PARALLEL_MIN_TRIAL_SECONDS;
  const tune = definition.tune;
  if (tune === undefined) throw new Error("runTuning needs a `tune` section");
  const points = searchPoints(tune.space, tune.strategy, tune.trials, definition.seed);
  const resultOf = (trial: number, outcome: TrialOutcome): TrialResult => ({
    trial,
    values: points[trial - 1]!,
    objectiveValue: scoreTrial(outcome, tune.objective),
    epochs: outcome.epochs,
  });
  // Trials in parallel finish in any order: each says so as it finishes, the table keeps trial order.
  const onTrained = (spec: TrialSpec, outcome: TrialOutcome) =>
    say(formatTrialLine(resultOf(spec.trial, outcome), points.length, tune.objective));
  const threads = parallelThreads(definition, data, points.length, minTrialSeconds, say);
  const outcomes =
    threads > 1 && tune.parallel === "auto"
      ? await trainAfterFirstTrial(definition, data, points, threads, minTrialSeconds, say, onTrained)
      : await trainRest(definition, data, points, threads, 0, say, onTrained);
  const trials = outcomes.map((outcome, index) => resultOf(index + 1, outcome));
  const higherIsBetter = isHigherBetter(tune.objective);
  const ranked = trials.filter((trial) => Number.isFinite(trial.objectiveValue));
  if (ranked.length === 0) throw new Error(`tuning: no trial produced a value for \`${tune.objective}\``);
  const best = ranked.reduce((a, b) =>
    (higherIsBetter ? b.objectiveValue > a.objectiveValue : b.objectiveValue < a.objectiveValue) ? b : a,
  );
  const result: TuningResult = { objective: tune.objective, trials, best };
  for (const line of formatTrialTable(result)) say(line);
  return result;
}

/**
 * How many trials train at once (`tune { parallel }`), said when more than one, or when more
 * were asked for than the search can use.
 */
function parallelThreads(
  definition: ExperimentDefinition,
  data: PreparedData,
  trials: number,
  minTrialSeconds: number,
  say: Say,
): number {
  const setting = definition.tune?.parallel;
  const choice = chooseParallelTrials(setting, trials, activeBackendName());
  const asked = typeof setting === "number" && setting > 1;
  if (choice.trials <= 1) {
    if (asked) say(`dlm: trials run one at a time (${choice.reason})`);
    return 1;
  }
  const blocker = whyTrialsStayOnMainThread(definition, data);
  if (blocker !== undefined) {
    say(`dlm: trials run one at a time: ${blocker}`);
    return 1;
  }
  say(
    setting === "auto"
      ? `dlm: trial 1 first, then ${choice.trials} trials at a time if it takes ${minTrialSeconds} s or more (${choice.reason})`
      : `dlm: ${choice.trials} trials at a time (${choice.reason})`,
  );
  return choice.trials;
}

/**
 * A trial worker costs about 1 s to start and as much again before its JavaScript runs at
 * speed (measured on the 2-core machine): `auto` trains trial 1 on the main thread and starts
 * workers for the rest only when that trial took at least this long.
 */
export const AUTO_PARALLEL_MIN_TRIAL_SECONDS = 5;

/**
 * `auto`'s way: trains trial 1 here and times it, then the others in `threads` threads when
 * it took `minTrialSeconds` or more (enough to repay starting the workers), else one at a time.
 */
async function trainAfterFirstTrial(
  definition: ExperimentDefinition,
  data: PreparedData,
  points: readonly Hyperparameters[],
  threads: number,
  minTrialSeconds: number,
  say: Say,
  onTrained: (spec: TrialSpec, outcome: TrialOutcome) => void,
): Promise<TrialOutcome[]> {
  const started = performance.now();
  const first = await trainTrialsInTurn(definition, data, points, onTrained, 0, 1);
  const seconds = (performance.now() - started) / 1000;
  if (seconds < minTrialSeconds) {
    say(
      `dlm: the other trials run one at a time (auto: trial 1 took ${seconds.toFixed(1)} s, ` +
        `under the ${minTrialSeconds} s that repay starting a trial worker)`,
    );
  }
  const parallel = seconds >= minTrialSeconds && points.length > 2;
  return [...first, ...(await trainRest(definition, data, points, parallel ? threads : 1, 1, say, onTrained))];
}

/** Trains the points from index `from` on: in trial workers when `threads` > 1 and they start, else here; outcomes in trial order. */
async function trainRest(
  definition: ExperimentDefinition,
  data: PreparedData,
  points: readonly Hyperparameters[],
  threads: number,
  from: number,
  say: Say,
  onTrained: (spec: TrialSpec, outcome: TrialOutcome) => void,
): Promise<TrialOutcome[]> {
  if (from >= points.length) return [];
  const inParallel =
    threads > 1 ? await trainTrialsInParallel({ definition, data, points, from, threads, say, onTrained }) : undefined;
  return inParallel ?? (await trainTrialsInTurn(definition, data, points, onTrained, from, points.length));
}

/** Trains the points at indices `from` … `to` − 1 one after another on this thread; outcomes in trial order. */
async function trainTrialsInTurn(
  definition: ExperimentDefinition,
  data: PreparedData,
  points: readonly Hyperparameters[],
  onTrained: (spec: TrialSpec, outcome: TrialOutcome) => void,
  from: number,
  to: number,
): Promise<TrialOutcome[]> {
  const outcomes: TrialOutcome[] = [];
  for (let index = from; index < to; index++) {
    const spec = describeTrial(definition, data.info, index + 1, points[index]!);
    const outcome = await trainTrialHere(definition, data, spec);
    outcomes.push(outcome);
    onTrained(spec, outcome);
  }
  return outcomes;
}

/** `dlm: trial 2/6: dense.units=16, … → val_accuracy 0.9667 (40 epochs)`. */
function formatTrialLine(result: TrialResult, total: number, objective: string): string {
  const values = Object.entries(result.values)
    .map(([name, value]) => `${name}=${formatSetting(value)}`)
    .join(", ");
  return `dlm: trial ${result.trial}/${total}: ${values} → ${objective} ${result.objectiveValue.toFixed(4)} (${result.epochs} epochs)`;
}

/**
 * The search as a table for the terminal: one row per trial with its values, the
 * objective and the epochs trained, the best marked with `*`.
 */
export function formatTrialTable(result: TuningResult): string[] {
  const names = [...new Set(result.trials.flatMap((trial) => Object.keys(trial.values)))];
  const header = ["trial", ...names, result.objective, "epochs"];
  const rows = result.trials.map((trial) => [
    `${trial.trial}${trial === result.best ? "*" : " "}`,
    ...names.map((name) => formatSetting(trial.values[name])),
    Number.isFinite(trial.objectiveValue) ? trial.objectiveValue.toFixed(4) : "–",
    String(trial.epochs),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, column) => cell.padStart(widths[column]!)).join("  ")}`;
  return [`dlm: search done, best trial marked *`, line(header), ...rows.map(line)];
}

/**
 * Where a searched setting sits in the stage specs: its hyperparameter name and the path to
 * the value it replaces (`["train", "optimizer", "learningRate"]`,
 * `["train", "callbacks", 0, "patience"]`). The compiler writes the first point's value
 * there, so every step of the path exists and the value has the searched value's type.
 */
export interface SearchSite {
  readonly name: string;
  readonly path: readonly [StageField, ...(string | number)[]];
}

/** The stage specs a search rewrites. */
type StageField = "train" | "fineTune";

/** A search value that cannot be applied: the program and the plan it came from disagree. */
export class SearchSiteError extends Error {
  constructor(site: SearchSite, problem: string) {
    super(`cannot apply search value \`${site.name}\` at ${site.path.join(".")}: ${problem}`);
    this.name = "SearchSiteError";
  }
}

/**
 * Returns copies of the stage specs with each searched setting replaced by the trial's
 * value (generated programs use it as `withHyperparameters`). Every step of a site's path
 * must exist and the value it replaces must have the same type (a number stays a number):
 * a site that does not match the specs throws {@link SearchSiteError} instead of writing the
 * value somewhere no trial reads it.
 */
export function applySearchValues(
  parts: Pick<ExperimentDefinition, "train" | "fineTune">,
  hyperparameters: Hyperparameters,
  sites: readonly SearchSite[],
): Pick<ExperimentDefinition, "train" | "fineTune"> {
  const copy = structuredClone(parts);
  for (const site of sites) {
    const value = hyperparameters[site.name];
    if (value === undefined) continue;
    const [stage, ...rest] = site.path;
    const last = rest.pop();
    if (last === undefined) throw new SearchSiteError(site, "the path names no setting");
    let target: unknown = copy[stage];
    for (const [depth, key] of rest.entries()) {
      target = stepInto(target, key);
      if (target === undefined)
        throw new SearchSiteError(site, `\`${[stage, ...rest.slice(0, depth + 1)].join(".")}\` does not exist`);
    }
    if (!isContainer(target) || !(last in target)) {
      throw new SearchSiteError(site, `\`${site.path.join(".")}\` does not exist`);
    }
    const container = target as Record<string | number, unknown>;
    const current = container[last];
    if (typeof current !== typeof value) {
      throw new SearchSiteError(
        site,
        `it holds ${typeof current}, but the trial gives ${typeof value} ${String(value)}`,
      );
    }
    container[last] = value;
  }
  return copy;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** The value at `key` of an object or array; undefined when `target` is neither or has no such key. */
function stepInto(target: unknown, key: string | number): unknown {
  if (!isContainer(target) || !(key in target)) return undefined;
  return (target as Record<string | number, unknown>)[key];
}
