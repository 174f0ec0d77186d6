/**
 * Augmentation in the generated torch program draws from DLM's own distributions: each step
 * of `augment { ... }` runs on the same probe images in Python (the program's
 * `augment_batch`) and in DLM's augmenter (runtime/data/augment.ts), and what the step did to
 * each example — flipped or not, the shift, the angle, the zoom factor, the brightness and
 * contrast change, the noise — has the same range and spread in both; without `augment` the
 * program has no augmentation and leaves a batch as it is.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { emitTorchProgram } from "../../compiler/torch/emit-torch.js";
import { makeAugmenter } from "../../runtime/data/augment.js";
import type { AugmentStep } from "../../runtime/data/spec.js";
import { decodeNpy, encodeNpy } from "../../runtime/data/npy.js";
import { runPython, TORCH_MISSING } from "./torch-python.js";

const SIZE = 21;
const CENTRE = (SIZE - 1) / 2;
const PIXELS = SIZE * SIZE;
/** Examples per probe: enough that 4 standard errors of a mean stay small. */
const COUNT = 2000;

/** A batch of `count` grey SIZE×SIZE images, each 0 but for one bright pixel at (row, column). */
function pointImages(row: number, column: number, count = COUNT): Float32Array {
  const data = new Float32Array(count * PIXELS);
  for (let n = 0; n < count; n++) data[n * PIXELS + row * SIZE + column] = 1;
  return data;
}

/** Where each example's brightness sits: the weighted centre of its pixels, as (x, y) from the image centre. */
function centroids(images: Float32Array): [number, number][] {
  const result: [number, number][] = [];
  for (let n = 0; n < images.length / PIXELS; n++) {
    let total = 0;
    let x = 0;
    let y = 0;
    for (let i = 0; i < PIXELS; i++) {
      const value = Math.max(0, images[n * PIXELS + i]!);
      total += value;
      x += value * (i % SIZE);
      y += value * Math.floor(i / SIZE);
    }
    result.push(total > 0 ? [x / total - CENTRE, y / total - CENTRE] : [Number.NaN, Number.NaN]);
  }
  return result;
}

/** Per example: one number saying what the step did. */
const MEASURES: { step: AugmentStep; input: () => Float32Array; measure: (input: Float32Array, output: Float32Array) => number[] }[] = [
  // 1 when the point moved to the mirrored column, else 0
  { step: { kind: "flip", mode: "horizontal" }, input: () => pointImages(10, 2, 16_000), measure: (_, out) => centroids(out).map(([x]) => (x > 0 ? 1 : 0)) },
  // the whole-pixel shift along x
  { step: { kind: "translate", pixels: 2 }, input: () => pointImages(10, 10), measure: (_, out) => centroids(out).map(([x]) => Math.round(x)) },
  // the angle (degrees) the point at radius 8 moved through
  {
    step: { kind: "rotate", degrees: 30 },
    input: () => pointImages(10, 18),
    measure: (_, out) => centroids(out).map(([x, y]) => (Math.abs(Math.atan2(y, x)) * 180) / Math.PI),
  },
  // the zoom factor: the point at 8 pixels from the centre lands at 8·z
  { step: { kind: "zoom", range: 0.2 }, input: () => pointImages(10, 18), measure: (_, out) => centroids(out).map(([x]) => x / 8) },
  // the value added to every pixel
  { step: { kind: "brightness", delta: 0.2 }, input: () => new Float32Array(COUNT * PIXELS), measure: (_, out) => perExample(out, (pixels) => pixels[0]!) },
  // the factor of each image's spread around its mean
  {
    step: { kind: "contrast", range: 0.5 },
    input: () => Float32Array.from({ length: COUNT * PIXELS }, (_, i) => (i % 2) * 0.5),
    measure: (input, out) => perExample(out, spread).map((value, n) => value / spread(input.subarray(n * PIXELS, (n + 1) * PIXELS))),
  },
  // the standard deviation of the noise added to each image
  { step: { kind: "noise", stddev: 0.1 }, input: () => new Float32Array(COUNT * PIXELS), measure: (_, out) => perExample(out, spread) },
  // the shift a full-size crop of the image padded by 2 makes (whole pixels in [-2, 2])
  {
    step: { kind: "crop", size: [SIZE, SIZE], padding: 2 },
    input: () => pointImages(10, 10),
    measure: (_, out) => centroids(out).map(([x]) => Math.round(x)),
  },
];

