/**
 * DLM420: what `residual(...)` may hold in its parentheses. `shortcut: { layers }` is the
 * one option (a projection shortcut, as ResNet's first block of each stage); another name,
 * the same option twice, or an empty shortcut is reported where it is written.
 */
import type { ResidualLayer } from "../../grammar/ast.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { CheckContext } from "./check-context.js";
import { ARCHITECTURES } from "../../diagnostics/catalog/zoo.js";

const RESIDUAL_OPTIONS = ["shortcut"];

/** Reports unknown, repeated and empty `residual(...)` options. */
export function checkResidualOptions(node: ResidualLayer, context: CheckContext): void {
  if (node.missing) return;
  const seen = new Set<string>();
  for (const option of node.options) {
    if (option.missing || option.name.missing) continue;
    const name = option.name.name;
    if (!RESIDUAL_OPTIONS.includes(name)) {
      const help = didYouMean(name, RESIDUAL_OPTIONS);
      context.report(
        makeDiagnostic(ARCHITECTURES.residualOption, context.file, option.name.range, {
          message: `unknown residual option \`${name}\`; the option is \`shortcut: { layers }\``,
          help: help ?? "write `residual(shortcut: { conv2d(…) batch_norm }) { … }` for a projection shortcut, or `residual { … }` to add the input itself",
        }),
      );
      continue;
    }
    if (seen.has(name)) {
      context.report(
        makeDiagnostic(ARCHITECTURES.residualOption, context.file, option.name.range, {
          message: `\`${name}\` is given twice in one \`residual\``,
          help: "a residual has one shortcut: keep one",
        }),
      );
      continue;
    }
    seen.add(name);
    if (option.body.length === 0) {
      context.report(
        makeDiagnostic(ARCHITECTURES.residualOption, context.file, option.range, {
          message: "the shortcut is empty",
          help: "an empty shortcut adds the input itself: write `residual { … }` without `shortcut:`",
        }),
      );
    }
  }
}
