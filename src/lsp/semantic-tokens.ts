/**
 * Semantic tokens: colours from meaning, where the TextMate grammar can only see words. Models,
 * blocks, experiments, block parameters and named layers each get their own type; built-in
 * layers are functions marked `defaultLibrary`; a name in layer position that is neither a
 * layer nor a visible block is `unresolved`, so a typo stands out before the diagnostic is read.
 */
import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver";
import type { Declaration, Layer, SourceRange } from "../../grammar/ast.js";
import { lookupLayer } from "../../compiler/layers/registry.js";
import { lookupBlock } from "../../compiler/binder.js";
import type { CheckedDocument } from "./document-store.js";
import { layerCallsOf, occurrencesOf, type OccurrenceKind } from "./symbol-index.js";

const TOKEN_TYPES = ["class", "function", "namespace", "parameter", "variable", "unresolved"] as const;
const TOKEN_MODIFIERS = ["declaration", "defaultLibrary"] as const;

/** The legend the server announces; `unresolved` is DLM's own type (the extension declares it). */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];

const TYPE_OF: Readonly<Record<OccurrenceKind, TokenType>> = {
  model: "class",
  block: "function",
  experiment: "namespace",
  parameter: "parameter",
  layer: "variable",
};

interface Token {
  readonly range: SourceRange;
  readonly type: TokenType;
  readonly modifiers: number;
}

/** The tokens of the checked document, encoded as the protocol wants (relative positions). */
export function semanticTokens(checked: CheckedDocument): SemanticTokens {
  const tokens = new Map<number, Token>();
  const add = (token: Token): void => {
    if (token.range.end > token.range.start && !tokens.has(token.range.start)) tokens.set(token.range.start, token);
  };
  for (const occurrence of occurrencesOf(checked)) {
    if (occurrence.file !== checked.path) continue;
    add({ range: occurrence.range, type: TYPE_OF[occurrence.kind], modifiers: occurrence.declaration ? 1 : 0 });
  }
  const source = checked.result.files.get(checked.path);
  for (const body of source ? layerBodies(source.ast.declarations) : []) {
    for (const layer of layerCallsOf(body)) {
      if (layer.kind !== "LayerCall" || layer.call.callee.missing) continue;
      const callee = layer.call.callee;
      if (lookupLayer(callee.name)) add({ range: callee.range, type: "function", modifiers: 2 });
      else if (!lookupBlock(checked.result.binding, checked.path, callee.name)) add({ range: callee.range, type: "unresolved", modifiers: 0 });
    }
  }
  return { data: encode(checked, [...tokens.values()].sort((a, b) => a.range.start - b.range.start)) };
}

function layerBodies(declarations: readonly Declaration[]): (readonly Layer[])[] {
  const bodies: (readonly Layer[])[] = [];
  for (const declaration of declarations) {
    if (declaration.missing) continue;
    if (declaration.kind === "Model" || declaration.kind === "Block") bodies.push(declaration.body);
    else {
      const members = [...declaration.members];
      for (let member = members.shift(); member; member = members.shift()) {
        if (member.kind === "InlineModel") bodies.push(member.body);
        if (member.kind === "Section") members.push(...member.members);
      }
    }
  }
  return bodies;
}

function encode(checked: CheckedDocument, tokens: readonly Token[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const start = checked.document.positionAt(token.range.start);
    const end = checked.document.positionAt(token.range.end);
    if (end.line !== start.line) continue;
    const deltaLine = start.line - line;
    data.push(deltaLine, deltaLine === 0 ? start.character - character : start.character, end.character - start.character, TOKEN_TYPES.indexOf(token.type), token.modifiers);
    line = start.line;
    character = start.character;
  }
  return data;
}
