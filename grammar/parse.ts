/**
 * The front door of the grammar: text in, AST and syntax diagnostics out. Runs the lexer,
 * the parser (with recovery) and the CST → AST conversion, and words every lexer and parser
 * error in the language's own terms. Never throws and never hangs, whatever the input.
 */
import { EOF, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type { DlmFile, SourceRange } from "./ast.js";
import { buildAst } from "./cst-to-ast.js";
import { decodeString, lexDlm, tokenRange, type LexedText } from "./lexer.js";
import { dlmParser, MAX_NESTING, MAX_RECOVERED_ERRORS, readExpectation, type SyntaxExpectation } from "./parser.js";
import {
  Block,
  Experiment,
  Identifier,
  Import,
  InvalidNumber,
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
  StrayCharacter,
  StringLiteral,
  UnterminatedBlockComment,
  UnterminatedString,
  Colon,
  Equals,
} from "./tokens.js";
import { makeDiagnostic, type Diagnostic, type DiagnosticDetails } from "../diagnostics/diagnostic.js";
import { SYNTAX } from "../diagnostics/catalog/syntax.js";

/** The AST of one file and every syntax diagnostic found in it, in source order. */
export interface ParseResult {
  readonly ast: DlmFile;
  readonly diagnostics: Diagnostic[];
}

/** Parses one `.dlm` file. `file` is only used to label diagnostics. */
export function parseDlm(text: string, file: string): ParseResult {
  try {
    return parseUnguarded(text, file);
  } catch (error) {
    // A broken invariant inside the grammar: report it as data rather than crash the caller.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ast: { kind: "File", range: { start: 0, end: text.length }, imports: [], declarations: [] },
      diagnostics: [
        makeDiagnostic(
          SYNTAX.internalError,
          file,
          { start: 0, end: 0 },
          {
            message: `internal parser error: ${detail}`,
            notes: ["this is a bug in the DLM compiler, not in this file; please report it"],
          },
        ),
      ],
    };
  }
}

function parseUnguarded(text: string, file: string): ParseResult {
  const lexed = lexDlm(text);
  const lexical = reportLexicalProblems(lexed, file);
  const nesting = limitNesting(lexed.tokens, file);
  dlmParser.input = nesting.tokens;
  const cst = dlmParser.file();
  const parserErrors = dlmParser.errors;
  const exhausted = dlmParser.recoveryExhausted;
  dlmParser.input = []; // the shared parser must not keep this file's tokens alive
  const describer = new SyntaxErrorDescriber(text, file, nesting.tokens);
  const syntax = parserErrors.map((error) => describer.describe(error));
  const built = buildAst(cst, text, file, lexed.comments);
  const certain = lexical.concat(nesting.diagnostics, built.diagnostics);
  const merged = mergeDiagnostics(text, certain, syntax);
  const stoppedAt = exhausted ? syntax[syntax.length - 1]?.range.start : undefined;
  return { ast: built.ast, diagnostics: limitDiagnostics(merged, stoppedAt, file) };
}

/** At most this many syntax diagnostics per file; past it, one DLM109 says so. */
export const MAX_SYNTAX_DIAGNOSTICS = 100;

function limitDiagnostics(diagnostics: Diagnostic[], parserStoppedAt: number | undefined, file: string): Diagnostic[] {
  const truncated = diagnostics.length > MAX_SYNTAX_DIAGNOSTICS;
  if (!truncated && parserStoppedAt === undefined) return diagnostics;
  const kept = diagnostics.slice(0, MAX_SYNTAX_DIAGNOSTICS);
  const cutoff = truncated ? diagnostics[MAX_SYNTAX_DIAGNOSTICS]!.range.start : Infinity;
  const at = Math.min(cutoff, parserStoppedAt ?? Infinity);
  kept.push(
    makeDiagnostic(
      SYNTAX.tooManyErrors,
      file,
      { start: at, end: at },
      {
        message: "too many syntax errors; stopped reporting here",
        notes: [
          `at most ${MAX_SYNTAX_DIAGNOSTICS} syntax errors are reported per file, and parsing stops after ${MAX_RECOVERED_ERRORS}`,
        ],
      },
    ),
  );
  return kept;
}

