/**
 * Search spaces — `choice(a, b, …)`, `range(lo, hi)`, `log_range(lo, hi)` — written in
 * place of a value. Each point a space can produce is checked against the parameter it
 * replaces (type and bounds, with the same messages as a written value), so every trial
 * of a search is a valid experiment.
 *
 * A space written as a layer argument (`dense(choice(16, 32))`) is expanded at one point
 * of the search at a time: the model phase builds every model at the first point (each
 * space at its first value), and a `tune` experiment expands its model again at the other
 * points (`lower-tune.ts`). Whether a space may stand there at all is decided by the
 * experiment that trains the model (DLM505 outside `tune`).
 */
import type { Identifier } from "../../grammar/ast.js";
import type { SearchSpace } from "../../runtime/experiment.js";
import { SEARCH_SPACES } from "../registry/data.js";
import { describeValue, formatNumber, type ConstantValue } from "../constant-values.js";
import type { LayerDefinition, ParamSpec, ParamValue } from "../layers/layer-definition.js";
import { matchArguments, resolveArguments, type ArgumentProblem, type ConstantCall } from "../resolve-args.js";
import { NAMES } from "../../diagnostics/catalog/names.js";
import { VALUES } from "../../diagnostics/catalog/values.js";

/** A call value: `choice(…)` and friends are calls. */
export type CallValue = Extract<ConstantValue, { kind: "call" }>;

/** True for `choice(…)`, `range(…)` or `log_range(…)` written as a value. */
export function isSearchSpaceCall(value: ConstantValue): value is CallValue {
  return value.kind === "call" && value.hasParens && SEARCH_SPACES.entries.has(value.callee.name);
}

/** The value a space starts from (its first choice, or `lo`): every space stands there at the first point. */
export function firstValueOf(call: CallValue): ConstantValue | undefined {
  if (call.callee.name === "choice") return call.args[0]?.value;
  return rangeEnds(call).lo;
}

/** The written `lo` and `hi` of `range(…)` or `log_range(…)`, positional or named. */
export function rangeEnds(call: CallValue): { lo?: ConstantValue; hi?: ConstantValue } {
  const matched = matchArguments(call, ["lo", "hi"], call.callee.name).matched;
  const lo = matched.get("lo")?.value;
  const hi = matched.get("hi")?.value;
  return { ...(lo ? { lo } : {}), ...(hi ? { hi } : {}) };
}

/** The value each layer-argument search space stands for in one expansion of a model: one point of the search. */
export type SearchPoint = (space: CallValue) => ConstantValue;

/** Every space at its first value: how a model is checked and built unless another point is asked for. */
export const FIRST_POINT: SearchPoint = (space) => firstValueOf(space) ?? space;

/** Search spaces written as a layer's own arguments, by the parameter each replaces. */
export function layerSearchSpaces(call: ConstantCall, definition: LayerDefinition): ReadonlyMap<string, CallValue> {
  const spaces = new Map<string, CallValue>();
  const { matched } = matchArguments(call, definition.params.map((param) => param.name), definition.name);
  for (const [param, arg] of matched) if (isSearchSpaceCall(arg.value)) spaces.set(param, arg.value);
  return spaces;
}

/** The call with each search-space argument replaced by its value at `point` (nested calls are left as written). */
export function atSearchPoint(call: ConstantCall, point: SearchPoint): ConstantCall {
  if (!call.args.some((arg) => isSearchSpaceCall(arg.value))) return call;
  return { ...call, args: call.args.map((arg) => (isSearchSpaceCall(arg.value) ? { ...arg, value: point(arg.value) } : arg)) };
}

/** A search space read against the parameter it replaces. */
export interface SearchSpaceReading {
  /** Undefined when the space itself is malformed. */
  readonly space: SearchSpace | undefined;
  /** The value of the first point (`choice`: its first value, ranges: `lo`), standing where the space was written. */
  readonly first: ConstantValue | undefined;
  readonly problems: readonly ArgumentProblem[];
}

/** Reads a search space that replaces a value of `param` (`subject` names the owner in messages). */
export function readSearchSpace(call: CallValue, param: ParamSpec, subject: string): SearchSpaceReading {
  return call.callee.name === "choice" ? readChoice(call, param, subject) : readRange(call, param, subject);
}

