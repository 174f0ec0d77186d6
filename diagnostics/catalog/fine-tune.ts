/**
 * Catalog of the fine-tuning checks (what `fine_tune { unfreeze }` may name inside a
 * pretrained backbone) and of regression target scaling (`normalize_target`).
 */
import type { MessageEntry } from "./catalog-entry.js";

/** A file that pretrains a small network, exports it, and fine-tunes it under a new head. */
function transfer(unfreeze: string): string {
  return (
    "model Base(input: [28, 28, 1]) {\n  conv2d(4, 3, activation: relu)\n  flatten\n  features = dense(16, activation: relu)\n  dense(5, activation: softmax)\n}\n\n" +
    'experiment low {\n  data { source: builtin("mnist"), classes: ["0", "1", "2", "3", "4"] }\n  model: Base\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  export: "out/low"\n}\n\n' +
    'experiment high {\n  data { source: builtin("mnist"), classes: ["5", "6"], split { validation: 0.2 } }\n  model {\n    pretrained("out/low/model.json", until: features)\n    dense(2, activation: softmax)\n  }\n' +
    `  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  fine_tune { unfreeze: ${unfreeze}, optimizer: adam(learning_rate: 1e-4) }\n}`
  );
}

/** A small classification on iris with `data` lines inserted. */
function iris(data: string): string {
  return (
    "model Flower {\n  dense(8, activation: relu)\n  dense(3, activation: softmax)\n}\n\n" +
    `experiment flower {\n  data {\n    source: builtin("iris")\n${data}  }\n  model: Flower\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}`
  );
}

/** The fine-tune codes by meaning, so code reads `FINE_TUNE.unfreezeBeyondBackbone`, not `"DLM535"`. */
export const FINE_TUNE = {
  unfreezeBeyondBackbone: "DLM535",
  normalizeTargetOnClassification: "DLM536",
} as const;

/** One entry per code of the fine-tuning and target-scaling checks. */
export const FINE_TUNE_MESSAGES: readonly MessageEntry[] = [
  {
    code: FINE_TUNE.unfreezeBeyondBackbone,
    title: "unfreeze: last(N) larger than the pretrained backbone",
    severity: "error",
    explanation:
      "`unfreeze: last(N)` trains the last N layers inside the pretrained backbone, as Keras's " +
      "`base_model.layers[-N:]`; the layers written after `pretrained(...)` (the new head) always " +
      "train and are not counted. An N larger than the backbone's layer count usually counts the " +
      "whole model; write the number of backbone layers to train, or `all`.",
    wrong: transfer("last(5)"),
    fixed: transfer("last(2)"),
  },
  {
    code: FINE_TUNE.normalizeTargetOnClassification,
    title: "normalize_target on a classification data set",
    severity: "error",
    explanation:
      "`normalize_target: standardize | minmax | none` scales regression targets for training " +
      "(statistics of the training split; metrics and `dlm predict` map predictions back to the " +
      "target's units). Regression data is standardized by default. A classification label is a " +
      "class id, which is never scaled.",
    wrong: iris("    normalize_target: standardize\n"),
    fixed: iris(""),
  },
];
