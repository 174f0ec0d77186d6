/**
 * CST → AST: turns the parser's concrete tree into the plain `ast.ts` nodes with source
 * ranges. The CST may be partial after error recovery (children missing, tokens the parser
 * invented); every absent required part becomes a placeholder with `missing: true`, so this
 * phase never throws on a tree the parser produced.
 */
import { tokenMatcher, type CstElement, type CstNode, type IToken } from "chevrotain";
import type * as Ast from "./ast.js";
import { makeDiagnostic, type Diagnostic } from "../compiler/diagnostics.js";
import { decodeString, isInsertedToken, tokenRange } from "./lexer.js";
import { DocComment, InvalidNumber, NumberLiteral, StringLiteral } from "./tokens.js";
import { SYNTAX } from "../compiler/messages/syntax.js";

/** The AST of one file and the syntax problems only the tree shows (e.g. argument order). */
export interface AstBuildResult {
  readonly ast: Ast.DlmFile;
  readonly diagnostics: Diagnostic[];
}

/** Builds the AST of `text` from the CST of its `file` rule and the comments the lexer kept. */
export function buildAst(
  cst: CstNode,
  text: string,
  file: string,
  comments: readonly IToken[],
): AstBuildResult {
  const builder = new AstBuilder(text, file, comments);
  return { ast: builder.file(cst), diagnostics: builder.diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Reading the CST. Children are grouped by token or rule name (or label), each in source order.

function isToken(element: CstElement): element is IToken {
  return "image" in element;
}

function childNodes(node: CstNode | undefined, key: string): CstNode[] {
  const children = node?.children[key];
  if (!children) return [];
  return children.filter((child): child is CstNode => !isToken(child));
}

function childNode(node: CstNode | undefined, key: string): CstNode | undefined {
  return childNodes(node, key)[0];
}

function childTokens(node: CstNode | undefined, key: string): IToken[] {
  const children = node?.children[key];
  if (!children) return [];
  return children.filter((child): child is IToken => isToken(child) && !isInsertedToken(child));
}

function childToken(node: CstNode | undefined, key: string): IToken | undefined {
  return childTokens(node, key)[0];
}

function hasChild(node: CstNode | undefined, key: string): boolean {
  return (node?.children[key]?.length ?? 0) > 0;
}

/**
 * The span of each CST node's real tokens, measured once per node and kept in the node's own
 * `location` field (Chevrotain's slot for it), so building the whole tree stays linear.
 * `startOffset` is NaN for a node that holds no real token; `endOffset` is exclusive here.
 */
class CstSpans {
  of(node: CstNode): Ast.SourceRange | undefined {
    let location = node.location;
    if (!location) {
      let start = Infinity;
      let end = -Infinity;
      const children = node.children;
      for (const key of Object.keys(children)) {
        for (const child of children[key]!) {
          let childStart: number;
          let childEnd: number;
          if (isToken(child)) {
            if (isInsertedToken(child)) continue;
            childStart = child.startOffset;
            childEnd = childStart + child.image.length;
          } else {
            const span = this.of(child);
            if (!span) continue;
            childStart = span.start;
            childEnd = span.end;
          }
          if (childStart < start) start = childStart;
          if (childEnd > end) end = childEnd;
        }
      }
      location = start === Infinity ? { startOffset: NaN, endOffset: NaN } : { startOffset: start, endOffset: end };
      node.location = location;
    }
    return Number.isNaN(location.startOffset) ? undefined : { start: location.startOffset, end: location.endOffset! };
  }

  /** From the first to the last real token of `node`; zero-length at `fallback` when it has none. */
  range(node: CstNode | undefined, fallback: number): Ast.SourceRange {
    return (node && this.of(node)) ?? { start: fallback, end: fallback };
  }

  isEmpty(node: CstNode | undefined): boolean {
    return !node || this.of(node) === undefined;
  }
}

function endOf(token: IToken | undefined, fallback: number): number {
  return token ? tokenRange(token).end : fallback;
}

/** The smallest range covering the given ranges, ignoring placeholders when anything else is there. */
function cover(...parts: readonly (Ast.AnyNode | undefined)[]): Ast.SourceRange {
  const present = parts.filter((part): part is Ast.AnyNode => part !== undefined);
  const real = present.filter((part) => !part.missing);
  const used = real.length > 0 ? real : present;
  return {
    start: Math.min(...used.map((part) => part.range.start)),
    end: Math.max(...used.map((part) => part.range.end)),
  };
}

// ---------------------------------------------------------------------------------------------

const BLANK = /^\s*$/;

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly spans = new CstSpans();

  constructor(
    private readonly text: string,
    private readonly fileName: string,
    private readonly comments: readonly IToken[],
  ) {}

  file(node: CstNode): Ast.DlmFile {
    const imports = childNodes(node, "importDecl").map((child) => this.importDecl(child));
    const declarations: Ast.Declaration[] = [
      ...childNodes(node, "modelDecl").map((child) => this.modelDecl(child)),
      ...childNodes(node, "blockDecl").map((child) => this.blockDecl(child)),
      ...childNodes(node, "experimentDecl").map((child) => this.experimentDecl(child)),
    ].sort((a, b) => a.range.start - b.range.start);
    return {
      kind: "File",
      range: { start: 0, end: this.text.length },
      imports,
      declarations,
    };
  }

  private importDecl(node: CstNode): Ast.ImportDecl {
    const range = this.spans.range(node, 0);
    const path = childToken(node, "path");
    return {
      kind: "Import",
      range,
      path: path
        ? this.stringLiteral(path)
        : { kind: "String", value: "", missing: true, range: { start: range.end, end: range.end } },
    };
  }

  private modelDecl(node: CstNode): Ast.ModelDecl {
    const range = this.spans.range(node, 0);
    const name = this.identifier(childToken(node, "name"), endOf(childToken(node, "Model"), range.start));
    const doc = this.docCommentBefore(range.start);
    const hasInput = hasChild(node, "LParen");
    const inputFallback = endOf(childToken(node, "Colon") ?? childToken(node, "LParen"), name.range.end);
    return {
      kind: "Model",
      range,
      name,
      ...(hasInput ? { input: this.value(childNode(node, "input"), inputFallback) } : {}),
      body: this.layerBody(childNode(node, "layerBody")),
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  private blockDecl(node: CstNode): Ast.BlockDecl {
    const range = this.spans.range(node, 0);
    const name = this.identifier(childToken(node, "name"), endOf(childToken(node, "Block"), range.start));
    const doc = this.docCommentBefore(range.start);
    return {
      kind: "Block",
      range,
      name,
      params: childNodes(node, "blockParam").map((child) => this.blockParam(child, name.range.end)),
      body: this.layerBody(childNode(node, "layerBody")),
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  private blockParam(node: CstNode, fallback: number): Ast.BlockParam {
    const range = this.spans.range(node, fallback);
    const name = this.identifier(childToken(node, "name"), range.start);
    const colon = childToken(node, "Colon");
    const equals = childToken(node, "Equals");
    return {
      kind: "BlockParam",
      range,
      name,
      ...(hasChild(node, "Colon")
        ? { type: this.identifier(childToken(node, "type"), endOf(colon, name.range.end)) }
        : {}),
      ...(hasChild(node, "Equals")
        ? { defaultValue: this.value(childNode(node, "defaultValue"), endOf(equals, range.end)) }
        : {}),
    };
  }

  private experimentDecl(node: CstNode): Ast.ExperimentDecl {
    const range = this.spans.range(node, 0);
    const name = this.identifier(
      childToken(node, "name"),
      endOf(childToken(node, "Experiment"), range.start),
    );
    const doc = this.docCommentBefore(range.start);
    return {
      kind: "Experiment",
      range,
      name,
      members: this.memberBody(childNode(node, "memberBody")),
      ...(doc !== undefined ? { doc } : {}),
    };
  }

  private memberBody(node: CstNode | undefined): Ast.Member[] {
    return childNodes(node, "member").map((member) => {
      const inlineModel = childNode(member, "inlineModel");
      if (inlineModel) return this.inlineModel(inlineModel);
      if (hasChild(member, "Colon")) return this.setting(member);
      return this.callOrSection(member);
    });
  }

  private inlineModel(node: CstNode): Ast.InlineModel {
    return {
      kind: "InlineModel",
      range: this.spans.range(node, 0),
      body: this.layerBody(childNode(node, "layerBody")),
    };
  }

  private setting(node: CstNode): Ast.Setting {
    const range = this.spans.range(node, 0);
    const name = this.identifier(childToken(node, "name"), range.start);
    return {
      kind: "Setting",
      range,
      name,
      value: this.value(childNode(node, "value"), endOf(childToken(node, "Colon"), name.range.end)),
    };
  }

  private callOrSection(node: CstNode): Ast.Section | Ast.CallMember {
    const range = this.spans.range(node, 0);
    const name = this.identifier(childToken(node, "name"), range.start);
    const argList = childNode(node, "argList");
    const label = childToken(node, "label");
    // `stage warmup { ... }` reads as `stage(warmup) { ... }`: the label is a positional argument.
    const labelArgs: Ast.Arg[] = label ? [{ kind: "Arg", range: tokenRange(label), value: this.nameRef(label) }] : [];
    const args = (argList ? this.argList(argList) : []).concat(labelArgs);
    const body = childNode(node, "memberBody");
    if (body) return { kind: "Section", range, name, args, members: this.memberBody(body) };
    const call: Ast.Call = { kind: "Call", range, callee: name, args, hasParens: argList !== undefined };
    return { kind: "CallMember", range, call };
  }

  private layerBody(node: CstNode | undefined): Ast.Layer[] {
    const layers: Ast.Layer[] = [];
    for (const layer of childNodes(node, "layer")) {
      const residual = childNode(layer, "residualLayer");
      const repeat = childNode(layer, "repeatLayer");
      if (residual) layers.push(this.residualLayer(residual));
      else if (repeat) layers.push(this.repeatLayer(repeat));
      else if (!this.spans.isEmpty(layer)) layers.push(this.layerCall(layer));
    }
    return layers;
  }

  private residualLayer(node: CstNode): Ast.ResidualLayer {
    const range = this.spans.range(node, 0);
    const keyword = childToken(node, "Residual");
    return {
      kind: "Residual",
      range,
      keyword: keyword ? tokenRange(keyword) : { start: range.start, end: range.start },
      body: this.layerBody(childNode(node, "layerBody")),
    };
  }

  private repeatLayer(node: CstNode): Ast.RepeatLayer {
    const range = this.spans.range(node, 0);
    const keywordToken = childToken(node, "Repeat");
    const keyword = keywordToken ? tokenRange(keywordToken) : { start: range.start, end: range.start };
    const count = childToken(node, "count");
    return {
      kind: "Repeat",
      range,
      keyword,
      count: !count
        ? missingValue(keyword.end)
        : tokenMatcher(count, NumberLiteral)
          ? this.numberLiteral(count)
          : this.nameRef(count),
      body: this.layerBody(childNode(node, "layerBody")),
    };
  }

  private layerCall(node: CstNode): Ast.LayerCall {
    const range = this.spans.range(node, 0);
    const layerName = childToken(node, "layerName");
    const fallback = endOf(childToken(node, "Equals") ?? layerName, range.start);
    return {
      kind: "LayerCall",
      range,
      ...(layerName ? { layerName: this.identifier(layerName, range.start) } : {}),
      call: this.call(childNode(node, "call"), fallback),
    };
  }

  private call(node: CstNode | undefined, fallback: number): Ast.Call {
    const range = this.spans.range(node, fallback);
    const argList = childNode(node, "argList");
    return {
      kind: "Call",
      range,
      callee: this.identifier(childToken(node, "callee"), range.start),
      args: argList ? this.argList(argList) : [],
      hasParens: argList !== undefined,
      ...(this.spans.isEmpty(node) ? { missing: true } : {}),
    };
  }

  private argList(node: CstNode): Ast.Arg[] {
    const args = childNodes(node, "arg").map((child) => this.arg(child, endOf(childToken(node, "LParen"), 0)));
    this.reportPositionalAfterNamed(args);
    return args;
  }

  private arg(node: CstNode, fallback: number): Ast.Arg {
    const nameToken = childToken(node, "name");
    const colon = childToken(node, "Colon");
    const value = this.value(childNode(node, "value"), endOf(colon ?? nameToken, fallback));
    const name = nameToken ? this.identifier(nameToken, fallback) : undefined;
    return { kind: "Arg", range: cover(name, value), ...(name ? { name } : {}), value };
  }

  private reportPositionalAfterNamed(args: readonly Ast.Arg[]): void {
    const firstNamed = args.find((arg) => arg.name !== undefined);
    if (!firstNamed?.name) return;
    for (const arg of args.slice(args.indexOf(firstNamed) + 1)) {
      if (arg.name !== undefined || arg.value.missing) continue;
      this.diagnostics.push(
        makeDiagnostic(SYNTAX.positionalAfterNamed, this.fileName, arg.range, {
          message: `positional argument after the named argument \`${firstNamed.name.name}:\``,
          help: "write positional arguments first, or name this one too",
        }),
      );
    }
  }

  // Values ------------------------------------------------------------------------------------

  /** `a op b op c ...` from the flat chain of the grammar: `*` and `/` bind first, all left-associative. */
  private value(node: CstNode | undefined, fallback: number): Ast.Value {
    if (!node) return missingValue(fallback);
    const operands = childNodes(node, "operands");
    const operators = childTokens(node, "operators");
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

  private operand(node: CstNode | undefined, fallback: number): Ast.Value {
    const signs = childTokens(node, "signs");
    let value = this.operandBody(node, endOf(signs[signs.length - 1], fallback));
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = tokenRange(signs[i]!);
      value = {
        kind: "Unary",
        range: { start: sign.start, end: value.missing ? sign.end : value.range.end },
        operator: signs[i]!.image as "+" | "-",
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
      const inner = this.value(childNode(parenthesized, "value"), endOf(childToken(parenthesized, "LParen"), fallback));
      return inner.missing ? missingValue(this.spans.range(parenthesized, fallback).end) : inner;
    }
    return missingValue(fallback);
  }

  /** In a value, a bare name is a reference; with parentheses it is a call. */
  private nameOrCall(name: IToken, argList: CstNode | undefined): Ast.Value {
    if (!argList) return this.nameRef(name);
    const start = name.startOffset;
    return {
      kind: "Call",
      range: { start, end: Math.max(tokenRange(name).end, this.spans.range(argList, start).end) },
      callee: this.identifier(name, start),
      args: this.argList(argList),
      hasParens: true,
    };
  }

  private list(node: CstNode, fallback: number): Ast.ListValue {
    const range = this.spans.range(node, fallback);
    const items: Ast.Value[] = [];
    for (const item of childNodes(node, "items")) {
      const value = this.value(item, items[items.length - 1]?.range.end ?? range.start + 1);
      if (!value.missing || !this.spans.isEmpty(item)) items.push(value);
    }
    return { kind: "List", range, items };
  }

  private object(node: CstNode, fallback: number): Ast.ObjectValue {
    const range = this.spans.range(node, fallback);
    const entries = childNodes(node, "objectEntry").map((entry) => this.objectEntry(entry, range.start + 1));
    return { kind: "Object", range, entries };
  }

  private objectEntry(node: CstNode, fallback: number): Ast.ObjectEntry {
    const range = this.spans.range(node, fallback);
    const keyToken = childToken(node, "key");
    const key = !keyToken
      ? this.identifier(undefined, range.start)
      : tokenMatcher(keyToken, StringLiteral)
        ? this.stringLiteral(keyToken)
        : tokenMatcher(keyToken, NumberLiteral)
          ? this.numberLiteral(keyToken)
          : this.identifier(keyToken, range.start);
    const value = this.value(childNode(node, "value"), endOf(childToken(node, "Colon"), key.range.end));
    return { kind: "ObjectEntry", range, key, value };
  }

  // Leaves ------------------------------------------------------------------------------------

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
  private docCommentBefore(start: number): string | undefined {
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
  const operatorRange = tokenRange(operator);
  return {
    kind: "Binary",
    range: {
      start: left.missing ? operatorRange.start : left.range.start,
      end: right.missing ? operatorRange.end : right.range.end,
    },
    operator: operator.image as Ast.BinaryOperator,
    left,
    right,
  };
}

function missingValue(at: number): Ast.MissingValue {
  return { kind: "Missing", missing: true, range: { start: at, end: at } };
}
