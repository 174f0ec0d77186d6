/**
 * Keras HDF5 weights loaded by layer name into a zoo architecture. The fixture is written by
 * an independent tool, h5py, in Keras's `save_weights` layout; the test skips with a printed
 * reason where Debian's python3-h5py is missing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadKerasWeights } from "../../runtime/keras-h5.js";
import { findArchitecture, weightSourceFor } from "../../compiler/zoo/index.js";
import { prepareZooBackbone } from "../../runtime/zoo-backbone.js";
import { buildEmittedModel } from "../compiler/zoo/build-emitted-model.js";

const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";
const h5py = spawnSync(PYTHON, ["-c", "import h5py, numpy"], { encoding: "utf8" });
const skipReason = h5py.status === 0 ? undefined : `${PYTHON} cannot import h5py and numpy (apt-get install -y python3-h5py)`;
if (skipReason) console.log(`skipping Keras HDF5 tests: ${skipReason}`);

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "dlm-h5-"));
afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

/** Each layer with weights: its name and its weights' shapes, as the h5 file must hold them. */
interface LayerSpec {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
}

const WRITER = `
import h5py, json, numpy as np, sys
spec = json.load(open(sys.argv[1]))
with h5py.File(sys.argv[2], "w") as f:
    f.attrs["layer_names"] = np.array([layer["name"].encode() for layer in spec])
    f.attrs["backend"] = b"tensorflow"
    for index, layer in enumerate(spec):
        group = f.create_group(layer["name"])
        names = ["%s/weight_%d:0" % (layer["name"], w) for w in range(len(layer["shapes"]))]
        group.attrs["weight_names"] = np.array([name.encode() for name in names])
        for w, (name, shape) in enumerate(zip(names, layer["shapes"])):
            count = int(np.prod(shape)) if shape else 1
            values = np.sin(np.arange(count) * 0.001 + index + 0.5 * w) * 0.1
            if w == 3:
                values = np.abs(values) + 0.5  # a batch norm's moving variance is positive
            values = values.astype(np.float32)
            group.create_dataset(name, data=values.reshape(shape))
`;

/**
 * ResNet50 up to conv2_block1_out in numpy, written from Keras's resnet.py (not from DLM): the
 * stem (pad 3, 7×7/2 convolution, batch norm ε 1.001e-5, ReLU, pad 1, 3×3/2 max pooling) and a
 * bottleneck block with its projection shortcut, weights read from the h5 file by layer name.
 */
const RESNET_REFERENCE = `
import h5py, json, numpy as np, sys
f = h5py.File(sys.argv[1], "r")
def weights(name):
    group = f[name]
    return [np.array(group[w], dtype=np.float64) for w in [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]]
def conv(x, name, stride=1, pad=((0, 0), (0, 0))):
    k, b = weights(name)
    x = np.pad(x, (pad[0], pad[1], (0, 0)))
    kh, kw, _, filters = k.shape
    h = (x.shape[0] - kh) // stride + 1
    w = (x.shape[1] - kw) // stride + 1
    out = np.zeros((h, w, filters))
    for i in range(kh):
        for j in range(kw):
            out += x[i:i + stride * (h - 1) + 1:stride, j:j + stride * (w - 1) + 1:stride, :] @ k[i, j]
    return out + b
def bn(x, name):
    gamma, beta, mean, variance = weights(name)
    return gamma * (x - mean) / np.sqrt(variance + 1.001e-5) + beta
relu = lambda x: np.maximum(x, 0)
def max_pool(x, size, stride):
    h = (x.shape[0] - size) // stride + 1
    w = (x.shape[1] - size) // stride + 1
    return np.array([[x[i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(0, 1)) for j in range(w)] for i in range(h)])
x = np.sin(np.arange(32 * 32 * 3) * 0.37).reshape(32, 32, 3)
x = relu(bn(conv(x, "conv1_conv", 2, ((3, 3), (3, 3))), "conv1_bn"))
x = max_pool(np.pad(x, ((1, 1), (1, 1), (0, 0))), 3, 2)
shortcut = bn(conv(x, "conv2_block1_0_conv"), "conv2_block1_0_bn")
y = relu(bn(conv(x, "conv2_block1_1_conv"), "conv2_block1_1_bn"))
y = relu(bn(conv(y, "conv2_block1_2_conv", 1, ((1, 1), (1, 1))), "conv2_block1_2_bn"))
y = bn(conv(y, "conv2_block1_3_conv"), "conv2_block1_3_bn")
out = relu(shortcut + y)
json.dump({"shape": list(out.shape), "values": out.reshape(-1).tolist()}, open(sys.argv[2], "w"))
`;

