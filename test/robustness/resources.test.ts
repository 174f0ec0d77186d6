/**
 * Resource bounds (DLM511): a model whose training would not fit in memory is a warning at
 * check time, with the estimate; the samples fit comfortably.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkResources, estimateTrainingMemory, STANDALONE_BATCH_SIZE } from "../../compiler/experiments/check-resources.js";
import { formatGigabytes } from "../../diagnostics/format-sizes.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { explainCode, MESSAGES } from "../../diagnostics/catalog/index.js";
import { RESOURCE_MESSAGES } from "../../diagnostics/catalog/resources.js";
import { checkProgram, checkSource } from "../../compiler/program.js";
import { REPOSITORY_ROOT } from "./type-check-programs.js";

const GIGABYTE = 1e9;

/** An MNIST experiment around an inline model, at a batch size. */
function mnistExperiment(layers: string, batchSize: number): string {
  return `experiment wide {
  data { source: builtin("mnist"), split { validation: 0.1 } }
  model: Wide
  train { loss: sparse_categorical_crossentropy, epochs: 1, batch_size: ${batchSize} }
}
model Wide {
${layers}
}
`;
}

describe("estimateTrainingMemory", () => {
  it("counts 4 bytes × 4 copies per parameter and 4 bytes × 2 per layer output value per example", () => {
    const checked = checkSource("model Tiny(input: [4]) { dense(10) dense(2) }");
    const [model] = checked.models;
    expect(model!.params).toBe(4 * 10 + 10 + 10 * 2 + 2);
    const estimate = estimateTrainingMemory(model!.layers, model!.params, 8);
    expect(estimate.parameterBytes).toBe(72 * 16);
    expect(estimate.activationsPerExample).toBe(12);
    expect(estimate.activationBytes).toBe(12 * 8 * 8);
    expect(estimate.totalBytes).toBe(72 * 16 + 12 * 64);
  });

  it("counts an unknown length as 1 (a lower bound)", () => {
    const checked = checkSource("model Text(input: [?]) { embedding(1000, 8) }");
    const estimate = estimateTrainingMemory(checked.models[0]!.layers, checked.models[0]!.params, 1);
    expect(estimate.activationsPerExample).toBe(8);
  });

  it("prints sizes in decimal gigabytes, and says so when the number is too large to mean anything", () => {
    expect(formatGigabytes(1_600_272_000_000)).toBe("1,600.3 GB");
    expect(formatGigabytes(256_000_000)).toBe("0.3 GB");
    expect(formatGigabytes(Infinity)).toBe("over 1,000,000,000,000 GB");
  });
});

describe("DLM511: model may not fit in memory", () => {
  it("warns at check time that dense(1000000) on a [100000] input needs about 1,600 GB", () => {
    const text = "model Huge(input: [100000]) {\n  dense(1000000)\n}\n";
    const checked = checkSource(text);
    const warnings = checked.diagnostics.filter((d) => d.code === "DLM511");
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning!.severity).toBe("warning");
    expect(text.slice(warning!.range.start, warning!.range.end)).toBe("Huge");
    expect(warning!.message).toMatch(/^model `Huge` may not fit in memory: training it at batch size 32 needs about 1,600\.3 GB, and this machine has [\d,.]+ GB$/);
    expect(warning!.notes).toEqual([
      "parameters: 100,001,000,000 × 4 bytes × 4 (weights, gradients, Adam's two moments) ≈ 1,600.0 GB",
      "activations: 1,000,000 values per example × batch 32 × 4 bytes × 2 (forward and backward) ≈ 0.3 GB",
    ]);
    // a warning: the program still checks clean
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("compares against the memory it is given, at batch size 32 for a model on its own", () => {
    // 10,000 × 10,000 weights ≈ 1.6 GB to train
    const checked = checkSource("model Wide(input: [10000]) { dense(10000) }");
    const input = { models: checked.models, plans: checked.plans };
    expect(checkResources(input, { availableMemoryBytes: 1 * GIGABYTE }).map((d) => d.code)).toEqual(["DLM511"]);
    expect(checkResources(input, { availableMemoryBytes: 2 * GIGABYTE })).toEqual([]);
    expect(checkResources(input, { availableMemoryBytes: 1 * GIGABYTE })[0]!.message).toContain(`batch size ${STANDALONE_BATCH_SIZE}`);
  });

  it("estimates an experiment's model at the experiment's batch size, reported once at the experiment", () => {
    // 28 × 28 × 256 values per example: ≈ 6.6 GB of activations at batch 4096, ≈ 50 MB at batch 32
    const layers = "  conv2d(256, 3, padding: same)\n  flatten\n  dense(10, activation: softmax)";
    const big = checkSource(mnistExperiment(layers, 4096));
    const small = checkSource(mnistExperiment(layers, 32));
    expect(big.plans).toHaveLength(1);
    const memory = { availableMemoryBytes: 4 * GIGABYTE };
    const warnings = checkResources({ models: big.models, plans: big.plans }, memory);
    expect(warnings.map((d) => [d.code, d.file, big.files.get(d.file)!.text.slice(d.range.start, d.range.end)])).toEqual([["DLM511", "input.dlm", "wide"]]);
    expect(warnings[0]!.message).toMatch(/^experiment `wide` may not fit in memory: training model `Wide` at batch size 4096 needs about [\d.]+ GB, and this machine has 4\.0 GB$/);
    expect(checkResources({ models: small.models, plans: small.plans }, memory)).toEqual([]);
  });

  it("does not warn about any sample, even with 1 GB of memory", () => {
    const host = nodeCompilerHost();
    const samples = readdirSync(join(REPOSITORY_ROOT, "samples")).filter((name) => name.endsWith(".dlm"));
    expect(samples.length).toBeGreaterThanOrEqual(5);
    for (const sample of samples) {
      const checked = checkProgram([join(REPOSITORY_ROOT, "samples", sample)], host);
      expect(checked.plans.length).toBeGreaterThan(0);
      expect(checked.diagnostics.filter((d) => d.code === "DLM511")).toEqual([]);
      expect(checkResources({ models: checked.models, plans: checked.plans }, { availableMemoryBytes: 1 * GIGABYTE })).toEqual([]);
    }
  });

  it("has a catalog entry whose wrong snippet warns and whose fixed snippet does not", () => {
    expect(MESSAGES.get("DLM511")).toBe(RESOURCE_MESSAGES[0]);
    expect(explainCode("511").split("\n")[0]).toBe("DLM511: model may not fit in memory (warning)");
    const [entry] = RESOURCE_MESSAGES;
    expect(checkSource(entry!.wrong).diagnostics.map((d) => d.code)).toEqual(["DLM511"]);
    expect(checkSource(entry!.fixed).diagnostics).toEqual([]);
  });
});
