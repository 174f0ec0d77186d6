import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  convOutputLength,
  formatShape,
  shapeProduct,
  shapesEqual,
  slideWindow,
  transposedConvOutputLength,
} from "../../../compiler/layers/shape-arithmetic.js";

describe("convOutputLength", () => {
  it("valid: floor((n - dilation*(k-1) - 1) / stride) + 1", () => {
    expect(convOutputLength(28, 3, 1, "valid")).toBe(26);
    expect(convOutputLength(28, 2, 2, "valid")).toBe(14);
    expect(convOutputLength(13, 5, 2, "valid")).toBe(5);
    expect(convOutputLength(30, 3, 1, "valid", 2)).toBe(26);
    expect(convOutputLength(2, 3, 1, "valid")).toBe(0);
    expect(convOutputLength(2, 5, 1, "valid")).toBeLessThanOrEqual(0);
  });

  it("same: ceil(n / stride), whatever the kernel", () => {
    expect(convOutputLength(28, 3, 1, "same")).toBe(28);
    expect(convOutputLength(15, 7, 2, "same")).toBe(8);
    expect(convOutputLength(1, 9, 4, "same", 3)).toBe(1);
  });

  it("keeps an unknown length unknown", () => {
    expect(convOutputLength(null, 3, 2, "valid")).toBeNull();
    expect(convOutputLength(null, 3, 2, "same")).toBeNull();
  });

  it("equals TF.js's formulation floor((n - dilatedKernel + 1 + stride - 1) / stride) for every valid window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (n, k, s, d) => {
          const dilated = k + (k - 1) * (d - 1);
          expect(convOutputLength(n, k, s, "valid", d)).toBe(Math.floor((n - dilated + 1 + s - 1) / s));
        },
      ),
    );
  });
});

describe("transposedConvOutputLength", () => {
  it("valid: n*stride + max(kernel - stride, 0); same: n*stride", () => {
    expect(transposedConvOutputLength(7, 3, 1, "valid")).toBe(9);
    expect(transposedConvOutputLength(7, 3, 2, "valid")).toBe(15);
    expect(transposedConvOutputLength(5, 2, 3, "valid")).toBe(15);
    expect(transposedConvOutputLength(7, 3, 2, "same")).toBe(14);
    expect(transposedConvOutputLength(null, 3, 2, "same")).toBeNull();
  });
});

describe("shape helpers", () => {
  it("shapeProduct multiplies lengths, null when any is unknown", () => {
    expect(shapeProduct([28, 28, 1])).toBe(784);
    expect(shapeProduct([])).toBe(1);
    expect(shapeProduct([null, 4])).toBeNull();
  });

  it("formatShape writes ? for unknown lengths", () => {
    expect(formatShape([28, 28, 1])).toBe("[28, 28, 1]");
    expect(formatShape([null, 64])).toBe("[?, 64]");
  });

  it("shapesEqual compares rank and lengths", () => {
    expect(shapesEqual([1, null], [1, null])).toBe(true);
    expect(shapesEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(shapesEqual([null], [3])).toBe(false);
  });
});

describe("slideWindow", () => {
  it("returns the new spatial lengths", () => {
    const result = slideWindow("conv2d", [28, null], {
      sizeParam: "kernel",
      size: [3, 3],
      stride: [2, 2],
      dilation: [],
      padding: "valid",
    });
    expect(result).toEqual({ ok: true, lengths: [13, null] });
  });

  it("DLM402 names the layer, axis, input length and the window when a length reaches ≤ 0", () => {
    const result = slideWindow("conv2d", [2, 9], {
      sizeParam: "kernel",
      size: [3, 3],
      stride: [1, 1],
      dilation: [1, 1],
      padding: "valid",
    });
    expect(result).toMatchObject({
      ok: false,
      code: "DLM402",
      message: "conv2d reduces height 2 to 0 (kernel 3, stride 1, padding valid)",
      param: "kernel",
    });
    const width = slideWindow("max_pool2d", [8, 1], {
      sizeParam: "size",
      size: [2, 2],
      stride: [2, 2],
      dilation: [],
      padding: "valid",
    });
    expect(width).toMatchObject({
      code: "DLM402",
      message: "max_pool2d reduces width 1 to 0 (size 2, stride 2, padding valid)",
      param: "size",
    });
    const dilated = slideWindow("conv1d", [4], {
      sizeParam: "kernel",
      size: [3],
      stride: [1],
      dilation: [2],
      padding: "valid",
    });
    expect(dilated).toMatchObject({
      code: "DLM402",
      message: "conv1d reduces length 4 to 0 (kernel 3, stride 1, dilation 2, padding valid)",
    });
  });
});
