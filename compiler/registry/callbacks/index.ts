/**
 * The callback registry: one definition per callback of `callbacks { }` (its name, parameters,
 * defaults, bounds and docs), which the checker, the lowering, hover, completion and the docs
 * read. The runtime builds each one from its spec through `runtime/callbacks/registry.ts`,
 * under the same name; a test keeps the two lists equal. Adding a callback: docs/contributing.md.
 */
import { makeRegistry } from "../definition.js";
import { CSV_LOGGER } from "./csv-logger.js";
import { EARLY_STOPPING } from "./early-stopping.js";
import { MODEL_CHECKPOINT } from "./model-checkpoint.js";
import { PROGRESS } from "./progress.js";
import { REDUCE_LR_ON_PLATEAU } from "./reduce-lr-on-plateau.js";
import { TERMINATE_ON_NAN } from "./terminate-on-nan.js";

/** Callbacks of `callbacks { ... }`, in the order completion and the docs list them. */
export const CALLBACKS = makeRegistry("callback", [
  EARLY_STOPPING,
  MODEL_CHECKPOINT,
  REDUCE_LR_ON_PLATEAU,
  CSV_LOGGER,
  TERMINATE_ON_NAN,
  PROGRESS,
]);
