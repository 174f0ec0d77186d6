/**
 * How each DLM layer kind becomes PyTorch: the module `__init__` builds, the line `forward`
 * runs, the helper classes it needs, and where each TF.js weight lives in the state dict
 * (with the layout conversion between them). Read from the registry's TF.js config, so the
 * torch module gets exactly the arguments TF.js gets. Tensors stay channels-last as in DLM
 * and TF.js; convolutions and pools permute around a channels-first torch op.
 *
 * A layer kind with no faithful mapping returns the reason, which `dlm check --target torch`
 * reports (DLM550) — never a module that computes something else.
 */
import { ACTIVATIONS } from "../layers/registry.js";
import type { Shape, TfjsConfigValue } from "../layers/layer-definition.js";
import { pythonNumber, pythonString, pythonTuple } from "./python-literals.js";
import type { HelperName } from "./python-helpers.js";

/** How a weight's torch layout maps to its TF.js layout (see `to_tfjs` in the generated program). */
export type WeightConversion = "same" | "dense" | "conv" | "conv_transpose" | `depthwise:${number}`;

/** One TF.js weight of a layer, in TF.js's order (`layer.weights`: trainable first). */
export interface TorchWeight {
  /** TF.js's name below the layer: `kernel`, `forward/recurrent_kernel`. */
  readonly tfjs: string;
  /** The state-dict key below the layer's attribute: `weight`, `inner.0.weight`. */
  readonly torch: string;
  readonly conversion: WeightConversion;
}

/**
 * One row of `TFJS_WEIGHTS`: TF.js layer name, weight name below it, state-dict key, layout
 * conversion. A layer inside a backbone is named `BACKBONE/LAYER` (the backbone's DLM name, then
 * the layer's name inside it, as the TF.js model nests it).
 */
export interface TorchWeightRow {
  readonly layer: string;
  readonly weight: string;
  readonly key: string;
  readonly conversion: WeightConversion;
}

/** A layer as PyTorch code. `attr` is the layer's attribute name on the model. */
export interface TorchLayer {
  readonly ok: true;
  /** The constructor expression for `self.<attr>`; absent for a layer without weights or state. */
  readonly module?: string;
  /** The `forward` expression that replaces `x`. */
  readonly forward: (attr: string) => string;
  readonly helpers: readonly HelperName[];
  readonly weights: readonly TorchWeight[];
}

/** A layer with no faithful mapping: the reason, for DLM550. */
export interface UnmappedLayer {
  readonly ok: false;
  readonly reason: string;
}

/** Python expressions of TF.js's activations, applied to `value`; TF.js's hard sigmoid is 0.2x + 0.5, not torch's x/6 + 0.5. */
const ACTIVATION_EXPRESSIONS: Readonly<Record<string, (value: string) => string>> = {
  linear: (value) => value,
  relu: (value) => `F.relu(${value})`,
  relu6: (value) => `F.relu6(${value})`,
  elu: (value) => `F.elu(${value})`,
  selu: (value) => `F.selu(${value})`,
  sigmoid: (value) => `torch.sigmoid(${value})`,
  hardSigmoid: (value) => `hard_sigmoid(${value})`,
  tanh: (value) => `torch.tanh(${value})`,
  softmax: (value) => `F.softmax(${value}, dim=-1)`,
  softplus: (value) => `F.softplus(${value})`,
  softsign: (value) => `F.softsign(${value})`,
  swish: (value) => `F.silu(${value})`,
  mish: (value) => `F.mish(${value})`,
  gelu: (value) => `F.gelu(${value})`,
};

type Config = Readonly<Record<string, TfjsConfigValue>>;

function numberOf(config: Config, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === "number" ? value : fallback;
}

/** An int-or-list config value spread to `rank` axes. */
function perAxis(config: Config, key: string, rank: number, fallback: number): number[] {
  const value = config[key];
  if (typeof value === "number") return Array.from({ length: rank }, () => value);
  if (Array.isArray(value) && value.every((item) => typeof item === "number")) return value as number[];
  return Array.from({ length: rank }, () => fallback);
}

/** The activation applied after a layer's own computation (TF.js's `activation` key; linear when absent). */
export function activationExpression(name: string | undefined, value: string): string | undefined {
  const expression = ACTIVATION_EXPRESSIONS[name ?? "linear"];
  return expression?.(value);
}

