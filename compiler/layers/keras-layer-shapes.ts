/**
 * Output shapes and weight counts of saved Keras-format layers (the snake_case configs
 * of a TF.js model.json), by class name. Where DLM has the same layer, its registry
 * entry computes the facts, so saved and written layers follow one set of rules.
 */
import { defaultArgs } from "./arguments.js";
import { DENSE, FLATTEN, RESHAPE } from "./core.js";
import { CONV1D, CONV2D, CONV2D_TRANSPOSE, DEPTHWISE_CONV2D, SEPARABLE_CONV2D, UPSAMPLE2D } from "./conv.js";
import { POOLING_LAYERS } from "./pooling.js";
import { GRU, LSTM, SIMPLE_RNN } from "./recurrent.js";
import { formatShape, shapeProduct } from "./shape-arithmetic.js";
import type { LayerDefinition, ParamCount, ParamValue, Shape, ShapeContext } from "./layer-definition.js";

/** A value parsed from model.json. */
export type Json = unknown;
/** A JSON object from model.json. */
export type JsonObject = { readonly [key: string]: Json };

/** True for a JSON object (not null, not a list). */
export function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for a list of numbers. */
export function isNumberList(value: Json): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === "number");
}

/** What a saved layer computes: output shape and weights. */
export interface LayerFacts {
  readonly shape: Shape;
  readonly params: number;
  readonly trainableParams: number;
}

const NO_CONTEXT: ShapeContext = { readPretrained: () => "not available inside a pretrained model" };

/** A saved layer's facts through one of DLM's own layer definitions. */
function throughDefinition(
  definition: LayerDefinition,
  input: Shape,
  given: Record<string, ParamValue>,
): LayerFacts | string {
  const args = defaultArgs(definition, given);
  const result = definition.outputShape(input, args, NO_CONTEXT);
  if (!result.ok) return result.message;
  const count: ParamCount = definition.paramCount(input, args, NO_CONTEXT);
  return { shape: result.shape, params: count.total, trainableParams: count.trainable };
}

function keepShape(input: Shape): LayerFacts {
  return { shape: input, params: 0, trainableParams: 0 };
}

