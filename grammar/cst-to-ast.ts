/**
 * CST → AST: turns the parser's concrete tree into the plain `ast.ts` nodes with source
 * ranges. The CST may be partial after error recovery (children missing, tokens the parser
 * invented); every absent required part becomes a placeholder with `missing: true`, so this
 * phase never throws on a tree the parser produced.
 *
 * A node's range covers its own tokens and its converted children, so ranges cost nothing
 * beyond the conversion itself.
 */
import { tokenMatcher, type CstElement, type CstNode, type IToken } from "chevrotain";
import type * as Ast from "./ast.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { decodeString, isInsertedToken, tokenRange } from "./lexer.js";
import { MAX_NESTING } from "./parser.js";
import { DocComment, InvalidNumber, NumberLiteral, StringLiteral } from "./tokens.js";
import { SYNTAX } from "../diagnostics/catalog/syntax.js";

/** The AST of one file and the syntax problems only the tree shows (e.g. argument order). */
export interface AstBuildResult {
  readonly ast: Ast.DlmFile;
  readonly diagnostics: Diagnostic[];
}

/** Builds the AST of `text` from the CST of its `file` rule and the comments the lexer kept. */
export function buildAst(cst: CstNode, text: string, file: string, comments: readonly IToken[]): AstBuildResult {
  const builder = new AstBuilder(text, file, comments);
  return { ast: builder.file(cst), diagnostics: builder.diagnostics };
}

// Reading the CST ------------------------------------------------------------------------------
// Children are grouped by token name, rule name or label, each group in source order. A group
// holds only tokens or only nodes (the grammar never gives a token and a rule the same label),
// so the readers below hand the group itself back instead of a filtered copy whenever they can:
// this phase runs for every node of every keystroke's parse.

const NO_CHILDREN: readonly CstElement[] = [];

// Tokens are told apart from nodes and ranges by loading a property rather than with `in`:
// these sites see every shape of token, node and range, and V8 caches a property load
// there but not an `in` test.
function isToken(element: CstElement | Exclude<Located, undefined>): element is IToken {
  return (element as Partial<IToken>).image !== undefined;
}

function isAstNode(part: Ast.AnyNode | Ast.SourceRange): part is Ast.AnyNode {
  return (part as Partial<Ast.AnyNode>).kind !== undefined;
}

function isRealToken(element: CstElement): element is IToken {
  return isToken(element) && !isInsertedToken(element);
}

function isNode(element: CstElement): element is CstNode {
  return !isToken(element);
}

function childrenOf(node: CstNode | undefined, key: string): readonly CstElement[] {
  return node === undefined ? NO_CHILDREN : (node.children[key] ?? NO_CHILDREN);
}

function childNodes(node: CstNode | undefined, key: string): readonly CstNode[] {
  const children = childrenOf(node, key);
  for (let i = 0; i < children.length; i++) if (!isNode(children[i]!)) return children.filter(isNode);
  return children as readonly CstNode[];
}

function childNode(node: CstNode | undefined, key: string): CstNode | undefined {
  const children = childrenOf(node, key);
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (isNode(child)) return child;
  }
  return undefined;
}

/** The real tokens under `key`; tokens the parser invented while recovering are left out. */
function childTokens(node: CstNode | undefined, key: string): readonly IToken[] {
  const children = childrenOf(node, key);
  for (let i = 0; i < children.length; i++) if (!isRealToken(children[i]!)) return children.filter(isRealToken);
  return children as readonly IToken[];
}

function childToken(node: CstNode | undefined, key: string): IToken | undefined {
  const children = childrenOf(node, key);
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (isRealToken(child)) return child;
  }
  return undefined;
}

/** True when the parser took the path through `key`, even if it invented the token. */
function tookPath(node: CstNode | undefined, key: string): boolean {
  return childrenOf(node, key).length > 0;
}

// Ranges ---------------------------------------------------------------------------------------

/** Something with a place in the text: a real token, an AST node, a body's range. */
type Located = IToken | Ast.AnyNode | Ast.SourceRange | undefined;

// `start` and `end` of a part without building a range object (there is one per token).
function startOf(part: Located): number | undefined {
  if (part === undefined) return undefined;
  if (isToken(part)) return isInsertedToken(part) ? undefined : part.startOffset;
  if (isAstNode(part)) return part.missing ? undefined : part.range.start;
  return part.start;
}

