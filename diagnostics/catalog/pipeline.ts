/** Catalog of the codes the experiment checker reports: names, values, shapes and consistency of a pipeline. */
import type { MessageEntry } from "./catalog-entry.js";

const IRIS_MODEL = "model Mlp {\n  dense(16, activation: relu)\n  dense(3, activation: softmax)\n}\n\n";

/** An iris experiment around `body` lines (each already indented). */
function iris(data: string, train: string, rest = ""): string {
  return `${IRIS_MODEL}experiment iris {\n  data {\n${data}\n  }\n  model: Mlp\n  train {\n${train}\n  }${rest}\n}`;
}

const IRIS_DATA = '    source: builtin("iris")\n    split { validation: 0.2, test: 0.2 }';
const IRIS_TRAIN = "    loss: sparse_categorical_crossentropy\n    metrics: [accuracy]\n    epochs: 50";

/** The pipeline codes by meaning, so code reads `PIPELINE.unknownSetting`, not `"DLM203"`. */
export const PIPELINE = {
  unknownSetting: "DLM203",
  unknownRegistryName: "DLM204",
  unknownDataset: "DLM215",
  dataFileNotFound: "DLM216",
  unknownColumn: "DLM217",
  writtenTwice: "DLM218",
  experimentWithoutModel: "DLM219",
  unknownClass: "DLM220",
  splitDoesNotFit: "DLM309",
  inputDoesNotFitData: "DLM406",
  outputDoesNotFitLabels: "DLM407",
  lossDoesNotFitActivation: "DLM501",
  monitorNeverLogged: "DLM502",
  augmentationOnNonImages: "DLM503",
  fineTuneWithoutPretrained: "DLM504",
  searchOutsideTune: "DLM505",
  dataSettingDoesNotFitSource: "DLM506",
  settingDoesNotFitTask: "DLM507",
  metricDoesNotFitTask: "DLM508",
  evaluatedSplitMissing: "DLM509",
  unworkableDataDefault: "DLM510",
} as const;

