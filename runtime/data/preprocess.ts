/**
 * Repeating the training preprocessing on new raw inputs (for `predict` after export): the
 * same encodings, tokenizer and normalisation statistics `prepareData` fitted, applied with
 * the same functions.
 */
import * as tf from "@tensorflow/tfjs";
import type { Preprocessing } from "../prepared-data.js";
import { DataError } from "./errors.js";
import { applyNormalization } from "./normalize.js";
import type { Cell } from "./raw.js";
import { encodeRow, featureCountOf } from "./table.js";
import { encodeTexts } from "./tokenize.js";

/** A raw row: column name → value as read (missing = null or absent). */
export type RawRow = Readonly<Record<string, Cell>>;

/** Raw inputs, one variant per modality. */
export type RawFeatures =
  /** Tabular: one example per row. */
  | { readonly kind: "rows"; readonly rows: readonly RawRow[] }
  /** Time series: one example per window of consecutive rows (all windows equally long). */
  | { readonly kind: "windows"; readonly windows: readonly (readonly RawRow[])[] }
  /** Text: one example per string. */
  | { readonly kind: "texts"; readonly texts: readonly string[] }
  /** Images already decoded at the training size (see `readImageFiles`), values 0–255, `[count, h, w, c]`. */
  | { readonly kind: "images"; readonly pixels: Uint8Array | Float32Array; readonly count: number };

/** Encoded inputs as a flat array and the tensor shape they make. */
export interface EncodedFeatures {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/** Encodes and normalises raw inputs exactly as training did (pure; no tensors). */
export function encodeFeatures(preprocessing: Preprocessing, input: RawFeatures): EncodedFeatures {
  switch (input.kind) {
    case "texts": {
      const tokenizer = preprocessing.tokenizer;
      if (tokenizer === undefined) throw new DataError("this model was not trained on text");
      return { values: encodeTexts(tokenizer, input.texts), shape: [input.texts.length, tokenizer.length] };
    }
    case "images": {
      const image = preprocessing.image;
      if (image === undefined) throw new DataError("this model was not trained on images");
      const expected = input.count * image.height * image.width * image.channels;
      if (input.pixels.length !== expected) {
        throw new DataError(
          `expected ${expected} pixel values for ${input.count} images of ${image.height}×${image.width}×${image.channels}, got ${input.pixels.length}`,
        );
      }
      const values = Float32Array.from(input.pixels);
      applyNormalization(values, image.channels, preprocessing.normalize);
      return { values, shape: [input.count, image.height, image.width, image.channels] };
    }
    case "rows": {
      const values = encodeRows(preprocessing, input.rows);
      return { values, shape: [input.rows.length, featureWidth(preprocessing)] };
    }
    case "windows": {
      const length = input.windows[0]?.length ?? 0;
      if (input.windows.some((window) => window.length !== length))
        throw new DataError("every window must have the same number of rows");
      const values = encodeRows(preprocessing, input.windows.flat());
      return { values, shape: [input.windows.length, length, featureWidth(preprocessing)] };
    }
  }
}

/** `encodeFeatures` as a tensor, ready for `model.predict` (the caller disposes it). */
export function applyPreprocessing(preprocessing: Preprocessing, input: RawFeatures): tf.Tensor {
  const { values, shape } = encodeFeatures(preprocessing, input);
  return values instanceof Int32Array
    ? tf.tensor(values, [...shape], "int32")
    : tf.tensor(values, [...shape], "float32");
}

/** Tabular rows → normalised `[rows, features]` values; `row` in errors is the 1-based input row. */
function encodeRows(preprocessing: Preprocessing, rows: readonly RawRow[]): Float32Array {
  const columns = preprocessing.columns;
  if (columns === undefined) throw new DataError("this model was not trained on table rows");
  const width = featureCountOf(columns);
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, index) =>
    encodeRow(columns, (name) => row[name] ?? null, values, index * width, { row: index + 1 }),
  );
  applyNormalization(values, width, preprocessing.normalize);
  return values;
}

/** Features per row of a tabular model. */
function featureWidth(preprocessing: Preprocessing): number {
  return featureCountOf(preprocessing.columns ?? []);
}
