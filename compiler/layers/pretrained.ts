/**
 * `pretrained(path, until, trainable)`: a saved TF.js layers model used as a layer, cut
 * after the layer named `until`. Its shapes come from model.json at compile time:
 * `readPretrainedInfo` reads the topology (no weights) and infers every layer's output
 * shape and weight count with the same shape rules as DLM's own layers.
 *
 * What `readPretrainedInfo` understands (limits):
 * - Sequential and functional ("Model"/"Functional") topologies under
 *   `modelTopology.model_config` or `modelTopology` itself, in the Keras 2 layout TF.js
 *   writes (snake_case configs, `inbound_nodes` as lists); the Keras 3 node layout is read too.
 * - One input and channels-last data. Each layer's first call only: a layer called
 *   more than once (shared weights) stops the inference there.
 * - Layer classes: InputLayer, Dense, Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D,
 *   DepthwiseConv2D, Max/AveragePooling1D/2D, Global{Max,Average}Pooling1D/2D,
 *   Flatten, Reshape, Permute, RepeatVector, BatchNormalization, LayerNormalization,
 *   Embedding, LSTM, GRU, SimpleRNN, Bidirectional, ZeroPadding2D, Cropping2D,
 *   UpSampling2D, Add/Subtract/Multiply/Average/Maximum/Minimum, Concatenate, PReLU, and
 *   shape-keeping layers (activations, dropouts, noise, Masking, Rescaling). At another
 *   class, `stoppedAt` says so and `layers` ends before it: cutting earlier still works.
 * - Weight counts are computed from the configs (`keras-layer-shapes.ts`), not read from
 *   `weightsManifest`.
 */
import { ModelFileError } from "../../runtime/bundle-manifest.js";
import { exportedLiteral } from "../../runtime/wrapped-model.js";
import { readKerasModelConfig, tfjsTopologyOf } from "../../runtime/keras-model-config.js";
import { readBool, readString } from "./arguments.js";
import { inferKerasLayer, isObject, type Json, type JsonObject, type LayerFacts } from "./keras-layer-shapes.js";
import { formatShape } from "./shape-arithmetic.js";
import type { LayerDefinition, PretrainedInfo, ResolvedArgs, Shape, ShapeContext, ShapeResult, ZooRequest } from "./layer-definition.js";
import { NAMES } from "../../diagnostics/catalog/names.js";
import { ARCHITECTURES } from "../../diagnostics/catalog/zoo.js";
import { SHAPES } from "../../diagnostics/catalog/shapes.js";

// ---------------------------------------------------------------------------------------
// Reading model.json

/** One layer of a saved topology, as read from model.json. */
interface SavedLayer {
  readonly name: string;
  readonly className: string;
  readonly config: JsonObject;
  /** Names of the layers feeding its first call (empty for the first layer of a Sequential). */
  readonly inputs: readonly string[];
  /** Why the layer cannot be followed (e.g. shared weights); found while reading. */
  readonly unsupported?: string;
}

/** A saved topology: its layers in order and its input shape (batch excluded). */
interface SavedModel {
  readonly sequential: boolean;
  readonly inputShape: Shape;
  readonly layers: readonly SavedLayer[];
}

function toShape(batchShape: Json): Shape | undefined {
  if (!Array.isArray(batchShape) || batchShape.length < 2) return undefined;
  const lengths = batchShape.slice(1);
  if (!lengths.every((length) => length === null || typeof length === "number")) return undefined;
  return lengths as Shape;
}

function savedBatchShape(config: JsonObject): Shape | undefined {
  return toShape(config["batch_input_shape"] ?? config["batch_shape"]);
}

/** Names of the layers feeding a layer's first call: Keras 2 `[[[name, 0, 0, {}], ...]]` or Keras 3 `keras_history`. */
function readInboundNames(node: Json): string[] {
  if (Array.isArray(node)) {
    if (typeof node[0] === "string" && typeof node[1] === "number") return [node[0]];
    return node.flatMap(readInboundNames);
  }
  if (!isObject(node)) return [];
  const history = isObject(node["config"]) ? node["config"]["keras_history"] : undefined;
  if (Array.isArray(history) && typeof history[0] === "string") return [history[0]];
  return Object.values(node).flatMap(readInboundNames);
}

