/** Catalog of the syntax family (DLM1xx): what the lexer and parser report. */
import type { MessageEntry } from "./catalog-entry.js";

/** The syntax codes by meaning, so code reads `SYNTAX.unterminatedString`, not `"DLM102"`. */
export const SYNTAX = {
  internalError: "DLM100",
  unexpectedToken: "DLM101",
  unterminatedString: "DLM102",
  unterminatedComment: "DLM103",
  unexpectedCharacter: "DLM104",
  invalidEscape: "DLM105",
  invalidNumber: "DLM106",
  positionalAfterNamed: "DLM107",
  nestingTooDeep: "DLM108",
  tooManyErrors: "DLM109",
} as const;

/** One entry per syntax code: what `dlm explain DLM1xx` prints. */
export const SYNTAX_MESSAGES: readonly MessageEntry[] = [
  {
    code: SYNTAX.internalError,
    title: "internal parser error",
    severity: "error",
    explanation:
      "The parser itself failed on this file. This is a bug in the DLM compiler, not in your " +
      "program; please report it with the file attached. Nothing after this point was checked.",
    wrong: "// any input that triggers a parser bug",
    fixed: "// no fix on your side: report the file",
  },
  {
    code: SYNTAX.unexpectedToken,
    title: "unexpected token",
    severity: "error",
    explanation:
      "The parser found something other than what the grammar allows at this point: a " +
      "missing closing bracket, a missing value after `:`, a comma missing between arguments, " +
      "or a stray symbol. The message says what was expected and what was found. The parser " +
      "recovers and keeps reading, so every such error in the file is reported at once.",
    wrong: "model Net {\n  conv2d(32, 3 activation: relu)\n}",
    fixed: "model Net {\n  conv2d(32, 3, activation: relu)\n}",
  },
  {
    code: SYNTAX.unterminatedString,
    title: "unterminated string",
    severity: "error",
    explanation:
      'A string starts with `"` and must end with `"` on the same line; strings cannot span ' +
      'lines. Write `\\n` for a newline and `\\"` for a quote inside the string.',
    wrong: 'experiment mnist {\n  export: "runs/mnist/model\n}',
    fixed: 'experiment mnist {\n  export: "runs/mnist/model"\n}',
  },
  {
    code: SYNTAX.unterminatedComment,
    title: "unterminated block comment",
    severity: "error",
    explanation:
      "A block comment opened with `/*` has no closing `*/`, so the rest of the file is " +
      "commented out. Block comments do not nest: the first `*/` closes the comment.",
    wrong: "/* a small network\nmodel Net { dense(10) }",
    fixed: "/* a small network */\nmodel Net { dense(10) }",
  },
  {
    code: SYNTAX.unexpectedCharacter,
    title: "unexpected character",
    severity: "error",
    explanation:
      "This character cannot start any token of the language. Names use ASCII letters, digits " +
      'and `_`; the only symbols are `{ } ( ) [ ] : , ; = + - * / ?` and `"` for strings.',
    wrong: "model Net { dense(10) @ }",
    fixed: "model Net { dense(10) }",
  },
  {
    code: SYNTAX.invalidEscape,
    title: "invalid escape in string",
    severity: "error",
    explanation:
      'Inside a string, `\\` starts an escape. The valid escapes are `\\"` (quote), `\\\\` ' +
      "(backslash), `\\n` (newline), `\\t` (tab) and `\\u{1F600}` (a Unicode code point, 1 to 6 " +
      "hex digits). Use `/` in paths, or write `\\\\` for a literal backslash.",
    wrong: 'experiment iris {\n  data { source: csv("C:\\data\\iris.csv", label: species) }\n}',
    fixed: 'experiment iris {\n  data { source: csv("C:/data/iris.csv", label: species) }\n}',
  },
  {
    code: SYNTAX.invalidNumber,
    title: "invalid number",
    severity: "error",
    explanation:
      "Numbers are written `42`, `0.5`, `.5`, `1e-3` or `2.5E+4`: digits after a decimal point, " +
      "digits in an exponent, and nothing glued to the end. A number too large for a double is " +
      "also rejected.",
    wrong: "model Net(input: [28x28]) { flatten }",
    fixed: "model Net(input: [28, 28]) { flatten }",
  },
  {
    code: SYNTAX.positionalAfterNamed,
    title: "positional argument after named argument",
    severity: "error",
    explanation:
      "In a call, positional arguments come first, in the order the layer or function lists " +
      "its parameters; named arguments (`name: value`) follow in any order.",
    wrong: "model Net {\n  dense(activation: relu, 64)\n}",
    fixed: "model Net {\n  dense(64, activation: relu)\n}",
  },
  {
    code: SYNTAX.nestingTooDeep,
    title: "nesting too deep",
    severity: "error",
    explanation:
      "Brackets (`( )`, `[ ]`, `{ }`) are nested more than 64 levels deep, or a value chains " +
      "more than 64 operators or signs. No real experiment needs this; the input is probably " +
      "generated or corrupted. The part beyond the limit is skipped.",
    wrong: `experiment e {\n  shape: ${"[".repeat(65)}1${"]".repeat(65)}\n}`,
    fixed: "experiment e {\n  shape: [28, 28, 1]\n}",
  },
  {
    code: SYNTAX.tooManyErrors,
    title: "too many syntax errors",
    severity: "error",
    explanation:
      "The file has so many syntax errors that it is probably not a DLM program (a binary " +
      "file, or a file in another language). At most 100 syntax errors are reported per file, " +
      "and the parser stops reading after 100 errors it had to recover from.",
    wrong: "// a PNG image renamed to model.dlm",
    fixed: "// the .dlm source itself",
  },
];
