import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BUILTIN_DATASETS,
  findBuiltinDataset,
  loadBuiltinDataset,
  locateBuiltinDataset,
} from "../../../runtime/data/builtin-datasets.js";
import { DataError, MissingDatasetError } from "../../../runtime/data/errors.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { Cell, Table, TableSource } from "../../../runtime/data/raw.js";
import type { DataSpec } from "../../../runtime/data/spec.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const fashion = findBuiltinDataset("fashion_mnist")!;
const fashionInstalled = locateBuiltinDataset(fashion).installed;

/** The table's cells as rows. */
function rowsOf(table: Table): Cell[][] {
  return Array.from({ length: table.rowCount }, (_, row) => table.columns.map((_, column) => table.cell(row, column)));
}

/** Loads a data set through `prepareData` with a small cap, so every split stays tiny. */
async function prepareSmall(name: string, extra: Partial<DataSpec> = {}) {
  return prepareData({ source: { kind: "builtin", name }, ...extra }, { seed: 1, baseDir: ".", limit: 60 });
}

describe("every built-in data set loads and matches its catalogue entry", () => {
  it("spam holds 4,150 ham and 1,896 spam emails as subject + body text", async () => {
    const raw = (await loadBuiltinDataset(findBuiltinDataset("spam")!)) as TableSource;
    const rows = rowsOf(raw.table);
    const labels = rows.map((row) => row[1]);
    expect(labels.filter((label) => label === "ham")).toHaveLength(4150);
    expect(labels.filter((label) => label === "spam")).toHaveLength(1896);
    // Headers other than the subject are dropped: no text starts with the mbox "From " line.
    expect(rows.filter(([text]) => typeof text !== "string" || /^From \S+@\S+\s/.test(text))).toEqual([]);
    expect(String(rows[0]![0]).split("\n")[0]).toBe("Re: New Sequences Window");
  });

  for (const dataset of BUILTIN_DATASETS.filter((d) => d.name !== "fashion_mnist" && d.name !== "mnist")) {
    it(dataset.name, async () => {
      const raw = (await loadBuiltinDataset(dataset)) as TableSource;
      expect(raw.kind).toBe("table");
      expect(raw.table.rowCount).toBe(dataset.sizes.train);
      if (dataset.classes !== undefined) expect(raw.classes).toEqual(dataset.classes);
      expect(raw.label).toBe(dataset.label);
      if (dataset.columns !== undefined) expect(raw.features).toEqual(dataset.columns);
      const data = await prepareSmall(dataset.name, { missing: "drop" });
      expect(data.info.task).toBe(dataset.task);
      expect(data.info.modality).toBe(dataset.modality);
      expect(data.info.featureShape).toEqual(dataset.featureShape.map((size) => size ?? 100));
      if (dataset.featureNames !== undefined) expect(data.info.featureNames).toEqual(dataset.featureNames);
      expect(data.train.size).toBe(60);
      expect(data.train.x.shape).toEqual([60, ...data.info.featureShape]);
      expect(data.train.y.shape).toEqual(dataset.task === "regression" ? [60, 1] : [60]);
      disposePreparedData(data);
    });
  }

  it("mnist keeps its own test split and scales to [0, 1]", async () => {
    const data = await prepareSmall("mnist", {
      normalize: { kind: "scale", factor: 1 / 255 },
      split: { validation: 0.1 },
    });
    expect(data.info).toMatchObject({ modality: "image", featureShape: [28, 28, 1] });
    expect([data.train.size, data.validation!.size, data.test!.size]).toEqual([60, 60, 60]);
    const [min, max] = tf.tidy(() => [tf.min(data.train.x).dataSync()[0], tf.max(data.train.x).dataSync()[0]]);
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Capped splits stay stratified: each digit within one image of its share of the 10,000.
    const fullTest = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
    const counts = new Array<number>(10).fill(0);
    for (const id of data.test!.y.dataSync()) counts[id]!++;
    counts.forEach((count, digit) => expect(Math.abs(count - (60 * fullTest[digit]!) / 10_000)).toBeLessThan(1));
    disposePreparedData(data);
  });

  it.skipIf(!fashionInstalled)(
    "fashion_mnist (skipped when /usr/share/datasets/fashion-mnist is absent: sudo apt-get install dataset-fashion-mnist)",
    async () => {
      const data = await prepareSmall("fashion_mnist", { classes: ["Sneaker", "Bag"] });
      expect(data.info.classes).toEqual(["Sneaker", "Bag"]);
      expect(data.train.x.shape).toEqual([60, 28, 28, 1]);
      expect(new Set(data.test!.y.dataSync())).toEqual(new Set([0, 1]));
      disposePreparedData(data);
    },
  );

  it("penguins stops under the default `missing: error`, naming the record", async () => {
    const failure = prepareSmall("penguins");
    await expect(failure).rejects.toBeInstanceOf(DataError);
    await expect(failure).rejects.toMatchObject({ row: 4, column: "Beak Length (mm)" });
  });

  it("an unknown name lists the known ones", async () => {
    await expect(prepareSmall("cifar10")).rejects.toThrow(
      /unknown built-in data set "cifar10"; the built-in data sets are mnist, fashion_mnist, iris/,
    );
  });

  it("a data set whose files are absent is a MissingDatasetError with the install command", async () => {
    const absent = { ...fashion, source: { ...fashion.source, path: "/nonexistent/fashion-mnist" } };
    const failure = loadBuiltinDataset(absent);
    await expect(failure).rejects.toBeInstanceOf(MissingDatasetError);
    await expect(failure).rejects.toMatchObject({ installCommand: "sudo apt-get install dataset-fashion-mnist" });
  });
});
