/**
 * What may be written at the cursor, read from the tokens before it. The file usually does
 * not parse while a word is being typed (`conv2d(` has no `)` yet), so this scans tokens
 * backwards instead of reading the syntax tree: the innermost open bracket and the few
 * tokens before the cursor decide the context.
 */
import { tokenMatcher, type IToken, type TokenType } from "chevrotain";
import { lexDlm } from "../../grammar/lexer.js";
import {
  Block,
  Colon,
  Comma,
  Equals,
  Experiment,
  Identifier,
  Import,
  LBracket,
  LCurly,
  LParen,
  Model,
  NumberLiteral,
  RBracket,
  RCurly,
  Repeat,
  Residual,
  RParen,
  StringLiteral,
  UnterminatedString,
} from "../../grammar/tokens.js";
import type { CallPlace } from "./schema-lookup.js";

/** The kinds of place the cursor can be in, with what completion needs to know about each. */
export type CompletionContext =
  /** Between declarations. */
  | { readonly kind: "declaration" }
  /** Where a layer starts: a model, block, `residual`, `repeat` or inline model body. */
  | { readonly kind: "layer" }
  /** Where a member of the experiment or of a section starts. */
  | { readonly kind: "member"; readonly sections: readonly string[] }
  /** After `NAME:` in a section, or inside its `[` list. */
  | { readonly kind: "setting-value"; readonly sections: readonly string[]; readonly setting: string; readonly inList: boolean }
  /** Where an argument of a call starts: `conv2d(` or `conv2d(32, `. */
  | {
      readonly kind: "argument";
      readonly callee: string;
      readonly place: CallPlace;
      /** Names of the arguments written by name. */
      readonly named: readonly string[];
      /** How many arguments are written by position before the cursor. */
      readonly positional: number;
    }
  /** After `param:` inside a call. */
  | { readonly kind: "argument-value"; readonly callee: string; readonly place: CallPlace; readonly param: string }
  /** After `name:` in a block's parameter list. */
  | { readonly kind: "block-param-type" }
  /** Inside `model NAME(`. */
  | { readonly kind: "model-input" }
  /** Inside the string of `builtin("…")`. */
  | { readonly kind: "dataset-name" }
  /** Nowhere completion can help: a comment, a number, an object key… */
  | { readonly kind: "none" };

/** The context at `offset` of `text`. */
export function completionContextAt(text: string, offset: number): CompletionContext {
  const lexed = lexDlm(text);
  if (lexed.comments.some((comment) => comment.startOffset < offset && offset <= comment.startOffset + comment.image.length)) {
    return NONE;
  }
  const before = lexed.tokens.filter((token) => token.startOffset < offset);
  const last = before[before.length - 1];
  if (last && tokenMatcher(last, StringLiteral)) {
    const end = last.startOffset + last.image.length;
    if (offset < end || last.tokenType === UnterminatedString) return stringContext(before);
  }
  // A word being typed (it ends at the cursor) is what completion replaces, not part of the context;
  // a word further back, on the line above, is context like any other token.
  const touchesCursor = last !== undefined && last.startOffset + last.image.length === offset;
  const typing = touchesCursor && /^\w+$/.test(last.image) && !tokenMatcher(last, NumberLiteral);
  const context = typing ? before.slice(0, -1) : before;
  if (touchesCursor && tokenMatcher(last, NumberLiteral)) return NONE;
  return new BracketReader(context).contextAtEnd();
}

const NONE: CompletionContext = { kind: "none" };

/** The call whose parentheses hold the cursor, for signature help. */
export interface CallAtCursor {
  readonly callee: string;
  readonly place: CallPlace;
  /** Which argument the cursor is in, counting from 0 (commas at the call's own level before it). */
  readonly argumentIndex: number;
  /** The name when the argument at the cursor is written `name: …`. */
  readonly argumentName?: string;
  /** How many arguments before the cursor are written by position. */
  readonly positionalBefore: number;
}

/** The innermost call (layer, block, registry entry) open around `offset`, if any. */
export function callAt(text: string, offset: number): CallAtCursor | undefined {
  const lexed = lexDlm(text);
  if (lexed.comments.some((comment) => comment.startOffset < offset && offset <= comment.startOffset + comment.image.length)) return undefined;
  return new BracketReader(lexed.tokens.filter((token) => token.startOffset < offset)).callAtEnd();
}

function stringContext(before: readonly IToken[]): CompletionContext {
  const open = before[before.length - 2];
  const callee = before[before.length - 3];
  const isBuiltin = open?.tokenType === LParen && callee !== undefined && callee.image === "builtin";
  return isBuiltin ? { kind: "dataset-name" } : NONE;
}

/** What a `{` opens. */
type BraceKind =
  | { readonly kind: "layers" }
  | { readonly kind: "section"; readonly sections: readonly string[] }
  | { readonly kind: "other" };

