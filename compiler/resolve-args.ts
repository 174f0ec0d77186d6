/**
 * Argument resolution: written arguments matched to declared parameters (positionals
 * first, then named), defaults filled in, then each value checked against its
 * parameter's type and bounds. Works for layers (`ParamSpec`) and blocks (`BlockParam`),
 * and for any other catalogue entry declared with `ParamSpec`s.
 *
 * Problems come back as data tagged `substituted`: a problem about a value that came in
 * through a block parameter depends on the use, so the block expansion reports it;
 * every other problem is reported once by the per-node checks.
 */
import type { BlockDecl, BlockParamType, Identifier, SourceRange } from "../grammar/ast.js";
import { makeDiagnostic, replaceNameFix, type Diagnostic, type DiagnosticFix, type RelatedLocation } from "../diagnostics/diagnostic.js";
import type { LayerCallValue, LayerDefinition, ParamSpec, ParamType, ParamValue, ResolvedArgs } from "./layers/layer-definition.js";
import { ACTIVATIONS, LAYERS, lookupLayer } from "./layers/registry.js";
import {
  containsInvalid,
  dependsOnParameter,
  describeValue,
  foldConstant,
  formatNumber,
  type ConstantArg,
  type ConstantValue,
  type ValueOrigin,
} from "./constant-values.js";
import { closestName, didYouMean } from "../diagnostics/suggest.js";
import { NAMES } from "../diagnostics/catalog/names.js";
import { VALUES } from "../diagnostics/catalog/values.js";

/** A problem with the arguments of one call, ready to become a diagnostic. */
export interface ArgumentProblem {
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly range: SourceRange;
  readonly help?: string;
  readonly notes?: readonly string[];
  readonly related?: readonly RelatedLocation[];
  /** Changes that resolve it (the quick fixes of the editor). */
  readonly fixes?: readonly DiagnosticFix[];
  /** True when the problem depends on a block argument: reported at each use of the block. */
  readonly substituted: boolean;
}

/** A call after its arguments were evaluated: `callee(args)` written at `origin`. */
export interface ConstantCall {
  readonly callee: Identifier;
  readonly args: readonly ConstantArg[];
  readonly origin: ValueOrigin;
}

/** Block parameter types a user may write after `:`. */
export const BLOCK_PARAM_TYPES: readonly BlockParamType[] = ["int", "float", "string", "bool", "shape", "activation"];

/** True for a type name a block parameter may declare. */
export function isBlockParamType(name: string): name is BlockParamType {
  return (BLOCK_PARAM_TYPES as readonly string[]).includes(name);
}

/** Result of matching written arguments to parameter names. */
export interface MatchedArguments {
  readonly matched: ReadonlyMap<string, ConstantArg>;
  readonly problems: readonly ArgumentProblem[];
  /** Parameters an unknown name was probably meant for (not reported again as missing). */
  readonly misspelled: ReadonlySet<string>;
}

/**
 * Matches arguments to parameters: positionals in declaration order, then named ones.
 * Reports too many positionals (DLM304), an unknown name (DLM202, with "did you mean")
 * and an argument given twice (DLM210).
 */
