/**
 * Core layers: dense, flatten, reshape, dropout (plain and spatial), activations
 * (the `activation(name)` layer and its bare forms), embedding.
 */
import { readBool, readIntList, readNumber, readString, type ArgumentProblem } from "./arguments.js";
import { ACTIVATION_REGISTRY, tfjsActivationName } from "./activations.js";
import { formatShape, knownLastAxis, shapeOk, shapeProduct } from "./shape-arithmetic.js";
import { ACTIVATION_PARAM, L2_PARAM, USE_BIAS_PARAM, rateParam } from "./shared-params.js";
import { activationConfig, regularizerConfig, useBiasConfig, type ConfigFragment } from "./tfjs-config.js";
import type { LayerDefinition, ParamCount, ResolvedArgs, Shape, ShapeResult } from "./layer-definition.js";
import { SHAPES } from "../../diagnostics/catalog/shapes.js";

/** No weights at all. */
const NO_PARAMS = (): ParamCount => ({ total: 0, trainable: 0 });

/** The shape rule of layers that keep their input's shape. */
const SAME_SHAPE = (input: Shape): ShapeResult => shapeOk(input);

/** `dense(units, activation, use_bias, l1, l2)`: `[..., d]` → `[..., units]`. */
export const DENSE: LayerDefinition = {
  name: "dense",
  family: "core",
  doc:
    "Fully connected layer: each of `units` outputs is a weighted sum of the input's last axis, " +
    "plus a bias, through `activation`. Applies to the last axis of any rank: `[..., d]` → `[..., units]`.",
  params: [
    { name: "units", type: "int", doc: "Number of outputs (the new last axis).", min: 1 },
    ACTIVATION_PARAM,
    USE_BIAS_PARAM,
    {
      name: "l1",
      type: "float",
      doc: "L1 penalty on the kernel weights, added to the loss (0 = none).",
      default: 0,
      min: 0,
    },
    L2_PARAM,
  ],
  inputSpec: { minRank: 1, description: "[..., features]" },
  outputShape: (input, args) => {
    const features = knownLastAxis("dense", input);
    if (!features.ok) return features;
    return shapeOk([...input.slice(0, -1), readNumber(args, "units")]);
  },
  paramCount: (input, args) => {
    const features = input[input.length - 1] ?? 0;
    const units = readNumber(args, "units");
    const total = features * units + (readBool(args, "use_bias") ? units : 0);
    return { total, trainable: total };
  },
  tfjs: {
    factory: "dense",
    config: (args) => ({
      units: readNumber(args, "units"),
      ...activationConfig(args),
      ...useBiasConfig(args),
      ...regularizerConfig("kernelRegularizer", readNumber(args, "l1"), readNumber(args, "l2")),
    }),
  },
};

/** `flatten`: `[a, b, ...]` → `[a*b*...]`. */
export const FLATTEN: LayerDefinition = {
  name: "flatten",
  family: "core",
  doc:
    "Flattens every axis into one: `[a, b, ...]` → `[a*b*...]`. Needs at least two axes " +
    "(TF.js's Flatten rejects an input that is already flat) and every length known.",
  params: [],
  inputSpec: { minRank: 2, description: "[a, b, ...] (at least two axes)" },
  outputShape: (input) => {
    const product = shapeProduct(input);
    if (product === null) {
      return {
        ok: false,
        code: SHAPES.reshapeDoesNotFit,
        message: `flatten needs every axis of its input known, got ${formatShape(input)}`,
        help: "reduce a sequence of unknown length with `global_max_pool1d` or `global_avg_pool1d` instead",
      };
    }
    return shapeOk([product]);
  },
  paramCount: NO_PARAMS,
  tfjs: { factory: "flatten", config: () => ({}) },
};

/** Checks `reshape`'s target: lengths ≥ 1, or a single -1 meaning "whatever is left". */
function checkReshapeTarget(args: ResolvedArgs): ArgumentProblem[] {
  const target = readIntList(args, "shape");
  if (target.length === 0) return [{ param: "shape", message: "`shape` must list at least one length" }];
  const problems: ArgumentProblem[] = [];
  if (target.some((length) => !Number.isInteger(length) || (length < 1 && length !== -1))) {
    problems.push({
      param: "shape",
      message: `\`shape\` lengths must be ints ≥ 1, or -1 for one inferred length; got ${formatShape(target)}`,
    });
  }
  if (target.filter((length) => length === -1).length > 1) {
    problems.push({ param: "shape", message: `\`shape\` may contain -1 only once, got ${formatShape(target)}` });
  }
  return problems;
}