function readSavedLayer(raw: Json, sequential: boolean): SavedLayer | string {
  if (!isObject(raw) || typeof raw["class_name"] !== "string" || !isObject(raw["config"])) {
    return "a layer entry has no `class_name` or `config`";
  }
  const config = raw["config"];
  const name =
    typeof raw["name"] === "string" ? raw["name"] : typeof config["name"] === "string" ? config["name"] : undefined;
  if (name === undefined) return `a \`${raw["class_name"]}\` layer has no name`;
  const nodes = Array.isArray(raw["inbound_nodes"]) ? raw["inbound_nodes"] : [];
  const inputs = sequential || nodes.length === 0 ? [] : readInboundNames(nodes[0]);
  return {
    name,
    className: raw["class_name"],
    config,
    inputs,
    ...(nodes.length > 1 ? { unsupported: "it is called more than once (shared layers are not supported)" } : {}),
  };
}

/** Parses model.json text into the saved topology, or says why it cannot. */
function readSavedModel(json: Json): SavedModel | string {
  if (!isObject(json)) return "model.json does not hold an object";
  if (json["format"] === "graph-model") return "model.json is a TF.js graph model; `pretrained` needs a layers model";
  const topology = json["modelTopology"];
  if (!isObject(topology)) return "model.json has no `modelTopology` (is it a TF.js layers model?)";
  const root = isObject(topology["model_config"]) ? topology["model_config"] : topology;
  const className = root["class_name"];
  const config = root["config"];
  const sequential = className === "Sequential";
  if (!sequential && className !== "Model" && className !== "Functional") {
    return `model.json holds a \`${String(className)}\` model; expected Sequential or a functional Model`;
  }
  const rawLayers = Array.isArray(config) ? config : isObject(config) ? config["layers"] : undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) return "model.json lists no layers";

  const layers: SavedLayer[] = [];
  for (const raw of rawLayers) {
    const layer = readSavedLayer(raw, sequential);
    if (typeof layer === "string") return layer;
    layers.push(layer);
  }

  if (sequential) {
    // Keras lists a Sequential's InputLayer in its config but not in `model.layers`.
    const first = layers[0];
    const inputShape = first && savedBatchShape(first.config);
    if (!first || !inputShape) return "the first layer of the Sequential model has no `batch_input_shape`";
    return { sequential, inputShape, layers: layers.filter((layer) => layer.className !== "InputLayer") };
  }
  const inputLayers = isObject(config) ? config["input_layers"] : undefined;
  const inputs = layers.filter((layer) => layer.className === "InputLayer");
  if (inputs.length !== 1 || (Array.isArray(inputLayers) && inputLayers.length > 1)) {
    return `the model has ${inputs.length} inputs; \`pretrained\` supports exactly one`;
  }
  const inputShape = savedBatchShape((inputs[0] as SavedLayer).config);
  if (!inputShape) return "the model's InputLayer has no `batch_input_shape`";
  return { sequential, inputShape, layers };
}

/** Runs the shape rules over the saved layers; an input override replaces the saved input shape. */
function inferLayers(model: SavedModel, inputShape: Shape): PretrainedInfo {
  const shapes = new Map<string, Shape>();
  const layers: PretrainedInfo["layers"][number][] = [];
  let previous: Shape = inputShape;
  let previousName = "";
  const stop = (layer: SavedLayer, reason: string): PretrainedInfo => ({
    inputShape,
    layers,
    stoppedAt: { name: layer.name, className: layer.className, reason },
  });
  for (const layer of model.layers) {
    if (layer.unsupported) return stop(layer, layer.unsupported);
    let facts: LayerFacts | string;
    if (layer.className === "InputLayer") {
      facts = { shape: inputShape, params: 0, trainableParams: 0 };
    } else {
      const inputs = model.sequential ? [previous] : layer.inputs.map((name) => shapes.get(name));
      const missing = inputs.indexOf(undefined);
      facts =
        inputs.length === 0 || missing >= 0
          ? `its input \`${layer.inputs[missing] ?? "?"}\` is not a layer listed before it`
          : inferKerasLayer(layer.className, layer.config, inputs as Shape[]);
    }
    if (typeof facts === "string") return stop(layer, facts);
    shapes.set(layer.name, facts.shape);
    previous = facts.shape;
    layers.push({
      name: layer.name,
      className: layer.className,
      outputShape: facts.shape,
      params: facts.params,
      ...(facts.trainableParams === facts.params ? {} : { trainableParams: facts.trainableParams }),
      saved: { inputs: model.sequential ? [previousName] : layer.inputs, config: layer.config },
    });
    previousName = layer.name;
  }
  return { inputShape, layers };
}

function withResizing(model: SavedModel, inputShape: Shape): PretrainedInfo {
  return {
    ...inferLayers(model, inputShape),
    atInput: (input: Shape) =>
      input.length === model.inputShape.length
        ? withResizing(model, input)
        : `the model takes inputs of rank ${model.inputShape.length} (${formatShape(model.inputShape)}), got ${formatShape(input)}`,
  };
}

