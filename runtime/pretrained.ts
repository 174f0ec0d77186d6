/**
 * `pretrained(path, until, trainable)`: loads a TF.js layers model from disk, cuts it after
 * a named layer, gives it a new input size and freezes or unfreezes its layers, so it can
 * serve as the first layer of a bigger model (transfer learning).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { buildWithinManifest } from "./bounded-model-build.js";
// The compiler's "did you mean" rule, so runtime and compile-time messages suggest the same name.
import { PretrainedError, unknownLayerMessage } from "./pretrained-errors.js";
import {
  checkModelJson,
  MAX_MODEL_JSON_BYTES,
  readJsonFile,
  readManifestWeights,
  readRegularFile,
} from "./bundle-manifest.js";
import { assertFiniteWeights } from "./finite-weights.js";
import { kerasFileKind } from "./keras-model-config.js";
import { readExportedLiteral } from "./wrapped-model.js";
import { keepBatchNormInInference, setTrainable } from "./unfreeze.js";

/** Arguments of `loadPretrained`. */
export interface LoadPretrainedArgs {
  /** Keep the layers up to and including this one; drop the rest. Default: keep all. */
  readonly until?: string;
  /** New input shape `[h, w, c]` (without batch), e.g. `[64, 64, 3]`; weights are reused. Default: the saved one. */
  readonly inputShape?: readonly number[];
  /** Whether the loaded layers train. Default false (frozen, as in `pretrained(..., trainable=false)`). */
  readonly trainable?: boolean;
}

/**
 * Loads a layers model from `file`: a `model.json`, a `.js` module wrapping it (as npm
 * packages such as nsfwjs ship them), a directory holding either, or a saved Keras model
 * (`.h5`, `.keras`; converted once into DLM's cache, runtime/keras-model-file.ts). The result
 * can be applied as a layer inside a bigger model.
 */
export async function loadPretrained(file: string, args: LoadPretrainedArgs = {}): Promise<tf.LayersModel> {
  const modelFile = kerasFileKind(file) === undefined ? await findModelFile(file) : await (await import("./keras-model-file.js")).convertKerasModelFile(file);
  const modelJson = await readModelJson(modelFile);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(modelFile, manifest));
  let model = await buildWithinManifest(artifacts, modelFile, () => tf.loadLayersModel(tf.io.fromMemory(artifacts)));
  assertFiniteWeights(model, `use pretrained model ${modelFile}`, "A diverged model cannot serve as a base.");
  if (args.until !== undefined) model = cutAfter(model, args.until, modelFile);
  if (args.inputShape !== undefined) model = withInputShape(model, args.inputShape);
  keepBatchNormInInference(model);
  setTrainable(model, (args.trainable ?? false) ? "all" : "none");
  return model;
}

/** The model up to and including layer `name` (its output becomes the model's output). */
export function cutAfter(model: tf.LayersModel, name: string, file = model.name): tf.LayersModel {
  const layer = model.layers.find((candidate) => candidate.name === name);
  if (layer === undefined) throw new PretrainedError(unknownLayerMessage(name, model.layers), file);
  return tf.model({
    inputs: model.inputs,
    outputs: layer.output as tf.SymbolicTensor,
    name: `${model.name}_until_${name}`,
  });
}

/**
 * The same layers (and so the same weights) applied to a new input of `shape`: every
 * layer is called again, in the model's order, on the new symbolic tensors. Layers whose
 * weights depend on the input size (a Dense after Flatten) will refuse the new size.
 */
