/**
 * `dlm run FILE --engine torch [--nproc N]`: checks the file for the torch engine, prepares
 * the data once with DLM's own pipeline (written as `.npy` + `manifest.json` in the run
 * folder), writes the experiment's Python program, starts N local processes with the
 * `env://` variables, and finishes the run folder as the TF.js engine does: `history.csv`,
 * `metrics.json` and the report from DLM's metrics code over the predictions the program
 * wrote, and the export bundle in TF.js's layers format (weights converted by the program).
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ExperimentPlan } from "../../compiler/experiment-plan.js";
import { CliError, EXIT_ERRORS, EXIT_OK } from "../cli.js";
import { checkFileExperiments } from "./compile-experiments.js";
import { writeProgramFiles } from "./compile.js";
import { emitTorchPrograms } from "./torch-target.js";
import { describeRankExit, launchTorchProcesses, torchPython, torchUnavailable } from "./launch-torch.js";
import { buildTfjsModel, setWeightsInOrder } from "./build-tfjs-model.js";
import { architectureOf } from "../../runtime/architecture-hash.js";
import { terminalText } from "../../diagnostics/terminal-text.js";

/** Flags of `dlm run` the torch engine reads. */
export interface TorchRunFlags {
  readonly experiment?: string;
  readonly epochs?: number;
  readonly limit?: number;
  readonly nproc?: number;
  readonly out: string;
  readonly force?: boolean;
  readonly resume?: boolean;
  /** `--engine torch`, or undefined when the experiments' `engine: torch` chose this engine. */
  readonly engine?: "tfjs" | "torch";
  readonly color: boolean;
}

/** Where `dlm run` writes the programs it runs (as for the TF.js engine). */
const PROGRAM_DIR = "out";

/** In the run's `torch/` folder: each rank's process id, for tools that watch (or stop) a run. */
export const RANKS_JSON = "ranks.json";

/** One line per epoch, as DLM's own progress lines read. */
function progressLine(record: Record<string, unknown>): string {
  const value = (name: string) => (typeof record[name] === "number" ? (record[name] as number).toFixed(4) : undefined);
  const parts = [`dlm: epoch ${String(record["epoch"])}/${String(record["epochs"])}`, `loss ${value("loss") ?? "n/a"}`];
  if (value("val_loss") !== undefined) parts.push(`val_loss ${value("val_loss")}`);
  if (typeof record["seconds"] === "number") parts.push(`(${(record["seconds"] as number).toFixed(1)} s)`);
  return parts.join("  ");
}

/**
 * The programs renamed `out/<experiment>-<hash>.py`, the hash of the `.dlm`'s absolute path,
 * as the TF.js engine names its programs: two files that declare one experiment name, run
 * from one folder at once, must not run each other's program.
 */
function ownProgramFiles(programs: ReadonlyMap<string, string>, dlmFile: string): Map<string, string> {
  const tag = createHash("sha256").update(path.resolve(dlmFile)).digest("hex").slice(0, 8);
  return new Map([...programs].map(([program, text]) => [program.replace(/\.py$/, `-${tag}.py`), text]));
}

/** `dlm run --engine torch`: each selected experiment in turn; the first failure stops it. */
export async function runTorchRunCommand(file: string, flags: TorchRunFlags): Promise<number> {
  // --engine torch checks every experiment for torch; without it, those that say `engine: torch` (the ones run here)
  const checked = checkFileExperiments(file, flags.color, flags.engine);
  if (!checked.ok) return EXIT_ERRORS;
  const selected = flags.experiment === undefined ? checked.plans : checked.plans.filter((plan) => plan.name === flags.experiment);
  if (selected.length === 0) {
    throw new CliError(
      flags.experiment === undefined ? `\`${file}\` declares no experiment to run` : `no experiment \`${flags.experiment}\` in \`${file}\``,
    );
  }
  const python = torchPython();
  const missing = torchUnavailable(python);
  if (missing !== undefined) throw new CliError(missing, EXIT_ERRORS);
  const programs = ownProgramFiles(emitTorchPrograms(selected, PROGRAM_DIR, checked.sourceText), file);
  writeProgramFiles(programs);
  const paths = [...programs.keys()];
  for (const [index, plan] of selected.entries()) {
    const code = await runTorchExperiment(plan, paths[index]!, python, flags);
    if (code !== EXIT_OK) return code;
  }
  return EXIT_OK;
}

