/**
 * Gradients written straight from the forward definitions, loop by loop: an independent
 * reference for cases tfjs's cpu kernels get wrong or do not take (dilated depthwise).
 * Forward: y[b, oy, ox, c·M + m] = Σ_ij x[b, oy·s − top + i·d, ox·s − left + j·d, c] · w[i, j, c, m].
 */
import * as tf from "@tensorflow/tfjs";

type Info = tf.backend_util.Conv2DInfo;

/** Calls `visit(xIndex, dyIndex, wIndex)` for every in-bounds product of a depthwise convolution (NHWC, HWCM). */
function forEachDepthwiseProduct(info: Info, visit: (xIndex: number, dyIndex: number, wIndex: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const multiplier = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let i = 0; i < info.filterHeight; i++) {
          const y = oy * info.strideHeight - info.padInfo.top + i * info.dilationHeight;
          if (y < 0 || y >= inHeight) continue;
          for (let j = 0; j < info.filterWidth; j++) {
            const x = ox * info.strideWidth - info.padInfo.left + j * info.dilationWidth;
            if (x < 0 || x >= inWidth) continue;
            for (let c = 0; c < inChannels; c++) {
              for (let m = 0; m < multiplier; m++) {
                const xIndex = ((b * inHeight + y) * inWidth + x) * inChannels + c;
                const dyIndex = ((b * outHeight + oy) * outWidth + ox) * outChannels + c * multiplier + m;
                const wIndex = ((i * info.filterWidth + j) * inChannels + c) * multiplier + m;
                visit(xIndex, dyIndex, wIndex);
              }
            }
          }
        }
      }
    }
  }
}

/** dW of a depthwise convolution. */
export function naiveDepthwiseFilterGradient(x: Float32Array, dy: Float32Array, info: Info): Float32Array {
  const dw = new Float32Array(tf.util.sizeFromShape(info.filterShape));
  forEachDepthwiseProduct(info, (xIndex, dyIndex, wIndex) => {
    dw[wIndex] += x[xIndex] * dy[dyIndex];
  });
  return dw;
}

/** dx of a depthwise convolution. */
export function naiveDepthwiseInputGradient(dy: Float32Array, w: Float32Array, info: Info): Float32Array {
  const dx = new Float32Array(tf.util.sizeFromShape(info.inShape));
  forEachDepthwiseProduct(info, (xIndex, dyIndex, wIndex) => {
    dx[xIndex] += dy[dyIndex] * w[wIndex];
  });
  return dx;
}
