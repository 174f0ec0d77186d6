/**
 * Signature help: inside the parentheses of a layer, block, optimizer, callback,
 * augmentation or data source call, its signature with the parameter at the cursor
 * highlighted, read from the same registries as hover and completion.
 */
import { MarkupKind, type ParameterInformation, type SignatureHelp } from "vscode-languageserver";
import { callAt } from "./completion-context.js";
import { targetParams } from "./completion.js";
import type { CheckedDocument } from "./document-store.js";
import { resolveCallTarget } from "./schema-lookup.js";
import { paramDefaultText, paramTypeText } from "./signatures.js";

/** Characters after which the editor asks for signature help. */
export const SIGNATURE_TRIGGER_CHARACTERS = ["(", ","];

/** The signature of the call around `offset`, or null outside calls and for unknown names. */
export function signatureHelpAt(checked: CheckedDocument, offset: number): SignatureHelp | null {
  if (!checked.result.files.has(checked.path)) return null;
  const call = callAt(checked.document.getText(), offset);
  if (!call) return null;
  const target = resolveCallTarget(call.callee, call.place, checked.result.binding, checked.path);
  if (!target) return null;
  const params = targetParams(target, checked);
  let label = `${call.callee}(`;
  const parameters: ParameterInformation[] = params.map((param, index) => {
    const fallback = paramDefaultText(param);
    const text = fallback === undefined ? param.name : `${param.name} = ${fallback}`;
    if (index > 0) label += ", ";
    const start = label.length;
    label += text;
    return {
      label: [start, label.length],
      documentation: { kind: MarkupKind.Markdown, value: `\`${param.name}\`: ${paramTypeText(param)}${fallback === undefined ? ", required" : ""} — ${param.doc}` },
    };
  });
  label += ")";
  const named = call.argumentName === undefined ? -1 : params.findIndex((param) => param.name === call.argumentName);
  const activeParameter = call.argumentName === undefined ? call.positionalBefore : named;
  const doc = target.kind === "layer" ? target.definition.doc : target.kind === "entry" ? target.entry.doc : (target.symbol.doc ?? `Block \`${target.symbol.name}\`.`);
  return {
    signatures: [{ label, documentation: { kind: MarkupKind.Markdown, value: doc }, parameters }],
    activeSignature: 0,
    // Past the last parameter (or a name the call does not take) nothing is highlighted.
    activeParameter: activeParameter >= 0 && activeParameter < params.length ? activeParameter : params.length,
  };
}
