/**
 * `dlm predict` on a tabular bundle gives exactly the evaluation's predictions: the test
 * split's raw CSV rows (a categorical column included) through `dlm predict`, against the
 * evaluation's own probabilities (within 1e-6) and values (regression, in the target's units).
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClassPrediction } from "../../runtime/predict.js";
import { evaluationMetrics, evaluationPredictions, expectSameProbabilities, expectSameValues, predictWithCli, runExperiment, scratchWith } from "./predict-parity/parity.js";

/** 200 rows: size, weight, colour (categorical) → kind (3 classes) and price (around 1,000). */
function table(): { csv: string; rows: string[] } {
  const colours = ["red", "green", "blue"];
  const rows: string[] = [];
  for (let i = 0; i < 200; i++) {
    const size = ((i * 37) % 100) / 10;
    const weight = ((i * 53) % 70) / 7;
    const colour = colours[(i * 7) % 3]!;
    const kind = size + (colour === "red" ? 2 : 0) > 6 ? "large" : weight > 5 ? "heavy" : "small";
    const price = (1000 + 30 * size - 12 * weight + (colour === "blue" ? 25 : 0)).toFixed(2);
    rows.push(`${size},${weight},${colour},${kind},${price}`);
  }
  return { csv: ["size,weight,colour,kind,price", ...rows].join("\n") + "\n", rows };
}

const PROGRAM = `
experiment kinds {
  seed: 3
  data {
    source: csv("table.csv", label: kind, features: [size, weight, colour])
    split { train: 0.8, test: 0.2, shuffle: false, stratify: false }
    normalize: standardize
  }
  model {
    dense(16, activation: relu)
    dense(3, activation: softmax)
  }
  train { optimizer: adam(learning_rate: 0.01), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 5, batch_size: 16 }
  evaluate { on: test, metrics: [accuracy] }
  export: "exports/kinds"
}

experiment prices {
  seed: 3
  data {
    source: csv("table.csv", label: price, features: [size, weight, colour])
    split { train: 0.8, test: 0.2, shuffle: false }
    normalize: standardize
  }
  model {
    dense(16, activation: relu)
    dense(1)
  }
  train { optimizer: adam(learning_rate: 0.01), loss: mse, epochs: 5, batch_size: 16 }
  evaluate { on: test, metrics: [rmse] }
  export: "exports/prices"
}
`;

describe("dlm predict on a tabular bundle", () => {
  const { csv, rows } = table();
  const dir = scratchWith("predict-tabular", { "table.csv": csv, "parity.dlm": PROGRAM });
  // shuffle: false keeps file order: the test split is the last 20% of the rows.
  const testRows = rows.slice(160);
  beforeAll(() => {
    writeFileSync(join(dir, "test-rows.csv"), ["size,weight,colour,kind,price", ...testRows].join("\n") + "\n");
    runExperiment(dir, "parity.dlm");
  }, 600_000);

  it("classification: the test rows' probabilities equal the evaluation's; accuracy matches metrics.json", async () => {
    const cli = predictWithCli(dir, "exports/kinds", "test-rows.csv");
    const evaluation = await evaluationPredictions(dir, "parity.dlm", "kinds", "exports/kinds");
    expectSameProbabilities(cli, evaluation, ["heavy", "large", "small"]);
    const labels = testRows.map((row) => row.split(",")[3]);
    const correct = (cli as ClassPrediction[]).filter((prediction, index) => prediction.label === labels[index]).length;
    expect(correct / labels.length).toBeCloseTo(evaluationMetrics(dir, "kinds")["accuracy"]!, 12);
  });

  it("regression: the values equal the evaluation's, in the target's units; RMSE matches metrics.json", async () => {
    const cli = predictWithCli(dir, "exports/prices", "test-rows.csv");
    const evaluation = await evaluationPredictions(dir, "parity.dlm", "prices", "exports/prices");
    expectSameValues(cli, evaluation);
    const targets = testRows.map((row) => Number(row.split(",")[4]));
    const values = cli.map((prediction) => ("values" in prediction ? prediction.values[0]! : Number.NaN));
    // Predictions sit near the prices (around 1,000), not near standardized values (around 0).
    expect(Math.min(...values)).toBeGreaterThan(500);
    const rmse = Math.sqrt(values.reduce((sum, value, index) => sum + (value - targets[index]!) ** 2, 0) / values.length);
    expect(rmse / evaluationMetrics(dir, "prices")["rmse"]!).toBeCloseTo(1, 4);
  });
});
