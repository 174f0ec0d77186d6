/** Catalog of the metric checks: which class the binary metrics of `evaluate` report. */
import type { MessageEntry } from "./catalog-entry.js";

/** An iris experiment kept to the listed classes, its model ending in one unit per class, evaluated with `evaluate`. */
function irisBinary(classes: string, evaluate: string): string {
  const units = classes.split(",").length;
  return (
    `model Mlp {\n  dense(8, activation: relu)\n  dense(${units}, activation: softmax)\n}\n\n` +
    `experiment flowers {\n  data {\n    source: builtin("iris")\n    classes: ${classes}\n  }\n  model: Mlp\n` +
    "  train {\n    loss: sparse_categorical_crossentropy\n    metrics: [precision, recall]\n    epochs: 20\n  }\n" +
    `  evaluate { ${evaluate} }\n}`
  );
}

const TWO_CLASSES = '["setosa", "versicolor"]';

/** The metrics codes by meaning, so code reads `POSITIVE_CLASS.positiveClassUnknown`, not `"DLM540"`. */
export const POSITIVE_CLASS = {
  positiveClassUnknown: "DLM540",
  positiveClassWithoutTwoClasses: "DLM541",
  positiveClassIgnoredByAverage: "DLM542",
} as const;

/** One entry per code of the metric checks: what `dlm explain CODE` prints. */
export const METRIC_MESSAGES: readonly MessageEntry[] = [
  {
    code: POSITIVE_CLASS.positiveClassUnknown,
    title: "positive class is not a class of the data",
    severity: "error",
    explanation:
      '`evaluate { positive: "LABEL" }` chooses the class whose precision, recall, F1 and ROC ' +
      "curve a two-class experiment reports. The label must be one of the data's classes, written " +
      'as the data names it (a CSV label column of 0 and 1 has the classes "0" and "1"). The ' +
      "note lists the classes.",
    wrong: irisBinary(TWO_CLASSES, 'positive: "versicolour"'),
    fixed: irisBinary(TWO_CLASSES, 'positive: "versicolor"'),
  },
  {
    code: POSITIVE_CLASS.positiveClassWithoutTwoClasses,
    title: "positive class without two classes",
    severity: "error",
    explanation:
      "Only a two-class task has one positive class: its precision, recall and F1 are the " +
      "positive class's own scores (scikit-learn's `average=\"binary\"`). With more classes the " +
      "scores are averaged over all of them (`average: macro` by default), and a regression task " +
      "has no classes, so `positive` has no meaning there. Keep two classes with " +
      "`data { classes: [A, B] }`, or remove `positive`.",
    wrong: irisBinary('["setosa", "versicolor", "virginica"]', 'positive: "virginica"'),
    fixed: irisBinary(TWO_CLASSES, 'positive: "versicolor"'),
  },
  {
    code: POSITIVE_CLASS.positiveClassIgnoredByAverage,
    title: "positive class ignored by an average",
    severity: "warning",
    explanation:
      "With `average` written, precision, recall and F1 are averaged over both classes " +
      "(`macro`, `micro` or `weighted`), so the positive class changes none of them (the AUC of " +
      "two classes is the same for either class). `positive` then only picks the ROC curve the " +
      "report shows. Remove `average` to report the positive class's scores, or remove `positive`.",
    wrong: irisBinary(TWO_CLASSES, 'positive: "setosa", average: macro'),
    fixed: irisBinary(TWO_CLASSES, 'positive: "setosa"'),
  },
];
