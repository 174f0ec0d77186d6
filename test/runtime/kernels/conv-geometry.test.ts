import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ForwardAxis,
  type InnerAxisPlan,
  planFilterGradientAxis,
  planInputGradientAxis,
} from "../../../runtime/kernels/conv-geometry.js";

/** A 1-d forward convolution: its axis geometry plus seeded data. */
interface OneDimensionalCase {
  readonly axis: ForwardAxis;
  readonly x: number[];
  readonly w: number[];
  readonly dy: number[];
}

const oneDimensionalCase: fc.Arbitrary<OneDimensionalCase> = fc
  .record({
    inSize: fc.integer({ min: 1, max: 12 }),
    filterSize: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    dilation: fc.integer({ min: 1, max: 3 }),
    padBeforeShare: fc.integer({ min: 0, max: 8 }),
    padAfterShare: fc.integer({ min: 0, max: 8 }),
  })
  .chain(({ inSize: requestedInSize, filterSize, stride, dilation, padBeforeShare, padAfterShare }) => {
    const reach = (filterSize - 1) * dilation;
    // At least one output: the input is never shorter than the dilated filter.
    const inSize = Math.max(requestedInSize, reach + 1);
    // Explicit padding may exceed the filter's reach (zeros-only outputs at the borders).
    const padBefore = padBeforeShare % (reach + 3);
    const padAfter = padAfterShare % (reach + 3);
    const outSize = Math.floor((inSize + padBefore + padAfter - reach - 1) / stride) + 1;
    const axis: ForwardAxis = { inSize, outSize, filterSize, stride, dilation, padBefore };
    const values = (length: number) =>
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: length, maxLength: length });
    return fc.record({ axis: fc.constant(axis), x: values(inSize), w: values(filterSize), dy: values(outSize) });
  });

/** Calls visit(xIndex, yIndex, wIndex) for every in-bounds product of the forward convolution. */
function forEachProduct(axis: ForwardAxis, visit: (x: number, y: number, w: number) => void): void {
  for (let y = 0; y < axis.outSize; y++) {
    for (let i = 0; i < axis.filterSize; i++) {
      const x = y * axis.stride - axis.padBefore + i * axis.dilation;
      if (x >= 0 && x < axis.inSize) visit(x, y, i);
    }
  }
}

/** The inner convolution a plan describes: out[q] = Σ_k image[q·stride + k·dilation − padBefore] · kernel[k], cropped. */
function runInnerConvolution(plan: InnerAxisPlan, image: number[], kernel: number[]): number[] {
  const paddedSize = plan.padBefore + image.length + plan.padAfter;
  const reach = (kernel.length - 1) * plan.dilation;
  const outSize = Math.floor((paddedSize - reach - 1) / plan.stride) + 1;
  const out: number[] = [];
  for (let q = 0; q < outSize; q++) {
    let sum = 0;
    kernel.forEach((weight, k) => {
      const at = q * plan.stride + k * plan.dilation - plan.padBefore;
      if (at >= 0 && at < image.length) sum += image[at] * weight;
    });
    out.push(sum);
  }
  expect(outSize).toBeGreaterThanOrEqual(plan.cropBegin + plan.size);
  return out.slice(plan.cropBegin, plan.cropBegin + plan.size);
}

describe("planFilterGradientAxis", () => {
  it("gives dW[i] = Σ_y x[y·stride + i·dilation − pad] · dy[y] for every geometry", () => {
    fc.assert(
      fc.property(oneDimensionalCase, ({ axis, x, dy }) => {
        const expected = new Array<number>(axis.filterSize).fill(0);
        forEachProduct(axis, (xi, yi, wi) => (expected[wi] += x[xi] * dy[yi]));
        expect(runInnerConvolution(planFilterGradientAxis(axis), x, dy)).toEqual(expected);
      }),
    );
  });
});

describe("planInputGradientAxis", () => {
  it("gives dx[h] = Σ dy[y] · w[i] over h = y·stride + i·dilation − pad, from dy spread with zeros", () => {
    fc.assert(
      fc.property(oneDimensionalCase, ({ axis, w, dy }) => {
        const expected = new Array<number>(axis.inSize).fill(0);
        forEachProduct(axis, (xi, yi, wi) => (expected[xi] += dy[yi] * w[wi]));
        const spread = dy.flatMap((value) => [value, ...new Array<number>(axis.stride - 1).fill(0)]);
        const reversed = [...w].reverse();
        expect(runInnerConvolution(planInputGradientAxis(axis), spread, reversed)).toEqual(expected);
      }),
    );
  });
});
