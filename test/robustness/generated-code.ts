/**
 * Reading a generated program the way TypeScript does, for the injection tests: what is
 * code (every token outside string literals and comments), the values of its string
 * literals, and the identifiers it uses.
 */
import ts from "typescript";

/** The program's tokens outside string literals and comments, joined by spaces: the text that can run. */
export function codeOutsideLiterals(program: string): string {
  // The scanner ends a `//` comment at U+2028/2029 as the language does, so a comment closed early shows up as code.
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, program);
  const inert = new Set([
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.SingleLineCommentTrivia,
    ts.SyntaxKind.MultiLineCommentTrivia,
    ts.SyntaxKind.WhitespaceTrivia,
    ts.SyntaxKind.NewLineTrivia,
  ]);
  const code: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (!inert.has(kind)) code.push(scanner.getTokenText());
  }
  return code.join(" ");
}

function parse(program: string): ts.SourceFile {
  return ts.createSourceFile("program.ts", program, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function visitAll(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => visitAll(child, visit));
}

/** The decoded value of every string literal in the program. */
export function stringLiteralValues(program: string): string[] {
  const values: string[] = [];
  visitAll(parse(program), (node) => {
    if (ts.isStringLiteral(node)) values.push(node.text);
  });
  return values;
}

/** Every identifier the program mentions: bindings, references and property names. */
export function identifiersOf(program: string): Set<string> {
  const names = new Set<string>();
  visitAll(parse(program), (node) => {
    if (ts.isIdentifier(node)) names.add(node.text);
  });
  return names;
}

/** TypeScript's syntax errors in the program, one line each. */
export function syntaxErrorsOf(program: string): string[] {
  const output = ts.transpileModule(program, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (output.diagnostics ?? []).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, " "));
}