/** The brackets of the tokens before the cursor: which are open, and what each `{` opens. */
class BracketReader {
  /** Indexes of the brackets still open at the end, innermost last. */
  private readonly open: number[] = [];
  /** For a closing bracket, the index of the bracket it closes. */
  private readonly partner = new Map<number, number>();
  /** For an opening bracket, the bracket open around it (-1 at the top level). */
  private readonly enclosing = new Map<number, number>();
  private readonly braces = new Map<number, BraceKind>();

  constructor(private readonly tokens: readonly IToken[]) {
    tokens.forEach((token, index) => {
      if (isOpener(token)) {
        this.enclosing.set(index, this.open[this.open.length - 1] ?? -1);
        this.open.push(index);
      } else if (isCloser(token)) {
        const wanted = OPENER_OF.get(token.tokenType);
        let match = this.open.length - 1;
        while (match >= 0 && tokens[this.open[match]!]!.tokenType !== wanted) match -= 1;
        if (match >= 0) {
          this.partner.set(index, this.open[match]!);
          this.open.length = match;
        }
      }
    });
  }

  contextAtEnd(): CompletionContext {
    const innermost = this.open[this.open.length - 1];
    const last = this.tokens[this.tokens.length - 1];
    if (innermost === undefined) return last?.tokenType === Import ? NONE : { kind: "declaration" };
    const opener = this.tokens[innermost]!;
    if (opener.tokenType === LCurly) return this.braceContext(innermost);
    if (opener.tokenType === LBracket) return this.listContext(innermost);
    return this.parenContext(innermost);
  }

  callAtEnd(): CallAtCursor | undefined {
    for (let level = this.open.length - 1; level >= 0; level--) {
      const paren = this.open[level]!;
      const opener = this.tokens[paren]!.tokenType;
      if (opener === LCurly) return undefined;
      if (opener !== LParen) continue;
      const head = this.tokens[paren - 1];
      const keyword = this.tokens[paren - 2]?.tokenType;
      if (!head || !tokenMatcher(head, Identifier) || keyword === Model || keyword === Block) continue;
      const place = this.callPlace(paren);
      if (!place) continue;
      let start = paren + 1;
      let index = 0;
      let positionalBefore = 0;
      let depth = 0;
      const isNamedAt = (at: number): boolean => {
        const first = this.tokens[at];
        return first !== undefined && tokenMatcher(first, Identifier) && this.tokens[at + 1]?.tokenType === Colon;
      };
      for (let at = paren + 1; at < this.tokens.length; at++) {
        const token = this.tokens[at]!;
        if (isOpener(token)) depth += 1;
        else if (isCloser(token)) depth -= 1;
        else if (depth === 0 && token.tokenType === Comma) {
          if (at > start && !isNamedAt(start)) positionalBefore += 1;
          index += 1;
          start = at + 1;
        }
      }
      const argumentName = isNamedAt(start) ? this.tokens[start]!.image : undefined;
      return { callee: head.image, place, argumentIndex: index, positionalBefore, ...(argumentName !== undefined ? { argumentName } : {}) };
    }
    return undefined;
  }

  private braceContext(brace: number): CompletionContext {
    const kind = this.braceKind(brace);
    const last = this.tokens[this.tokens.length - 1]!;
    if (kind.kind === "layers") return last.tokenType === Repeat ? NONE : { kind: "layer" };
    if (kind.kind === "other") return NONE;
    const setting = this.settingBefore(this.tokens.length);
    if (setting !== undefined) return { kind: "setting-value", sections: kind.sections, setting, inList: false };
    if (last.tokenType === Colon || last.tokenType === Equals) return NONE;
    return { kind: "member", sections: kind.sections };
  }

  private listContext(bracket: number): CompletionContext {
    const setting = this.settingBefore(bracket);
    const around = this.enclosing.get(bracket) ?? -1;
    if (setting === undefined || around < 0 || this.tokens[around]!.tokenType !== LCurly) return NONE;
    const kind = this.braceKind(around);
    if (kind.kind !== "section") return NONE;
    const last = this.tokens[this.tokens.length - 1]!;
    return last.tokenType === LBracket || last.tokenType === Comma
      ? { kind: "setting-value", sections: kind.sections, setting, inList: true }
      : NONE;
  }

  private parenContext(paren: number): CompletionContext {
    const head = this.tokens[paren - 1];
    if (!head || !tokenMatcher(head, Identifier)) return NONE;
    const keyword = this.tokens[paren - 2]?.tokenType;
    const last = this.tokens[this.tokens.length - 1]!;
    if (keyword === Model) return { kind: "model-input" };
    if (keyword === Block) return last.tokenType === Colon ? { kind: "block-param-type" } : NONE;
    const place = this.callPlace(paren);
    if (!place) return NONE;
    const callee = head.image;
    const args = this.argumentsAfter(paren);
    if (last.tokenType === Colon) {
      const param = this.tokens[this.tokens.length - 2];
      const atArgumentStart = this.tokens[this.tokens.length - 3];
      if (param && tokenMatcher(param, Identifier) && (atArgumentStart?.tokenType === LParen || atArgumentStart?.tokenType === Comma)) {
        return { kind: "argument-value", callee, place, param: param.image };
      }
      return NONE;
    }
    if (last.tokenType !== LParen && last.tokenType !== Comma) return NONE;
    return { kind: "argument", callee, place, named: args.named, positional: args.positional };
  }