function withActivation(config: Config, call: string): { expression: string; helpers: HelperName[] } | string {
  const name = typeof config["activation"] === "string" ? config["activation"] : "linear";
  const expression = activationExpression(name, call);
  if (expression === undefined) return `activation \`${name}\` has no PyTorch mapping`;
  return { expression, helpers: name === "hardSigmoid" ? ["hard_sigmoid"] : [] };
}

function lastAxis(shape: Shape): number {
  const value = shape[shape.length - 1];
  if (value === null || value === undefined) throw new Error("a layer with weights needs a known last axis");
  return value;
}

function ok(
  forward: (attr: string) => string,
  options: { module?: string; helpers?: readonly HelperName[]; weights?: readonly TorchWeight[] } = {},
): TorchLayer {
  return { ok: true, forward, helpers: options.helpers ?? [], weights: options.weights ?? [], ...(options.module ? { module: options.module } : {}) };
}

const bias = (useBias: boolean, torch = "bias"): TorchWeight[] => (useBias ? [{ tfjs: "bias", torch, conversion: "same" }] : []);

/** A convolution-like layer: a channels-first module run on channels-last data (with TF's `same` padding). */
function convolution(kind: string, config: Config, input: Shape): TorchLayer | UnmappedLayer {
  const rank = input.length - 1;
  const channels = lastAxis(input);
  const kernel = perAxis(config, "kernelSize", rank, 1);
  const stride = perAxis(config, "strides", rank, 1);
  const dilation = perAxis(config, "dilationRate", rank, 1);
  const same = config["padding"] === "same";
  const useBias = config["useBias"] !== false;
  const sameArgument = same ? `, same=(${pythonTuple(kernel)}, ${pythonTuple(stride)}, ${pythonTuple(dilation)})` : "";
  const activated = withActivation(config, "ACTIVATION_INPUT");
  if (typeof activated === "string") return { ok: false, reason: activated };
  const forward = (attr: string) => activated.expression.replace("ACTIVATION_INPUT", `self.${attr}(x)`);
  const helpers: HelperName[] = ["ChannelsLast", ...activated.helpers];
  const convClass = rank === 1 ? "nn.Conv1d" : "nn.Conv2d";
  const window = `${pythonTuple(kernel)}, stride=${pythonTuple(stride)}, dilation=${pythonTuple(dilation)}`;
  switch (kind) {
    case "conv1d":
    case "conv2d": {
      const filters = numberOf(config, "filters", 1);
      return ok(forward, {
        module: `ChannelsLast(${convClass}(${channels}, ${filters}, ${window}, bias=${useBias ? "True" : "False"})${sameArgument})`,
        helpers,
        weights: [{ tfjs: "kernel", torch: "inner.weight", conversion: "conv" }, ...bias(useBias, "inner.bias")],
      });
    }
    case "depthwise_conv2d": {
      const multiplier = numberOf(config, "depthMultiplier", 1);
      return ok(forward, {
        module:
          `ChannelsLast(nn.Conv2d(${channels}, ${channels * multiplier}, ${window}, groups=${channels}, ` +
          `bias=${useBias ? "True" : "False"})${sameArgument})`,
        helpers,
        weights: [{ tfjs: "depthwise_kernel", torch: "inner.weight", conversion: `depthwise:${multiplier}` }, ...bias(useBias, "inner.bias")],
      });
    }
    case "separable_conv2d": {
      const multiplier = numberOf(config, "depthMultiplier", 1);
      const filters = numberOf(config, "filters", 1);
      return ok(forward, {
        module:
          `ChannelsLast(nn.Sequential(nn.Conv2d(${channels}, ${channels * multiplier}, ${window}, groups=${channels}, bias=False), ` +
          `nn.Conv2d(${channels * multiplier}, ${filters}, 1, bias=${useBias ? "True" : "False"}))${sameArgument})`,
        helpers,
        weights: [
          { tfjs: "depthwise_kernel", torch: "inner.0.weight", conversion: `depthwise:${multiplier}` },
          { tfjs: "pointwise_kernel", torch: "inner.1.weight", conversion: "conv" },
          ...bias(useBias, "inner.1.bias"),
        ],
      });
    }
    case "conv2d_transpose": {
      const filters = numberOf(config, "filters", 1);
      return ok(forward, {
        module:
          `ConvTranspose2dTF(${channels}, ${filters}, ${pythonTuple(kernel)}, stride=${pythonTuple(stride)}, ` +
          `same=${same ? "True" : "False"}, bias=${useBias ? "True" : "False"})`,
        helpers: ["ConvTranspose2dTF", ...activated.helpers],
        weights: [{ tfjs: "kernel", torch: "inner.weight", conversion: "conv_transpose" }, ...bias(useBias, "inner.bias")],
      });
    }
  }
  throw new Error(`not a convolution: ${kind}`);
}

