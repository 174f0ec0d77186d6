/**
 * `dlm fmt`: prints a `.dlm` file in its one canonical layout, like gofmt. A pure function
 * from text to text; only the CLI writes files. A file with syntax errors is refused (its
 * parse diagnostics come back instead), so the formatter never guesses at broken structure.
 *
 * The canonical layout (docs/formatting.md shows it with examples):
 * - two-space indentation; trailing whitespace removed; the file ends with one newline;
 * - top-level declarations separated by exactly one blank line; consecutive imports on
 *   consecutive lines; a `///` doc comment directly above its declaration;
 * - one member per line in every body (model, block, residual, repeat, experiment and
 *   section bodies), except a short body the user wrote on one line: one without comments
 *   whose line fits {@link LINE_WIDTH} stays on one line (inner bodies too), its members
 *   separated by `, ` (`split { train: 0.8, test: 0.2 }`), as prettier keeps a short object;
 *   otherwise the `;` and `,` between members are dropped;
 *   one blank line between members is kept where the source had one or more; no blank
 *   line after `{` or before `}`; an empty body is `{}`;
 * - values stay inline: `conv2d(32, 3, activation: relu)`, `[28, 28, 1]`,
 *   `{ train: 0.8, test: 0.2 }`, `name: value`, `a = b`, `1 / 255`, `-1`, no space before
 *   `(`; a trailing `,` in a list or an argument list is dropped; object entries are
 *   separated by `, ` (a `;` or a missing separator becomes `,`);
 * - every comment is kept, in order: one that shared a line with code before it stays at
 *   the end of that line after one space; one on its own line stays on its own line at the
 *   indentation of what surrounds it; block comments are kept verbatim;
 * - numbers and strings are re-emitted exactly as written; nothing is sorted or wrapped.
 * A value broken by a line comment continues on the next line, one level deeper.
 */
import { tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type { DlmFile, SourceRange } from "../grammar/ast.js";
import { lexDlm } from "../grammar/lexer.js";
import { parseDlm } from "../grammar/parse.js";
import {
  BlockComment,
  Colon,
  Comma,
  DocComment,
  False,
  Identifier,
  Import,
  LBracket,
  LCurly,
  LineComment,
  LParen,
  Minus,
  Model,
  Block,
  NumberLiteral,
  Plus,
  Question,
  RBracket,
  Residual,
  RCurly,
  RParen,
  Semicolon,
  StringLiteral,
  True,
} from "../grammar/tokens.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { walk } from "./visit-ast.js";

/** The formatted text, or the syntax diagnostics that stopped formatting. */
export type FormatResult =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostics: Diagnostic[] };

/** One indentation level. */
const INDENT = "  ";

/**
 * Formats a whole `.dlm` file in the canonical layout (see this module's comment). Refuses
 * a file with syntax errors and returns the parse diagnostics. `file` labels diagnostics.
 */
export function formatDlm(text: string, file = "<input>"): FormatResult {
  const parsed = parseDlm(text, file);
  if (hasErrors(parsed.diagnostics)) return { ok: false, diagnostics: parsed.diagnostics };
  const lexed = lexDlm(text);
  const elements = inSourceOrder(lexed.tokens, lexed.comments);
  const structure = readStructure(parsed.ast);
  const oneLineBodies = new Set(bodiesWrittenOnOneLine(text, elements, structure));
  // A one-line body whose line turns out too wide is expanded, the outermost of its line
  // first; expanding never widens a line, so this ends.
  for (;;) {
    const writer = new LayoutWriter(text, structure, oneLineBodies);
    const lines = writer.layOut(elements);
    const tooWide = writer.oneLineBodiesWiderThan(LINE_WIDTH);
    if (tooWide.length === 0) return { ok: true, text: joinLines(lines) };
    // Expand the outermost body of each too-wide line first: its inner bodies may then fit on lines of their own.
    for (const start of tooWide) oneLineBodies.delete(start);
  }
}

/** The widest line a body kept on one line may make (indentation included). */
export const LINE_WIDTH = 100;

// Structure ------------------------------------------------------------------------------------

/** What the token stream alone cannot tell, read from the syntax tree. */
interface Structure {
  /** Start offset of every body member (layers, settings, sections...) and top-level item → its end. */
  readonly memberEnds: ReadonlyMap<number, number>;
  /** Start offsets of `{` that open an object value (every other `{` opens a body). */
  readonly objectStarts: ReadonlySet<number>;
  /** Start offsets of object entries (their keys). */
  readonly entryStarts: ReadonlySet<number>;
  /** End offsets of call members (`early_stopping(patience: 3)` alone in a section). */
}

