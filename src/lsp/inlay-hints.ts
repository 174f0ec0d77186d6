/**
 * Inlay hints: after each layer, the shape it gives and its weights (`→ [26, 26, 32] · 320
 * params`), from the shapes the checker inferred (the numbers hover shows). A layer written
 * inside a block gets one hint when every use gives the same shape, else the shapes side by
 * side; a block use gets the shape its expansion ends with.
 */
import { InlayHintKind, type InlayHint } from "vscode-languageserver";
import type { SourceRange } from "../../grammar/ast.js";
import type { InferredLayer } from "../../compiler/infer-shapes.js";
import { formatShape } from "../../compiler/layers/shape-arithmetic.js";
import type { CheckedDocument } from "./document-store.js";

/** At most this many hints per answer: a generated 100,000-line model stays a bounded answer. */
export const MAX_INLAY_HINTS = 5_000;

/** The hints whose position lies in `range` (offsets), one per layer call or block use. */
export function inlayHints(checked: CheckedDocument, range: SourceRange): InlayHint[] {
  const outputs = new Map<number, { shapes: Set<string>; params: Set<number> }>();
  const note = (end: number, shape: string, params: number): void => {
    if (end < range.start || end > range.end) return;
    const entry = outputs.get(end) ?? { shapes: new Set(), params: new Set() };
    entry.shapes.add(shape);
    entry.params.add(params);
    outputs.set(end, entry);
  };
  for (const layer of checked.result.layers) {
    if (layer.file === checked.path && layer.kind !== "add") note(layer.range.end, formatShape(layer.output), layer.params);
  }
  for (const run of blockUseRuns(checked)) {
    const last = run.layers[run.layers.length - 1]!;
    note(run.site.end, formatShape(last.output), run.layers.reduce((sum, layer) => sum + layer.params, 0));
  }
  return [...outputs]
    .sort(([a], [b]) => a - b)
    .slice(0, MAX_INLAY_HINTS)
    .map(([end, entry]) => ({
      position: checked.document.positionAt(end),
      label: `→ ${[...entry.shapes].slice(0, 3).join(" | ")}${entry.shapes.size > 3 ? " | …" : ""}${paramsText(entry.params)}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
    }));
}

function paramsText(params: ReadonlySet<number>): string {
  if (params.size !== 1) return "";
  const [count] = params;
  return count === 0 ? "" : ` · ${count!.toLocaleString("en-US")} params`;
}

/** The layers each block use written in this document expanded into, use by use. */
function blockUseRuns(checked: CheckedDocument): { site: SourceRange; layers: InferredLayer[] }[] {
  const runs: { site: SourceRange; layers: InferredLayer[] }[] = [];
  let open: { key: string; run: { site: SourceRange; layers: InferredLayer[] } } | undefined;
  for (const layer of checked.result.layers) {
    const site = layer.origin.find((use) => use.file === checked.path);
    const key = site ? `${layer.model}\u0000${site.range.start}` : undefined;
    if (site && open && key === open.key) open.run.layers.push(layer);
    else if (site && key) {
      open = { key, run: { site: site.range, layers: [layer] } };
      runs.push(open.run);
    } else open = undefined;
  }
  return runs;
}
