/**
 * `Conv2DBackpropFilter` (the filter gradient of conv1d, conv2d and conv2dTranspose) as
 * one forward convolution: x with batch and channels swapped, convolved with dy used as
 * a filter dilated by the stride, so the batch axis is summed as the channel axis. The
 * wasm backend lacks the kernel; on cpu this is an order of magnitude faster than cpu's
 * own loops. (Swapping the roles, x as the filter over dy, measured slower on wasm.)
 *
 * A first layer (one to four input channels: grey or colour images) takes another route:
 * its dy used as a filter is huge next to the tiny result, and XNNPACK repacks it every
 * step (~20 ms of a batch-64 MNIST step). There the patches of x are laid out in
 * JavaScript (im2col) and one matrix product with dy gives the gradient.
 */
import * as tf from "@tensorflow/tfjs";
import { type Composition, composeKernel, requireInput } from "./composition.js";
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
    if (takesPatchRoute(info) && composition.canCompute) {
      return filterGradientFromPatches(composition, x, dy, info);
    }
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

/** Input channels up to which the filter gradient goes through im2col patches (first layers). */
const PATCH_ROUTE_MAX_IN_CHANNELS = 4;

/** The most patch values the route lays out (256 MB of float32): large filters on large images take the convolution. */
const PATCH_ROUTE_MAX_VALUES = 64 * 1024 * 1024;

function takesPatchRoute(info: tf.backend_util.Conv2DInfo): boolean {
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  return info.inChannels <= PATCH_ROUTE_MAX_IN_CHANNELS && taps * positions <= PATCH_ROUTE_MAX_VALUES;
}

/**
 * dW = patchesᵀ · dy, where column `(kh·KW + kw)·Cin + ci` of patches holds, for every
 * output position of every example, the input value that filter tap (kh, kw, ci)
 * multiplied (zero where it fell in the padding). The product, `[KH·KW·Cin, Cout]`, is the
 * filter's layout.
 */
function filterGradientFromPatches(
  composition: Composition,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels, batchSize, outHeight, outWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const positions = batchSize * outHeight * outWidth;
  // XNNPACK packs the right operand anew whenever its data changes (every step): the
  // patches (positions × taps) are the small one, so dWᵀ = dyᵀ · patches.
  const patches = composition.computed([1, positions, taps], [x], (output, xValues) =>
    writePatches(output, xValues, info),
  );
  const dyColumns = composition.transpose(composition.reshape(dy, [1, positions, outChannels]), [0, 2, 1]);
  const product = composition.run(
    tf.BatchMatMul,
    { a: dyColumns, b: patches },
    { transposeA: false, transposeB: false },
  );
  return composition.reshape(composition.transpose(product, [0, 2, 1]), [
    filterHeight,
    filterWidth,
    inChannels,
    outChannels,
  ]);
}

/**
 * Fills `output` (`[positions, taps]`, row-major) with the im2col patches of NHWC `x`: row
 * `(example·outH + outRow)·outW + outColumn`, column `(kh·KW + kw)·Cin + ci`.
 */
export function writePatches(output: Float32Array, x: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const taps = filterHeight * filterWidth * inChannels;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      for (let channel = 0; channel < inChannels; channel++) {
        let cursor = (kh * filterWidth + kw) * inChannels + channel;
        for (let example = 0; example < batchSize; example++) {
          for (let outRow = 0; outRow < outHeight; outRow++) {
            const row = outRow * strideHeight - padInfo.top + kh * dilationHeight;
            const rowInside = row >= 0 && row < inHeight;
            const rowStart = (example * inHeight + row) * inWidth;
            for (let outColumn = 0; outColumn < outWidth; outColumn++) {
              const column = outColumn * strideWidth - padInfo.left + kw * dilationWidth;
              output[cursor] =
                rowInside && column >= 0 && column < inWidth ? x[(rowStart + column) * inChannels + channel] : 0;
              cursor += taps;
            }
          }
        }
      }
    }
  }
}