/**
 * Reads a TF.js layers model.json (topology only, weights not needed): the input shape
 * and, per layer, name, class, output shape and weight count. A string says why the
 * file cannot be used. Limits are listed at the top of this file.
 */
export function readPretrainedInfo(modelJsonText: string): PretrainedInfo | string {
  let json: Json;
  try {
    json = JSON.parse(modelJsonText);
  } catch (error) {
    return `model.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  return readPretrainedInfoFromValue(json);
}

/**
 * `readPretrainedInfo` for a model.json already parsed or evaluated (e.g. from a `.js`
 * module wrapping it, as nsfwjs ships its models).
 */
export function readPretrainedInfoFromValue(modelJson: unknown): PretrainedInfo | string {
  const model = readSavedModel(modelJson);
  if (typeof model === "string") return model;
  return withResizing(model, model.inputShape);
}

/**
 * `readPretrainedInfo` for a model.json wrapped as a JavaScript module (nsfwjs's
 * `model.min.js`): its one exported literal is read from the syntax tree, never run, exactly
 * as the runtime reads it (runtime/wrapped-model.ts).
 */
export function readWrappedPretrainedInfo(moduleText: string, file: string): PretrainedInfo | string {
  let value: unknown;
  try {
    value = exportedLiteral(moduleText, file);
  } catch (error) {
    if (error instanceof ModelFileError) return error.message.slice(file.length + 2);
    throw error;
  }
  return typeof value === "string" ? readPretrainedInfo(value) : readPretrainedInfoFromValue(value);
}

/**
 * `readPretrainedInfo` for a saved Keras model (`.h5` with its `model_config`, or a Keras 3
 * `.keras` zip's `config.json`), from the file's bytes: the architecture in TF.js's layout
 * (runtime/keras-model-config.ts, which the runtime's conversion uses too).
 */
export function readKerasPretrainedInfo(bytes: Uint8Array, file: string): PretrainedInfo | string {
  const config = readKerasModelConfig(bytes, file);
  if (typeof config === "string") return config;
  return readPretrainedInfoFromValue({ modelTopology: tfjsTopologyOf(config) });
}

// ---------------------------------------------------------------------------------------
// The `pretrained` layer

/** Edit distance, for "did you mean" lists of layer names. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(
        Math.min(
          (row[j] as number) + 1,
          (next[j - 1] as number) + 1,
          (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    }
    row = next;
  }
  return row[b.length] as number;
}

/** Up to `limit` names close to `target` (by edit distance, or sharing a prefix). */
function similarNames(target: string, names: readonly string[], limit = 4): string[] {
  const lowered = target.toLowerCase();
  return names
    .map((name) => ({ name, distance: editDistance(lowered, name.toLowerCase()) }))
    .filter(
      ({ name, distance }) =>
        distance <= Math.max(2, Math.floor(target.length / 3)) || name.toLowerCase().startsWith(lowered),
    )
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map(({ name }) => name);
}

/** True when `input` fits the saved input: same rank, equal wherever the saved length is known. */
function fitsSavedInput(saved: Shape, input: Shape): boolean {
  return saved.length === input.length && saved.every((length, axis) => length === null || length === input[axis]);
}

type Failure = Extract<ShapeResult, { ok: false }>;

/** The saved model facts at this input and the index of the last layer kept. */
interface ResolvedPretrained {
  readonly saved: PretrainedInfo;
  readonly atInput: PretrainedInfo;
  readonly cut: number;
}

/** The zoo's names: a `pretrained` path without `/` or `.` names an architecture (`pretrained(resnet50)`). */
export function isArchitectureName(path: string): boolean {
  return path !== "" && !/[/\\.]/.test(path);
}

/** The request `pretrained(NAME, weights, include_top, pooling, until)` makes of the zoo. */
export function zooRequestOf(args: ResolvedArgs, input: Shape): ZooRequest {
  return {
    architecture: readString(args, "path"),
    weights: readString(args, "weights"),
    includeTop: readBool(args, "include_top"),
    pooling: readString(args, "pooling"),
    until: readString(args, "until"),
    input,
  };
}

/** The zoo's facts for a named architecture, or the problem (DLM422, DLM424, DLM425). */
function readArchitecture(input: Shape, args: ResolvedArgs, context: ShapeContext): PretrainedInfo | Failure {
  const request = zooRequestOf(args, input);
  const read = context.readZoo?.(request) ?? { code: NAMES.undefinedModel, message: "named architectures are not available here", param: "path" };
  return "code" in read ? { ok: false, ...read } : read;
}

/** DLM423: the zoo's options written for a saved model, which has its own weights, top and pooling. */
function zooOptionsOnPath(args: ResolvedArgs): Failure | undefined {
  const written = [
    ...(readString(args, "weights") !== "imagenet" ? ["weights"] : []),
    ...(readBool(args, "include_top") ? ["include_top"] : []),
    ...(readString(args, "pooling") !== "none" ? ["pooling"] : []),
  ];
  const first = written[0];
  if (first === undefined) return undefined;
  return {
    ok: false,
    code: ARCHITECTURES.zooOptionOnSavedModel,
    message: `\`${first}\` applies to the zoo's architectures (vgg16, resnet50, mobilenet_v2), not to a saved model \`${readString(args, "path")}\``,
    param: first,
    help: "a saved model brings its own weights and layers: cut it with `until:` and add layers after it",
  };
}

