import { describe, expect, it } from "vitest";
import { learningCurvesChart, renderChartSvg, renderReport, type RunReport } from "../../../runtime/report/index.js";
import { configurationTable, finalEpochTable, tuningTable } from "../../../runtime/report/tables.js";
import { formatTrialTable, type TrialResult } from "../../../runtime/tune.js";
import { sampleClassificationReport } from "./sample-report.js";

const SAMPLED_RATES = [0.0012345678901234, 0.000087654321, 0.0123456789];

/** The sample report with learning rates as a log-range search draws them, tuned config and an `lr` log. */
function reportWithSampledRates(): RunReport {
  const report = sampleClassificationReport();
  const epochs = report.history.epochs;
  return {
    ...report,
    config: { seed: 1234567891, train: { optimizer: { name: "adam", learning_rate: SAMPLED_RATES[0] } } },
    history: { epochs, logs: { ...report.history.logs, lr: epochs.map((epoch) => (epoch < 6 ? 1e-4 : 1e-5)) } },
    tuning: {
      ...report.tuning!,
      trials: report.tuning!.trials.map((trial, i) => ({
        ...trial,
        values: { ...trial.values, "train.optimizer.learning_rate": SAMPLED_RATES[i]! },
      })),
    },
  };
}

describe("hyperparameter values in the report", () => {
  it("shows sampled learning rates to 4 significant digits, tiny ones in exponent notation", () => {
    const table = tuningTable(reportWithSampledRates())!;
    const column = table.columns.findIndex((c) => c.label === "train.optimizer.learning_rate");
    const unitsColumn = table.columns.findIndex((c) => c.label === "model.dense_1.units");
    expect(table.rows.map((row) => row[column])).toEqual(["0.001235", "8.765e-5", "0.01235"]);
    expect(table.rows.map((row) => row[unitsColumn])).toEqual(["64", "128", "256"]);
  });

  it("never prints a long float in the HTML or Markdown page", async () => {
    const report = reportWithSampledRates();
    const html = (await renderReport(report, "report.html")).get("report.html")!;
    const markdown = (await renderReport(report, "report.md")).get("report.md")!;
    // the tables from the search on; the inline SVGs before them are full of long coordinates
    const htmlTables = html.slice(html.indexOf("<h2>Hyperparameter search</h2>"));
    for (const page of [htmlTables, markdown]) {
      expect(page).toContain("8.765e-5");
      expect(page).not.toMatch(/\d\.\d{8,}/);
    }
    expect(html).toContain('<tr class="best"><td class="number">2</td><td class="number">8.765e-5</td>');
    expect(markdown).toContain("| **2** | **8.765e-5** | **128** | **12** | **0.9680** |");
  });

  it("shortens the tuned learning rate in the configuration but keeps integers whole", () => {
    const rows = configurationTable(reportWithSampledRates()).rows;
    expect(rows).toContainEqual(["train.optimizer.learning_rate", "0.001235"]);
    expect(rows).toContainEqual(["seed", "1234567891"]);
  });

  it("shows the last learning rate as a setting, not as 0.0000", () => {
    expect(finalEpochTable(reportWithSampledRates())!.rows).toContainEqual(["lr", "1e-5", ""]);
  });

  it("prints the terminal's trial table with the report's format", () => {
    const trials: TrialResult[] = SAMPLED_RATES.map((rate, i) => ({
      trial: i + 1,
      values: { "train.optimizer.learning_rate": rate },
      objectiveValue: 0.9,
      epochs: 5,
    }));
    const lines = formatTrialTable({ objective: "val_accuracy", trials, best: trials[0]! });
    const reportCells = tuningTable(reportWithSampledRates())!.rows.map((row) => row[1]!);
    expect(reportCells).toEqual(["0.001235", "8.765e-5", "0.01235"]);
    reportCells.forEach((cell, i) => expect(lines[2 + i]).toMatch(new RegExp(`\\s${cell.replace(".", "\\.")}\\s`)));
  });
});

describe("learning curves with a learning-rate panel", () => {
  const epochs = [1, 2, 3];
  const falling = (start: number): number[] => epochs.map((epoch) => start / epoch);

  it.each([
    ["four quantities", { f1: falling(0.4), val_f1: falling(0.3) }],
    ["five quantities", { f1: falling(0.4), val_f1: falling(0.3), auc: falling(0.8), val_auc: falling(0.7) }],
  ])("draws an epoch axis under each of the %s and none under an empty grid cell", async (_, extraLogs) => {
    const logs = {
      loss: falling(1),
      val_loss: falling(1.2),
      accuracy: falling(0.5),
      val_accuracy: falling(0.6),
      ...extraLogs,
      lr: [1e-3, 1e-3, 5e-4],
    };
    const chart = learningCurvesChart({ epochs, logs })!;
    const panels = [...new Set(Object.keys(logs).map((name) => name.replace(/^val_/, "")))];
    // every panel of the facet has data: none is kept for a quantity that was never logged
    expect(chart.spec).toMatchObject({ facet: { sort: panels } });
    const svg = await renderChartSvg(chart);
    // a row with fewer panels than columns used to get axis-only, empty panels under its gaps
    expect(svg.match(/>epoch<\/text>/g)).toHaveLength(panels.length);
  });
});
