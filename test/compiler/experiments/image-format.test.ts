import { describe, expect, it } from "vitest";
import { checkExperimentsIn } from "./checked-experiments.js";

/** An MNIST experiment with `settings` in `data` and the model `model`. */
function digits(settings: string, model = "model { flatten dense(10, activation: softmax) }"): string {
  return `experiment digits {\n  data {\n    source: builtin("mnist")\n    ${settings}\n  }\n  ${model}\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n`;
}

describe("data { resize, channels }", () => {
  it("gives the model images of [h, w, channels]", () => {
    const { reported, experiments } = checkExperimentsIn(digits("resize: [96, 64]\n    channels: 3"));
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.dataInfo.featureShape).toEqual([96, 64, 3]);
    expect(experiments.plans[0]?.model.input).toEqual([96, 64, 3]);
    expect(experiments.plans[0]?.data).toMatchObject({ resize: [96, 64], channels: 3 });
  });

  it("keeps the source's size when only `channels` is written, and its channels when only `resize` is", () => {
    expect(checkExperimentsIn(digits("channels: 3")).experiments.plans[0]?.dataInfo.featureShape).toEqual([28, 28, 3]);
    expect(checkExperimentsIn(digits("resize: [32, 32]")).experiments.plans[0]?.dataInfo.featureShape).toEqual([32, 32, 1]);
  });

  it("checks a declared model input against the converted images", () => {
    const text = `model Net(input: [28, 28, 1]) { flatten dense(10, activation: softmax) }\n${digits("resize: [32, 32]\n    channels: 3", "model: Net")}`;
    const { reported } = checkExperimentsIn(text);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain("[32, 32, 3]");
    const fits = text.replace("input: [28, 28, 1]", "input: [32, 32, 3]");
    expect(checkExperimentsIn(fits).reported).toEqual([]);
  });

  it("DLM302: marks lengths outside 1..4096 and channels other than 1 or 3", () => {
    expect(checkExperimentsIn(digits("resize: [0, 96]")).reported).toEqual([
      expect.objectContaining({ code: "DLM302", marked: "[0, 96]", message: "`resize` lengths must be between 1 and 4096 pixels, found [0, 96]" }),
    ]);
    expect(checkExperimentsIn(digits("resize: [96, 5000]")).reported.map((r) => [r.code, r.marked])).toEqual([["DLM302", "[96, 5000]"]]);
    for (const channels of ["2", "4"]) {
      expect(checkExperimentsIn(digits(`channels: ${channels}`)).reported).toEqual([
        expect.objectContaining({ code: "DLM302", marked: channels, message: `\`channels\` must be 1 (grey) or 3 (RGB), found ${channels}` }),
      ]);
    }
    expect(checkExperimentsIn(digits("channels: 0")).reported.map((r) => [r.code, r.marked])).toEqual([["DLM302", "0"]]);
  });

  it("DLM301: marks a resize that is not two whole lengths", () => {
    expect(checkExperimentsIn(digits("resize: [96]")).reported).toEqual([
      expect.objectContaining({ code: "DLM301", marked: "[96]", message: "`resize` expects [height, width], found 1 value" }),
    ]);
    expect(checkExperimentsIn(digits("resize: [96, 96, 3]")).reported.map((r) => [r.code, r.marked])).toEqual([["DLM301", "[96, 96, 3]"]]);
    expect(checkExperimentsIn(digits("resize: 96")).reported.map((r) => [r.code, r.marked])).toEqual([["DLM301", "96"]]);
    expect(checkExperimentsIn(digits("resize: [9.5, 96]")).reported.map((r) => r.code)).toEqual(["DLM301"]);
  });

  it("DLM506: marks resize and channels on data that is not images", () => {
    const text =
      'experiment flowers {\n  data {\n    source: builtin("iris")\n    resize: [8, 8]\n    channels: 3\n  }\n  model { dense(3, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n';
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM506", marked: "resize", message: "`resize` converts images, but this data is tabular (examples of shape [4])" }),
      expect.objectContaining({ code: "DLM506", marked: "channels" }),
    ]);
  });
});
