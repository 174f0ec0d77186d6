/**
 * The generated program of a tune experiment: a searched layer argument reads the
 * trial's value from `buildModel`'s `hyperparameters`, typed for the TF.js config, with
 * the first point as its fallback; experiments without layer spaces keep `buildModel()`.
 */
import { describe, expect, it } from "vitest";
import { emitExperiment } from "../../../compiler/emitter.js";
import { checkSource } from "../../../compiler/program.js";

function emitted(source: string): string {
  const result = checkSource(source);
  expect(result.diagnostics).toEqual([]);
  return emitExperiment(result.plans[0]!, { outDir: "out", sourceText: (file) => result.files.get(file)?.text }).text;
}

const experiment = (model: string, tune: string, optimizer = "adam") =>
  `experiment flowers {\n  data { source: builtin("iris") split { validation: 0.2 } }\n  model { ${model} }\n` +
  `  train { optimizer: ${optimizer}, loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 2 }\n${tune}}\n`;

describe("emitting layer search spaces", () => {
  it("reads each searched argument from hyperparameters, typed, with the first value as fallback", () => {
    const text = emitted(
      experiment(
        "hidden = dense(choice(8, 16), activation: choice(relu, tanh)) dropout(range(0.1, 0.4)) dense(3, activation: softmax)",
        "  tune { trials: 2, objective: val_accuracy }\n",
      ),
    );
    expect(text).toContain("async function buildModel(_info: DataInfo, hyperparameters: Hyperparameters): Promise<tf.LayersModel>");
    expect(text).toContain('units: Number(hyperparameters["hidden.units"] ?? 8)');
    expect(text).toContain('activation: (hyperparameters["hidden.activation"] ?? "relu") as "relu" | "tanh"');
    expect(text).toContain('rate: Number(hyperparameters["dropout.rate"] ?? 0.1)');
    expect(text).toContain('"hidden.units": { kind: "choice", values: [8, 16] }');
    // only settings need `withHyperparameters`
    expect(text).not.toContain("applySearchValues");
  });

  it("keeps buildModel() when only settings are searched", () => {
    const text = emitted(
      experiment("dense(3, activation: softmax)", "  tune { trials: 2, objective: val_accuracy }\n", "adam(learning_rate: log_range(1e-3, 1e-1))"),
    );
    expect(text).toContain("async function buildModel(): Promise<tf.LayersModel>");
    expect(text).not.toContain("type Hyperparameters");
    expect(text).toContain("applySearchValues");
  });
});
