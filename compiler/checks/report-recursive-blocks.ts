/** A block that uses itself, directly or through other blocks, would expand forever (DLM214). */
import type { BlockDecl } from "../../grammar/ast.js";
import { lookupBlock, type Binding, type BlockSymbol } from "../binder.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import { forEachLayer } from "../visit-ast.js";
import type { CheckContext } from "./check-context.js";
import { NAMES } from "../../diagnostics/catalog/names.js";

/** The blocks a block's body uses directly, with the callee identifier of each use. */
function blockUses(block: BlockSymbol, binding: Binding): { symbol: BlockSymbol; range: BlockDecl["range"] }[] {
  const uses: { symbol: BlockSymbol; range: BlockDecl["range"] }[] = [];
  forEachLayer(block.declaration.body, (layer) => {
    if (layer.kind !== "LayerCall" || layer.call.callee.missing) return;
    const used = lookupBlock(binding, block.file, layer.call.callee.name);
    if (used) uses.push({ symbol: used, range: layer.call.callee.range });
  });
  return uses;
}

/** A chain of blocks from `from` back to `target`, if there is one. */
function pathTo(from: BlockSymbol, target: BlockDecl, binding: Binding, visited: Set<BlockDecl>): string[] | undefined {
  if (from.declaration === target) return [from.name];
  if (visited.has(from.declaration)) return undefined;
  visited.add(from.declaration);
  for (const use of blockUses(from, binding)) {
    const rest = pathTo(use.symbol, target, binding, visited);
    if (rest) return [from.name, ...rest];
  }
  return undefined;
}

/** DLM214: reported at the first use inside the block that leads back to it. */
export function reportRecursiveBlock(node: BlockDecl, context: CheckContext): void {
  if (node.missing || node.name.missing) return;
  const self = lookupBlock(context.binding, context.file, node.name.name);
  if (self === undefined || self.declaration !== node) return;
  for (const use of blockUses(self, context.binding)) {
    const chain = pathTo(use.symbol, node, context.binding, new Set());
    if (chain === undefined) continue;
    context.report(
      makeDiagnostic(NAMES.recursiveBlock, context.file, use.range, {
        message: `block \`${node.name.name}\` uses itself: ${[node.name.name, ...chain].join(" → ")}`,
        help: "a block is expanded where it is used, so it cannot contain itself; use `repeat N { … }` to stack copies",
      }),
    );
    return;
  }
}
