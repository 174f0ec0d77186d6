import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { tileByBlockCopies, tileValues } from "../../../runtime/kernels/tile.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";

const CASES = [
  { name: "batch norm's [1,1,1,c] to an activation", shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
  { name: "every axis repeated", shape: [2, 3, 2], reps: [2, 3, 4] },
  { name: "no repeats", shape: [3, 4], reps: [1, 1] },
  { name: "innermost axis only", shape: [2, 3], reps: [1, 5] },
  { name: "vector", shape: [7], reps: [3] },
  { name: "rank 5", shape: [2, 1, 3, 1, 2], reps: [1, 2, 1, 3, 2] },
  { name: "zero repeats", shape: [2, 3], reps: [0, 2] },
] as const;

const ownTile = new Map<string, tf.KernelFunc>();

beforeAll(async () => {
  await prepareBackends();
  for (const backendName of TESTED_BACKENDS) ownTile.set(backendName, captureOwnKernel(tf.Tile, backendName)!);
});

describe.each(TESTED_BACKENDS)("Tile by block copies on %s", (backendName) => {
  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, tileCase) => {
    const composed = tileByBlockCopies(ownTile.get(backendName));
    const inputs = { x: randomTensor(tileCase.shape, 7) };
    const attrs = { reps: [...tileCase.reps] };
    const expected = await runKernel("cpu", ownTile.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, expected.output.shape, expected.output.values, 0);
  });

  it("tiles int32 values exactly", async () => {
    const composed = tileByBlockCopies(ownTile.get(backendName));
    const inputs = { x: { values: Int32Array.of(1, -2, 3), shape: [3, 1], dtype: "int32" as const } };
    const actual = await runKernel(backendName, composed, inputs, { reps: [2, 2] });
    expect(actual.output.dtype).toBe("int32");
    expect([...actual.output.values]).toEqual([1, 1, -2, -2, 3, 3, 1, 1, -2, -2, 3, 3]);
  });
});

describe("tileValues", () => {
  it("repeats a scalar's single value", () => {
    expect([...tileValues(Float32Array.of(4), [], [])]).toEqual([4]);
  });

  it("agrees with tf.tile on batch norm's layout", async () => {
    await tf.setBackend("cpu");
    const x = tf.tensor4d([1, 2], [1, 1, 1, 2]);
    const expected = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
    expect([...tileValues(Float32Array.of(1, 2), [1, 1, 1, 2], [2, 3, 1, 1])]).toEqual(expected);
    expect(await tf.tile(x, [2, 3, 1, 1]).data()).toEqual(Float32Array.from(expected));
    x.dispose();
  });
});
