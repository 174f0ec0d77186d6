/**
 * Image folders: every PNG or JPEG is decoded with sharp, stretched to `[height, width]` and
 * converted to the requested channels. A file that cannot be decoded is a `DataError`
 * naming it.
 */
import sharp from "sharp";
import { DataError } from "./errors.js";
import { listImageFolder } from "./inspect.js";
import type { ImageSource } from "./raw.js";

/** The size every image is brought to. */
export interface ImageFormat {
  readonly height: number;
  readonly width: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
}

/** Images decoded at the same time: enough to keep libvips busy, few enough to bound memory. */
const DECODE_CONCURRENCY = 8;

/** Reads `dir/<class>/<image>` into one image set; class ids follow the sorted folder names. */
export async function readImageFolder(dir: string, format: ImageFormat): Promise<ImageSource> {
  const folders = listImageFolder(dir);
  const files = folders.flatMap((folder) => folder.files);
  const labels = Int32Array.from(folders.flatMap((folder, id) => folder.files.map(() => id)));
  const pixels = await readImageFiles(files, format);
  return {
    kind: "images",
    file: dir,
    ...format,
    classes: folders.map((folder) => folder.className),
    train: { pixels, labels, count: files.length },
  };
}

/** Decodes image files into one `[files, height, width, channels]` byte array (also used by `predict`). */
export async function readImageFiles(files: readonly string[], format: ImageFormat): Promise<Uint8Array> {
  if (![1, 3, 4].includes(format.channels)) throw new DataError(`channels must be 1, 3 or 4, not ${format.channels}`);
  const imageBytes = format.height * format.width * format.channels;
  const pixels = new Uint8Array(files.length * imageBytes);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      pixels.set(await decodeImageFile(files[index]!, format), index * imageBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, files.length) }, worker));
  return pixels;
}

/** Decodes one file to `height × width × channels` bytes. */
export async function decodeImageFile(file: string, format: ImageFormat): Promise<Uint8Array> {
  let pipeline = sharp(file).resize(format.width, format.height, { fit: "fill" });
  pipeline =
    format.channels === 1
      ? pipeline.removeAlpha().toColourspace("b-w")
      : format.channels === 3
        ? pipeline.removeAlpha().toColourspace("srgb")
        : pipeline.ensureAlpha().toColourspace("srgb");
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== format.channels)
      throw new Error(`decoded ${info.channels} channels, expected ${format.channels}`);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw new DataError(`cannot read the image: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}
