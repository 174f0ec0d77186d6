/**
 * Recurrent layers over sequences `[length, features]`: lstm, gru, simple_rnn, and the
 * `bidirectional` wrapper that runs one of them both ways.
 */
import { defaultArgs, readBool, readLayerCall, readNumber, readString } from "./arguments.js";
import { knownLastAxis, shapeOk } from "./shape-arithmetic.js";
import { rateParam } from "./shared-params.js";
import type { ConfigFragment } from "./tfjs-config.js";
import type { LayerDefinition, ParamCount, ResolvedArgs, Shape, ShapeResult, TfjsConfigValue } from "./layer-definition.js";
import { VALUES } from "../../diagnostics/catalog/values.js";

const SEQUENCE_INPUT = { rank: 2, description: "[length, features]" } as const;

/**
 * One recurrent layer. `gates` is how many weight sets its cell has (LSTM 4, GRU 3 —
 * TF.js's GRU has no `reset_after`, so one bias set — simple RNN 1).
 */
function recurrentLayer(name: string, factory: string, gates: number, doc: string): LayerDefinition {
  return {
    name,
    family: "recurrent",
    doc:
      `${doc} \`[length, features]\` → \`[units]\` (last step), or \`[length, units]\` with ` +
      "`return_sequences: true` (needed to stack another recurrent layer).",
    params: [
      { name: "units", type: "int", doc: "Size of the hidden state (the output features).", min: 1 },
      { name: "return_sequences", type: "bool", doc: "Output every step, not only the last.", default: false },
      rateParam("dropout", "Dropout rate on the inputs of each step, in [0, 1).", 0),
      rateParam("recurrent_dropout", "Dropout rate on the recurrent state, in [0, 1).", 0),
    ],
    inputSpec: SEQUENCE_INPUT,
    outputShape: (input, args) => {
      const features = knownLastAxis(name, input);
      if (!features.ok) return features;
      const units = readNumber(args, "units");
      return shapeOk(readBool(args, "return_sequences") ? [input[0] ?? null, units] : [units]);
    },
    paramCount: (input, args) => {
      const features = input[input.length - 1] ?? 0;
      const units = readNumber(args, "units");
      const total = gates * (units * (features + units) + units);
      return { total, trainable: total };
    },
    tfjs: {
      factory,
      config: (args) => {
        const dropout = readNumber(args, "dropout");
        const recurrentDropout = readNumber(args, "recurrent_dropout");
        return {
          units: readNumber(args, "units"),
          ...(readBool(args, "return_sequences") ? { returnSequences: true } : {}),
          ...(dropout === 0 ? {} : { dropout }),
          ...(recurrentDropout === 0 ? {} : { recurrentDropout }),
        };
      },
    },
  };
}

/** `lstm(units, return_sequences, dropout, recurrent_dropout)`. */
export const LSTM = recurrentLayer("lstm", "lstm", 4, "Long short-term memory layer.");
/** `gru(units, return_sequences, dropout, recurrent_dropout)`. */
export const GRU = recurrentLayer("gru", "gru", 3, "Gated recurrent unit layer.");
/** `simple_rnn(units, return_sequences, dropout, recurrent_dropout)`. */
export const SIMPLE_RNN = recurrentLayer("simple_rnn", "simpleRNN", 1, "Fully connected recurrent layer (tanh).");

const WRAPPABLE = new Map([LSTM, GRU, SIMPLE_RNN].map((definition) => [definition.name, definition]));

/**
 * A layer nested inside another layer's TF.js config (bidirectional's `layer`). The
 * emitter writes it as `tf.layers.<factory>(<config>)` in place of this object.
 */
export type NestedLayerConfig = {
  readonly factory: string;
  readonly config: Readonly<Record<string, TfjsConfigValue>>;
};

/** True for a {@link NestedLayerConfig} (an object with exactly `factory` and `config`). */
export function isNestedLayerConfig(value: TfjsConfigValue | undefined): value is NestedLayerConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === "config" && keys[1] === "factory";
}

/** The wrapped recurrent layer and its arguments with defaults filled; undefined for a non-recurrent layer. */
function wrappedLayer(args: ResolvedArgs): { definition: LayerDefinition; args: ResolvedArgs } | undefined {
  const call = readLayerCall(args, "layer");
  const definition = WRAPPABLE.get(call.layer);
  return definition && { definition, args: defaultArgs(definition, call.args) };
}

function notRecurrent(args: ResolvedArgs): string {
  return `bidirectional wraps lstm, gru or simple_rnn, got \`${readLayerCall(args, "layer").layer}\``;
}

/**
 * `bidirectional(layer, merge=concat)`: runs the wrapped recurrent layer forwards and
 * backwards and merges the two outputs; `concat` doubles the last axis.
 *
 * TF.js config: `{ layer: { factory, config }, mergeMode? }` where `layer` is a
 * {@link NestedLayerConfig}, e.g. `{ layer: { factory: "lstm", config: { units: 64 } } }`,
 * which the emitter writes as `tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64 }) })`.
 * `mergeMode` is left out for `concat`, TF.js's default.
 */
export const BIDIRECTIONAL: LayerDefinition = {
  name: "bidirectional",
  family: "recurrent",
  doc:
    "Runs a recurrent layer (`bidirectional(lstm(64))`) forwards and backwards over the sequence and " +
    "merges both outputs: `concat` (last axis doubled), `sum`, `mul` or `ave`. Twice the weights.",
  params: [
    {
      name: "layer",
      type: "layer",
      doc: "The recurrent layer to run both ways: lstm(...), gru(...) or simple_rnn(...).",
    },
    {
      name: "merge",
      type: "enum",
      values: ["concat", "sum", "mul", "ave"],
      doc: "How the two directions are combined.",
      default: "concat",
    },
  ],
  inputSpec: SEQUENCE_INPUT,
  outputShape: (input: Shape, args: ResolvedArgs): ShapeResult => {
    const wrapped = wrappedLayer(args);
    if (wrapped === undefined) return { ok: false, code: VALUES.invalidLayerArguments, message: notRecurrent(args), param: "layer" };
    const inner = wrapped.definition.outputShape(input, wrapped.args, { readPretrained: () => "not available" });
    if (!inner.ok || readString(args, "merge") !== "concat") return inner;
    const units = inner.shape[inner.shape.length - 1] ?? null;
    return shapeOk([...inner.shape.slice(0, -1), units === null ? null : 2 * units]);
  },
  paramCount: (input, args): ParamCount => {
    const wrapped = wrappedLayer(args);
    if (wrapped === undefined) return { total: 0, trainable: 0 };
    const one = wrapped.definition.paramCount(input, wrapped.args, { readPretrained: () => "not available" });
    return { total: 2 * one.total, trainable: 2 * one.trainable };
  },
  validate: (args) => (wrappedLayer(args) === undefined ? [{ param: "layer", message: notRecurrent(args) }] : []),
  tfjs: {
    factory: "bidirectional",
    config: (args, input): ConfigFragment => {
      const wrapped = wrappedLayer(args);
      if (wrapped === undefined) throw new Error(notRecurrent(args));
      const merge = readString(args, "merge");
      const layer: NestedLayerConfig = {
        factory: wrapped.definition.tfjs.factory,
        config: wrapped.definition.tfjs.config(wrapped.args, input),
      };
      return { layer, ...(merge === "concat" ? {} : { mergeMode: merge }) };
    },
  },
};

/** Every recurrent layer. */
export const RECURRENT_LAYERS: readonly LayerDefinition[] = [LSTM, GRU, SIMPLE_RNN, BIDIRECTIONAL];
