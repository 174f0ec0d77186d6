/**
 * `dlm predict` on a text bundle gives exactly the evaluation's probabilities: the test
 * split's raw texts, one per line of a `.txt` file, through the bundle's tokenizer and model.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClassPrediction } from "../../runtime/predict.js";
import { evaluationMetrics, evaluationPredictions, expectSameProbabilities, predictWithCli, runExperiment, scratchWith } from "./predict-parity/parity.js";

const GOOD = ["great", "lovely", "fine", "superb", "happy", "bright"];
const BAD = ["awful", "sad", "broken", "dull", "late", "noisy"];
const FILLER = ["the", "room", "was", "and", "staff", "food", "view", "very"];

/** 160 short reviews (no commas), positive or negative by their adjectives. */
function reviews(): { label: string; text: string }[] {
  return Array.from({ length: 160 }, (_, i) => {
    const positive = (i * 7) % 2 === 0;
    const words = positive ? GOOD : BAD;
    const text = [FILLER[i % 8], words[i % 6], FILLER[(i * 3) % 8], words[(i * 5) % 6], FILLER[(i + 5) % 8]].join(" ");
    return { label: positive ? "pos" : "neg", text };
  });
}

const PROGRAM = `
experiment reviews {
  seed: 2
  data {
    source: csv("reviews.csv", label: label, text: text)
    tokenize(vocab: 64, length: 8)
    split { train: 0.75, test: 0.25, shuffle: false, stratify: false }
  }
  model {
    embedding(64, 8)
    global_avg_pool1d
    dense(2, activation: softmax)
  }
  train { optimizer: adam(learning_rate: 0.02), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 4, batch_size: 16 }
  evaluate { on: test, metrics: [accuracy] }
  export: "exports/reviews"
}
`;

describe("dlm predict on a text bundle", () => {
  const all = reviews();
  const csv = ["label,text", ...all.map((review) => `${review.label},${review.text}`)].join("\n") + "\n";
  const dir = scratchWith("predict-text", { "reviews.csv": csv, "text.dlm": PROGRAM });
  const test = all.slice(120);
  beforeAll(() => {
    writeFileSync(join(dir, "test.txt"), test.map((review) => review.text).join("\n") + "\n");
    runExperiment(dir, "text.dlm");
  }, 600_000);

  it("the test texts' probabilities equal the evaluation's; accuracy matches metrics.json", async () => {
    const cli = predictWithCli(dir, "exports/reviews", "test.txt") as ClassPrediction[];
    const evaluation = await evaluationPredictions(dir, "text.dlm", "reviews", "exports/reviews");
    expectSameProbabilities(cli, evaluation, ["neg", "pos"]);
    const correct = cli.filter((prediction, index) => prediction.label === test[index]!.label).length;
    expect(correct / test.length).toBeCloseTo(evaluationMetrics(dir, "reviews")["accuracy"]!, 12);
  });
});
