import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { decodeImageFile } from "../../../runtime/data/images.js";
import { inspectImageFolder } from "../../../runtime/data/inspect.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";

/** Writes a solid-colour PNG of the given size. */
async function writePng(path: string, width: number, height: number, rgb: [number, number, number]): Promise<void> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, i * 3);
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

const root = mkdtempSync(join(tmpdir(), "dlm-images-"));
const shapes = join(root, "shapes");

beforeAll(async () => {
  await tf.setBackend("cpu");
  for (const [name, rgb] of [
    ["red", [255, 0, 0]],
    ["blue", [0, 0, 255]],
  ] as const) {
    mkdirSync(join(shapes, name), { recursive: true });
    for (let i = 0; i < 5; i++) await writePng(join(shapes, name, `${i}.png`), 12 + i, 10, [...rgb]);
  }
  writeFileSync(join(shapes, "red", "notes.txt"), "not an image");
});

describe("inspectImageFolder", () => {
  it("lists classes (sorted sub-folders) and their image files", () => {
    expect(inspectImageFolder(shapes)).toEqual({ dir: shapes, classes: ["blue", "red"], counts: [5, 5], total: 10 });
  });

  it("returns a DataError for a missing folder", () => {
    const result = inspectImageFolder(join(root, "nope"));
    expect(result).toBeInstanceOf(DataError);
    expect((result as DataError).reason).toBe("cannot read the image folder (no such file or folder)");
  });
});

describe("image folders in prepareData", () => {
  it("decodes, resizes and labels every image by its folder", async () => {
    const data = await prepareData(
      {
        source: { kind: "images", dir: "shapes", size: [4, 6], channels: 3 },
        split: { train: 1 },
        normalize: { kind: "scale", factor: 1 / 255 },
      },
      { seed: 0, baseDir: root },
    );
    expect(data.info).toMatchObject({ modality: "image", featureShape: [4, 6, 3], classes: ["blue", "red"] });
    expect(data.train.x.shape).toEqual([10, 4, 6, 3]);
    const x = data.train.x.arraySync() as number[][][][];
    const y = [...data.train.y.dataSync()];
    y.forEach((label, i) => expect(x[i]![2]![3]).toEqual(label === 0 ? [0, 0, 1] : [1, 0, 0]));
    expect(data.preprocessing.image).toEqual({ height: 4, width: 6, channels: 3 });
    disposePreparedData(data);
  });

  it("converts to one grey channel", async () => {
    const grey = await decodeImageFile(join(shapes, "red", "0.png"), { height: 2, width: 2, channels: 1 });
    expect(grey.length).toBe(4);
    expect(new Set(grey).size).toBe(1);
  });

  it("names an unreadable image in the error", async () => {
    const broken = join(root, "broken");
    mkdirSync(join(broken, "cats"), { recursive: true });
    mkdirSync(join(broken, "dogs"), { recursive: true });
    await writePng(join(broken, "cats", "good.png"), 4, 4, [1, 2, 3]);
    await writePng(join(broken, "dogs", "good.png"), 4, 4, [3, 2, 1]);
    writeFileSync(join(broken, "cats", "bad.png"), "this is not a PNG");
    const failure = prepareData(
      { source: { kind: "images", dir: "broken", size: [4, 4] } },
      { seed: 0, baseDir: root },
    );
    await expect(failure).rejects.toBeInstanceOf(DataError);
    await expect(failure).rejects.toMatchObject({ file: join(broken, "cats", "bad.png") });
  });
});
