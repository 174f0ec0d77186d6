import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvLogger } from "../../../runtime/callbacks/csv-logger.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { denseClassifier, disposeData, tinyClassification, useCpuBackend } from "../train/fixtures.js";

let data: PreparedData;
let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-csv-"));
});
afterAll(async () => {
  disposeData(data);
  await fs.rm(directory, { recursive: true, force: true });
});

describe("csvLogger", () => {
  it("writes a header of epoch + sorted log names and one row per epoch, numbered from 1, with the logged values", async () => {
    const file = path.join(directory, "logs", "train.csv");
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 3,
      batchSize: 16,
      optimizer: { name: "adam", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      callbacks: [csvLogger({ path: file })],
    });
    const lines = (await fs.readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines[0]).toBe("epoch,accuracy,loss,lr,val_accuracy,val_loss");
    expect(lines).toHaveLength(4);
    lines.slice(1).forEach((line, epoch) => {
      const [epochField, accuracy, loss, lr, valAccuracy, valLoss] = line.split(",").map(Number);
      // Numbered from 1, as history.csv and the terminal number them.
      expect(epochField).toBe(epoch + 1);
      expect(accuracy).toBe(history.logs["accuracy"]![epoch]);
      expect(loss).toBe(history.logs["loss"]![epoch]);
      expect(lr).toBe(0.01);
      expect(valAccuracy).toBe(history.logs["val_accuracy"]![epoch]);
      expect(valLoss).toBe(history.logs["val_loss"]![epoch]);
    });

    // A resumed run appends under the same header.
    await train(model, data, {
      epochs: 4,
      initialEpoch: 3,
      optimizer: { name: "adam", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      callbacks: [csvLogger({ path: file })],
    });
    const resumed = (await fs.readFile(file, "utf8")).trimEnd().split("\n");
    expect(resumed).toHaveLength(5);
    expect(resumed[4]!.startsWith("4,")).toBe(true);

    // A run resumed at an earlier epoch (its checkpoint predates the last rows) drops the rows it trains again.
    await train(model, data, {
      epochs: 3,
      initialEpoch: 2,
      optimizer: { name: "adam", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      callbacks: [csvLogger({ path: file })],
    });
    const again = (await fs.readFile(file, "utf8")).trimEnd().split("\n");
    expect(again.slice(1).map((line) => line.split(",")[0])).toEqual(["1", "2", "3"]);
    expect(again.slice(0, 3)).toEqual(resumed.slice(0, 3));

    // A fresh run replaces the file.
    await train(model, data, {
      epochs: 1,
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
      callbacks: [csvLogger({ path: file, separator: ";" })],
    });
    const fresh = (await fs.readFile(file, "utf8")).trimEnd().split("\n");
    expect(fresh[0]).toBe("epoch;loss;lr;val_loss");
    expect(fresh).toHaveLength(2);
    model.dispose();
  });
});