const MEMBER_KINDS = new Set([
  "Import",
  "Model",
  "Block",
  "Experiment",
  "Setting",
  "Section",
  "InlineModel",
  "CallMember",
  "LayerCall",
  "Residual",
  "Repeat",
]);

function readStructure(ast: DlmFile): Structure {
  const memberEnds = new Map<number, number>();
  const objectStarts = new Set<number>();
  const entryStarts = new Set<number>();
  walk(ast, (node) => {
    const range: SourceRange = node.range;
    if (MEMBER_KINDS.has(node.kind)) memberEnds.set(range.start, range.end);
    else if (node.kind === "Object") objectStarts.add(range.start);
    else if (node.kind === "ObjectEntry") entryStarts.add(range.start);
  });
  return { memberEnds, objectStarts, entryStarts };
}

/**
 * Start offsets of the body `{`s that may stay on one line: `{` and its `}` on one source
 * line, at least one member and no comment between them (inner bodies stay on that line too).
 */
function bodiesWrittenOnOneLine(text: string, elements: readonly IToken[], structure: Structure): number[] {
  const found: number[] = [];
  // Every open `{`: an object (undefined) or a body with what decides whether it may stay inline.
  const open: ({ start: number; index: number; eligible: boolean } | undefined)[] = [];
  const disqualifyOpenBodies = (): void => {
    for (const body of open) if (body) body.eligible = false;
  };
  elements.forEach((element, index) => {
    const type = element.tokenType;
    if (isComment(element)) {
      disqualifyOpenBodies();
    } else if (type === LCurly && structure.objectStarts.has(element.startOffset)) {
      open.push(undefined);
    } else if (type === LCurly) {
      open.push({ start: element.startOffset, index, eligible: true });
    } else if (type === RCurly) {
      const body = open.pop();
      if (!body?.eligible || index === body.index + 1) return;
      if (countLineBreaks(text.slice(body.start, element.startOffset)) === 0) found.push(body.start);
    }
  });
  return found;
}

/** Parser tokens and comments merged into one stream, in source order. */
function inSourceOrder(tokens: readonly IToken[], comments: readonly IToken[]): IToken[] {
  const merged: IToken[] = [];
  let c = 0;
  for (const token of tokens) {
    while (c < comments.length && comments[c]!.startOffset < token.startOffset) merged.push(comments[c++]!);
    merged.push(token);
  }
  while (c < comments.length) merged.push(comments[c++]!);
  return merged;
}

// Layout ---------------------------------------------------------------------------------------

/** One output line: its indentation level and its pieces (each with the space before it). */
interface OutputLine {
  indent: number;
  readonly pieces: string[];
}

/** What a line at the top level of the file starts; a comment counts as what it leads into. */
type TopLevelKind = "import" | "declaration" | "comment";

/** The last line started at the top level, for the blank lines before the next one. */
interface TopLevelItem {
  readonly kind: TopLevelKind;
  /** A comment with no blank line after it (or a doc comment): it belongs to what follows. */
  readonly attached: boolean;
}

/** A body: the file itself, or `{ ... }` of a model, block, experiment, section... */
interface BodyContext {
  readonly kind: "body";
  readonly indent: number;
  readonly isFile: boolean;
  /** Written on one line, members separated by `, ` (see {@link bodiesWrittenOnOneLine}). */
  readonly oneLine: boolean;
  /** Offset of the body's `{` (-1 for the file). */
  readonly openedAt: number;
  /** End offset of the member being written; a comment before it sits inside that member. */
  memberEnd: number;
  /** True until something (a member or a comment) is written inside. */
  empty: boolean;
  /** True once a line has been started inside (the first member gets no blank line). */
  startedLine: boolean;
}

/** Brackets whose contents stay on one line: `( )`, `[ ]` and object values `{ }`. */
interface InlineContext {
  readonly kind: "paren" | "bracket" | "object";
  /** True until something is written inside (`{}` has no inner spaces). */
  empty: boolean;
  /** Object entries written so far (each after the first gets a `,`). */
  entries: number;
}

type Context = BodyContext | InlineContext;

const LINE_BREAK = /\r\n?|\n/g;

function countLineBreaks(text: string): number {
  return text.match(LINE_BREAK)?.length ?? 0;
}

function isComment(token: IToken): boolean {
  const type = token.tokenType;
  return type === LineComment || type === DocComment || type === BlockComment;
}

