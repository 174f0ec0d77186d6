/**
 * `tune { }`: how many trials, which logged value to optimise, grid or random, the epochs
 * per trial, and how many trials train at once. Search spaces in settings are read where
 * they are written; those in layer arguments are planned here, with the model checked at
 * every point of the search.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { SearchSpace } from "../../runtime/experiment.js";
import type { Binding } from "../binder.js";
import { makeDiagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { markSubstituted, printValue, type ConstantValue } from "../constant-values.js";
import { expandModel, type GraphNode, type LayerNode } from "../expand-model.js";
import { inferShapes, type InferredLayer, type ShapeContextFor } from "../infer-shapes.js";
import { lookupLayer } from "../layers/registry.js";
import type { Shape, TfjsConfigValue } from "../layers/layer-definition.js";
import type { ExpandedModel } from "../models.js";
import { argumentProblemDiagnostic } from "../resolve-args.js";
import { FIRST_POINT, rangeEnds, readSearchSpace, type CallValue, type SearchPoint } from "./search-spaces.js";
import type { ExperimentContext } from "./experiment-context.js";
import { settingSpecOf, type SectionReading } from "./read-sections.js";
import { readCountOrAuto, readScalarSetting } from "./read-values.js";
import type { SettingSpec } from "../registry/experiment-schema.js";
import type { ParallelSetting } from "../../runtime/parallel/trial-count.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";

/** `tune { }` read: the settings (defaults filled) and where the objective is. */
export interface TuneReading {
  readonly trials: number;
  readonly objective: string;
  readonly strategy: "grid" | "random";
  readonly maxEpochs?: number;
  /** Trials trained at once: a count or `auto` (the schema's default). */
  readonly parallel: ParallelSetting;
  /** Where `objective` is written, or the section's name for the default `val_loss`. */
  readonly objectiveRange: SourceRange;
  readonly objectiveWritten: boolean;
}

/** Reads `tune { }`; undefined when a setting is missing or wrong (reported). */
export function readTune(section: SectionReading, context: ExperimentContext): TuneReading | undefined {
  let complete = true;
  const read = (name: string) => {
    const setting = section.settings.get(name);
    const spec = section.spec.settings.find((candidate) => candidate.name === name);
    if (setting === undefined || spec === undefined) return undefined;
    const value = readScalarSetting(setting, spec, "tune", context);
    if (value === undefined) complete = false;
    return value;
  };
  const trials = read("trials");
  const objective = read("objective");
  const strategy = read("strategy");
  const maxEpochs = read("max_epochs");
  const parallelSetting = section.settings.get("parallel");
  const parallelSpec = settingSpecOf(section, "parallel");
  const parallel = parallelSetting
    ? readCountOrAuto(parallelSetting, parallelSpec, "tune", context, "the cores, one trial each at most")
    : countOrAutoDefault(parallelSpec);
  if (!complete || typeof trials !== "number" || parallel === undefined) return undefined;
  const objectiveSetting = section.settings.get("objective");
  return {
    trials,
    objective: typeof objective === "string" ? objective : "val_loss",
    strategy: strategy === "grid" ? "grid" : "random",
    ...(typeof maxEpochs === "number" ? { maxEpochs } : {}),
    parallel,
    objectiveRange: objectiveSetting?.value.range ?? section.name.range,
    objectiveWritten: objectiveSetting !== undefined,
  };
}

/** The default of a setting that takes a count or `auto`, as the schema states it. */
function countOrAutoDefault(spec: SettingSpec): ParallelSetting {
  const value = spec.default;
  if (value === "auto" || typeof value === "number") return value;
  throw new Error(`\`${spec.name}\` has no count or \`auto\` as its default in the schema`);
}

/** Most points of a model's layer search spaces checked together; past it, one space varies at a time. */
export const MAX_CHECKED_POINTS = 64;

/** The experiment's model as the model phase expanded it, and what re-expanding it needs. */
export interface SearchedModel {
  readonly expanded: ExpandedModel;
  /** The input its shapes are inferred from (declared, or the data's). */
  readonly input: Shape;
  readonly binding: Binding;
  readonly contextFor: ShapeContextFor;
  /** Notes for diagnostics found at a point (where the input shape comes from). */
  readonly notes: readonly string[];
  /** True when the model's shapes were inferred at the first point: only then are the other points tried. */
  readonly firstPointInferred: boolean;
}

/**
 * A search space written as a layer argument, with every use: copies made by a block or
 * `repeat` share it (one hyperparameter), as do the arguments a block parameter carries it to.
 */
interface LayerSpace {
  readonly call: CallValue;
  readonly uses: readonly { readonly layer: LayerNode; readonly param: string }[];
}

