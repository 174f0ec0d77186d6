/** Fashion-MNIST from the Debian package `dataset-fashion-mnist` (gzipped IDX files). */
import { readIdxImageSource } from "../idx.js";
import type { ImageSource } from "../raw.js";

/** Class names in label order, as Zalando publishes them. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** Reads the 60,000 training and 10,000 test images from `/usr/share/datasets/fashion-mnist`. */
export async function loadFashionMnist(dataDir: string): Promise<ImageSource> {
  return readIdxImageSource(
    dataDir,
    {
      trainImages: "train-images-idx3-ubyte.gz",
      trainLabels: "train-labels-idx1-ubyte.gz",
      testImages: "t10k-images-idx3-ubyte.gz",
      testLabels: "t10k-labels-idx1-ubyte.gz",
    },
    FASHION_MNIST_CLASSES,
  );
}