/** Index of the first code token at or after `from` (comments skipped); past the end if none. */
function nextCode(elements: readonly IToken[], from: number): number {
  let index = from;
  while (index < elements.length && isComment(elements[index]!)) index += 1;
  return index;
}

function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

const VALUE_ENDINGS: readonly TokenType[] = [
  RParen,
  RBracket,
  RCurly,
  Identifier,
  NumberLiteral,
  StringLiteral,
  True,
  False,
  Question,
];

/** After one of these a `+`/`-` is a binary operator; anywhere else it is a sign. */
function endsValue(type: TokenType | undefined): boolean {
  return type !== undefined && VALUE_ENDINGS.some((ending) => isOfType(type, ending));
}

function isOfType(type: TokenType, category: TokenType): boolean {
  return type === category || (type.CATEGORIES ?? []).includes(category);
}

/** A word a `(` attaches to without a space: a callee, `model NAME(`, `block NAME(`, `residual(`. */
function isWord(type: TokenType | undefined): boolean {
  return type !== undefined && (isOfType(type, Identifier) || type === Model || type === Block || type === Residual);
}

/**
 * Walks tokens and comments once, with a stack of bracket contexts, and decides for each
 * element whether it starts a new line (and how many blank lines and how deep) or follows
 * on the current line (and with which space).
 */
class LayoutWriter {
  private readonly lines: OutputLine[] = [{ indent: 0, pieces: [] }];
  private readonly stack: Context[] = [
    {
      kind: "body",
      indent: 0,
      isFile: true,
      oneLine: false,
      openedAt: -1,
      memberEnd: -1,
      empty: true,
      startedLine: false,
    },
  ];
  /** Where each body kept on one line ends: its `{` offset, and the line and piece of its `}`. */
  private readonly oneLineCloses: { start: number; line: OutputLine; piece: number }[] = [];
  private lastTopLevel: TopLevelItem | undefined;
  /** End offset of the last element written (gaps in the source are measured from it). */
  private previousEnd = 0;
  /** Type of the last thing written, for spacing (a comma this writer inserted included). */
  private previousType: TokenType | undefined;
  private previousIsSign = false;
  /** The last code token written: where an inserted `,` goes, and what a `-` follows. */
  private lastCode:
    { readonly line: OutputLine; readonly piece: number; readonly type: TokenType; readonly end: number } | undefined;
  /** After a line comment the next element must start a new line. */
  private breakPending = false;

  constructor(
    private readonly text: string,
    private readonly structure: Structure,
    private readonly oneLineBodies: ReadonlySet<number>,
  ) {}

  /**
   * `{` offsets of the outermost body kept on one line of each line that, up to the body's
   * `}`, is wider than `width` (inner bodies close first, so the outermost closes last).
   */
  oneLineBodiesWiderThan(width: number): number[] {
    const outermost = new Map<OutputLine, number>();
    for (const { start, line, piece } of this.oneLineCloses) {
      const widthUpToClose = INDENT.length * line.indent + line.pieces.slice(0, piece + 1).join("").length;
      if (widthUpToClose > width) outermost.set(line, start);
    }
    return [...outermost.values()];
  }

  layOut(elements: readonly IToken[]): OutputLine[] {
    elements.forEach((element, index) => {
      if (isComment(element)) this.writeComment(element, elements, index);
      else this.writeToken(element, elements, index);
    });
    return this.lines;
  }

  // Comments -----------------------------------------------------------------------------------

  private writeComment(comment: IToken, elements: readonly IToken[], index: number): void {
    const context = this.top();
    const gapBreaks = countLineBreaks(this.text.slice(this.previousEnd, comment.startOffset));
    const trailing = this.previousType !== undefined && gapBreaks === 0 && !this.breakPending;
    if (trailing) {
      const tight = comment.tokenType === BlockComment && (this.previousOpensBracket() || this.previousIsSign);
      this.append(comment.image, tight ? "" : " ");
    } else if (context.kind === "body" && comment.startOffset >= context.memberEnd) {
      // Between members: a line of its own at the body's depth.
      const item = context.isFile ? this.commentItem(elements, index) : undefined;
      this.startLine(this.blankLinesBeforeMember(context, item, gapBreaks), context.indent);
      if (item) this.lastTopLevel = item;
      this.append(comment.image, "");
    } else {
      this.startLine(0, this.continuationIndent());
      this.append(comment.image, "");
    }
    context.empty = false;
    this.breakPending = comment.tokenType !== BlockComment;
    this.previousEnd = tokenEnd(comment);
    this.previousType = comment.tokenType;
    this.previousIsSign = false;
  }