function endOf(part: Located): number | undefined {
  if (part === undefined) return undefined;
  if (isToken(part)) return isInsertedToken(part) ? undefined : part.startOffset + part.image.length;
  if (isAstNode(part)) return part.missing ? undefined : part.range.end;
  return part.end;
}

/** The smallest range covering the real parts; zero-length at `fallback` when there are none. */
function span(fallback: number, ...parts: readonly Located[]): Ast.SourceRange {
  let start = Infinity;
  let end = -Infinity;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const partStart = startOf(part);
    if (partStart === undefined) continue;
    const partEnd = endOf(part)!;
    if (partStart < start) start = partStart;
    if (partEnd > end) end = partEnd;
  }
  return start === Infinity ? { start: fallback, end: fallback } : { start, end };
}

/** The span of a bracketed body: its opening token, its items and its closing token (no spread copy). */
function bracketSpan(fallback: number, open: IToken | undefined, items: readonly Ast.AnyNode[], close: IToken | undefined): Ast.SourceRange {
  let start = Infinity;
  let end = -Infinity;
  for (let i = -1; i <= items.length; i++) {
    const part: Located = i === -1 ? open : i === items.length ? close : items[i];
    const partStart = startOf(part);
    if (partStart === undefined) continue;
    const partEnd = endOf(part)!;
    if (partStart < start) start = partStart;
    if (partEnd > end) end = partEnd;
  }
  return start === Infinity ? { start: fallback, end: fallback } : { start, end };
}

/** Where a missing part goes: right after the last real part before it. */
function after(fallback: number, ...parts: readonly Located[]): number {
  for (let i = parts.length - 1; i >= 0; i--) {
    const end = endOf(parts[i]);
    if (end !== undefined) return end;
  }
  return fallback;
}

function lastOf<T>(items: readonly T[]): T | undefined {
  return items[items.length - 1];
}

// Building -------------------------------------------------------------------------------------

interface Body<T> {
  readonly items: T[];
  readonly range: Ast.SourceRange;
}

