/**
 * A named architecture (`pretrained(resnet50, …)`) as the backbone of a generated model: the
 * program builds its layers from DLM's zoo definition, and this module decides what trains
 * and where ImageNet weights come from. Weight files live in DLM's model cache,
 * `~/.cache/dlm/models/` (`$DLM_CACHE/models/` when `DLM_CACHE` is set).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { assertFiniteWeights } from "./finite-weights.js";
import { readKerasWeightsOnce, setKerasWeights } from "./keras-h5.js";
import { keepBatchNormInInference, setTrainable } from "./unfreeze.js";
import { ensureWeightFile, WeightDownloadError, type CachedWeightFile, type WeightFileSource } from "./zoo-download.js";

/** The folder of DLM's model cache: `$DLM_CACHE/models`, else `~/.cache/dlm/models`. */
export function zooCacheDir(environment: NodeJS.ProcessEnv = process.env): string {
  const root = environment["DLM_CACHE"];
  return root !== undefined && root !== "" ? path.join(path.resolve(root), "models") : path.join(os.homedir(), ".cache", "dlm", "models");
}

/** A zoo backbone that cannot be prepared: a missing or unreadable weight file. */
export class ZooWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZooWeightsError";
  }
}

/** How a generated program asks for a zoo backbone. */
export interface ZooBackboneArgs {
  /** The DLM name, e.g. `resnet50`. */
  readonly architecture: string;
  readonly weights: "imagenet" | "none";
  /** Keras's weight file for this top and input, where it comes from and its md5 (the zoo's `weightSourceFor`). */
  readonly source: WeightFileSource;
  /** Whether its layers train in the first stage (always with `weights: none`). */
  readonly trainable: boolean;
}

/**
 * Prepares a zoo backbone the program has built: with `weights: none` it trains whole, batch
 * normalisation included; with `weights: imagenet` its weights come from Keras's `.h5` file in
 * the cache (matched by layer name; converted once into float32 beside it), its batch normalisation runs in inference mode and it
 * trains only when `trainable`.
 */
export async function prepareZooBackbone(model: tf.LayersModel, args: ZooBackboneArgs): Promise<tf.LayersModel> {
  if (args.weights === "none") {
    setTrainable(model, "all");
    return model;
  }
  const folder = zooCacheDir();
  let cached: CachedWeightFile;
  try {
    cached = await ensureWeightFile(args.source, { folder });
  } catch (error) {
    if (!(error instanceof WeightDownloadError)) throw error;
    throw new ZooWeightsError(`${args.architecture} with \`weights: imagenet\`: ${error.message} Or train from scratch with \`weights: none\`.`);
  }
  const file = cached.file;
  // Converted once: later runs read float32 weights, not the HDF5 file (models/converted/<SHA-256>/).
  setKerasWeights(model, await readKerasWeightsOnce(file, path.join(folder, "converted", cached.sha256)), file);
  assertFiniteWeights(model, `use ${args.architecture}'s weights from ${file}`, "A weight file with NaN or infinite values cannot serve as a base.");
  return freezePretrainedBackbone(model, args.trainable);
}

/** The rules for a backbone with pretrained weights: batch normalisation in inference mode, frozen unless `trainable`. */
export function freezePretrainedBackbone(model: tf.LayersModel, trainable: boolean): tf.LayersModel {
  keepBatchNormInInference(model);
  setTrainable(model, trainable ? "all" : "none");
  return model;
}
