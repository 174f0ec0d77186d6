/**
 * The input preprocessing of a zoo network's ImageNet weights as a layer of the model, so the
 * exported bundle's model.json records it and `dlm predict` applies it as training did:
 * Keras's `preprocess_input` modes `caffe` (RGB → BGR, minus the ImageNet mean per channel,
 * VGG16 and ResNet50) and `tf` (x / 127.5 − 1, MobileNetV2), and `unit` (x / 255).
 * Pixels come in as 0–255.
 */
import * as tf from "@tensorflow/tfjs";
import { CAFFE_MEAN_BGR, type ImagePreprocessingMode } from "./image-preprocessing-modes.js";

export { CAFFE_MEAN_BGR, type ImagePreprocessingMode } from "./image-preprocessing-modes.js";

/** Arguments of `imagePreprocessing`. */
export interface ImagePreprocessingArgs {
  readonly mode: ImagePreprocessingMode;
  /** The layer's name. Default: TF.js's unique name. */
  readonly name?: string;
}

/** The layer: no weights, the output shape is the input shape. */
export class ImagePreprocessing extends tf.layers.Layer {
  static readonly className = "DlmImagePreprocessing";
  readonly mode: ImagePreprocessingMode;

  constructor(args: ImagePreprocessingArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!["caffe", "tf", "unit"].includes(args.mode)) throw new Error(`unknown image preprocessing mode \`${String(args.mode)}\``);
    this.mode = args.mode;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.tidy(() => preprocessImages(x, this.mode));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(ImagePreprocessing);

/** Applies a mode to channels-last images of 0–255 pixels (the last axis holds R, G, B). */
export function preprocessImages(x: tf.Tensor, mode: ImagePreprocessingMode): tf.Tensor {
  if (mode === "tf") return x.div(127.5).sub(1);
  if (mode === "unit") return x.div(255);
  const bgr = tf.reverse(x, -1);
  return bgr.sub(tf.tensor1d([...CAFFE_MEAN_BGR]));
}

/** A layer applying Keras's preprocessing for a network's weights (`imagePreprocessing({ mode: "caffe" })`). */
export function imagePreprocessing(args: ImagePreprocessingArgs): ImagePreprocessing {
  return new ImagePreprocessing(args);
}