/** A layer space read: its space and the points checked for it (`choice`: every value; ranges: both ends). */
interface ReadLayerSpace extends LayerSpace {
  /** `dense_1.units`: the first layer it reaches and the parameter. */
  readonly name: string;
  readonly space: SearchSpace;
  /** The values checked, as written (diagnostics point at them) and as plain values. */
  readonly written: readonly ConstantValue[];
  readonly values: readonly (number | string | boolean)[];
}

/**
 * Search spaces written as layer arguments of the experiment's model. Outside `tune` each
 * is DLM505. In a tuning experiment each is read against the parameter it replaces; then
 * the model is expanded and its shapes inferred at every point (a kernel size that breaks
 * a shape is reported with its value), and each space is recorded with the TF.js config
 * keys that carry its value in every layer it reaches.
 */
export function planLayerSearchSpaces(model: SearchedModel, context: ExperimentContext): void {
  const spaces = layerSpacesOf(model.expanded.graph.nodes);
  if (spaces.length === 0) return;
  if (!context.tuning) {
    for (const space of spaces) context.report(spaceOutsideTune(space, model, context));
    return;
  }
  const read = spaces.map((space) => readLayerSpace(space, context));
  if (!model.firstPointInferred || !read.every((space) => space !== undefined)) return;
  const carried = checkEveryPoint(read, model, context);
  for (const [index, space] of read.entries()) {
    const keys = carried[index];
    const first = space.uses[0]!;
    if (keys === undefined) {
      context.report(
        makeDiagnostic(PIPELINE.searchOutsideTune, space.call.origin.file, space.call.origin.range, {
          message: `a search space cannot stand in \`${first.param}\` of ${first.layer.layer}: TF.js takes its value in another form, so the program cannot vary it per trial`,
          help: "write a single value here",
        }),
      );
      continue;
    }
    context.searchSpaces.push({
      name: space.name,
      space: space.space,
      site: {
        kind: "layer",
        layerName: first.layer.name,
        param: first.param,
        layers: space.uses.map(({ layer }) => {
          const carriedHere = keys.get(layer.name);
          const templates = carriedHere?.templates ?? new Map();
          return {
            name: layer.name,
            configKeys: [...(carriedHere?.paths ?? [])],
            ...(templates.size > 0 ? { templates: Object.fromEntries(templates) } : {}),
          };
        }),
      },
      file: space.call.origin.file,
      range: space.call.origin.range,
    });
  }
}

/** The identity of a written space: copies of one call (blocks, `repeat`) share it. */
function spaceKey(call: CallValue): string {
  return `${call.origin.file}\u0000${call.origin.range.start}\u0000${call.origin.range.end}`;
}

/** Every layer-argument search space of a model, in order, each with its uses. */
function layerSpacesOf(nodes: readonly GraphNode[]): LayerSpace[] {
  const spaces = new Map<string, { call: CallValue; uses: { layer: LayerNode; param: string }[] }>();
  const visit = (node: GraphNode): void => {
    if (node.kind === "residual") [...node.body, ...(node.shortcut ?? [])].forEach(visit);
    if (node.kind !== "layer" || node.searchSpaces === undefined) return;
    for (const [param, call] of node.searchSpaces) {
      const known = spaces.get(spaceKey(call));
      if (known) known.uses.push({ layer: node, param });
      else spaces.set(spaceKey(call), { call, uses: [{ layer: node, param }] });
    }
  };
  nodes.forEach(visit);
  return [...spaces.values()];
}

function spaceOutsideTune(space: LayerSpace, model: SearchedModel, context: ExperimentContext) {
  const declared = model.expanded.declaration.kind === "Model";
  return makeDiagnostic(PIPELINE.searchOutsideTune, space.call.origin.file, space.call.origin.range, {
    message: `search space \`${space.call.callee.name}(…)\` outside a \`tune\` experiment`,
    ...(declared
      ? {
          notes: [
            `model \`${model.expanded.name}\` is trained by experiment \`${context.experimentName}\`, which has no \`tune { }\``,
          ],
        }
      : {}),
    help: "add `tune { trials: N, objective: val_loss }` to the experiment, or write a single value",
  });
}

/** Reads a layer space against the parameter of each use; undefined when malformed (reported). */
function readLayerSpace(space: LayerSpace, context: ExperimentContext): ReadLayerSpace | undefined {
  let first: SearchSpace | undefined;
  let complete = true;
  const read = new Set<string>();
  for (const { layer, param: name } of space.uses) {
    // copies of one layer read the same way
    if (read.has(`${layer.layer}.${name}`)) continue;
    read.add(`${layer.layer}.${name}`);
    const param = layer.definition.params.find((candidate) => candidate.name === name);
    if (param === undefined) throw new Error(`layer ${layer.layer} has no parameter ${name}`);
    const reading = readSearchSpace(space.call, param, layer.layer);
    for (const problem of reading.problems) context.report(argumentProblemDiagnostic(problem));
    if (reading.space === undefined) complete = false;
    first ??= reading.space;
  }
  if (!complete || first === undefined) return undefined;
  const ends = rangeEnds(space.call);
  const written = first.kind === "choice" ? space.call.args.map((arg) => arg.value) : [ends.lo!, ends.hi!];
  const values = first.kind === "choice" ? first.values : [first.lo, first.hi];
  const use = space.uses[0]!;
  return { ...space, name: `${use.layer.name}.${use.param}`, space: first, written, values };
}

