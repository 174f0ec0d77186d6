/**
 * Model summaries: a Keras-like text table (`Layer (type) | Output Shape | Param #` and
 * the totals) and the JSON that `dlm summary --json` prints. Shapes leave out the batch
 * axis; unknown lengths print as `?` in text and `null` in JSON.
 */
import { formatShape } from "./layers/shape-arithmetic.js";
import type { Shape } from "./layers/layer-definition.js";
import type { CheckResult } from "./program.js";
import type { ModelInfo } from "./models.js";

/** What a summary prints of a model: its shapes and weights, and where the input shape came from. */
export type SummarizedModel = Pick<ModelInfo, "name" | "input" | "output" | "layers" | "params" | "trainableParams"> & {
  /** The experiment whose data fixed the input shape, for a model written without `input:`. */
  readonly experiment?: string;
};

/**
 * Every model of a checked program: those with `input:` as declared, then each model
 * without one (inline models included) with the shapes of the experiments that train it —
 * once per distinct input shape, named after the first such experiment.
 */
export function summarizedModels(result: Pick<CheckResult, "models" | "plans">): SummarizedModel[] {
  const listed = new Set(result.models.map((model) => `${model.file}\u0000${model.name}`));
  const fromExperiments: SummarizedModel[] = [];
  const seen = new Set<string>();
  for (const plan of result.plans) {
    const model = plan.model;
    if (listed.has(`${model.file}\u0000${model.name}`)) continue;
    const key = `${model.file}\u0000${model.name}\u0000${JSON.stringify(model.input)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fromExperiments.push({ ...model, experiment: plan.name });
  }
  return [...result.models, ...fromExperiments];
}

/** One model in `summaryJson`. */
export interface ModelSummaryJson {
  readonly name: string;
  readonly input: Shape;
  /** Null when shape inference stopped at an error. */
  readonly output: Shape | null;
  readonly params: number;
  readonly trainableParams: number;
  readonly layers: readonly { readonly name: string; readonly kind: string; readonly output: Shape; readonly params: number }[];
  /** For a model without `input:`: the experiment whose data gave the input shape. */
  readonly experiment?: string;
}

/** A count with thousands separators: `225,034`. */
function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** The Keras-like summary table of one model. */
export function formatSummaryTable(model: SummarizedModel): string {
  const rows = model.layers.map((layer) => [` ${layer.name} (${layer.kind})`, formatShape(layer.output), formatCount(layer.params)] as const);
  const header = [" Layer (type)", "Output Shape", "Param #"] as const;
  const widths = [0, 1].map((column) => Math.max(column === 0 ? 29 : 26, ...[header, ...rows].map((row) => row[column].length + 2)));
  const [nameWidth = 29, shapeWidth = 26] = widths;
  const lineWidth = nameWidth + shapeWidth + Math.max(10, ...rows.map((row) => row[2].length));
  const line = (row: readonly [string, string, string]): string =>
    (row[0].padEnd(nameWidth) + row[1].padEnd(shapeWidth) + row[2]).trimEnd();
  const nonTrainable = model.params - model.trainableParams;
  const lines = [
    `Model: "${model.name}"  input ${formatShape(model.input)}` +
      (model.experiment === undefined ? "" : ` (from the data of experiment \`${model.experiment}\`)`),
    "_".repeat(lineWidth),
    line(header),
    "=".repeat(lineWidth),
    ...rows.map(line),
    "=".repeat(lineWidth),
    `Total params: ${formatCount(model.params)}`,
    `Trainable params: ${formatCount(model.trainableParams)}`,
    `Non-trainable params: ${formatCount(nonTrainable)}`,
    "_".repeat(lineWidth),
  ];
  if (model.output === null) lines.push("(shape inference stopped at an error: later layers are not listed)");
  return lines.join("\n");
}

/** `{ "models": [...] }`: every model's shapes and weight counts, as `dlm summary --json` prints. */
export function summaryJson(models: readonly SummarizedModel[]): { readonly models: readonly ModelSummaryJson[] } {
  return {
    models: models.map((model) => ({
      name: model.name,
      input: model.input,
      output: model.output,
      params: model.params,
      trainableParams: model.trainableParams,
      layers: model.layers.map((layer) => ({ name: layer.name, kind: layer.kind, output: layer.output, params: layer.params })),
      ...(model.experiment === undefined ? {} : { experiment: model.experiment }),
    })),
  };
}