function readChoice(call: CallValue, param: ParamSpec, subject: string): SearchSpaceReading {
  const problems: ArgumentProblem[] = [];
  const named = call.args.find((arg) => arg.name !== undefined);
  if (named !== undefined) {
    problems.push(problemAt(named.range, call, NAMES.unknownParameter, "`choice` takes values only, not named arguments"));
  }
  if (call.args.length === 0) {
    problems.push(problemAt(call.origin.range, call, VALUES.missingArgument, "`choice` needs at least one value", "write `choice(a, b, …)`"));
    return { space: undefined, first: undefined, problems };
  }
  const values: (number | string | boolean)[] = [];
  for (const arg of call.args) {
    const checked = checkPoint(arg.value, param, subject);
    problems.push(...checked.problems);
    if (checked.value !== undefined) values.push(checked.value);
  }
  const complete = problems.length === 0 && values.length === call.args.length;
  return {
    space: complete ? { kind: "choice", values } : undefined,
    first: call.args[0]?.value,
    problems,
  };
}

function readRange(call: CallValue, param: ParamSpec, subject: string): SearchSpaceReading {
  const kind = call.callee.name as "range" | "log_range";
  const entry = SEARCH_SPACES.entries.get(kind)!;
  if (param.type !== "int" && param.type !== "float") {
    return {
      space: undefined,
      first: undefined,
      problems: [problemAt(call.origin.range, call, VALUES.wrongType, `\`${kind}\` gives numbers, but \`${param.name}\` of ${subject} is not a number`, "use `choice(…)` with the values to try")],
    };
  }
  const ends = resolveArguments(call, entry.params, kind);
  const problems: ArgumentProblem[] = [...ends.problems];
  const lo = ends.args?.["lo"];
  const hi = ends.args?.["hi"];
  const loValue = rangeEnds(call).lo;
  if (typeof lo !== "number" || typeof hi !== "number") return { space: undefined, first: loValue, problems };
  if (!(lo < hi)) {
    problems.push(
      problemAt(call.origin.range, call, VALUES.outOfRange, `\`${kind}\` needs lo < hi, found lo = ${formatNumber(lo)} and hi = ${formatNumber(hi)}`),
    );
  }
  // Both ends must themselves be valid values of the parameter (an integer range has integer ends).
  for (const [end, value] of [
    ["lo", lo],
    ["hi", hi],
  ] as const) {
    const origin = ends.origins.get(end) ?? call.origin;
    const checked = checkPoint({ kind: "number", value, origin }, param, subject);
    problems.push(...checked.problems);
  }
  if (problems.length > 0) return { space: undefined, first: loValue, problems };
  const space: SearchSpace = kind === "range" ? { kind, lo, hi, integer: param.type === "int" } : { kind, lo, hi };
  return { space, first: loValue, problems };
}

/** Checks one point of a space as if it were written in place of the space. */
function checkPoint(value: ConstantValue, param: ParamSpec, subject: string): { value?: number | string | boolean; problems: readonly ArgumentProblem[] } {
  if (value.kind === "call" || value.kind === "list" || value.kind === "object") {
    return {
      problems: [
        {
          code: VALUES.wrongType,
          message: `a search space tries single values, found ${describeValue(value)}`,
          file: value.origin.file,
          range: value.origin.range,
          substituted: false,
        },
      ],
    };
  }
  const resolved = resolveSingleValue(value, param, subject);
  const checked = resolved.value;
  const scalar = typeof checked === "number" || typeof checked === "string" || typeof checked === "boolean" ? checked : undefined;
  return { ...(scalar !== undefined ? { value: scalar } : {}), problems: resolved.problems };
}

/** Checks one value against one parameter spec, with the messages of a written argument. */
export function resolveSingleValue(value: ConstantValue, param: ParamSpec, subject: string): { value: ParamValue | undefined; problems: readonly ArgumentProblem[] } {
  const callee: Identifier = { kind: "Identifier", name: param.name, range: value.origin.range };
  // The value is written, so no default applies.
  const required: ParamSpec = { ...param, default: undefined, defaultFrom: undefined };
  const resolved = resolveArguments({ callee, args: [{ value, range: value.origin.range }], origin: value.origin }, [required], subject);
  return { value: resolved.args?.[param.name], problems: resolved.problems };
}

function problemAt(range: ArgumentProblem["range"], call: CallValue, code: string, message: string, help?: string): ArgumentProblem {
  return { code, message, file: call.origin.file, range, ...(help ? { help } : {}), substituted: false };
}
