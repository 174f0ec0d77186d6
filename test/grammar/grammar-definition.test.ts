/**
 * The shared lexer and parser skip Chevrotain's definition checks to start faster; these
 * tests run the checks, so a broken token pattern or an ambiguous rule still fails here.
 */
import { describe, expect, it } from "vitest";
import { createDlmLexer, lexDlm } from "../../grammar/lexer.js";
import { DlmParser } from "../../grammar/parser.js";

describe("grammar definition", () => {
  it("the token patterns pass the lexer's validations", () => {
    const lexer = createDlmLexer({ validatePatterns: true });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });

  it("the validating lexer and the shared one split text the same way", () => {
    const text = 'model M(input: [4]) { dense(2, activation: relu) } /* c */ experiment e { seed: 1 } "x';
    const validated = createDlmLexer({ validatePatterns: true }).tokenize(text);
    const shared = lexDlm(text);
    const summarize = (tokens: readonly { tokenType: { name: string }; image: string; startOffset: number }[]) =>
      tokens.map((token) => `${token.tokenType.name}:${token.image}@${token.startOffset}`);
    expect(summarize(shared.tokens)).toEqual(summarize(validated.tokens));
  });

  it("the grammar passes the parser's validations (no ambiguity, no left recursion)", () => {
    // Chevrotain throws "Parser Definition Errors detected" from the constructor.
    expect(() => new DlmParser({ validateGrammar: true })).not.toThrow();
  });
});
