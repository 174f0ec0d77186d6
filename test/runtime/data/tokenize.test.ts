import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import { encodeTexts, fitTokenizer, splitWords } from "../../../runtime/data/tokenize.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("tokenizer", () => {
  it("splits on anything but letters and digits, lower-casing when asked", () => {
    expect(splitWords("Don't PANIC: 42 élans!", true)).toEqual(["don", "t", "panic", "42", "élans"]);
    expect(splitWords("Hello World", false)).toEqual(["Hello", "World"]);
  });

  it("keeps the most frequent words after 0 = padding and 1 = unknown, ties alphabetical", () => {
    const tokenizer = fitTokenizer(["b a c a", "c b a d"], { vocab: 5, length: 4, lowercase: true });
    expect(tokenizer.vocabulary).toEqual(["", "[UNK]", "a", "b", "c"]);
  });

  it("pads at the end with 0 and truncates keeping the start; unknown words are 1", () => {
    const tokenizer = fitTokenizer(["red green blue"], { vocab: 10, length: 3, lowercase: true });
    const ids = encodeTexts(tokenizer, ["green", "blue red purple green", "[UNK]"]);
    const id = (word: string): number => tokenizer.vocabulary.indexOf(word);
    expect([...ids]).toEqual([id("green"), 0, 0, id("blue"), id("red"), 1, 1, 0, 0]);
  });
});

describe("prepareData with a text column", () => {
  it("builds the vocabulary from the training split only", async () => {
    // No shuffle: rows 1-4 train, 5-6 test; "fun", "dull" appear only in the test rows.
    const data = await prepareData(
      {
        source: { kind: "csv", path: "reviews.csv", label: "sentiment", text: "review" },
        tokenize: { vocab: 50, length: 6 },
        split: { train: 4 / 6, test: 2 / 6, shuffle: false, stratify: false },
      },
      { seed: 0, baseDir: fixtures },
    );
    const vocabulary = data.preprocessing.tokenizer!.vocabulary;
    expect(vocabulary.slice(0, 4)).toEqual(["", "[UNK]", "great", "terrible"]);
    expect(vocabulary).not.toContain("fun");
    expect(vocabulary).not.toContain("dull");
    expect(data.info).toMatchObject({ modality: "text", featureShape: [6], classes: ["neg", "pos"] });
    expect(data.train.x.dtype).toBe("int32");
    const id = (word: string): number => vocabulary.indexOf(word);
    // "Great fun" → great, unknown, padding; "Dull and boring" → unknown, and, boring.
    expect(data.test!.x.arraySync()).toEqual([
      [id("great"), 1, 0, 0, 0, 0],
      [1, id("and"), id("boring"), 0, 0, 0],
    ]);
    disposePreparedData(data);
  });
});
