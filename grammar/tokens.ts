/**
 * The DLM token vocabulary (docs/language.md §1): one `createToken` per token, in the order the
 * lexer tries them. Besides the real tokens there are "error tokens" that match malformed
 * input (an unterminated string, a stray character...), so the lexer never fails; `parse.ts`
 * turns each of them into a diagnostic.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

/** Token group of comments: kept out of the parser's input but available for doc comments. */
export const COMMENT_GROUP = "comments";
/** Token group of malformed input the parser must not see (reported as diagnostics). */
export const INVALID_GROUP = "invalid";

/** Spaces, tabs and newlines: they separate nothing. */
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });

/** `/// text` directly above a declaration; `////` and more slashes are plain comments. */
export const DocComment = createToken({
  name: "DocComment",
  pattern: /\/\/\/(?!\/)[^\n\r]*/,
  start_chars_hint: ["/"],
  group: COMMENT_GROUP,
});
/** `// to end of line` */
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n\r]*/,
  group: COMMENT_GROUP,
});
/** `/* block *\/`, not nested. */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENT_GROUP,
});
/** A `/*` that never closes: swallows the rest of the file (DLM103). */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: INVALID_GROUP,
});

/** `"..."`; any escape is lexed here and validated when decoded (DLM105). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^\n\r"\\]|\\[^\n\r])*"/,
});
/**
 * A string cut by the end of the line (DLM102). It counts as a `StringLiteral` so the parser
 * reads on as if the quote were there and reports no second error for it.
 */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^\n\r"\\]|\\[^\n\r]?)*/,
  categories: [StringLiteral],
});

/** `[A-Za-z_][A-Za-z0-9_]*` */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_]\w*/ });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories,
  });
}

// Keywords are reserved; `longer_alt` keeps `models` an identifier.
/** `model`: a model declaration, an inline model, or the `model:` setting. */
export const Model = keyword("model");
/** `block`: a reusable group of layers with parameters. */
export const Block = keyword("block");
/** `experiment`: data, model, training and evaluation. */
export const Experiment = keyword("experiment");
/** `import "other.dlm"` */
export const Import = keyword("import");
/** `residual { ... }` */
export const Residual = keyword("residual");
/** `repeat N { ... }` */
export const Repeat = keyword("repeat");
/** `true` */
export const True = keyword("true");
/** `false` */
export const False = keyword("false");
/** `input` in `model NAME(input: ...)`; everywhere else it is an ordinary identifier. */
export const Input = keyword("input", [Identifier]);

/** `42`, `0.5`, `.5`, `1e-3`, `2.5E+4` — not glued to letters, digits or dots. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[Ee][+-]?\d+)?(?![\w.])/,
  start_chars_hint: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."],
});
/**
 * Something that starts like a number but is not one (`1.`, `1e`, `28x28`, `1.2.3`): DLM106.
 * It counts as a `NumberLiteral` so the parser reads on.
 */
export const InvalidNumber = createToken({
  name: "InvalidNumber",
  pattern: /(?:\d|\.\d)(?:[Ee][+-]|[\w.])*/,
  categories: [NumberLiteral],
});

/** `,` and `;` both separate members of a body; `,` also separates arguments and list items. */
export const Separator = createToken({ name: "Separator", pattern: Lexer.NA });
/** `,` */
export const Comma = createToken({ name: "Comma", pattern: /,/, categories: [Separator] });
/** `;` */
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, categories: [Separator] });

/** `{` */
export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
/** `}` */
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
/** `(` */
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
/** `)` */
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
/** `[` */
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
/** `]` */
export const RBracket = createToken({ name: "RBracket", pattern: /]/ });
/** `:` after a setting, argument or key name. */
export const Colon = createToken({ name: "Colon", pattern: /:/ });
/** `=` in `name = layer(...)` and in block parameter defaults. */
export const Equals = createToken({ name: "Equals", pattern: /=/ });
/** `+ - * /` between operands; one category so the parser tests one token type, not four. */
export const ArithmeticOperator = createToken({ name: "ArithmeticOperator", pattern: Lexer.NA });
/** `+ -` before an operand. */
export const Sign = createToken({ name: "Sign", pattern: Lexer.NA });
/** `+` */
export const Plus = createToken({ name: "Plus", pattern: /\+/, categories: [ArithmeticOperator, Sign] });
/** `-` */
export const Minus = createToken({ name: "Minus", pattern: /-/, categories: [ArithmeticOperator, Sign] });
/** `*` */
export const Star = createToken({ name: "Star", pattern: /\*/, categories: [ArithmeticOperator] });
/** `/` */
export const Slash = createToken({ name: "Slash", pattern: /\//, categories: [ArithmeticOperator] });
/** `?`: an unknown length in a shape, `[?, 64]`. */
export const Question = createToken({ name: "Question", pattern: /\?/ });

/** Any character no other token starts with (DLM104); tried last. */
export const StrayCharacter = createToken({
  name: "StrayCharacter",
  // Written as a range: Chevrotain's first-character analysis mishandles `[\s\S]`.
  pattern: /[\u0000-\uFFFF]/,
  group: INVALID_GROUP,
});

/** Every token type in the order the lexer tries them (first match wins). */
export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  StringLiteral,
  UnterminatedString,
  Model,
  Block,
  Experiment,
  Import,
  Residual,
  Repeat,
  True,
  False,
  Input,
  Identifier,
  NumberLiteral,
  InvalidNumber,
  Separator,
  Comma,
  Semicolon,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Colon,
  Equals,
  ArithmeticOperator,
  Sign,
  Plus,
  Minus,
  Star,
  Slash,
  Question,
  StrayCharacter,
];
