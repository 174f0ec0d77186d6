/**
 * Constant folding: folds arithmetic, substitutes block parameters and turns syntax
 * values into `ConstantValue`s that remember where they were written. Problems found
 * while folding (division by zero) are returned as data; the callers decide whether a
 * problem is theirs to report (see `FoldProblem.substituted`).
 */
import type { BinaryExpr, BlockParamType, Identifier, SourceRange, Value } from "../grammar/ast.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { VALUES } from "../diagnostics/catalog/values.js";

/** Where a value was written, and whether it reached its use through a block parameter. */
export interface ValueOrigin {
  readonly file: string;
  readonly range: SourceRange;
  /**
   * True when the value (or a part of it) came in through a block parameter: its
   * problems depend on the use site, so they are reported at each expansion instead
   * of once when the block is checked on its own.
   */
  readonly substituted: boolean;
}

/** A written argument after evaluation. */
export interface ConstantArg {
  readonly name?: Identifier;
  readonly value: ConstantValue;
  /** The whole argument, `name: value` or `value`. */
  readonly range: SourceRange;
}

/** A value after folding and substitution. */
export type ConstantValue =
  | { readonly kind: "number"; readonly value: number; readonly origin: ValueOrigin }
  | { readonly kind: "string"; readonly value: string; readonly origin: ValueOrigin }
  | { readonly kind: "bool"; readonly value: boolean; readonly origin: ValueOrigin }
  /** A bare name: `relu`, `same`, `val_loss`; `?` (an unknown length) is the name `?`. */
  | { readonly kind: "name"; readonly name: string; readonly origin: ValueOrigin }
  | { readonly kind: "list"; readonly items: readonly ConstantValue[]; readonly origin: ValueOrigin }
  | {
      readonly kind: "call";
      readonly callee: Identifier;
      readonly args: readonly ConstantArg[];
      readonly hasParens: boolean;
      readonly origin: ValueOrigin;
    }
  | {
      readonly kind: "object";
      readonly entries: readonly { readonly key: string; readonly value: ConstantValue }[];
      readonly origin: ValueOrigin;
    }
  /**
   * A block parameter while the block is checked on its own: its value is known only at
   * a use. `type` is the declared type (absent: untyped, or an expression over parameters).
   */
  | { readonly kind: "parameter"; readonly name: string; readonly type?: BlockParamType; readonly origin: ValueOrigin }
  /** A value the parser could not read, or a fold that failed: already reported, skip silently. */
  | { readonly kind: "invalid"; readonly origin: ValueOrigin };

/** What a value is evaluated against: its file and the block parameters in scope. */
export interface ValueEnvironment {
  readonly file: string;
  /** Block parameters: a value at a use site, or a `parameter` placeholder inside the block itself. */
  readonly parameters?: ReadonlyMap<string, ConstantValue>;
}

/** A problem met while folding constant arithmetic. */
export interface FoldProblem {
  readonly kind: "division-by-zero" | "not-a-number";
  readonly expression: BinaryExpr;
  /** The operand that is not a number (for `not-a-number`). */
  readonly operand?: ConstantValue;
  readonly file: string;
  /** True when a block argument took part: reported per use, not by the per-node check. */
  readonly substituted: boolean;
}

/**
 * Evaluates a syntax value: numbers, strings, booleans and names as written, lists and
 * calls item by item, arithmetic folded, block parameters replaced from the environment.
 * Never throws; anything unreadable becomes `invalid` (with a fold problem when it is new).
 */
export function foldConstant(value: Value, environment: ValueEnvironment, problems: FoldProblem[] = []): ConstantValue {
  const origin: ValueOrigin = { file: environment.file, range: value.range, substituted: false };
  if (value.missing) return { kind: "invalid", origin };
  switch (value.kind) {
    case "Number":
      return { kind: "number", value: value.value, origin };
    case "String":
      return { kind: "string", value: value.value, origin };
    case "Boolean":
      return { kind: "bool", value: value.value, origin };
    case "Name": {
      const parameter = environment.parameters?.get(value.name);
      if (parameter === undefined) return { kind: "name", name: value.name, origin };
      // A placeholder stays where the block wrote it; a real argument keeps its own origin.
      return parameter.kind === "parameter" ? { ...parameter, origin } : markSubstituted(parameter);
    }
    case "List":
      return { kind: "list", items: value.items.map((item) => foldConstant(item, environment, problems)), origin };
    case "Call":
      return {
        kind: "call",
        callee: value.callee,
        hasParens: value.hasParens,
        // Written out, not `...(arg.name ? { name } : {})`: a conditional spread is slow, and this runs for every argument.
        args: value.args.map((arg): ConstantArg => {
          const evaluated = foldConstant(arg.value, environment, problems);
          return arg.name ? { name: arg.name, value: evaluated, range: arg.range } : { value: evaluated, range: arg.range };
        }),
        origin,
      };
    case "Object":
      return {
        kind: "object",
        entries: value.entries.map((entry) => ({
          key: entry.key.kind === "Identifier" ? entry.key.name : String(entry.key.value),
          value: foldConstant(entry.value, environment, problems),
        })),
        origin,
      };
    case "Unary": {
      const operand = foldConstant(value.operand, environment, problems);
      if (operand.kind === "number") {
        return { kind: "number", value: value.operator === "-" ? -operand.value : operand.value, origin: { ...origin, substituted: operand.origin.substituted } };
      }
      if (operand.kind === "parameter") return { kind: "parameter", name: operand.name, origin };
      return { kind: "invalid", origin };
    }
    case "Binary":
      return foldBinary(value, environment, problems, origin);
    case "Missing":
      return { kind: "invalid", origin };
  }
}