// Lexical problems ------------------------------------------------------------------------------

function reportLexicalProblems(lexed: LexedText, file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const token of lexed.tokens) {
    // Past the cap nothing more is shown (see limitDiagnostics); spare building the rest.
    if (diagnostics.length > MAX_SYNTAX_DIAGNOSTICS) break;
    if (token.tokenType === UnterminatedString) {
      diagnostics.push(
        makeDiagnostic(SYNTAX.unterminatedString, file, tokenRange(token), {
          message: "unterminated string",
          help: 'close the string with `"` on the same line (strings cannot span lines)',
        }),
      );
    }
    if (tokenMatcher(token, StringLiteral) && token.image.includes("\\")) {
      for (const escape of decodeString(token).invalidEscapes) {
        const start = token.startOffset + escape.offset;
        diagnostics.push(
          makeDiagnostic(
            SYNTAX.invalidEscape,
            file,
            { start, end: start + escape.text.length },
            {
              message: `invalid escape \`${escape.text}\` in string`,
              help: 'valid escapes are `\\"`, `\\\\`, `\\n`, `\\t` and `\\u{1F600}`; write `\\\\` for a backslash',
            },
          ),
        );
      }
    }
    if (token.tokenType === InvalidNumber) {
      diagnostics.push(
        makeDiagnostic(SYNTAX.invalidNumber, file, tokenRange(token), {
          message: `invalid number \`${token.image}\``,
          help: invalidNumberHelp(token.image),
        }),
      );
    } else if (token.tokenType === NumberLiteral && !Number.isFinite(Number(token.image))) {
      diagnostics.push(
        makeDiagnostic(SYNTAX.invalidNumber, file, tokenRange(token), {
          message: `number \`${token.image}\` is too large`,
        }),
      );
    }
  }
  return diagnostics.concat(reportInvalidCharacters(lexed.invalid, file));
}

function invalidNumberHelp(image: string): string {
  if (/^\d+x\d+/.test(image)) return "write a shape as a list: `[28, 28]`";
  if (/\.$/.test(image)) return "write a digit after the decimal point, e.g. `1.0`";
  if (/[Ee][+-]?$/.test(image)) return "write the exponent's digits, e.g. `1e-3`";
  return "numbers look like `42`, `0.5`, `.5`, `1e-3` or `2.5E+4`";
}

function reportInvalidCharacters(invalid: readonly IToken[], file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let run: IToken[] = [];
  const flush = (): void => {
    const first = run[0];
    const last = run[run.length - 1];
    if (!first || !last) return;
    const characters = run.map((token) => token.image).join("");
    const shown = [...characters].slice(0, 12).map(showCharacter).join("");
    const more = [...characters].length > 12 ? "…" : "";
    const plural = [...characters].length > 1 ? "characters" : "character";
    diagnostics.push(
      makeDiagnostic(
        SYNTAX.unexpectedCharacter,
        file,
        { start: first.startOffset, end: tokenRange(last).end },
        {
          message: `unexpected ${plural} \`${shown}${more}\``,
        },
      ),
    );
    run = [];
  };
  for (const token of invalid) {
    if (diagnostics.length > MAX_SYNTAX_DIAGNOSTICS) return diagnostics;
    if (token.tokenType === UnterminatedBlockComment) {
      flush();
      diagnostics.push(
        makeDiagnostic(
          SYNTAX.unterminatedComment,
          file,
          { start: token.startOffset, end: token.startOffset + 2 },
          {
            message: "unterminated block comment: `/*` has no closing `*/`",
            help: "add `*/` where the comment should end",
          },
        ),
      );
      continue;
    }
    if (token.tokenType !== StrayCharacter) continue;
    const previous = run[run.length - 1];
    // Characters in a row (a multi-unit emoji, `@@`) make one diagnostic, not one each.
    if (previous && tokenRange(previous).end !== token.startOffset) flush();
    run.push(token);
  }
  flush();
  return diagnostics;
}