/** One entry per code of the experiment checker: what `dlm explain CODE` prints. */
export const PIPELINE_MESSAGES: readonly MessageEntry[] = [
  {
    code: PIPELINE.unknownSetting,
    title: "unknown setting or section",
    severity: "error",
    explanation:
      "An experiment, or one of its sections, holds a name it does not know: a misspelt " +
      "setting, a setting written in the wrong section (`epochs` belongs in `train`), or a " +
      "call that cannot stand alone there (callbacks go in `callbacks { }`). The help line " +
      "suggests the closest name or the section the name belongs to.",
    wrong: iris(IRIS_DATA, `${IRIS_TRAIN}\n    batchsize: 16`),
    fixed: iris(IRIS_DATA, `${IRIS_TRAIN}\n    batch_size: 16`),
  },
  {
    code: PIPELINE.unknownRegistryName,
    title: "unknown optimizer, loss, metric, callback or other catalog name",
    severity: "error",
    explanation:
      "A setting names an entry of one of the experiment catalogs — optimizers, schedules, " +
      "losses, metrics, callbacks, data sources, normalizations, data transforms, " +
      "augmentations — that does not exist. The note lists the known names and the help " +
      "line suggests the closest one.",
    wrong: iris(IRIS_DATA, "    optimizer: adma(learning_rate: 0.01)\n" + IRIS_TRAIN),
    fixed: iris(IRIS_DATA, "    optimizer: adam(learning_rate: 0.01)\n" + IRIS_TRAIN),
  },
  {
    code: PIPELINE.unknownDataset,
    title: "unknown built-in data set",
    severity: "error",
    explanation:
      "`builtin(NAME)` names a data set that is not in the catalog of built-in data sets. " +
      "The note lists them; `dlm datasets` prints each with its shape, classes and size.",
    wrong: iris('    source: builtin("irsi")', IRIS_TRAIN),
    fixed: iris('    source: builtin("iris")', IRIS_TRAIN),
  },
  {
    code: PIPELINE.dataFileNotFound,
    title: "data file not found",
    severity: "error",
    explanation:
      "The CSV file or image folder of `csv(PATH, ...)` or `images(DIR, ...)` cannot be read. " +
      "Paths are relative to the folder of the `.dlm` file; the message shows the path the " +
      "compiler looked for. A CSV file that cannot be parsed (a bad quote, a header with an " +
      "empty or repeated name) is reported here too, with its line, and so is a CSV file " +
      "without a header row: its first line holds numbers, not the names of the columns.",
    wrong:
      'experiment houses {\n  data { source: csv("data/huoses.csv", label: price) }\n  model { dense(1) }\n  train { loss: mse, epochs: 10 }\n}',
    fixed:
      'experiment houses {\n  data { source: csv("data/houses.csv", label: price) }\n  model { dense(1) }\n  train { loss: mse, epochs: 10 }\n}',
  },
  {
    code: PIPELINE.unknownColumn,
    title: "unknown column",
    severity: "error",
    explanation:
      "A `label`, `features`, `text` or `window` target names a column that the CSV file's " +
      "header does not have. The note lists the columns and the help line suggests the " +
      "closest one. Column names are case-sensitive.",
    wrong:
      'experiment houses {\n  data { source: csv("houses.csv", label: Price) }\n  model { dense(1) }\n  train { loss: mse, epochs: 10 }\n}',
    fixed:
      'experiment houses {\n  data { source: csv("houses.csv", label: price) }\n  model { dense(1) }\n  train { loss: mse, epochs: 10 }\n}',
  },
  {
    code: PIPELINE.writtenTwice,
    title: "written twice",
    severity: "error",
    explanation:
      "A setting, section, model or list entry appears twice where only one makes sense: two " +
      "`loss` settings, two `data` sections, both `model: NAME` and `model { }`, a metric or a " +
      "class listed twice. The related location shows the first one.",
    wrong: iris(IRIS_DATA, `${IRIS_TRAIN}\n    epochs: 80`),
    fixed: iris(IRIS_DATA, IRIS_TRAIN),
  },
  {
    code: PIPELINE.experimentWithoutModel,
    title: "experiment without a model",
    severity: "error",
    explanation:
      "Every experiment trains one model: name a model declared in the file (or an imported " +
      "one) with `model: NAME`, or write the layers inline with `model { ... }`, where the " +
      "input shape comes from the data.",
    wrong:
      'experiment iris {\n  data { source: builtin("iris") }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
    fixed:
      'experiment iris {\n  data { source: builtin("iris") }\n  model { dense(16, activation: relu), dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
  },
  {
    code: PIPELINE.unknownClass,
    title: "unknown class",
    severity: "error",
    explanation:
      "`classes: [...]` or a `class_weight` key names a class the data does not have. Classes " +
      "of a built-in data set are listed by `dlm datasets`; for a CSV file they are the " +
      "distinct values of the label column, for an image folder its sub-folder names. " +
      "Class weights may also use class ids 0..k-1.",
    wrong: iris('    source: builtin("iris")\n    classes: ["setosa", "versicolour", "virginica"]', IRIS_TRAIN),
    fixed: iris('    source: builtin("iris")\n    classes: ["setosa", "versicolor", "virginica"]', IRIS_TRAIN),
  },
  {
    code: PIPELINE.splitDoesNotFit,
    title: "split fractions do not fit",
    severity: "error",
    explanation:
      "The fractions of `split { train, validation, test }` are each between 0 and 1 and must " +
      "add up to at most 1, leaving some examples for training. When `test` is absent it is " +
      "the source's own test split (MNIST), what `train` and `validation` leave when `train` " +
      "is given, and 0.2 otherwise; the message shows the sum with the defaults filled in.",
    wrong: iris('    source: builtin("iris")\n    split { train: 0.8, validation: 0.2, test: 0.2 }', IRIS_TRAIN),
    fixed: iris('    source: builtin("iris")\n    split { train: 0.6, validation: 0.2, test: 0.2 }', IRIS_TRAIN),
  },
  {
    code: PIPELINE.inputDoesNotFitData,
    title: "model input does not fit the data",
    severity: "error",
    explanation:
      "A model that declares `input:` must take examples of the shape the data gives: iris " +
      "gives `[4]`, MNIST `[28, 28, 1]`, tokenized text `[length]`. Leave `input` out to take " +
      "the shape from the data, or add a `reshape` as the model's first layer. An `embedding` " +
      "reading token ids needs a `vocab` at least as large as the tokenizer's, or some ids " +
      "would have no row.",
    wrong:
      'model Mlp(input: [784]) {\n  dense(3, activation: softmax)\n}\n\nexperiment iris {\n  data { source: builtin("iris") }\n  model: Mlp\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
    fixed:
      'model Mlp(input: [4]) {\n  dense(3, activation: softmax)\n}\n\nexperiment iris {\n  data { source: builtin("iris") }\n  model: Mlp\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
  },
  {
    code: PIPELINE.outputDoesNotFitLabels,
    title: "model output does not fit the labels",
    severity: "error",
    explanation:
      "The model's output must give one value per class for classification (`[k]`, or `[1]` " +
      "with `binary_crossentropy` for two classes) and one value per target for regression. " +
      "A wrong unit count in the last `dense`, or a missing `flatten` before it, shows here.",
    wrong:
      'experiment iris {\n  data { source: builtin("iris") }\n  model { dense(16, activation: relu), dense(10, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
    fixed:
      'experiment iris {\n  data { source: builtin("iris") }\n  model { dense(16, activation: relu), dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
  },
  {
    code: PIPELINE.lossDoesNotFitActivation,
    title: "loss does not fit the last activation",
    severity: "error",
    explanation:
      "Crossentropy losses read probabilities: `binary_crossentropy` needs a sigmoid output " +
      "(each unit its own probability), `categorical_crossentropy` and " +
      "`sparse_categorical_crossentropy` a softmax output (a distribution over the classes). " +
      "Softmax with binary crossentropy, sigmoid with categorical crossentropy, or a linear " +
      "output with any crossentropy trains badly or not at all.",
    wrong:
      'experiment spam {\n  data { source: builtin("spam"), tokenize(vocab: 5000, length: 200) }\n  model { embedding(5000, 16), global_avg_pool1d, dense(1, activation: softmax) }\n  train { loss: binary_crossentropy, epochs: 5 }\n}',
    fixed:
      'experiment spam {\n  data { source: builtin("spam"), tokenize(vocab: 5000, length: 200) }\n  model { embedding(5000, 16), global_avg_pool1d, dense(1, activation: sigmoid) }\n  train { loss: binary_crossentropy, epochs: 5 }\n}',
  },
  {
    code: PIPELINE.monitorNeverLogged,
    title: "monitored value is never logged",
    severity: "error",
    explanation:
      "A callback's `monitor` (or `tune`'s `objective`) must name a value that training logs " +
      "each epoch: `loss`, `lr`, every metric of the stage, and — with a validation split — " +
      "`val_loss` and `val_` plus each metric. `val_accuracy` needs both `accuracy` in " +
      "`metrics` and a validation split.",
    wrong: iris(
      IRIS_DATA,
      `${IRIS_TRAIN.replace("metrics: [accuracy]", "metrics: []")}\n    callbacks { early_stopping(monitor: val_accuracy, patience: 5) }`,
    ),
    fixed: iris(IRIS_DATA, `${IRIS_TRAIN}\n    callbacks { early_stopping(monitor: val_accuracy, patience: 5) }`),
  },
  {
    code: PIPELINE.augmentationOnNonImages,
    title: "augmentation on non-image data",
    severity: "error",
    explanation:
      "`augment { }` flips, rotates, crops and shifts images; it has no meaning for tables, " + "text or time series.",
    wrong: iris('    source: builtin("iris")\n    augment { noise(0.1) }', IRIS_TRAIN),
    fixed: iris('    source: builtin("iris")', IRIS_TRAIN),
  },
  {
    code: PIPELINE.fineTuneWithoutPretrained,
    title: "fine_tune without a pretrained model",
    severity: "error",
    explanation:
      "`fine_tune { unfreeze: ... }` makes layers of a `pretrained` model trainable for a " +
      "second stage; a model without a `pretrained` layer has nothing to unfreeze. " +
      "`unfreeze: from(NAME)` must name a layer of the pretrained model (DLM206 otherwise).",
    wrong: iris(IRIS_DATA, IRIS_TRAIN, "\n  fine_tune { unfreeze: all, epochs: 5 }"),
    fixed: iris(IRIS_DATA, IRIS_TRAIN),
  },
  {
    code: PIPELINE.searchOutsideTune,
    title: "search space outside tune",
    severity: "error",
    explanation:
      "`choice(...)`, `range(lo, hi)` and `log_range(lo, hi)` describe values a " +
      "hyperparameter search tries; they are only meaningful in an experiment with " +
      "`tune { }`, and there only in values that can change per trial: layer arguments and " +
      "the settings of `train` and `fine_tune`, optimizer, schedule and callback arguments " +
      "included (data settings, `epochs` of `tune` itself and the like are fixed).",
    wrong: iris(IRIS_DATA, "    optimizer: adam(learning_rate: log_range(1e-4, 1e-2))\n" + IRIS_TRAIN),
    fixed: iris(
      IRIS_DATA,
      "    optimizer: adam(learning_rate: log_range(1e-4, 1e-2))\n" + IRIS_TRAIN,
      "\n  tune { trials: 8, objective: val_accuracy }",
    ),
  },
  {
    code: PIPELINE.dataSettingDoesNotFitSource,
    title: "data setting does not fit the source",
    severity: "error",
    explanation:
      "A `data` setting asks for something the source cannot give: `tokenize` without a text " +
      "column, `window` on anything but a CSV time series, `task: regression` with labels " +
      "that are names, `classes` on a regression task, the label listed as a feature, " +
      "`resize` or `channels` (which convert images) on a table or text.",
    wrong: iris('    source: builtin("iris")\n    tokenize(vocab: 1000, length: 20)', IRIS_TRAIN),
    fixed: iris('    source: builtin("iris")', IRIS_TRAIN),
  },
  {
    code: PIPELINE.settingDoesNotFitTask,
    title: "setting does not fit the task",
    severity: "error",
    explanation:
      "The loss decides what the model learns: `mse`, `mae` and `huber` fit regression " +
      "targets, the crossentropies fit class labels. A regression loss on classification " +
      "data (or the reverse) is reported here, as is `class_weight` on a regression task.",
    wrong: iris(IRIS_DATA, "    loss: mse\n    metrics: [accuracy]\n    epochs: 50"),
    fixed: iris(IRIS_DATA, IRIS_TRAIN),
  },
  {
    code: PIPELINE.metricDoesNotFitTask,
    title: "metric does not fit the task",
    severity: "error",
    explanation:
      "Classification metrics (`accuracy`, `precision`, `recall`, `f1`, `auc`, " +
      "`confusion_matrix`) need class labels; regression metrics (`mse`, `mae`, `rmse`, `r2`) " +
      "need numeric targets. `confusion_matrix` is a table, so only `evaluate` computes it.",
    wrong: iris(IRIS_DATA, "    loss: sparse_categorical_crossentropy\n    metrics: [accuracy, rmse]\n    epochs: 50"),
    fixed: iris(IRIS_DATA, IRIS_TRAIN),
  },
  {
    code: PIPELINE.evaluatedSplitMissing,
    title: "evaluated split does not exist",
    severity: "error",
    explanation:
      "`evaluate { on: validation }` needs a validation split, and `on: test` a test split " +
      "(the source's own, an explicit `test` fraction, or the default 0.2 when `train` is not " +
      "given). Without `on`, evaluation uses the test split when there is one, else validation.",
    wrong: iris('    source: builtin("iris")', IRIS_TRAIN, "\n  evaluate { on: validation }"),
    fixed: iris(IRIS_DATA, IRIS_TRAIN, "\n  evaluate { on: validation }"),
  },
  {
    code: PIPELINE.unworkableDataDefault,
    title: "data default that will not work",
    severity: "warning",
    explanation:
      "A default of `data` will probably not do what you want: the data has missing values " +
      "and `missing` is left at `error` (preparing the data will stop at the first one), or " +
      "a text source has no `tokenize` (the default tokenizer, vocabulary 10,000 and length " +
      "100, is used). Write the setting to choose.",
    wrong:
      'experiment penguins {\n  data { source: builtin("penguins") }\n  model { dense(16, activation: relu), dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
    fixed:
      'experiment penguins {\n  data { source: builtin("penguins"), missing: drop }\n  model { dense(16, activation: relu), dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 50 }\n}',
  },
];
