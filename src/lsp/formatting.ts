/**
 * The hook for `dlm fmt` in the editor. No DLM formatter exists yet: when one does, pass
 * it as `formatDocument` to `createLanguageServer` (or to `startLanguageServer`) and the
 * server announces document formatting and answers with one whole-document edit.
 */
import type { TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";

/** Formats a `.dlm` text; undefined when it cannot (e.g. the file has syntax errors). */
export type DocumentFormatter = (text: string, file: string) => string | undefined;

/** The edits that turn the document into its formatted text (none when nothing changes). */
export function formattingEdits(document: TextDocument, file: string, format: DocumentFormatter): TextEdit[] {
  const text = document.getText();
  const formatted = format(text, file);
  if (formatted === undefined || formatted === text) return [];
  return [{ range: { start: document.positionAt(0), end: document.positionAt(text.length) }, newText: formatted }];
}
