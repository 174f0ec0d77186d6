/**
 * The layers of a saved model (`pretrained("…/model.json")`) as DLM layer kinds with TF.js
 * configs, so the torch mapping of DLM's own layers (`torch-layers.ts`) builds them too: each
 * Keras class the torch engine runs, the settings of its config it runs faithfully, and the
 * merges of a functional model. Anything else is a reason, which `dlm check --target torch`
 * reports on the `pretrained` call (DLM550), naming the layer and its class.
 */
import type { TfjsConfigValue } from "../layers/layer-definition.js";

/** A saved layer's config as model.json holds it (snake_case keys). */
export type KerasConfig = { readonly [key: string]: unknown };

/** A saved layer as a DLM layer kind and the TF.js config its torch mapping reads, or why it has none. */
export type KerasLayerMapping =
  | { readonly ok: true; readonly kind: string; readonly config: Readonly<Record<string, TfjsConfigValue>> }
  | { readonly ok: false; readonly reason: string };

/** A merge of a functional model: how it combines its inputs' Python expressions. */
export type MergeExpression = (inputs: readonly string[]) => string;

/** Keras's merge layers: elementwise over equal shapes, or joined on the last axis. */
export const KERAS_MERGES: Readonly<Record<string, MergeExpression>> = {
  Add: (inputs) => inputs.join(" + "),
  Subtract: (inputs) => `${inputs[0]} - ${inputs[1]}`,
  Multiply: (inputs) => inputs.join(" * "),
  Average: (inputs) => `(${inputs.join(" + ")}) / ${inputs.length}`,
  Maximum: (inputs) => inputs.slice(1).reduce((left, right) => `torch.maximum(${left}, ${right})`, inputs[0] ?? "x"),
  Minimum: (inputs) => inputs.slice(1).reduce((left, right) => `torch.minimum(${left}, ${right})`, inputs[0] ?? "x"),
  Concatenate: (inputs) => `torch.cat([${inputs.join(", ")}], dim=-1)`,
};

/** `kernel_size` → `kernelSize`. */
function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Keras's activation names in TF.js's spelling (`hard_sigmoid` → `hardSigmoid`). */
function tfjsActivation(value: unknown): unknown {
  return typeof value === "string" ? camelCase(value) : value;
}

/** The config with TF.js's key names; values that are plain JSON carry over. */
function tfjsConfig(config: KerasConfig): Record<string, TfjsConfigValue> {
  const converted: Record<string, TfjsConfigValue> = {};
  for (const [key, value] of Object.entries(config)) {
    converted[camelCase(key)] = (key === "activation" ? tfjsActivation(value) : value) as TfjsConfigValue;
  }
  return converted;
}

/** Why a setting of the config differs from what the mapping computes, or undefined; `rank` counts the batch axis. */
type ConfigCheck = (config: KerasConfig, rank: number) => string | undefined;

/** `key` must be one of `allowed` (absent counts as the first). */
const only =
  (key: string, ...allowed: unknown[]): ConfigCheck =>
  (config) => {
    const value = config[key] ?? allowed[0];
    return allowed.some((candidate) => JSON.stringify(candidate) === JSON.stringify(value))
      ? undefined
      : `\`${key}: ${JSON.stringify(config[key])}\``;
  };

const CHANNELS_LAST = only("data_format", "channels_last");
/** Normalisation over the last axis (channels-last data), however written: `-1`, its index, or a list of one. */
const LAST_AXIS: ConfigCheck = (config, rank) => {
  const axis = Array.isArray(config["axis"]) && config["axis"].length === 1 ? config["axis"][0] : (config["axis"] ?? -1);
  return axis === -1 || axis === rank - 1 ? undefined : `\`axis: ${JSON.stringify(config["axis"])}\``;
};
const CONVOLUTION = [CHANNELS_LAST, only("padding", "valid", "same")];
const RECURRENT = [
  only("activation", "tanh"),
  only("use_bias", true),
  only("go_backwards", false),
  only("stateful", false),
  only("return_state", false),
  only("unroll", false),
];
const GATED = [...RECURRENT, only("recurrent_activation", "hard_sigmoid", "hardSigmoid")];

/** A Keras class the torch engine runs: the DLM layer it is, the settings it must have, and config changes. */
interface KerasClass {
  readonly kind: string;
  readonly checks?: readonly ConfigCheck[];
  /** Config entries the DLM layer's TF.js config has under other names (Keras's `ReLU` is `activation(relu6)`). */
  readonly config?: (config: KerasConfig) => Record<string, TfjsConfigValue>;
}