/** A character as the user can read it in a message: control characters as `\u{…}`. */
function showCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff)) {
    return `\\u{${code.toString(16).toUpperCase()}}`;
  }
  return character;
}

// Nesting guard ---------------------------------------------------------------------------------

interface NestingResult {
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

function isOpener(token: IToken): boolean {
  const type = token.tokenType;
  return type === LParen || type === LCurly || type === LBracket;
}

function isCloser(token: IToken): boolean {
  const type = token.tokenType;
  return type === RParen || type === RCurly || type === RBracket;
}

/** Drops tokens nested deeper than {@link MAX_NESTING}; the recursive parser never sees them. */
function limitNesting(tokens: IToken[], file: string): NestingResult {
  let depth = 0;
  let kept: IToken[] | undefined;
  let firstDropped: IToken | undefined;
  tokens.forEach((token, index) => {
    if (isOpener(token)) depth += 1;
    const tooDeep = depth > MAX_NESTING;
    if (isCloser(token)) depth = Math.max(0, depth - 1);
    if (tooDeep && !kept) kept = tokens.slice(0, index);
    if (tooDeep) firstDropped ??= token;
    else kept?.push(token);
  });
  if (!kept || !firstDropped) return { tokens, diagnostics: [] };
  return {
    tokens: kept,
    diagnostics: [
      makeDiagnostic(SYNTAX.nestingTooDeep, file, tokenRange(firstDropped), {
        message: `brackets nested more than ${MAX_NESTING} levels deep`,
        notes: ["the part nested deeper is skipped"],
      }),
    ],
  };
}

// Parser errors ---------------------------------------------------------------------------------

/** What a body between brackets holds, to say what was expected in it. */
type BodyContent = "layers" | "members" | "entries" | "items" | "expression";

interface OpenerContext {
  /** E.g. "the argument list of `conv2d`", "the body of model `SmallCnn`". */
  readonly phrase: string;
  readonly content: BodyContent;
}

const TOKEN_WORDS: Readonly<Record<string, string>> = {
  Identifier: "a name",
  Input: "`input`",
  NumberLiteral: "a number",
  StringLiteral: "a string",
  EOF: "the end of the file",
  LCurly: "`{`",
  RCurly: "`}`",
  LParen: "`(`",
  RParen: "`)`",
  LBracket: "`[`",
  RBracket: "`]`",
  Colon: "`:`",
  Comma: "`,`",
  Semicolon: "`;`",
  Separator: "`,`",
  Equals: "`=`",
};

/** Rules whose errors are worded after the declaration or body they belong to. */
const RULES_WITH_OWNER = new Set(["modelDecl", "blockDecl", "experimentDecl", "layerBody", "memberBody"]);

const DECLARATION_HELP = "a file holds `model`, `block`, `experiment` and `import` declarations";

/**
 * Turns Chevrotain's recognition exceptions into diagnostics in DLM's words, using the
 * token stream around the error: which bracket is open, what it belongs to, what came before.
 */
class SyntaxErrorDescriber {
  private brackets: BracketStructure | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly tokens: readonly IToken[],
  ) {}

  describe(error: IRecognitionException): Diagnostic {
    const expectation: SyntaxExpectation = readExpectation(error.message) ?? {
      kind: "mismatch",
      expected: [],
      rule: "",
    };
    const index = this.indexOf(error.token);
    const details = this.explain(expectation, index);
    return makeDiagnostic(SYNTAX.unexpectedToken, this.file, details.range, details);
  }

