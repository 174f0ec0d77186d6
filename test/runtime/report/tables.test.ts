import { describe, expect, it } from "vitest";
import { configurationTable, formatNumber, tuningTable } from "../../../runtime/report/tables.js";
import type { RunReport } from "../../../runtime/report/index.js";
import { sampleRegressionReport } from "./sample-report.js";

/** The sample regression report with other settings or tuning trials. */
function reportWith(changes: Partial<RunReport>): RunReport {
  return { ...sampleRegressionReport(), ...changes };
}

describe("report tables", () => {
  it("formats values with aligned decimals and n/a for NaN", () => {
    expect(formatNumber(0.96831)).toBe("0.9683");
    expect(formatNumber(25)).toBe("25.0000");
    expect(formatNumber(2345.67)).toBe("2345.7");
    expect(formatNumber(Number.NaN)).toBe("n/a");
  });

  it("flattens the configuration into setting paths", () => {
    const table = configurationTable(
      reportWith({
        config: {
          train: { optimizer: { name: "sgd", momentum: 0.9 }, metrics: ["accuracy", "f1"] },
          layers: [{ units: 8 }],
        },
      }),
    );
    expect(table.rows).toEqual([
      ["train.optimizer.name", "sgd"],
      ["train.optimizer.momentum", "0.9"],
      ["train.metrics", "[accuracy, f1]"],
      ["layers[0].units", "8"],
    ]);
  });

  it("highlights the trial with the lowest objective when the objective is a loss", () => {
    const table = tuningTable(
      reportWith({
        tuning: {
          objectiveName: "val_loss",
          trials: [
            { trial: 1, values: { lr: 0.1 }, objective: 0.4, epochs: 5 },
            { trial: 2, values: { lr: 0.01 }, objective: 0.2, epochs: 5 },
            { trial: 3, values: { lr: 0.001 }, objective: Number.NaN, epochs: 2 },
          ],
        },
      }),
    );
    expect(table?.highlightedRow).toBe(1);
    expect(table?.rows[2]).toEqual(["3", "0.001", "2", "n/a"]);
  });
});