export function matchArguments(call: ConstantCall, paramNames: readonly string[], subject: string): MatchedArguments {
  const matched = new Map<string, ConstantArg>();
  const problems: ArgumentProblem[] = [];
  const file = call.origin.file;
  const substituted = call.origin.substituted;
  const extras: ConstantArg[] = [];
  const misspelled = new Set<string>();
  let positionalCount = 0;
  let firstNamed: ConstantArg | undefined;
  for (const arg of call.args) {
    if (arg.name === undefined || arg.name.missing) {
      if (arg.name?.missing) continue;
      // A positional after a named argument is a syntax error (DLM107, reported by the parser).
      if (firstNamed !== undefined) continue;
      const name = paramNames[positionalCount++];
      if (name === undefined) extras.push(arg);
      else matched.set(name, arg);
      continue;
    }
    firstNamed ??= arg;
    const name = arg.name.name;
    if (!paramNames.includes(name)) {
      const meant = closestName(name, paramNames);
      if (meant !== undefined) misspelled.add(meant);
      const help = didYouMean(name, paramNames);
      problems.push({
        code: NAMES.unknownParameter,
        message: `${subject} has no parameter \`${name}\``,
        file,
        range: arg.name.range,
        ...(help ? { help } : {}),
        ...(meant !== undefined ? { fixes: [replaceNameFix(file, arg.name.range, meant)] } : {}),
        notes: [paramNames.length > 0 ? `parameters: ${paramNames.join(", ")}` : `${subject} takes no arguments`],
        substituted,
      });
      continue;
    }
    const earlier = matched.get(name);
    if (earlier !== undefined) {
      problems.push({
        code: NAMES.duplicateArgument,
        message: `argument \`${name}\` of ${subject} is given twice`,
        file,
        range: arg.range,
        related: [{ file, range: earlier.range, message: `\`${name}\` is first given here` }],
        substituted,
      });
      continue;
    }
    matched.set(name, arg);
  }
  const firstExtra = extras[0];
  const lastExtra = extras[extras.length - 1];
  if (firstExtra !== undefined && lastExtra !== undefined) {
    const count = paramNames.length;
    problems.push({
      code: VALUES.tooManyArguments,
      message:
        count === 0
          ? `${subject} takes no arguments, found ${extras.length}`
          : `${subject} takes at most ${count} argument${count === 1 ? "" : "s"}, found ${count + extras.length}`,
      file,
      range: { start: firstExtra.range.start, end: lastExtra.range.end },
      ...(count > 0 ? { notes: [`parameters in order: ${paramNames.join(", ")}`] } : {}),
      substituted,
    });
  }
  return { matched, problems, misspelled };
}

/** The outcome of checking one value against one parameter. */
type Conversion =
  | { readonly kind: "ok"; readonly value: ParamValue }
  /** Depends on a block parameter not known yet (the block is checked on its own). */
  | { readonly kind: "pending" }
  /** Already reported elsewhere (syntax error, failed fold). */
  | { readonly kind: "invalid" }
  | { readonly kind: "problem"; readonly problem: ArgumentProblem };

/** Result of resolving a call against `ParamSpec`s. */
export interface ResolvedArguments {
  /** Every parameter, defaults included; undefined when any argument was wrong or not yet known. */
  readonly args: ResolvedArgs | undefined;
  /** Where each written argument's value came from (to point diagnostics at it). */
  readonly origins: ReadonlyMap<string, ValueOrigin>;
  readonly problems: readonly ArgumentProblem[];
  /** True when some value depends on a block parameter (the block is checked on its own). */
  readonly pending: boolean;
}

/**
 * Resolves a call's arguments against parameter specs: matching, defaults (`default`,
 * `defaultFrom`), missing required arguments (DLM303), types (DLM301), activation names
 * (DLM212), enum values and bounds (DLM302). `subject` names the callee in messages.
 */
export function resolveArguments(call: ConstantCall, params: readonly ParamSpec[], subject: string): ResolvedArguments {
  const { matched, problems: matchProblems, misspelled } = matchArguments(call, params.map((param) => param.name), subject);
  const problems: ArgumentProblem[] = [...matchProblems];
  // No prototype: a name such as `__proto__` (a `class_weight` key) is an ordinary key here.
  const values: Record<string, ParamValue> = Object.create(null) as Record<string, ParamValue>;
  const origins = new Map<string, ValueOrigin>();
  const missing: ParamSpec[] = [];
  let pending = false;
  let invalid = matchProblems.length > 0;
  for (const param of params) {
    const arg = matched.get(param.name);
    if (arg === undefined) {
      if (param.default !== undefined) values[param.name] = param.default;
      else if (param.defaultFrom === undefined && !misspelled.has(param.name)) missing.push(param);
      continue;
    }
    origins.set(param.name, arg.value.origin);
    const conversion = convertArgument(arg.value, param, subject);
    if (conversion.kind === "ok") values[param.name] = conversion.value;
    else if (conversion.kind === "pending") pending = true;
    else {
      invalid = true;
      if (conversion.kind === "problem") problems.push(conversion.problem);
    }
  }
  for (const param of params) {
    if (values[param.name] !== undefined || param.defaultFrom === undefined) continue;
    const source = values[param.defaultFrom];
    if (source !== undefined) values[param.name] = source;
  }
  if (missing.length > 0) {
    invalid = true;
    problems.push(missingArgumentsProblem(call, missing.map((param) => ({ name: param.name, doc: param.doc })), subject));
  }
  return { args: invalid || pending ? undefined : values, origins, problems, pending };
}