  private explain(expectation: SyntaxExpectation, index: number): DiagnosticDetails & { range: SourceRange } {
    const found = this.tokens[index];
    const foundWords = this.foundWords(index);
    const brackets = this.bracketStructure();
    if (found && isCloser(found) && brackets.partner[index] === -1) {
      return {
        message: `unexpected ${foundWords}`,
        notes: [`there is no \`${openerText(found)}\` for it to close`],
        range: tokenRange(found),
      };
    }
    const keyword = this.equalsForColon(index);
    if (keyword) return keyword;
    const expected = expectation.expected;
    if (expected.includes("EOF") || expectation.rule === "file") {
      return {
        message: `expected a declaration (\`model\`, \`block\`, \`experiment\` or \`import\`), found ${foundWords}`,
        help: DECLARATION_HELP,
        range: this.foundRange(index),
      };
    }
    if (expectation.kind === "mismatch") {
      const closing = expected.length === 1 ? closingKind(expected[0]!) : undefined;
      if (closing) return this.explainMissingCloser(closing, index);
      if (expected.includes("Comma")) {
        const opener = this.enclosingOpener(index, undefined);
        if (opener >= 0) return this.explainInsideBody(opener, index);
      }
      return this.explainMissingToken(expected[0] ?? "", expectation.rule, index);
    }
    if (expectation.kind === "noViableAlternative") {
      return this.explainNoAlternative(expectation.rule, index);
    }
    return { message: `unexpected ${foundWords}`, range: this.foundRange(index) };
  }

  /** The parser wanted `)`, `]` or `}`. */
  private explainMissingCloser(opener: TokenType, index: number): DiagnosticDetails & { range: SourceRange } {
    const openerIndex = this.enclosingOpener(index, opener);
    if (openerIndex < 0) {
      // Nothing is open to close: what was found does not belong here.
      const closer = opener === LParen ? ")" : opener === LBracket ? "]" : "}";
      const found = this.tokens[index];
      return found
        ? { message: `unexpected ${this.foundWords(index)}`, range: tokenRange(found) }
        : { message: `expected \`${closer}\`, found the end of the file`, range: this.expectedRange(index) };
    }
    if (this.bracketStructure().partner[openerIndex] !== -1) return this.explainInsideBody(openerIndex, index);
    const context = this.openerContext(openerIndex);
    const closer = closerText(this.tokens[openerIndex]!);
    const range = this.expectedRange(index);
    const openerRange = tokenRange(this.tokens[openerIndex]!);
    const related = this.sameLine(openerRange.start, range.start)
      ? []
      : [{ file: this.file, range: openerRange, message: `\`${this.tokens[openerIndex]!.image}\` opened here` }];
    return {
      message: `expected \`${closer}\` to close ${context.phrase}, found ${this.foundWords(index)}`,
      related,
      range,
    };
  }

  /** The bracket around the error is closed later: something inside it does not belong. */
  private explainInsideBody(openerIndex: number, index: number): DiagnosticDetails & { range: SourceRange } {
    const context = this.openerContext(openerIndex);
    const found = this.foundWords(index);
    const range = this.foundRange(index);
    const closer = closerText(this.tokens[openerIndex]!);
    switch (context.content) {
      case "layers":
        return { message: `expected a layer in ${context.phrase}, found ${found}`, range };
      case "members":
        if (this.tokens[index]?.tokenType === Model) return this.explainBareModel(index);
        return { message: `expected a setting, section or call in ${context.phrase}, found ${found}`, range };
      case "entries":
        return { message: `expected \`key: value\` in ${context.phrase}, found ${found}`, range };
      case "items":
        return {
          message: `expected \`,\` or \`${closer}\` in ${context.phrase}, found ${found}`,
          help: "separate items with `,`",
          range,
        };
      case "expression":
        return { message: `expected \`${closer}\` to close ${context.phrase}, found ${found}`, range };
    }
  }

  /**
   * `activation = relu`, `loss = mse`: Keras and Python write `name=value` where DLM writes
   * `name: value`. Only where an `=` cannot stand (naming a layer and a block parameter's
   * default are valid and never reach here), right after a name inside brackets or braces.
   */
  private equalsForColon(index: number): (DiagnosticDetails & { range: SourceRange }) | undefined {
    const found = this.tokens[index];
    const name = this.tokens[index - 1];
    if (found?.tokenType !== Equals || !name || !tokenMatcher(name, Identifier)) return undefined;
    if (this.enclosingOpener(index, undefined) < 0) return undefined;
    return {
      message: `expected \`:\` after \`${clip(name.image)}\`, found \`=\``,
      help: `use \`:\` for a named argument or a setting: \`${clip(name.image)}: ...\` (DLM writes \`name: value\`, not \`name=value\`)`,
      range: tokenRange(found),
    };
  }