/** `reshape(shape)`: same values, new shape; one length may be -1 (inferred). */
export const RESHAPE: LayerDefinition = {
  name: "reshape",
  family: "core",
  doc:
    "Rearranges the values into `shape` (batch excluded). The products must be equal; one length " +
    "may be -1 and is then inferred: `reshape([-1, 64])`.",
  params: [{ name: "shape", type: "shape", doc: "The new shape without the batch axis; at most one -1." }],
  inputSpec: { minRank: 1, description: "[...]" },
  outputShape: (input, args) => {
    const target = readIntList(args, "shape");
    const inferredAxis = target.indexOf(-1);
    const inputProduct = shapeProduct(input);
    // An unknown input length defers the check to run time, as in TF.js.
    if (inputProduct === null) return shapeOk(target.map((length) => (length === -1 ? null : length)));
    const knownProduct = target.reduce((product, length) => (length === -1 ? product : product * length), 1);
    if (inferredAxis >= 0) {
      if (knownProduct === 0 || inputProduct % knownProduct !== 0) {
        return {
          ok: false,
          code: SHAPES.reshapeDoesNotFit,
          message:
            `reshape cannot fit ${formatShape(input)} (${inputProduct} values) into ${formatShape(target)}: ` +
            `${inputProduct} is not a multiple of ${knownProduct}`,
          param: "shape",
        };
      }
      return shapeOk(target.map((length) => (length === -1 ? inputProduct / knownProduct : length)));
    }
    if (knownProduct !== inputProduct) {
      return {
        ok: false,
        code: SHAPES.reshapeDoesNotFit,
        message:
          `reshape to ${formatShape(target)} needs ${knownProduct} values, ` +
          `but its input ${formatShape(input)} has ${inputProduct}`,
        param: "shape",
        help: "the product of the new shape must equal the product of the input shape; use -1 for one length to infer it",
      };
    }
    return shapeOk(target);
  },
  paramCount: NO_PARAMS,
  validate: checkReshapeTarget,
  tfjs: { factory: "reshape", config: (args) => ({ targetShape: [...readIntList(args, "shape")] }) },
};

const RATE_DOC = "Fraction of inputs set to zero during training, in [0, 1).";

/** `dropout(rate)`: shape unchanged. */
export const DROPOUT: LayerDefinition = {
  name: "dropout",
  family: "core",
  doc: "During training, zeroes a random `rate` fraction of the values and scales the rest by 1 / (1 - rate); a fresh mask each step, drawn from the experiment's `seed`. Shape unchanged.",
  params: [rateParam("rate", RATE_DOC)],
  inputSpec: { minRank: 1, description: "[...]" },
  outputShape: SAME_SHAPE,
  paramCount: NO_PARAMS,
  tfjs: { factory: "dropout", config: (args) => ({ rate: readNumber(args, "rate") }) },
};

/** `spatial_dropout1d(rate)`: drops whole channels of `[len, c]`. */
export const SPATIAL_DROPOUT_1D: LayerDefinition = {
  name: "spatial_dropout1d",
  family: "core",
  doc: "Dropout of whole channels of a sequence `[length, channels]`: a dropped channel is zero at every step. Shape unchanged.",
  params: [rateParam("rate", RATE_DOC)],
  inputSpec: { rank: 2, description: "[length, channels]" },
  outputShape: SAME_SHAPE,
  paramCount: NO_PARAMS,
  tfjs: { factory: "spatialDropout1d", config: (args) => ({ rate: readNumber(args, "rate") }) },
};

/**
 * `spatial_dropout2d(rate)`: drops whole feature maps of `[h, w, c]`. TF.js 4.22 has no
 * SpatialDropout2D, so it is a `dropout` whose noise shape `[batch, 1, 1, channels]`
 * broadcasts one decision over each feature map (TF.js fills the `null`s from the input).
 */
