/**
 * Catalog of the checks for setups that train without an error but cannot give a useful
 * model (`compiler/experiments/check-outcomes.ts`), and of the tune checks that keep every
 * numeric hyperparameter searchable.
 */
import type { MessageEntry } from "./catalog-entry.js";

/** A small image experiment on MNIST whose `augment` section is `augment`. */
function mnist(augment: string): string {
  return (
    "experiment digits {\n" +
    `  data {\n    source: builtin("mnist")\n    augment { ${augment} }\n  }\n` +
    "  model { flatten, dense(10, activation: softmax) }\n" +
    "  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}"
  );
}

/** An experiment on `flowers.csv` whose model ends with `output`. */
function flowers(output: string, loss = "sparse_categorical_crossentropy", file = "flowers.csv"): string {
  return (
    `// ${file}: length,width,species with rows of ${file === "flowers.csv" ? "setosa and virginica" : "setosa only"}\n` +
    "experiment flowers {\n" +
    `  data { source: csv("${file}", label: species) }\n` +
    `  model { dense(8, activation: relu), ${output} }\n` +
    `  train { loss: ${loss}, epochs: 10 }\n}`
  );
}

/** The outcomes codes by meaning, so code reads `OUTCOMES.softmaxOverOneUnit`, not `"DLM413"`. */
export const OUTCOMES = {
  softmaxOverOneUnit: "DLM413",
  cropLargerThanImage: "DLM414",
  oneClass: "DLM530",
  noDataRows: "DLM531",
} as const;

/** One entry per code of the outcome checks: what `dlm explain CODE` prints. */
export const OUTCOME_MESSAGES: readonly MessageEntry[] = [
  {
    code: OUTCOMES.softmaxOverOneUnit,
    title: "softmax over one unit",
    severity: "error",
    explanation:
      "A softmax turns the values of its last axis into probabilities that sum to 1. Over a " +
      "single unit it divides a value by itself, so the output is 1.0 for every input: the loss " +
      "does not change from epoch to epoch and nothing is learnt. For one probability (two " +
      "classes) use one `sigmoid` unit with `binary_crossentropy`; for one number to predict use " +
      "no activation; for k classes use `dense(k, activation: softmax)`.",
    wrong: flowers("dense(1, activation: softmax)", "binary_crossentropy"),
    fixed: flowers("dense(1, activation: sigmoid)", "binary_crossentropy"),
  },
  {
    code: OUTCOMES.cropLargerThanImage,
    title: "crop larger than the image",
    severity: "error",
    explanation:
      "`crop(size: [h, w], padding: p)` pads each training image by `p` pixels on every side, " +
      "takes a random `h`×`w` window of it and resizes that window back to the image size. A " +
      "window larger than the padded image does not exist; DLM used to shrink it without a " +
      "word, which made the augmentation a plain resize. Use a smaller size or more padding.",
    wrong: mnist("crop(size: [32, 32], padding: 1)"),
    fixed: mnist("crop(size: [28, 28], padding: 2)"),
  },
  {
    code: OUTCOMES.oneClass,
    title: "one class to classify",
    severity: "error",
    explanation:
      "A classification task needs at least two classes: with one, every prediction is that " +
      "class, accuracy is 1.0 and the model has learnt nothing. This happens when the label " +
      "column holds one value (a file of one class, or the wrong column as `label`); DLM no " +
      "longer suggests an output layer of one unit for such data. (`classes: [...]` keeping one " +
      "class is DLM302.)",
    wrong: flowers("dense(2, activation: softmax)", "sparse_categorical_crossentropy", "setosa.csv"),
    fixed: flowers("dense(2, activation: softmax)"),
  },
  {
    code: OUTCOMES.noDataRows,
    title: "data file without data rows",
    severity: "error",
    explanation:
      "The CSV file has a header row and nothing below it, so there is no example to train on. " +
      "Before this check the compiler went on with zero classes and suggested an output layer " +
      "of zero units. Add the rows, or point `csv(...)` at the file that holds them.",
    wrong:
      '// empty.csv holds only its header: length,width,species\nexperiment flowers {\n  data { source: csv("empty.csv", label: species) }\n' +
      "  model { dense(8, activation: relu), dense(2, activation: softmax) }\n" +
      "  train { loss: sparse_categorical_crossentropy, epochs: 10 }\n}",
    fixed: flowers("dense(2, activation: softmax)"),
  },
];
