/**
 * Experiments that search one numeric parameter at a time, for every numeric parameter of
 * every layer, optimizer, schedule and callback DLM knows: what "every numeric
 * hyperparameter is tunable" is tested over.
 */
import { OPTIMIZERS, SCHEDULES } from "../../../compiler/registry/training.js";
import { CALLBACKS } from "../../../compiler/registry/callbacks/index.js";
import { LAYERS } from "../../../compiler/layers/registry.js";
import type { ParamSpec } from "../../../compiler/layers/layer-definition.js";

/** One searched parameter: where it is, the two values searched, and the experiment that searches them. */
export interface SearchedParameter {
  readonly owner: string;
  readonly param: ParamSpec;
  readonly values: readonly [number, number];
  readonly source: string;
}

const CANDIDATES = [0.5, 0.25, 2, 3, 1, 0.1, 0.01, 4, 0.9, 5, 8, 1e-3, 0];

/** Two distinct values inside the parameter's bounds (its default first when it has one). */
export function twoValidValues(param: ParamSpec): [number, number] | undefined {
  const valid = (value: number) =>
    (param.type === "float" || Number.isInteger(value)) &&
    (param.min === undefined || value >= param.min) &&
    (param.max === undefined || value <= param.max) &&
    (param.greaterThan === undefined || value > param.greaterThan) &&
    (param.lessThan === undefined || value < param.lessThan);
  const first = typeof param.default === "number" && valid(param.default) ? [param.default] : [];
  const values = [...new Set([...first, ...CANDIDATES.filter(valid)])];
  return values.length >= 2 ? [values[0]!, values[1]!] : undefined;
}

/** Numbers, and the int-or-[h, w] arguments of convolutions and pooling (searched as ints). */
function isNumeric(param: ParamSpec): boolean {
  return param.type === "int" || param.type === "float" || param.type === "int_or_tuple";
}

const TRAIN = "loss: sparse_categorical_crossentropy\n    metrics: [accuracy]\n    epochs: 2";
const TUNE = "  tune { trials: 2, objective: val_accuracy, strategy: grid }\n";

function irisWith(train: string, layers = "dense(8, activation: relu)"): string {
  return (
    `experiment search {\n  data {\n    source: builtin("iris")\n    split { train: 0.6, validation: 0.2, test: 0.2 }\n  }\n` +
    `  model {\n    ${layers}\n    dense(3, activation: softmax)\n  }\n  train {\n    ${train}\n  }\n${TUNE}}\n`
  );
}

/** Settings of `train`: every numeric argument of every optimizer, schedule and callback. */
export function searchedSettings(): SearchedParameter[] {
  const found: SearchedParameter[] = [];
  const required = (params: readonly ParamSpec[], except: string) =>
    params
      .filter((param) => param.name !== except && param.default === undefined && param.defaultFrom === undefined)
      .map((param) => `${param.name}: ${param.type === "string" ? '"ckpt/search"' : twoValidValues(param)![0]}`);
  const add = (owner: string, param: ParamSpec, write: (call: string) => string, params: readonly ParamSpec[]) => {
    const values = twoValidValues(param);
    if (values === undefined) return;
    const args = [...required(params, param.name), `${param.name}: choice(${values[0]}, ${values[1]})`];
    found.push({ owner, param, values, source: irisWith(write(`${owner}(${args.join(", ")})`)) });
  };
  for (const entry of OPTIMIZERS.entries.values()) {
    for (const param of entry.params.filter(isNumeric))
      add(entry.name, param, (call) => `optimizer: ${call}\n    ${TRAIN}`, entry.params);
  }
  for (const entry of SCHEDULES.entries.values()) {
    for (const param of entry.params.filter(isNumeric))
      add(entry.name, param, (call) => `schedule: ${call}\n    ${TRAIN}`, entry.params);
  }
  for (const entry of CALLBACKS.entries.values()) {
    for (const param of entry.params.filter(isNumeric))
      add(entry.name, param, (call) => `${TRAIN}\n    callbacks { ${call} }`, entry.params);
  }
  return found;
}

/** Data and the layers before and after a layer of each input rank. */
const HOSTS: Record<number, { data: string; before: string; classes: number }> = {
  1: { data: 'source: builtin("iris")', before: "dense(8)", classes: 3 },
  2: { data: 'source: builtin("spam")\n    tokenize(vocab: 50, length: 12)', before: "embedding(50, 8)", classes: 2 },
  3: { data: 'source: builtin("mnist")\n    limit: 64', before: "conv2d(4, 3, activation: relu)", classes: 10 },
};

/** Recurrent layers end a sequence in one vector; an embedding adds an axis; other layers keep their input's rank. */
function flattens(layer: string, rank: number): boolean {
  return layer === "embedding" || (rank > 1 && !["lstm", "gru", "simple_rnn"].includes(layer));
}

/** Layers that read something else than the host's output, and values that fit it. */
const SPECIAL_HOSTS: Record<string, { data: string; before: string; classes: number }> = {
  embedding: { data: 'source: builtin("spam")\n    tokenize(vocab: 50, length: 12)', before: "", classes: 2 },
};
const SPECIAL_VALUES: Record<string, [number, number]> = { "embedding.vocab": [50, 64] };

/** Layer arguments: every numeric parameter of every layer, searched in a model that suits the layer. */
export function searchedLayerArguments(): SearchedParameter[] {
  const found: SearchedParameter[] = [];
  for (const definition of LAYERS.values()) {
    if (definition.name === "pretrained" || definition.name === "reshape") continue;
    const rank = [1, 2, 3].find((candidate) => {
      const spec = definition.inputSpec;
      return (
        (spec.rank === undefined || spec.rank === candidate) &&
        (spec.minRank === undefined || candidate >= spec.minRank) &&
        (spec.maxRank === undefined || candidate <= spec.maxRank)
      );
    });
    if (rank === undefined) continue;
    const host = SPECIAL_HOSTS[definition.name] ?? HOSTS[rank]!;
    for (const param of definition.params.filter(isNumeric)) {
      const values = SPECIAL_VALUES[`${definition.name}.${param.name}`] ?? twoValidValues(param);
      if (values === undefined) continue;
      const required = definition.params
        .filter((other) => other !== param && other.default === undefined && other.defaultFrom === undefined)
        .map((other) =>
          isNumeric(other)
            ? `${other.name}: ${SPECIAL_VALUES[`${definition.name}.${other.name}`]?.[0] ?? 2}`
            : undefined,
        );
      if (required.includes(undefined)) continue;
      const call = `${definition.name}(${[...required, `${param.name}: choice(${values[0]}, ${values[1]})`].join(", ")})`;
      const source =
        `experiment search {\n  data {\n    ${host.data}\n    split { train: 0.6, validation: 0.2, test: 0.2 }\n  }\n` +
        `  model {\n    ${host.before === "" ? "" : `${host.before}\n    `}searched = ${call}\n${flattens(definition.name, rank) ? "    flatten\n" : ""}    dense(${host.classes}, activation: softmax)\n  }\n` +
        `  train {\n    ${TRAIN}\n  }\n${TUNE}}\n`;
      found.push({ owner: definition.name, param, values, source });
    }
  }
  return found;
}
