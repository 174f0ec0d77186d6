/**
 * Every name an editor can navigate, highlight and rename, with where it is declared and
 * used: models, blocks and experiments (the binder resolved them), block parameters (their
 * uses inside the block's body) and named layers (`features = flatten()`, used by
 * `pretrained(…, until: features)`). Built once per check from the syntax trees of every
 * file the check read, so a name is followed across imports.
 */
import type { AnyNode, BlockDecl, DlmFile, Layer, SourceRange } from "../../grammar/ast.js";
import { childrenOf } from "../../compiler/visit-ast.js";
import type { CheckedDocument } from "./document-store.js";
import { rangeContains } from "./source-ranges.js";

/** What kind of name an occurrence is. */
export type OccurrenceKind = "model" | "block" | "experiment" | "parameter" | "layer";

/** One place a name is written. */
export interface Occurrence {
  readonly kind: OccurrenceKind;
  readonly name: string;
  /** Equal for the declaration and every use of one thing. */
  readonly key: string;
  readonly file: string;
  readonly range: SourceRange;
  readonly declaration: boolean;
}

const indexes = new WeakMap<CheckedDocument, readonly Occurrence[]>();

/** Every occurrence in every file of the check, declarations included. */
export function occurrencesOf(checked: CheckedDocument): readonly Occurrence[] {
  const known = indexes.get(checked);
  if (known) return known;
  const occurrences: Occurrence[] = [];
  const { result } = checked;
  const symbolKey = (kind: string, file: string, start: number): string => `${kind}\u0000${file}\u0000${start}`;
  for (const symbol of result.symbols) {
    occurrences.push({ kind: symbol.kind, name: symbol.name, key: symbolKey(symbol.kind, symbol.file, symbol.nameRange.start), file: symbol.file, range: symbol.nameRange, declaration: true });
  }
  for (const reference of result.references) {
    const { symbol } = reference;
    occurrences.push({ kind: symbol.kind, name: symbol.name, key: symbolKey(symbol.kind, symbol.file, symbol.nameRange.start), file: reference.file, range: reference.range, declaration: false });
  }
  const layerUses: { file: string; name: string; range: SourceRange }[] = [];
  const layerNames = new Set<string>();
  for (const source of result.files.values()) {
    collectSyntaxOccurrences(source.path, source.ast, occurrences, layerUses, layerNames);
  }
  for (const use of layerUses) {
    if (layerNames.has(use.name)) occurrences.push({ kind: "layer", name: use.name, key: `layer\u0000${use.name}`, file: use.file, range: use.range, declaration: false });
  }
  indexes.set(checked, occurrences);
  return occurrences;
}

function collectSyntaxOccurrences(
  file: string,
  ast: DlmFile,
  occurrences: Occurrence[],
  layerUses: { file: string; name: string; range: SourceRange }[],
  layerNames: Set<string>,
): void {
  const visit = (node: AnyNode, block: BlockDecl | undefined): void => {
    if (node.missing) return;
    if (node.kind === "Block") block = node;
    if (node.kind === "BlockParam" && block && !node.name.missing) {
      occurrences.push({ kind: "parameter", name: node.name.name, key: parameterKey(file, block, node.name.name), file, range: node.name.range, declaration: true });
    }
    if (node.kind === "Name" && block && block.params.some((param) => !param.missing && param.name.name === node.name)) {
      occurrences.push({ kind: "parameter", name: node.name, key: parameterKey(file, block, node.name), file, range: node.range, declaration: false });
    }
    if (node.kind === "LayerCall" && node.layerName && !node.layerName.missing) {
      layerNames.add(node.layerName.name);
      occurrences.push({ kind: "layer", name: node.layerName.name, key: `layer\u0000${node.layerName.name}`, file, range: node.layerName.range, declaration: true });
    }
    if (node.kind === "Arg" && node.name?.name === "until" && node.value.kind === "Name") {
      layerUses.push({ file, name: node.value.name, range: node.value.range });
    }
    for (const child of childrenOf(node)) visit(child, block);
  };
  visit(ast, undefined);
}

function parameterKey(file: string, block: BlockDecl, name: string): string {
  return `parameter\u0000${file}\u0000${block.range.start}\u0000${name}`;
}

/** The occurrence under the cursor (a cursor just after a name counts) in the checked document. */
export function occurrenceAt(checked: CheckedDocument, offset: number): Occurrence | undefined {
  return occurrencesOf(checked).find((occurrence) => occurrence.file === checked.path && rangeContains(occurrence.range, offset, true));
}

/** Every occurrence of `key` seen by any of the checks, each place once. */
export function occurrencesOfKey(key: string, checks: readonly CheckedDocument[]): { from: CheckedDocument; occurrence: Occurrence }[] {
  const seen = new Set<string>();
  const found: { from: CheckedDocument; occurrence: Occurrence }[] = [];
  for (const from of checks) {
    for (const occurrence of occurrencesOf(from)) {
      const place = `${occurrence.file}\u0000${occurrence.range.start}`;
      if (occurrence.key !== key || seen.has(place)) continue;
      seen.add(place);
      found.push({ from, occurrence });
    }
  }
  return found;
}

/** The layers written in a body, recursively (calls inside `residual` and `repeat` too). */
export function layerCallsOf(body: readonly Layer[]): Layer[] {
  return body.flatMap((layer) =>
    layer.missing
      ? []
      : layer.kind === "LayerCall"
        ? [layer]
        : [layer, ...(layer.kind === "Residual" ? layer.options.flatMap((option) => layerCallsOf(option.body)) : []), ...layerCallsOf(layer.body)],
  );
}