/** A recurrent layer's constructor expression (TF.js's cell, weights in TF.js's layout). */
function recurrentModule(factory: string, config: Config, features: number, goBackwards: boolean): string | undefined {
  const cell = factory === "lstm" ? "lstm" : factory === "gru" ? "gru" : factory === "simpleRNN" ? "simple_rnn" : undefined;
  if (cell === undefined) return undefined;
  const options = [
    `${pythonString(cell)}, ${features}, ${numberOf(config, "units", 1)}`,
    ...(config["returnSequences"] === true ? ["return_sequences=True"] : []),
    ...(numberOf(config, "dropout", 0) === 0 ? [] : [`dropout=${pythonNumber(numberOf(config, "dropout", 0))}`]),
    ...(numberOf(config, "recurrentDropout", 0) === 0 ? [] : [`recurrent_dropout=${pythonNumber(numberOf(config, "recurrentDropout", 0))}`]),
    ...(goBackwards ? ["go_backwards=True"] : []),
  ];
  return `RecurrentTF(${options.join(", ")})`;
}

const RECURRENT_WEIGHTS = ["kernel", "recurrent_kernel", "bias"];

/**
 * The PyTorch form of one layer: `kind` is the DLM layer name, `config` its TF.js config
 * (`definition.tfjs.config(args, input)`), `input` its input shape without the batch.
 */
