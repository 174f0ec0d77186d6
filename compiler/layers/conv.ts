/**
 * Convolution layers (1-D, 2-D, transposed, separable, depthwise) and the 2-D padding
 * and upsampling layers that travel with them. Inputs are channels-last.
 */
import {
  checkStrideWithDilation,
  checkTupleLength,
  readBool,
  readNumber,
  readPerAxis,
  readString,
  type ArgumentProblem,
} from "./arguments.js";
import { knownLastAxis, shapeOk, slideWindow, transposedConvOutputLength, type Padding } from "./shape-arithmetic.js";
import { ACTIVATION_PARAM, L2_PARAM, PADDING_PARAM, USE_BIAS_PARAM } from "./shared-params.js";
import {
  activationConfig,
  isOneOnEveryAxis,
  perAxisConfig,
  regularizerConfig,
  useBiasConfig,
  type ConfigFragment,
} from "./tfjs-config.js";
import type { LayerDefinition, ParamSpec, ResolvedArgs, Shape, ShapeResult } from "./layer-definition.js";

const IMAGE_INPUT = { rank: 3, description: "[height, width, channels]" } as const;

const FILTERS_PARAM: ParamSpec = {
  name: "filters",
  type: "int",
  doc: "Number of output channels (feature maps).",
  min: 1,
};

function kernelParam(type: "int" | "int_or_tuple"): ParamSpec {
  return { name: "kernel", type, doc: "Window size: an int, or [height, width].", min: 1 };
}
function strideParam(type: "int" | "int_or_tuple"): ParamSpec {
  return { name: "stride", type, doc: "Step between windows: an int, or [height, width].", default: 1, min: 1 };
}
function dilationParam(type: "int" | "int_or_tuple"): ParamSpec {
  return {
    name: "dilation",
    type,
    doc: "Spacing between kernel taps (atrous convolution); not with stride > 1.",
    default: 1,
    min: 1,
  };
}
const DEPTH_MULTIPLIER_PARAM: ParamSpec = {
  name: "depth_multiplier",
  type: "int",
  doc: "Output channels per input channel of the depthwise step.",
  default: 1,
  min: 1,
};

