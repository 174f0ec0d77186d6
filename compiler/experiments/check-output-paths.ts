/**
 * Output paths of an experiment (DLM520–DLM523), positioned on the path literal: `export`,
 * `model_checkpoint` and `csv_logger` paths, `evaluate.report` (and a Markdown report's
 * chart SVGs). An output must not be or contain the `.dlm` file, a file of the program
 * (imports), the data source of any experiment of the program, a pretrained model it reads,
 * the run folders (`runs/`) or the `.dlm`'s folder (DLM520); a relative one must not climb
 * out of that folder, with symbolic links followed too (DLM521); what already stands there
 * must be something DLM wrote (DLM522, read from the disk); two outputs of one experiment
 * must not overlap (DLM523). The runtime checks again before it trains (`runtime/check-outputs.ts`).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Arg, Call, DlmFile, ExperimentDecl, Member, StringLiteral } from "../../grammar/ast.js";
import { parseDlm } from "../../grammar/parse.js";
import {
  dlmOwnership,
  outputPathProblem,
  reportChartPaths,
  resolvedOutputPathProblem,
  runFoldersInput,
  type OutputKind,
  type ProtectedInput,
} from "../../runtime/output-ownership.js";
import { makeDiagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import type { CompilerHost } from "../host.js";
import { OUTPUTS } from "../../diagnostics/catalog/outputs.js";

/** An output path literal and what it is. */
export interface OutputLiteral {
  readonly kind: OutputKind;
  /** How the output is named in messages: `export`, `csv_logger(...)`. */
  readonly label: string;
  readonly literal: StringLiteral;
  /** The path written to when it is not the literal's (a Markdown report's chart beside it). */
  readonly path?: string;
}

/** The path argument of a call: the first positional argument or the named one. */
function pathArgument(call: Call, name: string): StringLiteral | undefined {
  const named = call.args.find((arg: Arg) => arg.name?.name === name);
  const value = named?.value ?? call.args.find((arg) => arg.name === undefined)?.value;
  return value?.kind === "String" ? value : undefined;
}

/** Every member of `members`, sections entered recursively. */
function* allMembers(
  members: readonly Member[],
  inside: readonly string[] = [],
): Generator<{ member: Member; inside: readonly string[] }> {
  for (const member of members) {
    yield { member, inside };
    if (member.kind === "Section") yield* allMembers(member.members, [...inside, member.name.name]);
  }
}

/** The experiment's output paths and data sources, as written. */
export function readPaths(declaration: ExperimentDecl): {
  outputs: OutputLiteral[];
  sources: { literal: StringLiteral; call: string }[];
} {
  const outputs: OutputLiteral[] = [];
  const sources: { literal: StringLiteral; call: string }[] = [];
  for (const { member, inside } of allMembers(declaration.members)) {
    const section = inside[inside.length - 1];
    if (member.kind === "Setting" && member.value.kind === "String") {
      if (member.name.name === "export" && section === undefined)
        outputs.push({ kind: "export", label: "export", literal: member.value });
      if (member.name.name === "report" && section === "evaluate")
        outputs.push({ kind: "report", label: "report", literal: member.value });
    }
    if (
      member.kind === "Setting" &&
      member.name.name === "source" &&
      section === "data" &&
      member.value.kind === "Call"
    ) {
      const call = member.value;
      const literal =
        call.callee.name === "csv"
          ? pathArgument(call, "path")
          : call.callee.name === "images"
            ? pathArgument(call, "dir")
            : undefined;
      if (literal !== undefined) sources.push({ literal, call: call.callee.name });
    }
    if (member.kind === "CallMember" && section === "callbacks") {
      const callee = member.call.callee.name;
      if (callee !== "model_checkpoint" && callee !== "csv_logger") continue;
      const literal = pathArgument(member.call, "path");
      if (literal !== undefined)
        outputs.push({ kind: callee === "csv_logger" ? "log" : "checkpoint", label: `${callee}(...)`, literal });
    }
  }
  return { outputs, sources };
}

const FOLDER_KINDS: ReadonlySet<OutputKind> = new Set(["export", "checkpoint"]);

/** Every node of `root` (any AST value) for which `visit` is called, depth first. */
function walkNodes(root: unknown, visit: (node: { kind: string } & Record<string, unknown>) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...(value as unknown[]));
    else if (typeof value === "object" && value !== null) {
      const node = value as Record<string, unknown>;
      if (typeof node["kind"] === "string") visit(node as { kind: string } & Record<string, unknown>);
      for (const key of Object.keys(node)) if (key !== "range") stack.push(node[key]);
    }
  }
}

