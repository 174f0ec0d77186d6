import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { checkConvertedImageBytes, convertImages, type ImageShape } from "../../../runtime/data/convert-images.js";
import { DataError } from "../../../runtime/data/errors.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import { mulberry32 } from "../../../runtime/data/random.js";
import { writePreparedData } from "../../../runtime/data/write-prepared.js";

/** Bilinear resize with half-pixel centres, written out by hand (TensorFlow's definition), one channel at a time. */
function referenceResize(pixels: Float32Array, from: ImageShape, height: number, width: number): Float32Array {
  const [inHeight, inWidth, channels] = from;
  const out = new Float32Array(height * width * channels);
  const source = (position: number, scale: number, size: number): [number, number, number] => {
    const at = Math.max(0, (position + 0.5) * scale - 0.5);
    const low = Math.min(Math.floor(at), size - 1);
    return [low, Math.min(low + 1, size - 1), at - low];
  };
  const at = (y: number, x: number, c: number): number => pixels[(y * inWidth + x) * channels + c]!;
  for (let y = 0; y < height; y++) {
    const [top, bottom, dy] = source(y, inHeight / height, inHeight);
    for (let x = 0; x < width; x++) {
      const [left, right, dx] = source(x, inWidth / width, inWidth);
      for (let c = 0; c < channels; c++) {
        const upper = at(top, left, c) + (at(top, right, c) - at(top, left, c)) * dx;
        const lower = at(bottom, left, c) + (at(bottom, right, c) - at(bottom, left, c)) * dx;
        out[(y * width + x) * channels + c] = upper + (lower - upper) * dy;
      }
    }
  }
  return out;
}

/** `count` images of random bytes. */
function randomImages(count: number, shape: ImageShape, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => Math.floor(random() * 256));
}

const maxDifference = (a: Float32Array, b: Float32Array): number =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

/** Pixel `i` of every channel: `[c0, c1, c2]` per pixel. */
const channelsOf = (pixels: Float32Array, channels: number, channel: number): Float32Array =>
  pixels.filter((_, i) => i % channels === channel);

for (const backend of ["cpu", "wasm"] as const) {
  describe(`convertImages on ${backend}`, () => {
    it("resizes as bilinear interpolation with half-pixel centres, up and down", async () => {
      await tf.setBackend(backend);
      const from: ImageShape = [5, 7, 1];
      const pixels = randomImages(3, from, 11);
      for (const [height, width] of [
        [12, 9],
        [3, 4],
      ] as const) {
        const resized = convertImages(pixels, 3, from, [height, width, 1]);
        expect(resized).toHaveLength(3 * height * width);
        const expected = new Float32Array(3 * height * width);
        for (let image = 0; image < 3; image++) {
          const one = pixels.subarray(image * 35, (image + 1) * 35);
          expected.set(referenceResize(one, from, height, width), image * height * width);
        }
        expect(maxDifference(resized, expected)).toBeLessThan(1e-3);
      }
    });

    it("repeats grey into three equal channels, resized like the grey image", async () => {
      await tf.setBackend(backend);
      const pixels = randomImages(2, [28, 28, 1], 5);
      const rgb = convertImages(pixels, 2, [28, 28, 1], [40, 40, 3]);
      const grey = convertImages(pixels, 2, [28, 28, 1], [40, 40, 1]);
      expect(rgb).toHaveLength(2 * 40 * 40 * 3);
      for (let channel = 0; channel < 3; channel++) expect(channelsOf(rgb, 3, channel)).toEqual(grey);
    });

    it("keeps a constant image constant, and weights RGB into grey", async () => {
      await tf.setBackend(backend);
      const constant = new Float32Array(6 * 6 * 3).fill(137);
      const resized = convertImages(constant, 1, [6, 6, 3], [17, 11, 3]);
      expect(maxDifference(resized, new Float32Array(17 * 11 * 3).fill(137))).toBeLessThan(1e-3);
      const colour = Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => [200, 100, 50][i % 3]!);
      const grey = convertImages(colour, 1, [4, 4, 3], [4, 4, 1]);
      const luma = 0.2989 * 200 + 0.587 * 100 + 0.114 * 50;
      expect(maxDifference(grey, new Float32Array(16).fill(luma))).toBeLessThan(1e-2);
    });
  });
}

