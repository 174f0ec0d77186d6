/**
 * `pretrained("model.h5")` and `pretrained("model.keras")`: a Keras 2 whole-model `.h5` and a
 * Keras 3 `.keras` zip, written by h5py and Python's zipfile in Keras's layouts, are checked
 * at compile time from their configs, converted once into DLM's cache (keyed by the file's
 * SHA-256) and predict what numpy computes from the same weights. A layer the weights lack
 * stops with its name. Skips with a printed reason where h5py is missing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkModels } from "../../compiler/program.js";
import { convertedModelDir } from "../../runtime/keras-model-file.js";
import { loadPretrained } from "../../runtime/pretrained.js";

const PYTHON = process.env["DLM_PYTHON"] ?? "/usr/bin/python3";
const h5py = spawnSync(PYTHON, ["-c", "import h5py, numpy, zipfile"], { encoding: "utf8" });
const skipReason = h5py.status === 0 ? undefined : `${PYTHON} cannot import h5py and numpy (apt-get install -y python3-h5py)`;
if (skipReason) console.log(`skipping Keras model file tests: ${skipReason}`);

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "dlm-keras-files-"));
const CACHE = path.join(WORK, "cache");
const saved = process.env["DLM_CACHE"];
beforeAll(() => {
  process.env["DLM_CACHE"] = CACHE;
});
afterAll(() => {
  if (saved === undefined) delete process.env["DLM_CACHE"];
  else process.env["DLM_CACHE"] = saved;
  fs.rmSync(WORK, { recursive: true, force: true });
});

/**
 * Writes model.h5 (Keras 2: `model_config` + `model_weights/<layer>/<layer>/kernel:0`) and
 * model.keras (Keras 3: config.json + model.weights.h5 with `layers/dense/vars/0`, …), and the
 * outputs numpy computes for the input x = sin(k), k = 0…7, as two rows of 4.
 * argv: folder, then the layers to leave out of each file's weights (comma-separated).
 */
const WRITER = `
import h5py, json, numpy as np, sys, zipfile, io
folder, skip = sys.argv[1], set(sys.argv[2].split(","))
rng = np.random.default_rng(7)
w1, b1 = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
w2, b2 = rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)
x = np.sin(np.arange(8)).reshape(2, 4).astype(np.float32)
hidden = np.maximum(x @ w1 + b1, 0)
logits = hidden @ w2 + b2
softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
json.dump({"h5": softmax.tolist(), "keras": logits.tolist()}, open(folder + "/expected.json", "w"))

def dense2(name, units, activation):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": units,
        "activation": activation, "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}
config2 = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}},
    dense2("hidden", 3, "relu"), dense2("out", 2, "softmax")]}}
with h5py.File(folder + "/model.h5", "w") as f:
    f.attrs["model_config"] = json.dumps(config2).encode()
    f.attrs["keras_version"] = b"2.13.1"
    f.attrs["backend"] = b"tensorflow"
    weights = f.create_group("model_weights")
    kept = [name for name in ["hidden", "out"] if name not in skip]
    weights.attrs["layer_names"] = np.array([name.encode() for name in kept])
    for name, (kernel, bias) in [("hidden", (w1, b1)), ("out", (w2, b2))]:
        if name in skip:
            continue
        group = weights.create_group(name)
        group.attrs["weight_names"] = np.array([(name + "/kernel:0").encode(), (name + "/bias:0").encode()])
        group.create_dataset(name + "/kernel:0", data=kernel)
        group.create_dataset(name + "/bias:0", data=bias)

def policy():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
def tensor(layer, shape):
    return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, 0, 0]}}
def dense3(name, units, source, shape):
    return {"module": "keras.layers", "class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": policy(),
        "units": units, "activation": "relu" if name == "features" else "linear", "use_bias": True,
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None},
        "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None},
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None},
        "registered_name": None, "build_config": {"input_shape": shape}, "name": name,
        "inbound_nodes": [{"args": [tensor(source, shape)], "kwargs": {}}]}
config3 = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional", "trainable": True,
    "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"},
         "registered_name": None, "name": "input_layer", "inbound_nodes": []},
        dense3("features", 3, "input_layer", [None, 4]), dense3("scores", 2, "features", [None, 3])],
    "input_layers": ["input_layer", 0, 0], "output_layers": ["scores", 0, 0]},
    "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": None}
weights_file = io.BytesIO()
with h5py.File(weights_file, "w") as f:
    f.create_group("layers/input_layer/vars")
    for path, (kernel, bias), layer in [("layers/dense", (w1, b1), "features"), ("layers/dense_1", (w2, b2), "scores")]:
        if layer in skip:
            continue
        group = f.create_group(path + "/vars")
        group.create_dataset("0", data=kernel)
        group.create_dataset("1", data=bias)
with zipfile.ZipFile(folder + "/model.keras", "w", zipfile.ZIP_DEFLATED) as archive:
    archive.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
    archive.writestr("config.json", json.dumps(config3))
    archive.writestr("model.weights.h5", weights_file.getvalue())
`;