/** A path a program reads: a data source or a pretrained model's folder, as an input no output may touch. */
interface ReadPath extends ProtectedInput {
  /** True for a pretrained model's folder, false for a data source. */
  readonly pretrained: boolean;
}

/** The data sources and pretrained model folders a subtree names, resolved from `file`. */
function readPathsIn(root: unknown, file: string, host: CompilerHost): ReadPath[] {
  const found: ReadPath[] = [];
  walkNodes(root, (node) => {
    if (node.kind !== "Call") return;
    const call = node as unknown as Call;
    const callee = call.callee.name;
    const literal =
      callee === "csv" || callee === "pretrained"
        ? pathArgument(call, "path")
        : callee === "images"
          ? pathArgument(call, "dir")
          : undefined;
    if (literal === undefined) return;
    const resolved = path.resolve(host.resolve(file, literal.value));
    if (callee === "pretrained") {
      // the model's folder: model.json and its weight files
      const folder = path.extname(resolved).toLowerCase() === ".json" ? path.dirname(resolved) : resolved;
      found.push({
        path: folder,
        what: `the pretrained model pretrained("${literal.value}")`,
        isFolder: true,
        pretrained: true,
      });
    } else {
      found.push({
        path: resolved,
        what: `data source ${callee}("${literal.value}")`,
        isFolder: callee === "images",
        pretrained: false,
      });
    }
  });
  return found;
}

/** Names of every identifier in a subtree (model references among them). */
function identifiersIn(root: unknown): Set<string> {
  const names = new Set<string>();
  walkNodes(root, (node) => {
    if ((node.kind === "Identifier" || node.kind === "Name") && typeof node["name"] === "string")
      names.add(node["name"]);
  });
  return names;
}

/** What the program reads: its files parsed once more (cheap next to checking them). */
interface ProgramReads {
  /** Data sources of every experiment, and every pretrained model, of every file. */
  readonly all: readonly ReadPath[];
  /** Declarations of the program's models by name, to find what an experiment's model reads. */
  readonly models: ReadonlyMap<string, { declaration: unknown; file: string }>;
}

/** Parsed program files by host, so the experiments of one file share one parse of it. */
const parsedFiles = new WeakMap<CompilerHost, Map<string, { text: string; ast: DlmFile }>>();

function parseOnce(host: CompilerHost, file: string, text: string): DlmFile {
  let files = parsedFiles.get(host);
  if (files === undefined) parsedFiles.set(host, (files = new Map()));
  const cached = files.get(file);
  if (cached?.text === text) return cached.ast;
  const ast = (host.parse ?? ((path: string, source: string) => parseDlm(source, path)))(file, text).ast;
  files.set(file, { text, ast });
  return ast;
}

function readProgram(programFiles: readonly string[], host: CompilerHost): ProgramReads {
  const all: ReadPath[] = [];
  const models = new Map<string, { declaration: unknown; file: string }>();
  for (const programFile of programFiles) {
    const text = host.readFile(programFile);
    if (text === undefined) continue;
    const ast = parseOnce(host, programFile, text);
    all.push(...readPathsIn(ast, programFile, host));
    for (const declaration of ast.declarations)
      if (declaration.kind === "Model" && !models.has(declaration.name.name))
        models.set(declaration.name.name, { declaration, file: programFile });
  }
  return { all, models };
}

/** The pretrained model folders the experiment's own model reads (inline, or models it names, transitively). */
function pretrainedReadBy(
  declaration: ExperimentDecl,
  file: string,
  program: ProgramReads,
  host: CompilerHost,
): Set<string> {
  const folders = new Set(
    readPathsIn(declaration, file, host)
      .filter((read) => read.pretrained)
      .map((read) => read.path),
  );
  const seen = new Set<string>();
  const pending = [...identifiersIn(declaration)];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const model = program.models.get(name);
    if (model === undefined || seen.has(name)) continue;
    seen.add(name);
    for (const read of readPathsIn(model.declaration, model.file, host)) if (read.pretrained) folders.add(read.path);
    pending.push(...identifiersIn(model.declaration));
  }
  return folders;
}

/** What may stand at an output path, in words. */
const OWNED_THING: Readonly<Record<OutputKind, string>> = {
  export: "a bundle DLM exported",
  checkpoint: "a checkpoint DLM saved",
  log: "a log csv_logger wrote",
  report: "a report DLM wrote",
};

/**
 * DLM520–DLM523 for one experiment of `file`. `programFiles` are the `.dlm` files of the
 * program (the file and what it imports); `host` resolves paths as the data checks do.
 */
