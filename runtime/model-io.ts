/**
 * Saving and loading layers models on disk without tfjs-node: the same `model.json` +
 * `weights.bin` layout as tfjs-node's `file://` handler, written into a temporary
 * directory and renamed into place, so a reader never sees a half-written model.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkModelJson, MAX_MODEL_JSON_BYTES, readJsonInFolder, readManifestWeights } from "./bundle-manifest.js";
import { buildWithinManifest } from "./bounded-model-build.js";
// Registers the zoo's preprocessing layer, so a bundle whose model.json records it loads.
import "./image-preprocessing.js";
import { canSaveOptimizerState } from "./optimizers.js";
import { assertOwnedOutput, temporaryPrefix, withOutputLock, writeBundleMarker } from "./output-ownership.js";

/** File names inside a saved-model directory (tfjs-node's names). */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/** tfjs groups optimizer slots under this name in the weights manifest (`includeOptimizer`). */
const OPTIMIZER_GROUP = "optimizer";

/** Arguments of `saveModel`. */
export interface SaveModelOptions {
  /** Also store this optimizer's state (iteration count, moments) after the model weights. Default none. */
  readonly optimizer?: tf.Optimizer;
  /** Extra JSON stored as the model's `userDefinedMetadata`. */
  readonly metadata?: Record<string, unknown>;
}

/** A named tensor, as `optimizer.getWeights()` returns them. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** What `saveModel` wrote. */
export interface SaveModelResult {
  /** False when no optimizer was given or it cannot export its state (Adamax in tfjs 4.22). */
  readonly optimizerSaved: boolean;
}

/** Writes `model.json` + `weights.bin` to `dir`, replacing what was there only once complete. */
export async function saveModel(
  dir: string,
  model: tf.LayersModel,
  options: SaveModelOptions = {},
): Promise<SaveModelResult> {
  let result: SaveModelResult = { optimizerSaved: false };
  await replaceDirectoryAtomically(dir, async (temporary) => {
    result = await writeModelFiles(temporary, model, options);
  });
  return result;
}

/** Writes the model files into an existing directory, non-atomically (for callers that assemble a bigger directory). */
export async function writeModelFiles(
  dir: string,
  model: tf.LayersModel,
  options: SaveModelOptions = {},
): Promise<SaveModelResult> {
  const artifacts = await modelArtifacts(model, options.metadata);
  const optimizer = options.optimizer;
  const optimizerSaved = optimizer !== undefined && canSaveOptimizerState(optimizer);
  if (optimizerSaved) {
    const encoded = await tf.io.encodeWeights(await optimizer.getWeights(), OPTIMIZER_GROUP);
    artifacts.weightSpecs = [...(artifacts.weightSpecs ?? []), ...encoded.specs];
    artifacts.weightData = tf.io.concatenateArrayBuffers([joinWeightData(artifacts.weightData), encoded.data]);
  }
  await fileSystemHandler(dir).save(artifacts);
  return { optimizerSaved };
}

/** A model read back from disk, with the optimizer state that was saved with it (empty when none). */
export interface LoadedModel {
  readonly model: tf.LayersModel;
  /** Optimizer weights in saved order, ready for `optimizer.setWeights`; the caller disposes them. */
  readonly optimizerWeights: NamedTensor[];
  readonly metadata?: Record<string, unknown>;
}

/** Loads a model saved by `saveModel` (or by tfjs-node's `file://` handler). */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const root = await existingDirectory(dir);
  const artifacts = await fileSystemHandler(root).load();
  // The topology may only build weights the weight files hold (bounded-model-build.ts).
  const model = await buildWithinManifest(artifacts, path.join(root, MODEL_JSON), () =>
    tf.loadLayersModel(tf.io.fromMemory(artifacts)),
  );
  const specs = artifacts.weightSpecs ?? [];
  const optimizerNames = new Set(specs.filter((spec) => spec.group === OPTIMIZER_GROUP).map((spec) => spec.name));
  const optimizerWeights: NamedTensor[] = [];
  if (optimizerNames.size > 0 && artifacts.weightData !== undefined) {
    const decoded = tf.io.decodeWeights(artifacts.weightData, specs);
    for (const spec of specs) {
      const tensor = decoded[spec.name];
      if (tensor === undefined) continue;
      if (optimizerNames.has(spec.name)) optimizerWeights.push({ name: spec.name, tensor });
      else tensor.dispose();
    }
  }
  const metadata = artifacts.userDefinedMetadata as Record<string, unknown> | undefined;
  return { model, optimizerWeights, ...(metadata === undefined ? {} : { metadata }) };
}

/**
 * An IOHandler over a directory: `save` writes `model.json` and `weights.bin` into it
 * (creating it), `load` reads them back, following every path of the weights manifest
 * that stays inside the directory, and refusing files whose sizes the manifest does not explain.
 */
