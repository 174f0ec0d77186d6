/**
 * Workspace symbols: the models, blocks and experiments of every open document, of
 * everything they import, and of the other `.dlm` files in the workspace folders, matched
 * against the query the way editors do (its letters in order, case ignored).
 */
import { SymbolKind, type SymbolInformation } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { pathToUri, type CheckedDocument } from "./document-store.js";
import { toLocation, toLspRange } from "./source-ranges.js";
import type { WorkspaceIndex } from "./workspace-index.js";

/** At most this many answers: a query of one letter in a large workspace stays a bounded reply. */
export const MAX_WORKSPACE_SYMBOLS = 500;

const KINDS = { model: SymbolKind.Class, block: SymbolKind.Function, experiment: SymbolKind.Module } as const;

/** The declarations matching `query` in the checks given, each once. */
export function workspaceSymbols(query: string, checks: readonly CheckedDocument[], index?: WorkspaceIndex): SymbolInformation[] {
  const seen = new Set<string>();
  const found: SymbolInformation[] = [];
  const files = new Set(checks.flatMap((checked) => [...checked.result.files.keys()]));
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
  const documents = new Map<string, TextDocument>();
  for (const { file, text, declaration } of index?.declarations(files) ?? []) {
    if (!matchesQuery(declaration.name.name, query)) continue;
    let document = documents.get(file);
    if (!document) documents.set(file, (document = TextDocument.create(pathToUri(file), "dlm", 0, text)));
    const kind = declaration.kind === "Model" ? "model" : declaration.kind === "Block" ? "block" : "experiment";
    found.push({ name: declaration.name.name, kind: KINDS[kind], location: { uri: document.uri, range: toLspRange(document, declaration.name.range) }, containerName: kind });
    if (found.length >= MAX_WORKSPACE_SYMBOLS) return found;
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
