/**
 * Keras HDF5 weights into a TF.js model, matched by layer name. Reads the layout Keras's
 * `save_weights` writes and its applications publish (`resnet50_weights_…_notop.h5`): the
 * root attribute `layer_names`, one group per layer whose attribute `weight_names` lists its
 * weights in order (`conv1_conv/kernel:0`, `conv1_conv/bias:0`), each a dataset under the
 * group. A whole saved model (`model.save("x.h5")`) holds the same under `model_weights`.
 * Keras 3's `model.weights.h5` (inside a `.keras` file) holds each layer's weights in order
 * under `layers/<path>/vars/0, 1, …`, its path named by class (keras-model-config.ts).
 * Kernels are channels-last in both Keras and TF.js, so no weight is transposed.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeFileDurably } from "./model-io.js";

/** A weight file that does not fit the model: the message names the file and the layer. */
export class KerasWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KerasWeightsError";
  }
}

/** The weights of one layer as stored: names and values in Keras's order. */
export interface StoredLayer {
  readonly names: readonly string[];
  readonly values: readonly { readonly shape: readonly number[]; readonly data: Float32Array }[];
}

type H5Module = typeof import("h5wasm/node");
type H5Group = InstanceType<H5Module["default"]["Group"]>;

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return [value];
  if (value && typeof value === "object" && Symbol.iterator in value) return [...(value as Iterable<unknown>)].map(String);
  return [];
}

async function openHdf5(file: string): Promise<{ h5wasm: H5Module["default"]; opened: InstanceType<H5Module["default"]["File"]> }> {
  const h5wasm = (await import("h5wasm/node")).default;
  await h5wasm.ready;
  try {
    return { h5wasm, opened: new h5wasm.File(file, "r") };
  } catch (error) {
    throw new KerasWeightsError(`${file}: not a readable HDF5 file (${error instanceof Error ? error.message : String(error)})`);
  }
}

function datasetValues(dataset: { value: unknown; shape: number[] | null }): { shape: number[]; data: Float32Array } {
  const data = dataset.value;
  const array = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return { shape: dataset.shape ?? [], data: array };
}

/**
 * Reads Keras 3's `model.weights.h5`: for each layer name, the weights under its path
 * (`layers/dense_1/vars/0`, `1`, …). A layer whose path is missing has no weights stored.
 */
export async function readKeras3Weights(file: string, paths: ReadonlyMap<string, string>): Promise<Map<string, StoredLayer>> {
  const { h5wasm, opened } = await openHdf5(file);
  try {
    const layers = new Map<string, StoredLayer>();
    for (const [layerName, layerPath] of paths) {
      const vars = opened.get(`${layerPath}/vars`);
      if (!(vars instanceof h5wasm.Group)) continue;
      const names = vars.keys().filter((key) => /^\d+$/.test(key)).sort((a, b) => Number(a) - Number(b));
      const values = names.map((name) => {
        const dataset = vars.get(name);
        if (!(dataset instanceof h5wasm.Dataset)) throw new KerasWeightsError(`${file}: weight \`${layerPath}/vars/${name}\` of layer \`${layerName}\` is not a dataset`);
        return datasetValues(dataset);
      });
      layers.set(layerName, { names: names.map((name) => `${layerPath}/vars/${name}`), values });
    }
    return layers;
  } finally {
    opened.close();
  }
}

/** Reads every layer's stored weights from a Keras `.h5` file. */
export async function readKerasWeights(file: string): Promise<Map<string, StoredLayer>> {
  const { h5wasm, opened } = await openHdf5(file);
  try {
    const nested = opened.get("model_weights");
    const root = (nested instanceof h5wasm.Group ? nested : opened) as H5Group;
    const layerNames = stringList(root.attrs["layer_names"]?.value);
    if (layerNames.length === 0) throw new KerasWeightsError(`${file}: no \`layer_names\` attribute: not a Keras weight file`);
    const layers = new Map<string, StoredLayer>();
    for (const layerName of layerNames) {
      const group = root.get(layerName);
      if (!(group instanceof h5wasm.Group)) throw new KerasWeightsError(`${file}: layer \`${layerName}\` is listed but has no group`);
      const names = stringList(group.attrs["weight_names"]?.value);
      const values = names.map((name) => {
        const dataset = group.get(name);
        if (!(dataset instanceof h5wasm.Dataset)) throw new KerasWeightsError(`${file}: weight \`${name}\` of layer \`${layerName}\` is missing`);
        return datasetValues(dataset);
      });
      layers.set(layerName, { names, values });
    }
    return layers;
  } finally {
    opened.close();
  }
}