  // Code tokens --------------------------------------------------------------------------------

  private writeToken(token: IToken, elements: readonly IToken[], index: number): void {
    const type = token.tokenType;
    const context = this.top();
    if (type === Comma || type === Semicolon) {
      this.writeSeparator(context, elements, index);
      return;
    }
    const gapBreaks = countLineBreaks(this.text.slice(this.previousEnd, token.startOffset));
    const memberEnd = this.structure.memberEnds.get(token.startOffset);
    const isSign = (type === Plus || type === Minus) && !endsValue(this.lastCode?.type);

    if (context.kind === "body" && memberEnd !== undefined) {
      if (!context.oneLine) this.placeMember(context, token, gapBreaks);
      else if (!context.empty) this.attachToLastCode(",", Comma);
      context.memberEnd = memberEnd;
    } else if (context.kind === "body" && type === RCurly && !context.isFile) {
      this.stack.pop();
      if (context.oneLine) {
        this.append("}", " ");
        const line = this.lines[this.lines.length - 1]!;
        this.oneLineCloses.push({ start: context.openedAt, line, piece: line.pieces.length - 1 });
      } else {
        if (!context.empty || this.breakPending) this.startLine(0, context.indent - 1);
        this.append("}", "");
      }
      this.finishToken(token, false);
      return;
    } else if (this.breakPending || (this.previousIsComment() && gapBreaks > 0)) {
      this.startLine(0, this.continuationIndent());
    }
    if (context.kind === "object" && this.structure.entryStarts.has(token.startOffset)) {
      if (context.entries > 0) this.attachToLastCode(",", Comma);
      context.entries += 1;
    }

    let closed: InlineContext | undefined;
    if (type === RParen || type === RBracket || type === RCurly) closed = this.popInline();
    this.append(token.image, this.spaceBefore(type, closed));
    context.empty = false;
    if (closed) this.top().empty = false;

    if (type === LParen) this.stack.push({ kind: "paren", empty: true, entries: 0 });
    else if (type === LBracket) this.stack.push({ kind: "bracket", empty: true, entries: 0 });
    else if (type === LCurly && this.structure.objectStarts.has(token.startOffset)) {
      this.stack.push({ kind: "object", empty: true, entries: 0 });
    } else if (type === LCurly) {
      this.stack.push({
        kind: "body",
        indent: this.bodyIndent() + 1,
        isFile: false,
        oneLine: this.oneLineBodies.has(token.startOffset),
        openedAt: token.startOffset,
        memberEnd: -1,
        empty: true,
        startedLine: false,
      });
    }
    this.finishToken(token, isSign);
  }

  /** A member or a top-level item starts a line, except right after a block comment on its line. */
  private placeMember(context: BodyContext, token: IToken, gapBreaks: number): void {
    const item: TopLevelItem = { kind: token.tokenType === Import ? "import" : "declaration", attached: false };
    const afterLeadingComment =
      this.previousIsComment() && gapBreaks === 0 && !this.breakPending && !this.currentLineHasCode();
    if (!afterLeadingComment) this.startLine(this.blankLinesBeforeMember(context, item, gapBreaks), context.indent);
    if (context.isFile) this.lastTopLevel = item;
  }

  /**
   * `,` and `;` between members and between object entries are dropped (object entries get
   * their `,` back from {@link attachToLastCode}), except the one `;` that keeps two members
   * apart; in lists and argument lists a trailing `,` is dropped and every other one kept,
   * right after the item it follows.
   */
  private writeSeparator(context: Context, elements: readonly IToken[], index: number): void {
    const following = nextCode(elements, index + 1);
    if (context.kind === "body") {
      return;
    }
    if (context.kind === "object") return;
    const type = elements[following]?.tokenType;
    if (type === RParen || type === RBracket) return;
    this.attachToLastCode(",", Comma);
  }

  /** Writes `,` or `;` right after the last code token, before any comment that followed it. */
  private attachToLastCode(text: string, type: TokenType): void {
    const last = this.lastCode;
    if (!last) return;
    const isLastWritten = this.lines[this.lines.length - 1] === last.line && last.line.pieces.length === last.piece + 1;
    last.line.pieces[last.piece] += text;
    this.lastCode = { ...last, type };
    if (isLastWritten) {
      this.previousType = type;
      this.previousIsSign = false;
    }
  }

