/**
 * Metrics over whole splits: pure functions from typed arrays to numbers and tables.
 * Training monitors them per epoch and evaluation reports them, both through `METRICS`.
 */
export {
  METRICS,
  METRIC_NAMES,
  computeMetric,
  findMetric,
  isHigherBetter,
  type ComputeMetric,
  type MetricDefinition,
  type MetricInfo,
  type MetricName,
  type ScalarMetric,
  type TableMetric,
} from "./registry.js";
export {
  evaluatePredictions,
  type ClassReport,
  type EvaluateArgs,
  type Evaluation,
  type RocReport,
} from "./evaluate.js";
export {
  accuracyFromMatrix,
  averagedScore,
  confusionMatrix,
  perClassStatistics,
  type Average,
  type AveragedScore,
  type ClassStatistics,
} from "./classification.js";
export { inferNumClasses, predictClasses, readClassScores, type ClassScores } from "./class-scores.js";
export { oneVsRestCurve, reportedCurves, rocAuc, rocCurve, type RocCurve, type RocPoint } from "./roc.js";
export { meanAbsoluteError, meanSquaredError, rootMeanSquaredError, rSquared } from "./regression.js";
