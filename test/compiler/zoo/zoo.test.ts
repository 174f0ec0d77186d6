/**
 * The named architectures of `pretrained(vgg16 | resnet50 | mobilenet_v2, …)`: built from
 * DLM's own layers with Keras's layer names, their weight counts equal to Keras's published
 * ones, and the models a generated program builds agree with the checker.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { architectureLayerNames, findArchitecture, weightSourceFor, ZOO } from "../../../compiler/zoo/index.js";
import { prepareZooBackbone, zooCacheDir } from "../../../runtime/zoo-backbone.js";
import { reportedIn } from "../checked-source.js";
import { buildEmittedModel, checkedModel } from "./build-emitted-model.js";

const declared = (input: string, call: string): string => `model M(input: ${input}) {\n  ${call}\n}\n`;

describe("parameter counts equal Keras's published ones", () => {
  const published: readonly [string, boolean, number][] = [
    ["vgg16", true, 138_357_544],
    ["resnet50", true, 25_636_712],
    ["mobilenet_v2", true, 3_538_984],
    ["vgg16", false, 14_714_688],
    ["resnet50", false, 23_587_712],
    ["mobilenet_v2", false, 2_257_984],
  ];
  for (const [architecture, top, params] of published) {
    it(`${architecture} ${top ? "with" : "without"} top: ${params.toLocaleString("en-US")}`, () => {
      const model = checkedModel(declared("[224, 224, 3]", `pretrained(${architecture}, weights: none, include_top: ${top})`));
      expect(model.params).toBe(params);
      expect(model.output).toEqual(top ? [1000] : architecture === "vgg16" ? [7, 7, 512] : architecture === "resnet50" ? [7, 7, 2048] : [7, 7, 1280]);
    });
  }

  it("counts what trains as Keras does: everything but batch normalisation's moving statistics", () => {
    expect(checkedModel(declared("[224, 224, 3]", "pretrained(resnet50, weights: none, include_top: true)")).trainableParams).toBe(25_583_592);
    expect(checkedModel(declared("[224, 224, 3]", "pretrained(mobilenet_v2, weights: none, include_top: true)")).trainableParams).toBe(3_504_872);
    // ImageNet weights are frozen unless `trainable: true`
    expect(checkedModel(declared("[224, 224, 3]", "pretrained(vgg16)")).trainableParams).toBe(0);
  });
});

describe("Keras's layer names", () => {
  it("are the names of every architecture's layers", () => {
    const vgg = architectureLayerNames("vgg16");
    expect(vgg.slice(0, 3)).toEqual(["block1_conv1", "block1_conv2", "block1_pool"]);
    expect(vgg.slice(-4)).toEqual(["flatten", "fc1", "fc2", "predictions"]);
    const resnet = architectureLayerNames("resnet50");
    expect(resnet.slice(0, 6)).toEqual(["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"]);
    for (const name of ["conv2_block1_1_conv", "conv2_block1_0_conv", "conv2_block1_0_bn", "conv2_block1_add", "conv2_block1_out", "conv5_block3_out", "avg_pool"]) {
      expect(resnet).toContain(name);
    }
    expect(resnet.filter((name) => name.endsWith("_0_conv"))).toEqual(["conv2_block1_0_conv", "conv3_block1_0_conv", "conv4_block1_0_conv", "conv5_block1_0_conv"]);
    const mobilenet = architectureLayerNames("mobilenet_v2");
    expect(mobilenet.slice(0, 4)).toEqual(["Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise"]);
    for (const name of ["block_1_expand", "block_1_pad", "block_1_depthwise", "block_2_add", "block_16_project_BN", "Conv_1", "Conv_1_bn", "out_relu"]) {
      expect(mobilenet).toContain(name);
    }
    expect(mobilenet.filter((name) => name.endsWith("_add"))).toHaveLength(10);
    expect(ZOO.map((entry) => entry.name)).toEqual(["vgg16", "resnet50", "mobilenet_v2"]);
  });

  it("`until` cuts after any of them, inside a residual branch too", () => {
    const stage = checkedModel(declared("[224, 224, 3]", "pretrained(resnet50, weights: none, until: conv3_block1_out)"));
    expect(stage.output).toEqual([28, 28, 512]);
    const branch = checkedModel(declared("[224, 224, 3]", "pretrained(resnet50, weights: none, until: conv2_block1_0_bn)"));
    expect(branch.output).toEqual([56, 56, 256]);
    // the stem's 7×7 convolution and batch norm, then the shortcut's 1×1 convolution and batch norm: the block's body is not kept
    expect(branch.params).toBe(7 * 7 * 3 * 64 + 64 + 4 * 64 + (64 * 256 + 256) + 4 * 256);
  });
});

describe("a generated program builds the network the checker describes", () => {
  it("mobilenet_v2 at 96×96×3 with `weights: none`: weights, output and names as checked, and it runs", async () => {
    const { info, model } = await buildEmittedModel(declared("[96, 96, 3]", "pretrained(mobilenet_v2, weights: none)"));
    expect(info.output).toEqual([3, 3, 1280]);
    expect(model.countParams()).toBe(info.params);
    expect(info.params).toBe(2_257_984);
    const backbone = model.getLayer("pretrained") as tf.LayersModel;
    expect(backbone.getLayer("block_1_pad").outputShape).toEqual([null, 49, 49, 96]);
    expect(backbone.getLayer("block_2_add").outputShape).toEqual([null, 24, 24, 24]);
    const output = model.predict(tf.randomUniform([2, 96, 96, 3])) as tf.Tensor;
    expect(output.shape).toEqual([2, 3, 3, 1280]);
    expect(backbone.trainableWeights.length).toBeGreaterThan(0);
  });

  it("resnet50's projection shortcuts at 64×64×3, cut after its second stage", async () => {
    const { info, model } = await buildEmittedModel(declared("[64, 64, 3]", "pretrained(resnet50, weights: none, pooling: avg, until: conv3_block4_out)"));
    expect(info.output).toEqual([8, 8, 512]);
    expect(model.countParams()).toBe(info.params);
    const output = model.predict(tf.randomUniform([1, 64, 64, 3])) as tf.Tensor;
    expect(output.shape).toEqual([1, 8, 8, 512]);
  });
});

describe("what the zoo refuses, where it is written", () => {
  it("an unknown architecture (DLM422), with did-you-mean", () => {
    expect(reportedIn(declared("[96, 96, 3]", "pretrained(resnet5, weights: none)"))).toEqual([
      { code: "DLM422", marked: "resnet5", message: "unknown architecture `resnet5`; the zoo has `vgg16`, `resnet50`, `mobilenet_v2`" },
    ]);
  });

  it("zoo options on a saved model (DLM423)", () => {
    expect(reportedIn(declared("[96, 96, 3]", 'pretrained("base/model.json", include_top: true)'))[0]).toMatchObject({
      code: "DLM423",
      marked: "true",
    });
  });

  it("inputs the architecture cannot take (DLM424), and pooling with the top (DLM425)", () => {
    expect(reportedIn(declared("[96, 96, 3]", "pretrained(vgg16, weights: none, include_top: true)"))[0]).toMatchObject({
      code: "DLM424",
      marked: "true",
      message: "vgg16 with `include_top: true` takes input [224, 224, 3] (its classifier was trained at that size), got [96, 96, 3]",
    });
    expect(reportedIn(declared("[96, 96, 1]", "pretrained(vgg16)"))[0]?.code).toBe("DLM424");
    expect(reportedIn(declared("[28, 28, 3]", "pretrained(vgg16, weights: none)"))[0]?.code).toBe("DLM424");
    expect(reportedIn(declared("[96, 96, 1]", "pretrained(vgg16, weights: none)"))).toEqual([]);
    expect(reportedIn(declared("[224, 224, 3]", "pretrained(resnet50, include_top: true, pooling: max)"))[0]).toMatchObject({
      code: "DLM425",
      marked: "max",
    });
  });

  it("an `until` the architecture does not have (DLM206), with the closest names", () => {
    const [reported] = reportedIn(declared("[224, 224, 3]", "pretrained(resnet50, until: conv3_block1_outt)"));
    expect(reported).toMatchObject({ code: "DLM206", marked: "conv3_block1_outt" });
    expect(reported?.message).toContain("`conv3_block1_out`");
  });
});

describe("weights: imagenet", () => {
  it("names the weight file and the cache folder when the file is not there and cannot be downloaded", async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "dlm-cache-"));
    const saved = process.env["DLM_CACHE"];
    const savedUrl = process.env["DLM_MODELS_URL"];
    process.env["DLM_CACHE"] = cache;
    // Port 9 (discard) has no listener here: the download is refused, as offline.
    process.env["DLM_MODELS_URL"] = "http://127.0.0.1:9/";
    try {
      expect(zooCacheDir()).toBe(path.join(cache, "models"));
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
      const resnet50 = findArchitecture("resnet50")!;
      const args = { architecture: "resnet50", weights: "imagenet", source: weightSourceFor(resnet50, false, 224), trainable: false } as const;
      const file = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
      const error = await prepareZooBackbone(model, args).catch((caught: Error) => caught);
      expect(String(error)).toContain(`resnet50 with \`weights: imagenet\`: cannot download ${file} from http://127.0.0.1:9/resnet/${file}`);
      expect(String(error)).toContain(`place it as ${path.join(cache, "models", file)}`);
      expect(fs.readdirSync(path.join(cache, "models"))).toEqual([]);
    } finally {
      if (savedUrl === undefined) delete process.env["DLM_MODELS_URL"];
      else process.env["DLM_MODELS_URL"] = savedUrl;
      if (saved === undefined) delete process.env["DLM_CACHE"];
      else process.env["DLM_CACHE"] = saved;
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe("fine_tune's unfreeze inside a named architecture", () => {
  const experiment = (unfreeze: string) =>
    "model Net {\n  zero_pad2d(2)\n  base = pretrained(vgg16, weights: none, pooling: avg)\n  dense(10, activation: softmax)\n}\n\n" +
    'experiment digits {\n  data { source: builtin("mnist"), limit: 64, split { validation: 0.2 } }\n  model: Net\n' +
    `  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  fine_tune { unfreeze: ${unfreeze}, epochs: 1 }\n}\n`;

  it("knows the architecture's layer names", () => {
    expect(reportedIn(experiment("from(block5_conv1)"))).toEqual([]);
    const [reported] = reportedIn(experiment("from(block5_conv9)"));
    expect(reported).toMatchObject({ code: "DLM206", marked: "block5_conv9" });
  });
});
