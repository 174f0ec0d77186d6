/**
 * IDX files (MNIST, Fashion-MNIST): a big-endian header — two zero bytes, a type byte
 * (0x08 = unsigned bytes), the number of dimensions — then one 32-bit size per dimension
 * and the data. Images are magic 0x00000803 (3 dimensions), labels 0x00000801.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DataError, describeFsError } from "./errors.js";
import type { ImageSet, ImageSource } from "./raw.js";

/** Magic number of an IDX file of unsigned-byte images `[n, rows, cols]`. */
export const IDX_IMAGES_MAGIC = 0x803;
/** Magic number of an IDX file of unsigned-byte labels `[n]`. */
export const IDX_LABELS_MAGIC = 0x801;

/** A parsed IDX array: its dimensions and its bytes (a view into the file's buffer). */
export interface IdxArray {
  readonly magic: number;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Parses IDX bytes, checking the magic number and that the sizes match the data. */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) throw new DataError("not an IDX file: shorter than its header", { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const dimensions = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || dimensions === 0) {
    throw new DataError(`not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`, { file });
  }
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DataError(`expected IDX magic 0x${expectedMagic.toString(16)}, found 0x${magic.toString(16)}`, { file });
  }
  const headerBytes = 4 + 4 * dimensions;
  if (bytes.length < headerBytes) throw new DataError("IDX header is truncated", { file });
  const shape = Array.from({ length: dimensions }, (_, d) => view.getUint32(4 + 4 * d, false));
  const size = shape.reduce((product, n) => product * n, 1);
  if (bytes.length - headerBytes !== size) {
    throw new DataError(`IDX data has ${bytes.length - headerBytes} bytes, the header promises ${size}`, { file });
  }
  return { magic, shape, data: bytes.subarray(headerBytes) };
}

/** Reads an IDX file from disk, gunzipping it when the name ends in `.gz`. */
export function readIdxFile(path: string, expectedMagic?: number): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
    if (path.endsWith(".gz")) bytes = gunzipSync(bytes);
  } catch (error) {
    throw new DataError(`cannot read the IDX file (${describeFsError(error)})`, { file: path });
  }
  return parseIdx(bytes, path, expectedMagic);
}

/** Images `[n, height, width]` and labels `[n]` of one split, as bytes. */
export interface IdxImageSet extends ImageSet {
  readonly height: number;
  readonly width: number;
}

/** Reads an images file and its labels file and checks they describe the same examples. */
export function readIdxImageSet(imagesPath: string, labelsPath: string): IdxImageSet {
  const images = readIdxFile(imagesPath, IDX_IMAGES_MAGIC);
  const labels = readIdxFile(labelsPath, IDX_LABELS_MAGIC);
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new DataError(`${labels.shape[0]} labels for ${count} images in ${imagesPath}`, { file: labelsPath });
  }
  return { pixels: images.data, labels: Int32Array.from(labels.data), count, height, width };
}

/** File names of the four IDX files of a data set in the MNIST layout. */
export interface IdxFileNames {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/** Reads a data set in the MNIST layout (train + test IDX pairs in one folder) as grey images. */
export function readIdxImageSource(dir: string, files: IdxFileNames, classes: readonly string[]): ImageSource {
  const train = readIdxImageSet(join(dir, files.trainImages), join(dir, files.trainLabels));
  const test = readIdxImageSet(join(dir, files.testImages), join(dir, files.testLabels));
  if (test.height !== train.height || test.width !== train.width) {
    throw new DataError(
      `test images are ${test.height}×${test.width}, training images ${train.height}×${train.width}`,
      { file: dir },
    );
  }
  return { kind: "images", file: dir, height: train.height, width: train.width, channels: 1, classes, train, test };
}