/** Writes a Keras-layout weight file for `layers` with h5py; values are sin(k·0.001 + layer + weight/2)/10 (a fourth weight |…| + 0.5). */
function writeKerasWeights(layers: readonly LayerSpec[], file: string): void {
  const specFile = `${file}.json`;
  fs.writeFileSync(specFile, JSON.stringify(layers));
  const result = spawnSync(PYTHON, ["-c", WRITER, specFile, file], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
}

function expectedValues(count: number, layerIndex: number, weightIndex: number): Float32Array {
  return Float32Array.from({ length: count }, (_, k) => {
    const value = Math.sin(k * 0.001 + layerIndex + 0.5 * weightIndex) * 0.1;
    return weightIndex === 3 ? Math.abs(value) + 0.5 : value;
  });
}

async function mobilenetBackbone(): Promise<tf.LayersModel> {
  const { model } = await buildEmittedModel("model M(input: [32, 32, 3]) {\n  pretrained(mobilenet_v2, weights: none)\n}\n");
  return model.getLayer("pretrained") as tf.LayersModel;
}

function specOf(backbone: tf.LayersModel): LayerSpec[] {
  return backbone.layers.filter((layer) => layer.weights.length > 0).map((layer) => ({ name: layer.name, shapes: layer.weights.map((weight) => weight.shape as number[]) }));
}

describe.skipIf(skipReason !== undefined)("Keras HDF5 weights", () => {
  it("load by layer name into MobileNetV2, every value as h5py wrote it", async () => {
    const backbone = await mobilenetBackbone();
    const spec = specOf(backbone);
    const file = path.join(WORK, "weights.h5");
    writeKerasWeights([...spec].reverse(), file); // file order differs from the model's: names decide
    expect(await loadKerasWeights(backbone, file)).toBe(spec.length);
    const reversedIndex = (name: string) => spec.length - 1 - spec.findIndex((layer) => layer.name === name);
    for (const name of ["Conv1", "bn_Conv1", "expanded_conv_depthwise", "block_16_project", "Conv_1_bn"]) {
      const layer = backbone.getLayer(name);
      layer.getWeights().forEach((weight, w) => {
        const actual = weight.dataSync() as Float32Array;
        const expected = expectedValues(actual.length, reversedIndex(name), w);
        let worst = 0;
        for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
        expect(worst).toBeLessThan(1e-6);
      });
    }
  });

  it("serve `weights: imagenet` from the cache: loaded, frozen, and the network runs", async () => {
    const backbone = await mobilenetBackbone();
    const file = path.join(WORK, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5");
    writeKerasWeights(specOf(backbone), file);
    fs.mkdirSync(path.join(WORK, "models"), { recursive: true });
    fs.renameSync(file, path.join(WORK, "models", path.basename(file)));
    const saved = process.env["DLM_CACHE"];
    process.env["DLM_CACHE"] = WORK;
    try {
      const prepared = await prepareZooBackbone(backbone, {
        architecture: "mobilenet_v2",
        weights: "imagenet",
        source: weightSourceFor(findArchitecture("mobilenet_v2")!, false, 32),
        trainable: false,
      });
      expect(prepared.trainableWeights).toHaveLength(0);
      const output = prepared.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor;
      expect(output.shape).toEqual([1, 1, 1, 1280]);
      expect(Number.isFinite((await output.data())[0])).toBe(true);

      // Converted once: the float32 copy holds every weight, and the next run reads it, not the HDF5 file.
      const cached = path.join(WORK, "models", path.basename(file));
      const sha256 = createHash("sha256").update(fs.readFileSync(cached)).digest("hex");
      const copy = path.join(WORK, "models", "converted", sha256, "weights.bin");
      expect(fs.statSync(copy).size).toBe(4 * backbone.countParams());
      const stat = fs.statSync(cached);
      fs.writeFileSync(cached, Buffer.alloc(stat.size, 7)); // no longer HDF5, same size and time: the manifest still vouches for it
      fs.utimesSync(cached, stat.atime, stat.mtime);
      const again = await prepareZooBackbone(await mobilenetBackbone(), {
        architecture: "mobilenet_v2",
        weights: "imagenet",
        source: weightSourceFor(findArchitecture("mobilenet_v2")!, false, 32),
        trainable: false,
      });
      const rerun = again.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor;
      expect(Math.max(...(await rerun.sub(output).abs().data()))).toBe(0);
    } finally {
      if (saved === undefined) delete process.env["DLM_CACHE"];
      else process.env["DLM_CACHE"] = saved;
    }
  });

  it("give ResNet50's stem and first block the output numpy computes from the same file (within 1e-4)", async () => {
    const { model } = await buildEmittedModel("model M(input: [32, 32, 3]) {\n  pretrained(resnet50, weights: none, until: conv2_block1_out)\n}\n");
    const backbone = model.getLayer("pretrained") as tf.LayersModel;
    const file = path.join(WORK, "resnet-stem.h5");
    writeKerasWeights(specOf(backbone), file);
    await loadKerasWeights(backbone, file);
    const input = tf.tensor(Float32Array.from({ length: 32 * 32 * 3 }, (_, k) => Math.sin(k * 0.37)), [1, 32, 32, 3]);
    const actual = (backbone.predict(input) as tf.Tensor).dataSync();
    const referenceFile = path.join(WORK, "reference.json");
    const result = spawnSync(PYTHON, ["-c", RESNET_REFERENCE, file, referenceFile], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    const reference = JSON.parse(fs.readFileSync(referenceFile, "utf8")) as { shape: number[]; values: number[] };
    expect(reference.shape).toEqual([8, 8, 256]);
    expect(actual.length).toBe(reference.values.length);
    let worst = 0;
    reference.values.forEach((value, k) => (worst = Math.max(worst, Math.abs(actual[k]! - value) / Math.max(1, Math.abs(value)))));
    expect(worst).toBeLessThan(1e-4);
    expect(Math.max(...reference.values)).toBeGreaterThan(0);
  });

  it("name the layer the file lacks, and a weight of the wrong shape", async () => {
    const backbone = await mobilenetBackbone();
    const spec = specOf(backbone);
    const missing = path.join(WORK, "missing.h5");
    writeKerasWeights(spec.filter((layer) => layer.name !== "Conv_1"), missing);
    await expect(loadKerasWeights(backbone, missing)).rejects.toThrow("no weights for layer `Conv_1`");
    const wrong = path.join(WORK, "wrong.h5");
    writeKerasWeights(spec.map((layer) => (layer.name === "Conv1" ? { ...layer, shapes: [[3, 3, 3, 16]] } : layer)), wrong);
    await expect(loadKerasWeights(backbone, wrong)).rejects.toThrow("weight `Conv1/weight_0:0` of layer `Conv1` has shape [3, 3, 3, 16], the layer needs [3, 3, 3, 32]");
  });
});
