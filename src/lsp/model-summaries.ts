/**
 * The answer to `dlm/modelSummaries` (see `protocol.ts`), behind the editor's "DLM: Show
 * model summary" command: the Keras-like table of every model in a document, as `dlm summary` prints it.
 */
import { formatShape } from "../../compiler/layers/shape-arithmetic.js";
import { formatSummaryTable } from "../../compiler/summary.js";
import type { CheckedDocument } from "./document-store.js";
import type { ModelSummariesResult, ModelSummary } from "./protocol.js";

/** Summaries of the models declared in (or inlined into experiments of) the checked document. */
export function modelSummaries(checked: CheckedDocument): ModelSummariesResult {
  const { result } = checked;
  const summarized = new Set<string>();
  const models: ModelSummary[] = [];
  for (const model of result.models) {
    if (model.file !== checked.path) continue;
    summarized.add(model.name);
    models.push({ name: model.name, text: formatSummaryTable(model) });
  }
  for (const expanded of result.expandedModels) {
    if (expanded.file !== checked.path || summarized.has(expanded.name)) continue;
    const input = expanded.input ? ` ${formatShape(expanded.input)}` : "";
    const what = expanded.experiment ? `the inline model of experiment "${expanded.name}"` : `model "${expanded.name}"${input}`;
    models.push({ name: expanded.name, text: `${what}: its input shape comes from the experiment's data, so it is summarised when the experiment is checked.` });
  }
  return { models };
}
