/** A model's declared input must be a shape (DLM405). */
import type { ModelDecl } from "../../grammar/ast.js";
import { readInputShape } from "../infer-shapes.js";
import type { CheckContext } from "./check-context.js";

/** DLM405: `input:` is not a list of positive integers or `?`. */
export function checkModelInput(node: ModelDecl, context: CheckContext): void {
  if (node.missing || node.input === undefined) return;
  const read = readInputShape(node.input, context.file);
  if (!read.ok && read.diagnostic) context.report(read.diagnostic);
}
