import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { applyPreprocessing, encodeFeatures } from "../../../runtime/data/preprocess.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { Preprocessing } from "../../../runtime/prepared-data.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("applyPreprocessing", () => {
  it("repeats the training encoding and normalisation on raw rows, after a JSON round trip", async () => {
    const data = await prepareData(
      { source: { kind: "builtin", name: "penguins" }, missing: "mean", normalize: { kind: "standardize" } },
      { seed: 2, baseDir: "." },
    );
    const preprocessing = JSON.parse(JSON.stringify(data.preprocessing)) as Preprocessing;
    const row = {
      Island: "Dream",
      "Beak Length (mm)": 46.5,
      "Beak Depth (mm)": 17.9,
      "Flipper Length (mm)": 192,
      "Body Mass (g)": 3500,
      Sex: "FEMALE",
    };
    const x = applyPreprocessing(preprocessing, {
      kind: "rows",
      rows: [row, { ...row, Sex: null, "Body Mass (g)": null }],
    });
    expect(x.shape).toEqual([2, 9]);
    const [first, second] = x.arraySync() as number[][];
    const normalize = preprocessing.normalize;
    if (normalize.kind !== "standardize") throw new Error("expected standardize statistics");
    const standardized = (value: number, feature: number): number =>
      (value - normalize.mean[feature]!) / normalize.std[feature]!;
    expect(first![1]).toBeCloseTo(standardized(1, 1), 5);
    expect(first![3]).toBeCloseTo(standardized(46.5, 3), 5);
    // Missing body mass takes the training mean, which standardises to 0; a missing sex is all zeros before scaling.
    expect(second![6]).toBeCloseTo(0, 5);
    expect(second![7]).toBeCloseTo(standardized(0, 7), 5);
    x.dispose();
    disposePreparedData(data);
  });

  it("encodes texts and images with the fitted tokenizer and statistics", () => {
    const preprocessing: Preprocessing = {
      normalize: { kind: "minmax", min: [0, 10], max: [255, 20] },
      image: { height: 1, width: 2, channels: 2 },
      tokenizer: { vocabulary: ["", "[UNK]", "hello"], length: 3, lowercase: true },
    };
    const images = encodeFeatures(preprocessing, {
      kind: "images",
      pixels: Uint8Array.from([255, 15, 0, 20]),
      count: 1,
    });
    expect(images.shape).toEqual([1, 1, 2, 2]);
    expect([...images.values]).toEqual([1, 0.5, 0, 1]);
    const texts = encodeFeatures(preprocessing, { kind: "texts", texts: ["Hello world"] });
    expect([...texts.values]).toEqual([2, 1, 0]);
  });

  it("rejects input of the wrong modality as a DataError", () => {
    expect(() => encodeFeatures({ normalize: { kind: "none" } }, { kind: "texts", texts: ["x"] })).toThrow(DataError);
  });
});
