import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportBundle, loadBundle } from "../../../runtime/export.js";
import { predict, type ClassPrediction, type RegressionPrediction } from "../../../runtime/predict.js";
import type { DataInfo, Preprocessing } from "../../../runtime/prepared-data.js";
import { denseClassifier, denseRegressor, useCpuBackend, weightValues } from "../train/fixtures.js";

let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-export-"));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

const tabularInfo: DataInfo = {
  task: "classification",
  featureShape: [4],
  featureNames: ["size", "color=red", "color=green", "color=blue"],
  classes: ["small", "medium", "large"],
  modality: "tabular",
};

const tabularPreprocessing: Preprocessing = {
  normalize: { kind: "standardize", mean: [10, 0.5, 0.25, 0.25], std: [4, 0.5, 0.5, 0] },
  columns: [
    { name: "size", kind: "numeric", fillValue: 10 },
    { name: "color", kind: "categorical", categories: ["red", "green", "blue"] },
  ],
};

describe("exportBundle / loadBundle", () => {
  it("writes model files, preprocessing, labels and a card, and reads them back", async () => {
    const dir = path.join(directory, "tabular");
    const model = denseClassifier(4, 3);
    const card = await exportBundle(dir, model, tabularPreprocessing, tabularInfo, {
      experiment: "sizes",
      metrics: { accuracy: 0.9 },
      source: 'csv("sizes.csv")',
      date: "2025-01-02T03:04:05.000Z",
    });
    expect((await fs.readdir(dir)).sort()).toEqual([
      ".dlm-bundle.json", // the marker that proves DLM wrote the folder (docs/safety.md)
      "card.json",
      "labels.json",
      "model.json",
      "preprocessing.json",
      "weights.bin",
    ]);
    expect(JSON.parse(await fs.readFile(path.join(dir, "labels.json"), "utf8"))).toEqual(["small", "medium", "large"]);
    const written = JSON.parse(await fs.readFile(path.join(dir, "card.json"), "utf8"));
    expect(written).toEqual({
      experiment: "sizes",
      data: { ...tabularInfo, source: 'csv("sizes.csv")' },
      metrics: { accuracy: 0.9 },
      date: "2025-01-02T03:04:05.000Z",
      dlmVersion: "0.1.0",
    });
    expect(card).toEqual(written);

    const bundle = await loadBundle(dir);
    expect(bundle.info).toEqual(tabularInfo);
    expect(bundle.preprocessing).toEqual(tabularPreprocessing);
    expect(bundle.card.experiment).toBe("sizes");
    expect(weightValues(bundle.model)).toEqual(weightValues(model));
    model.dispose();
    bundle.model.dispose();
  });
});

describe("predict", () => {
  it("encodes and normalises raw rows as training did, then labels them", async () => {
    const dir = path.join(directory, "predict-tabular");
    const model = denseClassifier(4, 3);
    await exportBundle(dir, model, tabularPreprocessing, tabularInfo, { experiment: "sizes" });
    const bundle = await loadBundle(dir);
    const predictions = predict(bundle, {
      kind: "rows",
      rows: [
        { size: 14, color: "green" },
        { size: null, color: "blue" },
      ],
    }) as ClassPrediction[];
    // By hand: (value - mean) / std, with std 0 treated as 1.
    const expected = model.predict(
      tf.tensor2d([
        [(14 - 10) / 4, (0 - 0.5) / 0.5, (1 - 0.25) / 0.5, 0 - 0.25],
        [0, (0 - 0.5) / 0.5, (0 - 0.25) / 0.5, 1 - 0.25],
      ]),
    ) as tf.Tensor;
    const probabilities = (await expected.array()) as number[][];
    predictions.forEach((prediction, row) => {
      const p = probabilities[row]!;
      const best = p.indexOf(Math.max(...p));
      expect(prediction.classId).toBe(best);
      expect(prediction.label).toBe(tabularInfo.classes![best]);
      expect(Object.keys(prediction.probabilities)).toEqual(["small", "medium", "large"]);
      Object.values(prediction.probabilities).forEach((value, id) => expect(value).toBeCloseTo(p[id]!, 6));
    });
    expected.dispose();
    model.dispose();
    bundle.model.dispose();
  });

  it("scales image pixels and answers two-class probabilities from one sigmoid output", async () => {
    const dir = path.join(directory, "predict-image");
    const info: DataInfo = {
      task: "classification",
      featureShape: [2, 2, 1],
      classes: ["dark", "light"],
      modality: "image",
    };
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [2, 2, 1] }),
        tf.layers.dense({ units: 1, activation: "sigmoid", kernelInitializer: "ones" }),
      ],
    });
    const preprocessing: Preprocessing = {
      normalize: { kind: "scale", factor: 1 / 255 },
      image: { height: 2, width: 2, channels: 1 },
    };
    await exportBundle(dir, model, preprocessing, info, { experiment: "light" });
    const bundle = await loadBundle(dir);
    const [dark, light] = predict(bundle, {
      kind: "images",
      pixels: Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 255]),
      count: 2,
    }) as ClassPrediction[];
    // A tie goes to the lower class id, as argmax does.
    expect(dark).toEqual({ label: "dark", classId: 0, probabilities: { dark: 0.5, light: 0.5 } });
    expect(light!.label).toBe("light");
    expect(light!.probabilities["light"]).toBeCloseTo(1 / (1 + Math.exp(-4)), 6);
    expect(light!.probabilities["dark"]).toBeCloseTo(1 - 1 / (1 + Math.exp(-4)), 6);
    model.dispose();
    bundle.model.dispose();
  });

  it("returns values per target for a regressor, without a labels file", async () => {
    const dir = path.join(directory, "predict-regression");
    const info: DataInfo = {
      task: "regression",
      featureShape: [3],
      targets: 1,
      modality: "tabular",
      featureNames: ["a", "b", "c"],
    };
    const preprocessing: Preprocessing = {
      normalize: { kind: "minmax", min: [0, 0, 0], max: [2, 2, 2] },
      columns: ["a", "b", "c"].map((name) => ({ name, kind: "numeric" as const })),
    };
    const model = denseRegressor(3);
    await exportBundle(dir, model, preprocessing, info, { experiment: "reg" });
    expect(await fs.readdir(dir)).not.toContain("labels.json");
    const bundle = await loadBundle(dir);
    const [prediction] = predict(bundle, { kind: "rows", rows: [{ a: 2, b: 0, c: 1 }] }) as RegressionPrediction[];
    const expected = (model.predict(tf.tensor2d([[1, 0, 0.5]])) as tf.Tensor).dataSync()[0]!;
    expect(prediction!.values).toHaveLength(1);
    expect(prediction!.values[0]).toBeCloseTo(expected, 6);
    model.dispose();
    bundle.model.dispose();
  });
});