function resolvePretrained(input: Shape, args: ResolvedArgs, context: ShapeContext): ResolvedPretrained | Failure {
  const path = readString(args, "path");
  const architecture = isArchitectureName(path);
  const misplaced = architecture ? undefined : zooOptionsOnPath(args);
  if (misplaced) return misplaced;
  const saved = architecture ? readArchitecture(input, args, context) : context.readPretrained(path);
  if (typeof saved === "object" && "ok" in saved) return saved;
  if (typeof saved === "string") {
    return { ok: false, code: NAMES.undefinedModel, message: `cannot use pretrained model \`${path}\`: ${saved}`, param: "path" };
  }
  if (input.length !== saved.inputShape.length) {
    return {
      ok: false,
      code: SHAPES.wrongInputRank,
      message: `pretrained model \`${path}\` takes input ${formatShape(saved.inputShape)} (rank ${saved.inputShape.length}), got ${formatShape(input)}`,
    };
  }
  let atInput: PretrainedInfo = saved;
  const differs = !saved.inputShape.every((length, axis) => length === input[axis]);
  if (differs) {
    const resized = saved.atInput?.(input);
    if (resized === undefined && !fitsSavedInput(saved.inputShape, input)) {
      return {
        ok: false,
        code: SHAPES.invalidInputShape,
        message: `pretrained model \`${path}\` takes input ${formatShape(saved.inputShape)}, got ${formatShape(input)}`,
      };
    }
    if (typeof resized === "string") {
      return {
        ok: false,
        code: SHAPES.invalidInputShape,
        message: `pretrained model \`${path}\` at input ${formatShape(input)}: ${resized}`,
      };
    }
    if (resized !== undefined) atInput = resized;
  }

  const until = readString(args, "until");
  const names = atInput.layers.map((layer) => layer.name);
  const cut = until === "" ? names.length - 1 : names.indexOf(until);
  const stopped = atInput.stoppedAt;
  if (stopped !== undefined && (until === "" || cut < 0)) {
    const similar = until === "" ? [] : similarNames(until, names);
    return {
      ok: false,
      code: NAMES.undefinedModel,
      message:
        `cannot follow pretrained model \`${path}\` past layer \`${stopped.name}\` (${stopped.className}): ${stopped.reason}` +
        (until === "" ? "" : `; \`${until}\` is not among the ${names.length} layers before it`),
      param: until === "" ? "path" : "until",
      help:
        similar.length > 0
          ? `did you mean ${similar.map((name) => `\`${name}\``).join(", ")}?`
          : "cut earlier with `until: LAYER_NAME`",
    };
  }
  if (cut < 0) {
    const similar = similarNames(until, names);
    const listed = similar.length > 0 ? similar : names.slice(-4);
    return {
      ok: false,
      code: NAMES.unknownPretrainedLayer,
      message:
        `pretrained model \`${path}\` has no layer \`${until}\`; ` +
        `${similar.length > 0 ? "similar names" : "its last layers"}: ${listed.map((name) => `\`${name}\``).join(", ")}`,
      param: "until",
      ...(similar.length > 0 ? { help: `did you mean \`${similar[0]}\`?` } : {}),
    };
  }
  if (atInput !== saved) {
    // The saved weights must still fit: a layer whose weight count depends on the input size cannot be kept.
    for (let index = 0; index <= cut; index++) {
      const now = atInput.layers[index];
      const before = saved.layers[index];
      if (now && before && now.params !== before.params) {
        return {
          ok: false,
          code: SHAPES.invalidInputShape,
          message:
            `pretrained model \`${path}\` at input ${formatShape(input)}: layer \`${now.name}\` would need ` +
            `${now.params} weights, but the saved model has ${before.params} (saved input ${formatShape(saved.inputShape)})`,
          help: `cut before \`${now.name}\` with \`until:\`, or feed inputs of shape ${formatShape(saved.inputShape)}`,
        };
      }
    }
  }
  return { saved, atInput, cut };
}

