/**
 * Data contracts shared by the runtime's phases: the data pipeline produces
 * `PreparedData`, training and evaluation consume it, export serialises `Preprocessing`.
 */
import type * as tf from "@tensorflow/tfjs";

export type Task = "classification" | "regression";

/** One split held in memory as whole tensors (batches are gathered from them). */
export interface Split {
  /** Features `[n, ...featureShape]`, float32 (int32 token ids for text). */
  readonly x: tf.Tensor;
  /**
   * Labels. Classification: int32 class ids `[n]` (the training loop one-hots them
   * when the loss needs it). Regression: float32 `[n, targets]`.
   */
  readonly y: tf.Tensor;
  readonly size: number;
}

/** What is known about a data set's shape and labels (also available statically, without loading). */
export interface DataInfo {
  readonly task: Task;
  /** Shape of one example, without the batch dimension. */
  readonly featureShape: readonly number[];
  /** Column names of tabular features in input order (after one-hot expansion: `color=red`). */
  readonly featureNames?: readonly string[];
  /** Class names in label-id order (classification). */
  readonly classes?: readonly string[];
  /** Number of regression targets (regression). */
  readonly targets?: number;
  /** `image`, `tabular`, `text` or `series`: augmentation is only valid on images. */
  readonly modality: "image" | "tabular" | "text" | "series";
}

/** Serialisable preprocessing, exported with the model so `predict` repeats it exactly. */
export interface Preprocessing {
  /** Per-feature normalisation fitted on the training split only. */
  readonly normalize:
    | { readonly kind: "none" }
    | { readonly kind: "scale"; readonly factor: number }
    | { readonly kind: "standardize"; readonly mean: readonly number[]; readonly std: readonly number[] }
    | { readonly kind: "minmax"; readonly min: readonly number[]; readonly max: readonly number[] };
  /**
   * Regression: how the targets were scaled for training (`normalize_target`), fitted on the
   * training split; predictions are mapped back with `invertNormalization`. Absent: not scaled.
   */
  readonly target?: Exclude<Preprocessing["normalize"], { readonly kind: "none" } | { readonly kind: "scale" }>;
  /** Tabular input: the raw columns and how each becomes features. */
  readonly columns?: readonly ColumnEncoding[];
  /** Text input: the tokenizer fitted on the training split. */
  readonly tokenizer?: {
    readonly vocabulary: readonly string[];
    readonly length: number;
    readonly lowercase: boolean;
  };
  /** Image input: resize target and channels. */
  readonly image?: { readonly height: number; readonly width: number; readonly channels: number };
}

export type ColumnEncoding =
  | { readonly name: string; readonly kind: "numeric"; readonly fillValue?: number }
  | { readonly name: string; readonly kind: "categorical"; readonly categories: readonly string[] };

/** The data pipeline's output: tensors per split plus everything needed to redo it. */
export interface PreparedData {
  readonly info: DataInfo;
  readonly train: Split;
  readonly validation?: Split;
  readonly test?: Split;
  readonly preprocessing: Preprocessing;
  /**
   * Augments one training batch `[b, h, w, c]`; returns a new tensor (the caller
   * disposes both). Absent when the experiment has no `augment` section.
   */
  readonly augment?: (batch: tf.Tensor, seed: number) => tf.Tensor;
}
