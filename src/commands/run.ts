/**
 * `dlm run FILE`: check, compile and run. Each experiment's program is written to
 * `out/<experiment>-<hash of the .dlm's path>.ts` and run in a child Node process (with tsx),
 * so a run behaves exactly like `npx tsx` on that file. Without `--experiment`, every experiment of the file runs
 * in order (a later one may fine-tune what an earlier one exported).
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { CliError, EXIT_ERRORS, EXIT_OK, type RunFlags } from "../cli-contract.js";
import { checkFileExperiments, emitPrograms } from "./compile-experiments.js";
import { writeProgramFiles } from "./compile.js";
import { programNodeOptions } from "./program-environment.js";
import { runProgramProcess } from "../../runtime/signals.js";

/** Where `dlm run` writes the programs it runs. */
const PROGRAM_DIR = "out";

/**
 * The programs renamed `out/<experiment>-<hash>.ts`, the hash of the `.dlm`'s absolute path:
 * two files declaring one experiment name, run from one folder at once, used to share
 * `out/<experiment>.ts` and both trained what the last one wrote.
 */
function ownProgramFiles(programs: ReadonlyMap<string, string>, dlmFile: string): Map<string, string> {
  const tag = createHash("sha256").update(path.resolve(dlmFile)).digest("hex").slice(0, 8);
  return new Map([...programs].map(([program, text]) => [program.replace(/\.ts$/, `-${tag}.ts`), text]));
}

function programArguments(flags: RunFlags): string[] {
  return [
    ...(flags.epochs === undefined ? [] : ["--epochs", String(flags.epochs)]),
    ...(flags.limit === undefined ? [] : ["--limit", String(flags.limit)]),
    ...(flags.trials === undefined ? [] : ["--trials", String(flags.trials)]),
    ...(flags.backend === undefined ? [] : ["--backend", flags.backend]),
    ...(flags.workers === undefined ? [] : ["--workers", String(flags.workers)]),
    "--out",
    flags.out,
    ...(flags.force ? ["--force"] : []),
    ...(flags.resume ? ["--resume"] : []),
  ];
}

/**
 * Runs one program to completion; resolves with its exit code. SIGINT and SIGTERM are
 * passed on to it, so `kill -INT <dlm>` stops a run as Ctrl-C does (the program saves a
 * checkpoint and exits with 130), and a `dlm` killed outright takes the program with it
 * (runtime/signals.ts).
 */
async function runProgram(program: string, args: readonly string[]): Promise<number> {
  const loader = import.meta.resolve("tsx");
  try {
    // tsx first: hooks registered later run first, so dlm's resolution sees every import before tsx.
    return await runProgramProcess(["--import", loader, ...programNodeOptions(program), program, ...args], {
      failedCode: EXIT_ERRORS,
    });
  } catch (error) {
    throw new CliError(`cannot start \`${program}\`: ${(error as Error).message}`, EXIT_ERRORS);
  }
}

/** `dlm run FILE`: checks, compiles and runs each selected experiment in turn; the first non-zero exit code stops it. */
export async function runRunCommand(file: string, flags: RunFlags & { color: boolean }): Promise<number> {
  if (flags.engine === "torch") return runOnTorch(file, flags);
  const checked = checkFileExperiments(file, flags.color, flags.engine);
  if (!checked.ok) return EXIT_ERRORS;
  const selected =
    flags.experiment === undefined ? checked.plans : checked.plans.filter((plan) => plan.name === flags.experiment);
  if (selected.length === 0) {
    const names = checked.plans.map((plan) => `\`${plan.name}\``).join(", ");
    throw new CliError(
      flags.experiment === undefined
        ? `\`${file}\` declares no experiment to run`
        : `no experiment \`${flags.experiment}\` in \`${file}\`${names ? `; it declares ${names}` : ""}`,
    );
  }
  // `engine: torch` in an experiment picks the torch engine unless --engine says otherwise
  const onTorch = (plan: (typeof selected)[number]) => flags.engine === undefined && plan.engine === "torch";
  if (flags.nproc !== undefined && !selected.some(onTorch)) throw new CliError("--nproc applies to --engine torch");
  const programs = ownProgramFiles(await emitPrograms(selected.filter((plan) => !onTorch(plan)), PROGRAM_DIR, checked.sourceText), file);
  writeProgramFiles(programs);
  const tfjsPrograms = [...programs.keys()];
  for (const plan of selected) {
    const code = onTorch(plan) ? await runOnTorch(file, { ...flags, experiment: plan.name }) : await runProgram(tfjsPrograms.shift()!, programArguments(flags));
    if (code !== EXIT_OK) return code;
  }
  return EXIT_OK;
}

/** The torch engine, for `--engine torch` or an experiment's `engine: torch`. */
async function runOnTorch(file: string, flags: RunFlags & { color: boolean }): Promise<number> {
  if (flags.trials !== undefined || flags.backend !== undefined || flags.workers !== undefined) {
    throw new CliError("--trials, --backend and --workers apply to the TF.js engine, not to the torch engine (it takes --nproc)");
  }
  const { runTorchRunCommand } = await import("./run-torch.js");
  return runTorchRunCommand(file, flags);
}
