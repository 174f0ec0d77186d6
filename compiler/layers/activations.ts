/**
 * The activation catalogue: DLM names (docs/language.md §3) and the identifiers TF.js 4.22
 * accepts for them. Checked against `@tensorflow/tfjs-layers/dist/activations.js`: TF.js
 * registers every one of these, under its camelCase class name (`hard_sigmoid` is
 * `hardSigmoid`); the other names are spelled alike.
 */

/** One activation: its DLM name, its TF.js identifier, and a line for hover. */
export interface ActivationEntry {
  readonly name: string;
  readonly tfjs: string;
  readonly doc: string;
}

/** Every activation DLM knows, in the order the language reference lists them. */
export const ACTIVATION_REGISTRY: readonly ActivationEntry[] = [
  { name: "linear", tfjs: "linear", doc: "identity: f(x) = x (the default)" },
  { name: "relu", tfjs: "relu", doc: "max(x, 0)" },
  { name: "relu6", tfjs: "relu6", doc: "min(max(x, 0), 6)" },
  { name: "elu", tfjs: "elu", doc: "x for x > 0, exp(x) - 1 otherwise" },
  { name: "selu", tfjs: "selu", doc: "scaled ELU, self-normalizing" },
  { name: "sigmoid", tfjs: "sigmoid", doc: "1 / (1 + exp(-x)), in (0, 1)" },
  { name: "hard_sigmoid", tfjs: "hardSigmoid", doc: "piecewise-linear sigmoid: clip(0.2x + 0.5, 0, 1)" },
  { name: "tanh", tfjs: "tanh", doc: "hyperbolic tangent, in (-1, 1)" },
  { name: "softmax", tfjs: "softmax", doc: "exp(x) normalized over the last axis: class probabilities" },
  { name: "softplus", tfjs: "softplus", doc: "log(1 + exp(x))" },
  { name: "softsign", tfjs: "softsign", doc: "x / (1 + |x|)" },
  { name: "swish", tfjs: "swish", doc: "x * sigmoid(x)" },
  { name: "mish", tfjs: "mish", doc: "x * tanh(softplus(x))" },
  { name: "gelu", tfjs: "gelu", doc: "x * Φ(x), Gaussian error linear unit" },
];

/** The DLM activation names: `linear relu relu6 elu selu sigmoid hard_sigmoid tanh softmax softplus softsign swish mish gelu`. */
export const ACTIVATIONS: readonly string[] = ACTIVATION_REGISTRY.map((entry) => entry.name);

const TFJS_BY_NAME = new Map(ACTIVATION_REGISTRY.map((entry) => [entry.name, entry.tfjs]));

/** The TF.js identifier for a DLM activation name; `undefined` for a name DLM does not know. */
export function tfjsActivationName(name: string): string | undefined {
  return TFJS_BY_NAME.get(name);
}