export const SPATIAL_DROPOUT_2D: LayerDefinition = {
  name: "spatial_dropout2d",
  family: "core",
  doc: "Dropout of whole feature maps of an image `[height, width, channels]`: a dropped channel is zero everywhere. Shape unchanged.",
  params: [rateParam("rate", RATE_DOC)],
  inputSpec: { rank: 3, description: "[height, width, channels]" },
  outputShape: SAME_SHAPE,
  paramCount: NO_PARAMS,
  tfjs: {
    factory: "dropout",
    config: (args) => ({ rate: readNumber(args, "rate"), noiseShape: [null, 1, 1, null] }),
  },
};

/** `activation(name)`: applies an activation function; shape unchanged. */
export const ACTIVATION: LayerDefinition = {
  name: "activation",
  family: "core",
  doc: "Applies an activation function to every value (softmax: over the last axis). Shape unchanged.",
  params: [{ name: "name", type: "activation", doc: ACTIVATION_PARAM.doc }],
  inputSpec: { minRank: 1, description: "[...]" },
  outputShape: SAME_SHAPE,
  paramCount: NO_PARAMS,
  tfjs: {
    factory: "activation",
    config: (args) => {
      const name = readString(args, "name");
      return { activation: tfjsActivationName(name) ?? name };
    },
  },
};

/** The bare activation forms docs/language.md lists: `relu` == `activation(relu)`. */
const BARE_ACTIVATION_NAMES = ["relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish"] as const;

function bareActivation(name: string): LayerDefinition {
  const entry = ACTIVATION_REGISTRY.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`bare activation \`${name}\` is missing from the activation catalogue`);
  return {
    name,
    family: "core",
    doc: `Applies \`${name}\` (${entry.doc}) to every value; short for \`activation(${name})\`. Shape unchanged.`,
    params: [],
    inputSpec: { minRank: 1, description: "[...]" },
    outputShape: SAME_SHAPE,
    paramCount: NO_PARAMS,
    tfjs: { factory: "activation", config: () => ({ activation: entry.tfjs }) },
  };
}

/** `leaky_relu(alpha=0.3)`: x for x > 0, alpha*x otherwise. */
export const LEAKY_RELU: LayerDefinition = {
  name: "leaky_relu",
  family: "core",
  doc: "Leaky rectifier: x for x > 0, `alpha`·x otherwise. Shape unchanged.",
  params: [{ name: "alpha", type: "float", doc: "Slope for negative inputs.", default: 0.3, min: 0 }],
  inputSpec: { minRank: 1, description: "[...]" },
  outputShape: SAME_SHAPE,
  paramCount: NO_PARAMS,
  tfjs: {
    factory: "leakyReLU",
    config: (args): ConfigFragment => {
      const alpha = readNumber(args, "alpha");
      return alpha === 0.3 ? {} : { alpha };
    },
  },
};

/** `embedding(vocab, dim, mask_zero)`: `[len]` of token ids → `[len, dim]`. */
export const EMBEDDING: LayerDefinition = {
  name: "embedding",
  family: "core",
  doc:
    "Looks up a learned `dim`-vector for each token id in `[0, vocab)`: `[length]` → `[length, dim]`. " +
    "With `mask_zero`, id 0 is padding and later recurrent layers skip it.",
  params: [
    { name: "vocab", type: "int", doc: "Number of distinct token ids (ids run from 0 to vocab - 1).", min: 1 },
    { name: "dim", type: "int", doc: "Length of each embedding vector.", min: 1 },
    { name: "mask_zero", type: "bool", doc: "Treat id 0 as padding to be masked.", default: false },
  ],
  inputSpec: { rank: 1, description: "[length] (token ids)" },
  outputShape: (input, args) => shapeOk([...input, readNumber(args, "dim")]),
  paramCount: (_input, args) => {
    const total = readNumber(args, "vocab") * readNumber(args, "dim");
    return { total, trainable: total };
  },
  tfjs: {
    factory: "embedding",
    config: (args) => ({
      inputDim: readNumber(args, "vocab"),
      outputDim: readNumber(args, "dim"),
      ...(readBool(args, "mask_zero") ? { maskZero: true } : {}),
    }),
  },
};

/** Every core layer, in the order the language reference lists them. */
export const CORE_LAYERS: readonly LayerDefinition[] = [
  DENSE,
  FLATTEN,
  RESHAPE,
  DROPOUT,
  SPATIAL_DROPOUT_1D,
  SPATIAL_DROPOUT_2D,
  ACTIVATION,
  ...BARE_ACTIVATION_NAMES.map(bareActivation),
  LEAKY_RELU,
  EMBEDDING,
];
