/**
 * The `dlm` command line: the only code that writes files and sets exit codes.
 *
 * Exit codes: 0 success (warnings allowed), 1 diagnostics with errors or a failed run,
 * 2 usage or I/O errors (bad flags, missing files). Heavy modules (tfjs, ts-morph,
 * prettier) are imported lazily inside the commands that need them, so `dlm check`
 * starts fast.
 */
import { Command, CommanderError, Option } from "commander";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { terminalText } from "../diagnostics/terminal-text.js";
import { describeFailedWrite } from "../runtime/file-system-errors.js";
import { dirname, join } from "node:path";
import { BACKENDS, CliError, EXIT_ERRORS, EXIT_OK, EXIT_USAGE, type RunFlags } from "./cli-contract.js";


function packageVersion(): string {
  const packageJson = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json");
  try {
    return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env["NO_COLOR"];
}

function parsePositiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new CliError(`${flag} expects a positive integer, found \`${value}\``);
    }
    return Number(value);
  };
}



function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("dlm")
    .description("DLM — declarative deep-learning experiments, compiled to TypeScript on TensorFlow.js")
    .version(packageVersion(), "-v, --version")
    .showHelpAfterError("(run `dlm --help` for usage)")
    .exitOverride();

  program
    .command("check")
    .description("parse and type-check .dlm files; print every diagnostic")
    .argument("<files...>", ".dlm files to check")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(new Option("--target <engine>", "check every experiment for this engine (default: each experiment's `engine:`, else tfjs)").choices(["tfjs", "torch"]))
    .action(async (files: string[], options: { format: "text" | "json"; target?: "tfjs" | "torch" }) => {
      const { runCheckCommand } = await import("./commands/check.js");
      setExitCode(runCheckCommand(files, { format: options.format, color: useColor(process.stderr), target: options.target }));
    });

  program
    .command("summary")
    .description("print each model's layers, output shapes and parameter counts")
    .argument("<file>", ".dlm file")
    .option("--json", "print JSON instead of tables")
    .action(async (file: string, options: { json?: boolean }) => {
      const { runSummaryCommand } = await import("./commands/summary.js");
      setExitCode(runSummaryCommand(file, { json: Boolean(options.json), color: useColor(process.stderr) }));
    });

  program
    .command("explain")
    .description("explain a diagnostic code, with a wrong and a fixed example")
    .argument("<code>", "a code such as DLM404")
    .action(async (code: string) => {
      const { runExplainCommand } = await import("./commands/explain.js");
      setExitCode(runExplainCommand(code));
    });

  program
    .command("datasets")
    .description("list the built-in data sets with shapes, classes, sizes and sources")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { runDatasetsCommand } = await import("./commands/datasets.js");
      setExitCode(runDatasetsCommand({ json: Boolean(options.json) }));
    });

  const models = program
    .command("models")
    .description("list the named architectures of pretrained(NAME): sizes, input sizes, licences, cached weights")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { runModelsCommand } = await import("./commands/models.js");
      setExitCode(await runModelsCommand({ json: Boolean(options.json) }));
    });
  models
    .command("fetch")
    .description("download a model's Keras weight file (without the top) into DLM's cache, checked against Keras's md5")
    .argument("<name>", "vgg16, resnet50 or mobilenet_v2")
    .option("--top", "also download the file with the ImageNet classifier (include_top: true)")
    .action(async (name: string, options: { top?: boolean }) => {
      const { runModelsFetchCommand } = await import("./commands/models.js");
      setExitCode(await runModelsFetchCommand(name, { top: Boolean(options.top) }));
    });

  program
    .command("compile")
    .description("check a .dlm file and write one TypeScript (or, with --target torch, Python) program per experiment")
    .argument("<file>", ".dlm file")
    .option("--out <dir>", "output directory", "out")
    .addOption(new Option("--target <engine>", "tfjs: a TypeScript program; torch: a PyTorch program").choices(["tfjs", "torch"]).default("tfjs"))
    .action(async (file: string, options: { out: string; target: "tfjs" | "torch" }) => {
      const { runCompileCommand } = await import("./commands/compile.js");
      setExitCode(await runCompileCommand(file, { out: options.out, color: useColor(process.stderr), target: options.target }));
    });

  program
    .command("run")
    .description("check, compile and run an experiment: train, evaluate, report, export")
    .argument("<file>", ".dlm file")
    .option("--experiment <name>", "run only this experiment (default: every experiment of the file, in order)")
    .option("--epochs <n>", "override the number of epochs", parsePositiveInt("--epochs"))
    .option("--limit <n>", "keep at most N training examples (stratified)", parsePositiveInt("--limit"))
    .option("--trials <n>", "override the number of tuning trials", parsePositiveInt("--trials"))
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices([...BACKENDS]))
    .option("--workers <n>", "data-parallel training workers (threads), over train { workers }", parsePositiveInt("--workers"))
    .option("--out <dir>", "directory for run outputs", "runs")
    .option("--force", "overwrite the run directory of an earlier run with the same name")
    .option("--resume", "continue from the last checkpoint of this experiment")
    .addOption(new Option("--engine <engine>", "tfjs (the default) or torch (PyTorch, in DLM_PYTHON or python3)").choices(["tfjs", "torch"]))
    .option("--nproc <n>", "torch engine: processes on this machine (DistributedDataParallel)", parsePositiveInt("--nproc"))
    .option("--nnodes <n>", "torch engine: machines in the run (prints each machine's torchrun command)", parsePositiveInt("--nnodes"))
    .option("--node-rank <r>", "torch engine: this machine's rank, 0 to nnodes - 1")
    .option("--rdzv <host:port>", "torch engine: rendezvous endpoint of a multi-machine run (on machine 0)")
    .addOption(new Option("--launcher <name>", "torch engine: local (DLM starts the processes) or torchrun (runs this machine's torchrun command)").choices(["local", "torchrun"]))
    .action(async (file: string, options: RunFlags) => {
      const { runRunCommand } = await import("./commands/run.js");
      setExitCode(await runRunCommand(file, { ...options, color: useColor(process.stderr) }));
    });

  program
    .command("predict")
    .description("predict with an exported bundle: prints classes and probabilities")
    .argument("<bundle>", "directory written by `export:`")
    .argument("<input>", "a .csv, .json, .png or .jpg input")
    .option("--json", "print JSON")
    .addOption(new Option("--backend <name>", "TensorFlow.js backend").choices([...BACKENDS]).default("auto"))
    .action(async (bundle: string, input: string, options: { json?: boolean; backend: (typeof BACKENDS)[number] }) => {
      const { runPredictCommand } = await import("./commands/predict.js");
      setExitCode(await runPredictCommand(bundle, input, { json: Boolean(options.json), backend: options.backend }));
    });

  program
    .command("lsp")
    .description("start the DLM language server")
    .option("--stdio", "communicate over stdin/stdout (the default)")
    .action(async () => {
      const { startLanguageServer } = await import("./lsp/server.js");
      startLanguageServer();
      setExitCode(-1);
    });

  program
    .command("fmt")
    .description("format .dlm files in place (canonical layout, comments kept)")
    .argument("<files...>", ".dlm files")
    .option("--check", "do not write; exit 1 when a file would change")
    .action(async (files: string[], options: { check?: boolean }) => {
      const { runFormatCommand } = await import("./commands/fmt.js");
      setExitCode(runFormatCommand(files, { check: Boolean(options.check) }));
    });

  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * A negative code means "keep the process alive" (the language server).
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  let exitCode = EXIT_OK;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    process.stdout.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end with code 0; every other commander error is a usage error
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`error: ${terminalText(error.message)}\n`);
      return error.exitCode;
    }
    const message = describeFailedWrite(error) ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${terminalText(message)}\n`);
    if (process.env["DLM_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT_ERRORS;
  }
  return exitCode < 0 ? undefined : exitCode;
}
