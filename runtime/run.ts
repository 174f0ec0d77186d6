/**
 * Runs a compiled experiment: backend, data, model, training stages, evaluation, run
 * directory (metrics.json, history.csv, report), export. Every generated program's
 * `main()` calls `runExperiment` and exits with the code it returns.
 *
 * Exit codes: 0 done, 1 the run failed (bad data, NaN loss, …), 2 bad flags,
 * 130 interrupted (a checkpoint was saved; `--resume` continues).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { initBackend, type BackendName } from "./backend.js";
import { prepareData, disposePreparedData } from "./data/prepare.js";
import type { ExperimentDefinition, Hyperparameters, StageSpec } from "./experiment.js";
import { runCheckpointDir, trainStages, type Say, type StageOutcome } from "./run-stages.js";
import { evaluateSplit } from "./evaluate.js";
import {
  chooseRunDirectory,
  describeSource,
  findLatestRunDirectory,
  readHyperparameters,
  writeHyperparameters,
  writeRunFiles,
} from "./run-directory.js";
import { exportBundle } from "./export.js";
import { checkExperimentOutputs } from "./check-outputs.js";
import { runTuning } from "./tune.js";
import { EXIT_INTERRUPTED, watchStopRequests, type StopRequests } from "./signals.js";
import { averagedMetricLabel, formatSetting } from "./report/tables.js";
import { terminalText } from "../diagnostics/terminal-text.js";
import { describeFailedWrite } from "./file-system-errors.js";

/** The run finished: trained, evaluated, files written. */
export const EXIT_DONE = 0;
/** The run failed: bad data, a NaN loss, a file that cannot be written. */
export const EXIT_FAILED = 1;
/** Bad command-line flags. */
export const EXIT_USAGE = 2;
/** Stopped by SIGINT/SIGTERM (or the exit of `dlm run`) after saving a checkpoint. */
export { EXIT_INTERRUPTED };

/** Flags every compiled program accepts (and `dlm run` passes through). */
export interface RunOverrides {
  readonly epochs?: number;
  readonly limit?: number;
  readonly trials?: number;
  readonly backend?: BackendName;
  /** Data-parallel workers of every training stage, over the file's `workers`. */
  readonly workers?: number;
  /** Parent of the run directory. Default `runs`. */
  readonly out: string;
  readonly force: boolean;
  readonly resume: boolean;
  /** Less output: no progress bar, no per-epoch lines. */
  readonly quiet: boolean;
}

/** A bad command-line flag: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const BACKEND_NAMES: readonly BackendName[] = ["auto", "node", "wasm", "cpu"];

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag} expects a positive integer, found \`${value}\``);
  return Number(value);
}

/** Parses `--epochs N --limit N --trials N --backend B --workers N --out DIR --force --resume --quiet`. */
export function parseRunOverrides(argv: readonly string[]): RunOverrides {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        epochs: { type: "string" },
        limit: { type: "string" },
        trials: { type: "string" },
        backend: { type: "string" },
        workers: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean" },
        resume: { type: "boolean" },
        quiet: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  const backend = values.backend;
  if (backend !== undefined && !BACKEND_NAMES.includes(backend as BackendName)) {
    throw new UsageError(`--backend expects one of ${BACKEND_NAMES.join(", ")}, found \`${backend}\``);
  }
  const epochs = positiveInteger("epochs", values.epochs);
  const limit = positiveInteger("limit", values.limit);
  const trials = positiveInteger("trials", values.trials);
  const workers = positiveInteger("workers", values.workers);
  return {
    ...(epochs === undefined ? {} : { epochs }),
    ...(limit === undefined ? {} : { limit }),
    ...(trials === undefined ? {} : { trials }),
    ...(backend === undefined ? {} : { backend: backend as BackendName }),
    ...(workers === undefined ? {} : { workers }),
    out: values.out ?? "runs",
    force: values.force ?? false,
    resume: values.resume ?? false,
    quiet: values.quiet ?? false,
  };
}

/** Applies `--epochs` and `--workers` to every training stage. */
function withStageOverrides<Stage extends StageSpec>(stage: Stage, overrides: RunOverrides): Stage {
  return {
    ...stage,
    ...(overrides.epochs === undefined ? {} : { epochs: overrides.epochs }),
    ...(overrides.workers === undefined ? {} : { workers: overrides.workers }),
  };
}

/** The definition after command-line overrides. */
export function applyOverrides(definition: ExperimentDefinition, overrides: RunOverrides): ExperimentDefinition {
  return {
    ...definition,
    train: withStageOverrides(definition.train, overrides),
    ...(definition.fineTune === undefined ? {} : { fineTune: withStageOverrides(definition.fineTune, overrides) }),
    ...(definition.tune === undefined || overrides.trials === undefined
      ? {}
      : { tune: { ...definition.tune, trials: overrides.trials } }),
  };
}

/**
 * Runs the experiment end to end and returns the process exit code. User mistakes and
 * failed runs are printed as `error: …` lines, never as stack traces.
 */
