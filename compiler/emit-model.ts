/**
 * The model builder of a generated program: one `tf.layers` call per layer, in order,
 * through the functional API (`x = layer.apply(x)`), residual blocks as an `add` of the
 * block's input and output, and `pretrained` models loaded through the runtime.
 * Each call carries a comment pointing back to its `.dlm` line and its output shape.
 * A layer argument searched by `tune` reads the trial's value from `hyperparameters`.
 */
import type { GraphNode, LayerNode } from "./expand-model.js";
import type { InferredLayer } from "./infer-shapes.js";
import { lineColumn } from "../diagnostics/render.js";
import { formatShape } from "./layers/shape-arithmetic.js";
import type { ResolvedArgs, Shape, TfjsConfigValue } from "./layers/layer-definition.js";
import { isArchitectureName, trainsWhole, zooRequestOf } from "./layers/pretrained.js";
import { buildZooModel, findArchitecture, weightSourceFor } from "./zoo/index.js";
import { Code, commentText, identifierFrom, printLiteral, type LiteralValue } from "./emit-literals.js";
import type { PlannedModel, PlannedSearchSpace } from "./experiments/experiment-plan.js";

/** What the model builder needs from its surroundings. */
export interface ModelEmitContext {
  /** Text of each source file, to turn ranges into line numbers for comments. */
  readonly sourceText: (file: string) => string | undefined;
  /** How a file is named in comments (relative to the generated program's reader). */
  readonly displayFile: (file: string) => string;
}

/** The statements of `buildModel`'s body, whether it needs the runtime's `loadPretrained` or `prepareZooBackbone`, and whether it reads `hyperparameters`. */
export interface EmittedModel {
  readonly statements: string[];
  readonly usesPretrained: boolean;
  readonly usesZoo?: boolean;
  /** Whether a zoo backbone with ImageNet weights adds its input preprocessing (the runtime's `imagePreprocessing`). */
  readonly usesImagePreprocessing?: boolean;
  readonly usesHyperparameters: boolean;
}

/**
 * Turns a registry config value into a literal, regularizers and nested layers as calls.
 * `searched` maps dotted paths below `path` to the expressions that replace their values
 * (a searched `l2` inside a regularizer reads the trial's value).
 */
function configLiteral(value: TfjsConfigValue, path = "", searched: ReadonlyMap<string, Code> = new Map()): LiteralValue {
  const replaced = searched.get(path);
  if (replaced !== undefined) return replaced;
  if (value === null || typeof value !== "object") return value;
  const below = (key: string | number) => (path === "" ? String(key) : `${path}.${key}`);
  if (Array.isArray(value)) return value.map((item: TfjsConfigValue, index) => configLiteral(item, below(index), searched));
  const record = value as { readonly [key: string]: TfjsConfigValue };
  const regularizer = record["regularizer"];
  if (regularizer !== undefined && regularizer !== null && typeof regularizer === "object" && !Array.isArray(regularizer)) {
    const penalties = regularizer as { readonly [key: string]: TfjsConfigValue };
    const penalty = (name: string): number | Code =>
      searched.get(`${below("regularizer")}.${name}`) ?? (typeof penalties[name] === "number" ? penalties[name] : 0);
    const l1 = penalty("l1");
    const l2 = penalty("l2");
    // the simplest call that says it: l2 alone, l1 alone, or both
    if (l1 === 0) return new Code(`tf.regularizers.l2(${printLiteral({ l2 })})`);
    if (l2 === 0) return new Code(`tf.regularizers.l1(${printLiteral({ l1 })})`);
    return new Code(`tf.regularizers.l1l2(${printLiteral({ l1, l2 })})`);
  }
  const factory = record["factory"];
  const config = record["config"];
  if (typeof factory === "string" && config !== undefined && Object.keys(record).length === 2) {
    return new Code(`tf.layers.${factory}(${printLiteral(configLiteral(config, below("config"), searched))})`);
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, configLiteral(item, below(key), searched)]));
}

/**
 * The expression a searched config key takes: the trial's value, or the first point's when
 * the program runs without one, typed as the config expects
 * (`Number(hyperparameters["dense.units"] ?? 16)`, `(… ?? "relu") as "relu" | "tanh"`).
 */
