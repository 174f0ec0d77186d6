/**
 * Pure index arithmetic for the gradient kernels: both convolution gradients are
 * computed as a forward convolution, and these functions say, per spatial axis, how
 * that inner convolution must be padded and where its output must be cropped.
 */
import * as tf from "@tensorflow/tfjs";
import type { ConvGeometryAttrs } from "./composition.js";

/** One spatial axis of the forward convolution whose gradient is wanted. */
export interface ForwardAxis {
  readonly inSize: number;
  readonly outSize: number;
  readonly filterSize: number;
  readonly stride: number;
  readonly dilation: number;
  /** Zero padding the forward convolution added before the input. */
  readonly padBefore: number;
}

/** One spatial axis of the inner convolution: its padding, and which part of its output to keep. */
export interface InnerAxisPlan {
  readonly padBefore: number;
  readonly padAfter: number;
  /** Stride of the inner convolution. */
  readonly stride: number;
  /** Dilation of the inner convolution's filter. */
  readonly dilation: number;
  /** First output position to keep. */
  readonly cropBegin: number;
  /** Number of output positions to keep. */
  readonly size: number;
}

/**
 * Filter gradient: dW[i] = Σ_y x[y·stride + i·dilation − padBefore] · dy[y], i.e. a
 * convolution of x with dy used as a filter dilated by `stride`, stepping by `dilation`.
 * The trailing padding is whatever makes exactly `filterSize` outputs (zeros add nothing);
 * when the forward pass ignored trailing input rows, the extra outputs are cropped.
 */
export function planFilterGradientAxis(axis: ForwardAxis): InnerAxisPlan {
  const dyExtent = (axis.outSize - 1) * axis.stride + 1;
  const neededInput = (axis.filterSize - 1) * axis.dilation + dyExtent;
  return {
    padBefore: axis.padBefore,
    padAfter: Math.max(0, neededInput - axis.inSize - axis.padBefore),
    stride: axis.dilation,
    dilation: axis.stride,
    cropBegin: 0,
    size: axis.filterSize,
  };
}

/**
 * Input gradient: dx[h] = Σ_i dy↑[h + padBefore − i·dilation] · w[i], where dy↑ is dy with
 * `stride − 1` zeros after each element (length outSize·stride). With the filter reversed
 * this is a stride-1 convolution of dy↑ padded by (filterSize − 1)·dilation − padBefore;
 * a negative amount becomes a crop of the output's start.
 */
export function planInputGradientAxis(axis: ForwardAxis): InnerAxisPlan {
  const filterReach = (axis.filterSize - 1) * axis.dilation;
  const leadingPad = filterReach - axis.padBefore;
  const padBefore = Math.max(0, leadingPad);
  const cropBegin = Math.max(0, -leadingPad);
  const upsampledSize = axis.outSize * axis.stride;
  return {
    padBefore,
    padAfter: Math.max(0, cropBegin + axis.inSize + filterReach - upsampledSize - padBefore),
    stride: 1,
    dilation: axis.dilation,
    cropBegin,
    size: axis.inSize,
  };
}

/** Height then width axes of a forward convolution, as tfjs computed them. */
export function forwardAxes(info: tf.backend_util.Conv2DInfo): readonly [ForwardAxis, ForwardAxis] {
  return [
    {
      inSize: info.inHeight,
      outSize: info.outHeight,
      filterSize: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    {
      inSize: info.inWidth,
      outSize: info.outWidth,
      filterSize: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  ];
}

/** Joins the height and width plans into the attributes of the inner convolution. */
export function innerConvAttrs(height: InnerAxisPlan, width: InnerAxisPlan): ConvGeometryAttrs {
  return {
    strides: [height.stride, width.stride],
    dilations: [height.dilation, width.dilation],
    pads: [
      [height.padBefore, height.padAfter],
      [width.padBefore, width.padAfter],
    ],
  };
}

/**
 * Explicit padding is written in the tensor's layout; the composed kernels work in NHWC,
 * so NCHW padding `[[0,0],[0,0],[t,b],[l,r]]` is reordered. Named padding passes through.
 */
export function padInChannelsLast(
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding,
  dataFormat: "NHWC" | "NCHW",
): "valid" | "same" | number | tf.backend_util.ExplicitPadding {
  if (!Array.isArray(pad) || dataFormat === "NHWC") return pad;
  return [pad[0], pad[2], pad[3], pad[1]];
}

/** `[n, c, h, w]` → `[n, h, w, c]`. */
export function shapeInChannelsLast(shape: readonly number[]): [number, number, number, number] {
  return [shape[0], shape[2], shape[3], shape[1]];
}
