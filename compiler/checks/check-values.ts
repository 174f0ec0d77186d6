/**
 * Values checked where they are written: constant arithmetic (DLM305 division by zero,
 * DLM301 arithmetic on a non-number), repeat counts (DLM308) and block parameter
 * defaults against their declared types (DLM301).
 */
import type { BinaryExpr, BlockParam, RepeatLayer } from "../../grammar/ast.js";
import { foldConstant, foldProblemDiagnostic, type FoldProblem } from "../constant-values.js";
import { readRepeatCount } from "../expand-model.js";
import { argumentProblemDiagnostic, checkBlockParamValue, isBlockParamType } from "../resolve-args.js";
import type { CheckContext } from "./check-context.js";

/** DLM305 / DLM301: folding this expression fails (inner expressions report their own). */
export function reportFoldProblems(node: BinaryExpr, context: CheckContext): void {
  if (node.missing) return;
  const problems: FoldProblem[] = [];
  foldConstant(node, context.environment, problems);
  for (const problem of problems) {
    if (problem.expression === node && !problem.substituted) context.report(foldProblemDiagnostic(problem));
  }
}

/** DLM308: `repeat N` needs a positive integer N (known here, or a block parameter). */
export function checkRepeatCount(node: RepeatLayer, context: CheckContext): void {
  if (node.missing) return;
  const count = readRepeatCount(foldConstant(node.count, context.environment));
  if (count.kind === "problem" && !count.problem.substituted) context.report(argumentProblemDiagnostic(count.problem));
}

/** DLM301: a block parameter's default does not fit its declared type. */
export function checkBlockParamDefault(node: BlockParam, context: CheckContext): void {
  if (node.missing || node.defaultValue === undefined || node.type === undefined || !isBlockParamType(node.type.name)) return;
  const value = foldConstant(node.defaultValue, { file: context.file });
  const problem = checkBlockParamValue(value, node.type.name, `the default of \`${node.name.name}\``);
  if (problem) context.report(argumentProblemDiagnostic(problem));
}
