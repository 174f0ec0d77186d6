import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendUnavailableError, initBackend } from "../../runtime/backend.js";

// tfjs-node is an optionalDependency that `npm ci` leaves out where its install script cannot
// download libtensorflow (no network), as on CI. A machine may still hold its folder without the
// native addon (an install whose script was skipped): the broken case is mocked below either way.
const tfjsNodeFolder = (() => {
  try {
    return createRequire(import.meta.url).resolve("@tensorflow/tfjs-node/package.json");
  } catch {
    return undefined;
  }
})();
if (tfjsNodeFolder !== undefined) {
  process.stderr.write(`backend tests of an absent tfjs-node skipped: it is present at ${tfjsNodeFolder}\n`);
}

describe("initBackend", () => {
  afterEach(() => {
    vi.doUnmock("@tensorflow/tfjs-node");
  });

  it.skipIf(tfjsNodeFolder !== undefined)("falls back to wasm when tfjs-node is not installed, and says so", async () => {
    const choice = await initBackend();
    expect(choice).toEqual({
      name: "wasm",
      reason: "tfjs-node not installed (optional dependency); using wasm (SIMD, 1 thread)",
    });
    expect(tf.getBackend()).toBe("wasm");
  });

  it("installs the training kernels wasm lacks", async () => {
    await initBackend("auto");
    for (const kernelName of [tf.Conv2DBackpropFilter, tf.UnsortedSegmentSum, tf.DepthwiseConv2dNativeBackpropFilter]) {
      expect(tf.getKernel(kernelName, "wasm")).toBeDefined();
    }
  });

  it("returns the same choice on a second call with the same request", async () => {
    const first = await initBackend("auto");
    expect(await initBackend("auto")).toBe(first);
  });

  it("switches to cpu on request and gives it the composed filter gradient", async () => {
    const choice = await initBackend("cpu");
    expect(choice.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const backendName = tf.getBackend();
    const grad = tf.grad((w: tf.Tensor) =>
      tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, "valid").sum(),
    );
    expect(Array.from(grad(tf.ones([2, 2, 1, 1])).dataSync())).toEqual([9, 9, 9, 9]);
    expect(backendName).toBe("cpu");
  });

  it.skipIf(tfjsNodeFolder !== undefined)("throws a typed error with install instructions when node is asked for by name", async () => {
    const attempt = initBackend("node");
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(initBackend("node")).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
  });

  it("treats a tfjs-node whose native addon is missing as unavailable, whatever it throws", async () => {
    await initBackend("cpu");
    vi.doMock("@tensorflow/tfjs-node", () => {
      throw new Error("The Node.js native addon module (tfjs_binding.node) can not be found at path: /x");
    });
    const choice = await initBackend("auto");
    expect(choice.name).toBe("wasm");
    // vitest wraps the factory's error in its own message, so only the shape of the reason is checked.
    expect(choice.reason).toMatch(/^tfjs-node failed to load \(.+\); using wasm \(SIMD, 1 thread\)$/);
    const explicit = initBackend("node");
    await expect(explicit).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(initBackend("node")).rejects.toThrow(/is installed but failed to load: .+npm rebuild/);
  });
});
