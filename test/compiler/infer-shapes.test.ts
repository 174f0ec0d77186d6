/**
 * `inferShapes` remembers what it inferred for a graph (experiments ask again for the models
 * the program inferred); these tests pin when it may answer from memory and when not.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { inferShapes, type ShapeContextFor } from "../../compiler/infer-shapes.js";
import { readPretrainedInfo } from "../../compiler/layers/pretrained.js";
import { checkSource } from "../../compiler/program.js";

describe("inferShapes on a graph it has seen", () => {
  it("answers the same graph and input with the result the program got", () => {
    const result = checkSource("model M(input: [8]) {\n  dense(4)\n  dense(2)\n}");
    const model = result.models[0]!;
    const again = inferShapes(model.graph, [8], "M", result.shapeContextFor);
    expect(again.layers).toBe(model.layers);
    expect(again.output).toEqual([2]);
  });

  it("infers again for another input shape", () => {
    const result = checkSource("model M(input: [8, 3]) {\n  dense(4)\n}");
    const model = result.models[0]!;
    const other = inferShapes(model.graph, [5, 3], "M", result.shapeContextFor);
    expect(other.output).toEqual([5, 4]);
    expect(model.output).toEqual([8, 4]);
  });

  describe("a layer that reads a pretrained model", () => {
    let modelJson = "";
    beforeAll(async () => {
      const base = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], name: "hidden" })] });
      await base.save(
        tf.io.withSaveHandler(async (artifacts) => {
          modelJson = JSON.stringify({ modelTopology: artifacts.modelTopology, format: "layers-model", weightsManifest: [] });
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
        }),
      );
    });

    it("infers again under another context, which may know the model", () => {
      const result = checkSource('model T(input: [4]) {\n  pretrained("base/model.json")\n  dense(2)\n}', "t.dlm");
      const model = result.models[0]!;
      expect(model.output).toBeNull(); // the file is not there for the program
      const knowing: ShapeContextFor = () => ({ readPretrained: () => readPretrainedInfo(modelJson) });
      const withModel = inferShapes(model.graph, [4], "T", knowing);
      expect(withModel.output).toEqual([2]);
      expect(withModel.diagnostics).toEqual([]);
      expect(inferShapes(model.graph, [4], "T", knowing)).toBe(withModel);
      expect(inferShapes(model.graph, [4], "T", result.shapeContextFor).output).toBeUndefined();
    });
  });
});