function writeFixtures(name: string, skip: readonly string[] = []): { folder: string; expected: { h5: number[][]; keras: number[][] } } {
  const folder = path.join(WORK, name);
  fs.mkdirSync(folder, { recursive: true });
  const result = spawnSync(PYTHON, ["-c", WRITER, folder, skip.join(",")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return { folder, expected: JSON.parse(fs.readFileSync(path.join(folder, "expected.json"), "utf8")) as { h5: number[][]; keras: number[][] } };
}

const INPUT = tf.tensor2d(Float32Array.from({ length: 8 }, (_, k) => Math.sin(k)), [2, 4]);
const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function worstDifference(actual: tf.Tensor, expected: number[][]): number {
  const values = actual.dataSync();
  return expected.flat().reduce((worst, value, k) => Math.max(worst, Math.abs(values[k]! - value)), 0);
}

describe.skipIf(skipReason !== undefined)("pretrained Keras model files", () => {
  it("check at compile time from the file's config: shapes, weights, and a misspelt `until`", () => {
    const { folder } = writeFixtures("check");
    const source = path.join(folder, "net.dlm");
    fs.writeFileSync(
      source,
      'model FromH5(input: [4]) {\n  pretrained("model.h5")\n  dense(5)\n}\n\n' +
        'model FromKeras(input: [4]) {\n  pretrained("model.keras", until: features)\n  dense(5)\n}\n\n' +
        'model Misspelt(input: [4]) {\n  pretrained("model.keras", until: featurs)\n}\n',
    );
    const checked = checkModels([source], nodeCompilerHost());
    const model = (name: string) => checked.models.find((candidate) => candidate.name === name);
    expect(model("FromH5")?.output).toEqual([5]);
    expect(model("FromH5")?.params).toBe(4 * 3 + 3 + 3 * 2 + 2 + 2 * 5 + 5);
    expect(model("FromKeras")?.output).toEqual([5]);
    expect(model("FromKeras")?.params).toBe(4 * 3 + 3 + 3 * 5 + 5);
    const misspelt = checked.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
    expect(misspelt.map((diagnostic) => diagnostic.code)).toEqual(["DLM206"]);
    expect(misspelt[0]?.message).toContain("`features`");
  });

  it("convert once into the cache under the file's SHA-256, and predict what numpy computes", async () => {
    const { folder, expected } = writeFixtures("predict");
    for (const [file, outputs] of [["model.h5", expected.h5], ["model.keras", expected.keras]] as const) {
      const model = await loadPretrained(path.join(folder, file));
      expect(worstDifference(model.predict(INPUT) as tf.Tensor, outputs)).toBeLessThan(1e-5);
      const converted = path.join(convertedModelDir(sha256(path.join(folder, file)), path.join(CACHE, "models")), "model.json");
      const written = fs.statSync(converted).mtimeMs;
      const again = await loadPretrained(path.join(folder, file), { until: file === "model.h5" ? "hidden" : "features" });
      expect(fs.statSync(converted).mtimeMs).toBe(written);
      expect(again.outputs[0]?.shape).toEqual([null, 3]);
    }
  });

  it("name the layer whose weights the file lacks, and keep no conversion of it", async () => {
    const { folder } = writeFixtures("missing", ["out", "scores"]);
    await expect(loadPretrained(path.join(folder, "model.h5"))).rejects.toThrow("no weights for layer `out`");
    await expect(loadPretrained(path.join(folder, "model.keras"))).rejects.toThrow("no weights for layer `scores`");
    for (const file of ["model.h5", "model.keras"]) {
      expect(fs.existsSync(convertedModelDir(sha256(path.join(folder, file)), path.join(CACHE, "models")))).toBe(false);
    }
  });

  it("say what a weights-only `.h5` and a zip without config.json are", () => {
    const { folder } = writeFixtures("wrong");
    const weightsOnly = path.join(folder, "weights.h5");
    const written = spawnSync(PYTHON, ["-c", "import h5py, sys; h5py.File(sys.argv[1], 'w').attrs['layer_names'] = [b'a']", weightsOnly], { encoding: "utf8" });
    expect(written.status).toBe(0);
    const source = path.join(folder, "wrong.dlm");
    fs.writeFileSync(source, 'model W(input: [4]) {\n  pretrained("weights.h5")\n}\n\nmodel Z(input: [4]) {\n  pretrained("net.keras")\n}\n');
    fs.writeFileSync(path.join(folder, "net.keras"), "not a zip");
    const diagnostics = checkModels([source], nodeCompilerHost()).diagnostics;
    const messages = diagnostics.map((diagnostic) => `${diagnostic.code} ${diagnostic.message}`);
    // Marked on the path literal, as for a model.json.
    const text = fs.readFileSync(source, "utf8");
    expect(diagnostics.map((diagnostic) => text.slice(diagnostic.range.start, diagnostic.range.end))).toEqual(['"weights.h5"', '"net.keras"']);
    expect(messages).toContain("DLM207 cannot use pretrained model `weights.h5`: the HDF5 file has no `model_config` attribute: it holds weights only (`save_weights`), not a model; save the whole model (`model.save(\"model.h5\")`)");
    expect(messages).toContain("DLM207 cannot use pretrained model `net.keras`: not a Keras 3 `.keras` file: not a zip archive (no central directory)");
  });
});
