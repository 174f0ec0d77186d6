/**
 * `dlm predict` on an image bundle gives exactly the evaluation's probabilities: the test
 * split's image files, given as a folder (read in path order), decoded, resized and
 * normalised as training did.
 */
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClassPrediction } from "../../runtime/predict.js";
import { evaluationMetrics, evaluationPredictions, expectSameProbabilities, predictWithCli, runExperiment, scratchWith } from "./predict-parity/parity.js";

const PROGRAM = `
experiment shades {
  seed: 4
  data {
    source: images("shapes", size: [8, 8], channels: 1)
    split { train: 0.75, test: 0.25, shuffle: false, stratify: false }
    normalize: scale(1 / 255)
  }
  model {
    flatten
    dense(8, activation: relu)
    dense(2, activation: softmax)
  }
  train { optimizer: adam(learning_rate: 0.02), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 4, batch_size: 8 }
  evaluate { on: test, metrics: [accuracy] }
  export: "exports/shades"
}
`;

/** A 12×12 grey PNG (resized to 8×8 by the pipeline): a bright or dark square on a noisy background. */
async function writeImage(file: string, bright: boolean, seed: number): Promise<void> {
  const pixels = Buffer.alloc(12 * 12);
  for (let i = 0; i < pixels.length; i++) {
    const inSquare = i % 12 >= 3 && i % 12 < 9 && Math.floor(i / 12) >= 3 && Math.floor(i / 12) < 9;
    const noise = Math.floor(Math.abs(Math.sin(seed * 31 + i * 7)) * 60);
    pixels[i] = inSquare ? (bright ? 190 + noise : 20 + noise) : 100 + noise;
  }
  await sharp(pixels, { raw: { width: 12, height: 12, channels: 1 } }).png().toFile(file);
}

describe("dlm predict on an image bundle", () => {
  const dir = scratchWith("predict-image", { "images.dlm": PROGRAM });
  let testFiles: string[] = [];
  beforeAll(async () => {
    for (const [label, bright] of [["bright", true], ["dark", false]] as const) {
      mkdirSync(join(dir, "shapes", label), { recursive: true });
      for (let i = 0; i < 20; i++) await writeImage(join(dir, "shapes", label, `${String(i).padStart(2, "0")}.png`), bright, i + (bright ? 0 : 100));
    }
    // shuffle: false keeps the folder order (classes, then files, sorted): the test split is its last quarter.
    const listed = ["bright", "dark"].flatMap((label) => readdirSync(join(dir, "shapes", label)).sort().map((name) => join(label, name)));
    testFiles = listed.slice(30);
    for (const file of testFiles) {
      mkdirSync(join(dir, "query", file, ".."), { recursive: true });
      copyFileSync(join(dir, "shapes", file), join(dir, "query", file));
    }
    runExperiment(dir, "images.dlm");
  }, 600_000);

  it("a folder of the test images: probabilities equal the evaluation's; accuracy matches metrics.json", async () => {
    const cli = predictWithCli(dir, "exports/shades", "query") as ClassPrediction[];
    const evaluation = await evaluationPredictions(dir, "images.dlm", "shades", "exports/shades");
    expectSameProbabilities(cli, evaluation, ["bright", "dark"]);
    const correct = cli.filter((prediction, index) => prediction.label === testFiles[index]!.split("/")[0]).length;
    expect(correct / testFiles.length).toBeCloseTo(evaluationMetrics(dir, "shades")["accuracy"]!, 12);
  });

  it("one image file gives the same probabilities as in the folder", () => {
    const [single] = predictWithCli(dir, "exports/shades", join("query", testFiles[0]!)) as ClassPrediction[];
    const [first] = predictWithCli(dir, "exports/shades", "query") as ClassPrediction[];
    expect(single).toEqual(first);
  });
});