function readPadding(args: ResolvedArgs): Padding {
  return readString(args, "padding") === "same" ? "same" : "valid";
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/**
 * Slides the `kernel` window over the spatial axes (all but the last) and puts
 * `outputChannels(inputChannels)` on the last axis.
 */
function convolveShape(
  layerName: string,
  input: Shape,
  args: ResolvedArgs,
  outputChannels: (inputChannels: number) => number,
): ShapeResult {
  const channels = knownLastAxis(layerName, input);
  if (!channels.ok) return channels;
  const spatialRank = input.length - 1;
  const window = slideWindow(layerName, input.slice(0, spatialRank), {
    sizeParam: "kernel",
    size: readPerAxis(args, "kernel", spatialRank),
    stride: readPerAxis(args, "stride", spatialRank),
    dilation: args["dilation"] === undefined ? [] : readPerAxis(args, "dilation", spatialRank),
    padding: readPadding(args),
  });
  if (!window.ok) return window;
  return shapeOk([...window.lengths, outputChannels(channels.length)]);
}

/** Weights of a kernel `kernel × inChannels × outChannels` plus an optional bias of `outChannels`. */
function kernelWeights(input: Shape, args: ResolvedArgs, outChannels: number, spatialRank: number) {
  const inChannels = input[input.length - 1] ?? 0;
  const kernel = product(readPerAxis(args, "kernel", spatialRank));
  const total = kernel * inChannels * outChannels + (readBool(args, "use_bias") ? outChannels : 0);
  return { total, trainable: total };
}

/** Config keys common to TF.js convolutions: kernelSize, strides, padding, activation, useBias. */
function windowConfig(args: ResolvedArgs): ConfigFragment {
  return {
    kernelSize: perAxisConfig(args["kernel"]),
    ...(isOneOnEveryAxis(args["stride"]) ? {} : { strides: perAxisConfig(args["stride"]) }),
    ...(readPadding(args) === "valid" ? {} : { padding: "same" }),
    ...(args["dilation"] === undefined || isOneOnEveryAxis(args["dilation"])
      ? {}
      : { dilationRate: perAxisConfig(args["dilation"]) }),
    ...activationConfig(args),
    ...useBiasConfig(args),
  };
}

function checkImageWindow(args: ResolvedArgs): ArgumentProblem[] {
  return [
    ...checkTupleLength(args, "kernel", 2),
    ...checkTupleLength(args, "stride", 2),
    ...checkTupleLength(args, "dilation", 2),
    ...checkStrideWithDilation(args),
  ];
}

/** `conv1d(filters, kernel, stride, padding, dilation, activation, l2, use_bias)`: `[len, c]` → `[len', filters]`. */
export const CONV1D: LayerDefinition = {
  name: "conv1d",
  family: "conv",
  doc:
    "1-D convolution over a sequence: `filters` kernels of `kernel` steps slide along the length. " +
    "`[length, channels]` → `[length', filters]`.",
  params: [
    FILTERS_PARAM,
    kernelParam("int"),
    strideParam("int"),
    PADDING_PARAM,
    dilationParam("int"),
    ACTIVATION_PARAM,
    L2_PARAM,
    USE_BIAS_PARAM,
  ],
  inputSpec: { rank: 2, description: "[length, channels]" },
  outputShape: (input, args) => convolveShape("conv1d", input, args, () => readNumber(args, "filters")),
  paramCount: (input, args) => kernelWeights(input, args, readNumber(args, "filters"), 1),
  validate: checkStrideWithDilation,
  tfjs: {
    factory: "conv1d",
    config: (args) => ({
      filters: readNumber(args, "filters"),
      ...windowConfig(args),
      ...regularizerConfig("kernelRegularizer", 0, readNumber(args, "l2")),
    }),
  },
};

/** `conv2d(filters, kernel, stride, padding, dilation, activation, l2, use_bias)`: `[h, w, c]` → `[h', w', filters]`. */
export const CONV2D: LayerDefinition = {
  name: "conv2d",
  family: "conv",
  doc:
    "2-D convolution over an image: `filters` kernels of `kernel` (int or [h, w]) slide over height and width. " +
    "`[height, width, channels]` → `[height', width', filters]`.",
  params: [
    FILTERS_PARAM,
    kernelParam("int_or_tuple"),
    strideParam("int_or_tuple"),
    PADDING_PARAM,
    dilationParam("int_or_tuple"),
    ACTIVATION_PARAM,
    L2_PARAM,
    USE_BIAS_PARAM,
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) => convolveShape("conv2d", input, args, () => readNumber(args, "filters")),
  paramCount: (input, args) => kernelWeights(input, args, readNumber(args, "filters"), 2),
  validate: checkImageWindow,
  tfjs: {
    factory: "conv2d",
    config: (args) => ({
      filters: readNumber(args, "filters"),
      ...windowConfig(args),
      ...regularizerConfig("kernelRegularizer", 0, readNumber(args, "l2")),
    }),
  },
};

/**
 * `conv2d_transpose(filters, kernel, stride, padding, activation, l2, use_bias)`: upsampling
 * convolution. Lengths follow TF.js: valid → n*stride + max(kernel - stride, 0), same → n*stride.
 */
export const CONV2D_TRANSPOSE: LayerDefinition = {
  name: "conv2d_transpose",
  family: "conv",
  doc:
    "Transposed 2-D convolution (learned upsampling): each height and width grows by `stride`. " +
    "`valid`: n·stride + max(kernel − stride, 0); `same`: n·stride. `[h, w, c]` → `[h'', w'', filters]`.",
  params: [
    FILTERS_PARAM,
    kernelParam("int_or_tuple"),
    strideParam("int_or_tuple"),
    PADDING_PARAM,
    ACTIVATION_PARAM,
    L2_PARAM,
    USE_BIAS_PARAM,
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) => {
    const channels = knownLastAxis("conv2d_transpose", input);
    if (!channels.ok) return channels;
    const kernel = readPerAxis(args, "kernel", 2);
    const stride = readPerAxis(args, "stride", 2);
    const padding = readPadding(args);
    return shapeOk([
      transposedConvOutputLength(input[0] ?? null, kernel[0] ?? 1, stride[0] ?? 1, padding),
      transposedConvOutputLength(input[1] ?? null, kernel[1] ?? 1, stride[1] ?? 1, padding),
      readNumber(args, "filters"),
    ]);
  },
  paramCount: (input, args) => kernelWeights(input, args, readNumber(args, "filters"), 2),
  validate: (args) => [...checkTupleLength(args, "kernel", 2), ...checkTupleLength(args, "stride", 2)],
  tfjs: {
    factory: "conv2dTranspose",
    config: (args) => ({
      filters: readNumber(args, "filters"),
      ...windowConfig(args),
      ...regularizerConfig("kernelRegularizer", 0, readNumber(args, "l2")),
    }),
  },
};

/**
 * `separable_conv2d(filters, kernel, stride, padding, dilation, activation, l2, use_bias,
 * depth_multiplier)`: a depthwise then a 1×1 pointwise convolution. `l2` applies to both
 * kernels (TF.js rejects a plain kernelRegularizer here).
 */
export const SEPARABLE_CONV2D: LayerDefinition = {
  name: "separable_conv2d",
  family: "conv",
  doc:
    "Depthwise-separable 2-D convolution: a per-channel `kernel` convolution, then a 1×1 convolution " +
    "mixing channels into `filters`. Same shapes as conv2d with far fewer weights.",
  params: [
    FILTERS_PARAM,
    kernelParam("int_or_tuple"),
    strideParam("int_or_tuple"),
    PADDING_PARAM,
    dilationParam("int_or_tuple"),
    ACTIVATION_PARAM,
    L2_PARAM,
    USE_BIAS_PARAM,
    DEPTH_MULTIPLIER_PARAM,
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) => convolveShape("separable_conv2d", input, args, () => readNumber(args, "filters")),
  paramCount: (input, args) => {
    const channels = input[input.length - 1] ?? 0;
    const depth = readNumber(args, "depth_multiplier");
    const filters = readNumber(args, "filters");
    const depthwise = product(readPerAxis(args, "kernel", 2)) * channels * depth;
    const pointwise = channels * depth * filters;
    const total = depthwise + pointwise + (readBool(args, "use_bias") ? filters : 0);
    return { total, trainable: total };
  },
  validate: checkImageWindow,
  tfjs: {
    factory: "separableConv2d",
    config: (args) => {
      const depth = readNumber(args, "depth_multiplier");
      const l2 = readNumber(args, "l2");
      return {
        filters: readNumber(args, "filters"),
        ...windowConfig(args),
        ...(depth === 1 ? {} : { depthMultiplier: depth }),
        ...regularizerConfig("depthwiseRegularizer", 0, l2),
        ...regularizerConfig("pointwiseRegularizer", 0, l2),
      };
    },
  },
};

/**
 * `depthwise_conv2d(kernel, stride, padding, activation, l2, use_bias, depth_multiplier)`:
 * one kernel per input channel. No `filters` (the output has channels × depth_multiplier)
 * and no `dilation`: TF.js 4.22's DepthwiseConv2D ignores its dilation rate.
 */
export const DEPTHWISE_CONV2D: LayerDefinition = {
  name: "depthwise_conv2d",
  family: "conv",
  doc:
    "Depthwise 2-D convolution: each input channel gets its own `kernel` (times `depth_multiplier`); " +
    "channels are not mixed. `[h, w, c]` → `[h', w', c·depth_multiplier]`.",
  params: [
    kernelParam("int_or_tuple"),
    strideParam("int_or_tuple"),
    PADDING_PARAM,
    ACTIVATION_PARAM,
    L2_PARAM,
    USE_BIAS_PARAM,
    DEPTH_MULTIPLIER_PARAM,
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) =>
    convolveShape("depthwise_conv2d", input, args, (channels) => channels * readNumber(args, "depth_multiplier")),
  paramCount: (input, args) => {
    const outChannels = (input[input.length - 1] ?? 0) * readNumber(args, "depth_multiplier");
    const total =
      product(readPerAxis(args, "kernel", 2)) * outChannels + (readBool(args, "use_bias") ? outChannels : 0);
    return { total, trainable: total };
  },
  validate: (args) => [...checkTupleLength(args, "kernel", 2), ...checkTupleLength(args, "stride", 2)],
  tfjs: {
    factory: "depthwiseConv2d",
    config: (args) => {
      const depth = readNumber(args, "depth_multiplier");
      return {
        ...windowConfig(args),
        ...(depth === 1 ? {} : { depthMultiplier: depth }),
        ...regularizerConfig("depthwiseRegularizer", 0, readNumber(args, "l2")),
      };
    },
  },
};

/**
 * The four sides of a 2-D padding: an int pads every side, `[h, w]` pads top and bottom by
 * h and left and right by w, `[top, bottom, left, right]` (written `[[top, bottom], [left, right]]`) each its own.
 */
export function readPaddingSides(args: ResolvedArgs, name: string): readonly [number, number, number, number] {
  const value = args[name];
  if (Array.isArray(value) && value.length === 4) return value as unknown as [number, number, number, number];
  const [height, width] = readPerAxis(args, name, 2) as [number, number];
  return [height, height, width, width];
}

/** `zero_pad2d(padding=1)`: `[h, w, c]` → `[h+top+bottom, w+left+right, c]`. */
export const ZERO_PAD2D: LayerDefinition = {
  name: "zero_pad2d",
  family: "conv",
  doc:
    "Adds rows of zeros above and below and columns left and right: `padding: p` adds p on every side, " +
    "`[h, w]` h rows above and below and w columns left and right, `[[top, bottom], [left, right]]` " +
    "each side its own (Keras's `ZeroPadding2D(((0, 1), (0, 1)))`).",
  params: [
    {
      name: "padding",
      type: "padding2d",
      doc: "Zeros added: an int (every side), [height, width], or [[top, bottom], [left, right]].",
      default: 1,
      min: 0,
    },
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) => {
    const [top, bottom, left, right] = readPaddingSides(args, "padding");
    const grow = (length: number | null | undefined, pad: number) => (length == null ? null : length + pad);
    return shapeOk([grow(input[0], top + bottom), grow(input[1], left + right), input[2] ?? null]);
  },
  paramCount: () => ({ total: 0, trainable: 0 }),
  validate: (args) => {
    const value = args["padding"];
    return Array.isArray(value) && value.length === 4 ? [] : checkTupleLength(args, "padding", 2);
  },
  tfjs: {
    factory: "zeroPadding2d",
    config: (args) => {
      const value = args["padding"];
      if (!Array.isArray(value) || value.length !== 4) return { padding: perAxisConfig(value) };
      const [top, bottom, left, right] = readPaddingSides(args, "padding");
      return { padding: [[top, bottom], [left, right]] };
    },
  },
};

/** `upsample2d(size=2, interpolation=nearest)`: `[h, w, c]` → `[h*s, w*s, c]`. */
export const UPSAMPLE2D: LayerDefinition = {
  name: "upsample2d",
  family: "conv",
  doc: "Repeats rows and columns `size` times (nearest) or interpolates (bilinear): `[h, w, c]` → `[h·s, w·s, c]`.",
  params: [
    { name: "size", type: "int_or_tuple", doc: "Upsampling factor: an int, or [height, width].", default: 2, min: 1 },
    {
      name: "interpolation",
      type: "enum",
      values: ["nearest", "bilinear"],
      doc: "How new pixels are filled.",
      default: "nearest",
    },
  ],
  inputSpec: IMAGE_INPUT,
  outputShape: (input, args) => {
    const [scaleHeight, scaleWidth] = readPerAxis(args, "size", 2) as [number, number];
    const scale = (length: number | null | undefined, factor: number) => (length == null ? null : length * factor);
    return shapeOk([scale(input[0], scaleHeight), scale(input[1], scaleWidth), input[2] ?? null]);
  },
  paramCount: () => ({ total: 0, trainable: 0 }),
  validate: (args) => checkTupleLength(args, "size", 2),
  tfjs: {
    factory: "upSampling2d",
    config: (args) => ({
      // TF.js's UpSampling2D indexes `size`, so a single int is spread to [s, s].
      size: [...readPerAxis(args, "size", 2)],
      ...(readString(args, "interpolation") === "nearest" ? {} : { interpolation: "bilinear" }),
    }),
  },
};

/** Every convolution-family layer. */
export const CONV_LAYERS: readonly LayerDefinition[] = [
  CONV1D,
  CONV2D,
  CONV2D_TRANSPOSE,
  SEPARABLE_CONV2D,
  DEPTHWISE_CONV2D,
  ZERO_PAD2D,
  UPSAMPLE2D,
];