function missingArgumentsProblem(
  call: ConstantCall,
  missing: readonly { readonly name: string; readonly doc?: string }[],
  subject: string,
): ArgumentProblem {
  const names = missing.map((param) => `\`${param.name}\``);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return {
    code: VALUES.missingArgument,
    message: `${subject} is missing required argument${missing.length === 1 ? "" : "s"} ${list}`,
    file: call.origin.file,
    range: call.origin.range,
    notes: missing.filter((param) => param.doc).map((param) => `\`${param.name}\`: ${param.doc}`),
    help: `write \`${call.callee.name}(${missing.map((param) => `${param.name}: …`).join(", ")})\``,
    substituted: call.origin.substituted,
  };
}

/**
 * Resolves a layer call and runs the layer's own `validate` (DLM307) once every
 * argument is known. Nested layer arguments (`bidirectional(lstm(64))`) resolve the same way.
 */
export function resolveLayerArguments(call: ConstantCall, definition: LayerDefinition): ResolvedArguments {
  const resolved = resolveArguments(call, definition.params, definition.name);
  if (resolved.args === undefined || definition.validate === undefined) return resolved;
  const anySubstituted = call.origin.substituted || [...resolved.origins.values()].some((origin) => origin.substituted);
  const findings = definition.validate(resolved.args);
  if (findings.length === 0) return resolved;
  const problems = findings.map((finding): ArgumentProblem => {
    const origin = resolved.origins.get(finding.param);
    return {
      code: VALUES.invalidLayerArguments,
      message: `${definition.name}: ${finding.message}`,
      file: origin?.file ?? call.origin.file,
      range: origin?.range ?? call.origin.range,
      substituted: anySubstituted,
    };
  });
  return { ...resolved, args: undefined, problems: [...resolved.problems, ...problems] };
}

function problemAt(value: ConstantValue, code: string, message: string, help?: string): Conversion {
  return {
    kind: "problem",
    problem: {
      code,
      message,
      file: value.origin.file,
      range: value.origin.range,
      ...(help ? { help } : {}),
      substituted: value.origin.substituted,
    },
  };
}

const EXPECTED: Readonly<Record<ParamType, string>> = {
  int: "an integer",
  float: "a number",
  bool: "`true` or `false`",
  string: "a string",
  activation: "an activation name",
  int_or_tuple: "an integer or a list of integers",
  padding2d: "an integer, `[height, width]` or `[[top, bottom], [left, right]]`",
  shape: "a list of integers",
  enum: "one of its options",
  layer: "a layer call",
};

/** Which parameter types a block parameter of each declared type may fill. */
const PLACEHOLDER_FITS: Readonly<Record<BlockParamType, readonly ParamType[]>> = {
  int: ["int", "float", "int_or_tuple", "padding2d"],
  float: ["float"],
  string: ["string", "enum", "activation"],
  bool: ["bool"],
  shape: ["shape", "int_or_tuple", "padding2d"],
  activation: ["activation", "string"],
};

/** Checks one value against one parameter spec and converts it to a `ParamValue`. */
function convertArgument(value: ConstantValue, spec: ParamSpec, subject: string): Conversion {
  if (containsInvalid(value)) return { kind: "invalid" };
  const label = `\`${spec.name}\` of ${subject}`;
  if (value.kind === "parameter") {
    if (value.type === undefined || PLACEHOLDER_FITS[value.type].includes(spec.type)) return { kind: "pending" };
    return problemAt(value, VALUES.wrongType, `${label} expects ${expectedText(spec)}, found ${describeValue(value)}`);
  }
  if (dependsOnParameter(value)) return { kind: "pending" };
  const wrongType = (): Conversion => problemAt(value, VALUES.wrongType, `${label} expects ${expectedText(spec)}, found ${describeValue(value)}`);
  switch (spec.type) {
    case "int":
      if (value.kind !== "number") return wrongType();
      if (!Number.isInteger(value.value)) return problemAt(value, VALUES.wrongType, `${label} expects an integer, found ${formatNumber(value.value)}`);
      return checkBounds(value, value.value, spec, label) ?? { kind: "ok", value: value.value };
    case "float":
      if (value.kind !== "number") return wrongType();
      return checkBounds(value, value.value, spec, label) ?? { kind: "ok", value: value.value };
    case "bool":
      return value.kind === "bool" ? { kind: "ok", value: value.value } : wrongType();
    case "string":
      if (value.kind === "string") return { kind: "ok", value: value.value };
      if (value.kind === "name" && value.name !== "?") return { kind: "ok", value: value.name };
      return wrongType();
    case "activation":
      return convertActivation(value, label) ?? wrongType();
    case "enum":
      return convertEnum(value, spec, label) ?? wrongType();
    case "int_or_tuple":
    case "shape":
      return convertIntegers(value, spec, label);
    case "padding2d":
      return convertPadding2d(value, spec, label);
    case "layer":
      return convertLayerCall(value, label);
  }
}