export function torchLayer(kind: string, config: Config, input: Shape): TorchLayer | UnmappedLayer {
  switch (kind) {
    case "dense": {
      const useBias = config["useBias"] !== false;
      const activated = withActivation(config, "ACTIVATION_INPUT");
      if (typeof activated === "string") return { ok: false, reason: activated };
      return ok((attr) => activated.expression.replace("ACTIVATION_INPUT", `self.${attr}(x)`), {
        module: `nn.Linear(${lastAxis(input)}, ${numberOf(config, "units", 1)}, bias=${useBias ? "True" : "False"})`,
        helpers: activated.helpers,
        weights: [{ tfjs: "kernel", torch: "weight", conversion: "dense" }, ...bias(useBias)],
      });
    }
    case "conv1d":
    case "conv2d":
    case "depthwise_conv2d":
    case "separable_conv2d":
    case "conv2d_transpose":
      return convolution(kind, config, input);
    case "flatten":
      return ok(() => "x.flatten(1)");
    case "reshape": {
      const target = Array.isArray(config["targetShape"]) ? (config["targetShape"] as number[]) : [];
      return ok(() => `x.reshape(x.shape[0], ${target.map(pythonNumber).join(", ")})`);
    }
    case "dropout":
      return ok((attr) => `self.${attr}(x)`, { module: `nn.Dropout(${pythonNumber(numberOf(config, "rate", 0))})` });
    case "spatial_dropout1d":
    case "spatial_dropout2d":
      return ok((attr) => `self.${attr}(x)`, { module: `SpatialDropout(${pythonNumber(numberOf(config, "rate", 0))})`, helpers: ["SpatialDropout"] });
    case "batch_norm":
      return ok((attr) => `self.${attr}(x)`, {
        module: `BatchNormTF(${lastAxis(input)}, momentum=${pythonNumber(numberOf(config, "momentum", 0.99))}, epsilon=${pythonNumber(numberOf(config, "epsilon", 0.001))})`,
        helpers: ["BatchNormTF"],
        weights: ["gamma", "beta", "moving_mean", "moving_variance"].map((name) => ({ tfjs: name, torch: name, conversion: "same" as const })),
      });
    case "layer_norm":
      return ok((attr) => `self.${attr}(x)`, {
        module: `nn.LayerNorm(${lastAxis(input)}, eps=${pythonNumber(numberOf(config, "epsilon", 0.001))})`,
        weights: [
          { tfjs: "gamma", torch: "weight", conversion: "same" },
          { tfjs: "beta", torch: "bias", conversion: "same" },
        ],
      });
    case "leaky_relu":
      return ok(() => `F.leaky_relu(x, ${pythonNumber(numberOf(config, "alpha", 0.3))})`);
    case "embedding":
      if (config["maskZero"] === true) {
        return { ok: false, reason: "`mask_zero: true` masks later layers in TF.js; the torch engine has no masking yet" };
      }
      return ok((attr) => `self.${attr}(x.long())`, {
        module: `nn.Embedding(${numberOf(config, "inputDim", 1)}, ${numberOf(config, "outputDim", 1)})`,
        weights: [{ tfjs: "embeddings", torch: "weight", conversion: "same" }],
      });
    case "max_pool1d":
    case "avg_pool1d":
    case "max_pool2d":
    case "avg_pool2d": {
      const rank = input.length - 1;
      const size = perAxis(config, "poolSize", rank, 2);
      const stride = config["strides"] === undefined ? size : perAxis(config, "strides", rank, 1);
      const poolKind = kind.startsWith("max") ? "max" : "avg";
      return ok(
        () => `pool_tf(x, ${pythonString(poolKind)}, ${pythonTuple(size)}, ${pythonTuple(stride)}, same=${config["padding"] === "same" ? "True" : "False"})`,
        { helpers: ["pool_tf"] },
      );
    }
    case "global_avg_pool1d":
    case "global_avg_pool2d":
      return ok(() => `x.mean(dim=${pythonTuple(Array.from({ length: input.length - 1 }, (_, axis) => axis + 1))})`);
    case "global_max_pool1d":
    case "global_max_pool2d":
      return ok(() => `x.amax(dim=${pythonTuple(Array.from({ length: input.length - 1 }, (_, axis) => axis + 1))})`);
    case "zero_pad2d": {
      const padding = config["padding"];
      const [top, bottom, left, right] =
        typeof padding === "number"
          ? [padding, padding, padding, padding]
          : Array.isArray(padding) && padding.every((item) => typeof item === "number")
            ? [padding[0] as number, padding[0] as number, padding[1] as number, padding[1] as number]
            : Array.isArray(padding)
              ? [...((padding[0] as number[]) ?? [0, 0]), ...((padding[1] as number[]) ?? [0, 0])]
              : [1, 1, 1, 1];
      return ok(() => `F.pad(x, (0, 0, ${left}, ${right}, ${top}, ${bottom}))`);
    }
    case "upsample2d": {
      const size = perAxis(config, "size", 2, 2);
      const bilinear = config["interpolation"] === "bilinear";
      return ok(() => `upsample_tf(x, ${pythonTuple(size)}, bilinear=${bilinear ? "True" : "False"})`, { helpers: ["upsample_tf"] });
    }
    case "lstm":
    case "gru":
    case "simple_rnn": {
      const module = recurrentModule(kind === "simple_rnn" ? "simpleRNN" : kind, config, lastAxis(input), false);
      return ok((attr) => `self.${attr}(x)`, {
        module: module!,
        helpers: ["RecurrentTF"],
        weights: RECURRENT_WEIGHTS.map((name) => ({ tfjs: name, torch: name, conversion: "same" as const })),
      });
    }
    case "bidirectional": {
      const nested = config["layer"] as { factory?: TfjsConfigValue; config?: Config } | undefined;
      const factory = typeof nested?.factory === "string" ? nested.factory : "";
      const inner = nested?.config ?? {};
      const forwardModule = recurrentModule(factory, inner, lastAxis(input), false);
      const backwardModule = recurrentModule(factory, inner, lastAxis(input), true);
      if (forwardModule === undefined || backwardModule === undefined) return { ok: false, reason: `bidirectional over \`${factory}\`` };
      const merge = typeof config["mergeMode"] === "string" ? config["mergeMode"] : "concat";
      return ok((attr) => `self.${attr}(x)`, {
        module: `BidirectionalTF(${forwardModule}, ${backwardModule}, ${pythonString(merge)})`,
        helpers: ["RecurrentTF", "BidirectionalTF"],
        weights: ["forward", "backward"].flatMap((direction) =>
          RECURRENT_WEIGHTS.map((name) => ({ tfjs: `${direction}/${name}`, torch: `${direction}_layer.${name}`, conversion: "same" as const })),
        ),
      });
    }
    case "pretrained":
      // a model's own backbones are nested modules (emit-torch-model.ts); one inside a saved backbone is not
      return { ok: false, reason: "a `pretrained` model inside a saved backbone is not mapped" };
  }
  if (kind === "activation" || ACTIVATIONS.includes(kind)) {
    const activated = withActivation(config, "x");
    if (typeof activated === "string") return { ok: false, reason: activated };
    return ok(() => activated.expression, { helpers: activated.helpers });
  }
  return { ok: false, reason: `layer \`${kind}\` has no PyTorch mapping yet` };
}
