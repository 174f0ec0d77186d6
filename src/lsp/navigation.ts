/**
 * Go to definition and find references for models and blocks (and experiments, which
 * nothing references but whose name still finds itself). The binder already resolved
 * every block use and `model: NAME` setting; this only looks them up by position.
 */
import type { Location } from "vscode-languageserver";
import type { DeclarationSymbol } from "../../compiler/binder.js";
import type { CheckedDocument } from "./document-store.js";
import { rangeContains, toLocation } from "./source-ranges.js";

/** The declaration named or used at `offset`, if any. */
export function symbolAt(checked: CheckedDocument, offset: number): DeclarationSymbol | undefined {
  const { result, path } = checked;
  const reference = result.references.find((ref) => ref.file === path && rangeContains(ref.range, offset, true));
  if (reference) return reference.symbol;
  return result.symbols.find((symbol) => symbol.file === path && rangeContains(symbol.nameRange, offset, true));
}

/** Where the model or block at `offset` is declared; an `import "…"` path goes to that file. */
export function definitionAt(checked: CheckedDocument, offset: number): Location | null {
  const symbol = symbolAt(checked, offset);
  if (symbol) return toLocation(checked, symbol.file, symbol.nameRange) ?? null;
  const source = checked.result.files.get(checked.path);
  const imported = source?.imports.find((entry) => entry.found && rangeContains(entry.node.path.range, offset));
  return imported ? (toLocation(checked, imported.path, { start: 0, end: 0 }) ?? null) : null;
}

/**
 * Every use of the model or block at `offset` in the checks given (the open documents and
 * what they import), with its declaration first when asked.
 */
export function referencesAt(
  checked: CheckedDocument,
  offset: number,
  includeDeclaration: boolean,
  everyCheck: readonly CheckedDocument[],
): Location[] {
  const symbol = symbolAt(checked, offset);
  if (!symbol) return [];
  const locations: Location[] = [];
  const seen = new Set<string>();
  const add = (from: CheckedDocument, file: string, start: number, end: number): void => {
    const key = `${file}\u0000${start}`;
    if (seen.has(key)) return;
    const location = toLocation(from, file, { start, end });
    if (!location) return;
    seen.add(key);
    locations.push(location);
  };
  if (includeDeclaration) add(checked, symbol.file, symbol.nameRange.start, symbol.nameRange.end);
  for (const from of [checked, ...everyCheck]) {
    for (const reference of from.result.references) {
      if (sameSymbol(reference.symbol, symbol)) add(from, reference.file, reference.range.start, reference.range.end);
    }
  }
  return locations;
}

function sameSymbol(a: DeclarationSymbol, b: DeclarationSymbol): boolean {
  return a.file === b.file && a.nameRange.start === b.nameRange.start && a.name === b.name;
}
