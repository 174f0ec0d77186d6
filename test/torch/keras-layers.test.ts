/**
 * A saved model's layers as DLM layers for the torch engine: Keras's classes and configs in
 * TF.js's names, and a reason for every class or setting the mapping would not compute
 * faithfully (it becomes DLM550 on the `pretrained` call).
 */
import { describe, expect, it } from "vitest";
import { kerasLayerAsDlm } from "../../compiler/torch/keras-layers.js";

describe("Keras layers as DLM layers", () => {
  it("renames config keys and activations as TF.js spells them", () => {
    expect(kerasLayerAsDlm("Conv2D", { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: "same", activation: "hard_sigmoid", use_bias: false }, 4)).toEqual({
      ok: true,
      kind: "conv2d",
      config: { filters: 8, kernelSize: [3, 3], strides: [2, 2], padding: "same", activation: "hardSigmoid", useBias: false },
    });
    expect(kerasLayerAsDlm("ReLU", { max_value: 6 }, 4)).toMatchObject({ ok: true, kind: "activation", config: { activation: "relu6" } });
    expect(kerasLayerAsDlm("ReLU", { max_value: null }, 4)).toMatchObject({ ok: true, config: { activation: "relu" } });
    expect(kerasLayerAsDlm("Bidirectional", { layer: { class_name: "GRU", config: { units: 4, recurrent_activation: "hard_sigmoid" } }, merge_mode: "sum" }, 3)).toMatchObject({
      ok: true,
      kind: "bidirectional",
      config: { layer: { factory: "gru", config: { units: 4 } }, mergeMode: "sum" },
    });
  });

  it("batch normalisation over the last axis only, however written", () => {
    for (const axis of [-1, 3, [3]]) expect(kerasLayerAsDlm("BatchNormalization", { axis }, 4).ok).toBe(true);
    expect(kerasLayerAsDlm("BatchNormalization", { axis: 1 }, 4)).toEqual({ ok: false, reason: "the torch engine runs `BatchNormalization` only without `axis: 1`" });
  });

  it("names the class or the setting it has no faithful form of", () => {
    expect(kerasLayerAsDlm("PReLU", {}, 2)).toEqual({ ok: false, reason: "the torch engine has no mapping of Keras's `PReLU`" });
    expect(kerasLayerAsDlm("LSTM", { units: 3, recurrent_activation: "sigmoid" }, 3)).toEqual({
      ok: false,
      reason: 'the torch engine runs `LSTM` only without `recurrent_activation: "sigmoid"`',
    });
    expect(kerasLayerAsDlm("Conv2D", { filters: 2, kernel_size: 3, data_format: "channels_first" }, 4).ok).toBe(false);
    expect(kerasLayerAsDlm("ReLU", { max_value: 3 }, 4).ok).toBe(false);
  });
});