describe("prepareData with resize and channels", () => {
  it("MNIST at 40×40×3: the kept images are the 28×28 ones resized, in each of three equal channels", async () => {
    await tf.setBackend("wasm");
    const source = { kind: "builtin", name: "mnist" } as const;
    const options = { seed: 3, baseDir: ".", limit: 20 };
    const plain = await prepareData({ source, limit: 50 }, options);
    const converted = await prepareData({ source, limit: 50, resize: [40, 40], channels: 3 }, options);
    expect(converted.info.featureShape).toEqual([40, 40, 3]);
    expect(converted.preprocessing.image).toEqual({ height: 40, width: 40, channels: 3 });
    expect(converted.train.x.shape).toEqual([20, 40, 40, 3]);
    expect(converted.test!.x.shape).toEqual([20, 40, 40, 3]);
    expect(Array.from(converted.train.y.dataSync())).toEqual(Array.from(plain.train.y.dataSync()));
    const originals = plain.train.x.dataSync() as Float32Array;
    const rgb = converted.train.x.dataSync() as Float32Array;
    const expected = new Float32Array(20 * 40 * 40);
    for (let image = 0; image < 20; image++) {
      const one = originals.subarray(image * 784, (image + 1) * 784);
      expected.set(referenceResize(one, [28, 28, 1], 40, 40), image * 1600);
    }
    for (let channel = 0; channel < 3; channel++) {
      expect(maxDifference(channelsOf(rgb, 3, channel), expected)).toBeLessThan(1e-3);
    }
    disposePreparedData(plain);
    disposePreparedData(converted);
  });

  it("standardize fits one mean per converted channel: each channel of the training split has mean 0", async () => {
    await tf.setBackend("wasm");
    const data = await prepareData(
      { source: { kind: "builtin", name: "mnist" }, limit: 30, resize: [32, 32], channels: 3, normalize: { kind: "standardize" } },
      { seed: 1, baseDir: ".", limit: 30 },
    );
    const channelMeans = tf.tidy(() => Array.from(data.train.x.mean([0, 1, 2]).dataSync()));
    expect(channelMeans).toHaveLength(3);
    for (const mean of channelMeans) expect(Math.abs(mean)).toBeLessThan(1e-4);
    disposePreparedData(data);
  });

  it("refuses a conversion beyond the memory bound before converting anything, naming `limit`", async () => {
    await tf.setBackend("wasm");
    const error = await prepareData(
      { source: { kind: "builtin", name: "mnist" }, resize: [96, 96], channels: 3 },
      { seed: 1, baseDir: "." },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/70,000 images of 96×96×3 \(7\.7 GB as float32\).*`limit`/);
    expect(() => checkConvertedImageBytes(9000, [96, 96, 3])).not.toThrow();
  });

  it("refuses resize and channels on a table", async () => {
    const error = await prepareData(
      { source: { kind: "builtin", name: "iris" }, resize: [8, 8] },
      { seed: 1, baseDir: "." },
    ).catch((caught: unknown) => caught);
    expect((error as DataError).message).toBe("`resize` and `channels` apply to images only");
  });

  it("converts an image folder's RGB images to grey at another size", async () => {
    await tf.setBackend("cpu");
    const root = mkdtempSync(join(tmpdir(), "dlm-resize-"));
    for (const [name, rgb] of [
      ["orange", [250, 120, 10]],
      ["teal", [0, 128, 128]],
    ] as const) {
      mkdirSync(join(root, name));
      const pixels = Buffer.alloc(8 * 8 * 3);
      for (let i = 0; i < 64; i++) pixels.set(rgb, i * 3);
      for (let i = 0; i < 3; i++) {
        await sharp(pixels, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(root, name, `${i}.png`));
      }
    }
    const data = await prepareData(
      { source: { kind: "images", dir: root, size: [8, 8] }, resize: [5, 3], channels: 1, split: { test: 0.34 } },
      { seed: 1, baseDir: "." },
    );
    expect(data.train.x.shape).toEqual([4, 5, 3, 1]);
    const labels = Array.from(data.train.y.dataSync());
    const pixels = data.train.x.dataSync();
    const luma = [0.2989 * 250 + 0.587 * 120 + 0.114 * 10, 0.587 * 128 + 0.114 * 128];
    labels.forEach((label, image) => {
      for (let i = 0; i < 15; i++) expect(Math.abs(pixels[image * 15 + i]! - luma[label]!)).toBeLessThan(0.5);
    });
    disposePreparedData(data);
  });
});

const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";
const numpy = spawnSync(PYTHON, ["-c", "import numpy"], { encoding: "utf8" });
const numpyMissing = numpy.status === 0 ? undefined : `${PYTHON} cannot import numpy (apt-get install -y python3-numpy)`;
if (numpyMissing) console.log(`skipping the PyTorch engine's prepared-data check: ${numpyMissing}`);

describe.skipIf(numpyMissing !== undefined)("the PyTorch engine's prepared data", () => {
  it("holds the converted images: numpy reads [n, 40, 40, 3] with three equal channels and the tensors' values", async () => {
    await tf.setBackend("wasm");
    const data = await prepareData(
      { source: { kind: "builtin", name: "mnist" }, limit: 12, resize: [40, 40], channels: 3, normalize: { kind: "scale", factor: 1 / 255 } },
      { seed: 2, baseDir: ".", limit: 12 },
    );
    const dir = mkdtempSync(join(tmpdir(), "dlm-resize-torch-"));
    const manifest = await writePreparedData(dir, data);
    expect(manifest.info.featureShape).toEqual([40, 40, 3]);
    const script =
      "import json, numpy as np, sys\n" +
      "x = np.load(sys.argv[1])\n" +
      "print(json.dumps([list(x.shape), float(np.abs(x[..., 0] - x[..., 2]).max()), float(x.sum(dtype=np.float64))]))";
    const read = spawnSync(PYTHON, ["-c", script, join(dir, manifest.splits.train!.x)], { encoding: "utf8" });
    expect(read.status, read.stderr).toBe(0);
    const [shape, channelGap, sum] = JSON.parse(read.stdout) as [number[], number, number];
    expect(shape).toEqual([12, 40, 40, 3]);
    expect(channelGap).toBe(0);
    expect(sum).toBeCloseTo(data.train.x.sum().dataSync()[0]!, 0);
    rmSync(dir, { recursive: true, force: true });
    disposePreparedData(data);
  });
});

afterAll(async () => {
  await tf.setBackend("cpu");
});