function expectedText(spec: ParamSpec): string {
  if (spec.type === "enum" && spec.values) return `one of ${spec.values.map((v) => `\`${v}\``).join(", ")}`;
  return EXPECTED[spec.type];
}

function convertActivation(value: ConstantValue, label: string): Conversion | undefined {
  const name = value.kind === "name" ? value.name : value.kind === "string" ? value.value : undefined;
  if (name === undefined) return undefined;
  if (ACTIVATIONS.includes(name)) return { kind: "ok", value: name };
  return problemAt(
    value,
    NAMES.unknownActivation,
    `unknown activation \`${name}\` for ${label}`,
    didYouMean(name, ACTIVATIONS) ?? `activations: ${ACTIVATIONS.join(", ")}`,
  );
}

function convertEnum(value: ConstantValue, spec: ParamSpec, label: string): Conversion | undefined {
  const name = value.kind === "name" ? value.name : value.kind === "string" ? value.value : undefined;
  if (name === undefined) return undefined;
  const options = spec.values ?? [];
  if (options.includes(name)) return { kind: "ok", value: name };
  return problemAt(
    value,
    VALUES.outOfRange,
    `${label} must be one of ${options.map((option) => `\`${option}\``).join(", ")}, found \`${name}\``,
    didYouMean(name, options),
  );
}

function convertIntegers(value: ConstantValue, spec: ParamSpec, label: string): Conversion {
  if (spec.type === "int_or_tuple" && value.kind === "number") {
    if (!Number.isInteger(value.value)) {
      return problemAt(value, VALUES.wrongType, `${label} expects ${EXPECTED.int_or_tuple}, found ${formatNumber(value.value)}`);
    }
    return checkBounds(value, value.value, spec, label) ?? { kind: "ok", value: value.value };
  }
  if (value.kind !== "list" || value.items.length === 0) {
    return problemAt(value, VALUES.wrongType, `${label} expects ${EXPECTED[spec.type]}, found ${value.kind === "list" ? "an empty list" : describeValue(value)}`);
  }
  const integers: number[] = [];
  for (const item of value.items) {
    if (item.kind !== "number" || !Number.isInteger(item.value)) {
      return problemAt(item, VALUES.wrongType, `${label} expects ${EXPECTED[spec.type]}, found ${describeValue(item)} in the list`);
    }
    const outOfBounds = checkBounds(item, item.value, spec, `each value of ${label}`);
    if (outOfBounds) return outOfBounds;
    integers.push(item.value);
  }
  return { kind: "ok", value: integers };
}

/**
 * 2-D padding: an int, `[height, width]`, or `[[top, bottom], [left, right]]` (as Keras's
 * `ZeroPadding2D(((0, 1), (0, 1)))`), the last flattened to `[top, bottom, left, right]`.
 */
function convertPadding2d(value: ConstantValue, spec: ParamSpec, label: string): Conversion {
  const expected = EXPECTED.padding2d;
  const isPairs = value.kind === "list" && value.items.some((item) => item.kind === "list");
  if (!isPairs) {
    const flat = convertIntegers(value, { ...spec, type: "int_or_tuple" }, label);
    if (flat.kind === "ok" && Array.isArray(flat.value) && flat.value.length !== 2) {
      return problemAt(value, VALUES.wrongType, `${label} expects ${expected}, found a list of ${flat.value.length}`, "write `[[top, bottom], [left, right]]` for a different padding on each side");
    }
    return flat;
  }
  const pairs = value.kind === "list" ? value.items : [];
  if (pairs.length !== 2) return problemAt(value, VALUES.wrongType, `${label} expects ${expected}, found ${pairs.length} pairs`);
  const sides: number[] = [];
  for (const pair of pairs) {
    if (pair.kind !== "list" || pair.items.length !== 2) {
      return problemAt(pair, VALUES.wrongType, `${label} expects ${expected}, found ${describeValue(pair)} where a pair [before, after] belongs`);
    }
    for (const item of pair.items) {
      if (item.kind !== "number" || !Number.isInteger(item.value)) {
        return problemAt(item, VALUES.wrongType, `${label} expects ${expected}, found ${describeValue(item)} in a pair`);
      }
      const outOfBounds = checkBounds(item, item.value, spec, `each value of ${label}`);
      if (outOfBounds) return outOfBounds;
      sides.push(item.value);
    }
  }
  return { kind: "ok", value: sides };
}

