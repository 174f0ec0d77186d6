/** Catalog of the engine checks: what `dlm check --target torch` finds that the PyTorch engine cannot run faithfully. */
import type { MessageEntry } from "./catalog-entry.js";

/** An iris experiment with `model` and `train` replaced: settings on one line, or a list of them one per line. */
function iris(model: string, train: string | readonly string[] = "loss: sparse_categorical_crossentropy, epochs: 5"): string {
  const stage = typeof train === "string" ? `  train { ${train} }\n` : `  train {\n${train.map((setting) => `    ${setting}\n`).join("")}  }\n`;
  return "experiment flower {\n" + '  data { source: builtin("iris"), split { train: 0.8, validation: 0.2 } }\n' + `  model {\n${model}  }\n` + stage + "}";
}

/** The train settings of DLM551's example, monitoring `monitor`. */
const monitoring = (monitor: string): string[] => [
  "loss: sparse_categorical_crossentropy",
  "metrics: [precision]",
  "epochs: 5",
  `callbacks { early_stopping(monitor: ${monitor}) }`,
];

/** The engines codes by meaning, so code reads `ENGINES.layerWithoutTorchMapping`, not `"DLM550"`. */
export const ENGINES = {
  layerWithoutTorchMapping: "DLM550",
  settingNotRunByTorch: "DLM551",
} as const;

/** One entry per code of the engine checks (reported with `--target torch` / `--engine torch`, or for `engine: torch`). */
export const ENGINE_MESSAGES: readonly MessageEntry[] = [
  {
    code: ENGINES.layerWithoutTorchMapping,
    title: "layer has no PyTorch mapping",
    severity: "error",
    explanation:
      "The PyTorch engine runs a layer only when its torch form computes what TF.js computes " +
      "(the same output shape, parameter count and outputs for the same weights, tested for every " +
      "mapped layer kind). A layer without such a form — an `embedding` with `mask_zero: true`, " +
      "whose mask changes later layers, or a layer of a saved `pretrained` model whose Keras class " +
      "or setting has none (`PReLU`, a recurrent layer with `recurrent_activation: sigmoid`, " +
      "`data_format: channels_first`), reported on the `pretrained` call with the inner layer's " +
      "name and class — is reported under `dlm check --target torch`, `dlm compile --target torch` " +
      "and `dlm run --engine torch` instead of being replaced by something that differs silently. " +
      "The zoo's architectures and saved models whose kept layers all map do run. Train it with the " +
      "TF.js engine (the default), write the model without the layer, or cut a saved model before " +
      "it with `until:`.",
    wrong: iris("    embedding(10, 4, mask_zero: true)\n    flatten\n    dense(3, activation: softmax)\n"),
    fixed: iris("    embedding(10, 4)\n    flatten\n    dense(3, activation: softmax)\n"),
  },
  {
    code: ENGINES.settingNotRunByTorch,
    title: "experiment setting not run by the PyTorch engine",
    severity: "error",
    explanation:
      "The PyTorch engine trains the `train` stage and a `fine_tune` stage (with its `unfreeze`) " +
      "with their optimizer, schedule, loss, class weights, epochs, batch size and image `augment`, " +
      "and the callbacks `early_stopping`, `reduce_lr_on_plateau` and `model_checkpoint` (on `loss` " +
      "or `val_loss`, or `accuracy` and `val_accuracy` of a classifier that logs accuracy), " +
      "`csv_logger` (written by DLM when the program has finished), `terminate_on_nan` and " +
      "`progress`. A `tune` search and other monitors are not run by it yet: rather than ignore " +
      "them, `dlm check --target torch` (or `engine: torch`) names each one. Run such an experiment " +
      "with the TF.js engine, or remove the setting.",
    wrong: iris("    dense(8, activation: relu)\n    dense(3, activation: softmax)\n", monitoring("val_precision")),
    fixed: iris("    dense(8, activation: relu)\n    dense(3, activation: softmax)\n", monitoring("val_loss")),
  },
];
