/**
 * A seeded run is reproducible as a user runs it (`dlm run`, default backend): with dropout
 * and augmentation, the same seed twice gives the same metrics.json (all but the measured
 * throughput) and history.csv; another seed gives other numbers. The same runs show the
 * positive class of two-class metrics in the terminal and in metrics.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { makeScratch, runDlm, STACK_TRACE, type Finished } from "./scratch.js";

const scratch = makeScratch("reproducible");

/** Two classes of 8×8 grey images, dark and light, with a ripple so no two are alike. */
async function writeImages(): Promise<void> {
  for (const [name, brightness] of [
    ["cats", 60],
    ["dogs", 190],
  ] as const) {
    mkdirSync(join(scratch, "img", name), { recursive: true });
    for (let i = 0; i < 24; i++) {
      const pixels = Buffer.from(
        Array.from({ length: 64 }, (_, j) =>
          Math.max(0, Math.min(255, brightness + Math.round(80 * Math.sin(i * 7.1 + j * 3.3)))),
        ),
      );
      await sharp(pixels, { raw: { width: 8, height: 8, channels: 1 } })
        .png()
        .toFile(join(scratch, "img", name, `${i}.png`));
    }
  }
}

const experiment = (seed: number): string => `experiment pets {
  seed: ${seed}
  data {
    source: images("img", size: [8, 8], channels: 1)
    split { validation: 0.25, test: 0.25 }
    normalize: scale(1 / 255)
    augment { flip(horizontal) rotate(10) noise(0.05) }
  }
  model {
    flatten
    dense(16, activation: relu)
    dropout(0.5)
    dense(2, activation: softmax)
  }
  train {
    loss: sparse_categorical_crossentropy
    metrics: [accuracy, precision]
    epochs: 3
    batch_size: 8
  }
  evaluate { metrics: [accuracy, precision, recall, f1, auc, confusion_matrix], positive: "cats" }
}
`;

interface RunFiles {
  readonly run: Finished;
  readonly metrics: Record<string, unknown> & { evaluation: Record<string, unknown> };
  readonly history: string;
}

/** Runs the experiment with `seed` into its own output folder and reads what it wrote. */
function runWithSeed(seed: number, out: string): RunFiles {
  const file = `seed${seed}.dlm`;
  writeFileSync(join(scratch, file), experiment(seed));
  const run = runDlm(scratch, ["run", file, "--out", out], 180_000);
  expect(run.stderr).not.toMatch(STACK_TRACE);
  expect(run.status, run.stderr).toBe(0);
  return {
    run,
    metrics: JSON.parse(readFileSync(join(scratch, out, "pets", "metrics.json"), "utf8")),
    history: readFileSync(join(scratch, out, "pets", "history.csv"), "utf8"),
  };
}

/** metrics.json without the one measured (not computed) number. */
function withoutThroughput(metrics: Record<string, unknown>): Record<string, unknown> {
  const { trainSamplesPerSecond: _measured, ...rest } = metrics;
  return rest;
}

describe("dlm run with a seed", () => {
  let first: RunFiles;
  let second: RunFiles;
  let other: RunFiles;
  beforeAll(async () => {
    await writeImages();
    first = runWithSeed(5, "first");
    second = runWithSeed(5, "second");
    other = runWithSeed(6, "other");
  }, 600_000);

  it("gives identical metrics.json and history.csv twice, with dropout and augmentation", () => {
    expect(withoutThroughput(second.metrics)).toEqual(withoutThroughput(first.metrics));
    expect(second.history).toBe(first.history);
    expect(other.history).not.toBe(first.history);
  });

  it("names the positive class in the terminal and records it with the per-class scores", () => {
    const evaluation = first.metrics.evaluation as {
      metrics: Record<string, number>;
      classes: string[];
      average: string;
      positive: string;
      perClass: { class: string; precision: number; recall: number; f1: number; support: number }[];
      confusionMatrix: number[][];
    };
    expect(evaluation.classes).toEqual(["cats", "dogs"]);
    expect(evaluation.average).toBe("binary");
    expect(evaluation.positive).toBe("cats");
    // cats is class 0: its precision and recall come from column 0 and row 0 of the matrix.
    const [[catsAsCats, catsAsDogs], [dogsAsCats, dogsAsDogs]] = evaluation.confusionMatrix as [
      [number, number],
      [number, number],
    ];
    const cats = evaluation.perClass[0]!;
    expect(cats).toMatchObject({ class: "cats", support: catsAsCats + catsAsDogs });
    expect(evaluation.perClass[1]).toMatchObject({ class: "dogs", support: dogsAsCats + dogsAsDogs });
    if (catsAsCats + dogsAsCats > 0) expect(cats.precision).toBeCloseTo(catsAsCats / (catsAsCats + dogsAsCats), 12);
    expect(cats.recall).toBeCloseTo(catsAsCats / (catsAsCats + catsAsDogs), 12);
    expect(evaluation.metrics.precision).toBe(cats.precision);
    expect(evaluation.metrics.recall).toBe(cats.recall);
    expect(evaluation.metrics.f1).toBe(cats.f1);
    const recallLine = first.run.stdout.split("\n").find((line) => line.startsWith("dlm: test recall"));
    const shown = Number.isInteger(cats.recall) ? String(cats.recall) : cats.recall.toFixed(4);
    expect(recallLine).toBe(`dlm: test recall (positive class: cats) = ${shown}`);
    expect(first.run.stdout).toContain("dlm: test auc (positive class: cats) = ");
  });
});
