/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and conv2dTranspose's forward
 * pass) as one forward convolution of dy with the filter reversed in space and its
 * in/out channels swapped. wasm's own kernel is a plain loop; the forward convolution
 * runs on XNNPACK. Strides the composition does not take go to the original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, requireInput } from "./composition.js";
import {
  forwardAxes,
  innerConvAttrs,
  padInChannelsLast,
  planInputGradientAxis,
  shapeInChannelsLast,
} from "./conv-geometry.js";

/** Options of the composed input gradient. */
export interface Conv2dBackpropInputOptions {
  /**
   * Largest stride (either axis) computed by composition; larger strides call `original`.
   * A stride above 1 feeds the convolution dy spread out with zeros.
   */
  readonly maxStride: number;
  /** The backend's own kernel, for strides above `maxStride`. */
  readonly original?: tf.KernelFunc;
}

/** Builds the composed `Conv2DBackpropInput` for `backendName`. */
export function conv2dBackpropInputByConv(backendName: string, options: Conv2dBackpropInputOptions): tf.KernelFunc {
  const composed = composeKernel(backendName, (composition, inputs, attrs) => {
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const dy = composition.toChannelsLast(requireInput(inputs, "dy"), dataFormat);
    const filter = requireInput(inputs, "filter");
    const info = tf.backend_util.computeConv2DInfo(
      dataFormat === "NCHW" ? shapeInChannelsLast(inputShape) : inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      padInChannelsLast(pad, dataFormat),
      dimRoundingMode,
    );
    const [height, width] = forwardAxes(info).map(planInputGradientAxis);
    const spread = composition.upsampleWithZeros(dy, [info.strideHeight, info.strideWidth]);
    // [fh, fw, in, out] reversed in space → [fh, fw, out, in]: the transposed convolution's filter.
    const reversedFilter = composition.transpose(composition.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    const dx = composition.conv2d(spread, reversedFilter, innerConvAttrs(height, width));
    const cropped = composition.slice(
      dx,
      [0, height.cropBegin, width.cropBegin, 0],
      [info.batchSize, height.size, width.size, info.inChannels],
    );
    return composition.fromChannelsLast(cropped, dataFormat);
  });
  return (args) => {
    const { strides } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const [strideHeight, strideWidth] = typeof strides === "number" ? [strides, strides] : strides;
    const takesComposition = Math.max(strideHeight, strideWidth) <= options.maxStride;
    if (takesComposition || options.original === undefined) return composed(args);
    return options.original(args);
  };
}