function hyperparameterValue(space: PlannedSearchSpace): Code {
  const read = `hyperparameters[${printLiteral(space.name)}]`;
  const spaceValue = space.space;
  const first = spaceValue.kind === "choice" ? spaceValue.values[0]! : spaceValue.lo;
  if (typeof first === "number") return new Code(`Number(${read} ?? ${printLiteral(first)})`);
  if (typeof first === "boolean") return new Code(`Boolean(${read} ?? ${printLiteral(first)})`);
  const names = spaceValue.kind === "choice" ? [...new Set(spaceValue.values.map(String))] : [first];
  return new Code(`(${read} ?? ${printLiteral(first)}) as ${names.map((name) => printLiteral(name)).join(" | ")}`);
}

/** What a layer's config gets from the search: each searched path's expression, and the structure of keys the first point leaves out. */
interface SearchedConfig {
  readonly paths: Map<string, Code>;
  readonly templates: Record<string, TfjsConfigValue>;
}

/** Searched config paths by layer name. */
function searchedConfigKeys(spaces: readonly PlannedSearchSpace[]): Map<string, SearchedConfig> {
  const byLayer = new Map<string, SearchedConfig>();
  for (const space of spaces) {
    if (space.site.kind !== "layer") continue;
    for (const layer of space.site.layers) {
      const searched = byLayer.get(layer.name) ?? { paths: new Map<string, Code>(), templates: {} };
      for (const key of layer.configKeys) searched.paths.set(key, hyperparameterValue(space));
      Object.assign(searched.templates, layer.templates ?? {});
      byLayer.set(layer.name, searched);
    }
  }
  return byLayer;
}

/**
 * Generates the body of `buildModel` for a planned model; `spaces` are the experiment's
 * search spaces (those in layer arguments read `hyperparameters`).
 */
