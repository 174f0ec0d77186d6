/**
 * `MaxPoolGrad` (the gradient of every max-pooling layer) as one JavaScript pass over
 * the backend's values. wasm's own kernel (tfjs 4.22) starts each window's maximum at the
 * smallest positive float and keeps the last tie, so windows whose maximum is ≤ 0 send
 * their gradient to the wrong element; it is also ~3× slower than this pass, copies
 * included. Here the gradient goes to the first maximum in scan order, as in tfjs's cpu kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { requireInput } from "./composition.js";

/** Builds the JavaScript `MaxPoolGrad`; non-float32 inputs go to `original`. */
export function maxPoolGradInJavaScript(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const dy = requireInput(args.inputs, "dy");
    const input = requireInput(args.inputs, "input");
    if ((input.dtype !== "float32" || dy.dtype !== "float32") && original !== undefined) return original(args);
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
    const dx = routeGradientToWindowMaxima(
      backend.readSync(input.dataId) as Float32Array,
      backend.readSync(dy.dataId) as Float32Array,
      info,
    );
    return { dataId: backend.write(dx, input.shape, "float32"), shape: input.shape, dtype: "float32" };
  };
}

/** dx: each window's dy added at the first position holding the window's maximum (NHWC values). */
export function routeGradientToWindowMaxima(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, padInfo } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const dx = new Float32Array(x.length);
  // Offsets of the window's in-bounds pixels, in scan order, for the current output pixel.
  const windowPixels = new Int32Array(
    Math.ceil(effectiveFilterHeight / dilationHeight) * Math.ceil(effectiveFilterWidth / dilationWidth),
  );
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
        const dyPixel = ((example * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let channel = 0; channel < channels; channel++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let pixel = 0; pixel < pixelCount; pixel++) {
            const index = windowPixels[pixel] + channel;
            if (x[index] > best) {
              best = x[index];
              bestIndex = index;
            }
          }
          if (bestIndex >= 0) dx[bestIndex] += dy[dyPixel + channel];
        }
      }
    }
  }
  return dx;
}
