/**
 * Each zoo network's input preprocessing, applied by the model itself: `weights: imagenet`
 * downloads the weight file on first use (from a server on 127.0.0.1, file written by h5py),
 * and the model saved as a bundle predicts what the raw backbone predicts on pixels
 * preprocessed by hand, as Keras's `preprocess_input` defines it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { imagePreprocessing } from "../../runtime/image-preprocessing.js";
import { loadModel, saveModel } from "../../runtime/model-io.js";
import { buildEmittedModel } from "../compiler/zoo/build-emitted-model.js";

const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";
const h5py = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
const skipReason = h5py.status === 0 ? undefined : `${PYTHON} cannot import h5py and numpy (apt-get install -y python3-h5py)`;
if (skipReason) console.log(`skipping the download-on-first-use test: ${skipReason}`);

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "dlm-preprocess-"));
afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

/** Pixels 0–255, deterministic, [n, h, w, 3]. */
function pixels(n: number, size: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: n * size * size * 3 }, (_, k) => (k * 37 + 11) % 256), [n, size, size, 3]);
}

/** The largest difference, relative to the expected value where it exceeds 1 (float32 keeps ~7 digits). */
function worstDifference(actual: tf.Tensor, expected: tf.Tensor): number {
  const x = actual.dataSync();
  const y = expected.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!) / Math.max(1, Math.abs(y[k]!)));
  return worst;
}

/** Writes Keras's `save_weights` layout with h5py: each layer's weights as the spec gives them. */
const WRITER = `
import h5py, json, numpy as np, sys
spec = json.load(open(sys.argv[1]))
with h5py.File(sys.argv[2], "w") as f:
    f.attrs["layer_names"] = np.array([layer["name"].encode() for layer in spec])
    for layer in spec:
        group = f.create_group(layer["name"])
        names = ["%s/weight_%d:0" % (layer["name"], w) for w in range(len(layer["weights"]))]
        group.attrs["weight_names"] = np.array([name.encode() for name in names])
        for name, weight in zip(names, layer["weights"]):
            group.create_dataset(name, data=np.array(weight["values"], dtype=np.float32).reshape(weight["shape"]))
`;

describe("caffe preprocessing (VGG16, ResNet50)", () => {
  it("flips RGB to BGR and subtracts ImageNet's mean, and a saved model applies it when loaded", async () => {
    const x = pixels(2, 4);
    const input = tf.input({ shape: [4, 4, 3] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: "glorotUniform", name: "raw" });
    const raw = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 4, 3] }), conv] });
    const withPreprocessing = tf.model({
      inputs: input,
      outputs: raw.apply(imagePreprocessing({ mode: "caffe" }).apply(input)) as tf.SymbolicTensor,
    });
    // Keras's caffe mode by hand: channel c of the output is channel 2 − c of the input, minus mean[c].
    const mean = [103.939, 116.779, 123.68];
    const source = x.dataSync();
    const manual = tf.tensor4d(Float32Array.from(source, (_, k) => source[k - (k % 3) + 2 - (k % 3)]! - mean[k % 3]!), x.shape);
    const dir = path.join(WORK, "caffe-bundle");
    await saveModel(dir, withPreprocessing);
    expect(fs.readFileSync(path.join(dir, "model.json"), "utf8")).toContain('"mode":"caffe"');
    const { model: loaded } = await loadModel(dir);
    expect(worstDifference(loaded.predict(x) as tf.Tensor, raw.predict(manual) as tf.Tensor)).toBeLessThan(1e-5);
  });
});

describe.skipIf(skipReason !== undefined)("mobilenet_v2 with `weights: imagenet`", () => {
  it("downloads its weight file on first use, and its bundle predicts as the raw backbone on x / 127.5 − 1", async () => {
    // Cut before the deep blocks, whose ReLU6 saturates on made-up weights, so the outputs vary with the input.
    const cut = "model M(input: [32, 32, 3]) {\n  pretrained(mobilenet_v2, until: block_1_project_BN)\n}\n";
    // The file holds the kept layers' random initial weights (weights: none builds the same layers), shifted by 0.01.
    const { model: plain } = await buildEmittedModel(cut.replace("mobilenet_v2,", "mobilenet_v2, weights: none,"));
    const backbone = plain.getLayer("pretrained") as tf.LayersModel;
    const spec = backbone.layers
      .filter((layer) => layer.weights.length > 0)
      .map((layer) => ({ name: layer.name, weights: layer.getWeights().map((weight) => ({ shape: weight.shape, values: [...weight.dataSync()].map((value) => value + 0.01) })) }));
    const file = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5";
    fs.writeFileSync(path.join(WORK, "spec.json"), JSON.stringify(spec));
    const written = spawnSync(PYTHON, ["-c", WRITER, path.join(WORK, "spec.json"), path.join(WORK, file)], { encoding: "utf8" });
    expect(written.stderr).toBe("");
    const body = fs.readFileSync(path.join(WORK, file));
    const requests: string[] = [];
    const server = http.createServer((request, response) => {
      requests.push(request.url ?? "");
      response.writeHead(request.url === `/mobilenet_v2/${file}` ? 200 : 404, { "content-length": body.length });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const saved = { cache: process.env["DLM_CACHE"], url: process.env["DLM_MODELS_URL"] };
    process.env["DLM_CACHE"] = path.join(WORK, "cache");
    process.env["DLM_MODELS_URL"] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { model } = await buildEmittedModel(cut);
      expect(requests).toEqual([`/mobilenet_v2/${file}`]);
      expect(fs.readFileSync(path.join(WORK, "cache", "models", file)).equals(body)).toBe(true);
      const dir = path.join(WORK, "mobilenet-bundle");
      await saveModel(dir, model);
      const { model: loaded } = await loadModel(dir);
      const x = pixels(2, 32);
      const rawBackbone = model.getLayer("pretrained") as tf.LayersModel;
      expect(worstDifference(rawBackbone.getLayer("Conv1").getWeights()[0]!, backbone.getLayer("Conv1").getWeights()[0]!.add(0.01))).toBeLessThan(1e-6);
      const expected = rawBackbone.predict(x.div(127.5).sub(1)) as tf.Tensor;
      expect(worstDifference(loaded.predict(x) as tf.Tensor, expected)).toBeLessThan(1e-5);
      // Without the preprocessing the outputs differ: the test could fail.
      expect(worstDifference(rawBackbone.predict(x) as tf.Tensor, expected)).toBeGreaterThan(1e-3);
      await buildEmittedModel(cut);
      expect(requests).toHaveLength(1); // the second build uses the cached file
    } finally {
      server.close();
      for (const [key, value] of [["DLM_CACHE", saved.cache], ["DLM_MODELS_URL", saved.url]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
