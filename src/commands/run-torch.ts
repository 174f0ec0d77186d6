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
import type { ExperimentPlan } from "../../compiler/experiments/experiment-plan.js";
import { CliError, EXIT_ERRORS, EXIT_OK } from "../cli-contract.js";
import { checkFileExperiments } from "./compile-experiments.js";
import { writeProgramFiles } from "./compile.js";
import { emitTorchPrograms } from "./torch-target.js";
import { describeRankExit, launchTorchProcesses, launchTorchrun, torchPython, torchUnavailable } from "./launch-torch.js";
import { readNodeLayout, torchrunArguments, torchrunCommandLine, usesTorchrun, type NodeLayout } from "./torchrun-command.js";
import type * as tf from "@tensorflow/tfjs";
import type { StageSpec } from "../../runtime/experiment.js";
import { hasPretrainedWeights } from "../../compiler/layers/pretrained.js";
import { backboneWeights, buildTfjsModelWithBackbones, setWeightsByLayer } from "./build-tfjs-model.js";
import { readWeightFiles, writeWeightFiles } from "./tfjs-weight-files.js";
import { writeCsvLogs } from "./torch-csv-logs.js";
import { architectureOf } from "../../runtime/architecture-hash.js";
import { terminalText } from "../../diagnostics/terminal-text.js";

/** Flags of `dlm run` the torch engine reads. */
export interface TorchRunFlags {
  readonly experiment?: string;
  readonly epochs?: number;
  readonly limit?: number;
  readonly nproc?: number;
  readonly nnodes?: number;
  readonly nodeRank?: string;
  readonly rdzv?: string;
  readonly launcher?: "local" | "torchrun";
  readonly out: string;
  readonly force?: boolean;
  readonly resume?: boolean;
  /** `--engine torch`, or undefined when the experiments' `engine: torch` chose this engine. */
  readonly engine?: "tfjs" | "torch";
  readonly color: boolean;
}

/** Where `dlm run` writes the programs it runs (as for the TF.js engine). */
const PROGRAM_DIR = "out";

/** In the data folder: the backbones' pretrained weights, which the program reads (`load_backbone_weights`). */
const BACKBONE_WEIGHTS = "backbone-weights";

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
  const layout = readNodeLayout(flags);
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
    const code = await runTorchExperiment(plan, paths[index]!, python, flags, layout);
    if (code !== EXIT_OK) return code;
  }
  return EXIT_OK;
}

type Say = (line: string) => void;

/** The program in N local processes; undefined when every rank succeeded, else the exit code, after saying which rank failed. */
async function runLocally(program: string, python: string, args: readonly string[], nproc: number, runDir: string, say: Say): Promise<number | undefined> {
  const runtime = await import("./torch-run-support.js");
  const result = await launchTorchProcesses(python, program, args, nproc, {
    onProgress: (record) => say(progressLine(record)),
    pidFile: path.join(runDir, "torch", RANKS_JSON),
  });
  if (result.code === 0) return undefined;
  process.stderr.write(`error: the torch program failed: rank ${result.failedRank ?? 0} ${describeRankExit(result)}\n`);
  const saved = await runtime.savedTorchEpoch(runDir);
  if (saved !== undefined) {
    process.stderr.write(`dlm: the checkpoint of epoch ${saved} is in ${runtime.runCheckpointDir(runDir)}: continue with the same command and --resume\n`);
  }
  return EXIT_ERRORS;
}

/** torch 1.13's torchrun on Python 3.11 fails in its elastic agent with this. */
const BROKEN_TORCHRUN = "'NoneType' object has no attribute 'get'";

/**
 * Several machines, or `--launcher torchrun`: prints each machine's torchrun command and,
 * with `--launcher torchrun`, runs this machine's. Undefined when machine 0's processes
 * finished and the run folder is to be written; else the exit code.
 */
async function runWithTorchrun(plan: ExperimentPlan, program: string, python: string, args: readonly string[], nproc: number, layout: NodeLayout, say: Say): Promise<number | undefined> {
  const runId = plan.name.replace(/[^A-Za-z0-9_-]/g, "_");
  const commands = Array.from({ length: layout.nnodes }, (_, node) => torchrunArguments(layout, node, nproc, runId, program, args));
  if (layout.nnodes > 1) {
    say(`dlm: run on each of the ${layout.nnodes} machines, from a folder where ${program} and the paths below are the same (a shared file system, or copies):`);
    for (const [node, command] of commands.entries()) say(`dlm:   machine ${node}: ${torchrunCommandLine(command)}`);
  }
  if (layout.launcher !== "torchrun") {
    say("dlm: nothing was started here: run the commands above, or add --launcher torchrun on each machine to let dlm run its own");
    return EXIT_OK;
  }
  say(`dlm: machine ${layout.nodeRank}: ${torchrunCommandLine(commands[layout.nodeRank]!)}`);
  const result = await launchTorchrun(python, commands[layout.nodeRank]!, (record) => say(progressLine(record)));
  if (result.code !== 0) {
    const how = result.signal === undefined ? `exited with code ${result.code}` : `was killed by ${result.signal}`;
    const last = result.lastErrors[result.lastErrors.length - 1];
    process.stderr.write(`error: torchrun (\`${python} -m torch.distributed.run\`) failed on this machine: it ${how}${last === undefined ? "" : `; its last line: ${last.trim()}`}\n`);
    if (result.lastErrors.some((line) => line.includes(BROKEN_TORCHRUN))) {
      process.stderr.write(
        "dlm: this is torch 1.13's torchrun on Python 3.11, which fails before starting anything; on one machine leave out --launcher torchrun (dlm starts the processes itself), across machines start each process with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set (docs/engines.md)\n",
      );
    }
    return EXIT_ERRORS;
  }
  if (layout.nodeRank !== 0) {
    say(`dlm: machine ${layout.nodeRank} finished its processes; machine 0 writes the run folder`);
    return EXIT_OK;
  }
  return undefined;
}