export function checkOutputPaths(
  declaration: ExperimentDecl,
  file: string,
  programFiles: readonly string[],
  host: CompilerHost,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { outputs: written } = readPaths(declaration);
  if (written.length === 0) return diagnostics;
  // A Markdown report writes its charts beside it: outputs like any other, reported on the report's path.
  const outputs: OutputLiteral[] = written.flatMap((output) =>
    output.kind !== "report"
      ? [output]
      : [
          output,
          ...reportChartPaths(output.literal.value).map((chart) => ({
            ...output,
            label: `report chart "${chart}"`,
            path: chart,
          })),
        ],
  );
  const dlmDir = path.resolve(path.dirname(file));
  const program = readProgram(programFiles, host);
  const ownPretrained = pretrainedReadBy(declaration, file, program, host);
  const baseInputs: ProtectedInput[] = [
    ...programFiles.map((programFile) => ({
      path: path.resolve(programFile),
      what: programFile === file ? "the .dlm file" : `the imported file ${programFile}`,
    })),
    runFoldersInput(dlmDir),
  ];
  const onDisk = existsSync(path.resolve(file));
  const writtenPath = (output: OutputLiteral) => output.path ?? output.literal.value;
  const resolved = outputs.map((output) => path.resolve(dlmDir, writtenPath(output)));
  const reported = new Set<StringLiteral>();
  const report = (literal: StringLiteral, diagnostic: Diagnostic) => {
    // one diagnostic per literal: a report's charts share its literal and, mostly, its problem
    if (reported.has(literal)) return;
    reported.add(literal);
    diagnostics.push(diagnostic);
  };
  outputs.forEach((output, index) => {
    const { literal } = output;
    const value = writtenPath(output);
    // Another experiment's pretrained model may be this output when it is this export or checkpoint (the
    // experiment that makes it); a model this experiment reads, and data, never.
    const inputs: ProtectedInput[] = [
      ...baseInputs,
      ...program.all.filter(
        (read) =>
          !read.pretrained ||
          ownPretrained.has(read.path) ||
          !(FOLDER_KINDS.has(output.kind) && read.path === resolved[index]),
      ),
    ];
    const problem =
      outputPathProblem(value, dlmDir, inputs) ??
      (onDisk ? resolvedOutputPathProblem(value, dlmDir, inputs) : undefined);
    if (problem !== undefined) {
      report(
        literal,
        makeDiagnostic(problem.code, file, literal.range, {
          message: `${output.label}: ${problem.message}`,
          help: problem.help,
        }),
      );
      return;
    }
    const target = resolved[index]!;
    const overlapping = outputs.findIndex((other, otherIndex) => {
      if (otherIndex >= index) return false;
      const otherTarget = resolved[otherIndex]!;
      const inside = (inner: string, outer: string) => inner === outer || inner.startsWith(outer + path.sep);
      return (
        target === otherTarget ||
        (FOLDER_KINDS.has(other.kind) && inside(target, otherTarget)) ||
        (FOLDER_KINDS.has(output.kind) && inside(otherTarget, target))
      );
    });
    if (overlapping >= 0) {
      const other = outputs[overlapping]!;
      report(
        literal,
        makeDiagnostic(OUTPUTS.outputsOverlap, file, literal.range, {
          message: `${output.label}: output path "${value}" overlaps the path of ${other.label} ("${writtenPath(other)}"): one would overwrite the other`,
          related: [{ file, range: other.literal.range, message: "the other output" }],
          help: "give each output a path of its own",
        }),
      );
      return;
    }
    // The disk is consulted only for a .dlm that lives on it (not for in-memory test files).
    if (!onDisk) return;
    const ownership = dlmOwnership(target, output.kind);
    const previous = FOLDER_KINDS.has(output.kind)
      ? dlmOwnership(`${target}.previous`, output.kind)
      : { owned: true as const, exists: false };
    const refused = !ownership.owned
      ? { at: target, ownership }
      : !previous.owned
        ? { at: `${target}.previous`, ownership: previous }
        : undefined;
    if (refused !== undefined && !refused.ownership.owned) {
      report(
        literal,
        makeDiagnostic(OUTPUTS.outputHoldsForeignFiles, file, literal.range, {
          message: `${output.label}: ${refused.at} already exists and is not ${OWNED_THING[output.kind]}: ${refused.ownership.reason}`,
          notes: ["DLM replaces only files and folders it wrote; it never deletes anything else"],
          help: "move it away, or choose another path",
        }),
      );
    }
  });
  return diagnostics;
}
