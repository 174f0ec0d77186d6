/**
 * The shape of an `experiment { }`: which sections and settings exist, their value
 * types, defaults and docs (docs/language.md §4). The experiment checker validates against
 * it; completion and hover list from it.
 */
import type { Registry } from "./definition.js";
import { AUGMENTATIONS, DATA_TRANSFORMS, NORMALIZATIONS, SOURCES } from "./data.js";
import { LOSSES, METRICS, OPTIMIZERS, SCHEDULES, UNFREEZE } from "./training.js";
import { CALLBACKS } from "./callbacks/index.js";

/** The value a setting takes. */
export type SettingType =
  | { readonly kind: "int"; readonly min?: number }
  | { readonly kind: "float"; readonly min?: number; readonly max?: number; readonly greaterThan?: number; readonly lessThan?: number }
  | { readonly kind: "bool" }
  | { readonly kind: "string" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** A registry entry, written as a call or (when it needs no arguments) a bare name. */
  | { readonly kind: "entry"; readonly registry: Registry }
  /** A list of registry names, e.g. `[accuracy, f1]`. */
  | { readonly kind: "names"; readonly registry: Registry }
  /** A list of strings, e.g. `classes: ["cat", "dog"]`. */
  | { readonly kind: "strings" }
  /** A list of whole numbers, e.g. `resize: [96, 96]`. */
  | { readonly kind: "shape" }
  /** The name of a model declared in the file or its imports. */
  | { readonly kind: "model" }
  /** `balanced` or `{ CLASS: weight }`. */
  | { readonly kind: "class_weight" };

/** One `NAME: value` setting of a section: its type, doc and default. */
export interface SettingSpec {
  readonly name: string;
  readonly doc: string;
  readonly type: SettingType;
  readonly required?: boolean;
  /** The value lowering fills in when the setting is not written: the one place this default is stated. */
  readonly default?: number | boolean | string;
  /** How hover and docs show a default that is not a plain value (`adam()`, `batch_size`, `auto`). */
  readonly defaultText?: string;
}

/** The default of a setting as hover, completion and docs show it. */
export function defaultTextOf(setting: SettingSpec): string | undefined {
  return setting.defaultText ?? (setting.default === undefined ? undefined : String(setting.default));
}

/** The value of a setting of `train { }` when it is not written (e.g. `batch_size`: 32). */
export function trainSettingDefault(name: string): number | boolean | string {
  const value = TRAIN_SETTINGS.find((setting) => setting.name === name)?.default;
  if (value === undefined) throw new Error(`train { ${name} } has no default in the schema`);
  return value;
}

/** One section (`data`, `train`, `data.split` …): its settings, sub-sections and the calls it takes. */
export interface SectionSpec {
  readonly name: string;
  readonly doc: string;
  readonly required?: boolean;
  readonly settings: readonly SettingSpec[];
  readonly sections: readonly SectionSpec[];
  /** Calls that may stand alone in the section (callbacks, augmentations, data transforms). */
  readonly calls?: Registry;
  /** `model { layers }` is allowed here (the experiment itself). */
  readonly allowsInlineModel?: boolean;
}

const TRAIN_SETTINGS: readonly SettingSpec[] = [
  { name: "optimizer", doc: "The optimizer and its learning rate.", type: { kind: "entry", registry: OPTIMIZERS }, defaultText: "adam()" },
  { name: "schedule", doc: "Learning rate per epoch.", type: { kind: "entry", registry: SCHEDULES } },
  { name: "loss", doc: "The loss to minimise.", type: { kind: "entry", registry: LOSSES }, required: true },
  { name: "metrics", doc: "Metrics computed over whole splits after each epoch.", type: { kind: "names", registry: METRICS }, defaultText: "[]" },
  { name: "epochs", doc: "Passes over the training split.", type: { kind: "int", min: 1 }, required: true },
  { name: "batch_size", doc: "Examples per gradient step.", type: { kind: "int", min: 1 }, default: 32 },
  { name: "validation_batch_size", doc: "Examples per evaluation batch.", type: { kind: "int", min: 1 }, defaultText: "batch_size" },
  { name: "class_weight", doc: "`balanced` or `{ CLASS: weight }`: weights the loss per class.", type: { kind: "class_weight" } },
  { name: "shuffle", doc: "Shuffle the training split each epoch.", type: { kind: "bool" }, default: true },
  {
    name: "workers",
    doc: "`auto` or a count ≥ 1: data-parallel workers (threads) that share each batch's gradient; `auto` takes the cores (at most 4) when a step is worth sharing. `--workers N` overrides it.",
    type: { kind: "int", min: 1 },
    defaultText: "auto",
  },
];

const CALLBACKS_SECTION: SectionSpec = {
  name: "callbacks",
  doc: "Callbacks run during training: early stopping, checkpoints, learning-rate control, logging.",
  settings: [],
  sections: [],
  calls: CALLBACKS,
};

/** `experiment NAME { ... }` */
export const EXPERIMENT_SCHEMA: SectionSpec = {
  name: "experiment",
  doc: "One training experiment: data, model, training, evaluation and export.",
  allowsInlineModel: true,
  settings: [
    { name: "seed", doc: "Seed for shuffling, splits and initializers.", type: { kind: "int", min: 0 }, defaultText: "0" },
    { name: "backend", doc: "TensorFlow.js backend.", type: { kind: "enum", values: ["auto", "node", "wasm", "cpu"] }, defaultText: "auto" },
    { name: "engine", doc: "What `dlm run` trains with: `tfjs` (TensorFlow.js) or `torch` (PyTorch, see docs/engines.md); `dlm check` then reports what the engine cannot run, and `--engine` overrides it.", type: { kind: "enum", values: ["tfjs", "torch"] }, defaultText: "tfjs" },
    { name: "model", doc: "The model to train (or write `model { ... }` inline).", type: { kind: "model" } },
    { name: "export", doc: "Directory of the deployable bundle (model, preprocessing, labels, card).", type: { kind: "string" } },
  ],
  sections: [
    {
      name: "data",
      doc: "Where the examples come from and how they are prepared.",
      required: true,
      calls: DATA_TRANSFORMS,
      settings: [
        { name: "source", doc: "builtin(NAME), csv(PATH, label: COLUMN) or images(DIR, size: [h, w]).", type: { kind: "entry", registry: SOURCES }, required: true },
        { name: "classes", doc: "Keep only these classes, relabelled 0..k-1 in this order.", type: { kind: "strings" } },
        { name: "limit", doc: "Keep at most this many training examples (stratified).", type: { kind: "int", min: 1 } },
        { name: "resize", doc: "Images: resize the kept examples to [height, width] (bilinear), e.g. MNIST to [96, 96] for a pretrained backbone.", type: { kind: "shape" }, defaultText: "the source's size" },
        { name: "channels", doc: "Images: 1 (grey) or 3 (RGB: grey repeated in each channel).", type: { kind: "int", min: 1 }, defaultText: "the source's channels" },
        { name: "task", doc: "classification or regression (inferred from the label when absent).", type: { kind: "enum", values: ["classification", "regression"] } },
        { name: "normalize", doc: "Feature normalisation fitted on the training split.", type: { kind: "entry", registry: NORMALIZATIONS }, defaultText: "none" },
        { name: "normalize_target", doc: "Regression: how targets are scaled for training (statistics of the training split); metrics and predictions stay in the target's units.", type: { kind: "enum", values: ["standardize", "minmax", "none"] }, defaultText: "standardize (regression)" },
        { name: "missing", doc: "What to do with missing values.", type: { kind: "enum", values: ["error", "drop", "mean"] }, defaultText: "error" },
      ],
      sections: [
        {
          name: "split",
          doc: "Fractions of the data for each split; a source's own test split is kept when `test` is absent.",
          settings: [
            { name: "train", doc: "Training fraction (default: what is left).", type: { kind: "float", greaterThan: 0, lessThan: 1 } },
            { name: "validation", doc: "Validation fraction.", type: { kind: "float", greaterThan: 0, lessThan: 1 } },
            { name: "test", doc: "Test fraction.", type: { kind: "float", greaterThan: 0, lessThan: 1 } },
            { name: "shuffle", doc: "Shuffle before splitting.", type: { kind: "bool" }, defaultText: "true" },
            { name: "stratify", doc: "Keep class ratios in every split.", type: { kind: "bool" }, defaultText: "true" },
          ],
          sections: [],
        },
        {
          name: "augment",
          doc: "Image augmentations, applied afresh each epoch to training batches only.",
          settings: [],
          sections: [],
          calls: AUGMENTATIONS,
        },
      ],
    },
    {
      name: "train",
      doc: "How the model is trained.",
      required: true,
      settings: TRAIN_SETTINGS,
      sections: [CALLBACKS_SECTION],
    },
    {
      name: "fine_tune",
      doc: "A second training stage that unfreezes layers of a `pretrained` model.",
      settings: [
        { name: "unfreeze", doc: "all, last(N) or from(LAYER): which pretrained layers become trainable.", type: { kind: "entry", registry: UNFREEZE }, required: true },
        ...TRAIN_SETTINGS.map((setting) => ({ ...setting, required: false })),
      ],
      sections: [CALLBACKS_SECTION],
    },
    {
      name: "tune",
      doc: "Hyperparameter search over choice(...), range(...) and log_range(...) written in the experiment.",
      settings: [
        { name: "trials", doc: "How many configurations to train.", type: { kind: "int", min: 1 }, required: true },
        { name: "objective", doc: "The logged value to optimise, e.g. val_accuracy.", type: { kind: "string" }, defaultText: "val_loss" },
        { name: "strategy", doc: "grid or random.", type: { kind: "enum", values: ["grid", "random"] }, defaultText: "random" },
        { name: "max_epochs", doc: "Epochs per trial (default: train.epochs).", type: { kind: "int", min: 1 } },
        {
          name: "parallel",
          doc: "`auto` or a count ≥ 1: trials trained at once, each in its own thread on one core; `auto` takes the cores, at most one per trial. The trials, their scores and the table are those of one trial at a time.",
          type: { kind: "int", min: 1 },
          default: "auto",
        },
      ],
      sections: [],
    },
    {
      name: "evaluate",
      doc: "Metrics over a whole split after training, and the report.",
      settings: [
        { name: "on", doc: "Which split to evaluate.", type: { kind: "enum", values: ["test", "validation"] }, defaultText: "test" },
        { name: "metrics", doc: "Metrics to compute.", type: { kind: "names", registry: METRICS }, defaultText: "train.metrics" },
        { name: "average", doc: "How per-class precision/recall/F1/AUC are averaged.", type: { kind: "enum", values: ["macro", "micro", "weighted"] }, defaultText: "the positive class for two classes, macro otherwise" },
        { name: "positive", doc: "Two classes: the label whose precision/recall/F1/AUC are reported, e.g. \"spam\".", type: { kind: "string" }, defaultText: "the second class (class id 1)" },
        { name: "report", doc: "Report path (.html, or .md with SVGs beside it); default: report.html in the run directory.", type: { kind: "string" } },
      ],
      sections: [],
    },
  ],
};

/** Finds the spec of a section by its path from the experiment, e.g. ["data", "split"]. */
export function findSectionSpec(path: readonly string[]): SectionSpec | undefined {
  let spec: SectionSpec | undefined = EXPERIMENT_SCHEMA;
  for (const name of path) {
    spec = spec?.sections.find((section) => section.name === name);
  }
  return spec;
}
