/**
 * What the signal and resume tests share: a data set and an experiment whose epochs are
 * hundreds of small batches, long enough to be interrupted in the middle of one.
 */

/** Epochs of `blobsExperiment`. */
export const EPOCHS = 3;

/** Three overlapping blobs, 1,200 rows: with batches of 4, an epoch is 240 steps (seconds on wasm). */
export function blobsCsv(rows = 1200): string {
  const lines = ["a,b,c,kind"];
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let row = 0; row < rows; row++) {
    const kind = row % 3;
    lines.push(`${(kind + random()).toFixed(3)},${(kind + random()).toFixed(3)},${(random() - kind).toFixed(3)},k${kind}`);
  }
  return lines.join("\n") + "\n";
}

/** A tiny model, epochs of many small batches, and a csv_logger beside history.csv. */
export function blobsExperiment(options: { units?: number; epochs?: number } = {}): string {
  return `
model Mlp {
  dense(${options.units ?? 16}, activation: relu)
  dense(3, activation: softmax)
}

experiment blobs {
  seed: 3
  data {
    source: csv("blobs.csv", label: kind)
    split { train: 0.8, validation: 0.1, test: 0.1 }
    normalize: standardize
  }
  model: Mlp
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: ${options.epochs ?? EPOCHS}
    batch_size: 4
    callbacks { csv_logger("logs/train.csv") }
  }
}
`;
}
