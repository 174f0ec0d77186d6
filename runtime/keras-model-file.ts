/**
 * `pretrained("model.h5")` and `pretrained("model.keras")`: a saved Keras model converted once
 * into a TF.js layers model in DLM's cache, `models/converted/<SHA-256 of the file>/`, which
 * `loadPretrained` then reads like any model.json. Weights are matched to layers by name
 * (Keras 2) or by Keras 3's class-based paths; a layer without weights in the file stops with
 * its name.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { readRegularFile } from "./bundle-manifest.js";
import { KerasWeightsError, readKeras3Weights, readKerasWeights, setKerasWeights } from "./keras-h5.js";
import { keras3WeightPaths, readKerasModelConfig, readZipEntry, tfjsTopologyOf } from "./keras-model-config.js";
import { MODEL_JSON, saveModel } from "./model-io.js";
import { zooCacheDir } from "./zoo-backbone.js";

/** The largest Keras model file read: 2 GiB (VGG16 with its top is 528 MB). */
const MAX_KERAS_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** A Keras model file that cannot be converted: the message names the file, and the layer where one is at fault. */
export class KerasModelFileError extends Error {
  constructor(message: string, readonly file: string) {
    super(`${file}: ${message}`);
    this.name = "KerasModelFileError";
  }
}

/** The cache folder of a Keras file's TF.js conversion: `models/converted/<SHA-256>`. */
export function convertedModelDir(sha256: string, cacheDir: string = zooCacheDir()): string {
  return path.join(cacheDir, "converted", sha256);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The model.json of a `.h5` / `.keras` file's conversion, converting it first when the cache
 * has none for the file's SHA-256 (a changed file is converted anew).
 */
export async function convertKerasModelFile(file: string, cacheDir: string = zooCacheDir()): Promise<string> {
  const bytes = await readRegularFile(file, { maxBytes: MAX_KERAS_FILE_BYTES, what: "Keras model file" });
  const dir = convertedModelDir(createHash("sha256").update(bytes).digest("hex"), cacheDir);
  const modelJson = path.join(dir, MODEL_JSON);
  if (await isFile(modelJson)) return modelJson;
  const model = await kerasModel(bytes, file);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await saveModel(dir, model);
  model.dispose();
  return modelJson;
}

/** Builds the file's architecture with TF.js and sets its weights from the file. */
async function kerasModel(bytes: Uint8Array, file: string): Promise<tf.LayersModel> {
  const config = readKerasModelConfig(bytes, file);
  if (typeof config === "string") throw new KerasModelFileError(config, file);
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: tfjsTopologyOf(config) as tf.io.ModelJSON["modelTopology"] });
  } catch (error) {
    throw new KerasModelFileError(`TF.js cannot build the model's architecture (${error instanceof Error ? error.message : String(error)})`, file);
  }
  try {
    const stored = config.keras3 ? await readKeras3File(bytes, file, keras3WeightPaths(config)) : await readKerasWeights(file);
    setKerasWeights(model, stored, file);
  } catch (error) {
    model.dispose();
    if (error instanceof KerasWeightsError) throw new KerasModelFileError(error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message, file);
    throw error;
  }
  return model;
}

/** Keras 3's weights: `model.weights.h5` taken out of the zip into a temporary file h5wasm can open. */
async function readKeras3File(bytes: Uint8Array, file: string, paths: ReadonlyMap<string, string>): ReturnType<typeof readKeras3Weights> {
  const weights = readZipEntry(bytes, "model.weights.h5", MAX_KERAS_FILE_BYTES);
  if (typeof weights === "string") throw new KerasModelFileError(`not a Keras 3 \`.keras\` file: ${weights}`, file);
  const temporary = path.join(os.tmpdir(), `dlm-keras-${process.pid}-${randomBytes(4).toString("hex")}.weights.h5`);
  try {
    await fs.writeFile(temporary, weights, { flag: "wx", mode: 0o600 });
    const stored = await readKeras3Weights(temporary, paths);
    // Messages name the user's file, not the temporary copy.
    return new Map([...stored].map(([name, layer]) => [name, { ...layer, names: layer.names.map((weight) => `model.weights.h5:${weight}`) }]));
  } finally {
    await fs.rm(temporary, { force: true });
  }
}
