/**
 * Registries of `data { }`: sources, transforms, normalizations and augmentations (docs/language.md §4).
 * Built-in data sets live in the runtime's own registry (`runtime/data/builtin-datasets.ts`).
 */
import { makeRegistry, type Definition } from "./definition.js";

/** `source: builtin("mnist")`, `csv(...)`, `images(...)`. */
export const SOURCES = makeRegistry<Definition>("data source", [
  {
    name: "builtin",
    doc: "A real data set shipped with DLM or its dependencies; `dlm datasets` lists them.",
    params: [{ name: "name", type: "string", doc: "The data set's name, e.g. \"mnist\"." }],
  },
  {
    name: "csv",
    doc: "A CSV file with a header row: numeric columns stay numeric, string columns are one-hot encoded, a `text` column becomes token ids.",
    params: [
      { name: "path", type: "string", doc: "The CSV file, relative to the .dlm file." },
      { name: "label", type: "string", doc: "The label (target) column." },
      {
        name: "features",
        type: "string",
        list: true,
        doc: "Feature columns in input order (default: every other column except free text).",
      },
      { name: "text", type: "string", doc: "A text column that `tokenize` turns into token ids.", default: "" },
      { name: "delimiter", type: "string", doc: "Field separator.", default: "," },
    ],
  },
  {
    name: "images",
    doc: "A folder with one sub-folder per class holding PNG and JPEG images.",
    params: [
      { name: "dir", type: "string", doc: "The folder, relative to the .dlm file." },
      { name: "size", type: "shape", doc: "Images are resized to [height, width]." },
      { name: "channels", type: "int", doc: "1 (grey), 3 (RGB) or 4 (RGBA).", min: 1, max: 4, default: 3 },
    ],
  },
]);

/** Calls that stand alone in `data { }`. */
export const DATA_TRANSFORMS = makeRegistry<Definition>("data transform", [
  {
    name: "tokenize",
    doc: "Turns a text column into token ids; the vocabulary comes from the training split only.",
    params: [
      { name: "vocab", type: "int", doc: "Vocabulary size (ids 0 = padding, 1 = unknown).", min: 3, default: 10_000 },
      { name: "length", type: "int", doc: "Sequences are padded or truncated to this length.", min: 1, default: 100 },
      { name: "lowercase", type: "bool", doc: "Lower-case the text first.", default: true },
    ],
  },
  {
    name: "window",
    doc: "Time series: sliding windows of `size` rows predicting `horizon` steps of `target`.",
    params: [
      { name: "size", type: "int", doc: "Rows per window.", min: 1 },
      { name: "horizon", type: "int", doc: "Steps ahead to predict.", min: 1, default: 1 },
      { name: "target", type: "string", doc: "The numeric column to predict (default: the CSV `label`).", default: "" },
    ],
  },
]);

/** `normalize: standardize | minmax | scale(X) | none`. */
export const NORMALIZATIONS = makeRegistry<Definition>("normalization", [
  { name: "standardize", doc: "(x - mean) / std per feature, statistics from the training split.", params: [] },
  { name: "minmax", doc: "(x - min) / (max - min) per feature, statistics from the training split.", params: [] },
  {
    name: "scale",
    doc: "Multiplies every feature by a constant, e.g. `scale(1 / 255)` for pixels.",
    params: [{ name: "factor", type: "float", doc: "The multiplier." }],
  },
  { name: "none", doc: "Leaves features as they are.", params: [] },
]);

/** `augment { flip(horizontal) rotate(10) }`: image augmentations, training split only. */
export const AUGMENTATIONS = makeRegistry<Definition>("augmentation", [
  {
    name: "flip",
    doc: "Mirrors half of the images at random.",
    params: [
      { name: "mode", type: "enum", values: ["horizontal", "vertical", "both"], doc: "Which axis to mirror.", default: "horizontal" },
    ],
  },
  {
    name: "rotate",
    doc: "Rotates by a random angle in [-degrees, degrees].",
    params: [{ name: "degrees", type: "float", doc: "Largest rotation in degrees.", greaterThan: 0, max: 180 }],
  },
  {
    name: "crop",
    doc: "Pads by `padding` pixels, then crops a random window of `size` (resized back).",
    params: [
      { name: "size", type: "shape", doc: "[height, width] of the crop." },
      { name: "padding", type: "int", doc: "Pixels of zero padding first.", min: 0, default: 0 },
    ],
  },
  {
    name: "translate",
    doc: "Shifts by up to `pixels` in each direction.",
    params: [{ name: "pixels", type: "float", doc: "Largest shift in pixels.", greaterThan: 0 }],
  },
  {
    name: "zoom",
    doc: "Zooms in or out by a random factor in [1 - range, 1 + range].",
    params: [{ name: "range", type: "float", doc: "Largest relative zoom.", greaterThan: 0, lessThan: 1 }],
  },
  {
    name: "brightness",
    doc: "Adds a random value in [-delta, delta] to every pixel.",
    params: [{ name: "delta", type: "float", doc: "Largest change.", greaterThan: 0 }],
  },
  {
    name: "contrast",
    doc: "Scales the distance from the mean by a random factor in [1 - range, 1 + range].",
    params: [{ name: "range", type: "float", doc: "Largest relative change.", greaterThan: 0, lessThan: 1 }],
  },
  {
    name: "noise",
    doc: "Adds Gaussian noise.",
    params: [{ name: "stddev", type: "float", doc: "Standard deviation of the noise.", greaterThan: 0 }],
  },
]);

/** `tune { }` search spaces, written in place of a number. */
export const SEARCH_SPACES = makeRegistry<Definition>("search space", [
  { name: "choice", doc: "One of the listed values.", params: [] },
  {
    name: "range",
    doc: "A value drawn uniformly from [lo, hi] (whole numbers where the setting is an integer).",
    params: [
      { name: "lo", type: "float", doc: "Lower end." },
      { name: "hi", type: "float", doc: "Upper end." },
    ],
  },
  {
    name: "log_range",
    doc: "A value drawn log-uniformly from [lo, hi] (both > 0): learning rates.",
    params: [
      { name: "lo", type: "float", doc: "Lower end.", greaterThan: 0 },
      { name: "hi", type: "float", doc: "Upper end.", greaterThan: 0 },
    ],
  },
]);
