/**
 * Quick fixes: the `fixes` a diagnostic carries from where the compiler made it (a
 * misspelt name, `padding: same`, a `flatten` before a layer, the loss for the task, the
 * data's input shape) as code actions with workspace edits. A fix that inserts a whole line
 * (its text ends with a newline) gets the indentation of the line it goes before.
 */
import { CodeActionKind, type CodeAction, type TextEdit } from "vscode-languageserver";
import type { Diagnostic, DiagnosticFix } from "../../diagnostics/diagnostic.js";
import type { SourceRange } from "../../grammar/ast.js";
import { toLspDiagnostic } from "./diagnostics.js";
import { pathToUri, type CheckedDocument } from "./document-store.js";
import { documentOfFile, toLspRange } from "./source-ranges.js";

/** The quick fixes of the document's diagnostics that touch `range` (offsets). */
export function codeActionsFor(checked: CheckedDocument, range: SourceRange): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of checked.result.diagnostics) {
    if (diagnostic.file !== checked.path || !diagnostic.fixes) continue;
    if (diagnostic.range.end < range.start || diagnostic.range.start > range.end) continue;
    for (const fix of diagnostic.fixes) {
      const action = codeAction(checked, diagnostic, fix, diagnostic.fixes.length === 1);
      if (action) actions.push(action);
    }
  }
  return actions;
}

function codeAction(checked: CheckedDocument, diagnostic: Diagnostic, fix: DiagnosticFix, preferred: boolean): CodeAction | undefined {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of fix.edits) {
    const document = documentOfFile(checked, edit.file);
    if (!document) return undefined;
    let newText = edit.newText;
    if (edit.range.start === edit.range.end && newText.endsWith("\n")) {
      const lineStart = document.offsetAt({ line: document.positionAt(edit.range.start).line, character: 0 });
      newText += /^[ \t]*/.exec(document.getText().slice(lineStart, edit.range.start))![0];
    }
    (changes[pathToUri(edit.file)] ??= []).push({ range: toLspRange(document, edit.range), newText });
  }
  return {
    title: fix.title.charAt(0).toUpperCase() + fix.title.slice(1),
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(checked, diagnostic)],
    isPreferred: preferred,
    edit: { changes },
  };
}