  /** `model` in an experiment followed by neither `:` nor `{`. */
  private explainBareModel(index: number): DiagnosticDetails & { range: SourceRange } {
    return {
      message: `expected \`:\` or \`{\` after \`model\`, found ${this.foundWords(index + 1)}`,
      help: "write `model: NAME` to use a declared model, or `model { layers }` for an inline one",
      range: this.expectedRange(index + 1),
    };
  }

  private explainMissingToken(
    expected: string,
    rule: string,
    index: number,
  ): DiagnosticDetails & { range: SourceRange } {
    const found = this.foundWords(index);
    const after = this.previousWords(index);
    const range = this.expectedRange(index);
    const owner = this.ownerPhrase(rule, index);
    switch (expected) {
      case "Identifier":
        return { message: `expected a name${after ? ` after ${after}` : ""}, found ${found}`, range };
      case "LCurly":
        return {
          message: owner ? `expected \`{\` to start ${owner}, found ${found}` : `expected \`{\`, found ${found}`,
          range,
        };
      case "LParen":
        return {
          message: `expected \`(\` to start ${owner ?? "the parameter list"}, found ${found}`,
          help: "a block lists its parameters in parentheses, even when it has none: `block Name() { ... }`",
          range,
        };
      case "Input":
        return {
          message: `expected \`input:\` in the header of ${owner ?? "the model"}, found ${found}`,
          help: "write `model Name(input: [28, 28, 1]) { ... }`, or leave out the parentheses to take the input shape from the data",
          range,
        };
      case "StringLiteral":
        return { message: `expected a file path string after \`import\`, found ${found}`, range };
      default:
        return {
          message: `expected ${TOKEN_WORDS[expected] ?? `\`${expected}\``}${after ? ` after ${after}` : ""}, found ${found}`,
          range,
        };
    }
  }

  private explainNoAlternative(rule: string, index: number): DiagnosticDetails & { range: SourceRange } {
    const found = this.foundWords(index);
    switch (rule) {
      case "operand":
      case "value": {
        const after = this.previousWords(index);
        return {
          message: `expected a value${after ? ` after ${after}` : ""}, found ${found}`,
          range: this.expectedRange(index),
        };
      }
      case "layer":
        return { message: `expected a layer, found ${found}`, range: this.foundRange(index) };
      case "member":
        if (this.tokens[index]?.tokenType === Model) return this.explainBareModel(index);
        return { message: `expected a setting, section or call, found ${found}`, range: this.foundRange(index) };
      case "objectEntry":
        return {
          message: `expected a key (a name, string or number), found ${found}`,
          range: this.foundRange(index),
        };
      case "repeatLayer":
        return {
          message: `expected a count after \`repeat\`, found ${found}`,
          help: "write `repeat 3 { ... }`",
          range: this.expectedRange(index),
        };
      default:
        return { message: `unexpected ${found}`, range: this.foundRange(index) };
    }
  }

  // Token stream helpers -----------------------------------------------------------------------

  private indexOf(token: IToken): number {
    if (tokenMatcher(token, EOF) || Number.isNaN(token.startOffset)) return this.tokens.length;
    let low = 0;
    let high = this.tokens.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const offset = this.tokens[middle]!.startOffset;
      if (offset === token.startOffset) return middle;
      if (offset < token.startOffset) low = middle + 1;
      else high = middle - 1;
    }
    return low;
  }

  private bracketStructure(): BracketStructure {
    this.brackets ??= matchBrackets(this.tokens);
    return this.brackets;
  }

  /** The innermost unclosed bracket (of kind `opener`, when given) before token `index`. */
  private enclosingOpener(index: number, opener: TokenType | undefined): number {
    const brackets = this.bracketStructure();
    let candidate = brackets.enclosing[index] ?? -1;
    while (candidate >= 0 && opener !== undefined && this.tokens[candidate]!.tokenType !== opener) {
      candidate = brackets.parent[candidate] ?? -1;
    }
    return candidate;
  }

  /** What the bracket at `index` opens, read from the tokens before it. */
  private openerContext(index: number): OpenerContext {
    const opener = this.tokens[index]!;
    const before = this.tokens[index - 1];
    const twoBefore = this.tokens[index - 2];
    if (opener.tokenType === LBracket) return { phrase: "the list", content: "items" };
    if (opener.tokenType === LParen) {
      if (before && tokenMatcher(before, Identifier)) {
        const name = before.image;
        if (twoBefore?.tokenType === Model) return { phrase: `the input of model \`${name}\``, content: "items" };
        if (twoBefore?.tokenType === Block)
          return { phrase: `the parameter list of block \`${name}\``, content: "items" };
        return { phrase: `the argument list of \`${name}\``, content: "items" };
      }
      return { phrase: "the parentheses", content: "expression" };
    }
    // `{`: look through a parenthesized header, `model M(input: ...) {` or `stage(1) {`.
    let head = index - 1;
    if (this.tokens[head]?.tokenType === RParen) {
      const open = this.bracketStructure().partner[head] ?? -1;
      if (open >= 0) head = open - 1;
    }
    const headToken = this.tokens[head];
    const keyword = this.tokens[head - 1];
    if (headToken && tokenMatcher(headToken, Identifier)) {
      const name = headToken.image;
      if (keyword?.tokenType === Model) return { phrase: `the body of model \`${name}\``, content: "layers" };
      if (keyword?.tokenType === Block) return { phrase: `the body of block \`${name}\``, content: "layers" };
      if (keyword?.tokenType === Experiment) return { phrase: `experiment \`${name}\``, content: "members" };
      if (keyword?.tokenType === Repeat) return { phrase: "the `repeat` body", content: "layers" };
      if (keyword?.tokenType !== Colon) return { phrase: `section \`${name}\``, content: "members" };
    }
    if (headToken?.tokenType === Model) return { phrase: "the inline model", content: "layers" };
    if (headToken?.tokenType === Residual) return { phrase: "the `residual` body", content: "layers" };
    if (headToken?.tokenType === NumberLiteral && keyword?.tokenType === Repeat) {
      return { phrase: "the `repeat` body", content: "layers" };
    }
    return { phrase: "the object", content: "entries" };
  }

  /** The declaration or section the failing rule belongs to, e.g. "the body of model `A`". */
  private ownerPhrase(rule: string, index: number): string | undefined {
    if (!RULES_WITH_OWNER.has(rule)) return undefined;
    const partner = this.bracketStructure().partner;
    for (let i = index - 1, steps = 0; i >= 0 && steps < 8; i--, steps++) {
      const token = this.tokens[i]!;
      // Step over a closed header such as `(input: [28, 28, 1])`; stop at a bracket around us.
      if (isCloser(token) && partner[i]! >= 0) {
        i = partner[i]!;
        continue;
      }
      if (isOpener(token) && i < index - 1) break;
      const type = token.tokenType;
      if (type === Model || type === Block || type === Experiment) {
        const name = this.tokens[i + 1];
        const named = name && tokenMatcher(name, Identifier) ? ` \`${name.image}\`` : "";
        if (type === Experiment) return `experiment${named}`;
        if (rule === "blockDecl") return `the parameter list of block${named}`;
        if (rule === "modelDecl" && type === Model) return `model${named}`;
        return `the body of ${type === Block ? "block" : "model"}${named}`;
      }
      if (type === Residual) return "the `residual` body";
      if (type === Repeat) return "the `repeat` body";
    }
    return undefined;
  }

  private foundWords(index: number): string {
    const token = this.tokens[index];
    if (!token) return "the end of the file";
    if (tokenMatcher(token, StringLiteral)) return `the string \`${clip(token.image)}\``;
    return `\`${clip(token.image)}\``;
  }

  /** The tokens just before `index` as the user wrote them: `epochs:`, `dense(`, `model`. */
  private previousWords(index: number): string | undefined {
    const previous = this.tokens[index - 1];
    if (!previous) return undefined;
    const beforeThat = this.tokens[index - 2];
    if (previous.tokenType === Colon && beforeThat && tokenMatcher(beforeThat, Identifier)) {
      return `\`${beforeThat.image}:\``;
    }
    if (previous.tokenType === Colon && beforeThat?.tokenType === Model) return "`model:`";
    return `\`${clip(previous.image)}\``;
  }

  /** Where an expected token is missing: at the found token on the same line, else right after the previous one. */
  private expectedRange(index: number): SourceRange {
    const previous = this.tokens[index - 1];
    const found = this.tokens[index];
    if (!previous) return found ? tokenRange(found) : { start: this.text.length, end: this.text.length };
    const end = tokenRange(previous).end;
    if (found && this.sameLine(end, found.startOffset)) return tokenRange(found);
    return { start: end, end };
  }

  private foundRange(index: number): SourceRange {
    const found = this.tokens[index];
    return found ? tokenRange(found) : this.expectedRange(index);
  }

  private sameLine(from: number, to: number): boolean {
    const start = Math.min(from, to);
    const end = Math.max(from, to);
    return !/[\n\r\u2028\u2029]/.test(this.text.slice(start, end));
  }
}

