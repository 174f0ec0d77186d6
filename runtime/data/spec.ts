/**
 * `DataSpec`: the `.dlm` `data { }` section (docs/language.md §4) as a plain, serialisable object.
 * The compiler builds one from the checked AST and the generated program passes it to
 * `prepareData`; every optional field's default is stated on the field.
 */
import type { Task } from "../prepared-data.js";

/** Where the examples come from: `source: builtin(...) | csv(...) | images(...)`. */
export type DataSource = BuiltinSource | CsvSource | ImageFolderSource;

/** `source: builtin("mnist")`: a data set from `BUILTIN_DATASETS` (`dlm datasets` lists them). */
export interface BuiltinSource {
  readonly kind: "builtin";
  /** The catalogue name, e.g. `"mnist"`, `"iris"`. */
  readonly name: string;
}

/** `source: csv(PATH, label: COLUMN, ...)`: a CSV file with a header row. */
export interface CsvSource {
  readonly kind: "csv";
  /** The file, relative to `baseDir` (the `.dlm` file's folder). */
  readonly path: string;
  /** The label (target) column. With `window`, the default `target`. */
  readonly label: string;
  /**
   * Feature columns in input order. Default: every column except the label, skipping
   * free-text columns (strings that are mostly distinct, such as dates or ids).
   */
  readonly features?: readonly string[];
  /** A text column that `tokenize` turns into token ids; the features are then ignored. Default: none. */
  readonly text?: string;
  /** Field separator. Default `","`. */
  readonly delimiter?: string;
}

/** `source: images(DIR, size: [h, w], channels: 3)`: one sub-folder per class, PNG and JPEG files. */
export interface ImageFolderSource {
  readonly kind: "images";
  /** The folder, relative to `baseDir`. */
  readonly dir: string;
  /** Every image is resized (stretched) to `[height, width]`. */
  readonly size: readonly [number, number];
  /** 1 (grey), 3 (RGB) or 4 (RGBA). Default 3. */
  readonly channels?: number;
}

/** `tokenize(vocab, length, lowercase)`: text to token ids, vocabulary from the training split only. */
export interface TokenizeSpec {
  /** Vocabulary size including id 0 (padding) and id 1 (out of vocabulary). Default 10,000. */
  readonly vocab: number;
  /** Every sequence is padded (with 0, at the end) or truncated (keeping the start) to this length. Default 100. */
  readonly length: number;
  /** Lower-case the text before splitting it into words. Default true. */
  readonly lowercase?: boolean;
}

/**
 * `window(size, horizon, target)`: a time series. The rows (in file order) are split
 * chronologically into train / validation / test, then cut into sliding windows
 * `[size, features]`, each predicting the next `horizon` values of `target` (regression).
 */
export interface WindowSpec {
  /** Rows per window. */
  readonly size: number;
  /** Steps ahead to predict. Default 1. */
  readonly horizon?: number;
  /** The numeric column to predict. Default: the CSV `label`. */
  readonly target?: string;
}

/** `split { train, validation, test, shuffle, stratify }`: fractions of the examples. */
export interface SplitSpec {
  /** Fraction for training. Default: what validation and test leave. */
  readonly train?: number;
  /** Fraction for validation. Default 0 (no validation split). */
  readonly validation?: number;
  /**
   * Fraction for test. Default: the source's own test split when it has one (MNIST);
   * otherwise what `train` and `validation` leave when `train` is given, else 0.2.
   */
  readonly test?: number;
  /** Shuffle before splitting (seeded). Default true; time series (`window`) always split in order. */
  readonly shuffle?: boolean;
  /** Keep class proportions equal across splits (classification only). Default true. */
  readonly stratify?: boolean;
}

/** `normalize: none | scale(X) | standardize | minmax`; statistics come from the training split only. */
export type NormalizeSpec =
  | { readonly kind: "none" }
  | { readonly kind: "scale"; readonly factor: number }
  /** Per feature (per channel for images): `(x - mean) / std`. */
  | { readonly kind: "standardize" }
  /** Per feature (per channel for images): `(x - min) / (max - min)`. */
  | { readonly kind: "minmax" };

/** `normalize_target: standardize | minmax | none`: how regression targets are scaled for training. */
export type TargetNormalizeSpec = "standardize" | "minmax" | "none";