export async function runExperiment(definition: ExperimentDefinition, argv: readonly string[]): Promise<number> {
  let overrides: RunOverrides;
  try {
    overrides = parseRunOverrides(argv);
  } catch (error) {
    process.stderr.write(`error: ${terminalText((error as Error).message)}\n`);
    return EXIT_USAGE;
  }
  // Lines name labels and paths read from user files: printed escaped (diagnostics/terminal-text.ts).
  const say: Say = overrides.quiet ? () => undefined : (line) => process.stdout.write(terminalText(line) + "\n");
  // Ctrl-C, SIGTERM or the exit of `dlm run`: at once, or at the next batch boundary while training.
  const stopRequests = watchStopRequests();
  try {
    return await runWithOverrides(applyOverrides(definition, overrides), overrides, say, stopRequests);
  } catch (error) {
    process.stderr.write(`error: ${terminalText(describeFailure(error))}\n`);
    if (process.env["DLM_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT_FAILED;
  } finally {
    stopRequests.dispose();
  }
}

/** A failure in words: our typed errors carry their own message; anything else gets its class name. */
export function describeFailure(error: unknown): string {
  const failedWrite = describeFailedWrite(error);
  if (failedWrite !== undefined) return failedWrite;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

async function runWithOverrides(
  definition: ExperimentDefinition,
  overrides: RunOverrides,
  say: Say,
  stopRequests: StopRequests,
): Promise<number> {
  const backend = await initBackend(overrides.backend ?? definition.backend);
  say(`dlm: experiment \`${definition.name}\` on ${backend.name} (${backend.reason})`);
  // Before any folder is made or epoch trained: outputs that would overwrite inputs or files DLM did not write.
  await checkExperimentOutputs(definition);
  const resumeDir = overrides.resume ? await findLatestRunDirectory(overrides.out, definition.name) : undefined;
  if (overrides.resume && resumeDir === undefined) {
    // In a file of several experiments, `--resume` reaches the ones that never started too.
    say(`dlm: no run of \`${definition.name}\` in ${overrides.out} has a checkpoint to resume: starting a new run`);
  }
  const resuming = resumeDir !== undefined;
  const runDir = resumeDir ?? (await chooseRunDirectory(overrides.out, definition.name, overrides.force));
  say(`dlm: run directory ${runDir}`);
  const data = await prepareData(definition.data, {
    seed: definition.seed,
    baseDir: definition.baseDir,
    ...(overrides.limit === undefined ? {} : { limit: overrides.limit }),
  });
  try {
    say(
      `dlm: data ${describeSource(definition.data.source)}: ${data.train.size} train` +
        (data.validation ? `, ${data.validation.size} validation` : "") +
        (data.test ? `, ${data.test.size} test` : "") +
        `, features [${data.info.featureShape.join(", ")}]` +
        (data.info.classes ? `, ${data.info.classes.length} classes` : ""),
    );
    let hyperparameters: Hyperparameters = (resuming ? await readHyperparameters(runDir) : undefined) ?? {};
    let tuning: Awaited<ReturnType<typeof runTuning>> | undefined;
    if (definition.tune !== undefined && !resuming) {
      tuning = await runTuning(definition, data, say);
      hyperparameters = tuning.best.values;
      await writeHyperparameters(runDir, hyperparameters);
      say(`dlm: best trial ${tuning.best.trial}: ${formatHyperparameters(hyperparameters)} → ${tuning.objective} ${tuning.best.objectiveValue.toFixed(4)}`);
    }
    const tuned = Object.keys(hyperparameters).length > 0 ? definition.withHyperparameters?.(hyperparameters) : undefined;
    const effective: ExperimentDefinition = tuned === undefined ? definition : { ...definition, ...tuned };
    const outcome: StageOutcome = await stopRequests.stopGracefully((signal) =>
      trainStages(effective, data, hyperparameters, { runDir, resume: resuming, quiet: overrides.quiet, say, signal }),
    );
    try {
      if (outcome.interrupted) {
        const total = effective.train.epochs + (effective.fineTune?.epochs ?? 0);
        process.stderr.write(
          `dlm: interrupted: ${outcome.epochsFinished} of ${total} epochs done; checkpoint saved in ${displayPath(runCheckpointDir(runDir))}\n` +
            `dlm: continue with the same command and --resume\n`,
        );
        return EXIT_INTERRUPTED;
      }
      if (outcome.failure !== undefined) {
        process.stderr.write(`error: ${terminalText(outcome.failure)}\n`);
        await writeRunFiles(runDir, effective, { backend: backend.name, outcome, data, ...(tuning ? { tuning } : {}) });
        return EXIT_FAILED;
      }
      const evaluation = evaluateSplit(outcome.model, data, effective.evaluate, effective.train);
      const files = await writeRunFiles(runDir, effective, { backend: backend.name, outcome, data, evaluation, ...(tuning ? { tuning } : {}) });
      for (const [name, value] of Object.entries(evaluation?.metrics ?? {})) {
        const label = averagedMetricLabel(name, evaluation?.average, evaluation?.positive);
        say(`dlm: ${evaluation?.split} ${label} = ${Number.isInteger(value) ? value : value.toFixed(4)}`);
      }
      if (effective.export !== undefined) {
        const exportDir = path.resolve(effective.baseDir, effective.export);
        const replacedExport = existsSync(exportDir);
        await exportBundle(exportDir, outcome.model, data.preprocessing, data.info, {
          experiment: effective.name,
          metrics: evaluation?.metrics ?? {},
          source: describeSource(effective.data.source),
        });
        say(`dlm: exported bundle to ${exportDir}${replacedExport ? ` (the one it replaced is kept in ${exportDir}.previous)` : ""}`);
      }
      say(`dlm: wrote ${files.map(displayPath).join(", ")}`);
      return EXIT_DONE;
    } finally {
      outcome.model.dispose();
    }
  } finally {
    disposePreparedData(data);
  }
}

/** A path as users read it: relative below the working directory, else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

function formatHyperparameters(values: Hyperparameters): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${formatSetting(value)}`)
    .join(", ");
}
