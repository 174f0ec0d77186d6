/**
 * Workspace symbols: the models, blocks and experiments of every open document and of
 * everything they import, matched against the query the way editors do (its letters in
 * order, case ignored).
 */
import { SymbolKind, type SymbolInformation } from "vscode-languageserver";
import type { CheckedDocument } from "./document-store.js";
import { toLocation } from "./source-ranges.js";

/** At most this many answers: a query of one letter in a large workspace stays a bounded reply. */
export const MAX_WORKSPACE_SYMBOLS = 500;

const KINDS = { model: SymbolKind.Class, block: SymbolKind.Function, experiment: SymbolKind.Module } as const;

/** The declarations matching `query` in the checks given, each once. */
export function workspaceSymbols(query: string, checks: readonly CheckedDocument[]): SymbolInformation[] {
  const seen = new Set<string>();
  const found: SymbolInformation[] = [];
  for (const checked of checks) {
    for (const symbol of checked.result.symbols) {
      const key = `${symbol.file}\u0000${symbol.nameRange.start}`;
      if (seen.has(key) || !matchesQuery(symbol.name, query)) continue;
      seen.add(key);
      const location = toLocation(checked, symbol.file, symbol.nameRange);
      if (location) found.push({ name: symbol.name, kind: KINDS[symbol.kind], location, containerName: symbol.kind });
      if (found.length >= MAX_WORKSPACE_SYMBOLS) return found;
    }
  }
  return found;
}

function matchesQuery(name: string, query: string): boolean {
  let at = 0;
  const lower = name.toLowerCase();
  for (const letter of query.toLowerCase()) {
    at = lower.indexOf(letter, at) + 1;
    if (at === 0) return false;
  }
  return true;
}
