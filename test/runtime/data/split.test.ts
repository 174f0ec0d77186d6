import { describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { resolveSplitFractions, splitExamples, stratifiedSubset } from "../../../runtime/data/split.js";
import { prepareData, disposePreparedData } from "../../../runtime/data/prepare.js";
import * as tf from "@tensorflow/tfjs";

/** Iris-like labels: 50 examples of each of 3 classes, in blocks. */
const irisClasses = Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
const examples = irisClasses.map((_, i) => i);

describe("resolveSplitFractions", () => {
  it("keeps a source's own test split when test is absent", () => {
    expect(resolveSplitFractions({ validation: 0.1 }, true)).toMatchObject({
      train: 0.9,
      validation: 0.1,
      test: 0,
      useOwnTest: true,
    });
  });

  it("gives test the remainder when train is given, else 0.2", () => {
    expect(resolveSplitFractions({ train: 0.8, validation: 0.2 }, false)).toMatchObject({ test: 0, trainIsRest: true });
    expect(resolveSplitFractions({ train: 0.6 }, false).test).toBeCloseTo(0.4);
    expect(resolveSplitFractions(undefined, false)).toMatchObject({ train: 0.8, test: 0.2, validation: 0 });
  });

  it("rejects fractions that add up to more than 1", () => {
    expect(() => resolveSplitFractions({ train: 0.8, validation: 0.3 }, false)).toThrow(DataError);
    expect(() => resolveSplitFractions({ train: 0.8, test: 0.3 }, false)).toThrow(/add up to 1.1, more than 1/);
  });
});

describe("splitExamples", () => {
  const fractions = resolveSplitFractions({ train: 0.7, validation: 0.15, test: 0.15 }, false);

  it("stratified 0.7/0.15/0.15 on iris keeps every class within one example of its share", () => {
    const split = splitExamples(examples, fractions, { classOf: (i) => irisClasses[i]!, shuffle: true, seed: 7 });
    for (const [name, fraction] of [
      ["train", 0.7],
      ["validation", 0.15],
      ["test", 0.15],
    ] as const) {
      for (let c = 0; c < 3; c++) {
        const count = split[name].filter((i) => irisClasses[i] === c).length;
        expect(Math.abs(count - 50 * fraction)).toBeLessThanOrEqual(1);
      }
    }
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(examples);
  });

  it("is the same for the same seed and differs for another", () => {
    const options = { classOf: (i: number) => irisClasses[i]!, shuffle: true };
    const a = splitExamples(examples, fractions, { ...options, seed: 1 });
    expect(splitExamples(examples, fractions, { ...options, seed: 1 })).toEqual(a);
    expect(splitExamples(examples, fractions, { ...options, seed: 2 }).train).not.toEqual(a.train);
  });

  it("without shuffling keeps file order: train first, test last", () => {
    const split = splitExamples(
      [...Array(10).keys()],
      resolveSplitFractions({ train: 0.6, validation: 0.2, test: 0.2 }, false),
      {
        shuffle: false,
        seed: 0,
      },
    );
    expect(split).toEqual({ train: [0, 1, 2, 3, 4, 5], validation: [6, 7], test: [8, 9] });
  });
});

describe("stratifiedSubset", () => {
  it("keeps exactly `limit` examples with class proportions", () => {
    const classes = [...Array(100).keys()].map((i) => (i < 80 ? 0 : 1));
    const subset = stratifiedSubset([...Array(100).keys()], 10, (i) => classes[i]!);
    expect(subset).toHaveLength(10);
    expect(subset.filter((i) => classes[i] === 1)).toHaveLength(2);
  });
});

describe("prepareData on iris", () => {
  it("splits 0.7/0.15/0.15 stratified with the same class counts in every split", async () => {
    await tf.setBackend("cpu");
    const data = await prepareData(
      { source: { kind: "builtin", name: "iris" }, split: { train: 0.7, validation: 0.15, test: 0.15 } },
      { seed: 3, baseDir: "." },
    );
    const countsOf = (y: tf.Tensor): number[] => {
      const counts = [0, 0, 0];
      for (const id of y.dataSync()) counts[id]!++;
      return counts;
    };
    for (const [split, fraction] of [
      [data.train, 0.7],
      [data.validation!, 0.15],
      [data.test!, 0.15],
    ] as const) {
      for (const count of countsOf(split.y)) expect(Math.abs(count - 50 * fraction)).toBeLessThanOrEqual(1);
    }
    expect(data.train.size + data.validation!.size + data.test!.size).toBe(150);
    disposePreparedData(data);
  });

  it("`classes` keeps those classes relabelled 0..k-1 in the order given; `limit` is stratified", async () => {
    await tf.setBackend("cpu");
    const data = await prepareData(
      { source: { kind: "builtin", name: "iris" }, classes: ["virginica", "setosa"], limit: 20, split: { test: 0.2 } },
      { seed: 3, baseDir: "." },
    );
    expect(data.info.classes).toEqual(["virginica", "setosa"]);
    const ids = [...data.train.y.dataSync()];
    expect(ids).toHaveLength(20);
    expect(ids.filter((id) => id === 0)).toHaveLength(10);
    expect(ids.filter((id) => id === 1)).toHaveLength(10);
    expect(data.test!.size).toBe(20);
    disposePreparedData(data);
  });
});
