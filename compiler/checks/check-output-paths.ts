/**
 * Output paths of an experiment (DLM520–DLM523), positioned on the path literal: `export`,
 * `model_checkpoint` and `csv_logger` paths, `evaluate.report`. An output must not be or
 * contain the `.dlm` file, a file of the program (imports), a data source or the `.dlm`'s
 * folder (DLM520); a relative one must not climb out of that folder (DLM521); what already
 * stands there must be something DLM wrote (DLM522, read from the disk); two outputs of one
 * experiment must not overlap (DLM523). The runtime checks the same rules again before it
 * trains (`runtime/check-outputs.ts`).
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { Arg, Call, ExperimentDecl, Member, StringLiteral } from "../../grammar/ast.js";
import {
  dlmOwnership,
  outputPathProblem,
  type OutputKind,
  type ProtectedInput,
} from "../../runtime/output-ownership.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostics.js";
import type { CompilerHost } from "../host.js";

/** An output path literal and what it is. */
export interface OutputLiteral {
  readonly kind: OutputKind;
  /** How the output is named in messages: `export`, `csv_logger(...)`. */
  readonly label: string;
  readonly literal: StringLiteral;
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
  const { outputs, sources } = readPaths(declaration);
  if (outputs.length === 0) return diagnostics;
  const dlmDir = path.resolve(path.dirname(file));
  const inputs: ProtectedInput[] = [
    ...programFiles.map((programFile) => ({
      path: path.resolve(programFile),
      what: programFile === file ? "the .dlm file" : `the imported file ${programFile}`,
    })),
    ...sources.map(({ literal, call }) => ({
      path: path.resolve(host.resolve(file, literal.value)),
      what: `data source ${call}("${literal.value}")`,
      isFolder: call === "images",
    })),
  ];
  const onDisk = existsSync(path.resolve(file));
  const resolved = outputs.map((output) => path.resolve(dlmDir, output.literal.value));
  outputs.forEach((output, index) => {
    const { literal } = output;
    const problem = outputPathProblem(literal.value, dlmDir, inputs);
    if (problem !== undefined) {
      diagnostics.push(
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
      diagnostics.push(
        makeDiagnostic("DLM523", file, literal.range, {
          message: `${output.label}: output path "${literal.value}" overlaps the path of ${other.label} ("${other.literal.value}"): one would overwrite the other`,
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
      diagnostics.push(
        makeDiagnostic("DLM522", file, literal.range, {
          message: `${output.label}: ${refused.at} already exists and is not ${OWNED_THING[output.kind]}: ${refused.ownership.reason}`,
          notes: ["DLM replaces only files and folders it wrote; it never deletes anything else"],
          help: "move it away, or choose another path",
        }),
      );
    }
  });
  return diagnostics;
}
