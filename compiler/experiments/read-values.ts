/**
 * Reading setting values: scalars against their `SettingSpec`, registry entries
 * (`adam(learning_rate: 1e-3)`, `mse`) through `resolveArguments` — so types, bounds,
 * unknown parameters and "did you mean" read exactly like layer arguments — name lists
 * (`[accuracy, f1]`), string lists and class weights. A search space standing in place of
 * a value is read here too: recorded when the experiment tunes and the site allows it,
 * DLM505 otherwise; either way the first point stands in for it so checking goes on.
 */
import type { Setting, SourceRange } from "../../grammar/ast.js";
import type { SettingSpec } from "../registry/experiment-schema.js";
import type { Registry, Definition, DefinitionParam } from "../registry/definition.js";
import { makeDiagnostic, replaceNameFix, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { describeValue, foldConstant, printValue, type ConstantArg, type ConstantValue, type ValueOrigin } from "../constant-values.js";
import type { ParamSpec, ParamValue, ResolvedArgs } from "../layers/layer-definition.js";
import { argumentProblemDiagnostic, matchArguments, resolveArguments, type ArgumentProblem, type ConstantCall } from "../resolve-args.js";
import { closestName, didYouMean } from "../../diagnostics/suggest.js";
import { childSite, type ExperimentContext, type SpaceSite } from "./experiment-context.js";
import { firstValueOf, isSearchSpaceCall, readSearchSpace, resolveSingleValue } from "./search-spaces.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";
import { VALUES } from "../../diagnostics/catalog/values.js";

/** A setting's value, evaluated (constant arithmetic folded; fold problems are the checker's to report). */
export function settingValue(setting: Setting, context: Pick<ExperimentContext, "file">): ConstantValue {
  return foldConstant(setting.value, { file: context.file });
}

/** A name or string written in a list, with where it is. */
export interface WrittenName {
  readonly name: string;
  readonly range: SourceRange;
}

/** A registry entry as written, its arguments resolved. */
export interface EntryReading<Entry extends Definition = Definition> {
  readonly entry: Entry;
  /** Every scalar parameter, defaults included. */
  readonly args: ResolvedArgs;
  /** List parameters that were written (`features: ["a", "b"]`), each item with its range. */
  readonly lists: ReadonlyMap<string, readonly WrittenName[]>;
  /** Where each written argument's value is. */
  readonly origins: ReadonlyMap<string, ValueOrigin>;
  /** The whole value (`adam(learning_rate: 1e-3)`). */
  readonly range: SourceRange;
}

/** Reports argument problems as diagnostics. */
function reportProblems(problems: readonly ArgumentProblem[], context: ExperimentContext): void {
  for (const problem of problems) context.report(argumentProblemDiagnostic(problem));
}

/** The parameter a scalar setting's value is checked against (int, float, bool, string, enum, shape settings). */
export function settingParam(spec: SettingSpec): ParamSpec | undefined {
  const type = spec.type;
  switch (type.kind) {
    case "int":
      return { name: spec.name, type: "int", doc: spec.doc, ...(type.min !== undefined ? { min: type.min } : {}) };
    case "float":
      return {
        name: spec.name,
        type: "float",
        doc: spec.doc,
        ...(type.min !== undefined ? { min: type.min } : {}),
        ...(type.max !== undefined ? { max: type.max } : {}),
        ...(type.greaterThan !== undefined ? { greaterThan: type.greaterThan } : {}),
        ...(type.lessThan !== undefined ? { lessThan: type.lessThan } : {}),
      };
    case "bool":
      return { name: spec.name, type: "bool", doc: spec.doc };
    case "string":
      return { name: spec.name, type: "string", doc: spec.doc };
    case "enum":
      return { name: spec.name, type: "enum", doc: spec.doc, values: type.values };
    case "shape":
      return { name: spec.name, type: "shape", doc: spec.doc };
    default:
      return undefined;
  }
}

/**
 * Reads a scalar value against a parameter: a search space is read (and its first point
 * checked) when the site allows one; `subject` names the owner in messages (`train`, `adam`).
 */
export function readScalar(
  value: ConstantValue,
  param: ParamSpec,
  subject: string,
  context: ExperimentContext,
  site: SpaceSite | undefined,
): ParamValue | undefined {
  const standing = standInForSearchSpace(value, param, subject, context, site);
  if (standing === undefined) return undefined;
  const resolved = resolveSingleValue(standing, param, subject);
  reportProblems(resolved.problems, context);
  return resolved.value;
}

/** Reads a scalar setting (int, float, bool, string or enum) of a section. */
export function readScalarSetting(
  setting: Setting,
  spec: SettingSpec,
  section: string,
  context: ExperimentContext,
  site?: SpaceSite,
): ParamValue | undefined {
  const param = settingParam(spec);
  if (param === undefined) throw new Error(`setting \`${spec.name}\` is not a scalar setting`);
  const value = settingValue(setting, context);
  if (value.kind === "invalid") return undefined;
  return readScalar(value, param, section, context, site);
}

/**
 * A setting that takes `auto` or a whole number ≥ 1 (`workers`, `parallel`): the count is
 * checked against the schema's int bounds, anything else is DLM301, whose help says what
 * `auto` means (`autoMeans`). Not a tuning site: how many threads run changes no result.
 */
export function readCountOrAuto(
  setting: Setting,
  spec: SettingSpec,
  section: string,
  context: ExperimentContext,
  autoMeans: string,
): number | "auto" | undefined {
  const value = settingValue(setting, context);
  if (value.kind === "name" && value.name === "auto") return "auto";
  if (value.kind === "number") {
    const count = readScalarSetting(setting, spec, section, context);
    return typeof count === "number" ? count : undefined;
  }
  if (value.kind === "invalid") return undefined;
  context.report(
    makeDiagnostic(VALUES.wrongType, context.file, setting.value.range, {
      message: `\`${spec.name}\` of ${section} expects \`auto\` or a whole number ≥ 1, found ${describeValue(value)}`,
      help: `write \`${spec.name}: auto\` (${autoMeans}) or a count such as \`${spec.name}: 2\``,
    }),
  );
  return undefined;
}

/**
 * A search space written in place of a value: DLM505 outside a tuning experiment or at a
 * site that cannot vary per trial; otherwise it is read and recorded. Returns the value to
 * check in its place (the space's first point), or the value itself when it is no space.
 */
export function standInForSearchSpace(
  value: ConstantValue,
  param: ParamSpec,
  subject: string,
  context: ExperimentContext,
  site: SpaceSite | undefined,
): ConstantValue | undefined {
  if (!isSearchSpaceCall(value)) return value;
  const written = `${value.callee.name}(…)`;
  if (!context.tuning || site === undefined) {
    context.report(
      makeDiagnostic(PIPELINE.searchOutsideTune, context.file, value.origin.range, {
        message: context.tuning
          ? `a search space cannot stand in \`${param.name}\` of ${subject}: only settings of \`train\` and \`fine_tune\` (and layer arguments) vary per trial`
          : `search space \`${written}\` outside a \`tune\` experiment`,
        help: context.tuning ? "write a single value here" : "add `tune { trials: N, objective: val_loss }` to the experiment, or write a single value",
      }),
    );
    return firstValueOf(value);
  }
  const reading = readSearchSpace(value, param, subject);
  reportProblems(reading.problems, context);
  if (reading.space !== undefined) {
    context.searchSpaces.push({
      name: site.name,
      space: reading.space,
      site: { kind: "setting", path: site.path },
      file: context.file,
      range: value.origin.range,
    });
  }
  return reading.first;
}

/**
 * Reads a registry entry written as a call (`adam(learning_rate: 1e-3)`) or a bare name
 * (`mse`): DLM204 for an unknown name, DLM301 for another kind of value, then its
 * arguments against the entry's parameters. `setting` names the setting in messages.
 */
export function readEntry<Entry extends Definition>(
  value: ConstantValue,
  registry: Registry<Entry>,
  setting: string,
  context: ExperimentContext,
  site?: SpaceSite,
): EntryReading<Entry> | undefined {
  if (value.kind === "invalid") return undefined;
  const call = asCall(value);
  if (call === undefined) {
    const example = [...registry.entries.keys()][0] ?? "";
    const quoted = value.kind === "string" && registry.entries.has(value.value) ? value.value : undefined;
    context.report(
      makeDiagnostic(VALUES.wrongType, context.file, value.origin.range, {
        message: `\`${setting}\` expects ${article(registry.kind)} ${registry.kind} such as \`${example}\`, found ${describeValue(value)}`,
        help: quoted !== undefined ? `write it without quotes: \`${quoted}\`` : `${registry.kind}s: ${[...registry.entries.keys()].join(", ")}`,
      }),
    );
    return undefined;
  }
  if (isSearchSpaceCall(value)) {
    context.report(
      makeDiagnostic(PIPELINE.searchOutsideTune, context.file, value.origin.range, {
        message: `a search space cannot choose ${article(registry.kind)} ${registry.kind}: search spaces replace numbers, booleans and names inside settings`,
        help: "search one of its arguments instead, e.g. `adam(learning_rate: log_range(1e-4, 1e-2))`",
      }),
    );
    return undefined;
  }
  const entry = registry.entries.get(call.callee.name);
  if (entry === undefined) {
    context.report(unknownEntry(call.callee, registry, context.file));
    return undefined;
  }
  return resolveEntryCall(call, entry, context, site);
}

/** DLM204: a name that is not in the registry, with "did you mean" and the list. */
export function unknownEntry(name: WrittenName, registry: Registry, file: string): Diagnostic {
  const written = name.name;
  const names = [...registry.entries.keys()];
  const help = didYouMean(written, names);
  const meant = closestName(written, names);
  return makeDiagnostic(PIPELINE.unknownRegistryName, file, name.range, {
    message: `unknown ${registry.kind} \`${written}\``,
    ...(help ? { help } : {}),
    ...(meant !== undefined ? { fixes: [replaceNameFix(file, name.range, meant)] } : {}),
    notes: [`${registry.kind}s: ${names.join(", ")}`],
  });
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? "an" : "a";
}

/** A bare name as a call without arguments; calls as they are; anything else undefined. */
function asCall(value: ConstantValue): ConstantCall | undefined {
  if (value.kind === "call") return value;
  if (value.kind === "name" && value.name !== "?") {
    return { callee: { kind: "Identifier", name: value.name, range: value.origin.range }, args: [], origin: value.origin };
  }
  return undefined;
}

/**
 * Resolves a call against a registry entry. List parameters are read separately (the layer
 * resolver knows no string lists); search spaces are replaced by their first point first.
 */
export function resolveEntryCall<Entry extends Definition>(
  call: ConstantCall,
  entry: Entry,
  context: ExperimentContext,
  site: SpaceSite | undefined,
): EntryReading<Entry> | undefined {
  const params = entry.params;
  const matched = matchArguments(call, params.map((param) => param.name), entry.name).matched;
  const paramOf = new Map<ConstantArg, DefinitionParam>();
  for (const param of params) {
    const arg = matched.get(param.name);
    if (arg !== undefined) paramOf.set(arg, param);
  }
  let invalid = false;
  const args = call.args.map((arg): ConstantArg => {
    const param = paramOf.get(arg);
    if (param === undefined) return arg;
    // A placeholder keeps the argument's place; the list itself is read below.
    if (param.list) return { ...arg, value: { kind: "string", value: "", origin: arg.value.origin } };
    const standing = standInForSearchSpace(arg.value, param, entry.name, context, childSite(site, param.name));
    if (standing === undefined) {
      invalid = true;
      return { ...arg, value: { kind: "invalid", origin: arg.value.origin } };
    }
    return { ...arg, value: standing };
  });
  const scalarParams = params.map((param): ParamSpec => (param.list ? { ...param, type: "string", default: "" } : param));
  const resolved = resolveArguments({ ...call, args }, scalarParams, entry.name);
  reportProblems(resolved.problems, context);
  const lists = new Map<string, readonly WrittenName[]>();
  for (const param of params) {
    const arg = matched.get(param.name);
    if (!param.list || arg === undefined) continue;
    const items = readStringList(arg.value, `\`${param.name}\` of ${entry.name}`, context);
    if (items === undefined) invalid = true;
    else lists.set(param.name, items);
  }
  if (resolved.args === undefined || invalid) return undefined;
  const scalars: Record<string, ParamValue> = {};
  for (const param of params) {
    const value = resolved.args[param.name];
    if (!param.list && value !== undefined) scalars[param.name] = value;
  }
  return { entry, args: scalars, lists, origins: resolved.origins, range: call.origin.range };
}

/** A list of strings (or names, or numbers: `classes: [0, 1]` names classes "0" and "1"); DLM301 otherwise. */
export function readStringList(value: ConstantValue, label: string, context: ExperimentContext): WrittenName[] | undefined {
  if (value.kind === "invalid") return undefined;
  if (value.kind !== "list") {
    context.report(
      makeDiagnostic(VALUES.wrongType, context.file, value.origin.range, {
        message: `${label} expects a list of names such as \`["a", "b"]\`, found ${describeValue(value)}`,
        ...(value.kind === "string" || value.kind === "name" ? { help: `write \`[${printValue(value)}]\`` } : {}),
      }),
    );
    return undefined;
  }
  const items: WrittenName[] = [];
  let complete = true;
  for (const item of value.items) {
    if (item.kind === "string") items.push({ name: item.value, range: item.origin.range });
    else if (item.kind === "name" && item.name !== "?") items.push({ name: item.name, range: item.origin.range });
    else if (item.kind === "number") items.push({ name: printValue(item), range: item.origin.range });
    else {
      complete = false;
      if (item.kind !== "invalid") {
        context.report(
          makeDiagnostic(VALUES.wrongType, context.file, item.origin.range, {
            message: `${label} expects names, found ${describeValue(item)} in the list`,
          }),
        );
      }
    }
  }
  return complete ? items : undefined;
}

/**
 * A list of registry names (`metrics: [accuracy, f1]`): DLM301 for another kind of value,
 * DLM204 for an unknown name, DLM218 for a name listed twice. Unknown names are dropped.
 */
export function readNameList<Entry extends Definition>(
  value: ConstantValue,
  registry: Registry<Entry>,
  setting: string,
  context: ExperimentContext,
): WrittenName[] | undefined {
  if (value.kind === "invalid") return undefined;
  if (value.kind !== "list") {
    const single = value.kind === "name" ? value.name : undefined;
    context.report(
      makeDiagnostic(VALUES.wrongType, context.file, value.origin.range, {
        message: `\`${setting}\` expects a list of ${registry.kind}s such as \`[${[...registry.entries.keys()][0] ?? ""}]\`, found ${describeValue(value)}`,
        ...(single !== undefined ? { help: `write \`[${single}]\`` } : {}),
      }),
    );
    return undefined;
  }
  const names: WrittenName[] = [];
  const seen = new Map<string, SourceRange>();
  for (const item of value.items) {
    if (item.kind === "invalid") continue;
    if (item.kind !== "name") {
      const quoted = item.kind === "string" && registry.entries.has(item.value) ? item.value : undefined;
      context.report(
        makeDiagnostic(VALUES.wrongType, context.file, item.origin.range, {
          message: `\`${setting}\` expects ${registry.kind} names, found ${describeValue(item)} in the list`,
          ...(quoted !== undefined ? { help: `write it without quotes: \`${quoted}\`` } : {}),
        }),
      );
      continue;
    }
    const written = { name: item.name, range: item.origin.range };
    if (!registry.entries.has(item.name)) {
      context.report(unknownEntry(written, registry, context.file));
      continue;
    }
    const first = seen.get(item.name);
    if (first !== undefined) {
      context.report(
        makeDiagnostic(PIPELINE.writtenTwice, context.file, written.range, {
          message: `${registry.kind} \`${item.name}\` is listed twice in \`${setting}\``,
          related: [{ file: context.file, range: first, message: "first listed here" }],
        }),
      );
      continue;
    }
    seen.set(item.name, written.range);
    names.push(written);
  }
  return names;
}

/** `class_weight: balanced | { CLASS: weight }` as written, weights checked to be ≥ 0. */
export type ClassWeightReading =
  | { readonly kind: "balanced"; readonly range: SourceRange }
  | { readonly kind: "weights"; readonly weights: readonly { readonly key: string; readonly weight: number; readonly range: SourceRange }[]; readonly range: SourceRange };

/** Reads `class_weight`: `balanced` or an object of non-negative numbers (keys are class names or ids). */
export function readClassWeight(setting: Setting, context: ExperimentContext): ClassWeightReading | undefined {
  const value = settingValue(setting, context);
  if (value.kind === "invalid") return undefined;
  if (value.kind === "name" && value.name === "balanced") return { kind: "balanced", range: value.origin.range };
  if (value.kind !== "object") {
    context.report(
      makeDiagnostic(VALUES.wrongType, context.file, value.origin.range, {
        message: `\`class_weight\` expects \`balanced\` or \`{ CLASS: weight }\`, found ${describeValue(value)}`,
      }),
    );
    return undefined;
  }
  // Object entries keep no key ranges after evaluation: take them from the syntax.
  const syntax = setting.value.kind === "Object" ? setting.value.entries : [];
  const weights: { key: string; weight: number; range: SourceRange }[] = [];
  let complete = true;
  value.entries.forEach((entry, index) => {
    const keyRange = syntax[index]?.key.range ?? value.origin.range;
    const weight = resolveSingleValue(entry.value, { name: entry.key, type: "float", doc: "", min: 0 }, "`class_weight`");
    reportProblems(weight.problems, context);
    if (typeof weight.value !== "number") complete = false;
    else weights.push({ key: entry.key, weight: weight.value, range: keyRange });
  });
  return complete ? { kind: "weights", weights, range: value.origin.range } : undefined;
}
