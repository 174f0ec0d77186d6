/**
 * The two gradients of `DepthwiseConv2dNative` (depthwiseConv2d and separableConv2d
 * layers), each as one forward depthwise convolution; the wasm backend has neither.
 * Channel c with multiplier m is output channel c·M + m, as in tfjs.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, requireInput } from "./composition.js";
import { forwardAxes, innerConvAttrs, planFilterGradientAxis, planInputGradientAxis } from "./conv-geometry.js";

type Shape4D = [number, number, number, number];

/** The attributes both gradients share with the forward depthwise convolution. */
type DepthwiseGeometryAttrs = Pick<
  tf.DepthwiseConv2dNativeBackpropFilterAttrs,
  "strides" | "dilations" | "pad" | "dimRoundingMode"
>;

/** The geometry of the forward depthwise convolution whose gradient is taken (dilation 1 when absent). */
function forwardDepthwiseInfo(
  xShape: Shape4D,
  filterShape: Shape4D,
  attrs: DepthwiseGeometryAttrs,
): tf.backend_util.Conv2DInfo {
  const { strides, dilations, pad, dimRoundingMode } = attrs;
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
}

/**
 * Builds the composed `DepthwiseConv2dNativeBackpropFilter`: every (channel, example) pair
 * becomes its own depthwise channel, convolved with its slice of dy as the filter, and the
 * examples are summed at the end, so no product is wasted across channels.
 */
export function depthwiseConv2dBackpropFilterByConv(backendName: string): tf.KernelFunc {
  return composeKernel(backendName, (composition, inputs, attrs) => {
    const gradientAttrs = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const { filterShape } = gradientAttrs;
    const x = requireInput(inputs, "x");
    const dy = requireInput(inputs, "dy");
    const info = forwardDepthwiseInfo(x.shape as Shape4D, filterShape, gradientAttrs);
    const [height, width] = forwardAxes(info).map(planFilterGradientAxis);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
    const multiplier = filterShape[3];
    // x [n, h, w, c] → one image [1, h, w, c·n] whose channel c·n + b is example b's channel c.
    const xChannels = composition.reshape(composition.transpose(x, [1, 2, 3, 0]), [
      1,
      inHeight,
      inWidth,
      inChannels * batchSize,
    ]);
    // dy [n, oh, ow, c·M] → filter [oh, ow, c·n, M] matching those channels.
    const dyPerChannel = composition.reshape(dy, [batchSize, outHeight, outWidth, inChannels, multiplier]);
    const dyAsFilter = composition.reshape(composition.transpose(dyPerChannel, [1, 2, 3, 0, 4]), [
      outHeight,
      outWidth,
      inChannels * batchSize,
      multiplier,
    ]);
    const gradient = composition.depthwiseConv2d(xChannels, dyAsFilter, innerConvAttrs(height, width));
    const cropped = composition.slice(
      gradient,
      [0, height.cropBegin, width.cropBegin, 0],
      [1, height.size, width.size, gradient.shape[3]],
    );
    const perExample = composition.reshape(cropped, [height.size, width.size, inChannels, batchSize, multiplier]);
    return batchSize === 1 ? composition.reshape(perExample, filterShape) : composition.sum(perExample, [3]);
  });
}

/**
 * Builds the composed `DepthwiseConv2dNativeBackpropInput`: dy (spread with zeros when
 * strided) convolved depthwise with the spatially reversed filter, then the M outputs of
 * each input channel summed.
 */
export function depthwiseConv2dBackpropInputByConv(backendName: string): tf.KernelFunc {
  return composeKernel(backendName, (composition, inputs, attrs) => {
    const gradientAttrs = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const dy = requireInput(inputs, "dy");
    const filter = requireInput(inputs, "filter");
    const [filterHeight, filterWidth, inChannels, multiplier] = filter.shape;
    const info = forwardDepthwiseInfo(gradientAttrs.inputShape, filter.shape as Shape4D, gradientAttrs);
    const [height, width] = forwardAxes(info).map(planInputGradientAxis);
    const spread = composition.upsampleWithZeros(dy, [info.strideHeight, info.strideWidth]);
    const reversedFilter = composition.reshape(composition.reverse(filter, [0, 1]), [
      filterHeight,
      filterWidth,
      inChannels * multiplier,
      1,
    ]);
    const dxPerOutput = composition.depthwiseConv2d(spread, reversedFilter, innerConvAttrs(height, width));
    const cropped = composition.slice(
      dxPerOutput,
      [0, height.cropBegin, width.cropBegin, 0],
      [info.batchSize, height.size, width.size, inChannels * multiplier],
    );
    if (multiplier === 1) return cropped;
    const perMultiplier = composition.reshape(cropped, [
      info.batchSize,
      height.size,
      width.size,
      inChannels,
      multiplier,
    ]);
    return composition.sum(perMultiplier, [4]);
  });
}
