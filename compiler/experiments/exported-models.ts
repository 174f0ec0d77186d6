/**
 * Models that earlier experiments of the program export. A later experiment may load one
 * with `pretrained("<export>/model.json")` before it exists on disk (a fresh checkout
 * of a transfer-learning program): its facts come from the exporting experiment's
 * planned model instead of the file.
 */
import type { PretrainedInfo, Shape, ShapeContext } from "../layers/layer-definition.js";
import type { PlannedModel } from "./experiment-plan.js";
import type { CompilerHost } from "../host.js";
import { inferShapes, type ShapeContextFor } from "../infer-shapes.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import { lookupLayer } from "../layers/registry.js";
import { connectedLayers } from "../layer-order.js";

/** The file an exported model's topology is written to, inside the export directory. */
const MODEL_FILE = "model.json";

/** Exported models by the resolved path of their directory and of its model.json. */
export interface ExportedModels {
  /** Records what an experiment exports: its planned model, or why it has none (it did not check cleanly). */
  add(file: string, exportDir: string, model: PlannedModel | string): void;
  /** The facts for a `pretrained` path written in `file`, if an earlier experiment exports it. */
  find(file: string, path: string): PretrainedInfo | string | undefined;
}

/** An empty registry whose paths resolve through `host`; `contextFor` re-infers an exported model at another input size. */
export function makeExportedModels(host: CompilerHost, contextFor: () => ShapeContextFor): ExportedModels {
  const byPath = new Map<string, PretrainedInfo | string>();
  const key = (file: string, path: string): string => host.resolve(file, path).replace(/[\\/]+$/, "");
  return {
    add(file, exportDir, model) {
      const info = typeof model === "string" ? model : pretrainedInfoOf(model, contextFor);
      const dir = key(file, exportDir);
      byPath.set(dir, info);
      byPath.set(key(file, `${exportDir.replace(/[\\/]+$/, "")}/${MODEL_FILE}`), info);
    },
    find(file, path) {
      return byPath.get(key(file, path));
    },
  };
}

/** A shape context that answers exported models first, then reads model.json files as `base` does. */
export function withExportedModels(base: ShapeContextFor, exported: ExportedModels): ShapeContextFor {
  return (file: string): ShapeContext => {
    const fallback = base(file);
    return {
      ...fallback,
      readPretrained(path: string) {
        return exported.find(file, path) ?? fallback.readPretrained(path);
      },
    };
  };
}

/**
 * What model.json of an exported model will say: the input, each layer's name, output
 * shape and weights. A pretrained layer inside it counts all its weights as trainable once
 * unfrozen. Another input of the same rank is re-inferred (the weights must still fit).
 */
export function pretrainedInfoOf(model: PlannedModel, contextFor: () => ShapeContextFor): PretrainedInfo {
  const inputsOf = new Map(connectedLayers(model.graph).map((layer) => [layer.name, layer.inputs]));
  return {
    inputShape: model.input,
    layers: model.layers.map((layer) => {
      const trainable = layer.kind === "pretrained" ? layer.params : layer.trainableParams;
      const definition = lookupLayer(layer.kind);
      const config = definition === undefined || layer.args === undefined ? {} : definition.tfjs.config(layer.args, layer.inputShape);
      return {
        name: layer.name,
        className: layer.kind,
        outputShape: layer.output,
        params: layer.params,
        ...(trainable === layer.params ? {} : { trainableParams: trainable }),
        saved: { inputs: inputsOf.get(layer.name) ?? [], dlm: { kind: layer.kind, config } },
      };
    }),
    atInput: (input: Shape) => {
      if (input.length !== model.input.length) {
        return `the model takes inputs of rank ${model.input.length} (${formatShape(model.input)}), got ${formatShape(input)}`;
      }
      const inferred = inferShapes(model.graph, input, model.name, contextFor());
      if (inferred.output === undefined) {
        const reason = inferred.diagnostics[0]?.message ?? "its shapes cannot be inferred";
        return `model \`${model.name}\` does not fit input ${formatShape(input)}: ${reason}`;
      }
      return pretrainedInfoOf({ ...model, input, output: inferred.output, layers: inferred.layers }, contextFor);
    },
  };
}
