/** `dlm check` reads a model.json wrapped as a JavaScript module (nsfwjs's `model.min.js`) as data, as the runtime does. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readPretrainedInfo, readWrappedPretrainedInfo } from "../../../compiler/layers/pretrained.js";
import type { PretrainedInfo } from "../../../compiler/layers/layer-definition.js";
import { readModelJson } from "../../../runtime/pretrained.js";
import { checkExperimentsIn } from "../experiments/checked-experiments.js";

const MOBILENET = "node_modules/nsfwjs/dist/models/mobilenet_v2/model.min.js";

describe("readWrappedPretrainedInfo", () => {
  it("reads nsfwjs's MobileNetV2 module as the runtime's model JSON reads", async () => {
    const info = readWrappedPretrainedInfo(readFileSync(MOBILENET, "utf8"), MOBILENET) as PretrainedInfo;
    const runtimeJson = await readModelJson(MOBILENET);
    const fromJson = readPretrainedInfo(JSON.stringify(runtimeJson)) as PretrainedInfo;
    expect(info.layers).toEqual(fromJson.layers);
    expect(info.layers).toHaveLength(162);
    expect(info.inputShape).toEqual([224, 224, 3]);
    expect(info.layers.find((layer) => layer.name === "out_relu")?.outputShape).toEqual([7, 7, 1280]);
  });

  it("reads a module exporting the JSON as a string, and refuses one that would have to run", () => {
    const json = JSON.stringify({
      modelTopology: { class_name: "Sequential", config: { name: "s", layers: [{ class_name: "Dense", config: { name: "d", units: 2, batch_input_shape: [null, 3] } }] } },
      weightsManifest: [],
    });
    const info = readWrappedPretrainedInfo(`module.exports = ${JSON.stringify(json)};`, "m.js") as PretrainedInfo;
    expect(info.layers.map((layer) => [layer.name, layer.outputShape])).toEqual([["d", [2]]]);
    expect(readWrappedPretrainedInfo('module.exports = require("fs");', "m.js")).toMatch(/^no `module.exports = <literal>` found/);
  });

  it("a wrapped model that would have to run is DLM207 at the path", () => {
    const text =
      'experiment e {\n  data { source: builtin("mnist") }\n  model {\n    pretrained("m/model.min.js")\n    dense(10, activation: softmax)\n  }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n';
    const { reported } = checkExperimentsIn(text, { "m/model.min.js": "module.exports = build();" });
    expect(reported).toEqual([expect.objectContaining({ code: "DLM207", marked: '"m/model.min.js"' })]);
    expect(reported[0]?.message).toContain("never runs JavaScript");
  });
});
