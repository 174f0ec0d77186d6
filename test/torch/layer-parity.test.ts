/**
 * Every layer kind the torch engine maps computes what TF.js computes: for each model below,
 * the generated `nn.Module` has TF.js's parameter count and output shape, and given TF.js's
 * (random, converted) weights its outputs equal TF.js's within 1e-4 (inference mode).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { emitTorchModelModule } from "../../compiler/torch/emit-torch.js";
import { LAYERS } from "../../compiler/layers/registry.js";
import { decodeNpy, encodeNpy } from "../../runtime/data/npy.js";
import { buildTfjsModel, randomValues, runPython, TORCH_MISSING } from "./torch-python.js";

const ACTIVATIONS = ["relu", "relu6", "elu", "selu", "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign", "swish", "mish", "gelu"];

/** name → [model source, integer input below this bound (token ids), or undefined for floats in [-2, 2)]. */
const CASES: Record<string, [string, number?]> = {
  "dense and every activation": [
    `model M(input: [5]) {
      dense(6, activation: relu)
      ${ACTIVATIONS.map((name) => `dense(6, activation: ${name})`).join("\n")}
      ${ACTIVATIONS.map((name) => `activation(${name})`).join("\n")}
      relu sigmoid tanh elu selu gelu swish leaky_relu leaky_relu(alpha: 0.1)
      dense(4, use_bias: false)
      dense(3, activation: softmax)
    }`,
  ],
  "dense on a sequence, layer_norm, reshape, dropout": [
    `model M(input: [4, 6]) { dense(8) layer_norm(epsilon: 0.01) dropout(0.5) reshape([8, 4]) flatten dense(2) }`,
  ],
  "conv2d valid and same, stride, dilation, asymmetric kernel": [
    `model M(input: [9, 8, 3]) {
      conv2d(4, 3, stride: 2, padding: same, activation: relu)
      conv2d(5, [3, 2], padding: same)
      conv2d(3, 2, dilation: 2, padding: same, use_bias: false)
      conv2d(6, 2, stride: [2, 1])
      flatten
    }`,
  ],
  "pools 2d: max and avg, same with odd sizes, stride unlike size": [
    `model M(input: [9, 7, 3]) {
      max_pool2d(3, stride: 2, padding: same)
      avg_pool2d(2, stride: 1, padding: same)
      avg_pool2d([2, 3])
      zero_pad2d(1)
      max_pool2d(2)
    }`,
  ],
  "global pools": [`model M(input: [5, 6, 3]) { conv2d(4, 2) global_avg_pool2d }`],
  "global max pool 2d": [`model M(input: [5, 6, 3]) { global_max_pool2d }`],
  "conv1d, 1-d pools, global 1-d pools": [
    `model M(input: [11, 3]) {
      conv1d(4, 3, stride: 2, padding: same, activation: tanh)
      max_pool1d(2, padding: same)
      avg_pool1d(2, stride: 1, padding: same)
      conv1d(5, 2)
      spatial_dropout1d(0.3)
      global_max_pool1d
    }`,
  ],
  "global avg pool 1d": [`model M(input: [7, 4]) { conv1d(3, 3, padding: same) global_avg_pool1d }`],
  "depthwise and separable convolutions": [
    `model M(input: [9, 9, 3]) {
      depthwise_conv2d(3, depth_multiplier: 2, stride: 2, padding: same)
      separable_conv2d(5, 3, padding: same, depth_multiplier: 2, activation: relu)
      separable_conv2d(4, 2)
      depthwise_conv2d(2)
      flatten
    }`,
  ],
  "transposed convolutions: valid, same, kernel smaller than stride": [
    `model M(input: [5, 4, 3]) {
      conv2d_transpose(4, 3, stride: 2)
      conv2d_transpose(3, 3, stride: 2, padding: same)
      conv2d_transpose(2, 1, stride: 2)
      conv2d_transpose(2, 4, stride: 3, padding: same)
    }`,
  ],
  "batch_norm (inference), spatial dropout, upsampling": [
    `model M(input: [4, 5, 3]) {
      batch_norm(momentum: 0.9)
      conv2d(4, 1)
      batch_norm
      spatial_dropout2d(0.2)
      upsample2d(2)
      upsample2d([2, 3], interpolation: bilinear)
      zero_pad2d([[1, 2], [0, 3]])
    }`,
  ],
  "residual blocks": [
    `model M(input: [6, 6, 4]) {
      residual { conv2d(4, 3, padding: same) batch_norm relu conv2d(4, 3, padding: same) }
      residual { dense(4) }
      global_avg_pool2d
    }`,
  ],
  "embedding and recurrent layers": [
    `model M(input: [7]) {
      embedding(20, 5)
      lstm(6, return_sequences: true)
      gru(4, return_sequences: true)
      simple_rnn(3, return_sequences: true)
      lstm(5)
      dense(2)
    }`,
    20,
  ],
  "bidirectional with every merge": [
    `model M(input: [6, 3]) {
      bidirectional(lstm(4, return_sequences: true))
      bidirectional(gru(3, return_sequences: true), merge: sum)
      bidirectional(simple_rnn(3, return_sequences: true), merge: ave)
      bidirectional(gru(2), merge: mul)
    }`,
  ],
};

