import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeString, lexDlm, tokenRange } from "../../grammar/lexer.js";

/** Any UTF-16 text, lone surrogates and NUL included (cheaper to set up than `unit: "binary"`). */
const anyUtf16Text = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 })
  .map((codes) => String.fromCharCode(...codes));

function kinds(text: string): string[] {
  return lexDlm(text).tokens.map((token) => `${token.tokenType.name} ${token.image}`);
}

describe("lexDlm", () => {
  it("reads every number form of docs/language.md §1", () => {
    expect(kinds("42 0.5 .5 1e-3 2.5E+4")).toEqual([
      "NumberLiteral 42",
      "NumberLiteral 0.5",
      "NumberLiteral .5",
      "NumberLiteral 1e-3",
      "NumberLiteral 2.5E+4",
    ]);
  });

  it("lexes malformed numbers as one InvalidNumber token each", () => {
    expect(kinds("1. 1e 1e+ 28x28 1.2.3 7")).toEqual([
      "InvalidNumber 1.",
      "InvalidNumber 1e",
      "InvalidNumber 1e+",
      "InvalidNumber 28x28",
      "InvalidNumber 1.2.3",
      "NumberLiteral 7",
    ]);
  });

  it("keeps keywords whole and longer names as identifiers", () => {
    expect(kinds("model models block experiment import residual repeat true false truex _x input inputs")).toEqual([
      "Model model",
      "Identifier models",
      "Block block",
      "Experiment experiment",
      "Import import",
      "Residual residual",
      "Repeat repeat",
      "True true",
      "False false",
      "Identifier truex",
      "Identifier _x",
      "Input input",
      "Identifier inputs",
    ]);
  });

  it("reads the punctuation and arithmetic", () => {
    expect(kinds("{}()[]:,;=+-*/?").map((kind) => kind.split(" ")[0])).toEqual([
      "LCurly",
      "RCurly",
      "LParen",
      "RParen",
      "LBracket",
      "RBracket",
      "Colon",
      "Comma",
      "Semicolon",
      "Equals",
      "Plus",
      "Minus",
      "Star",
      "Slash",
      "Question",
    ]);
  });

  it("sets comments aside, doc comments distinct from `//` and `////`", () => {
    const lexed = lexDlm("/// doc\n// line\n//// rule\n/* block\n more */ x /* */ y");
    expect(lexed.tokens.map((token) => token.image)).toEqual(["x", "y"]);
    expect(lexed.comments.map((token) => token.tokenType.name)).toEqual([
      "DocComment",
      "LineComment",
      "LineComment",
      "BlockComment",
      "BlockComment",
    ]);
    expect(lexed.invalid).toEqual([]);
  });

  it("turns malformed input into error tokens instead of failing", () => {
    const lexed = lexDlm('a "open\nb @ \u0000 /* never closed\nc');
    expect(lexed.tokens.map((token) => `${token.tokenType.name} ${token.image}`)).toEqual([
      "Identifier a",
      'UnterminatedString "open',
      "Identifier b",
    ]);
    expect(lexed.invalid.map((token) => `${token.tokenType.name} ${JSON.stringify(token.image)}`)).toEqual([
      'StrayCharacter "@"',
      'StrayCharacter "\\u0000"',
      'UnterminatedBlockComment "/* never closed\\nc"',
    ]);
  });

  it("gives every token its range in the text", () => {
    const text = "model  SmallCnn {\n}";
    const ranges = lexDlm(text).tokens.map((token) => text.slice(tokenRange(token).start, tokenRange(token).end));
    expect(ranges).toEqual(["model", "SmallCnn", "{", "}"]);
  });

  it("never throws, and every character lands in exactly one token or is whitespace", () => {
    fc.assert(
      fc.property(anyUtf16Text, (text) => {
        const lexed = lexDlm(text);
        const covered = [...lexed.tokens, ...lexed.comments, ...lexed.invalid]
          .map((token) => token.image.length)
          .reduce((a, b) => a + b, 0);
        const whitespace = (text.match(/\s/g) ?? []).length;
        return covered <= text.length && covered >= text.length - whitespace;
      }),
      { numRuns: 300 },
    );
  });
});

describe("decodeString", () => {
  const decode = (source: string) => decodeString(lexDlm(source).tokens[0]!);

  it("applies the escapes of docs/language.md §1", () => {
    expect(decode('"a\\"b\\\\c\\nd\\te\\u{1F600}"')).toEqual({
      value: 'a"b\\c\nd\te\u{1F600}',
      invalidEscapes: [],
    });
  });

  it("lists invalid escapes with their offset in the literal and keeps them as written", () => {
    expect(decode('"C:\\data\\u{110000}x"')).toEqual({
      value: "C:\\data\\u{110000}x",
      invalidEscapes: [
        { offset: 3, text: "\\d" },
        { offset: 8, text: "\\u{110000}" },
      ],
    });
  });

  it("decodes an unterminated string up to the end of its line", () => {
    expect(decode('"runs/model\nnext')).toEqual({ value: "runs/model", invalidEscapes: [] });
  });
});
