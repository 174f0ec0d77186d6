/**
 * Model files wrapped as JavaScript modules (npm packages such as nsfwjs ship a `model.json`
 * as `model.min.js` and weight shards as `group1-shard1of1.min.js`, each a UMD/browserify
 * bundle around `module.exports = <literal>`). DLM never runs them: the file is parsed with
 * TypeScript's parser and the one literal it exports is read from the syntax tree. A module
 * whose export is anything but a literal (a call, an identifier, a computed key) is refused.
 */
import { createRequire } from "node:module";
import type { ts } from "ts-morph";
import { ModelFileError, readRegularFile } from "./bundle-manifest.js";

type TypeScript = typeof ts;

let typescript: TypeScript | undefined;

/** TypeScript's compiler API, as bundled with ts-morph (a dependency); loaded on first use. */
function loadTypeScript(): TypeScript {
  // require, not import: importing this CommonJS module makes Node scan its 9 MB for export names.
  typescript ??= (createRequire(import.meta.url)("ts-morph") as { ts: TypeScript }).ts;
  return typescript;
}

/** The value a JSON-like literal denotes: what `JSON.parse` could return. */
export type LiteralValue = null | boolean | number | string | LiteralValue[] | { [key: string]: LiteralValue };

/**
 * The literal a module file assigns to `module.exports` (or `X.exports` inside a bundle's
 * module function), read without evaluating anything. There must be exactly one such
 * assignment whose value is a literal.
 */
export async function readExportedLiteral(file: string, maxBytes: number): Promise<LiteralValue> {
  const text = (await readRegularFile(file, { maxBytes, what: "JavaScript model file" })).toString("utf8");
  return exportedLiteral(text, file);
}

/**
 * Deepest nesting of brackets a wrapped model file may have: 256 (models nest about ten deep).
 * TypeScript's parser recurses per level and ran out of stack at about 700 (a raw `RangeError`
 * on a literal nested 300,000 deep).
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * Where `text` first nests brackets (`(`, `[`, `{`) deeper than `MAX_NESTING_DEPTH`, skipping
 * strings, templates and comments; undefined when it never does. Linear, no recursion.
 */
export function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'" || char === "`") {
      for (index++; index < text.length && text[index] !== char; index++) if (text[index] === "\\") index++;
    } else if (char === "/" && text[index + 1] === "/") {
      while (index < text.length && text[index] !== "\n") index++;
    } else if (char === "/" && text[index + 1] === "*") {
      const end = text.indexOf("*/", index + 2);
      index = end < 0 ? text.length : end + 1;
    } else if (char === "(" || char === "[" || char === "{") {
      if (++depth > MAX_NESTING_DEPTH) return index;
    } else if (char === ")" || char === "]" || char === "}") {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** `readExportedLiteral` on the text of a module. */
export function exportedLiteral(text: string, file: string): LiteralValue {
  const tooDeep = tooDeepAt(text);
  if (tooDeep !== undefined) {
    const before = text.slice(0, tooDeep);
    const line = before.split("\n").length;
    const column = tooDeep - before.lastIndexOf("\n");
    throw new ModelFileError(
      `line ${line}, column ${column}: brackets nested deeper than ${MAX_NESTING_DEPTH} levels; a model file never nests so deep`,
      file,
    );
  }
  const ts = loadTypeScript();
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const exported: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.name.text === "exports" &&
      isLiteralExpression(ts, node.right)
    ) {
      exported.push(node.right);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (exported.length !== 1) {
    throw new ModelFileError(
      exported.length === 0
        ? "no `module.exports = <literal>` found; DLM reads model files as data and never runs JavaScript " +
            "(convert the model to a plain model.json + .bin)"
        : `${exported.length} literals are assigned to module.exports; expected one`,
      file,
    );
  }
  return literalValue(ts, exported[0]!, source, file);
}

/** Whether `node` starts a literal (object, array, string, number): a candidate export. */
function isLiteralExpression(ts: TypeScript, node: ts.Expression): boolean {
  return (
    ts.isObjectLiteralExpression(node) ||
    ts.isArrayLiteralExpression(node) ||
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node)
  );
}

/** The value of a literal node; anything that would need evaluation is an error naming its line. */
function literalValue(ts: TypeScript, node: ts.Expression, source: ts.SourceFile, file: string): LiteralValue {
  const refuse = (what: string): never => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    throw new ModelFileError(
      `line ${line + 1}, column ${character + 1}: ${what} in the exported literal; only JSON-like literals are read ` +
        "(DLM never runs model files)",
      file,
    );
  };
  if (ts.isParenthesizedExpression(node)) return literalValue(ts, node.expression, source, file);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node)) {
    const operand = node.operand;
    // Minifiers write `!0` / `!1` for true / false.
    if (node.operator === ts.SyntaxKind.ExclamationToken && ts.isNumericLiteral(operand))
      return Number(operand.text) === 0;
    if (ts.isNumericLiteral(operand) || (ts.isIdentifier(operand) && operand.text === "Infinity")) {
      const value = ts.isNumericLiteral(operand) ? Number(operand.text) : Infinity;
      if (node.operator === ts.SyntaxKind.MinusToken) return -value;
      if (node.operator === ts.SyntaxKind.PlusToken) return value;
    }
    return refuse("an expression");
  }
  if (ts.isArrayLiteralExpression(node)) {
    return node.elements.map((element) => {
      if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) refuse("a spread or a hole");
      return literalValue(ts, element, source, file);
    });
  }
  if (ts.isObjectLiteralExpression(node)) {
    const object: { [key: string]: LiteralValue } = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property)) return refuse("a method, spread or shorthand property");
      const name = property.name;
      const key =
        ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)
          ? ts.isNumericLiteral(name)
            ? String(Number(name.text))
            : name.text
          : refuse("a computed key");
      // An own property even for "__proto__", as JSON.parse makes it: never a prototype change.
      Object.defineProperty(object, key, {
        value: literalValue(ts, property.initializer, source, file),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) return refuse("a function call");
  if (ts.isIdentifier(node)) return refuse(`the name \`${node.text}\``);
  return refuse(`an expression (${ts.SyntaxKind[node.kind]})`);
}
