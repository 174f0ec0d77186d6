/**
 * Reading a saved model's files as data and nothing else. A `model.json` names its weight
 * files in `weightsManifest`; a downloaded or edited model can name anything there
 * (`../../secret`, `/dev/zero`, a symlink out of the folder, a file far larger than the
 * weights). Every file read here must be a regular file inside the model's folder (after
 * following symlinks), and the weight files' sizes must add up to exactly what the
 * manifest's dtypes and shapes need before a byte of them is read.
 */
import { constants, promises as fs } from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";

/** A model file that is unsafe or inconsistent; the message names the file and what is wrong. */
export class ModelFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "ModelFileError";
  }
}

/** Largest `model.json` (topology and manifest, no weights) read: 64 MiB. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Largest small JSON file of a bundle or checkpoint (card, preprocessing, labels): 64 MiB. */
export const MAX_BUNDLE_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Most weights a manifest may list: 16,384 (MobileNetV2 has 262, ResNet-152 under 1,000). A
 * manifest of a million empty weights took 81 s and 1 GB to refuse.
 */
export const MAX_MANIFEST_WEIGHTS = 16_384;

/** Bytes per element of each dtype a weights manifest may use (`string` weights are refused). */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * The bytes the manifest's weights occupy on disk: elements × bytes of their dtype (of the
 * quantized dtype when quantized). Shapes must be lists of non-negative integers.
 */
export function manifestByteLength(weights: readonly tf.io.WeightsManifestEntry[], file: string): number {
  if (weights.length > MAX_MANIFEST_WEIGHTS) {
    throw new ModelFileError(`the weightsManifest lists ${weights.length} weights; the limit is ${MAX_MANIFEST_WEIGHTS}`, file);
  }
  let total = 0;
  for (const weight of weights) {
    const name = typeof weight?.name === "string" ? weight.name : "?";
    if (!Array.isArray(weight?.shape) || !weight.shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
      throw new ModelFileError(`weight "${name}" has no valid shape (a list of non-negative integers)`, file);
    }
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    const bytes = DTYPE_BYTES[dtype];
    if (bytes === undefined || !Object.hasOwn(DTYPE_BYTES, dtype)) {
      throw new ModelFileError(`weight "${name}" has dtype ${JSON.stringify(dtype)}, which DLM cannot load`, file);
    }
    total += weight.shape.reduce((product, size) => product * size, 1) * bytes;
    if (!Number.isSafeInteger(total)) throw new ModelFileError(`the weights' total size is too large`, file);
  }
  return total;
}

/**
 * The file a manifest path names, after checking that it stays inside `dir` (no absolute
 * path, no `..` out of it, no symlink leading out) and is a regular file. `suffixes` are
 * tried in order after the bare name (nsfwjs ships `group1-shard1of1` as `….min.js`).
 */
export async function resolveWeightFile(
  dir: string,
  manifestPath: unknown,
  modelFile: string,
  suffixes: readonly string[] = [""],
): Promise<string> {
  if (typeof manifestPath !== "string" || manifestPath === "" || manifestPath.includes("\0")) {
    throw new ModelFileError(`weightsManifest names an invalid path ${JSON.stringify(manifestPath)}`, modelFile);
  }
  if (path.isAbsolute(manifestPath) || /^[a-zA-Z]:|^[\\/]/.test(manifestPath)) {
    throw new ModelFileError(
      `weightsManifest names the absolute path "${manifestPath}"; weight files must lie in the model's folder`,
      modelFile,
    );
  }
  const folder = path.resolve(dir);
  if (!isInside(path.resolve(folder, manifestPath), folder)) {
    throw new ModelFileError(
      `weightsManifest names "${manifestPath}", outside the model's folder ${folder}; weight files must lie in it`,
      modelFile,
    );
  }
  for (const suffix of suffixes) {
    const found = await fileInFolder(folder, manifestPath + suffix, modelFile, "weight file");
    if (found !== undefined) return found;
  }
  const tried = suffixes.length > 1 ? ` (also tried ${suffixes.filter((s) => s !== "").join(", ")})` : "";
  throw new ModelFileError(`weight file "${manifestPath}" not found in ${folder}${tried}`, modelFile);
}

/**
 * The real path of `name` inside `folder` when it exists: a regular file that, symlinks
 * followed, still lies in the folder. Undefined when there is no such file.
 */
async function fileInFolder(folder: string, name: string, referrer: string, what: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await fs.realpath(path.resolve(folder, name));
  } catch {
    return undefined;
  }
  const realFolder = await fs.realpath(folder);
  if (!isInside(real, realFolder)) {
    throw new ModelFileError(`the ${what} "${name}" is a link to ${real}, outside the model's folder`, referrer);
  }
  if (!(await fs.stat(real)).isFile()) {
    throw new ModelFileError(`the ${what} "${name}" is not a regular file`, referrer);
  }
  return real;
}

/**
 * Parses the JSON file `name` of a bundle or checkpoint folder: it must be a regular file in
 * the folder (a symlink out of it is refused), at most `maxBytes` long.
 */
