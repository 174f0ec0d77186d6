/**
 * The data DLM prepared, written for another engine: each split as `.npy` files (features
 * float32, or int32 token ids; labels int32 class ids or float32 targets) plus `manifest.json`
 * with shapes, dtypes, classes, the fitted preprocessing and the class weights. The torch
 * program reads these files and never repeats the pipeline, so both engines train on the
 * same examples, split, normalised and tokenized once, by DLM.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { encodeNpy } from "./npy.js";
import type { DataInfo, PreparedData, Preprocessing, Split } from "../prepared-data.js";

/** One split's files in the manifest. */
export interface PreparedSplitFiles {
  readonly x: string;
  readonly y: string;
  readonly size: number;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly xDtype: "float32" | "int32";
  readonly yDtype: "float32" | "int32";
}

/** `manifest.json` of a prepared-data folder. */
export interface PreparedManifest {
  readonly format: "dlm-prepared-1";
  readonly task: DataInfo["task"];
  readonly info: DataInfo;
  readonly splits: Readonly<Partial<Record<"train" | "validation" | "test", PreparedSplitFiles>>>;
  readonly preprocessing: Preprocessing;
  /** Weight of each class id (`class_weight`), or null. */
  readonly classWeights: readonly number[] | null;
}

async function writeSplit(dir: string, name: string, split: Split): Promise<PreparedSplitFiles> {
  const x = split.x.dataSync();
  const y = split.y.dataSync();
  const xArray = x instanceof Int32Array ? x : Float32Array.from(x);
  const yArray = split.y.dtype === "int32" ? Int32Array.from(y) : Float32Array.from(y);
  const files = { x: `${name}.x.npy`, y: `${name}.y.npy` };
  await fs.writeFile(path.join(dir, files.x), encodeNpy({ data: xArray, shape: split.x.shape }));
  await fs.writeFile(path.join(dir, files.y), encodeNpy({ data: yArray, shape: split.y.shape }));
  return {
    ...files,
    size: split.size,
    xShape: split.x.shape,
    yShape: split.y.shape,
    xDtype: xArray instanceof Int32Array ? "int32" : "float32",
    yDtype: yArray instanceof Int32Array ? "int32" : "float32",
  };
}

/** Writes every split of `data` and its manifest into `dir` (created when missing); returns the manifest. */
export async function writePreparedData(
  dir: string,
  data: PreparedData,
  classWeights?: ArrayLike<number>,
): Promise<PreparedManifest> {
  await fs.mkdir(dir, { recursive: true });
  const splits: Partial<Record<"train" | "validation" | "test", PreparedSplitFiles>> = {
    train: await writeSplit(dir, "train", data.train),
  };
  if (data.validation !== undefined && data.validation.size > 0) splits.validation = await writeSplit(dir, "validation", data.validation);
  if (data.test !== undefined && data.test.size > 0) splits.test = await writeSplit(dir, "test", data.test);
  const manifest: PreparedManifest = {
    format: "dlm-prepared-1",
    task: data.info.task,
    info: data.info,
    splits,
    preprocessing: data.preprocessing,
    classWeights: classWeights === undefined ? null : Array.from(classWeights),
  };
  await fs.writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}