/**
 * Sets the weights of every layer of `model` that has weights from the Keras file, by layer
 * name, in Keras's order (kernel, bias; gamma, beta, moving mean, moving variance). A layer
 * the file lacks, or a weight of another shape, stops with the layer named.
 */
export async function loadKerasWeights(model: tf.LayersModel, file: string): Promise<number> {
  return setKerasWeights(model, await readKerasWeights(file), file);
}

/** `loadKerasWeights` for weights already read (`readKerasWeights`, `readKeras3Weights`); `file` names them in messages. */
export function setKerasWeights(model: tf.LayersModel, stored: ReadonlyMap<string, StoredLayer>, file: string): number {
  let loaded = 0;
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const found = stored.get(layer.name);
    if (found === undefined) {
      throw new KerasWeightsError(`${file}: no weights for layer \`${layer.name}\` (the file has ${stored.size} layers: ${[...stored.keys()].slice(0, 5).join(", ")}, …)`);
    }
    if (found.values.length !== weights.length) {
      throw new KerasWeightsError(`${file}: layer \`${layer.name}\` has ${weights.length} weights, the file ${found.values.length} (${found.names.join(", ")})`);
    }
    const tensors = weights.map((weight, index) => {
      const value = found.values[index]!;
      const expected = weight.shape as number[];
      if (value.shape.length !== expected.length || value.shape.some((length, axis) => length !== expected[axis])) {
        throw new KerasWeightsError(
          `${file}: weight \`${found.names[index]}\` of layer \`${layer.name}\` has shape [${value.shape.join(", ")}], the layer needs [${expected.join(", ")}]`,
        );
      }
      return tf.tensor(value.data, expected, "float32");
    });
    layer.setWeights(tensors);
    tf.dispose(tensors);
    loaded++;
  }
  return loaded;
}

/** The index of a weight file's TF.js-layout copy: each layer's weights, their shapes and where they lie in `weights.bin`. */
interface ConvertedIndex {
  readonly layers: readonly { readonly name: string; readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number }[] }[];
}

const CONVERTED_INDEX = "weights.json";
const CONVERTED_BIN = "weights.bin";

/** The layers of a converted copy, or undefined when `dir` holds none or one that does not add up. */
async function readConvertedCopy(dir: string): Promise<Map<string, StoredLayer> | undefined> {
  let index: ConvertedIndex;
  let bin: Buffer;
  try {
    index = JSON.parse(await fs.readFile(path.join(dir, CONVERTED_INDEX), "utf8")) as ConvertedIndex;
    bin = await fs.readFile(path.join(dir, CONVERTED_BIN));
  } catch {
    return undefined;
  }
  const floats = new Float32Array(bin.buffer, bin.byteOffset, Math.floor(bin.byteLength / 4));
  const layers = new Map<string, StoredLayer>();
  for (const layer of index.layers ?? []) {
    const values = [];
    for (const weight of layer.weights) {
      const count = weight.shape.reduce((product, length) => product * length, 1);
      if (!Number.isInteger(weight.offset) || weight.offset < 0 || weight.offset + count > floats.length) return undefined;
      values.push({ shape: [...weight.shape], data: floats.subarray(weight.offset, weight.offset + count) });
    }
    layers.set(layer.name, { names: layer.weights.map((weight) => weight.name), values });
  }
  return layers;
}

/**
 * A Keras weight file's layers, read through a TF.js-layout copy in `dir` (`weights.json` +
 * `weights.bin`, float32 back to back): the first call reads the HDF5 file and writes the copy
 * (through a temporary folder renamed into place), later calls read only the copy. `dir` must be
 * keyed by the file's content (its SHA-256), so a changed file never meets an old copy.
 */
export async function readKerasWeightsOnce(file: string, dir: string): Promise<Map<string, StoredLayer>> {
  const converted = await readConvertedCopy(dir);
  if (converted !== undefined) return converted;
  const stored = await readKerasWeights(file);
  const index: ConvertedIndex["layers"][number][] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, layer] of stored) {
    const weights = layer.values.map((value, w) => {
      const entry = { name: layer.names[w] ?? String(w), shape: value.shape, offset };
      chunks.push(value.data);
      offset += value.data.length;
      return entry;
    });
    index.push({ name, weights });
  }
  const temporary = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.mkdir(temporary, { recursive: true });
    await writeFileDurably(path.join(temporary, CONVERTED_BIN), Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))));
    await writeFileDurably(path.join(temporary, CONVERTED_INDEX), JSON.stringify({ source: path.basename(file), layers: index }));
    await fs.rename(temporary, dir);
  } catch {
    // Another process converted it first, or the cache is read-only: the weights are read all the same.
  } finally {
    await fs.rm(temporary, { recursive: true, force: true });
  }
  return stored;
}