export function emitModelBuilder(model: PlannedModel, context: ModelEmitContext, spaces: readonly PlannedSearchSpace[] = []): EmittedModel {
  const statements: string[] = [];
  const taken = new Set<string>(["x", "inputs", "dlmDir", "hyperparameters", "loadPretrained", "prepareZooBackbone", "imagePreprocessing", "path", "tf"]);
  const searched = searchedConfigKeys(spaces);
  const layersByRange = new Map<string, InferredLayer>();
  for (const layer of model.layers) layersByRange.set(`${layer.file}:${layer.range.start}:${layer.name}`, layer);
  let usesPretrained = false;
  let usesZoo = false;
  let usesImagePreprocessing = false;

  const where = (file: string, start: number): string => {
    const text = context.sourceText(file);
    const line = text === undefined ? undefined : lineColumn(text, start).line;
    return commentText(`${context.displayFile(file)}${line === undefined ? "" : `:${line}`}`);
  };
  const sourceSnippet = (file: string, range: { start: number; end: number }): string =>
    commentText((context.sourceText(file) ?? "").slice(range.start, range.end).replace(/\s+/g, " ").trim());

  statements.push(`const inputs = tf.input({ shape: ${printLiteral(model.input.map((size) => size))} });`);
  statements.push("let x: tf.SymbolicTensor = inputs;");

  const emitLayer = (node: LayerNode): void => {
    const inferred = layersByRange.get(`${node.file}:${node.range.start}:${node.name}`);
    const shape = inferred === undefined ? "" : ` → ${formatShape(inferred.output)}`;
    statements.push(`// ${where(node.file, node.range.start)}  ${sourceSnippet(node.file, node.range)}${shape}`);
    if (node.args === undefined) throw new Error(`layer ${node.name} has unresolved arguments`);
    const config = node.definition.tfjs.config(node.args, inferred?.inputShape ?? []);
    if (node.definition.tfjs.factory === "pretrained" && isArchitectureName(String(config["path"]))) {
      usesZoo = true;
      emitZooBackbone(node, inferred?.inputShape ?? model.input);
      return;
    }
    if (node.definition.tfjs.factory === "pretrained") {
      usesPretrained = true;
      const variable = identifierFrom(node.name, taken);
      const path = config["path"];
      const options: Record<string, LiteralValue> = {};
      for (const [key, value] of Object.entries(config)) if (key !== "path") options[key] = configLiteral(value);
      statements.push(
        `const ${variable} = await loadPretrained(path.resolve(dlmDir, ${printLiteral(typeof path === "string" ? path : "")}), ${printLiteral(options)});`,
      );
      statements.push(`x = ${variable}.apply(x) as tf.SymbolicTensor;`);
      return;
    }
    const search = searched.get(node.name);
    // A key the first point leaves out (no regularizer at `l2: 0`) takes another point's structure, its value searched.
    const withSearched: Record<string, TfjsConfigValue> = { ...search?.templates, ...config };
    const paths = search?.paths ?? new Map<string, Code>();
    const literal = printLiteral({
      name: node.name,
      ...Object.fromEntries(Object.entries(withSearched).map(([key, value]) => [key, configLiteral(value, key, paths)])),
      ...Object.fromEntries([...paths].filter(([key]) => !key.includes(".") && !(key in withSearched))),
    });
    statements.push(`x = tf.layers.${node.definition.tfjs.factory}(${literal}).apply(x) as tf.SymbolicTensor;`);
  };

  // A named architecture: its zoo model built as a nested model (Keras's layer names stay its own), then prepared by the runtime.
  const emitZooBackbone = (node: LayerNode, input: Shape): void => {
    const args = node.args as ResolvedArgs;
    const request = zooRequestOf(args, input);
    const zoo = buildZooModel(request);
    const architecture = findArchitecture(request.architecture);
    if (!("model" in zoo) || architecture === undefined) throw new Error(`zoo model ${request.architecture} did not check`);
    const zooFile = zoo.model.file;
    const nested = emitModelBuilder(
      // Named as DLM names the layer (`pretrained`, or `base = pretrained(…)`), so summaries and TF.js agree.
      { ...zoo.model, name: node.name, output: zoo.model.output ?? [], range: zoo.model.nameRange },
      {
        sourceText: (file) => (file === zooFile ? zoo.source : context.sourceText(file)),
        displayFile: (file) => (file === zooFile ? `DLM zoo ${architecture.name}` : context.displayFile(file)),
      },
    );
    const variable = identifierFrom(node.name, taken);
    const source = weightSourceFor(architecture, request.includeTop, request.input[0] ?? null);
    const options = {
      architecture: architecture.name,
      weights: request.weights,
      source: { ...source },
      trainable: trainsWhole(args),
    };
    if (request.weights === "imagenet") {
      // The pixels as the ImageNet weights were trained on them: a layer, so the exported bundle applies it too.
      usesImagePreprocessing = true;
      const name = printLiteral(`${node.name}_preprocessing`);
      statements.push(`x = imagePreprocessing({ mode: ${printLiteral(architecture.preprocessing)}, name: ${name} }).apply(x) as tf.SymbolicTensor;`);
    }
    statements.push(
      `const ${variable} = await prepareZooBackbone(((): tf.LayersModel => {`,
      ...nested.statements.map((line) => `  ${line}`),
      `})(), ${printLiteral(options)});`,
      `x = ${variable}.apply(x) as tf.SymbolicTensor;`,
    );
  };

  const emitNodes = (nodes: readonly GraphNode[]): void => {
    for (const node of nodes) {
      if (node.kind === "layer") emitLayer(node);
      else if (node.kind === "residual") {
        const saved = identifierFrom(`${node.name}_input`, taken);
        const adds = node.shortcut ? "the shortcut's output" : "the block's input";
        statements.push(`// ${where(node.file, node.range.start)}  residual: ${node.name} adds ${adds} to the body's output`);
        statements.push(`const ${saved} = x;`);
        emitNodes(node.body);
        if (node.shortcut) {
          const body = identifierFrom(`${node.name}_body`, taken);
          statements.push(`const ${body} = x;`, `x = ${saved};`);
          emitNodes(node.shortcut);
          statements.push(`x = tf.layers.add({ name: ${printLiteral(node.name)} }).apply([x, ${body}]) as tf.SymbolicTensor;`);
        } else {
          statements.push(`x = tf.layers.add({ name: ${printLiteral(node.name)} }).apply([${saved}, x]) as tf.SymbolicTensor;`);
        }
      } else {
        throw new Error("cannot emit a model with unresolved layers");
      }
    }
  };
  emitNodes(model.graph.nodes);
  statements.push(`return tf.model({ name: ${printLiteral(model.name)}, inputs, outputs: x });`);
  return { statements, usesPretrained, usesZoo, usesImagePreprocessing, usesHyperparameters: searched.size > 0 };
}
