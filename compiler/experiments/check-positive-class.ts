/**
 * `evaluate { positive: "LABEL" }` against the data: the label must be a class (DLM540) of a
 * two-class task (DLM541), and an `average` written beside it overrides it (DLM542, a warning).
 */
import type { DataInfo } from "../../runtime/prepared-data.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { EvaluateReading } from "./lower-evaluate.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { POSITIVE_CLASS } from "../../diagnostics/catalog/metrics.js";

/** Checks `positive:` of `evaluate`; nothing to do when it is not written. */
export function checkPositiveClass(evaluate: EvaluateReading, info: DataInfo, context: ExperimentContext): void {
  const positive = evaluate.positive;
  if (positive === undefined) return;
  const classes = info.classes ?? [];
  const listed = classes.map((name) => JSON.stringify(name)).join(", ");
  if (info.task !== "classification" || classes.length !== 2) {
    context.report(
      makeDiagnostic(POSITIVE_CLASS.positiveClassWithoutTwoClasses, context.file, positive.range, {
        message:
          info.task === "classification"
            ? `\`positive\` picks one class of two, but the data has ${classes.length} classes (${listed}): their scores are averaged`
            : "`positive` picks one class of two, but the data is a regression task",
        help:
          info.task === "classification"
            ? `keep two classes with \`data { classes: [${classes
                .slice(0, 2)
                .map((name) => JSON.stringify(name))
                .join(", ")}] }\`, or remove \`positive\``
            : "remove `positive`",
      }),
    );
    return;
  }
  if (!classes.includes(positive.label)) {
    const help = didYouMean(positive.label, classes);
    context.report(
      makeDiagnostic(POSITIVE_CLASS.positiveClassUnknown, context.file, positive.range, {
        message: `\`positive\` names class ${JSON.stringify(positive.label)}, which is not a class of the data`,
        help: help ?? `write one of the classes: \`positive: ${JSON.stringify(classes[1])}\``,
        notes: [`classes: ${listed}`],
      }),
    );
    return;
  }
  if (evaluate.average !== undefined) {
    context.report(
      makeDiagnostic(POSITIVE_CLASS.positiveClassIgnoredByAverage, context.file, positive.range, {
        message: `\`positive\` has no effect on precision, recall and F1: \`average: ${evaluate.average}\` averages them over both classes`,
        help: "remove `average` to report the positive class's scores, or remove `positive`",
      }),
    );
  }
}