export function fileSystemHandler(dir: string): Required<Pick<tf.io.IOHandler, "save" | "load">> {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await fs.mkdir(dir, { recursive: true });
      const weightData = joinWeightData(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON["modelTopology"],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
        ...(artifacts.signature === undefined ? {} : { signature: artifacts.signature }),
      };
      await writeFileDurably(path.join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      await writeFileDurably(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      // Weight paths stay inside `dir` and the files' sizes match the manifest (bundle-manifest.ts).
      const modelFile = path.join(dir, MODEL_JSON);
      const json = await readJsonInFolder(dir, MODEL_JSON, "model.json", MAX_MODEL_JSON_BYTES);
      const modelJson = checkModelJson(json, modelFile);
      return tf.io.getModelArtifactsForJSON(modelJson, (manifest) => readManifestWeights(modelFile, manifest));
    },
  };
}

/** The model's topology and weights as tfjs serialises them, captured without writing anything. */
async function modelArtifacts(
  model: tf.LayersModel,
  metadata: Record<string, unknown> | undefined,
): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (captured === undefined) throw new Error("model.save did not produce artifacts");
  // Set on the artifacts rather than with setUserDefinedMetadata, which would change the model.
  return metadata === undefined
    ? captured
    : { ...captured, userDefinedMetadata: { ...captured.userDefinedMetadata, ...(metadata as Record<string, {}>) } };
}

/** tfjs may hand weights over as several buffers; the file holds them back to back. */
function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/** The bytes of a (possibly pooled) Node buffer as an ArrayBuffer of their own. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

// ---------------------------------------------------------------------------------------
// Atomic directories, shared by saved models, checkpoints and exported bundles.

/** Where the replaced directory waits while the new one is renamed in; a reader falls back to it. */
function previousDirectory(dir: string): string {
  return `${path.resolve(dir)}.previous`;
}

/** Options of `replaceDirectoryAtomically`. */
export interface ReplaceDirectoryOptions {
  /** What the folder is, for messages and for what may be found there. Default `checkpoint`. */
  readonly kind?: "export" | "checkpoint";
  /** Keep the replaced folder as `dir.previous` (exports) instead of deleting it. Default false. */
  readonly keepPrevious?: boolean;
}

/**
 * Fills a fresh temporary directory beside `dir`, signed first with DLM's marker, then
 * renames it to `dir`. The old directory stays intact until the new one is complete;
 * between the two renames it lives at `dir.previous`, which `existingDirectory` falls back
 * to, and with `keepPrevious` it stays there. Only a folder DLM wrote is ever replaced
 * (`assertOwnedOutput`): anything else at `dir` or `dir.previous` is an
 * `OutputOwnershipError` before anything is written. One process at a time (`dir.dlm-lock`);
 * the temporary folder is removed on any failure.
 */
export async function replaceDirectoryAtomically(
  dir: string,
  fill: (temporary: string) => Promise<void>,
  options: ReplaceDirectoryOptions = {},
): Promise<void> {
  const target = path.resolve(dir);
  const kind = options.kind ?? "checkpoint";
  const previous = previousDirectory(target);
  assertOwnedOutput(target, kind);
  assertOwnedOutput(previous, kind);
  await fs.mkdir(path.dirname(target), { recursive: true });
  // One writer per folder: a second process waits for the first (`withOutputLock`).
  await withOutputLock(target, async () => {
    const temporary = await fs.mkdtemp(temporaryPrefix(target));
    try {
      // Signed first, so even a half-written temporary folder is provably DLM's.
      await writeBundleMarker(temporary, target);
      await fill(temporary);
      // Checked again after filling: the folder may have changed hands during a long save.
      assertOwnedOutput(target, kind);
      assertOwnedOutput(previous, kind);
      // A replacement killed between its two renames left the only whole copy at `previous`: put it back before clearing.
      if (!(await exists(target)) && (await exists(previous))) await fs.rename(previous, target);
      await fs.rm(previous, { recursive: true, force: true });
      const hadOld = await renameIfExists(target, previous);
      await fs.rename(temporary, target);
      if (hadOld && options.keepPrevious !== true) await fs.rm(previous, { recursive: true, force: true });
    } catch (error) {
      await fs.rm(temporary, { recursive: true, force: true });
      throw error;
    }
  });
}

/** `dir` when it exists, else the `dir.previous` left by an interrupted replacement, else `dir`. */
export async function existingDirectory(dir: string): Promise<string> {
  if (await exists(dir)) return dir;
  const previous = previousDirectory(dir);
  return (await exists(previous)) ? previous : dir;
}

/** Whether something is at `file` (a file or a folder). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

async function renameIfExists(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Writes and fsyncs a file, so that the rename that publishes it never exposes unwritten data. */
export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
