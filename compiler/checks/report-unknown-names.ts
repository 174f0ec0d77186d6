/** Names that mean nothing: unknown layers (DLM201) and unknown block parameter types (DLM213). */
import type { BlockParam, LayerCall } from "../../grammar/ast.js";
import { lookupBlock, lookupSymbol, visibleBlockNames } from "../binder.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { LAYERS } from "../layers/registry.js";
import { argumentProblemDiagnostic, BLOCK_PARAM_TYPES, isBlockParamType, unknownLayerProblem } from "../resolve-args.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { CheckContext } from "./check-context.js";
import { NAMES } from "../../diagnostics/catalog/names.js";

/** DLM201: a layer body names something that is neither a layer nor a block in scope. */
export function reportUnknownLayer(node: LayerCall, context: CheckContext): void {
  const callee = node.call.callee;
  if (node.missing || node.call.missing || callee.missing) return;
  if (lookupBlock(context.binding, context.file, callee.name) || LAYERS.has(callee.name)) return;
  const other = lookupSymbol(context.binding, context.file, callee.name);
  const note = other
    ? `\`${callee.name}\` is a ${other.kind}; only layers and blocks can be used here` +
      (other.kind === "model" ? " (declare it as a `block` to reuse its layers)" : "")
    : undefined;
  const problem = unknownLayerProblem(callee, context.file, false, visibleBlockNames(context.binding, context.file), note);
  context.report(argumentProblemDiagnostic(problem));
}

/** DLM213: a block parameter declares a type other than int, float, string, bool, shape, activation. */
export function reportUnknownParamType(node: BlockParam, context: CheckContext): void {
  const type = node.type;
  if (node.missing || type === undefined || type.missing || isBlockParamType(type.name)) return;
  const help = didYouMean(type.name, BLOCK_PARAM_TYPES);
  context.report(
    makeDiagnostic(NAMES.unknownParameterType, context.file, type.range, {
      message: `unknown parameter type \`${type.name}\``,
      ...(help ? { help } : {}),
      notes: [`parameter types: ${BLOCK_PARAM_TYPES.join(", ")}`],
    }),
  );
}
