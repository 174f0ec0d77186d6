/** Catalog of the resource checks: what training a model would need from the machine. */
import type { MessageEntry } from "./catalog-entry.js";

/** The resources codes by meaning, so code reads `RESOURCES.modelMayNotFitMemory`, not `"DLM511"`. */
export const RESOURCES = {
  modelMayNotFitMemory: "DLM511",
} as const;

/** One entry per code of the resource checks: what `dlm explain CODE` prints. */
export const RESOURCE_MESSAGES: readonly MessageEntry[] = [
  {
    code: RESOURCES.modelMayNotFitMemory,
    title: "model may not fit in memory",
    severity: "warning",
    explanation:
      "Training a model holds its weights, their gradients and the optimizer's state (Adam keeps " +
      "two moments per weight: about 4 × 4 bytes per parameter), plus every layer's output for a " +
      "whole batch and its gradient (about 2 × 4 bytes per value per example). When that estimate " +
      "exceeds the machine's memory, training would fail or swap for minutes before it does. The " +
      "message gives the estimate and its two parts; an experiment's model is estimated at its " +
      "`batch_size`, a model checked on its own at batch size 32. Use fewer or smaller layers, a " +
      "smaller input (pool or resize images earlier), or a smaller batch.",
    wrong: "model Huge(input: [100000]) {\n  dense(1000000, activation: relu)\n  dense(10, activation: softmax)\n}",
    fixed: "model Small(input: [100000]) {\n  dense(100, activation: relu)\n  dense(10, activation: softmax)\n}",
  },
];