/** A point of the search as the index of each space's checked value (0: its first value). */
type PointIndices = readonly number[];

/**
 * The points tried besides the first: all combinations of the checked values (those
 * changing fewer spaces first, so a message names the fewest values), or, past
 * {@link MAX_CHECKED_POINTS}, each space's values with the others at their first.
 */
function pointsToCheck(spaces: readonly ReadLayerSpace[]): PointIndices[] {
  const total = spaces.reduce((product, space) => product * space.written.length, 1);
  if (total > MAX_CHECKED_POINTS) {
    return spaces.flatMap((space, index) =>
      space.written.slice(1).map((_, value) => spaces.map((_, other) => (other === index ? value + 1 : 0))),
    );
  }
  let points: number[][] = [[]];
  for (const space of spaces) points = points.flatMap((point) => space.written.map((_, value) => [...point, value]));
  const changed = (point: PointIndices) => point.filter((value) => value !== 0).length;
  return points.filter((point) => changed(point) > 0).sort((a, b) => changed(a) - changed(b));
}

/**
 * Where a space's value lands in one layer's TF.js config: config paths (`units`, or
 * `kernelRegularizer.regularizer.l2` for a value TF.js takes inside an object), and, for a
 * top-level key the first point leaves out (`l2: choice(0, 1e-4)` writes no regularizer at
 * 0), the config value another point gives it, whose structure the program then keeps.
 */
interface CarriedValue {
  readonly paths: Set<string>;
  readonly templates: Map<string, TfjsConfigValue>;
}

/**
 * Expands and infers the model at every point to check, reporting each problem the first
 * point does not have once, with the values that cause it. Returns, per space, where its
 * value lands in each layer it reaches (from the points that change it alone), or
 * undefined for a space whose value reaches TF.js in a form the program cannot give it.
 */
function checkEveryPoint(
  spaces: readonly ReadLayerSpace[],
  model: SearchedModel,
  context: ExperimentContext,
): (Map<string, CarriedValue> | undefined)[] {
  const { expanded, input, binding, contextFor } = model;
  const at = (point: SearchPoint) => {
    const graph = expandModel(expanded.declaration.body, expanded.file, expanded.name, binding, point);
    const inferred = inferShapes(graph.graph, input, expanded.name, contextFor);
    return { inferred, diagnostics: [...graph.diagnostics, ...inferred.diagnostics] };
  };
  const first = at(FIRST_POINT);
  const firstConfigs = layerConfigs(first.inferred.layers);
  const reported = new Set(first.diagnostics.map(diagnosticKey));
  const carried: (Map<string, CarriedValue> | undefined)[] = spaces.map(() => new Map());
  for (const point of pointsToCheck(spaces)) {
    // A value at another point is checked as if it came through a block parameter: the expansion reports its problems.
    const chosen = new Map(
      spaces.map((space, index) => [spaceKey(space.call), markSubstituted(space.written[point[index]!]!)]),
    );
    const result = at((call) => chosen.get(spaceKey(call)) ?? FIRST_POINT(call));
    for (const diagnostic of result.diagnostics) {
      const key = diagnosticKey(diagnostic);
      if (reported.has(key)) continue;
      reported.add(key);
      const values = spaces.flatMap((space, index) =>
        point[index] === 0 ? [] : [`${space.name} = ${printValue(space.written[point[index]!]!)}`],
      );
      context.report({
        ...diagnostic,
        message: `with ${values.join(", ")}, ${diagnostic.message}`,
        notes: [...(diagnostic.notes ?? []), ...model.notes],
      });
    }
    const changed = point.flatMap((value, index) => (value === 0 ? [] : [index]));
    if (changed.length !== 1 || result.inferred.output === undefined) continue;
    const index = changed[0]!;
    const space = spaces[index]!;
    carried[index] = valueCarriers(
      space,
      space.values[point[index]!]!,
      firstConfigs,
      layerConfigs(result.inferred.layers),
      carried[index],
    );
  }
  return carried;
}

/** The TF.js config of every layer, by name, as the emitter would write it. */
function layerConfigs(layers: readonly InferredLayer[]): Map<string, Readonly<Record<string, TfjsConfigValue>>> {
  const configs = new Map<string, Readonly<Record<string, TfjsConfigValue>>>();
  for (const layer of layers) {
    const definition = lookupLayer(layer.kind);
    if (definition !== undefined && layer.args !== undefined)
      configs.set(layer.name, definition.tfjs.config(layer.args, layer.inputShape));
  }
  return configs;
}