/**
 * The layers a `pretrained(path, until)` call keeps of a saved model, in the file's order, with
 * their shapes at `input` (the batch left out); a string says why they cannot be read (the
 * checker has reported it).
 */
export function keptPretrainedLayers(input: Shape, args: ResolvedArgs, context: ShapeContext): PretrainedInfo["layers"] | string {
  const resolved = resolvePretrained(input, args, context);
  if ("ok" in resolved) return resolved.message;
  return resolved.atInput.layers.slice(0, resolved.cut + 1);
}

/** Whether a `pretrained` layer starts from weights it brings: a saved model's, or an architecture's ImageNet weights. */
export function hasPretrainedWeights(args: ResolvedArgs): boolean {
  return !isArchitectureName(readString(args, "path")) || readString(args, "weights") === "imagenet";
}

/** A named architecture with `weights: none` starts from random weights: it trains whole. */
export function trainsWhole(args: ResolvedArgs): boolean {
  return readBool(args, "trainable") || (isArchitectureName(readString(args, "path")) && readString(args, "weights") === "none");
}

/** `pretrained(path | NAME, until, trainable, weights, include_top, pooling)`: a saved TF.js layers model or a named architecture, cut after layer `until`. */
export const PRETRAINED: LayerDefinition = {
  name: "pretrained",
  family: "pretrained",
  doc:
    "A named architecture (`vgg16`, `resnet50`, `mobilenet_v2`, with Keras's layer names; `dlm models` lists them) " +
    "or a saved TF.js layers model (`model.json`) used as one layer, cut after the layer named `until` " +
    "(the whole model when absent). Frozen unless `trainable: true` (or a fine_tune stage's `unfreeze`). " +
    "Its shapes are read from model.json at compile time; a different input size is accepted " +
    "when every kept layer's weights still fit.",
  params: [
    { name: "path", type: "string", doc: "An architecture (`vgg16`, `resnet50`, `mobilenet_v2`; `dlm models`) or the path of a model.json, or of a Keras model (`.h5`, `.keras`), relative to the .dlm file." },
    {
      name: "until",
      type: "string",
      doc: "Name of the last layer kept (written as a name: `until: features`); empty keeps all.",
      default: "",
    },
    { name: "trainable", type: "bool", doc: "Whether its weights train in the first stage (always with `weights: none`).", default: false },
    {
      name: "weights",
      type: "enum",
      values: ["imagenet", "none"],
      doc: "Named architectures: Keras's ImageNet weights (from the cache, `dlm models`) or random initial weights.",
      default: "imagenet",
    },
    {
      name: "include_top",
      type: "bool",
      doc: "Named architectures: keep Keras's 1000-class ImageNet classifier (input [224, 224, 3]).",
      default: false,
    },
    {
      name: "pooling",
      type: "enum",
      values: ["avg", "max", "none"],
      doc: "Named architectures without the top: a global average or max pooling after the last block.",
      default: "none",
    },
  ],
  inputSpec: { minRank: 1, description: "the saved model's input, e.g. [224, 224, 3]" },
  outputShape: (input, args, context) => {
    const resolved = resolvePretrained(input, args, context);
    if ("ok" in resolved) return resolved;
    return { ok: true, shape: (resolved.atInput.layers[resolved.cut] as PretrainedInfo["layers"][number]).outputShape };
  },
  paramCount: (input, args, context) => {
    const resolved = resolvePretrained(input, args, context);
    if ("ok" in resolved) return { total: 0, trainable: 0 };
    const kept = resolved.saved.layers.slice(0, resolved.cut + 1);
    const total = kept.reduce((sum, layer) => sum + layer.params, 0);
    const trainable = trainsWhole(args)
      ? kept.reduce((sum, layer) => sum + (layer.trainableParams ?? layer.params), 0)
      : 0;
    return { total, trainable };
  },
  tfjs: {
    // Not a tf.layers factory: the emitter loads the model through the runtime and cuts it.
    factory: "pretrained",
    config: (args, input) => ({
      // The keys of runtime/pretrained.ts's `loadPretrained(path, { until, inputShape, trainable })`.
      path: readString(args, "path"),
      ...(readString(args, "until") === "" ? {} : { until: readString(args, "until") }),
      trainable: trainsWhole(args),
      inputShape: input.map((length) => length),
    }),
  },
};

/** The pretrained family (one layer). */
export const PRETRAINED_LAYERS: readonly LayerDefinition[] = [PRETRAINED];