const BLANK = /^\s*$/;

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly fileName: string,
    private readonly comments: readonly IToken[],
  ) {}

  file(node: CstNode): Ast.DlmFile {
    const declarations: Ast.Declaration[] = [
      ...childNodes(node, "modelDecl").map((child) => this.modelDecl(child)),
      ...childNodes(node, "blockDecl").map((child) => this.blockDecl(child)),
      ...childNodes(node, "experimentDecl").map((child) => this.experimentDecl(child)),
    ];
    return {
      kind: "File",
      range: { start: 0, end: this.text.length },
      imports: childNodes(node, "importDecl").map((child) => this.importDecl(child)),
      declarations: declarations.sort((a, b) => a.range.start - b.range.start),
    };
  }

  private importDecl(node: CstNode): Ast.ImportDecl {
    const keyword = childToken(node, "Import");
    const pathToken = childToken(node, "path");
    const pathAt = after(0, keyword);
    const path: Ast.StringLiteral = pathToken
      ? this.stringLiteral(pathToken)
      : { kind: "String", value: "", missing: true, range: { start: pathAt, end: pathAt } };
    return { kind: "Import", range: span(pathAt, keyword, path), path };
  }

  private modelDecl(node: CstNode): Ast.ModelDecl {
    const keyword = childToken(node, "Model");
    const name = this.identifier(childToken(node, "name"), after(0, keyword));
    const colon = childToken(node, "Colon");
    const input = tookPath(node, "LParen")
      ? this.value(childNode(node, "input"), after(name.range.end, name, childToken(node, "LParen"), colon))
      : undefined;
    const body = this.layerBody(childNode(node, "layerBody"));
    const doc = this.docCommentBefore(startOf(keyword));
    return {
      kind: "Model",
      range: span(name.range.start, keyword, name, input, childToken(node, "RParen"), body.range),
      name,
      ...(input ? { input } : {}),
      body: body.items,
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  private blockDecl(node: CstNode): Ast.BlockDecl {
    const keyword = childToken(node, "Block");
    const name = this.identifier(childToken(node, "name"), after(0, keyword));
    const params = childNodes(node, "blockParam").map((child) => this.blockParam(child, name.range.end));
    const body = this.layerBody(childNode(node, "layerBody"));
    const doc = this.docCommentBefore(startOf(keyword));
    return {
      kind: "Block",
      range: span(name.range.start, keyword, name, childToken(node, "RParen"), lastOf(params), body.range),
      name,
      params,
      body: body.items,
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  private blockParam(node: CstNode, fallback: number): Ast.BlockParam {
    const name = this.identifier(childToken(node, "name"), fallback);
    const colon = childToken(node, "Colon");
    const equals = childToken(node, "Equals");
    const type = tookPath(node, "Colon")
      ? this.identifier(childToken(node, "type"), after(name.range.end, name, colon))
      : undefined;
    const defaultValue = tookPath(node, "Equals")
      ? this.value(childNode(node, "defaultValue"), after(name.range.end, name, type, equals))
      : undefined;
    return {
      kind: "BlockParam",
      range: span(name.range.start, name, colon, type, equals, defaultValue),
      name,
      ...(type ? { type } : {}),
      ...(defaultValue ? { defaultValue } : {}),
    };
  }

  private experimentDecl(node: CstNode): Ast.ExperimentDecl {
    const keyword = childToken(node, "Experiment");
    const name = this.identifier(childToken(node, "name"), after(0, keyword));
    const body = this.memberBody(childNode(node, "memberBody"), name.range.end);
    const doc = this.docCommentBefore(startOf(keyword));
    return {
      kind: "Experiment",
      range: span(name.range.start, keyword, name, body.range),
      name,
      members: body.items,
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  // Experiment members --------------------------------------------------------------------------

  private memberBody(node: CstNode | undefined, fallback: number): Body<Ast.Member> {
    const open = childToken(node, "LCurly");
    const items: Ast.Member[] = [];
    for (const member of childNodes(node, "member")) {
      const at = after(fallback, open, lastOf(items));
      const inlineModel = childNode(member, "inlineModel");
      if (inlineModel) items.push(this.inlineModel(inlineModel, at));
      else if (tookPath(member, "Colon")) items.push(this.setting(member, at));
      else if (childToken(member, "name")) items.push(this.callOrSection(member, at));
    }
    return { items, range: bracketSpan(fallback, open, items, childToken(node, "RCurly")) };
  }

  private inlineModel(node: CstNode, fallback: number): Ast.InlineModel {
    const keyword = childToken(node, "Model");
    const body = this.layerBody(childNode(node, "layerBody"));
    return { kind: "InlineModel", range: span(fallback, keyword, body.range), body: body.items };
  }

  private setting(node: CstNode, fallback: number): Ast.Setting {
    const name = this.identifier(childToken(node, "name"), fallback);
    const colon = childToken(node, "Colon");
    const value = this.value(childNode(node, "value"), after(name.range.end, name, colon));
    return { kind: "Setting", range: span(name.range.start, name, colon, value), name, value };
  }

  private callOrSection(node: CstNode, fallback: number): Ast.Section | Ast.CallMember {
    const name = this.identifier(childToken(node, "name"), fallback);
    const argList = childNode(node, "argList");
    const parenthesized = argList ? this.argList(argList, name.range.end) : undefined;
    const label = childToken(node, "label");
    // `stage warmup { ... }` reads as `stage(warmup) { ... }`: the label is a positional argument.
    const labelArgs: Ast.Arg[] = label ? [{ kind: "Arg", range: tokenRange(label), value: this.nameRef(label) }] : [];
    const args = (parenthesized?.items ?? []).concat(labelArgs);
    const bodyNode = childNode(node, "memberBody");
    if (bodyNode) {
      const body = this.memberBody(bodyNode, after(name.range.end, name, parenthesized?.range, label));
      return {
        kind: "Section",
        range: span(name.range.start, name, parenthesized?.range, label, body.range),
        name,
        args,
        members: body.items,
      };
    }
    const range = span(name.range.start, name, parenthesized?.range);
    const call: Ast.Call = { kind: "Call", range, callee: name, args, hasParens: argList !== undefined };
    return { kind: "CallMember", range, call };
  }

  // Layers --------------------------------------------------------------------------------------

  private layerBody(node: CstNode | undefined): Body<Ast.Layer> {
    const open = childToken(node, "LCurly");
    const fallback = after(0, open);
    const items: Ast.Layer[] = [];
    for (const layer of childNodes(node, "layer")) {
      const at = after(fallback, open, lastOf(items));
      const residual = childNode(layer, "residualLayer");
      const repeat = childNode(layer, "repeatLayer");
      if (residual) items.push(this.residualLayer(layer, residual, at));
      else if (repeat) items.push(this.repeatLayer(repeat, at));
      else if (childNode(layer, "call") || childToken(layer, "layerName")) items.push(this.layerCall(layer, at));
    }
    return { items, range: bracketSpan(fallback, open, items, childToken(node, "RCurly")) };
  }

  private residualLayer(layer: CstNode, node: CstNode, fallback: number): Ast.ResidualLayer {
    const layerNameToken = childToken(layer, "layerName");
    const layerName = layerNameToken ? this.identifier(layerNameToken, fallback) : undefined;
    const start = after(fallback, layerName, childToken(layer, "Equals"));
    const keyword = span(start, childToken(node, "Residual"));
    const options: Ast.ResidualOption[] = [];
    for (const option of childNodes(node, "residualOption")) {
      const name = this.identifier(childToken(option, "name"), after(keyword.end, lastOf(options)));
      const body = this.layerBody(childNode(option, "layerBody"));
      options.push({ kind: "ResidualOption", range: span(name.range.start, name, body.range), name, body: body.items });
    }
    const body = this.layerBody(childNode(node, "layerBody"));
    return {
      kind: "Residual",
      range: span(fallback, layerName, keyword, childToken(node, "RParen"), body.range),
      keyword,
      ...(layerName ? { layerName } : {}),
      options,
      body: body.items,
    };
  }

  private repeatLayer(node: CstNode, fallback: number): Ast.RepeatLayer {
    const keyword = span(fallback, childToken(node, "Repeat"));
    const countToken = childToken(node, "count");
    const count: Ast.Value = !countToken
      ? missingValue(keyword.end)
      : tokenMatcher(countToken, NumberLiteral)
        ? this.numberLiteral(countToken)
        : this.nameRef(countToken);
    const body = this.layerBody(childNode(node, "layerBody"));
    return { kind: "Repeat", range: span(fallback, keyword, count, body.range), keyword, count, body: body.items };
  }

  private layerCall(node: CstNode, fallback: number): Ast.LayerCall {
    const layerNameToken = childToken(node, "layerName");
    const layerName = layerNameToken ? this.identifier(layerNameToken, fallback) : undefined;
    const call = this.call(childNode(node, "call"), after(fallback, layerName, childToken(node, "Equals")));
    return {
      kind: "LayerCall",
      range: span(fallback, layerName, childToken(node, "Equals"), call),
      ...(layerName ? { layerName } : {}),
      call,
    };
  }

  private call(node: CstNode | undefined, fallback: number): Ast.Call {
    const callee = this.identifier(childToken(node, "callee"), fallback);
    const argList = childNode(node, "argList");
    const args = argList ? this.argList(argList, callee.range.end) : undefined;
    return {
      kind: "Call",
      range: span(fallback, callee, args?.range),
      callee,
      args: args?.items ?? [],
      hasParens: argList !== undefined,
      ...(callee.missing ? { missing: true } : {}),
    };
  }

  private argList(node: CstNode, fallback: number): Body<Ast.Arg> {
    const open = childToken(node, "LParen");
    const items: Ast.Arg[] = [];
    for (const arg of childNodes(node, "arg")) items.push(this.arg(arg, after(fallback, open, lastOf(items))));
    this.reportPositionalAfterNamed(items);
    return { items, range: bracketSpan(fallback, open, items, childToken(node, "RParen")) };
  }

  private arg(node: CstNode, fallback: number): Ast.Arg {
    const nameToken = childToken(node, "name");
    const name = nameToken ? this.identifier(nameToken, fallback) : undefined;
    const colon = childToken(node, "Colon");
    const value = this.value(childNode(node, "value"), after(fallback, name, colon));
    return { kind: "Arg", range: span(value.range.start, name, colon, value), ...(name ? { name } : {}), value };
  }

  private reportPositionalAfterNamed(args: readonly Ast.Arg[]): void {
    let firstNamed: Ast.Identifier | undefined;
    for (const arg of args) {
      if (firstNamed === undefined) {
        firstNamed = arg.name;
        continue;
      }
      if (arg.name !== undefined || arg.value.missing) continue;
      this.diagnostics.push(
        makeDiagnostic(SYNTAX.positionalAfterNamed, this.fileName, arg.range, {
          message: `positional argument after the named argument \`${firstNamed.name}:\``,
          help: "write positional arguments first, or name this one too",
        }),
      );
    }
  }

  // Values --------------------------------------------------------------------------------------

  /** `a op b op c ...` from the grammar's flat chain: `*` and `/` bind first, all left-associative. */
  private value(node: CstNode | undefined, fallback: number): Ast.Value {
    if (!node) return missingValue(fallback);
    const operands = childNodes(node, "operands");
    const operators = childTokens(node, "operators");
    if (operators.length === 0) return this.operand(operands[0], fallback); // most values: no arithmetic
    if (operators.length > MAX_NESTING) return this.reportTooDeep(operators, "operators");
    const terms: Ast.Value[] = [this.operand(operands[0], fallback)];
    const additions: IToken[] = [];
    operators.forEach((operator, index) => {
      const right = this.operand(operands[index + 1], tokenRange(operator).end);
      if (operator.image === "*" || operator.image === "/") {
        terms.push(binary(operator, terms.pop()!, right));
      } else {
        additions.push(operator);
        terms.push(right);
      }
    });
    return additions.reduce((left, operator, index) => binary(operator, left, terms[index + 1]!), terms[0]!);
  }

  /** Signs apply right to left: `- + x` is `-(+x)`. */
  private operand(node: CstNode | undefined, fallback: number): Ast.Value {
    const signs = childTokens(node, "signs");
    if (signs.length > MAX_NESTING) return this.reportTooDeep(signs, "signs");
    let value = this.operandBody(node, after(fallback, lastOf(signs)));
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = signs[i]!;
      value = {
        kind: "Unary",
        range: span(fallback, sign, value),
        operator: sign.image as "+" | "-",
        operand: value,
      };
    }
    return value;
  }

  private operandBody(node: CstNode | undefined, fallback: number): Ast.Value {
    const number = childToken(node, "NumberLiteral");
    if (number) return this.numberLiteral(number);
    const string = childToken(node, "StringLiteral");
    if (string) return this.stringLiteral(string);
    const boolean = childToken(node, "True") ?? childToken(node, "False");
    if (boolean) return { kind: "Boolean", range: tokenRange(boolean), value: boolean.image === "true" };
    const question = childToken(node, "Question");
    if (question) return { kind: "Name", range: tokenRange(question), name: "?" };
    const name = childToken(node, "name");
    if (name) return this.nameOrCall(name, childNode(node, "argList"));
    const list = childNode(node, "list");
    if (list) return this.list(list, fallback);
    const object = childNode(node, "object");
    if (object) return this.object(object, fallback);
    const parenthesized = childNode(node, "parenthesized");
    if (parenthesized) {
      // Parentheses leave no node: the value inside stands for them.
      const open = childToken(parenthesized, "LParen");
      const inner = this.value(childNode(parenthesized, "value"), after(fallback, open));
      return inner.missing ? missingValue(after(fallback, open, childToken(parenthesized, "RParen"))) : inner;
    }
    return missingValue(fallback);
  }

  /** In a value, a bare name is a reference; with parentheses it is a call. */
  private nameOrCall(name: IToken, argList: CstNode | undefined): Ast.Value {
    if (!argList) return this.nameRef(name);
    const callee = this.identifier(name, name.startOffset);
    const args = this.argList(argList, callee.range.end);
    return {
      kind: "Call",
      range: span(callee.range.start, callee, args.range),
      callee,
      args: args.items,
      hasParens: true,
    };
  }

  private list(node: CstNode, fallback: number): Ast.ListValue {
    const open = childToken(node, "LBracket");
    const items: Ast.Value[] = [];
    for (const item of childNodes(node, "items")) items.push(this.value(item, after(fallback, open, lastOf(items))));
    return { kind: "List", range: bracketSpan(fallback, open, items, childToken(node, "RBracket")), items };
  }

  private object(node: CstNode, fallback: number): Ast.ObjectValue {
    const open = childToken(node, "LCurly");
    const entries: Ast.ObjectEntry[] = [];
    for (const entry of childNodes(node, "objectEntry")) {
      entries.push(this.objectEntry(entry, after(fallback, open, lastOf(entries))));
    }
    return { kind: "Object", range: bracketSpan(fallback, open, entries, childToken(node, "RCurly")), entries };
  }

  private objectEntry(node: CstNode, fallback: number): Ast.ObjectEntry {
    const keyToken = childToken(node, "key");
    const key = !keyToken
      ? this.identifier(undefined, fallback)
      : tokenMatcher(keyToken, StringLiteral)
        ? this.stringLiteral(keyToken)
        : tokenMatcher(keyToken, NumberLiteral)
          ? this.numberLiteral(keyToken)
          : this.identifier(keyToken, fallback);
    const colon = childToken(node, "Colon");
    const value = this.value(childNode(node, "value"), after(fallback, key, colon));
    return { kind: "ObjectEntry", range: span(fallback, key, colon, value), key, value };
  }

  /** A chain of operators or signs too long to nest: one diagnostic, and a placeholder value. */
  private reportTooDeep(tokens: readonly IToken[], what: "operators" | "signs"): Ast.MissingValue {
    const range = span(0, tokens[0], lastOf(tokens));
    this.diagnostics.push(
      makeDiagnostic(SYNTAX.nestingTooDeep, this.fileName, range, {
        message: `a value with more than ${MAX_NESTING} ${what} in a row`,
      }),
    );
    return { kind: "Missing", missing: true, range };
  }

  // Leaves --------------------------------------------------------------------------------------

  private nameRef(token: IToken): Ast.NameRef {
    return { kind: "Name", range: tokenRange(token), name: token.image };
  }

  private identifier(token: IToken | undefined, fallback: number): Ast.Identifier {
    if (!token) return { kind: "Identifier", name: "", missing: true, range: { start: fallback, end: fallback } };
    return { kind: "Identifier", name: token.image, range: tokenRange(token) };
  }

  /** Malformed numbers (reported by `parse.ts`) become placeholders so no later phase sees NaN. */
  private numberLiteral(token: IToken): Ast.NumberLiteral {
    const value = token.tokenType === InvalidNumber ? NaN : Number(token.image);
    return {
      kind: "Number",
      range: tokenRange(token),
      value,
      text: token.image,
      ...(Number.isFinite(value) ? {} : { missing: true }),
    };
  }

  private stringLiteral(token: IToken): Ast.StringLiteral {
    return { kind: "String", range: tokenRange(token), value: decodeString(token).value };
  }

  /** The `///` lines directly above `start` (only whitespace between), without the slashes. */
  private docCommentBefore(start: number | undefined): string | undefined {
    if (start === undefined) return undefined;
    let index = lastCommentBefore(this.comments, start);
    let next = start;
    const lines: string[] = [];
    while (index >= 0) {
      const comment = this.comments[index]!;
      const end = tokenRange(comment).end;
      if (comment.tokenType !== DocComment || !BLANK.test(this.text.slice(end, next))) break;
      lines.unshift(comment.image.slice(3).trim());
      next = comment.startOffset;
      index -= 1;
    }
    return lines.length > 0 ? lines.join("\n") : undefined;
  }
}

/** Index of the last comment that ends at or before `offset`, or -1. */
function lastCommentBefore(comments: readonly IToken[], offset: number): number {
  let low = 0;
  let high = comments.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (tokenRange(comments[middle]!).end <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function binary(operator: IToken, left: Ast.Value, right: Ast.Value): Ast.BinaryExpr {
  return {
    kind: "Binary",
    range: span(tokenRange(operator).start, left, operator, right),
    operator: operator.image as Ast.BinaryOperator,
    left,
    right,
  };
}

function missingValue(at: number): Ast.MissingValue {
  return { kind: "Missing", missing: true, range: { start: at, end: at } };
}