function numberOr(value: Json, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

function listOr(value: Json, fallback: readonly number[]): number[] {
  if (isNumberList(value)) return value;
  if (typeof value === "number") return fallback.map(() => value);
  return [...fallback];
}

/** Keras `padding` is valid, same or causal; causal keeps the length like same. */
function kerasPadding(config: JsonObject): string {
  return config["padding"] === "valid" ? "valid" : "same";
}

function useBias(config: JsonObject): boolean {
  return config["use_bias"] !== false;
}

function convolutionArgs(config: JsonObject, rank: number): Record<string, ParamValue> {
  const ones = Array.from({ length: rank }, () => 1);
  const perAxis = (value: Json): ParamValue => {
    const list = listOr(value, ones);
    return rank === 1 ? (list[0] ?? 1) : list;
  };
  return {
    filters: numberOr(config["filters"], 1),
    kernel: perAxis(config["kernel_size"]),
    stride: perAxis(config["strides"]),
    dilation: perAxis(config["dilation_rate"]),
    padding: kerasPadding(config),
    use_bias: useBias(config),
    depth_multiplier: numberOr(config["depth_multiplier"], 1),
  };
}

function poolingRule(definitionName: string, rank: number) {
  const definition = POOLING_LAYERS.find((candidate) => candidate.name === definitionName) as LayerDefinition;
  return (config: JsonObject, [input]: readonly Shape[]): LayerFacts | string => {
    const fallback = Array.from({ length: rank }, () => 2);
    const size = listOr(config["pool_size"], fallback);
    const stride = config["strides"] == null ? size : listOr(config["strides"], fallback);
    return throughDefinition(definition, input as Shape, {
      size: rank === 1 ? (size[0] ?? 2) : size,
      stride: rank === 1 ? (stride[0] ?? 2) : stride,
      padding: kerasPadding(config),
    });
  };
}

function globalPoolingRule(config: JsonObject, [input]: readonly Shape[]): LayerFacts {
  const shape = input as Shape;
  const channels = shape[shape.length - 1] ?? null;
  const keep = config["keepdims"] === true;
  return keepShape(keep ? [...shape.slice(0, -1).map(() => 1), channels] : [channels]);
}

function normalizationRule(statistics: boolean) {
  return (config: JsonObject, [input]: readonly Shape[]): LayerFacts | string => {
    const shape = input as Shape;
    const axis = config["axis"];
    const axisList = Array.isArray(axis) ? axis : [axis ?? -1];
    if (axisList.length !== 1 || (axisList[0] !== -1 && axisList[0] !== shape.length)) {
      return "normalization over an axis other than the last is not supported";
    }
    const channels = shape[shape.length - 1] ?? 0;
    const trained = (config["center"] === false ? 0 : 1) + (config["scale"] === false ? 0 : 1);
    return {
      shape,
      params: channels * (trained + (statistics ? 2 : 0)),
      trainableParams: channels * trained,
    };
  };
}

function recurrentRule(definition: LayerDefinition) {
  return (config: JsonObject, [input]: readonly Shape[]): LayerFacts | string => {
    if (config["return_state"] === true) return "recurrent layers with `return_state` are not supported";
    const facts = throughDefinition(definition, input as Shape, {
      units: numberOr(config["units"], 1),
      return_sequences: config["return_sequences"] === true,
    });
    // Keras's GRU with reset_after keeps a second bias set.
    if (typeof facts === "string" || definition !== GRU || config["reset_after"] !== true) return facts;
    const extra = 3 * numberOr(config["units"], 0);
    return { ...facts, params: facts.params + extra, trainableParams: facts.trainableParams + extra };
  };
}

function bidirectionalRule(config: JsonObject, inputs: readonly Shape[]): LayerFacts | string {
  const inner = config["layer"];
  if (!isObject(inner) || typeof inner["class_name"] !== "string" || !isObject(inner["config"])) {
    return "the wrapped layer has no `class_name` or `config`";
  }
  const rule = KERAS_SHAPE_RULES.get(inner["class_name"]);
  if (rule === undefined) return `it wraps a \`${inner["class_name"]}\` layer, which DLM cannot follow`;
  const one = rule(inner["config"], inputs);
  if (typeof one === "string") return one;
  const merge = config["merge_mode"] ?? "concat";
  const last = one.shape[one.shape.length - 1] ?? null;
  const shape = merge === "concat" ? [...one.shape.slice(0, -1), last === null ? null : 2 * last] : one.shape;
  return { shape, params: 2 * one.params, trainableParams: 2 * one.trainableParams };
}

/** `[[top, bottom], [left, right]]` from Keras's int, `[h, w]` or nested form. */
function readPairs(value: Json, fallback: number): [[number, number], [number, number]] {
  if (typeof value === "number")
    return [
      [value, value],
      [value, value],
    ];
  if (Array.isArray(value) && value.length === 2) {
    const pair = (item: Json): [number, number] =>
      typeof item === "number"
        ? [item, item]
        : isNumberList(item) && item.length === 2
          ? [item[0] as number, item[1] as number]
          : [fallback, fallback];
    return [pair(value[0]), pair(value[1])];
  }
  return [
    [fallback, fallback],
    [fallback, fallback],
  ];
}

function padOrCropRule(sign: 1 | -1) {
  return (config: JsonObject, [input]: readonly Shape[]): LayerFacts | string => {
    const shape = input as Shape;
    const [[top, bottom], [left, right]] = readPairs(
      sign === 1 ? config["padding"] : config["cropping"],
      sign === 1 ? 1 : 0,
    );
    const change = (length: number | null | undefined, a: number, b: number) =>
      length == null ? null : length + sign * (a + b);
    const height = change(shape[0], top, bottom);
    const width = change(shape[1], left, right);
    if ((height !== null && height <= 0) || (width !== null && width <= 0))
      return `cropping leaves nothing of ${formatShape(shape)}`;
    return keepShape([height, width, shape[2] ?? null]);
  };
}

function mergeRule(_config: JsonObject, inputs: readonly Shape[]): LayerFacts | string {
  const first = inputs[0];
  if (first === undefined) return "a merge layer without inputs";
  // Element-wise merges need equal shapes; fill unknown lengths from the other inputs.
  const shape = first.map(
    (length, axis) => length ?? inputs.map((input) => input[axis] ?? null).find((other) => other !== null) ?? null,
  );
  return keepShape(shape);
}

function concatenateRule(config: JsonObject, inputs: readonly Shape[]): LayerFacts | string {
  const first = inputs[0];
  if (first === undefined) return "a Concatenate layer without inputs";
  const rawAxis = numberOr(config["axis"], -1);
  // Keras counts the batch axis; -1 is the last axis either way.
  const axis = rawAxis < 0 ? first.length + rawAxis : rawAxis - 1;
  if (axis < 0 || axis >= first.length) return `Concatenate axis ${rawAxis} is out of range for ${formatShape(first)}`;
  const lengths = inputs.map((input) => input[axis] ?? null);
  const joined = lengths.some((length) => length === null)
    ? null
    : lengths.reduce((a, b) => (a as number) + (b as number), 0);
  return keepShape(first.map((length, index) => (index === axis ? joined : length)));
}

type KerasRule = (config: JsonObject, inputs: readonly Shape[]) => LayerFacts | string;

const SHAPE_KEEPING_CLASSES = [
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "Softmax",
  "ThresholdedReLU",
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "Masking",
  "Rescaling",
  "ActivityRegularization",
];

/** How each Keras layer class maps its input shapes to output shape and weights. */
const KERAS_SHAPE_RULES: ReadonlyMap<string, KerasRule> = new Map<string, KerasRule>([
  ...SHAPE_KEEPING_CLASSES.map((className): [string, KerasRule] => [
    className,
    (_config, [input]) => keepShape(input as Shape),
  ]),
  [
    "Dense",
    (config, [input]) =>
      throughDefinition(DENSE, input as Shape, { units: numberOr(config["units"], 1), use_bias: useBias(config) }),
  ],
  ["Conv1D", (config, [input]) => throughDefinition(CONV1D, input as Shape, convolutionArgs(config, 1))],
  ["Conv2D", (config, [input]) => throughDefinition(CONV2D, input as Shape, convolutionArgs(config, 2))],
  [
    "Conv2DTranspose",
    (config, [input]) => throughDefinition(CONV2D_TRANSPOSE, input as Shape, convolutionArgs(config, 2)),
  ],
  [
    "SeparableConv2D",
    (config, [input]) => throughDefinition(SEPARABLE_CONV2D, input as Shape, convolutionArgs(config, 2)),
  ],
  [
    "DepthwiseConv2D",
    (config, [input]) => throughDefinition(DEPTHWISE_CONV2D, input as Shape, convolutionArgs(config, 2)),
  ],
  ["MaxPooling1D", poolingRule("max_pool1d", 1)],
  ["AveragePooling1D", poolingRule("avg_pool1d", 1)],
  ["MaxPooling2D", poolingRule("max_pool2d", 2)],
  ["AveragePooling2D", poolingRule("avg_pool2d", 2)],
  ["GlobalAveragePooling1D", globalPoolingRule],
  ["GlobalMaxPooling1D", globalPoolingRule],
  ["GlobalAveragePooling2D", globalPoolingRule],
  ["GlobalMaxPooling2D", globalPoolingRule],
  // Keras flattens a rank-1 input to itself, which DLM's flatten rule also gives.
  ["Flatten", (_config, [input]) => throughDefinition(FLATTEN, input as Shape, {})],
  [
    "Reshape",
    (config, [input]) =>
      isNumberList(config["target_shape"])
        ? throughDefinition(RESHAPE, input as Shape, { shape: config["target_shape"] })
        : "a Reshape without `target_shape`",
  ],
  [
    "Permute",
    (config, [input]) => {
      const dims = config["dims"];
      if (!isNumberList(dims)) return "a Permute without `dims`";
      return keepShape(dims.map((dim) => (input as Shape)[dim - 1] ?? null));
    },
  ],
  ["RepeatVector", (config, [input]) => keepShape([numberOr(config["n"], 1), ...(input as Shape)])],
  ["BatchNormalization", normalizationRule(true)],
  ["LayerNormalization", normalizationRule(false)],
  [
    "Embedding",
    (config, [input]) => {
      const dim = numberOr(config["output_dim"], 1);
      const params = numberOr(config["input_dim"], 0) * dim;
      return { shape: [...(input as Shape), dim], params, trainableParams: params };
    },
  ],
  ["LSTM", recurrentRule(LSTM)],
  ["GRU", recurrentRule(GRU)],
  ["SimpleRNN", recurrentRule(SIMPLE_RNN)],
  ["Bidirectional", bidirectionalRule],
  ["ZeroPadding2D", padOrCropRule(1)],
  ["Cropping2D", padOrCropRule(-1)],
  [
    "UpSampling2D",
    (config, [input]) => throughDefinition(UPSAMPLE2D, input as Shape, { size: listOr(config["size"], [2, 2]) }),
  ],
  ...["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"].map((className): [string, KerasRule] => [
    className,
    mergeRule,
  ]),
  ["Concatenate", concatenateRule],
  [
    "PReLU",
    (config, [input]) => {
      const shape = input as Shape;
      const shared = isNumberList(config["shared_axes"]) ? config["shared_axes"] : [];
      const alphaShape = shape.map((length, axis) => (shared.includes(axis + 1) ? 1 : length));
      const params = shapeProduct(alphaShape) ?? 0;
      return { shape, params, trainableParams: params };
    },
  ],
]);

/**
 * The output shape and weights of a saved layer of class `className` given its inputs'
 * shapes; a string says why they cannot be inferred (unknown class, window too large...).
 */
export function inferKerasLayer(className: string, config: JsonObject, inputs: readonly Shape[]): LayerFacts | string {
  const rule = KERAS_SHAPE_RULES.get(className);
  if (rule === undefined) return `DLM cannot infer the output shape of a \`${className}\` layer`;
  return rule(config, inputs);
}
