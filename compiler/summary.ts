/**
 * Model summaries: a Keras-like text table (`Layer (type) | Output Shape | Param #` and
 * the totals) and the JSON that `dlm summary --json` prints. Shapes leave out the batch
 * axis; unknown lengths print as `?` in text and `null` in JSON.
 */
import { formatShape } from "./layers/shape-arithmetic.js";
import type { Shape } from "./layers/types.js";
import type { ModelInfo } from "./program.js";

/** One model in `summaryJson`. */
export interface ModelSummaryJson {
  readonly name: string;
  readonly input: Shape;
  /** Null when shape inference stopped at an error. */
  readonly output: Shape | null;
  readonly params: number;
  readonly trainableParams: number;
  readonly layers: readonly { readonly name: string; readonly kind: string; readonly output: Shape; readonly params: number }[];
}

/** A count with thousands separators: `225,034`. */
function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** The Keras-like summary table of one model. */
export function formatSummaryTable(model: ModelInfo): string {
  const rows = model.layers.map((layer) => [` ${layer.name} (${layer.kind})`, formatShape(layer.output), formatCount(layer.params)] as const);
  const header = [" Layer (type)", "Output Shape", "Param #"] as const;
  const widths = [0, 1].map((column) => Math.max(column === 0 ? 29 : 26, ...[header, ...rows].map((row) => row[column].length + 2)));
  const [nameWidth = 29, shapeWidth = 26] = widths;
  const lineWidth = nameWidth + shapeWidth + Math.max(10, ...rows.map((row) => row[2].length));
  const line = (row: readonly [string, string, string]): string =>
    (row[0].padEnd(nameWidth) + row[1].padEnd(shapeWidth) + row[2]).trimEnd();
  const nonTrainable = model.params - model.trainableParams;
  const lines = [
    `Model: "${model.name}"  input ${formatShape(model.input)}`,
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
export function summaryJson(models: readonly ModelInfo[]): { readonly models: readonly ModelSummaryJson[] } {
  return {
    models: models.map((model) => ({
      name: model.name,
      input: model.input,
      output: model.output,
      params: model.params,
      trainableParams: model.trainableParams,
      layers: model.layers.map((layer) => ({ name: layer.name, kind: layer.kind, output: layer.output, params: layer.params })),
    })),
  };
}
