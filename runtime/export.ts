/**
 * The deployable bundle of `export: "DIR"`: the model files, the fitted preprocessing, the
 * class labels and a model card, written atomically; `loadBundle` reads it back for
 * `predict`.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type * as tf from "@tensorflow/tfjs";
import {
  existingDirectory,
  loadModel,
  replaceDirectoryAtomically,
  writeFileDurably,
  writeModelFiles,
} from "./model-io.js";
import type { DataInfo, Preprocessing } from "./prepared-data.js";
import { ModelFileError, readJsonInFolder } from "./bundle-manifest.js";
import { assertFiniteWeights } from "./finite-weights.js";

/** File names inside a bundle, besides `model.json` and `weights.bin`. */
export const BUNDLE_FILES = { preprocessing: "preprocessing.json", labels: "labels.json", card: "card.json" } as const;

/** What the experiment tells the card; the rest comes from the data info and the clock. */
export interface ModelCardInput {
  /** The experiment's name. */
  readonly experiment: string;
  /** Final metrics, e.g. test accuracy. Default none. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Where the data came from, e.g. `builtin("mnist")`. */
  readonly source?: string;
  /** ISO date of the export. Default now. */
  readonly date?: string;
}

/** `card.json`: what the model is, what it was trained on and how well it did. */
export interface ModelCard {
  readonly experiment: string;
  /** The data info the model expects (shape, classes, feature names) plus its source. */
  readonly data: DataInfo & { readonly source?: string };
  readonly metrics: Readonly<Record<string, number>>;
  readonly date: string;
  readonly dlmVersion: string;
}

/** A bundle read back from disk. */
export interface Bundle {
  readonly model: tf.LayersModel;
  readonly preprocessing: Preprocessing;
  readonly info: DataInfo;
  readonly card: ModelCard;
}

/**
 * Writes the bundle to `dir`, replacing an older one only once the new one is complete; the
 * older one stays as `dir.previous`. Refuses (`OutputOwnershipError`) a `dir` DLM did not write.
 */
export async function exportBundle(
  dir: string,
  model: tf.LayersModel,
  preprocessing: Preprocessing,
  info: DataInfo,
  card: ModelCardInput,
): Promise<ModelCard> {
  // Nothing non-finite is ever exported (finite-weights.ts).
  assertFiniteWeights(model, `export the model to ${dir}`);
  const written: ModelCard = {
    experiment: card.experiment,
    data: { ...info, ...(card.source === undefined ? {} : { source: card.source }) },
    metrics: { ...card.metrics },
    date: card.date ?? new Date().toISOString(),
    dlmVersion: await dlmVersion(),
  };
  await replaceDirectoryAtomically(
    dir,
    async (temporary) => {
      await writeModelFiles(temporary, model);
      await writeFileDurably(path.join(temporary, BUNDLE_FILES.preprocessing), JSON.stringify(preprocessing, null, 2));
      if (info.classes !== undefined) {
        await writeFileDurably(path.join(temporary, BUNDLE_FILES.labels), JSON.stringify(info.classes, null, 2));
      }
      await writeFileDurably(path.join(temporary, BUNDLE_FILES.card), JSON.stringify(written, null, 2));
    },
    { kind: "export", keepPrevious: true },
  );
  return written;
}

/**
 * Reads a bundle written by `exportBundle`. A missing `dir` is an error even when `dir.previous`
 * holds the bundle it replaced: serving that one silently (after `rm -rf exports/x`) passed
 * off an older model as the one asked for; the message says to name it.
 */
export async function loadBundle(dir: string): Promise<Bundle> {
  const root = await existingDirectory(dir);
  if (root !== dir) {
    throw new ModelFileError(
      `no such bundle; \`${root}\` holds the bundle it replaced: pass that folder to use it`,
      dir,
    );
  }
  // Regular files inside the bundle only, of bounded size (bundle-manifest.ts).
  const readJson = async <T>(name: string): Promise<T> => (await readJsonInFolder(root, name, name)) as T;
  const card = await readJson<ModelCard>(BUNDLE_FILES.card);
  const preprocessing = await readJson<Preprocessing>(BUNDLE_FILES.preprocessing);
  const { model, optimizerWeights } = await loadModel(root);
  for (const weight of optimizerWeights) weight.tensor.dispose();
  const { source: _source, ...info } = card.data;
  return { model, preprocessing, info, card };
}

let cachedVersion: string | undefined;

/** The version in DLM's own package.json, found by walking up from this module (source or dist). */
async function dlmVersion(): Promise<string> {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "dlm" && manifest.version !== undefined) return (cachedVersion = manifest.version);
    } catch {
      // No package.json here; keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cachedVersion = "unknown");
    dir = parent;
  }
}