function perExample(images: Float32Array, reduce: (pixels: Float32Array) => number): number[] {
  return Array.from({ length: images.length / PIXELS }, (_, n) => reduce(images.subarray(n * PIXELS, (n + 1) * PIXELS)));
}

function spread(pixels: Float32Array): number {
  const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
  return Math.sqrt(pixels.reduce((a, b) => a + (b - mean) ** 2, 0) / pixels.length);
}

function summary(values: readonly number[]): { min: number; max: number; mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { min: Math.min(...values), max: Math.max(...values), mean, std };
}

/** The program of an experiment on SIZE×SIZE grey images with the given augment block. */
function program(augment: string): string {
  const source = `experiment e {
  data {
    source: builtin("mnist")
    resize: [${SIZE}, ${SIZE}]
    ${augment}
  }
  model { flatten
    dense(10, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}`;
  const checked = checkSource(source);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return emitTorchProgram(checked.plans[0]!, { outDir: ".", sourceText: () => source }).text;
}

/** Runs the program's augment_batch with AUGMENT = steps on images; returns the output. */
function augmentInPython(dir: string, programFile: string, steps: readonly AugmentStep[], images: Float32Array): Float32Array {
  writeFileSync(join(dir, "in.npy"), encodeNpy({ data: images, shape: [images.length / PIXELS, SIZE, SIZE, 1] }));
  runPython([
    "-c",
    [
      "import importlib.util, json, sys, numpy as np, torch",
      "spec = importlib.util.spec_from_file_location('program', sys.argv[1])",
      "program = importlib.util.module_from_spec(spec)",
      "spec.loader.exec_module(program)",
      "program.AUGMENT = json.loads(sys.argv[2])",
      "images = torch.from_numpy(np.load(sys.argv[3]))",
      "np.save(sys.argv[4], program.augment_batch(images, program.augment_generator(0, 0)).numpy().astype(np.float32))",
    ].join("\n"),
    programFile,
    JSON.stringify(steps),
    join(dir, "in.npy"),
    join(dir, "out.npy"),
  ]);
  return decodeNpy(readFileSync(join(dir, "out.npy"))).data as Float32Array;
}

describe.skipIf(TORCH_MISSING !== undefined)("augment { ... } in the torch program", () => {
  const dir = mkdtempSync(join(tmpdir(), "dlm-torch-augment-"));
  const programFile = join(dir, "e.py");
  writeFileSync(programFile, program("augment { flip(horizontal), rotate(30) }"));

  for (const { step, input, measure } of MEASURES) {
    it(`${step.kind}: the same distribution as DLM's augmenter`, () => {
      const images = input();
      const python = summary(measure(images, augmentInPython(dir, programFile, [step], images)));
      const batch = tf.tensor4d(images, [images.length / PIXELS, SIZE, SIZE, 1]);
      const augmented = makeAugmenter([step])(batch, 17);
      const dlm = summary(measure(images, augmented.dataSync() as Float32Array));
      tf.dispose([batch, augmented]);
      // ranges agree (to interpolation); means and spreads within 4 standard errors of their difference
      const scale = Math.max(dlm.std, 1e-3);
      const standardError = (scale * Math.SQRT2) / Math.sqrt(images.length / PIXELS);
      expect(Math.abs(python.min - dlm.min)).toBeLessThan(scale * 0.1 + 0.01);
      expect(Math.abs(python.max - dlm.max)).toBeLessThan(scale * 0.1 + 0.01);
      expect(Math.abs(python.mean - dlm.mean)).toBeLessThan(4 * standardError + 1e-3);
      expect(Math.abs(python.std - dlm.std)).toBeLessThan(3 * standardError + 1e-3);
      // and the step did something
      expect(dlm.std).toBeGreaterThan(0);
    }, 120_000);
  }

  it("without augment the program has no augmentation and leaves a batch as it is", () => {
    const text = program("");
    expect(text).toContain("AUGMENT = []");
    expect(text).not.toContain("def augment_batch");
    const images = pointImages(3, 4);
    expect(Array.from(augmentInPython(dir, programFile, [], images))).toEqual(Array.from(images));
  }, 120_000);
});
