/**
 * A trial trains as the final run trains: the stage's learning-rate schedule, class weights,
 * shuffle and validation batch size reach it (trials once ignored them, so a search scored
 * its points under another training than the one the best point then got).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition, StageSpec } from "../../runtime/experiment.js";
import { describeTrial, trainTrialHere } from "../../runtime/tune-trial.js";
import { denseClassifier, disposeData, tinyClassification, useCpuBackend } from "./train/fixtures.js";

const STAGE: StageSpec = {
  optimizer: { name: "sgd", learningRate: 0.1 },
  loss: "sparse_categorical_crossentropy",
  metrics: ["accuracy"],
  epochs: 4,
  batchSize: 8,
  callbacks: [],
};

function definitionWith(train: StageSpec): ExperimentDefinition {
  return {
    name: "search",
    sourceFile: "search.dlm",
    baseDir: ".",
    seed: 5,
    backend: "cpu",
    data: { source: { kind: "builtin", name: "iris" } },
    buildModel: async () => denseClassifier(2, 3),
    train,
    tune: { trials: 1, objective: "val_loss", strategy: "grid", space: {} },
    evaluate: { on: "validation", metrics: ["accuracy"] },
  };
}

describe("a trial's training settings", () => {
  beforeAll(useCpuBackend);
  const data = tinyClassification(48, 24);
  afterAll(() => disposeData(data));

  const trial = async (train: StageSpec) => {
    const definition = definitionWith(train);
    return trainTrialHere(definition, data, describeTrial(definition, data.info, 1, {}));
  };

  it("follows the stage's schedule: the logged rate of each epoch is the schedule's", async () => {
    const outcome = await trial({ ...STAGE, schedule: { kind: "step_decay", every: 1, factor: 0.5 } });
    expect(outcome.logs["lr"]?.map((rate) => Number(rate.toPrecision(6)))).toEqual([0.1, 0.05, 0.025, 0.0125]);
    const constant = await trial(STAGE);
    expect(constant.logs["lr"]?.map((rate) => Number(rate.toPrecision(6)))).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(outcome.logs["val_loss"]).not.toEqual(constant.logs["val_loss"]);
  });

  it("weights the loss by the stage's class weights", async () => {
    const plain = await trial(STAGE);
    const weighted = await trial({ ...STAGE, classWeight: { a: 5, b: 1, c: 1 } });
    expect(weighted.logs["loss"]?.[0]).not.toBeCloseTo(plain.logs["loss"]![0]!, 6);
  });

  it("keeps the stage's order when shuffle is off, and its validation batch size", async () => {
    const definition = definitionWith({ ...STAGE, shuffle: false, validationBatchSize: 5 });
    const spec = describeTrial(definition, data.info, 1, {});
    expect([spec.stage.shuffle, spec.stage.validationBatchSize]).toEqual([false, 5]);
    const shuffled = await trial(STAGE);
    const inOrder = await trial({ ...STAGE, shuffle: false });
    expect(inOrder.logs["loss"]).not.toEqual(shuffled.logs["loss"]);
  });
});
