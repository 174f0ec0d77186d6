/**
 * Keras's `preprocess_input` modes for a network's weights, as data (TF.js-free, so the torch
 * generator applies the same constants as the runtime's `ImagePreprocessing` layer).
 */

/** Keras's `preprocess_input` mode for a network's weights (`unit`: [0, 1], as nsfwjs's MobileNetV2 takes). */
export type ImagePreprocessingMode = "caffe" | "tf" | "unit";

/** The ImageNet mean of each channel in BGR order, as Keras's `caffe` mode subtracts it. */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;
