/**
 * Folding ranges: every `{ … }` that spans lines — models, blocks, experiments, sections,
 * inline models, `residual` and `repeat` bodies — folds, leaving its closing brace visible.
 */
import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver";
import type { AnyNode } from "../../grammar/ast.js";
import { childrenOf } from "../../compiler/visit-ast.js";
import type { CheckedDocument } from "./document-store.js";

const FOLDABLE: ReadonlySet<AnyNode["kind"]> = new Set(["Model", "Block", "Experiment", "Section", "InlineModel", "Residual", "Repeat"]);

/** The folding ranges of the checked document (from its syntax tree, so they follow the text even with errors). */
export function foldingRanges(checked: CheckedDocument): FoldingRange[] {
  const source = checked.result.files.get(checked.path);
  if (!source) return [];
  const ranges: FoldingRange[] = [];
  const visit = (node: AnyNode): void => {
    if (node.missing) return;
    if (FOLDABLE.has(node.kind)) {
      const startLine = checked.document.positionAt(node.range.start).line;
      const endLine = checked.document.positionAt(node.range.end).line;
      // The line before the closing brace, so `}` stays in view.
      const lastFolded = checked.document.getText().charAt(node.range.end - 1) === "}" ? endLine - 1 : endLine;
      if (lastFolded > startLine) ranges.push({ startLine, endLine: lastFolded, kind: FoldingRangeKind.Region });
    }
    for (const child of childrenOf(node)) visit(child);
  };
  for (const declaration of source.ast.declarations) visit(declaration);
  const imports = source.ast.imports.filter((entry) => !entry.missing);
  if (imports.length > 1) {
    ranges.push({ startLine: checked.document.positionAt(imports[0]!.range.start).line, endLine: checked.document.positionAt(imports[imports.length - 1]!.range.end).line, kind: FoldingRangeKind.Imports });
  }
  return ranges;
}
