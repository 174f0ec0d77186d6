/** Names declared twice where they must be unique: block parameters (DLM205). */
import type { BlockDecl } from "../../grammar/ast.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import type { CheckContext } from "./check-context.js";
import { NAMES } from "../../diagnostics/catalog/names.js";

/** DLM205: two parameters of one block share a name. */
export function reportDuplicateBlockParams(node: BlockDecl, context: CheckContext): void {
  const seen = new Map<string, BlockDecl["params"][number]>();
  for (const param of node.params) {
    if (param.missing || param.name.missing) continue;
    const first = seen.get(param.name.name);
    if (first === undefined) {
      seen.set(param.name.name, param);
      continue;
    }
    context.report(
      makeDiagnostic(NAMES.duplicateName, context.file, param.name.range, {
        message: `parameter \`${param.name.name}\` is declared twice in block \`${node.name.name}\``,
        related: [{ file: context.file, range: first.name.range, message: "first declared here" }],
      }),
    );
  }
}
