/**
 * Pure size arithmetic behind the layer shape rules: sliding-window lengths
 * (convolution, pooling), transposed-convolution lengths, products and printing.
 * Formulas follow TF.js 4.22 (`conv_utils.ts`), which the tests check against.
 */
import type { Shape, ShapeResult } from "./layer-definition.js";
import { SHAPES } from "../../diagnostics/catalog/shapes.js";

/** Padding modes of convolution and pooling windows. */
export type Padding = "valid" | "same";

/**
 * Output length of a convolution or pooling window along one axis; `null` stays unknown.
 * `valid`: floor((n - dilation*(k-1) - 1) / stride) + 1 (may be ≤ 0: the window does not fit);
 * `same`: ceil(n / stride).
 */
export function convOutputLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: Padding,
  dilation = 1,
): number | null {
  if (input === null) return null;
  if (padding === "same") return Math.ceil(input / stride);
  return Math.floor((input - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output length of a transposed convolution along one axis, as TF.js computes it
 * (`deconvLength`): `valid` → n*stride + max(kernel - stride, 0); `same` → n*stride.
 */
export function transposedConvOutputLength(
  input: number | null,
  kernel: number,
  stride: number,
  padding: Padding,
): number | null {
  if (input === null) return null;
  return padding === "same" ? input * stride : input * stride + Math.max(kernel - stride, 0);
}

/** Number of values in a shape; `null` when any length is unknown. */
export function shapeProduct(shape: Shape): number | null {
  let product = 1;
  for (const length of shape) {
    if (length === null) return null;
    product *= length;
  }
  return product;
}

/** A shape as DLM writes it, `?` for unknown lengths: `[28, 28, 1]`, `[?, 64]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.map((length) => (length === null ? "?" : String(length))).join(", ")}]`;
}

/** True when two shapes have the same rank and lengths (`null` equals only `null`). */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((length, axis) => length === b[axis]);
}

/** Names of the spatial axes in messages: `length` for 1-D inputs, `height`/`width` for 2-D. */
export function spatialAxisNames(spatialRank: number): readonly string[] {
  if (spatialRank === 1) return ["length"];
  if (spatialRank === 2) return ["height", "width"];
  return Array.from({ length: spatialRank }, (_, axis) => `axis ${axis + 1}`);
}

/** A sliding window over the spatial axes, one value per axis. */
export interface SlidingWindow {
  /** Which parameter sets the window size (`kernel` for convolutions, `size` for pooling). */
  readonly sizeParam: string;
  readonly size: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: Padding;
}

/**
 * Slides a window over the spatial axes of `spatial`; a length that reaches ≤ 0 is
 * DLM402 naming the layer, the axis, the input length and the window, e.g.
 * "conv2d reduces height 2 to 0 (kernel 3, stride 1, padding valid)".
 */
export function slideWindow(
  layerName: string,
  spatial: Shape,
  window: SlidingWindow,
): { readonly ok: true; readonly lengths: Shape } | Extract<ShapeResult, { ok: false }> {
  const names = spatialAxisNames(spatial.length);
  const lengths: (number | null)[] = [];
  for (let axis = 0; axis < spatial.length; axis++) {
    const input = spatial[axis] ?? null;
    const size = window.size[axis] ?? 1;
    const stride = window.stride[axis] ?? 1;
    const dilation = window.dilation[axis] ?? 1;
    const output = convOutputLength(input, size, stride, window.padding, dilation);
    if (output !== null && output <= 0) {
      const dilationText = dilation > 1 ? `, dilation ${dilation}` : "";
      return {
        ok: false,
        code: SHAPES.sizeReachesZero,
        message:
          `${layerName} reduces ${names[axis]} ${input} to 0 ` +
          `(${window.sizeParam} ${size}, stride ${stride}${dilationText}, padding ${window.padding})`,
        param: window.sizeParam,
        help:
          window.padding === "valid"
            ? `use \`padding: same\`, a smaller ${window.sizeParam}, or a larger input`
            : `use a smaller ${window.sizeParam} or a larger input`,
      };
    }
    lengths.push(output);
  }
  return { ok: true, lengths };
}

/** A successful shape rule result. */
export function shapeOk(shape: Shape): ShapeResult {
  return { ok: true, shape };
}

/**
 * The last axis of `input` (features or channels), or DLM401 when it is unknown: layers
 * with weights size them from it.
 */
export function knownLastAxis(
  layerName: string,
  input: Shape,
): { readonly ok: true; readonly length: number } | Extract<ShapeResult, { ok: false }> {
  const length = input[input.length - 1];
  if (typeof length === "number") return { ok: true, length };
  return {
    ok: false,
    code: SHAPES.wrongInputRank,
    message: `${layerName} needs the last axis of its input known to size its weights, got ${formatShape(input)}`,
  };
}