function convertLayerCall(value: ConstantValue, label: string): Conversion {
  if (value.kind !== "call" && value.kind !== "name") {
    return problemAt(value, VALUES.wrongType, `${label} expects a layer call such as \`lstm(64)\`, found ${describeValue(value)}`);
  }
  const call: ConstantCall =
    value.kind === "call"
      ? value
      : { callee: { kind: "Identifier", name: value.name, range: value.origin.range }, args: [], origin: value.origin };
  const definition = lookupLayer(call.callee.name);
  if (definition === undefined) {
    return {
      kind: "problem",
      problem: unknownLayerProblem(call.callee, call.origin.file, call.origin.substituted, []),
    };
  }
  const resolved = resolveLayerArguments(call, definition);
  const firstProblem = resolved.problems[0];
  if (firstProblem) return { kind: "problem", problem: firstProblem };
  if (resolved.pending) return { kind: "pending" };
  if (resolved.args === undefined) return { kind: "invalid" };
  const nested: LayerCallValue = { layer: definition.name, args: resolved.args };
  return { kind: "ok", value: nested };
}

/** DLM201 for a name that is neither a layer nor a visible block, with "did you mean". */
export function unknownLayerProblem(
  callee: Identifier,
  file: string,
  substituted: boolean,
  blockNames: readonly string[],
  note?: string,
): ArgumentProblem {
  const help = didYouMean(callee.name, [...LAYERS.keys(), ...blockNames]);
  const meant = closestName(callee.name, [...LAYERS.keys(), ...blockNames]);
  return {
    code: NAMES.unknownLayer,
    message: `unknown layer \`${callee.name}\``,
    file,
    range: callee.range,
    ...(help ? { help } : {}),
    ...(meant !== undefined ? { fixes: [replaceNameFix(file, callee.range, meant)] } : {}),
    ...(note ? { notes: [note] } : {}),
    substituted,
  };
}

/** The interval a number must lie in, as messages print it: `in [0, 1)`, `> 0`, `≥ 1`. */
export function boundsText(spec: Pick<ParamSpec, "min" | "max" | "greaterThan" | "lessThan">): string | undefined {
  const lower = spec.min !== undefined ? `[${spec.min}` : spec.greaterThan !== undefined ? `(${spec.greaterThan}` : undefined;
  const upper = spec.max !== undefined ? `${spec.max}]` : spec.lessThan !== undefined ? `${spec.lessThan})` : undefined;
  if (lower !== undefined && upper !== undefined) return `in ${lower}, ${upper}`;
  if (spec.min !== undefined) return `≥ ${spec.min}`;
  if (spec.greaterThan !== undefined) return `> ${spec.greaterThan}`;
  if (spec.max !== undefined) return `≤ ${spec.max}`;
  if (spec.lessThan !== undefined) return `< ${spec.lessThan}`;
  return undefined;
}

function checkBounds(value: ConstantValue, number: number, spec: ParamSpec, label: string): Conversion | undefined {
  const inside =
    (spec.min === undefined || number >= spec.min) &&
    (spec.max === undefined || number <= spec.max) &&
    (spec.greaterThan === undefined || number > spec.greaterThan) &&
    (spec.lessThan === undefined || number < spec.lessThan);
  if (inside) return undefined;
  return problemAt(value, VALUES.outOfRange, `${label} must be ${boundsText(spec) ?? "in range"}, found ${formatNumber(number)}`);
}

/** Block parameters bound for one use: name → value (a use-site argument or the default). */
export type BlockBindings = ReadonlyMap<string, ConstantValue>;

/** Result of resolving a block call. */
export interface ResolvedBlockArguments {
  /** Undefined when an argument is missing or wrong (expansion stops there). */
  readonly bindings: BlockBindings | undefined;
  readonly problems: readonly ArgumentProblem[];
}

/**
 * Resolves a block call: matches arguments to the block's parameters, fills defaults
 * (evaluated in the block's file), reports missing ones (DLM303) and values that do not
 * fit a declared type (DLM301, DLM212).
 */