type ConfigRecord = { readonly [key: string]: TfjsConfigValue };

function isConfigRecord(value: TfjsConfigValue | undefined): value is ConfigRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameConfig(a: TfjsConfigValue | undefined, b: TfjsConfigValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The config paths under `prefix` through which `value` replaces `firstValue`: a leaf that
 * holds the first value at the first point and `value` at this one (a side may be absent:
 * TF.js's default is the value); inside an object the first point leaves out (or this point
 * does), leaves equal to the value carry it and the others are structure. Undefined when
 * the config changes any other way — another form the program cannot write from the value.
 */
function carriedPaths(
  before: TfjsConfigValue | undefined,
  after: TfjsConfigValue | undefined,
  value: number | string | boolean,
  firstValue: number | string | boolean,
  prefix: string,
): string[] | undefined {
  if (sameConfig(before, after)) return [];
  const scalar = (side: TfjsConfigValue | undefined) =>
    side === undefined || !(isConfigRecord(side) || Array.isArray(side));
  if (scalar(before) && scalar(after)) {
    const carries =
      (after === undefined || sameConfig(after, value)) && (before === undefined || sameConfig(before, firstValue));
    return carries ? [prefix] : undefined;
  }
  // `[s, s]` from one `size: s`: each element carries it.
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    const elements = before.map((item: TfjsConfigValue, index) =>
      carriedPaths(item, after[index], value, firstValue, `${prefix}.${index}`),
    );
    return elements.every((found) => found !== undefined) ? elements.flat() : undefined;
  }
  if (before !== undefined && !isConfigRecord(before)) return undefined;
  if (after !== undefined && !isConfigRecord(after)) return undefined;
  // One side absent: the leaves of the other that hold the value (or the first value) carry it.
  if (before === undefined || after === undefined) {
    const present = (before ?? after) as ConfigRecord;
    const expected = before === undefined ? value : firstValue;
    const leaves = leafPaths(present, prefix).filter(([, leaf]) => sameConfig(leaf, expected));
    return leaves.length === 1 ? [leaves[0]![0]] : undefined;
  }
  const paths: string[] = [];
  const beforeRecord: ConfigRecord = before;
  const afterRecord: ConfigRecord = after;
  for (const key of new Set([...Object.keys(beforeRecord), ...Object.keys(afterRecord)])) {
    const found = carriedPaths(beforeRecord[key], afterRecord[key], value, firstValue, `${prefix}.${key}`);
    if (found === undefined) return undefined;
    paths.push(...found);
  }
  return paths;
}

/** Every scalar leaf of a config object with its dotted path. */
function leafPaths(record: ConfigRecord, prefix: string): [string, TfjsConfigValue][] {
  return Object.entries(record).flatMap(([key, item]): [string, TfjsConfigValue][] =>
    isConfigRecord(item) ? leafPaths(item, `${prefix}.${key}`) : [[`${prefix}.${key}`, item]],
  );
}

/**
 * Adds where `value` of `space` lands in each layer's config (see {@link carriedPaths}) to
 * `carried`; undefined when changing the value changes the config any other way, or
 * changes a layer the space does not reach.
 */
function valueCarriers(
  space: ReadLayerSpace,
  value: number | string | boolean,
  firstConfigs: ReadonlyMap<string, Readonly<Record<string, TfjsConfigValue>>>,
  configs: ReadonlyMap<string, Readonly<Record<string, TfjsConfigValue>>>,
  carried: Map<string, CarriedValue> | undefined,
): Map<string, CarriedValue> | undefined {
  if (carried === undefined) return undefined;
  const firstValue = space.values[0]!;
  const reached = new Set(space.uses.map(({ layer }) => layer.name));
  for (const [name, config] of configs) {
    const firstConfig = firstConfigs.get(name) ?? {};
    for (const key of new Set([...Object.keys(firstConfig), ...Object.keys(config)])) {
      const before = firstConfig[key];
      const after = config[key];
      if (sameConfig(before, after)) continue;
      const paths = reached.has(name) ? carriedPaths(before, after, value, firstValue, key) : undefined;
      if (paths === undefined) return undefined;
      const entry = carried.get(name) ?? { paths: new Set<string>(), templates: new Map<string, TfjsConfigValue>() };
      for (const path of paths) entry.paths.add(path);
      if (before === undefined && isConfigRecord(after)) entry.templates.set(key, after);
      carried.set(name, entry);
    }
  }
  return carried;
}

function diagnosticKey(diagnostic: Diagnostic): string {
  return `${diagnostic.code}\u0000${diagnostic.file}\u0000${diagnostic.range.start}\u0000${diagnostic.range.end}`;
}
