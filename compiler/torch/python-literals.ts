/**
 * Printing plain data as Python literals. Every string from a `.dlm` file reaches a
 * generated Python program through `pythonString` only (or, in a comment, through
 * `pythonComment`): no name, path or label can end a literal, start a line or become code.
 */
import { quotedAsciiString } from "../emit-literals.js";

/** A safe Python string literal for any string: ASCII only, every odd character escaped. */
export function pythonString(value: string): string {
  return quotedAsciiString(value, (code) =>
    code > 0xffff ? `\\U${code.toString(16).padStart(8, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`,
  );
}

/** A Python number literal (finite numbers only; the checker rejects the rest). */
export function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot emit the number ${value}`);
  if (Object.is(value, -0)) return "0";
  return String(value);
}

/** A value the Python literal printer understands. */
export type PythonValue =
  string | number | boolean | null | PythonCode | readonly PythonValue[] | { readonly [key: string]: PythonValue };

/** Python code the printer inserts verbatim (built by the emitter, never from user text). */
export class PythonCode {
  constructor(readonly text: string) {}
}

/** Prints plain data as a Python expression: dict keys are always string literals. */
export function pythonLiteral(value: PythonValue | undefined): string {
  if (value instanceof PythonCode) return value.text;
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map((item) => pythonLiteral(item as PythonValue)).join(", ")}]`;
  const entries = Object.entries(value as { readonly [key: string]: PythonValue }).filter(
    ([, item]) => item !== undefined,
  );
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonLiteral(item)}`).join(", ")}}`;
}

/** A tuple literal of numbers: `(3, 3)`, `(2,)`. */
export function pythonTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${pythonNumber(values[0]!)},)` : `(${values.map(pythonNumber).join(", ")})`;
}

/** The text of a `#` comment: one line, ASCII only (other characters as `\u` escapes), at most 200 characters. */
export function pythonComment(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) out += " ";
    else if (code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out.slice(0, 200);
}

const PYTHON_RESERVED = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield match case type " +
    "self x F nn torch np math os sys json time dist super print"
  ).split(" "),
);

/** A unique snake_case Python identifier from any name (`conv2d-1` → `conv2d_1`); keywords get a suffix. */
export function pythonIdentifier(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (base === "" || /^[0-9]/.test(base)) base = `layer_${base}`;
  if (PYTHON_RESERVED.has(base) || base.startsWith("__")) base = `${base}_layer`;
  let candidate = base;
  for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}_${counter}`;
  taken.add(candidate);
  return candidate;
}
