/**
 * The checker: runs the table of small named checks over every node of a file, each
 * check registered for the node kinds it cares about. Checks see the binder's scopes
 * and the value environment (inside a block, its parameters are placeholders, so
 * anything that depends on them waits for the block's expansion).
 */
import type { AnyNode, BlockDecl, Declaration } from "../grammar/ast.js";
import type { Binding, SourceFile } from "./binder.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ConstantValue, ValueEnvironment } from "./constant-values.js";
import { isBlockParamType } from "./resolve-args.js";
import type { CheckContext, CheckTable } from "./checks/check-context.js";
import { checkLayerArguments } from "./checks/check-layer-arguments.js";
import { checkModelInput } from "./checks/check-model-input.js";
import { checkResidualOptions } from "./checks/check-residual.js";
import { checkBlockParamDefault, checkRepeatCount, reportFoldProblems } from "./checks/check-values.js";
import { reportDuplicateBlockParams } from "./checks/report-duplicate-names.js";
import { reportRecursiveBlock } from "./checks/report-recursive-blocks.js";
import { reportUnknownLayer, reportUnknownParamType } from "./checks/report-unknown-names.js";
import { walk } from "./visit-ast.js";

/** Every per-node check, by the node kind it runs on. */
export const CHECKS: CheckTable = {
  Model: [checkModelInput],
  Block: [reportDuplicateBlockParams, reportRecursiveBlock],
  BlockParam: [reportUnknownParamType, checkBlockParamDefault],
  LayerCall: [reportUnknownLayer, checkLayerArguments],
  Repeat: [checkRepeatCount],
  Residual: [checkResidualOptions],
  Binary: [reportFoldProblems],
};

/** The environment inside a block: each parameter a placeholder of its declared type. */
export function blockEnvironment(block: BlockDecl, file: string): ValueEnvironment {
  const parameters = new Map<string, ConstantValue>();
  for (const param of block.params) {
    if (param.missing || param.name.missing || parameters.has(param.name.name)) continue;
    const type = param.type && isBlockParamType(param.type.name) ? param.type.name : undefined;
    parameters.set(param.name.name, {
      kind: "parameter",
      name: param.name.name,
      ...(type ? { type } : {}),
      origin: { file, range: param.name.range, substituted: false },
    });
  }
  return { file, parameters };
}

type AnyCheck = (node: AnyNode, context: CheckContext) => void;

/** Runs the check table over one file's declarations; returns what the checks reported. */
export function checkDeclarations(file: SourceFile, binding: Binding, checks: CheckTable = CHECKS): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (diagnostic: Diagnostic): void => {
    diagnostics.push(diagnostic);
  };
  const visit = (root: AnyNode, declaration: Declaration | undefined, environment: ValueEnvironment): void => {
    const context: CheckContext = { file: file.path, binding, declaration, environment, report };
    walk(root, (node) => {
      for (const check of (checks[node.kind] ?? []) as readonly AnyCheck[]) check(node, context);
    });
  };
  for (const imported of file.ast.imports) visit(imported, undefined, { file: file.path });
  for (const declaration of file.ast.declarations) {
    if (declaration.missing) continue;
    const environment = declaration.kind === "Block" ? blockEnvironment(declaration, file.path) : { file: file.path };
    visit(declaration, declaration, environment);
  }
  return diagnostics;
}