  /** Where the call whose `(` is at `paren` is written. */
  private callPlace(paren: number): CallPlace | undefined {
    const around = this.enclosing.get(paren) ?? -1;
    if (around < 0) return undefined;
    const opener = this.tokens[around]!;
    const setting = this.settingBefore(paren - 1);
    if (opener.tokenType === LCurly) {
      const kind = this.braceKind(around);
      if (kind.kind === "layers") return { kind: "layer" };
      if (kind.kind !== "section") return undefined;
      return setting !== undefined ? { kind: "setting", sections: kind.sections, setting } : { kind: "section", sections: kind.sections };
    }
    if (opener.tokenType === LBracket) {
      const listSetting = this.settingBefore(around);
      const braceAround = this.enclosing.get(around) ?? -1;
      const kind = braceAround >= 0 && this.tokens[braceAround]!.tokenType === LCurly ? this.braceKind(braceAround) : undefined;
      return listSetting !== undefined && kind?.kind === "section" ? { kind: "setting", sections: kind.sections, setting: listSetting } : undefined;
    }
    // A call inside another call's arguments: `bidirectional(lstm(` is a layer, `adam(learning_rate: log_range(` a setting's value.
    const outerHead = this.tokens[around - 1];
    return outerHead && tokenMatcher(outerHead, Identifier) ? this.callPlace(around) : undefined;
  }

  /** The setting name when the tokens just before `index` are `NAME :` (or `model :`). */
  private settingBefore(index: number): string | undefined {
    const colon = this.tokens[index - 1];
    const name = this.tokens[index - 2];
    if (colon?.tokenType !== Colon || !name) return undefined;
    if (tokenMatcher(name, Identifier) || name.tokenType === Model) return name.image;
    return undefined;
  }

  /** Arguments written between `(` at `paren` and the cursor: by name, and how many by position. */
  private argumentsAfter(paren: number): { named: string[]; positional: number } {
    const named: string[] = [];
    let positional = 0;
    let depth = 0;
    let argumentStart = paren + 1;
    for (let index = paren + 1; index <= this.tokens.length; index++) {
      const token = this.tokens[index];
      const endsArgument = token === undefined || (depth === 0 && token.tokenType === Comma);
      if (endsArgument) {
        if (index > argumentStart) {
          const first = this.tokens[argumentStart]!;
          const second = this.tokens[argumentStart + 1];
          if (tokenMatcher(first, Identifier) && second?.tokenType === Colon) named.push(first.image);
          else positional += 1;
        }
        argumentStart = index + 1;
        continue;
      }
      if (isOpener(token)) depth += 1;
      else if (isCloser(token)) depth -= 1;
    }
    return { named, positional };
  }

  /** What the `{` at `brace` opens, from the tokens before it. */
  private braceKind(brace: number): BraceKind {
    const known = this.braces.get(brace);
    if (known) return known;
    const kind = this.classifyBrace(brace);
    this.braces.set(brace, kind);
    return kind;
  }

  private classifyBrace(brace: number): BraceKind {
    let head = brace - 1;
    // Look through a header in parentheses: `model M(input: [1]) {`, `block B(x: int) {`, `stage(1) {`.
    if (this.tokens[head]?.tokenType === RParen) head = (this.partner.get(head) ?? head) - 1;
    const headToken = this.tokens[head];
    const keyword = this.tokens[head - 1]?.tokenType;
    if (!headToken) return OTHER;
    if (headToken.tokenType === Model || headToken.tokenType === Residual) return LAYERS;
    if (headToken.tokenType === NumberLiteral) return keyword === Repeat ? LAYERS : OTHER;
    if (!tokenMatcher(headToken, Identifier)) return OTHER;
    if (keyword === Model || keyword === Block || keyword === Repeat) return LAYERS;
    if (keyword === Experiment) return { kind: "section", sections: [] };
    if (keyword === Colon) return OTHER;
    const around = this.enclosing.get(brace) ?? -1;
    const outer = around >= 0 && this.tokens[around]!.tokenType === LCurly ? this.braceKind(around) : OTHER;
    return outer.kind === "section" ? { kind: "section", sections: [...outer.sections, headToken.image] } : OTHER;
  }
}

const LAYERS: BraceKind = { kind: "layers" };
const OTHER: BraceKind = { kind: "other" };

const OPENER_OF: ReadonlyMap<TokenType, TokenType> = new Map([
  [RParen, LParen],
  [RBracket, LBracket],
  [RCurly, LCurly],
]);

function isOpener(token: IToken): boolean {
  return token.tokenType === LParen || token.tokenType === LBracket || token.tokenType === LCurly;
}

function isCloser(token: IToken): boolean {
  return OPENER_OF.has(token.tokenType);
}