export function resolveBlockArguments(call: ConstantCall, block: BlockDecl, blockFile: string): ResolvedBlockArguments {
  const params = block.params.filter((param) => !param.missing && !param.name.missing);
  const subject = `block \`${block.name.name}\``;
  const { matched, problems: matchProblems, misspelled } = matchArguments(call, params.map((param) => param.name.name), subject);
  const problems: ArgumentProblem[] = [...matchProblems];
  const bindings = new Map<string, ConstantValue>();
  const missing: { name: string }[] = [];
  let complete = matchProblems.length === 0;
  for (const param of params) {
    const name = param.name.name;
    const arg = matched.get(name);
    const value =
      arg?.value ?? (param.defaultValue ? foldConstant(param.defaultValue, { file: blockFile }) : undefined);
    if (value === undefined) {
      if (!misspelled.has(name)) missing.push({ name });
      complete = false;
      continue;
    }
    const type = param.type && isBlockParamType(param.type.name) ? param.type.name : undefined;
    const problem = arg ? checkBlockParamValue(value, type, `\`${name}\` of ${subject}`) : undefined;
    if (problem) {
      problems.push(problem);
      complete = false;
    } else if (containsInvalid(value)) complete = false;
    bindings.set(name, value);
  }
  if (missing.length > 0) {
    complete = false;
    problems.push(missingArgumentsProblem(call, missing, subject));
  }
  return { bindings: complete ? bindings : undefined, problems };
}

/**
 * Checks a value against a declared block parameter type (untyped accepts anything).
 * Used for use-site arguments and for defaults. `label` names the parameter in messages.
 */
export function checkBlockParamValue(
  value: ConstantValue,
  type: BlockParamType | undefined,
  label: string,
): ArgumentProblem | undefined {
  if (type === undefined || containsInvalid(value)) return undefined;
  if (value.kind === "parameter") {
    const fits = value.type === undefined || value.type === type || (value.type === "int" && type === "float");
    return fits ? undefined : typeProblem(value, label, type);
  }
  if (dependsOnParameter(value)) return undefined;
  switch (type) {
    case "int":
      return value.kind === "number" && Number.isInteger(value.value) ? undefined : typeProblem(value, label, type);
    case "float":
      return value.kind === "number" ? undefined : typeProblem(value, label, type);
    case "bool":
      return value.kind === "bool" ? undefined : typeProblem(value, label, type);
    case "string":
      return value.kind === "string" || (value.kind === "name" && value.name !== "?") ? undefined : typeProblem(value, label, type);
    case "shape": {
      const fits =
        value.kind === "list" &&
        value.items.length > 0 &&
        value.items.every((item) => (item.kind === "number" && Number.isInteger(item.value)) || (item.kind === "name" && item.name === "?"));
      return fits ? undefined : typeProblem(value, label, type);
    }
    case "activation": {
      const conversion = convertActivation(value, label);
      if (conversion === undefined) return typeProblem(value, label, type);
      return conversion.kind === "problem" ? conversion.problem : undefined;
    }
  }
}

const BLOCK_TYPE_EXPECTED: Readonly<Record<BlockParamType, string>> = {
  int: "an integer",
  float: "a number",
  string: "a string",
  bool: "`true` or `false`",
  shape: "a shape such as `[28, 28, 1]`",
  activation: "an activation name",
};

function typeProblem(value: ConstantValue, label: string, type: BlockParamType): ArgumentProblem {
  const found = value.kind === "number" && type === "int" ? formatNumber(value.value) : describeValue(value);
  return {
    code: VALUES.wrongType,
    message: `${label} expects ${BLOCK_TYPE_EXPECTED[type]}, found ${found}`,
    file: value.origin.file,
    range: value.origin.range,
    substituted: value.origin.substituted,
  };
}

/** Turns an argument problem into a diagnostic, adding related locations (e.g. block use sites). */
export function argumentProblemDiagnostic(problem: ArgumentProblem, extraRelated: readonly RelatedLocation[] = []): Diagnostic {
  return makeDiagnostic(problem.code, problem.file, problem.range, {
    message: problem.message,
    ...(problem.help ? { help: problem.help } : {}),
    ...(problem.notes ? { notes: problem.notes } : {}),
    related: [...(problem.related ?? []), ...extraRelated],
    ...(problem.fixes ? { fixes: problem.fixes } : {}),
  });
}