export function withInputShape(model: tf.LayersModel, shape: readonly number[]): tf.LayersModel {
  const [oldInput] = model.inputs;
  if (oldInput === undefined || model.inputs.length !== 1)
    throw new Error("withInputShape needs a model with one input");
  const input = tf.input({ shape: [...shape], dtype: oldInput.dtype });
  const rebuilt = new Map<number, tf.SymbolicTensor>([[oldInput.id, input]]);
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    // A layer may have several call sites (nodes); ours is the one fed by tensors already rebuilt.
    const node = layer.inboundNodes.find((candidate) =>
      candidate.inputTensors.every((tensor) => rebuilt.has(tensor.id)),
    );
    if (node === undefined) throw new Error(`withInputShape: no rebuilt input for layer ${layer.name}`);
    const inputs = node.inputTensors.map((tensor) => rebuilt.get(tensor.id)!);
    const applied = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, node.callArgs ?? {});
    const outputs = Array.isArray(applied) ? applied : [applied];
    node.outputTensors.forEach((tensor, index) => rebuilt.set(tensor.id, outputs[index] as tf.SymbolicTensor));
  }
  const outputs = model.outputs.map((tensor) => rebuilt.get(tensor.id)!);
  return tf.model({
    inputs: input,
    outputs: outputs.length === 1 ? outputs[0]! : outputs,
    name: `${model.name}_${shape.join("x")}`,
  });
}

// ---------------------------------------------------------------------------------------
// Reading model files, plain or wrapped in JavaScript modules. They are data: nothing in
// them is ever run (a `.js` wrapper is parsed, runtime/wrapped-model.ts), and every weight
// file must lie in the model's folder with the size its manifest promises (bundle-manifest.ts).

/** `model.json`, or the first of `model.json` / `model.min.js` / `model.js` inside a directory. */
async function findModelFile(file: string): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new PretrainedError("no such file or directory", file);
  }
  if (!stat.isDirectory()) return file;
  for (const name of ["model.json", "model.min.js", "model.js"]) {
    const candidate = path.join(file, name);
    if (await isFile(candidate)) return candidate;
  }
  throw new PretrainedError("the directory holds no model.json (nor model.min.js / model.js)", file);
}

/**
 * The model JSON of `file`; a `.js` file is a module whose one export is the JSON object (or
 * a string of it), read by parsing, never by running it.
 */
export async function readModelJson(file: string): Promise<tf.io.ModelJSON> {
  const value = file.endsWith(".js")
    ? await readExportedLiteral(file, MAX_MODEL_JSON_BYTES)
    : await readJsonFile(file, "model.json", MAX_MODEL_JSON_BYTES);
  let json: unknown = value;
  if (typeof value === "string") {
    try {
      json = JSON.parse(value) as unknown;
    } catch (error) {
      throw new PretrainedError(`the exported string is not valid JSON (${(error as Error).message})`, file);
    }
  }
  return checkModelJson(json, file);
}

/** Suffixes a shard named `group1-shard1of1` may ship with: plain, or as a `.min.js` / `.js` module (nsfwjs). */
const SHARD_SUFFIXES = ["", ".min.js", ".js"] as const;

/** Reads every weight file of the manifest (plain binary, or base64 in a `.js` module) back to back. */
function readWeights(
  modelFile: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  return readManifestWeights(modelFile, manifest, { suffixes: SHARD_SUFFIXES, readShard });
}

/** One checked shard file: plain binary, or a module exporting its bytes as one base64 string. */
async function readShard(file: string, remainingBytes: number): Promise<Uint8Array> {
  if (!file.endsWith(".js")) return readRegularFile(file, { maxBytes: remainingBytes, what: "weight file" });
  // Base64 takes 4 characters per 3 bytes; the wrapper around it is small.
  const exported = await readExportedLiteral(file, Math.ceil(remainingBytes / 3) * 4 + 1024 * 1024);
  if (typeof exported !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(exported)) {
    throw new PretrainedError("a weight module must export one base64 string", file);
  }
  const bytes = Math.floor((exported.length * 3) / 4) - (exported.match(/=*$/)?.[0].length ?? 0);
  if (bytes > remainingBytes) {
    throw new PretrainedError(`holds ${bytes} weight bytes; the weightsManifest needs ${remainingBytes} more`, file);
  }
  return Buffer.from(exported, "base64");
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