  private finishToken(token: IToken, isSign: boolean): void {
    const line = this.lines[this.lines.length - 1]!;
    this.lastCode = { line, piece: line.pieces.length - 1, type: token.tokenType, end: tokenEnd(token) };
    this.previousEnd = tokenEnd(token);
    this.previousType = token.tokenType;
    this.previousIsSign = isSign;
    this.breakPending = false;
  }

  private spaceBefore(type: TokenType, closed: InlineContext | undefined): string {
    const previous = this.previousType;
    if (previous === undefined || this.previousOpensBracket() || this.previousIsSign) return "";
    if (type === RParen || type === RBracket || type === Comma || type === Colon) return "";
    if (type === LParen && isWord(previous)) return "";
    if (closed?.kind === "object" && closed.empty) return "";
    return " ";
  }

  // Lines --------------------------------------------------------------------------------------

  /**
   * Blank lines before a member or a comment between members: at most one, as in the source;
   * at the top level one after a declaration and before a declaration, none between imports
   * and none between a comment and what it belongs to.
   */
  private blankLinesBeforeMember(context: BodyContext, next: TopLevelItem | undefined, gapBreaks: number): number {
    const asWritten = Math.min(1, Math.max(0, gapBreaks - 1));
    if (!context.isFile || !next) return context.startedLine ? asWritten : 0;
    const previous = this.lastTopLevel;
    if (!previous || previous.attached) return 0;
    if (previous.kind === "declaration") return 1;
    if (previous.kind === "import" && next.kind !== "comment") return next.kind === "import" ? 0 : 1;
    return asWritten;
  }

  /**
   * A top-level comment belongs to what follows it when no blank line separates them (a doc
   * comment always does): it is then placed as that import or declaration would be.
   */
  private commentItem(elements: readonly IToken[], index: number): TopLevelItem {
    const attached = this.isAttachedToNext(elements, index);
    let last = index;
    while (isComment(elements[last]!) && this.isAttachedToNext(elements, last)) last += 1;
    const led = elements[last]!;
    if (isComment(led)) return { kind: "comment", attached };
    return { kind: led.tokenType === Import ? "import" : "declaration", attached };
  }

  private isAttachedToNext(elements: readonly IToken[], index: number): boolean {
    const element = elements[index]!;
    const next = elements[index + 1];
    if (!next) return false;
    return (
      element.tokenType === DocComment || countLineBreaks(this.text.slice(tokenEnd(element), next.startOffset)) < 2
    );
  }

  private startLine(blankLines: number, indent: number): void {
    const current = this.lines[this.lines.length - 1]!;
    this.innermostBody().startedLine = true;
    if (current.pieces.length === 0) {
      current.indent = indent;
    } else {
      for (let i = 0; i < blankLines; i++) this.lines.push({ indent: 0, pieces: [] });
      this.lines.push({ indent, pieces: [] });
    }
    this.breakPending = false;
  }

  private append(text: string, space: string): void {
    const line = this.lines[this.lines.length - 1]!;
    line.pieces.push(line.pieces.length === 0 ? text : space + text);
  }

  /** Closes `)`, `]` or an object's `}`: a file that parses has them balanced. */
  private popInline(): InlineContext {
    const context = this.stack.pop();
    if (!context || context.kind === "body") throw new Error("unbalanced brackets in a file that parsed");
    return context;
  }

  private top(): Context {
    return this.stack[this.stack.length - 1]!;
  }

  private innermostBody(): BodyContext {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const context = this.stack[i]!;
      if (context.kind === "body") return context;
    }
    throw new Error("the file context is never popped");
  }

  /** Indentation of the innermost body (the file is 0). */
  private bodyIndent(): number {
    return this.innermostBody().indent;
  }

  /** A value that must go on past a line break continues one level deeper than its member. */
  private continuationIndent(): number {
    return this.bodyIndent() + 1;
  }

  private previousIsComment(): boolean {
    const type = this.previousType;
    return type === LineComment || type === DocComment || type === BlockComment;
  }

  private previousOpensBracket(): boolean {
    const type = this.previousType;
    return type === LParen || type === LBracket;
  }

  private currentLineHasCode(): boolean {
    return this.lastCode?.line === this.lines[this.lines.length - 1];
  }
}

function joinLines(lines: readonly OutputLine[]): string {
  const printed = lines.map((line) =>
    line.pieces.length === 0 ? "" : (INDENT.repeat(line.indent) + line.pieces.join("")).trimEnd(),
  );
  while (printed.length > 0 && printed[printed.length - 1] === "") printed.pop();
  return printed.length === 0 ? "" : printed.join("\n") + "\n";
}