const KERAS_CLASSES: Readonly<Record<string, KerasClass>> = {
  Dense: { kind: "dense" },
  Conv1D: { kind: "conv1d", checks: CONVOLUTION },
  Conv2D: { kind: "conv2d", checks: CONVOLUTION },
  DepthwiseConv2D: { kind: "depthwise_conv2d", checks: CONVOLUTION },
  SeparableConv2D: { kind: "separable_conv2d", checks: CONVOLUTION },
  Conv2DTranspose: { kind: "conv2d_transpose", checks: [...CONVOLUTION, only("output_padding", null), only("dilation_rate", [1, 1], 1)] },
  MaxPooling1D: { kind: "max_pool1d", checks: CONVOLUTION },
  AveragePooling1D: { kind: "avg_pool1d", checks: CONVOLUTION },
  MaxPooling2D: { kind: "max_pool2d", checks: CONVOLUTION },
  AveragePooling2D: { kind: "avg_pool2d", checks: CONVOLUTION },
  GlobalAveragePooling1D: { kind: "global_avg_pool1d", checks: [CHANNELS_LAST, only("keepdims", false)] },
  GlobalAveragePooling2D: { kind: "global_avg_pool2d", checks: [CHANNELS_LAST, only("keepdims", false)] },
  GlobalMaxPooling1D: { kind: "global_max_pool1d", checks: [CHANNELS_LAST, only("keepdims", false)] },
  GlobalMaxPooling2D: { kind: "global_max_pool2d", checks: [CHANNELS_LAST, only("keepdims", false)] },
  Flatten: { kind: "flatten", checks: [CHANNELS_LAST] },
  Reshape: { kind: "reshape" },
  Dropout: { kind: "dropout", checks: [only("noise_shape", null)] },
  SpatialDropout1D: { kind: "spatial_dropout1d" },
  SpatialDropout2D: { kind: "spatial_dropout2d", checks: [CHANNELS_LAST] },
  BatchNormalization: { kind: "batch_norm", checks: [LAST_AXIS, only("center", true), only("scale", true)] },
  LayerNormalization: { kind: "layer_norm", checks: [LAST_AXIS, only("center", true), only("scale", true)] },
  Activation: { kind: "activation" },
  ReLU: {
    kind: "activation",
    checks: [only("max_value", null, 6), only("negative_slope", 0), only("threshold", 0)],
    config: (config) => ({ activation: config["max_value"] === 6 ? "relu6" : "relu" }),
  },
  LeakyReLU: { kind: "leaky_relu", config: (config) => ({ alpha: typeof config["alpha"] === "number" ? config["alpha"] : 0.3 }) },
  Softmax: { kind: "activation", checks: [only("axis", -1, [-1])], config: () => ({ activation: "softmax" }) },
  ELU: { kind: "activation", checks: [only("alpha", 1)], config: () => ({ activation: "elu" }) },
  ZeroPadding2D: { kind: "zero_pad2d", checks: [CHANNELS_LAST] },
  UpSampling2D: { kind: "upsample2d", checks: [CHANNELS_LAST, only("interpolation", "nearest", "bilinear")] },
  Embedding: { kind: "embedding" },
  LSTM: { kind: "lstm", checks: GATED },
  GRU: { kind: "gru", checks: [...GATED, only("reset_after", false)] },
  SimpleRNN: { kind: "simple_rnn", checks: RECURRENT },
};

/** Keras's recurrent class names in TF.js's factory spelling, for `bidirectional`'s nested layer. */
const RECURRENT_FACTORIES: Readonly<Record<string, string>> = { LSTM: "lstm", GRU: "gru", SimpleRNN: "simpleRNN" };

/** A Bidirectional wrapper over one of the recurrent classes above. */
function bidirectional(config: KerasConfig, rank: number): KerasLayerMapping {
  const inner = config["layer"] as { class_name?: unknown; config?: unknown } | undefined;
  const className = typeof inner?.class_name === "string" ? inner.class_name : "";
  const factory = RECURRENT_FACTORIES[className];
  if (factory === undefined) return { ok: false, reason: `it wraps a \`${className}\`, which the torch engine has no bidirectional form of` };
  const nested = kerasLayerAsDlm(className, (inner?.config ?? {}) as KerasConfig, rank);
  if (!nested.ok) return nested;
  return {
    ok: true,
    kind: "bidirectional",
    config: { layer: { factory, config: nested.config }, mergeMode: typeof config["merge_mode"] === "string" ? config["merge_mode"] : "concat" },
  };
}

/**
 * A saved layer (not a merge, not the input layer) as the DLM layer whose torch mapping
 * computes it; `rank` is its input's, the batch axis counted.
 */
export function kerasLayerAsDlm(className: string, config: KerasConfig, rank: number): KerasLayerMapping {
  if (className === "Bidirectional") return bidirectional(config, rank);
  const known = KERAS_CLASSES[className];
  if (known === undefined) return { ok: false, reason: `the torch engine has no mapping of Keras's \`${className}\`` };
  const differs = (known.checks ?? []).map((check) => check(config, rank)).filter((found) => found !== undefined);
  if (differs.length > 0) return { ok: false, reason: `the torch engine runs \`${className}\` only without ${differs.join(", ")}` };
  return { ok: true, kind: known.kind, config: { ...tfjsConfig(config), ...known.config?.(config) } };
}
