/** Normalization layers over the last axis (channels/features): batch_norm and layer_norm. */
import { readNumber } from "./arguments.js";
import { knownLastAxis, shapeOk } from "./shape-arithmetic.js";
import type { ConfigFragment } from "./tfjs-config.js";
import type { LayerDefinition, ParamSpec } from "./layer-definition.js";

const EPSILON_PARAM: ParamSpec = {
  name: "epsilon",
  type: "float",
  doc: "Small constant added to the variance to avoid dividing by zero.",
  default: 0.001,
  greaterThan: 0,
};

/**
 * `batch_norm(momentum, epsilon)`: per-channel gamma and beta (trained) plus moving mean
 * and variance (updated, not trained): 4×channels weights, 2×channels trainable.
 */
export const BATCH_NORM: LayerDefinition = {
  name: "batch_norm",
  family: "normalization",
  doc:
    "Batch normalization over the last axis: normalizes each channel with batch statistics while " +
    "training and moving averages (`momentum`) at inference, then scales and shifts. Shape unchanged.",
  params: [
    {
      name: "momentum",
      type: "float",
      doc: "Weight of the old value in the moving averages.",
      default: 0.99,
      min: 0,
      max: 1,
    },
    EPSILON_PARAM,
  ],
  inputSpec: { minRank: 1, description: "[..., channels]" },
  outputShape: (input) => {
    const channels = knownLastAxis("batch_norm", input);
    return channels.ok ? shapeOk(input) : channels;
  },
  paramCount: (input) => {
    const channels = input[input.length - 1] ?? 0;
    return { total: 4 * channels, trainable: 2 * channels };
  },
  tfjs: {
    factory: "batchNormalization",
    config: (args): ConfigFragment => {
      const momentum = readNumber(args, "momentum");
      const epsilon = readNumber(args, "epsilon");
      return { ...(momentum === 0.99 ? {} : { momentum }), ...(epsilon === 0.001 ? {} : { epsilon }) };
    },
  },
};

/** `layer_norm(epsilon)`: per-example normalization over the last axis; gamma and beta per feature. */
export const LAYER_NORM: LayerDefinition = {
  name: "layer_norm",
  family: "normalization",
  doc:
    "Layer normalization: normalizes each example over its last axis (no batch statistics), " +
    "then scales and shifts per feature. Shape unchanged.",
  params: [EPSILON_PARAM],
  inputSpec: { minRank: 1, description: "[..., features]" },
  outputShape: (input) => {
    const features = knownLastAxis("layer_norm", input);
    return features.ok ? shapeOk(input) : features;
  },
  paramCount: (input) => {
    const total = 2 * (input[input.length - 1] ?? 0);
    return { total, trainable: total };
  },
  tfjs: {
    factory: "layerNormalization",
    config: (args): ConfigFragment => {
      const epsilon = readNumber(args, "epsilon");
      return epsilon === 0.001 ? {} : { epsilon };
    },
  },
};

/** Every normalization layer. */
export const NORMALIZATION_LAYERS: readonly LayerDefinition[] = [BATCH_NORM, LAYER_NORM];
