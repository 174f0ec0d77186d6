/**
 * Arguments of every layer call and block use, checked where they are written:
 * matching (DLM202, DLM210, DLM304), missing ones (DLM303), types (DLM301),
 * bounds and options (DLM302), activations (DLM212) and the layer's own rules (DLM307).
 * Values that depend on a block parameter wait for the block's expansion.
 */
import type { LayerCall } from "../../grammar/ast.js";
import { lookupBlock } from "../binder.js";
import { foldConstant } from "../constant-values.js";
import { atSearchPoint, FIRST_POINT } from "../experiments/search-spaces.js";
import { lookupLayer } from "../layers/registry.js";
import {
  argumentProblemDiagnostic,
  resolveBlockArguments,
  resolveLayerArguments,
  type ArgumentProblem,
  type ConstantCall,
} from "../resolve-args.js";
import type { CheckContext } from "./check-context.js";

/** Checks one layer call's (or block use's) arguments. */
export function checkLayerArguments(node: LayerCall, context: CheckContext): void {
  if (node.missing || node.call.missing || node.call.callee.missing) return;
  const evaluated = foldConstant(node.call, context.environment);
  if (evaluated.kind !== "call") return;
  const call: ConstantCall = evaluated;
  const block = lookupBlock(context.binding, context.file, call.callee.name);
  let problems: readonly ArgumentProblem[] = [];
  if (block) {
    problems = resolveBlockArguments(call, block.declaration, block.file).problems;
  } else {
    const definition = lookupLayer(call.callee.name);
    // A search space stands at its first value here; the experiment that tunes the model checks the others.
    if (definition) problems = resolveLayerArguments(atSearchPoint(call, FIRST_POINT), definition).problems;
  }
  for (const problem of problems) {
    if (!problem.substituted) context.report(argumentProblemDiagnostic(problem));
  }
}