/**
 * `missing: error | drop | mean`. `error` (the default) names file, line and column of the
 * first missing value; `drop` removes rows with a missing value in a used column; `mean`
 * fills numeric columns with the training mean and encodes a missing category as all
 * zeros (rows with a missing label are dropped: a label cannot be invented).
 */
export type MissingPolicy = "error" | "drop" | "mean";

/**
 * One `augment { }` step. Images only, training split only, fresh randomness per batch.
 * Amounts are in pixels or in the units of the normalised data (brightness, noise).
 */
export type AugmentStep =
  /** Mirrors each image with probability 0.5 (`both`: each axis independently). */
  | { readonly kind: "flip"; readonly mode: "horizontal" | "vertical" | "both" }
  /** Rotates by a random angle in [-degrees, degrees] around the centre (bilinear, zero fill). */
  | { readonly kind: "rotate"; readonly degrees: number }
  /** Pads by `padding` pixels (default 0), crops a random `size` window, resizes it back to the input size. */
  | { readonly kind: "crop"; readonly size: readonly [number, number]; readonly padding?: number }
  /** Shifts by a random whole number of pixels in [-pixels, pixels] on each axis (zero fill). */
  | { readonly kind: "translate"; readonly pixels: number }
  /** Zooms by a random factor in [1 - range, 1 + range] around the centre. */
  | { readonly kind: "zoom"; readonly range: number }
  /** Adds a random value in [-delta, delta] to every pixel of an image. */
  | { readonly kind: "brightness"; readonly delta: number }
  /** Scales each image's distance from its per-channel mean by a factor in [1 - range, 1 + range]. */
  | { readonly kind: "contrast"; readonly range: number }
  /** Adds Gaussian noise with this standard deviation. */
  | { readonly kind: "noise"; readonly stddev: number };

/** The whole `data { }` section. */
export interface DataSpec {
  /** Where the examples come from. Required. */
  readonly source: DataSource;
  /** Text sources: how text becomes ids. Default `{ vocab: 10000, length: 100, lowercase: true }`. */
  readonly tokenize?: TokenizeSpec;
  /** Time series: sliding windows. Default: none (rows are independent examples). */
  readonly window?: WindowSpec;
  /** Keep only these classes, relabelled 0..k-1 in this order. Default: every class, in sorted order. */
  readonly classes?: readonly string[];
  /** Keep at most this many training examples, stratified. Default: all. */
  readonly limit?: number;
  /**
   * Images: every image of the kept examples is resized (bilinear, half-pixel centres) to
   * `[height, width]` after the split. Default: the source's own size.
   */
  readonly resize?: readonly [number, number];
  /** Images: 1 (grey: RGB weighted as ITU-R 601) or 3 (RGB: grey repeated). Default: the source's own channels. */
  readonly channels?: ImageChannels;
  /** Default: inferred from the label (strings or few distinct integers → classification). */
  readonly task?: Task;
  /** How examples are divided. Default: see `SplitSpec`'s fields. */
  readonly split?: SplitSpec;
  /** Feature normalisation. Default `{ kind: "none" }`. */
  readonly normalize?: NormalizeSpec;
  /**
   * Regression targets: scaled for training with statistics of the training split (loss in
   * scaled units; metrics and predictions back in the target's own units). Default
   * `"standardize"` for regression; classification labels are never scaled.
   */
  readonly normalizeTarget?: TargetNormalizeSpec;
  /** What to do with empty cells. Default `"error"`. */
  readonly missing?: MissingPolicy;
  /** Image augmentations for training batches. Default: none. */
  readonly augment?: readonly AugmentStep[];
}

/** Channels that `data { channels }` converts images to. */
export type ImageChannels = 1 | 3;

/** The largest `resize` length: bigger images would not fit a batch in memory. */
export const MAX_RESIZE_LENGTH = 4096;

/** `[height, width, channels]` of an image after `data { resize, channels }`. */
export function convertedImageShape(
  shape: readonly [number, number, number],
  spec: Pick<DataSpec, "resize" | "channels">,
): [number, number, number] {
  const [height, width] = spec.resize ?? shape;
  return [height, width, spec.channels ?? shape[2]];
}

/** The default tokenizer when a text source has no `tokenize`. */
export const DEFAULT_TOKENIZE: Required<TokenizeSpec> = { vocab: 10_000, length: 100, lowercase: true };