function foldBinary(
  expression: BinaryExpr,
  environment: ValueEnvironment,
  problems: FoldProblem[],
  origin: ValueOrigin,
): ConstantValue {
  const left = foldConstant(expression.left, environment, problems);
  const right = foldConstant(expression.right, environment, problems);
  if (left.kind === "invalid" || right.kind === "invalid") return { kind: "invalid", origin };
  const substituted = left.origin.substituted || right.origin.substituted;
  for (const operand of [left, right]) {
    if (operand.kind !== "number" && operand.kind !== "parameter") {
      problems.push({ kind: "not-a-number", expression, operand, file: environment.file, substituted });
      return { kind: "invalid", origin };
    }
  }
  if (left.kind === "parameter" || right.kind === "parameter") {
    return { kind: "parameter", name: left.kind === "parameter" ? left.name : (right as { name: string }).name, origin };
  }
  const a = (left as { value: number }).value;
  const b = (right as { value: number }).value;
  if (expression.operator === "/" && b === 0) {
    problems.push({ kind: "division-by-zero", expression, file: environment.file, substituted });
    return { kind: "invalid", origin };
  }
  const result =
    expression.operator === "+" ? a + b : expression.operator === "-" ? a - b : expression.operator === "*" ? a * b : a / b;
  return { kind: "number", value: result, origin: { ...origin, substituted } };
}

/** A fold problem as a diagnostic. */
export function foldProblemDiagnostic(problem: FoldProblem): Diagnostic {
  if (problem.kind === "division-by-zero") {
    return makeDiagnostic(VALUES.divisionByZero, problem.file, problem.expression.range, {
      message: "division by zero in constant arithmetic",
      notes: ["the divisor evaluates to 0"],
    });
  }
  const operand = problem.operand;
  return makeDiagnostic(VALUES.wrongType, operand?.origin.file ?? problem.file, operand?.origin.range ?? problem.expression.range, {
    message: `\`${problem.expression.operator}\` expects numbers, found ${operand ? describeValue(operand) : "something else"}`,
  });
}

/** Marks a value and everything inside it as having come through a block parameter. */
export function markSubstituted(value: ConstantValue): ConstantValue {
  const origin = { ...value.origin, substituted: true };
  switch (value.kind) {
    case "list":
      return { ...value, items: value.items.map(markSubstituted), origin };
    case "call":
      return { ...value, args: value.args.map((arg) => ({ ...arg, value: markSubstituted(arg.value) })), origin };
    case "object":
      return { ...value, entries: value.entries.map((entry) => ({ key: entry.key, value: markSubstituted(entry.value) })), origin };
    default:
      return { ...value, origin };
  }
}

/** True when any part of the value is a block-parameter placeholder (known only at a use). */
export function dependsOnParameter(value: ConstantValue): boolean {
  switch (value.kind) {
    case "parameter":
      return true;
    case "list":
      return value.items.some(dependsOnParameter);
    case "call":
      return value.args.some((arg) => dependsOnParameter(arg.value));
    case "object":
      return value.entries.some((entry) => dependsOnParameter(entry.value));
    default:
      return false;
  }
}

/** True when the value holds an `invalid` part (a problem reported elsewhere). */
export function containsInvalid(value: ConstantValue): boolean {
  switch (value.kind) {
    case "invalid":
      return true;
    case "list":
      return value.items.some(containsInvalid);
    case "call":
      return value.args.some((arg) => containsInvalid(arg.value));
    case "object":
      return value.entries.some((entry) => containsInvalid(entry.value));
    default:
      return false;
  }
}

/** A number as messages print it: `1.5`, `0.001`, `100000`. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) || Math.abs(value) >= 1e-4 ? String(value) : value.toExponential();
}

/** How a message names a value: `1.5`, `the string "abc"`, `` `relu` ``, `a list [3, 3]`. */
export function describeValue(value: ConstantValue): string {
  switch (value.kind) {
    case "number":
      return formatNumber(value.value);
    case "string":
      return `the string ${JSON.stringify(value.value)}`;
    case "bool":
      return `\`${value.value}\``;
    case "name":
      return value.name === "?" ? "`?`" : `the name \`${value.name}\``;
    case "list":
      return `a list ${printValue(value)}`;
    case "call":
      return `a call \`${value.callee.name}(…)\``;
    case "object":
      return "an object `{ … }`";
    case "parameter":
      return value.type ? `parameter \`${value.name}\` of type ${value.type}` : `parameter \`${value.name}\``;
    case "invalid":
      return "an invalid value";
  }
}

/** A value printed back in DLM syntax (for messages and help lines). */
export function printValue(value: ConstantValue): string {
  switch (value.kind) {
    case "number":
      return formatNumber(value.value);
    case "string":
      return JSON.stringify(value.value);
    case "bool":
      return String(value.value);
    case "name":
      return value.name;
    case "list":
      return `[${value.items.map(printValue).join(", ")}]`;
    case "call":
      return value.hasParens ? `${value.callee.name}(…)` : value.callee.name;
    case "object":
      return "{ … }";
    case "parameter":
      return value.name;
    case "invalid":
      return "…";
  }
}
