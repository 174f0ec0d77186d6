/**
 * The DLM runtime: everything a generated program imports, through `dlm/runtime` only.
 * Backends and training kernels, the data pipeline, the training loop and callbacks,
 * metrics, reports, model files, export and prediction.
 */
export { initBackend, BackendUnavailableError, type BackendName, type BackendChoice } from "./backend.js";
export type { DataInfo, PreparedData, Preprocessing, Split, Task } from "./prepared-data.js";
export type {
  CallbackSpec,
  EvaluateSpec,
  ExperimentDefinition,
  FineTuneSpec,
  Hyperparameters,
  SearchSpace,
  StageSpec,
  TuneSpec,
} from "./experiment.js";
export { runExperiment, parseRunOverrides, applyOverrides, UsageError, type RunOverrides } from "./run.js";
export { trainStages, runCheckpointDir, type StageOutcome } from "./run-stages.js";
export { makeCallbacks, CALLBACK_FACTORIES, type CallbackEnvironment } from "./callbacks/registry.js";
export { evaluateSplit, predictSplit, type SplitEvaluation } from "./evaluate.js";
export { chooseRunDirectory, findLatestRunDirectory, historyCsv, writeRunFiles, type RunMetrics } from "./run-directory.js";
export { applySearchValues, runTuning, searchPoints, type SearchSite, type TuningResult, type TrialResult } from "./tune.js";
export * from "./data/spec.js";
export { prepareData, disposePreparedData, type PrepareOptions } from "./data/prepare.js";
export { batches, type Batch, type BatchOptions } from "./data/batches.js";
export { makeAugmenter, type Augmenter } from "./data/augment.js";
export { applyPreprocessing, encodeFeatures, type RawFeatures, type RawRow } from "./data/preprocess.js";
export { BUILTIN_DATASETS, findBuiltinDataset, builtinDataInfo, formatDatasetTable } from "./data/builtin-datasets.js";
export { DataError, MissingDatasetError } from "./data/errors.js";
export { train, type TrainOptions } from "./train.js";
export * from "./callbacks/index.js";
export { createOptimizer, getLearningRate, setLearningRate, makeSchedule, type OptimizerSpec, type ScheduleSpec } from "./optimizers.js";
export type { LossName, ClassWeightSpec } from "./losses.js";
export { computeMetric, evaluatePredictions, isHigherBetter, type Evaluation } from "./metrics/index.js";
export { writeReport, type RunReport } from "./report/index.js";
export { saveModel, loadModel } from "./model-io.js";
export { exportBundle, loadBundle, type Bundle, type ModelCard } from "./export.js";
export { predict, type ClassPrediction, type RegressionPrediction } from "./predict.js";
export { loadPretrained } from "./pretrained.js";
export { programFolder } from "./program-folder.js";
export { prepareZooBackbone, zooCacheDir, ZooWeightsError, type ZooBackboneArgs } from "./zoo-backbone.js";
export { imagePreprocessing, type ImagePreprocessingMode } from "./image-preprocessing.js";
export { setTrainable, unfreezeBackbones, type Unfreeze } from "./unfreeze.js";
