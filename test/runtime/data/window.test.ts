import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import { makeWindows } from "../../../runtime/data/window.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("makeWindows", () => {
  it("cuts every window of `size` rows and the `horizon` targets after it", () => {
    // 6 steps of 2 features: step t = [t, 10t]; target of step t = 100t.
    const features = Float32Array.from([0, 0, 1, 10, 2, 20, 3, 30, 4, 40, 5, 50]);
    const windows = makeWindows(features, 2, [0, 100, 200, 300, 400, 500], 3, 2);
    expect(windows.count).toBe(2);
    expect([...windows.x]).toEqual([0, 0, 1, 10, 2, 20, 1, 10, 2, 20, 3, 30]);
    expect([...windows.y]).toEqual([300, 400, 400, 500]);
  });

  it("makes no window from a segment that is too short", () => {
    expect(makeWindows(new Float32Array(4), 1, [1, 2, 3, 4], 4, 1).count).toBe(0);
  });
});

describe("prepareData with `window`", () => {
  it("splits the rows in time order, then windows each part", async () => {
    // series.csv: 40 days, temp = day - 1, rain = ((day - 1) % 3) / 2.
    const data = await prepareData(
      {
        source: { kind: "csv", path: "series.csv", label: "temp", features: ["temp", "rain"] },
        window: { size: 5, horizon: 2 },
        split: { validation: 0.25, test: 0.25 },
        // Targets as written, to read the windows' values (regression targets are standardized by default).
        normalizeTarget: "none",
      },
      { seed: 0, baseDir: fixtures },
    );
    expect(data.info).toMatchObject({ task: "regression", modality: "series", featureShape: [5, 2], targets: 2 });
    // 20 training rows → 20 - 5 - 2 + 1 = 14 windows; 10 rows each for validation and test → 4 windows.
    expect([data.train.size, data.validation!.size, data.test!.size]).toEqual([14, 4, 4]);
    expect(data.train.x.shape).toEqual([14, 5, 2]);
    expect(data.train.y.shape).toEqual([14, 2]);
    const firstWindow = data.train.x.arraySync() as number[][][];
    expect(firstWindow[0]!.map((step) => step[0])).toEqual([0, 1, 2, 3, 4]);
    expect(data.train.y.arraySync()).toContainEqual([5, 6]);
    // The first test window starts at row 30 and predicts days 36 and 37 (temps 35, 36).
    expect((data.test!.y.arraySync() as number[][])[0]).toEqual([35, 36]);
    disposePreparedData(data);
  });

  it("windows a real series: Seattle's daily maximum temperature, a week predicting the next day", async () => {
    const data = await prepareData(
      {
        source: { kind: "builtin", name: "seattle_weather" },
        window: { size: 7, target: "temp_max" },
        normalize: { kind: "standardize" },
      },
      { seed: 0, baseDir: "." },
    );
    // 1,461 days: the first 1,169 train (0.8), the last 292 test → 1,162 and 285 windows.
    expect([data.train.size, data.test!.size]).toEqual([1162, 285]);
    expect(data.info.featureShape).toEqual([7, 4]);
    // Targets stay in degrees; Seattle's maxima lie between -2 and 36 °C.
    const [low, high] = tf.tidy(() => [tf.min(data.train.y).dataSync()[0]!, tf.max(data.train.y).dataSync()[0]!]);
    expect(low).toBeGreaterThan(-5);
    expect(high).toBeLessThan(40);
    disposePreparedData(data);
  });

  it("rejects a text target", async () => {
    await expect(
      prepareData(
        { source: { kind: "csv", path: "people.csv", label: "label" }, window: { size: 2, target: "color" } },
        { seed: 0, baseDir: fixtures },
      ),
    ).rejects.toThrow(DataError);
  });
});
