/**
 * The two language additions the zoo needs, checked against TF.js itself: asymmetric
 * `zero_pad2d(padding: [[top, bottom], [left, right]])` and `NAME = residual(shortcut: { … }) { … }`.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { formatDlm } from "../../../compiler/format-dlm.js";
import { reportedIn } from "../checked-source.js";
import { buildEmittedModel } from "./build-emitted-model.js";

const PROJECTED = `model Net(input: [9, 8, 16]) {
  pad = zero_pad2d(padding: [[0, 1], [2, 0]])
  stage_add = residual(shortcut: { stage_0_conv = conv2d(32, 1, stride: 2) stage_0_bn = batch_norm }) {
    conv2d(8, 1, stride: 2)
    conv2d(32, 3, padding: same)
    stage_3_bn = batch_norm
  }
  residual { conv2d(32, 3, padding: same) }
  flatten
  dense(10)
}
`;

describe("zero_pad2d with [[top, bottom], [left, right]]", () => {
  it("pads each side by its own amount, as TF.js's zeroPadding2d does", async () => {
    const { info, model } = await buildEmittedModel(PROJECTED);
    expect(info.layers[0]?.output).toEqual([10, 10, 16]);
    expect(model.getLayer("pad").outputShape).toEqual([null, 10, 10, 16]);
    const padded = model.getLayer("pad").apply(tf.ones([1, 2, 2, 1])) as tf.Tensor;
    // one row below, two columns left: the ones sit at rows 0-1, columns 2-3 of a 3×4 grid
    expect(await padded.reshape([3, 4]).array()).toEqual([
      [0, 0, 1, 1],
      [0, 0, 1, 1],
      [0, 0, 0, 0],
    ]);
  });

  it("is a positioned error in any other form", () => {
    const reported = (padding: string) => reportedIn(`model M(input: [8, 8, 1]) {\n  zero_pad2d(padding: ${padding})\n}`);
    expect(reported("[[0, 1], [0, 1], [1, 1]]")).toEqual([
      {
        code: "DLM301",
        marked: "[[0, 1], [0, 1], [1, 1]]",
        message: "`padding` of zero_pad2d expects an integer, `[height, width]` or `[[top, bottom], [left, right]]`, found 3 pairs",
      },
    ]);
    expect(reported("[[0, 1], [2]]")[0]).toMatchObject({ code: "DLM301", marked: "[2]" });
    expect(reported("[[0, 1], [-1, 0]]")[0]).toMatchObject({ code: "DLM302", marked: "-1" });
    expect(reported("[1, 2, 3, 4]")[0]).toMatchObject({ code: "DLM301", marked: "[1, 2, 3, 4]" });
    expect(reported("[[0, 1], [0, 1.5]]")[0]).toMatchObject({ code: "DLM301", marked: "1.5" });
    expect(reported("[[0, 1], [0, 1]]")).toEqual([]);
  });
});

describe("residual(shortcut: { … })", () => {
  it("adds the shortcut's output to the body's, with shapes and weights equal to TF.js's", async () => {
    const { info, model } = await buildEmittedModel(PROJECTED);
    const byName = new Map(info.layers.map((layer) => [layer.name, layer]));
    expect(byName.get("stage_add")?.output).toEqual([5, 5, 32]);
    expect(byName.get("stage_0_conv")?.output).toEqual([5, 5, 32]);
    expect(model.getLayer("stage_add").outputShape).toEqual([null, 5, 5, 32]);
    expect(model.countParams()).toBe(info.params);
    // the shortcut reads the block's input, not the body's output
    const add = model.getLayer("stage_add");
    const inbound = (add as unknown as { inboundNodes: { inboundLayers: { name: string }[] }[] }).inboundNodes[0]!.inboundLayers.map((layer) => layer.name);
    expect(inbound.sort()).toEqual(["stage_0_bn", "stage_3_bn"]);
    const output = model.predict(tf.randomNormal([2, 9, 8, 16])) as tf.Tensor;
    expect(output.shape).toEqual([2, 10]);
  });

  it("reports body and shortcut that end with different shapes (DLM404) at the `residual`", () => {
    const reported = reportedIn(
      "model M(input: [8, 8, 16]) {\n  residual(shortcut: { conv2d(32, 1) }) { conv2d(32, 3, stride: 2, padding: same) }\n}",
    );
    expect(reported).toEqual([
      {
        code: "DLM404",
        marked: "residual",
        message: "residual body and shortcut end with different shapes: body [4, 4, 32] vs shortcut [8, 8, 32]",
      },
    ]);
  });

  it("reports unknown, repeated and empty options (DLM420) where they are written", () => {
    expect(reportedIn("model M(input: [8, 8, 4]) {\n  residual(shortcat: { conv2d(4, 1) }) { conv2d(4, 1) }\n}")).toEqual([
      { code: "DLM420", marked: "shortcat", message: "unknown residual option `shortcat`; the option is `shortcut: { layers }`" },
    ]);
    const twice = reportedIn("model M(input: [8, 8, 4]) {\n  residual(shortcut: { conv2d(4, 1) }, shortcut: { conv2d(4, 1) }) { conv2d(4, 1) }\n}");
    expect(twice.map((reported) => reported.code)).toEqual(["DLM420"]);
    expect(twice[0]?.message).toBe("`shortcut` is given twice in one `residual`");
    expect(reportedIn("model M(input: [8, 8, 4]) {\n  residual(shortcut: {}) { conv2d(4, 1) }\n}")[0]).toMatchObject({
      code: "DLM420",
      marked: "shortcut: {}",
    });
  });

  it("names its add when written as NAME = residual, and a name used twice is DLM209", () => {
    const reported = reportedIn("model M(input: [8, 8, 4]) {\n  same = conv2d(4, 1)\n  same = residual { conv2d(4, 1) }\n}");
    expect(reported.map((entry) => entry.code)).toEqual(["DLM209"]);
  });

  it("keeps its shortcut through dlm fmt", async () => {
    const result = formatDlm(PROJECTED);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    const formatted = result.text;
    expect(formatted).toContain("shortcut:");
    expect(formatDlm(formatted)).toEqual({ ok: true, text: formatted });
    expect(reportedIn(formatted)).toEqual([]);
    const { info } = await buildEmittedModel(formatted);
    expect(info.layers.map((layer) => layer.name)).toContain("stage_0_bn");
  });
});
