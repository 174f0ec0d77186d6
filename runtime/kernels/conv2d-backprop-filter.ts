/**
 * `Conv2DBackpropFilter` (the filter gradient of conv1d, conv2d and conv2dTranspose) as
 * one forward convolution: x with batch and channels swapped, convolved with dy used as
 * a filter dilated by the stride, so the batch axis is summed as the channel axis. The
 * wasm backend lacks the kernel; on cpu this is an order of magnitude faster than cpu's
 * own loops. (Swapping the roles, x as the filter over dy, measured slower on wasm.)
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, requireInput } from "./composition.js";
import { forwardAxes, innerConvAttrs, padInChannelsLast, planFilterGradientAxis } from "./conv-geometry.js";

/** Builds the composed `Conv2DBackpropFilter` for `backendName` (NHWC and NCHW, any padding and stride). */
export function conv2dBackpropFilterByConv(backendName: string): tf.KernelFunc {
  return composeKernel(backendName, (composition, inputs, attrs) => {
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const x = composition.toChannelsLast(requireInput(inputs, "x"), dataFormat);
    const dy = composition.toChannelsLast(requireInput(inputs, "dy"), dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      padInChannelsLast(pad, dataFormat),
      dimRoundingMode,
    );
    const [height, width] = forwardAxes(info).map(planFilterGradientAxis);
    const xByChannel = composition.swapBatchAndChannels(x); // [in, h, w, batch]
    const dyAsFilter = composition.transpose(dy, [1, 2, 0, 3]); // [outH, outW, batch, out]
    const gradient = composition.conv2d(xByChannel, dyAsFilter, innerConvAttrs(height, width));
    const [inChannels, , , outChannels] = gradient.shape;
    const cropped = composition.slice(
      gradient,
      [0, height.cropBegin, width.cropBegin, 0],
      [inChannels, height.size, width.size, outChannels],
    );
    return composition.transpose(cropped, [1, 2, 0, 3]);
  });
}
