/**
 * How parameters, signatures and setting types read in hovers and completion details:
 * `conv2d(filters, kernel, stride = 1, padding = valid, …)`, `int ≥ 1`.
 */
import type { BlockDecl } from "../../grammar/ast.js";
import type { SettingType } from "../../compiler/registry/experiment-schema.js";
import type { ParamSpec, ParamValue } from "../../compiler/layers/layer-definition.js";

/** A parameter value as DLM writes it: `valid`, `[3, 3]`, `lstm(64)`. */
export function formatParamValue(value: ParamValue): string {
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  if (typeof value === "object" && "layer" in value) return `${value.layer}(…)`;
  return String(value);
}

/** What a parameter defaults to, as text; undefined for a required parameter. */
export function paramDefaultText(spec: ParamSpec): string | undefined {
  if (spec.default !== undefined) return spec.default === "" ? '""' : formatParamValue(spec.default);
  if (spec.defaultFrom !== undefined) return spec.defaultFrom;
  return undefined;
}

/** `conv2d(filters, kernel, stride = 1, …)`: required parameters bare, optional ones with defaults. */
export function signatureOf(name: string, params: readonly ParamSpec[]): string {
  const parts = params.map((spec) => {
    const fallback = paramDefaultText(spec);
    return fallback === undefined ? spec.name : `${spec.name} = ${fallback}`;
  });
  return `${name}(${parts.join(", ")})`;
}

/** The type of a parameter in words: `int ≥ 1`, `valid | same`, `activation`. */
export function paramTypeText(spec: ParamSpec): string {
  const base = spec.type === "enum" && spec.values ? spec.values.join(" | ") : spec.type.replace(/_/g, " ");
  const bounds = [
    spec.min !== undefined ? `≥ ${spec.min}` : undefined,
    spec.greaterThan !== undefined ? `> ${spec.greaterThan}` : undefined,
    spec.max !== undefined ? `≤ ${spec.max}` : undefined,
    spec.lessThan !== undefined ? `< ${spec.lessThan}` : undefined,
  ].filter((bound): bound is string => bound !== undefined);
  return bounds.length > 0 ? `${base} ${bounds.join(", ")}` : base;
}

/** One markdown line per parameter: name, type, default and doc. */
export function paramListMarkdown(params: readonly ParamSpec[]): string {
  return params
    .map((spec) => {
      const fallback = paramDefaultText(spec);
      const defaultText = fallback === undefined ? "required" : `default \`${fallback}\``;
      return `- \`${spec.name}\`: ${paramTypeText(spec)}, ${defaultText} — ${spec.doc}`;
    })
    .join("\n");
}

/** The value a setting takes, in words: `int ≥ 1`, `auto | node | wasm | cpu`, `optimizer`. */
export function settingTypeText(type: SettingType): string {
  switch (type.kind) {
    case "int":
      return type.min !== undefined ? `int ≥ ${type.min}` : "int";
    case "float": {
      const bounds = [
        type.min !== undefined ? `≥ ${type.min}` : undefined,
        type.greaterThan !== undefined ? `> ${type.greaterThan}` : undefined,
        type.max !== undefined ? `≤ ${type.max}` : undefined,
        type.lessThan !== undefined ? `< ${type.lessThan}` : undefined,
      ].filter((bound): bound is string => bound !== undefined);
      return bounds.length > 0 ? `float ${bounds.join(", ")}` : "float";
    }
    case "bool":
    case "string":
    case "strings":
      return type.kind === "strings" ? "list of strings" : type.kind;
    case "shape":
      return "list of ints";
    case "enum":
      return type.values.join(" | ");
    case "entry":
      return `${type.registry.kind}: ${[...type.registry.entries.keys()].join(" | ")}`;
    case "names":
      return `list of ${type.registry.kind}s: ${[...type.registry.entries.keys()].join(", ")}`;
    case "model":
      return "a model name";
    case "class_weight":
      return "balanced | { CLASS: weight }";
  }
}

/** `block Name(filters: int, kernel = 3)`, the header as written. */
export function blockSignature(block: BlockDecl, text: string): string {
  const params = block.params.filter((param) => !param.missing).map((param) => text.slice(param.range.start, param.range.end));
  return `block ${block.name.name}(${params.join(", ")})`;
}
