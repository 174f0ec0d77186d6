/**
 * `dlm predict` on a windowed time-series bundle: the test part's consecutive rows (CSV, or
 * JSON rows, or JSON windows) give one prediction per window, equal to the evaluation's, in
 * the target's own units (a load around 1,000, standardized for training by default).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RegressionPrediction } from "../../runtime/predict.js";
import { evaluationMetrics, evaluationPredictions, expectSameValues, predictWithCli, runExperiment, scratchWith } from "./predict-parity/parity.js";
import { runDlm } from "../robustness/runs/scratch.js";

const SIZE = 8;
const HORIZON = 2;

/** 300 hourly rows: temperature and a load around 1,000 that follows it. */
function series(): { header: string; rows: string[] } {
  const rows: string[] = [];
  for (let t = 0; t < 300; t++) {
    const temp = 15 + 8 * Math.sin(t / 6);
    const load = 1000 + 40 * Math.sin(t / 6 + 0.5) + 0.3 * t;
    rows.push(`${temp.toFixed(3)},${load.toFixed(3)}`);
  }
  return { header: "temp,load", rows };
}

const PROGRAM = `
experiment load {
  seed: 5
  data {
    source: csv("load.csv", label: load)
    window(${SIZE}, horizon: ${HORIZON}, target: load)
    split { validation: 0.1, test: 0.2 }
    normalize: standardize
  }
  model {
    flatten
    dense(16, activation: relu)
    dense(${HORIZON})
  }
  train { optimizer: adam(learning_rate: 0.01), loss: mse, epochs: 5, batch_size: 16 }
  evaluate { on: test, metrics: [rmse, mae] }
  export: "exports/load"
}
`;

describe("dlm predict on a windowed series bundle", () => {
  const { header, rows } = series();
  const dir = scratchWith("predict-series", { "load.csv": [header, ...rows].join("\n") + "\n", "series.dlm": PROGRAM });
  // Series split in time order: the test part is the last 20% of the rows.
  const testRows = rows.slice(rows.length - 60);
  beforeAll(() => {
    writeFileSync(join(dir, "recent.csv"), [header, ...testRows].join("\n") + "\n");
    runExperiment(dir, "series.dlm");
  }, 600_000);

  it("CSV rows: one prediction per window, the evaluation's values in the load's units; RMSE matches metrics.json", async () => {
    const cli = predictWithCli(dir, "exports/load", "recent.csv") as RegressionPrediction[];
    // 60 rows hold 60 - 8 + 1 windows; the last HORIZON - 1 forecast beyond the file (the evaluation has no target for them).
    expect(cli).toHaveLength(testRows.length - SIZE + 1);
    const evaluation = await evaluationPredictions(dir, "series.dlm", "load", "exports/load");
    expect(evaluation).toHaveLength(testRows.length - SIZE - HORIZON + 1);
    expectSameValues(cli.slice(0, evaluation.length), evaluation);
    const loads = testRows.map((row) => Number(row.split(",")[1]));
    let squares = 0;
    evaluation.forEach((_, window) => {
      for (let step = 0; step < HORIZON; step++) squares += (cli[window]!.values[step]! - loads[window + SIZE + step]!) ** 2;
    });
    const rmse = Math.sqrt(squares / (evaluation.length * HORIZON));
    expect(rmse / evaluationMetrics(dir, "load")["rmse"]!).toBeCloseTo(1, 4);
    // In the load's units: forecasts sit near 1,000, not near 0.
    expect(Math.min(...cli.flatMap((prediction) => prediction.values))).toBeGreaterThan(900);
  });

  it("JSON rows and JSON windows give the same predictions as the CSV", () => {
    const asObjects = testRows.slice(0, SIZE + 1).map((row) => ({ temp: Number(row.split(",")[0]), load: Number(row.split(",")[1]) }));
    writeFileSync(join(dir, "rows.json"), JSON.stringify(asObjects));
    writeFileSync(join(dir, "windows.json"), JSON.stringify([asObjects.slice(0, SIZE), asObjects.slice(1, SIZE + 1)]));
    const fromCsv = predictWithCli(dir, "exports/load", "recent.csv").slice(0, 2);
    expect(predictWithCli(dir, "exports/load", "rows.json")).toEqual(fromCsv);
    expect(predictWithCli(dir, "exports/load", "windows.json")).toEqual(fromCsv);
  });

  it("too few rows, or a window of the wrong length: one clear line, exit 2", () => {
    writeFileSync(join(dir, "short.csv"), [header, ...testRows.slice(0, 3)].join("\n") + "\n");
    const short = runDlm(dir, ["predict", "exports/load", "short.csv", "--backend", "cpu"]);
    expect(short.status).toBe(2);
    expect(short.stderr.trim()).toBe("error: short.csv: 3 rows; the model reads windows of 8 consecutive rows");
    writeFileSync(join(dir, "bad-window.json"), JSON.stringify([[{ temp: 1, load: 2 }]]));
    const bad = runDlm(dir, ["predict", "exports/load", "bad-window.json", "--backend", "cpu"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("error: bad-window.json: window 1 has 1 rows; the model reads windows of 8 rows");
  });
});
