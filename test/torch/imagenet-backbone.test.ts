/**
 * `pretrained(mobilenet_v2)` with `weights: imagenet` on the torch engine: DLM reads Keras's
 * weight file from its cache (here one written in Keras's `save_weights` layout with h5py and
 * placed there), hands the weights to the program, which keeps the frozen backbone as loaded
 * and applies the network's preprocessing (x / 127.5 − 1) itself, so the exported bundle,
 * preprocessing layer included, predicts what the torch program predicted.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { decodeNpy } from "../../runtime/data/npy.js";
import { loadBundle } from "../../runtime/export.js";
import { buildTfjsModelWithBackbones, layerWeights } from "../../src/commands/build-tfjs-model.js";
import { writeWeightFiles } from "../../src/commands/tfjs-weight-files.js";
import { PYTHON, TORCH_MISSING, randomValues, runCli, runPython } from "./torch-python.js";

const H5PY_MISSING = spawnSync(PYTHON, ["-c", "import h5py"]).status === 0 ? undefined : `${PYTHON} cannot import h5py`;
if (H5PY_MISSING !== undefined) process.stderr.write(`imagenet torch test skipped: ${H5PY_MISSING}\n`);

/** Keras's `save_weights` layout from DLM's weight files (NAME.json + NAME.bin): each layer's weights, in order. */
const KERAS_WRITER = String.raw`
import h5py, json, sys
import numpy as np
folder, name, target = sys.argv[1:4]
listed = json.load(open(f"{folder}/{name}.json"))
values = np.fromfile(f"{folder}/{name}.bin", dtype="<f4")
layers, offset = {}, 0
for entry in listed:
    count = int(np.prod(entry["shape"]))
    layers.setdefault(entry["layer"], []).append((entry["weight"], values[offset:offset + count].reshape(entry["shape"])))
    offset += count
with h5py.File(target, "w") as handle:
    handle.attrs["layer_names"] = np.array([layer.encode() for layer in layers])
    for layer, weights in layers.items():
        group = handle.create_group(layer)
        group.attrs["weight_names"] = np.array([f"{layer}/{weight}:0".encode() for weight, _ in weights])
        for weight, array in weights:
            group.create_dataset(f"{layer}/{weight}:0", data=array)
`;

const CUT = "pretrained(mobilenet_v2, until: block_1_project_BN)";

describe.skipIf(TORCH_MISSING !== undefined || H5PY_MISSING !== undefined)("a zoo backbone with ImageNet weights on torch", () => {
  it("keeps the cached weights frozen, preprocesses as Keras, and exports a bundle that predicts as torch did", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-imagenet-"));
    // the weight file: the backbone's layers with made-up weights, batch-norm statistics away from 0 and 1
    const info = checkSource(`model M(input: [32, 32, 3]) {\n  ${CUT.replace("mobilenet_v2,", "mobilenet_v2, weights: none,")}\n}`).models[0]!;
    const built = await buildTfjsModelWithBackbones(info, dir);
    const file = layerWeights(built).map((weight, index) => ({
      ...weight,
      layer: weight.layer.replace(/^pretrained\//, ""),
      data: weight.weight === "moving_variance" ? randomValues(weight.data.length, index + 1, 0.5, 1.5) : weight.data.map((value) => value + 0.01),
    }));
    built.dispose();
    await writeWeightFiles(dir, "keras", file);
    const models = join(dir, "cache", "models");
    mkdirSync(models, { recursive: true });
    runPython(["-c", KERAS_WRITER, dir, "keras", join(models, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5")]);

    writeFileSync(
      join(dir, "imagenet.dlm"),
      `experiment imagenet {
  seed: 3
  data {
    source: builtin("mnist")
    resize: [32, 32]
    channels: 3
    split { train: 0.0008, validation: 0.0004, test: 0.0004 }
  }
  model {
    ${CUT}
    global_avg_pool2d
    dense(10, activation: softmax)
  }
  train { optimizer: adam(learning_rate: 0.01), loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 16 }
  export: "exports/imagenet"
}
`,
    );
    const result = await runCli(["run", join(dir, "imagenet.dlm"), "--engine", "torch", "--out", join(dir, "runs")], { DLM_PYTHON: PYTHON, DLM_CACHE: join(dir, "cache") });
    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dlm: training: 2 trainable weight tensors");

    const bundle = await loadBundle(join(dir, "exports", "imagenet"));
    const exported = new Map(layerWeights(bundle.model).map((weight) => [`${weight.layer}:${weight.weight}`, weight.data]));
    for (const weight of file) expect(exported.get(`pretrained/${weight.layer}:${weight.weight}`)).toEqual(weight.data);
    expect(readFileSync(join(dir, "exports", "imagenet", "model.json"), "utf8")).toContain('"name":"pretrained_preprocessing"');

    // the bundle applies the preprocessing to raw pixels (normalize: none) as the program did
    const runDir = join(dir, "runs", "imagenet");
    const x = decodeNpy(readFileSync(join(runDir, "prepared", "test.x.npy")));
    const expected = decodeNpy(readFileSync(join(runDir, "torch", "predictions-test.npy"))).data;
    const got = (bundle.model.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).dataSync();
    expect(got.length).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    process.stdout.write(`imagenet backbone: bundle vs torch, max difference ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThan(1e-5);
  }, 300_000);
});