/** The hash `--resume` compares: the architecture of the TF.js model the torch weights go into. */
function architectureHash(plan: ExperimentPlan): string {
  const model = buildTfjsModel(plan.model);
  try {
    return architectureOf(model).hash;
  } finally {
    model.dispose();
  }
}

async function runTorchExperiment(plan: ExperimentPlan, program: string, python: string, flags: TorchRunFlags): Promise<number> {
  const say = (line: string) => process.stdout.write(terminalText(line) + "\n");
  const runtime = await import("../../runtime/torch-run-support.js");
  const nproc = flags.nproc ?? 1;
  say(`dlm: experiment \`${plan.name}\` on torch (${nproc} process${nproc === 1 ? "" : "es"}, ${python})`);
  await runtime.initTorchRunBackend();
  const architecture = architectureHash(plan);
  let resumePoint: { runDir: string; epoch: number } | undefined;
  try {
    resumePoint = flags.resume ? await runtime.findTorchResumePoint(flags.out, plan, architecture) : undefined;
  } catch (error) {
    if (error instanceof runtime.CheckpointError) throw new CliError(error.message, EXIT_ERRORS);
    throw error;
  }
  if (flags.resume && resumePoint === undefined) {
    say(`dlm: no run of \`${plan.name}\` in ${flags.out} has a checkpoint to resume: starting a new run`);
  }
  const prepared = await runtime.prepareTorchRun(plan, {
    out: flags.out,
    force: Boolean(flags.force),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    ...(resumePoint === undefined ? {} : { runDir: resumePoint.runDir }),
  });
  try {
    say(`dlm: run directory ${prepared.runDir}`);
    say(prepared.dataLine);
    const outputDir = path.join(prepared.runDir, "torch");
    const checkpointDir = runtime.runCheckpointDir(prepared.runDir);
    const epochs = flags.epochs ?? plan.train.epochs;
    if (resumePoint !== undefined) say(`dlm: resuming train at epoch ${resumePoint.epoch + 1} from ${checkpointDir}`);
    const args = ["--data", prepared.dataDir, "--out", outputDir, "--epochs", String(epochs), "--checkpoint", checkpointDir, "--architecture", architecture];
    if (resumePoint !== undefined) args.push("--resume");
    await fs.mkdir(outputDir, { recursive: true });
    const result = await launchTorchProcesses(python, program, args, nproc, {
      onProgress: (record) => say(progressLine(record)),
      pidFile: path.join(outputDir, RANKS_JSON),
    });
    if (result.code !== 0) {
      process.stderr.write(`error: the torch program failed: rank ${result.failedRank ?? 0} ${describeRankExit(result)}\n`);
      const saved = await runtime.savedTorchEpoch(prepared.runDir);
      if (saved !== undefined) {
        process.stderr.write(`dlm: the checkpoint of epoch ${saved} is in ${checkpointDir}: continue with the same command and --resume\n`);
      }
      return EXIT_ERRORS;
    }
    const weightsList = JSON.parse(await fs.readFile(path.join(outputDir, "weights.json"), "utf8")) as { shape: number[] }[];
    const bytes = await fs.readFile(path.join(outputDir, "weights.bin"));
    let offset = 0;
    const arrays = weightsList.map(({ shape }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      data.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4)));
      offset += count * 4;
      return { data, shape };
    });
    const model = buildTfjsModel(plan.model);
    try {
      setWeightsInOrder(model, arrays);
      const history = JSON.parse(await fs.readFile(path.join(outputDir, "history.json"), "utf8")) as Record<string, number>[];
      const finished = await runtime.finishTorchRun(plan, prepared, model, history, outputDir);
      for (const line of finished.lines) say(line);
      if (plan.export !== undefined) {
        const exportDir = path.resolve(path.dirname(plan.file), plan.export);
        await runtime.exportTorchModel(exportDir, plan, prepared, model, finished.metrics);
        say(`dlm: exported bundle to ${exportDir}`);
      }
      say(`dlm: wrote ${finished.files.join(", ")}`);
    } finally {
      model.dispose();
    }
    return EXIT_OK;
  } finally {
    prepared.dispose();
  }
}
