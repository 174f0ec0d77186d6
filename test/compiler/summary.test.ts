import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { formatSummaryTable, summaryJson } from "../../compiler/summary.js";

const text = `model Net(input: [?, 8]) {
  lstm(16, return_sequences: true)
  residual { dense(16) batch_norm }
  global_avg_pool1d
  dense(2, activation: softmax)
}`;

describe("formatSummaryTable", () => {
  it("prints a Keras-like table with totals", () => {
    const [model] = checkSource(text).models;
    if (model === undefined) throw new Error("no model");
    expect(formatSummaryTable(model)).toBe(
      [
        'Model: "Net"  input [?, 8]',
        "_".repeat(76),
        " Layer (type)                           Output Shape              Param #",
        "=".repeat(76),
        " lstm (lstm)                            [?, 16]                   1,600",
        " dense (dense)                          [?, 16]                   272",
        " batch_norm (batch_norm)                [?, 16]                   64",
        " add (add)                              [?, 16]                   0",
        " global_avg_pool1d (global_avg_pool1d)  [16]                      0",
        " dense_1 (dense)                        [2]                       34",
        "=".repeat(76),
        "Total params: 1,970",
        "Trainable params: 1,938",
        "Non-trainable params: 32",
        "_".repeat(76),
      ].join("\n"),
    );
  });

  it("says when inference stopped", () => {
    const [model] = checkSource("model M(input: [4]) { dense(4) conv2d(1, 1) }").models;
    if (model === undefined) throw new Error("no model");
    expect(formatSummaryTable(model).split("\n").at(-1)).toBe("(shape inference stopped at an error: later layers are not listed)");
  });
});

describe("summaryJson", () => {
  it("gives shapes without batch, unknown lengths as null", () => {
    const json = summaryJson(checkSource(text).models);
    expect(json.models[0]).toMatchObject({ name: "Net", input: [null, 8], output: [2], params: 1970, trainableParams: 1938 });
    expect(json.models[0]?.layers[0]).toEqual({ name: "lstm", kind: "lstm", output: [null, 16], params: 1600 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("gives null output when inference stopped", () => {
    expect(summaryJson(checkSource("model M(input: [4]) { conv2d(1, 1) }").models).models[0]?.output).toBeNull();
  });
});
