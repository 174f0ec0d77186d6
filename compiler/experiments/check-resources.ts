/**
 * Resource bounds (DLM511, a warning): a model whose training would need more memory than
 * the machine has is reported at check time, with the estimate, instead of failing minutes
 * into a run. Pure: the available memory is an option (the caller reads `os.totalmem()`).
 *
 * The estimate is deliberately simple and says so in its notes:
 *   parameters × 4 bytes × 4   (weights, gradients and Adam's two moments)
 * + Σ layer output sizes × batch size × 4 bytes × 2   (kept for the backward pass)
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentPlan } from "./experiment-plan.js";
import type { InferredLayer } from "../infer-shapes.js";
import type { ModelInfo } from "../models.js";
import { RESOURCES } from "../../diagnostics/catalog/resources.js";
import { formatGigabytes } from "../../diagnostics/format-sizes.js";
import { trainSettingDefault } from "../registry/experiment-schema.js";

/** Bytes of one float32 value. */
const BYTES_PER_VALUE = 4;
/** Copies of every parameter while training: weights, gradients, Adam's first and second moments. */
const COPIES_PER_PARAMETER = 4;
/** Every layer output is kept for the backward pass, which makes a gradient of the same size. */
const COPIES_PER_ACTIVATION = 2;
/** The batch size assumed for a model checked on its own: what `train { }` uses when `batch_size` is not written. */
export const STANDALONE_BATCH_SIZE = trainSettingDefault("batch_size") as number;

/** What training a model would hold in memory, in bytes. */
export interface MemoryEstimate {
  /** Weights, gradients and optimizer moments. */
  readonly parameterBytes: number;
  /** Layer outputs of one batch and their gradients. */
  readonly activationBytes: number;
  readonly totalBytes: number;
  /** Values one example produces across all layer outputs (unknown lengths count as 1). */
  readonly activationsPerExample: number;
}

/** Estimates the memory of training layers with `params` parameters at `batchSize`. */
export function estimateTrainingMemory(layers: readonly InferredLayer[], params: number, batchSize: number): MemoryEstimate {
  const activationsPerExample = layers.reduce(
    (sum, layer) => sum + layer.output.reduce<number>((product, size) => product * (size ?? 1), 1),
    0,
  );
  const parameterBytes = params * BYTES_PER_VALUE * COPIES_PER_PARAMETER;
  const activationBytes = activationsPerExample * batchSize * BYTES_PER_VALUE * COPIES_PER_ACTIVATION;
  return { parameterBytes, activationBytes, totalBytes: parameterBytes + activationBytes, activationsPerExample };
}

/** What the resource check reads: standalone models, and the plans of clean experiments. */
export interface ResourceCheckInput {
  readonly models: readonly ModelInfo[];
  readonly plans: readonly ExperimentPlan[];
}

/** The machine the program will train on. */
export interface ResourceCheckOptions {
  /** Memory available for training, in bytes (`os.totalmem()` in the compiler). */
  readonly availableMemoryBytes: number;
}

/**
 * DLM511 for every plan whose model would not fit at its batch size, and for every
 * standalone model no plan trains that would not fit at batch size 32.
 */
export function checkResources(input: ResourceCheckInput, options: ResourceCheckOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const trained = new Set(input.plans.map((plan) => modelKey(plan.model.file, plan.model.name)));
  for (const plan of input.plans) {
    const batchSize = Math.max(plan.train.batchSize, plan.fineTune?.batchSize ?? 0);
    const estimate = estimateTrainingMemory(plan.model.layers, plan.model.params, batchSize);
    if (estimate.totalBytes <= options.availableMemoryBytes) continue;
    diagnostics.push(
      makeDiagnostic(RESOURCES.modelMayNotFitMemory, plan.file, plan.nameRange, {
        message:
          `experiment \`${plan.name}\` may not fit in memory: training model \`${plan.model.name}\` at batch size ${batchSize} ` +
          `needs about ${formatGigabytes(estimate.totalBytes)}, and this machine has ${formatGigabytes(options.availableMemoryBytes)}`,
        notes: estimateNotes(plan.model.params, batchSize, estimate),
        help: "use fewer or smaller layers, a smaller input, or a smaller `batch_size`",
      }),
    );
  }
  for (const model of input.models) {
    if (trained.has(modelKey(model.file, model.name))) continue;
    const estimate = estimateTrainingMemory(model.layers, model.params, STANDALONE_BATCH_SIZE);
    if (estimate.totalBytes <= options.availableMemoryBytes) continue;
    diagnostics.push(
      makeDiagnostic(RESOURCES.modelMayNotFitMemory, model.file, model.nameRange, {
        message:
          `model \`${model.name}\` may not fit in memory: training it at batch size ${STANDALONE_BATCH_SIZE} ` +
          `needs about ${formatGigabytes(estimate.totalBytes)}, and this machine has ${formatGigabytes(options.availableMemoryBytes)}`,
        notes: estimateNotes(model.params, STANDALONE_BATCH_SIZE, estimate),
        help: "use fewer or smaller layers, or a smaller input",
      }),
    );
  }
  return diagnostics;
}

function modelKey(file: string, name: string): string {
  return `${file}\u0000${name}`;
}

/** How the estimate was made, so a user can judge it. */
function estimateNotes(params: number, batchSize: number, estimate: MemoryEstimate): string[] {
  return [
    `parameters: ${formatCount(params)} × 4 bytes × 4 (weights, gradients, Adam's two moments) ≈ ${formatGigabytes(estimate.parameterBytes)}`,
    `activations: ${formatCount(estimate.activationsPerExample)} values per example × batch ${batchSize} × 4 bytes × 2 (forward and backward) ≈ ${formatGigabytes(estimate.activationBytes)}`,
  ];
}

function formatCount(count: number): string {
  return Number.isFinite(count) && count < 1e21 ? count.toLocaleString("en-US") : "more than 10^21";
}