const DRIVER = String.raw`
import importlib.util, json, os, sys
import numpy as np
import torch
torch.set_num_threads(1)
results = {}
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    folder = os.path.join(root, name)
    spec = importlib.util.spec_from_file_location("model_" + name, os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.Model()
    count = len(module.TFJS_WEIGHTS)
    module.load_tfjs_weights(model, [np.load(os.path.join(folder, f"w{index}.npy")) for index in range(count)])
    model.eval()
    x = torch.from_numpy(np.load(os.path.join(folder, "x.npy")))
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(folder, "y.npy"), y.numpy().astype(np.float32))
    back = [array for _, _, array in module.tfjs_weights(model)]
    same = all(np.array_equal(a, np.load(os.path.join(folder, f"w{index}.npy"))) for index, a in enumerate(back))
    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    results[name] = {"params": params, "shape": list(y.shape), "roundTrip": same, "weights": count}
print(json.dumps(results))
`;

describe.skipIf(TORCH_MISSING !== undefined)("torch layers agree with TF.js", () => {
  const root = mkdtempSync(join(tmpdir(), "dlm-torch-parity-"));
  const expected = new Map<string, { output: tf.Tensor; params: number; weights: number; checked: number }>();
  let results: Record<string, { params: number; shape: number[]; roundTrip: boolean; weights: number }> = {};

  beforeAll(() => {
    let caseIndex = 0;
    for (const [name, [source, tokens]] of Object.entries(CASES)) {
      const checked = checkSource(source);
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const info = checked.models[0]!;
      const model = buildTfjsModel(info);
      const folder = join(root, `case${String(caseIndex++).padStart(2, "0")}`);
      mkdirSync(folder);
      const weights = model.layers.flatMap((layer) => layer.weights);
      weights.forEach((weight, index) => {
        const count = weight.shape.reduce((a: number, b) => a * (b ?? 1), 1);
        const variance = weight.originalName.includes("moving_variance");
        const values = randomValues(count, 7919 * (index + 1) + caseIndex, variance ? 0.5 : -0.6, variance ? 1.5 : 0.6);
        weight.write(tf.tensor(values, weight.shape as number[]));
        writeFileSync(join(folder, `w${index}.npy`), encodeNpy({ data: values, shape: weight.shape as number[] }));
      });
      const shape = [3, ...(info.input as number[])];
      const count = shape.reduce((a, b) => a * b, 1);
      const x =
        tokens === undefined
          ? tf.tensor(randomValues(count, 31 + caseIndex, -2, 2), shape)
          : tf.tensor(Int32Array.from(randomValues(count, 31 + caseIndex, 0, tokens), Math.floor), shape, "int32");
      const data = x.dataSync();
      writeFileSync(join(folder, "x.npy"), encodeNpy({ data: tokens === undefined ? Float32Array.from(data) : Int32Array.from(data), shape }));
      const module = emitTorchModelModule(info, { sourceText: () => source, displayFile: () => "parity.dlm" });
      if (module === undefined) throw new Error(`${name}: a layer has no torch mapping`);
      writeFileSync(join(folder, "model.py"), module);
      const output = model.predict(tokens === undefined ? x : x.toFloat()) as tf.Tensor;
      expected.set(folder, { output, params: model.countParams(), weights: weights.length, checked: info.params });
    }
    results = JSON.parse(runPython(["-c", DRIVER, root], { timeout: 600_000 })) as typeof results;
  }, 600_000);

  Object.keys(CASES).forEach((name, index) => {
    it(`${name}: same parameters, shape and outputs`, () => {
      const folder = join(root, `case${String(index).padStart(2, "0")}`);
      const tfjs = expected.get(folder)!;
      const torch = results[`case${String(index).padStart(2, "0")}`]!;
      expect(torch.weights).toBe(tfjs.weights);
      expect(torch.roundTrip).toBe(true);
      expect(torch.params).toBe(tfjs.params);
      expect(torch.params).toBe(tfjs.checked);
      expect(torch.shape).toEqual(tfjs.output.shape);
      const got = decodeNpy(readFileSync(join(folder, "y.npy"))).data;
      const want = tfjs.output.dataSync();
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] ?? NaN) - want[i]!));
      expect(worst).toBeLessThan(1e-4);
    });
  });

  it("covers every layer kind of the registry but pretrained", () => {
    const written = Object.values(CASES).map(([source]) => source).join("\n");
    const missing = [...LAYERS.keys()].filter((kind) => kind !== "pretrained" && !new RegExp(`\\b${kind}\\b`).test(written));
    expect(missing).toEqual([]);
  });
});
