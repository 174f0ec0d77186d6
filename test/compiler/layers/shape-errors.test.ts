/** Shape rules that must refuse: DLM402 (size ≤ 0), DLM403 (reshape/flatten counts), unknown axes, and `validate`. */
import { describe, expect, it } from "vitest";
import { defaultArgs, lookupLayer } from "../../../compiler/layers/registry.js";
import type { LayerDefinition, ParamValue, Shape, ShapeContext, ShapeResult } from "../../../compiler/layers/layer-definition.js";

const NO_PRETRAINED: ShapeContext = { readPretrained: () => "none" };

function definition(name: string): LayerDefinition {
  const found = lookupLayer(name);
  if (!found) throw new Error(`no layer ${name}`);
  return found;
}

function shapeOf(name: string, given: Record<string, ParamValue>, input: Shape): ShapeResult {
  const layer = definition(name);
  return layer.outputShape(input, defaultArgs(layer, given), NO_PRETRAINED);
}

function problems(name: string, given: Record<string, ParamValue>) {
  const layer = definition(name);
  return layer.validate?.(defaultArgs(layer, given)) ?? [];
}

describe("DLM402: a spatial size reaches ≤ 0", () => {
  it("conv2d with a kernel larger than the image", () => {
    expect(shapeOf("conv2d", { filters: 8, kernel: 3 }, [2, 10, 1])).toEqual({
      ok: false,
      code: "DLM402",
      message: "conv2d reduces height 2 to 0 (kernel 3, stride 1, padding valid)",
      param: "kernel",
      help: "use `padding: same`, a smaller kernel, or a larger input",
    });
  });

  it("names the width and its own kernel length for a rectangular kernel", () => {
    expect(shapeOf("conv2d", { filters: 8, kernel: [1, 5] }, [10, 4, 1])).toMatchObject({
      code: "DLM402",
      message: "conv2d reduces width 4 to 0 (kernel 5, stride 1, padding valid)",
    });
  });

  it("pooling, depthwise and separable convolutions, conv1d with dilation", () => {
    expect(shapeOf("max_pool2d", {}, [1, 1, 8])).toMatchObject({ code: "DLM402", param: "size" });
    expect(shapeOf("avg_pool1d", { size: 5 }, [4, 2])).toMatchObject({
      code: "DLM402",
      message: expect.stringContaining("reduces length 4 to 0"),
    });
    expect(shapeOf("depthwise_conv2d", { kernel: 5 }, [4, 4, 3])).toMatchObject({ code: "DLM402" });
    expect(shapeOf("separable_conv2d", { filters: 2, kernel: 3, dilation: 3 }, [6, 6, 3])).toMatchObject({
      code: "DLM402",
      message: "separable_conv2d reduces height 6 to 0 (kernel 3, stride 1, dilation 3, padding valid)",
    });
    expect(shapeOf("conv1d", { filters: 2, kernel: 3, dilation: 2 }, [4, 1])).toMatchObject({ code: "DLM402" });
  });

  it("padding same never shrinks to 0", () => {
    expect(shapeOf("conv2d", { filters: 8, kernel: 7, padding: "same", stride: 4 }, [1, 1, 1])).toEqual({
      ok: true,
      shape: [1, 1, 8],
    });
  });
});

describe("DLM403: value counts that do not match", () => {
  it("reshape names both products and both shapes", () => {
    const result = shapeOf("reshape", { shape: [7, 7, 64] }, [28, 28, 1]);
    expect(result).toMatchObject({ ok: false, code: "DLM403", param: "shape" });
    if (!result.ok)
      expect(result.message).toBe("reshape to [7, 7, 64] needs 3136 values, but its input [28, 28, 1] has 784");
  });

  it("reshape with -1 needs a divisor of the input's count", () => {
    const result = shapeOf("reshape", { shape: [-1, 5] }, [28, 28]);
    expect(result).toMatchObject({ ok: false, code: "DLM403" });
    if (!result.ok)
      expect(result.message).toBe("reshape cannot fit [28, 28] (784 values) into [-1, 5]: 784 is not a multiple of 5");
  });

  it("reshape of an unknown length is checked at run time, as in TF.js", () => {
    expect(shapeOf("reshape", { shape: [-1, 4] }, [null, 8])).toEqual({ ok: true, shape: [null, 4] });
  });

  it("flatten needs every length known", () => {
    expect(shapeOf("flatten", {}, [null, 32])).toMatchObject({
      ok: false,
      code: "DLM403",
      message: "flatten needs every axis of its input known, got [?, 32]",
    });
  });
});

describe("unknown feature axes", () => {
  it("layers with weights need the last axis known (DLM401)", () => {
    expect(shapeOf("dense", { units: 3 }, [null])).toMatchObject({ ok: false, code: "DLM401" });
    expect(shapeOf("lstm", { units: 3 }, [10, null])).toMatchObject({ ok: false, code: "DLM401" });
    expect(shapeOf("batch_norm", {}, [4, null])).toMatchObject({ ok: false, code: "DLM401" });
  });

  it("an unknown sequence length flows through", () => {
    expect(shapeOf("conv1d", { filters: 4, kernel: 3 }, [null, 8])).toEqual({ ok: true, shape: [null, 4] });
    expect(shapeOf("lstm", { units: 3, return_sequences: true }, [null, 8])).toEqual({ ok: true, shape: [null, 3] });
    expect(shapeOf("global_max_pool1d", {}, [null, 8])).toEqual({ ok: true, shape: [8] });
  });
});

describe("validate", () => {
  it("stride above 1 with dilation above 1 is refused for convolutions", () => {
    expect(problems("conv2d", { filters: 2, kernel: 3, stride: 2, dilation: 2 })).toEqual([
      { param: "dilation", message: expect.stringContaining("cannot be combined with a `stride` above 1") },
    ]);
    expect(problems("conv1d", { filters: 2, kernel: 3, stride: 2, dilation: 2 })).toHaveLength(1);
    expect(problems("separable_conv2d", { filters: 2, kernel: 3, stride: [1, 2], dilation: [2, 1] })).toHaveLength(1);
    expect(problems("conv2d", { filters: 2, kernel: 3, stride: 2 })).toEqual([]);
  });

  it("tuples must have one value per spatial axis", () => {
    expect(problems("conv2d", { filters: 2, kernel: [3, 3, 3] })).toEqual([
      {
        param: "kernel",
        message: "`kernel` must be one int or a list of 2 ints (one per spatial axis), got a list of 3",
      },
    ]);
    expect(problems("max_pool2d", { size: [2] })).toHaveLength(1);
    expect(problems("zero_pad2d", { padding: [1, 2, 3] })).toHaveLength(1);
  });

  it("reshape targets: lengths ≥ 1 and at most one -1", () => {
    expect(problems("reshape", { shape: [-1, -1] })).toEqual([
      { param: "shape", message: "`shape` may contain -1 only once, got [-1, -1]" },
    ]);
    expect(problems("reshape", { shape: [0, 4] })).toHaveLength(1);
    expect(problems("reshape", { shape: [] })).toHaveLength(1);
    expect(problems("reshape", { shape: [-1, 4] })).toEqual([]);
  });

  it("bidirectional wraps only recurrent layers", () => {
    const wrapsDense = { layer: { layer: "dense", args: { units: 3 } } };
    expect(problems("bidirectional", wrapsDense)).toEqual([
      { param: "layer", message: "bidirectional wraps lstm, gru or simple_rnn, got `dense`" },
    ]);
    expect(shapeOf("bidirectional", wrapsDense, [4, 2])).toMatchObject({ ok: false, param: "layer" });
  });
});
