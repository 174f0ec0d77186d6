/**
 * Between the compiler's character offsets and the protocol's line/character positions.
 * The compiler computes no lines; the server converts only what it sends.
 */
import type { Location, Range } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceRange } from "../../grammar/ast.js";
import { pathToUri, type CheckedDocument } from "./document-store.js";

/** The protocol range of an offset range in `document`. */
export function toLspRange(document: TextDocument, range: SourceRange): Range {
  return { start: document.positionAt(range.start), end: document.positionAt(range.end) };
}

/** The text of `file` as this check read it: the open document itself, or an imported file. */
export function documentOfFile(checked: CheckedDocument, file: string): TextDocument | undefined {
  if (file === checked.path) return checked.document;
  const source = checked.result.files.get(file);
  return source ? TextDocument.create(pathToUri(file), "dlm", 0, source.text) : undefined;
}

/** The protocol location of a range in any file the check read. */
export function toLocation(checked: CheckedDocument, file: string, range: SourceRange): Location | undefined {
  const document = documentOfFile(checked, file);
  return document ? { uri: pathToUri(file), range: toLspRange(document, range) } : undefined;
}

/** True when `offset` lies in `range`; `touching` also accepts the offset just past the end (a cursor after a word). */
export function rangeContains(range: SourceRange, offset: number, touching = false): boolean {
  return range.start <= offset && (offset < range.end || (touching && offset === range.end));
}
