/**
 * Printing plain data as TypeScript literals. Every string from a `.dlm` file reaches the
 * generated program through `stringLiteral` only: a double-quoted literal with every
 * character that could end it, start an escape or a line, or confuse a reader escaped —
 * so no name, path or label can become code.
 */

/** A safe TypeScript string literal for any string. */
export function stringLiteral(value: string): string {
  return quotedAsciiString(value, (code) =>
    code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`,
  );
}

/**
 * A double-quoted, ASCII-only literal for any string, in the escape syntax TypeScript and
 * Python share for quotes, backslashes, \n, \r and \t; every other control or non-ASCII
 * character (line separators, NEL, lone surrogates included) is written by `escapeCodePoint`.
 */
export function quotedAsciiString(value: string, escapeCodePoint: (code: number) => string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code > 0x7e) out += escapeCodePoint(code);
    else out += char;
  }
  return out + '"';
}

/** A number literal (finite numbers only; the checker rejects the rest). */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot emit the number ${value}`);
  return Object.is(value, -0) ? "0" : String(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key: bare when it is a plain identifier, else a string literal. */
export function propertyKey(key: string): string {
  // `__proto__: x` (quoted or not) sets an object literal's prototype; a computed key is a plain key.
  if (key === "__proto__") return `[${stringLiteral(key)}]`;
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

/** Code that the printer inserts verbatim (built by the emitter, never from user text). */
export class Code {
  constructor(readonly text: string) {}
}

/** A value the literal printer understands. */
export type LiteralValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Code
  | readonly LiteralValue[]
  | { readonly [key: string]: LiteralValue };

/** Prints plain data (objects, arrays, strings, numbers, booleans) as a TypeScript expression. */
export function printLiteral(value: LiteralValue): string {
  if (value instanceof Code) return value.text;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number") return numberLiteral(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => printLiteral(item as LiteralValue)).join(", ")}]`;
  const entries = Object.entries(value as { readonly [key: string]: LiteralValue }).filter(
    ([, item]) => item !== undefined,
  );
  if (entries.length === 0) return "{}";
  const property = ([key, item]: [string, LiteralValue]): string =>
    item instanceof Code && item.text === key ? key : `${propertyKey(key)}: ${printLiteral(item)}`;
  return `{ ${entries.map(property).join(", ")} }`;
}

/** A readable, unique camelCase identifier from any name (`conv2d_1` → `conv2d1`); reserved words get a suffix. */
export function identifierFrom(name: string, taken: Set<string>): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  let base = words
    .map((word, index) =>
      index === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join("");
  if (base === "" || /^[0-9]/.test(base)) base = `layer${base}`;
  if (RESERVED.has(base)) base = `${base}Layer`;
  let candidate = base;
  for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}${counter}`;
  taken.add(candidate);
  return candidate;
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async of arguments eval " +
    "tf input model experiment main buildModel path undefined NaN Infinity"
  ).split(" "),
);

/** A comment line's text with nothing that could end or nest a comment. */
export function commentText(text: string): string {
  return text
    .replace(/\*\//g, "* /")
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ")
    .slice(0, 200);
}
