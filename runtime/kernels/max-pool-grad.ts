/**
 * `MaxPoolGrad` (the gradient of every max-pooling layer) as one JavaScript pass over
 * the backend's values. wasm's own kernel (tfjs 4.22) starts each window's maximum at the
 * smallest positive float and keeps the last tie, so windows whose maximum is ≤ 0 send
 * their gradient to the wrong element; it is also ~3× slower than this pass, copies
 * included. Here the gradient goes to the first maximum in scan order, as in tfjs's cpu kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { float32View, newFloat32Output } from "./backend-memory.js";
import { requireInput } from "./composition.js";

/** Builds the JavaScript `MaxPoolGrad` for `backendName` (wasm or cpu); non-float32 inputs go to `original`. */
export function maxPoolGradInJavaScript(backendName: string, original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const dy = requireInput(args.inputs, "dy");
    const input = requireInput(args.inputs, "input");
    if (input.dtype !== "float32" || dy.dtype !== "float32") {
      if (original === undefined)
        throw new Error(`MaxPoolGrad of ${input.dtype} values needs the backend's own kernel`);
      return original(args);
    }
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const backend = args.backend as tf.KernelBackend;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    // Read in place and write the result straight into the output (no copies on wasm).
    const output = newFloat32Output(backendName, backend, input.shape);
    routeGradientToWindowMaxima(
      float32View(backendName, backend, input),
      float32View(backendName, backend, dy),
      info,
      float32View(backendName, backend, output),
    );
    return output;
  };
}

/**
 * dx: each window's dy added at the first position holding the window's maximum (NHWC
 * values). Works a pixel's channels at a time: the running maxima of all channels are kept
 * in two small arrays, so every inner loop walks contiguous memory. `dx`, if given, is
 * overwritten.
 */
export function routeGradientToWindowMaxima(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array = new Float32Array(x.length),
): Float32Array {
  if (isTwoByTwoTiling(info)) return routeTwoByTwoTiles(x, dy, info, dx);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, padInfo } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  dx.fill(0);
  // Offsets of the window's in-bounds pixels, in scan order, for the current output pixel.
  const windowPixels = new Int32Array(
    Math.ceil(effectiveFilterHeight / dilationHeight) * Math.ceil(effectiveFilterWidth / dilationWidth),
  );
  const bestValues = new Float32Array(channels);
  const bestIndices = new Int32Array(channels);
  for (let example = 0; example < batchSize; example++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const firstRow = outRow * strideHeight - padInfo.top;
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const firstColumn = outColumn * strideWidth - padInfo.left;
        let pixelCount = 0;
        for (let rowOffset = 0; rowOffset < effectiveFilterHeight; rowOffset += dilationHeight) {
          const row = firstRow + rowOffset;
          if (row < 0 || row >= inHeight) continue;
          for (let columnOffset = 0; columnOffset < effectiveFilterWidth; columnOffset += dilationWidth) {
            const column = firstColumn + columnOffset;
            if (column < 0 || column >= inWidth) continue;
            windowPixels[pixelCount++] = ((example * inHeight + row) * inWidth + column) * channels;
          }
        }
        bestValues.fill(-Infinity);
        bestIndices.fill(-1);
        for (let pixel = 0; pixel < pixelCount; pixel++) {
          const start = windowPixels[pixel];
          for (let channel = 0; channel < channels; channel++) {
            const value = x[start + channel];
            if (value > bestValues[channel]) {
              bestValues[channel] = value;
              bestIndices[channel] = start + channel;
            }
          }
        }
        const dyPixel = ((example * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let channel = 0; channel < channels; channel++) {
          const bestIndex = bestIndices[channel];
          if (bestIndex >= 0) dx[bestIndex] += dy[dyPixel + channel];
        }
      }
    }
  }
  return dx;
}

/** `max_pool2d(2)`: 2×2 windows, stride 2, no padding, no dilation (every window inside the input). */
function isTwoByTwoTiling(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return (
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    info.outHeight * 2 <= info.inHeight &&
    info.outWidth * 2 <= info.inWidth
  );
}

/** The 2×2 tiling case of `routeGradientToWindowMaxima`: four candidates per channel, compared in scan order. */
function routeTwoByTwoTiles(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  dx.fill(0);
  const rowLength = inWidth * channels;
  for (let example = 0; example < batchSize; example++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const topLeft = ((example * inHeight + outRow * 2) * inWidth + outColumn * 2) * channels;
        const topRight = topLeft + channels;
        const bottomLeft = topLeft + rowLength;
        const bottomRight = bottomLeft + channels;
        const dyPixel = ((example * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let channel = 0; channel < channels; channel++) {
          // Strict comparisons from -Infinity, as in the general case: NaN windows get no gradient.
          let best = -Infinity;
          let bestIndex = -1;
          const a = x[topLeft + channel];
          if (a > best) {
            best = a;
            bestIndex = topLeft + channel;
          }
          const b = x[topRight + channel];
          if (b > best) {
            best = b;
            bestIndex = topRight + channel;
          }
          const c = x[bottomLeft + channel];
          if (c > best) {
            best = c;
            bestIndex = bottomLeft + channel;
          }
          const d = x[bottomRight + channel];
          if (d > best) bestIndex = bottomRight + channel;
          if (bestIndex >= 0) dx[bestIndex] = dy[dyPixel + channel];
        }
      }
    }
  }
  return dx;
}
