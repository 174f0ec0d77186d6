/**
 * Reading resolved layer arguments inside shape rules, and the argument checks several
 * families share. The checker has already matched arguments to parameters and checked
 * their types and bounds, so a reader meeting the wrong type is a compiler bug (throw).
 */
import type { LayerCallValue, LayerDefinition, ParamValue, ResolvedArgs } from "./layer-definition.js";

/** An argument check's finding: the parameter it is about and a user-facing message. */
export interface ArgumentProblem {
  readonly param: string;
  readonly message: string;
}

function missingOrWrong(name: string, expected: string, value: ParamValue | undefined): Error {
  return new Error(`layer argument \`${name}\` should be ${expected}, got ${JSON.stringify(value)}`);
}

/** A number argument (int or float). */
export function readNumber(args: ResolvedArgs, name: string): number {
  const value = args[name];
  if (typeof value !== "number") throw missingOrWrong(name, "a number", value);
  return value;
}

/** A bool argument. */
export function readBool(args: ResolvedArgs, name: string): boolean {
  const value = args[name];
  if (typeof value !== "boolean") throw missingOrWrong(name, "a bool", value);
  return value;
}

/** A string, enum or activation argument. */
export function readString(args: ResolvedArgs, name: string): string {
  const value = args[name];
  if (typeof value !== "string") throw missingOrWrong(name, "a string", value);
  return value;
}

/** A list-of-ints argument (`reshape`'s shape). */
export function readIntList(args: ResolvedArgs, name: string): readonly number[] {
  const value = args[name];
  if (!Array.isArray(value)) throw missingOrWrong(name, "a list of ints", value);
  return value as readonly number[];
}

/**
 * An int-or-tuple argument spread over `rank` axes: `3` → `[3, 3]`. A list of another
 * length (which `validate` reports) repeats its first value, so shape rules never throw.
 */
export function readPerAxis(args: ResolvedArgs, name: string, rank: number): readonly number[] {
  const value = args[name];
  if (typeof value === "number") return Array.from({ length: rank }, () => value);
  if (Array.isArray(value) && value.length > 0) {
    const list = value as readonly number[];
    return list.length === rank ? [...list] : Array.from({ length: rank }, () => list[0] as number);
  }
  throw missingOrWrong(name, "an int or a list of ints", value);
}

/** A nested layer call argument (`bidirectional`'s `lstm(64)`). */
export function readLayerCall(args: ResolvedArgs, name: string): LayerCallValue {
  const value = args[name];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw missingOrWrong(name, "a layer call", value);
  }
  return value as LayerCallValue;
}

/**
 * Every parameter's default, overridden by `given`; `defaultFrom` parameters copy their
 * source's value. Required parameters missing from `given` stay absent. (The checker's
 * own argument matching reports those; this helper serves tests and nested calls.)
 */
export function defaultArgs(
  definition: LayerDefinition,
  given: Readonly<Record<string, ParamValue>> = {},
): ResolvedArgs {
  const args: Record<string, ParamValue> = {};
  for (const param of definition.params) {
    const value = given[param.name] ?? param.default;
    if (value !== undefined) args[param.name] = value;
  }
  for (const param of definition.params) {
    if (args[param.name] !== undefined || param.defaultFrom === undefined) continue;
    const source = args[param.defaultFrom];
    if (source !== undefined) args[param.name] = source;
  }
  return args;
}

/** Checks that an int-or-tuple argument, when a list, has one value per spatial axis. */
export function checkTupleLength(args: ResolvedArgs, name: string, rank: number): ArgumentProblem[] {
  const value = args[name];
  if (!Array.isArray(value) || value.length === rank) return [];
  return [
    {
      param: name,
      message: `\`${name}\` must be one int or a list of ${rank} ints (one per spatial axis), got a list of ${value.length}`,
    },
  ];
}

/** TF.js convolutions cannot combine a stride above 1 with a dilation above 1 on any axis. */
export function checkStrideWithDilation(args: ResolvedArgs): ArgumentProblem[] {
  const anyAbove1 = (value: ParamValue | undefined): boolean =>
    typeof value === "number" ? value > 1 : Array.isArray(value) && value.some((v) => Number(v) > 1);
  if (!anyAbove1(args["stride"]) || !anyAbove1(args["dilation"])) return [];
  return [
    {
      param: "dilation",
      message:
        "a `dilation` above 1 cannot be combined with a `stride` above 1 (TensorFlow.js convolutions take one or the other)",
    },
  ];
}
