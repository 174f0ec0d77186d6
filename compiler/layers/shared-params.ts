/** Parameter specs that several layer families declare alike. */
import { ACTIVATIONS } from "./activations.js";
import type { ParamSpec } from "./layer-definition.js";

/** `activation`, defaulting to `linear`. */
export const ACTIVATION_PARAM: ParamSpec = {
  name: "activation",
  type: "activation",
  doc: `Activation applied to the output: ${ACTIVATIONS.join(", ")}.`,
  default: "linear",
};

/** `use_bias`, defaulting to true. */
export const USE_BIAS_PARAM: ParamSpec = {
  name: "use_bias",
  type: "bool",
  doc: "Whether the layer adds a learned bias (switch off before batch_norm).",
  default: true,
};

/** `l2`: weight-decay penalty on the kernel. */
export const L2_PARAM: ParamSpec = {
  name: "l2",
  type: "float",
  doc: "L2 penalty on the kernel weights, added to the loss (0 = none).",
  default: 0,
  min: 0,
};

/** `padding`: valid (no padding, the output shrinks) or same (keeps ceil(n / stride)). */
export const PADDING_PARAM: ParamSpec = {
  name: "padding",
  type: "enum",
  values: ["valid", "same"],
  doc: "`valid`: no padding, the output shrinks by the window; `same`: zero-pad so the output is ceil(n / stride).",
  default: "valid",
};

/** A dropout-style rate in [0, 1). */
export function rateParam(name: string, doc: string, defaultRate?: number): ParamSpec {
  return {
    name,
    type: "float",
    doc,
    min: 0,
    lessThan: 1,
    ...(defaultRate === undefined ? {} : { default: defaultRate }),
  };
}
