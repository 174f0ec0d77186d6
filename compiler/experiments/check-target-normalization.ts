/**
 * DLM536: `normalize_target` scales regression targets; a classification data set has class
 * ids, which must stay as they are.
 */
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { DataReading } from "./lower-data.js";
import type { DataFacts } from "./static-data.js";
import { FINE_TUNE } from "../../diagnostics/catalog/fine-tune.js";

/** Reports `normalize_target: standardize | minmax` on data whose task is classification. */
export function checkTargetNormalization(reading: DataReading, facts: DataFacts | undefined, context: ExperimentContext): void {
  const written = reading.spec?.normalizeTarget;
  const range = reading.sites.normalizeTarget;
  if (facts === undefined || range === undefined || written === undefined || written === "none") return;
  if (facts.info.task !== "classification") return;
  context.report(
    makeDiagnostic(FINE_TUNE.normalizeTargetOnClassification, context.file, range, {
      message: `\`normalize_target: ${written}\` scales regression targets, but this data's task is classification`,
      help: "remove `normalize_target` (class ids are never scaled), or write `task: regression` if the label is a quantity",
    }),
  );
}