/** The `pretrained` layers whose weights DLM hands the program (ImageNet's, or a saved model's). */
function backbonesWithWeights(plan: ExperimentPlan): string[] {
  return plan.model.layers.filter((layer) => layer.kind === "pretrained" && layer.args !== undefined && hasPretrainedWeights(layer.args)).map((layer) => layer.name);
}

/** The stage a run checkpoint belongs to (its `stage.json`; `train` when it has none). */
async function checkpointStage(dir: string): Promise<string> {
  for (const folder of [dir, `${dir}.previous`]) {
    try {
      const stage = (JSON.parse(await fs.readFile(path.join(folder, "stage.json"), "utf8")) as { stage?: unknown }).stage;
      if (typeof stage === "string") return stage;
    } catch {
      // not there: the other folder, or the default
    }
  }
  return "train";
}

/** The program's arguments for the stages: epochs (`--epochs` applies to both, as for the TF.js engine) and model_checkpoint folders. */
function stageArguments(plan: ExperimentPlan, flags: TorchRunFlags, baseDir: string): string[] {
  const folder = (stage: StageSpec): string | undefined => {
    const callback = stage.callbacks.find((candidate) => candidate.kind === "model_checkpoint");
    // as the TF.js engine resolves it: from the .dlm file's folder
    return callback === undefined ? undefined : path.resolve(baseDir, callback.path);
  };
  const train = folder(plan.train);
  const fineTune = plan.fineTune === undefined ? undefined : folder(plan.fineTune);
  return [
    "--epochs",
    String(flags.epochs ?? plan.train.epochs),
    ...(plan.fineTune === undefined ? [] : ["--fine-tune-epochs", String(flags.epochs ?? plan.fineTune.epochs)]),
    ...(train === undefined ? [] : ["--model-checkpoint", train]),
    ...(fineTune === undefined ? [] : ["--fine-tune-model-checkpoint", fineTune]),
  ];
}

async function runTorchExperiment(plan: ExperimentPlan, program: string, python: string, flags: TorchRunFlags, layout: NodeLayout): Promise<number> {
  const say = (line: string) => process.stdout.write(terminalText(line) + "\n");
  const runtime = await import("./torch-run-support.js");
  const nproc = flags.nproc ?? 1;
  say(`dlm: experiment \`${plan.name}\` on torch (${nproc} process${nproc === 1 ? "" : "es"}, ${python})`);
  await runtime.initTorchRunBackend();
  // the TF.js model the torch weights go into: its backbones' pretrained weights go to the program, its architecture to --resume
  const model = await buildTfjsModelWithBackbones(plan.model, path.dirname(path.resolve(plan.file)));
  try {
    return await trainAndFinish(plan, model, program, python, flags, layout, say);
  } finally {
    model.dispose();
  }
}

async function trainAndFinish(
  plan: ExperimentPlan,
  model: tf.LayersModel,
  program: string,
  python: string,
  flags: TorchRunFlags,
  layout: NodeLayout,
  say: Say,
): Promise<number> {
  const runtime = await import("./torch-run-support.js");
  const nproc = flags.nproc ?? 1;
  const architecture = architectureOf(model).hash;
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
    const outputDir = path.join(prepared.runDir, runtime.TORCH_RUN_FOLDERS.outputs);
    const checkpointDir = runtime.runCheckpointDir(prepared.runDir);
    if (resumePoint !== undefined) say(`dlm: resuming ${await checkpointStage(checkpointDir)} at epoch ${resumePoint.epoch + 1} from ${checkpointDir}`);
    const backbones = backbonesWithWeights(plan);
    if (backbones.length > 0) await writeWeightFiles(prepared.dataDir, BACKBONE_WEIGHTS, backboneWeights(model, backbones));
    const args = [
      "--data",
      prepared.dataDir,
      "--out",
      outputDir,
      ...stageArguments(plan, flags, prepared.definition.baseDir),
      "--checkpoint",
      checkpointDir,
      "--architecture",
      architecture,
    ];
    if (resumePoint !== undefined) args.push("--resume");
    await fs.mkdir(outputDir, { recursive: true });
    if (usesTorchrun(layout)) {
      const finished = await runWithTorchrun(plan, program, python, args, nproc, layout, say);
      if (finished !== undefined) return finished;
    } else {
      const failed = await runLocally(program, python, args, nproc, prepared.runDir, say);
      if (failed !== undefined) return failed;
    }

    setWeightsByLayer(model, await readWeightFiles(outputDir, "weights"));
    const history = JSON.parse(await fs.readFile(path.join(outputDir, "history.json"), "utf8")) as Record<string, number>[];
    const finished = await runtime.finishTorchRun(plan, prepared, model, history, outputDir);
    for (const line of finished.lines) say(line);
    const logs = await writeCsvLogs(prepared.definition, finished.history, flags.epochs ?? plan.train.epochs);
    if (plan.export !== undefined) {
      const exportDir = path.resolve(path.dirname(plan.file), plan.export);
      await runtime.exportTorchModel(exportDir, plan, prepared, model, finished.metrics);
      say(`dlm: exported bundle to ${exportDir}`);
    }
    say(`dlm: wrote ${[...finished.files, ...logs].join(", ")}`);
    return EXIT_OK;
  } finally {
    prepared.dispose();
  }
}