function clip(text: string): string {
  const shown = [...text].map(showCharacter).join("");
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
}

function closingKind(expected: string): TokenType | undefined {
  if (expected === "RParen") return LParen;
  if (expected === "RCurly") return LCurly;
  if (expected === "RBracket") return LBracket;
  return undefined;
}

function closerText(opener: IToken): string {
  if (opener.tokenType === LParen) return ")";
  if (opener.tokenType === LBracket) return "]";
  return "}";
}

function openerText(closer: IToken): string {
  if (closer.tokenType === RParen) return "(";
  if (closer.tokenType === RBracket) return "[";
  return "{";
}

/** How the brackets in a token stream pair up, tolerating mismatches. */
interface BracketStructure {
  /** Per token index (and one past the end): the innermost open bracket before it, or -1. */
  readonly enclosing: Int32Array;
  /** Per opener: the bracket that was open around it, or -1. */
  readonly parent: Int32Array;
  /** Per bracket: its partner's index, or -1 when never closed / nothing to close. */
  readonly partner: Int32Array;
}

function matchBrackets(tokens: readonly IToken[]): BracketStructure {
  const count = tokens.length;
  const enclosing = new Int32Array(count + 1).fill(-1);
  const parent = new Int32Array(count).fill(-1);
  const partner = new Int32Array(count).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < count; i++) {
    const token = tokens[i]!;
    enclosing[i] = open[open.length - 1] ?? -1;
    if (isOpener(token)) {
      parent[i] = enclosing[i]!;
      open.push(i);
    } else if (isCloser(token)) {
      const wanted = openerText(token);
      let match = open.length - 1;
      while (match >= 0 && tokens[open[match]!]!.image !== wanted) match -= 1;
      if (match >= 0) {
        partner[i] = open[match]!;
        partner[open[match]!] = i;
        // Brackets opened inside and never closed stay unpartnered.
        open.length = match;
      }
    }
  }
  enclosing[count] = open[open.length - 1] ?? -1;
  return { enclosing, parent, partner };
}

// Merging ---------------------------------------------------------------------------------------

/**
 * Lexical and tree diagnostics are always kept. A parser error on a line that already has a
 * diagnostic is dropped: after the first error on a line, the rest are usually its echoes.
 */
function mergeDiagnostics(text: string, certain: Diagnostic[], parser: Diagnostic[]): Diagnostic[] {
  if (parser.length === 0) return sortByStart(certain);
  const lineStarts = lineStartOffsets(text);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const usedLines = new Set(certain.map((d) => lineOf(d.range.start)));
  const kept = [...certain];
  for (const diagnostic of sortByStart(parser)) {
    const line = lineOf(diagnostic.range.start);
    if (usedLines.has(line)) continue;
    usedLines.add(line);
    kept.push(diagnostic);
  }
  return sortByStart(kept);
}

function sortByStart(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  const newline = /\r\n?|\n|\u2028|\u2029/g;
  for (let match = newline.exec(text); match; match = newline.exec(text)) {
    starts.push(match.index + match[0].length);
  }
  return starts;
}
