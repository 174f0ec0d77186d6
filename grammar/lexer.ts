/**
 * The DLM lexer: text in, tokens out. It never fails: malformed input comes back as error
 * tokens (see `tokens.ts`) that `parse.ts` reports.
 */
import { Lexer, type IToken } from "chevrotain";
import type { SourceRange } from "./ast.js";
import { ALL_TOKENS, COMMENT_GROUP, INVALID_GROUP, UnterminatedString } from "./tokens.js";

/** The lexer's output, split by audience. */
export interface LexedText {
  /** What the parser reads: no whitespace, comments or invalid characters. */
  readonly tokens: IToken[];
  /** Line, block and doc comments in source order (doc comments attach to declarations). */
  readonly comments: readonly IToken[];
  /** Unterminated block comments and stray characters, in source order. */
  readonly invalid: readonly IToken[];
}

/**
 * Builds the lexer; it analyses and optimizes its token definitions on construction.
 * `validatePatterns` also checks the patterns themselves (a test does; the shared lexer
 * skips it to start faster, the definitions being fixed).
 */
export function createDlmLexer(options: { readonly validatePatterns?: boolean } = {}): Lexer {
  return new Lexer([...ALL_TOKENS], {
    // Lines and columns are computed only when a diagnostic is printed.
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
    skipValidations: options.validatePatterns !== true,
  });
}

const dlmLexer = createDlmLexer();

/** Splits `text` into tokens; always succeeds. */
export function lexDlm(text: string): LexedText {
  const result = dlmLexer.tokenize(text);
  return {
    tokens: result.tokens,
    comments: result.groups[COMMENT_GROUP] ?? [],
    invalid: result.groups[INVALID_GROUP] ?? [],
  };
}

/** A token's half-open range `[start, end)`. */
export function tokenRange(token: IToken): SourceRange {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

/** True for a token the parser invented while recovering (it has no place in the text). */
export function isInsertedToken(token: IToken): boolean {
  return token.isInsertedInRecovery === true || Number.isNaN(token.startOffset);
}

/** An escape sequence a string may not contain, relative to the start of the literal. */
export interface InvalidEscape {
  readonly offset: number;
  readonly text: string;
}

/** A string literal's value with escapes applied, and the escapes that were not valid. */
export interface DecodedString {
  readonly value: string;
  readonly invalidEscapes: readonly InvalidEscape[];
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t" };
const UNICODE_ESCAPE = /^u\{([0-9A-Fa-f]{1,6})\}/;

/**
 * Decodes a string token: its value with escapes applied. An invalid escape is kept as
 * written (so the value stays close to what the user meant) and listed.
 */
export function decodeString(token: IToken): DecodedString {
  const image = token.image;
  const body = token.tokenType === UnterminatedString ? image.slice(1) : image.slice(1, -1);
  if (!body.includes("\\")) return { value: body, invalidEscapes: [] };
  let value = "";
  const invalidEscapes: InvalidEscape[] = [];
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break; // a trailing `\` of an unterminated string: DLM102 covers it
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i += 1;
      continue;
    }
    const unicode = next === "u" ? UNICODE_ESCAPE.exec(body.slice(i + 1, i + 11)) : null;
    const codePoint = unicode ? parseInt(unicode[1]!, 16) : NaN;
    if (unicode && codePoint <= 0x10ffff) {
      value += String.fromCodePoint(codePoint);
      i += unicode[0].length;
      continue;
    }
    const written = unicode ? `\\${unicode[0]}` : `\\${next}`;
    invalidEscapes.push({ offset: i + 1, text: written }); // +1: the opening quote
    value += written;
    i += written.length - 1;
  }
  return { value, invalidEscapes };
}
