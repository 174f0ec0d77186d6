/**
 * `pretrained(path, until, trainable)`: loads a TF.js layers model from disk, cuts it after
 * a named layer, gives it a new input size and freezes or unfreezes its layers, so it can
 * serve as the first layer of a bigger model (transfer learning).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import * as tf from "@tensorflow/tfjs";
// The compiler's "did you mean" rule, so runtime and compile-time messages suggest the same name.
import { closestName } from "../compiler/suggest.js";
import { toArrayBuffer } from "./model-io.js";
import { keepBatchNormInInference, setTrainable } from "./unfreeze.js";

/** A pretrained model that cannot be read or cut as asked: the user's path or layer name is wrong. */
export class PretrainedError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "PretrainedError";
  }
}

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
 * packages such as nsfwjs ship them) or a directory holding either. The result can be
 * applied as a layer inside a bigger model.
 */
export async function loadPretrained(file: string, args: LoadPretrainedArgs = {}): Promise<tf.LayersModel> {
  const modelFile = await findModelFile(file);
  const modelJson = await readModelJson(modelFile);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(modelFile, manifest));
  let model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
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

/** "no layer named …", with a suggestion: shared with `unfreeze` (runtime/unfreeze.ts). */
export function unknownLayerMessage(name: string, layers: readonly tf.layers.Layer[]): string {
  const names = layers.map((layer) => layer.name);
  const suggestion = closestName(name, names);
  const hint =
    suggestion !== undefined ? `did you mean "${suggestion}"?` : `the first are ${names.slice(0, 6).join(", ")}, …`;
  return `no layer named "${name}" (${names.length} layers; ${hint})`;
}

// ---------------------------------------------------------------------------------------
// Reading model files, plain or wrapped in JavaScript modules.

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

/** The model JSON of `file`; a `.js` file is a module whose export is the JSON object. */
export async function readModelJson(file: string): Promise<tf.io.ModelJSON> {
  const value = file.endsWith(".js")
    ? await evaluateModule(file)
    : (JSON.parse(await fs.readFile(file, "utf8")) as unknown);
  const json = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (typeof json !== "object" || json === null || !("modelTopology" in json)) {
    throw new PretrainedError("not a TF.js layers model (no modelTopology)", file);
  }
  return json as tf.io.ModelJSON;
}

/** Reads every weight file of the manifest (plain binary, or base64 in a `.js` module) back to back. */
async function readWeights(
  modelFile: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const dir = path.dirname(modelFile);
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const shard of group.paths) buffers.push(await readShard(path.join(dir, shard)));
  }
  return [manifest.flatMap((group) => group.weights), tf.io.concatenateArrayBuffers(buffers)];
}

/** A shard named `group1-shard1of1` may ship as `group1-shard1of1.min.js` (nsfwjs) or `.js`. */
async function readShard(file: string): Promise<ArrayBuffer> {
  for (const candidate of [file, `${file}.min.js`, `${file}.js`]) {
    if (!(await isFile(candidate))) continue;
    if (!candidate.endsWith(".js")) return toArrayBuffer(await fs.readFile(candidate));
    const exported = await evaluateModule(candidate);
    if (typeof exported !== "string")
      throw new PretrainedError("a weight module must export a base64 string", candidate);
    return toArrayBuffer(Buffer.from(exported, "base64"));
  }
  throw new PretrainedError("weight file not found (also tried .min.js and .js)", file);
}

/**
 * The `module.exports` of a CommonJS/UMD file, evaluated in an empty V8 context: the
 * wrappers only assign a literal, and the context gives them no `require`, `process` or
 * file system.
 */
async function evaluateModule(file: string): Promise<unknown> {
  const source = await fs.readFile(file, "utf8");
  const module = { exports: {} as unknown };
  try {
    vm.runInNewContext(source, { module, exports: module.exports }, { filename: file, timeout: 30_000 });
  } catch (error) {
    throw new PretrainedError(`cannot evaluate the module: ${(error as Error).message}`, file);
  }
  // Re-created in this realm: arrays from another context fail tfjs's `instanceof Array` checks.
  return JSON.parse(JSON.stringify(module.exports)) as unknown;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