export async function readJsonInFolder(
  folder: string,
  name: string,
  what: string,
  maxBytes = MAX_BUNDLE_JSON_BYTES,
): Promise<unknown> {
  const file = path.join(folder, name);
  const found = await fileInFolder(path.resolve(folder), name, file, what);
  if (found === undefined) throw new ModelFileError(`no such ${what}`, file);
  return readJsonFile(found, what, maxBytes);
}

/**
 * Reads a regular file of at most `maxBytes` (`exactBytes`, when given, must be its size):
 * special files (`/dev/zero`, FIFOs) and oversized files are refused before reading.
 */
export async function readRegularFile(
  file: string,
  limits: { readonly maxBytes?: number; readonly exactBytes?: number; readonly what?: string } = {},
): Promise<Buffer> {
  const what = limits.what ?? "file";
  let handle: fs.FileHandle;
  try {
    // Non-blocking, so that a FIFO cannot hang the open; checked to be a regular file right after.
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === "ENOENT" ? `no such ${what}` : `cannot read the ${what} (${code ?? error})`,
      file,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ModelFileError(`the ${what} is not a regular file`, file);
    if (limits.exactBytes !== undefined && stat.size !== limits.exactBytes) {
      throw new ModelFileError(
        `the ${what} holds ${stat.size} bytes; the model's weightsManifest needs exactly ${limits.exactBytes}`,
        file,
      );
    }
    if (limits.maxBytes !== undefined && stat.size > limits.maxBytes) {
      throw new ModelFileError(`the ${what} holds ${stat.size} bytes; the limit is ${limits.maxBytes}`, file);
    }
    const bytes = Buffer.alloc(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== bytes.length) throw new ModelFileError(`the ${what} changed size while being read`, file);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Parses a JSON file read with the checks of `readRegularFile`. */
export async function readJsonFile(file: string, what: string, maxBytes = MAX_BUNDLE_JSON_BYTES): Promise<unknown> {
  const text = (await readRegularFile(file, { maxBytes, what })).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelFileError(`the ${what} is not valid JSON (${(error as Error).message})`, file);
  }
}

/** A parsed `model.json` whose `weightsManifest` is a list of groups with `paths` and `weights` lists. */
export function checkModelJson(json: unknown, file: string): tf.io.ModelJSON {
  if (typeof json !== "object" || json === null || !("modelTopology" in json)) {
    throw new ModelFileError("not a TF.js layers model (no modelTopology)", file);
  }
  const manifest = (json as { weightsManifest?: unknown }).weightsManifest;
  const groupsOk =
    Array.isArray(manifest) &&
    manifest.every(
      (group: unknown) =>
        typeof group === "object" &&
        group !== null &&
        Array.isArray((group as { paths?: unknown }).paths) &&
        Array.isArray((group as { weights?: unknown }).weights),
    );
  if (manifest !== undefined && !groupsOk) {
    throw new ModelFileError("weightsManifest must be a list of groups, each with `paths` and `weights` lists", file);
  }
  return json as tf.io.ModelJSON;
}

/**
 * Every weight of a manifest as tfjs's loader wants them: the specs, and the files' bytes
 * back to back. `readShard` reads one checked file given the bytes the files still owe (the
 * default reads plain binary and holds it to that size).
 */
export async function readManifestWeights(
  modelFile: string,
  manifest: tf.io.WeightsManifestConfig,
  options: {
    readonly suffixes?: readonly string[];
    readonly readShard?: (file: string, remainingBytes: number) => Promise<Uint8Array>;
  } = {},
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const dir = path.dirname(modelFile);
  const specs = manifest.flatMap((group) => group.weights);
  const expected = manifestByteLength(specs, modelFile);
  const files: string[] = [];
  for (const group of manifest) {
    for (const shard of group.paths) files.push(await resolveWeightFile(dir, shard, modelFile, options.suffixes));
  }
  const readShard = options.readShard ?? readPlainShard;
  if (options.readShard === undefined) {
    // Plain shards: their sizes on disk must add up to the manifest's before any is read.
    let total = 0;
    for (const file of files) total += (await fs.stat(file)).size;
    if (total !== expected) {
      throw new ModelFileError(
        `the weight files (${files.map((file) => path.basename(file)).join(", ")}) hold ${total} bytes; ` +
          `the weightsManifest's dtypes and shapes need exactly ${expected}`,
        modelFile,
      );
    }
  }
  const weights = new Uint8Array(expected);
  let filled = 0;
  for (const file of files) {
    const bytes = await readShard(file, expected - filled);
    if (bytes.length > expected - filled) {
      throw new ModelFileError(`holds more weight bytes than the weightsManifest needs (${expected} in all)`, file);
    }
    weights.set(bytes, filled);
    filled += bytes.length;
  }
  if (filled !== expected) {
    throw new ModelFileError(
      `the weight files hold ${filled} bytes; the weightsManifest's dtypes and shapes need exactly ${expected}`,
      modelFile,
    );
  }
  return [specs, weights.buffer];
}

async function readPlainShard(file: string, remainingBytes: number): Promise<Uint8Array> {
  return readRegularFile(file, { maxBytes: remainingBytes, what: "weight file" });
}

/** True when `inner` is `outer` or lies below it (both absolute). */
function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
