/**
 * Go to definition, find references, document highlight and rename for every name the
 * symbol index knows (`symbol-index.ts`): models, blocks, experiments, block parameters and
 * named layers, across imports and across the open documents.
 */
import { DocumentHighlightKind, ErrorCodes, ResponseError, type DocumentHighlight, type Location, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import { lookupLayer } from "../../compiler/layers/registry.js";
import type { CheckedDocument } from "./document-store.js";
import { occurrenceAt, occurrencesOfKey, type Occurrence } from "./symbol-index.js";
import { rangeContains, toLocation, toLspRange } from "./source-ranges.js";

/** Where the name at `offset` is declared; an `import "…"` path goes to that file. */
export function definitionAt(checked: CheckedDocument, offset: number, everyCheck: readonly CheckedDocument[] = []): Location | null {
  const occurrence = occurrenceAt(checked, offset);
  if (occurrence) {
    const declaration = occurrencesOfKey(occurrence.key, [checked, ...everyCheck]).find((found) => found.occurrence.declaration);
    if (declaration) return toLocation(declaration.from, declaration.occurrence.file, declaration.occurrence.range) ?? null;
  }
  const source = checked.result.files.get(checked.path);
  const imported = source?.imports.find((entry) => entry.found && rangeContains(entry.node.path.range, offset));
  return imported ? (toLocation(checked, imported.path, { start: 0, end: 0 }) ?? null) : null;
}

/** Every use of the name at `offset` in the checks given (the open documents and what they import), its declaration first when asked. */
export function referencesAt(checked: CheckedDocument, offset: number, includeDeclaration: boolean, everyCheck: readonly CheckedDocument[]): Location[] {
  const occurrence = occurrenceAt(checked, offset);
  if (!occurrence) return [];
  const found = occurrencesOfKey(occurrence.key, [checked, ...everyCheck])
    .filter((entry) => includeDeclaration || !entry.occurrence.declaration)
    .sort((a, b) => Number(b.occurrence.declaration) - Number(a.occurrence.declaration));
  return found.flatMap(({ from, occurrence: each }) => toLocation(from, each.file, each.range) ?? []);
}

/** The other places in this document where the name at `offset` is written (its declaration marked as a write). */
export function documentHighlightsAt(checked: CheckedDocument, offset: number): DocumentHighlight[] {
  const occurrence = occurrenceAt(checked, offset);
  if (!occurrence) return [];
  return occurrencesOfKey(occurrence.key, [checked])
    .filter(({ occurrence: each }) => each.file === checked.path)
    .map(({ occurrence: each }) => ({
      range: toLspRange(checked.document, each.range),
      kind: each.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}

/** The range and current text of the name a rename at `offset` would change; null where nothing can be renamed. */
export function prepareRenameAt(checked: CheckedDocument, offset: number): { range: Range; placeholder: string } | null {
  const occurrence = occurrenceAt(checked, offset);
  return occurrence ? { range: toLspRange(checked.document, occurrence.range), placeholder: occurrence.name } : null;
}

const KEYWORDS = new Set(["model", "block", "experiment", "import", "residual", "repeat", "true", "false"]);

/** Renames the name at `offset` everywhere the checks see it; a name DLM cannot take is refused with a message. */
export function renameAt(checked: CheckedDocument, offset: number, newName: string, everyCheck: readonly CheckedDocument[]): WorkspaceEdit | ResponseError {
  const occurrence = occurrenceAt(checked, offset);
  if (!occurrence) return new ResponseError(ErrorCodes.InvalidRequest, "nothing to rename here: put the cursor on a model, block, experiment, block parameter or named layer");
  const refusal = renameRefusal(occurrence, newName);
  if (refusal) return new ResponseError(ErrorCodes.InvalidParams, refusal);
  const changes: Record<string, TextEdit[]> = {};
  for (const { from, occurrence: each } of occurrencesOfKey(occurrence.key, [checked, ...everyCheck])) {
    const location = toLocation(from, each.file, each.range);
    if (location) (changes[location.uri] ??= []).push({ range: location.range, newText: newName });
  }
  return { changes };
}

function renameRefusal(occurrence: Occurrence, newName: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return `\`${newName}\` is not a DLM name (letters, digits and _, not starting with a digit)`;
  if (KEYWORDS.has(newName)) return `\`${newName}\` is a keyword`;
  if (occurrence.kind === "block" && lookupLayer(newName)) return `\`${newName}\` is a built-in layer: a block of that name could not be used`;
  return undefined;
}
