/**
 * The zoo's architectures on the torch engine compute what TF.js computes: each backbone
 * below, built by the torch generator as a nested module (Keras's layer names in the weight
 * table), given the TF.js model's weights, has TF.js's parameter count and output shape and
 * outputs within 1e-4 (inference mode); and `unfreeze` picks in the program the layers DLM's
 * TF.js runtime unfreezes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { emitTorchModel } from "../../compiler/torch/emit-torch-model.js";
import { emitTorchModelModule } from "../../compiler/torch/emit-torch.js";
import { decodeNpy, encodeNpy } from "../../runtime/data/npy.js";
import { findBackbones, unfreezeBackbones } from "../../runtime/unfreeze.js";
import { firstUnfrozenIndex, type Unfreeze } from "../../runtime/unfreeze-selection.js";
import { buildTfjsModelWithBackbones, layerWeights } from "../../src/commands/build-tfjs-model.js";
import { writeWeightFiles } from "../../src/commands/tfjs-weight-files.js";
import { randomValues, runPython, TORCH_MISSING } from "./torch-python.js";

/** name → a model whose first layer is a zoo backbone with random weights (`weights: none`: no download). */
const CASES: Record<string, string> = {
  "mobilenet_v2, whole, pooling avg": "pretrained(mobilenet_v2, weights: none, pooling: avg)\n  dense(4)",
  "resnet50 to conv3_block1_out (projection shortcuts, zero padding)": "pretrained(resnet50, weights: none, until: conv3_block1_out)\n  flatten\n  dense(3)",
  "vgg16 to block2_pool": "base = pretrained(vgg16, weights: none, until: block2_pool)\n  global_max_pool2d",
};

/** Batch normalisation's weights drawn away from their initial 1s and 0s, so inference mode is tested too. */
const BATCH_NORM_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  gamma: [0.5, 1.5],
  beta: [-0.2, 0.2],
  moving_mean: [-0.2, 0.2],
  moving_variance: [0.5, 1.5],
};

const DRIVER = String.raw`
import importlib.util, json, sys
import numpy as np
import torch
torch.set_num_threads(1)
folder = sys.argv[1]
spec = importlib.util.spec_from_file_location("backbone", folder + "/model.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = module.Model()
module.load_tfjs_weight_file(model, folder, "weights")
model.eval()
with torch.no_grad():
    y = model(torch.from_numpy(np.load(folder + "/x.npy")))
np.save(folder + "/y.npy", y.numpy().astype(np.float32))
listed = module.read_tfjs_weight_file(folder, "weights")
back = {}
for layer, _, array in module.tfjs_weights(model):
    back.setdefault(layer, []).append(array)
same = listed.keys() == back.keys() and all(np.array_equal(a, b) for layer in listed for a, b in zip(listed[layer], back[layer]))
params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
print(json.dumps({"params": params, "shape": list(y.shape), "roundTrip": bool(same)}))
`;

describe.skipIf(TORCH_MISSING !== undefined)("zoo backbones on torch agree with TF.js", () => {
  for (const [name, layers] of Object.entries(CASES)) {
    it(`${name}: same parameters, shape and outputs`, async () => {
      const source = `model M(input: [32, 32, 3]) {\n  ${layers}\n}`;
      const checked = checkSource(source);
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const info = checked.models[0]!;
      const folder = mkdtempSync(join(tmpdir(), "dlm-torch-zoo-"));
      const model = await buildTfjsModelWithBackbones(info, folder);
      let seed = 11;
      for (const weight of model.weights) {
        const range = BATCH_NORM_RANGES[weight.originalName.slice(weight.originalName.lastIndexOf("/") + 1)];
        if (range !== undefined) weight.write(tf.tensor(randomValues(weight.shape.reduce((a: number, b) => a * (b ?? 1), 1), seed++, ...range), weight.shape as number[]));
      }
      await writeWeightFiles(folder, "weights", layerWeights(model));
      const x = tf.tensor(randomValues(2 * 32 * 32 * 3, 5, 0, 1), [2, 32, 32, 3]);
      writeFileSync(join(folder, "x.npy"), encodeNpy({ data: x.dataSync() as Float32Array, shape: [2, 32, 32, 3] }));
      const module = emitTorchModelModule(info, { sourceText: () => source, displayFile: () => "parity.dlm" });
      if (module === undefined) throw new Error(`${name}: a layer has no torch mapping`);
      writeFileSync(join(folder, "model.py"), module);
      const torch = JSON.parse(runPython(["-c", DRIVER, folder], { timeout: 300_000 })) as { params: number; shape: number[]; roundTrip: boolean };
      const want = (model.predict(x) as tf.Tensor).dataSync();
      const got = decodeNpy(readFileSync(join(folder, "y.npy"))).data;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] ?? NaN) - want[i]!));
      process.stdout.write(`${name}: max |torch - TF.js| = ${worst.toExponential(2)} over ${want.length} outputs of at most ${Math.max(...Array.from(want, Math.abs)).toFixed(3)}\n`);
      expect(torch.roundTrip).toBe(true);
      expect(torch.params).toBe(model.countParams());
      expect(torch.params).toBe(info.params);
      expect(torch.shape).toEqual([2, ...(info.output ?? [])]);
      expect(worst).toBeLessThan(1e-4);
      model.dispose();
    }, 300_000);
  }
});

describe("unfreeze on torch", () => {
  const source = `model M(input: [32, 32, 3]) {\n  base = pretrained(resnet50, weights: none, until: conv3_block1_out)\n  flatten\n  dense(3)\n}`;
  const unfreezes: Unfreeze[] = [{ last: 9 }, { from: "conv3_block1_2_conv" }, { from: "conv3_block1_0_conv" }, "all", "none"];

  for (const unfreeze of unfreezes) {
    it(`${JSON.stringify(unfreeze)} trains in the program the layers DLM's TF.js runtime trains`, async () => {
      const info = checkSource(source).models[0]!;
      const [backbone] = emitTorchModel(info, { sourceText: () => source, displayFile: () => "m.dlm" }).backbones;
      const names = backbone!.layers.map((layer) => layer.name);
      const torch = names.slice(firstUnfrozenIndex(names, unfreeze));
      const model = await buildTfjsModelWithBackbones(info, mkdtempSync(join(tmpdir(), "dlm-unfreeze-")));
      unfreezeBackbones(model, unfreeze);
      const tfjs = findBackbones(model)[0]!.layers.filter((layer) => layer.getClassName() !== "InputLayer");
      expect(names).toEqual(tfjs.map((layer) => layer.name));
      expect(torch).toEqual(tfjs.filter((layer) => layer.trainable).map((layer) => layer.name));
      model.dispose();
    });
  }
});
