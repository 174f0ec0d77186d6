/** `reduce_lr_on_plateau(...)`: its parameters; the runtime's factory is `runtime/callbacks/reduce-lr-on-plateau.ts`. */
import type { Definition } from "../definition.js";
import { MODE_PARAM, monitorParam } from "./monitor-params.js";

export const REDUCE_LR_ON_PLATEAU: Definition = {
  name: "reduce_lr_on_plateau",
  doc: "Multiplies the learning rate by `factor` when the monitored value stops improving.",
  params: [
    monitorParam("val_loss"),
    { name: "factor", type: "float", doc: "Multiplier applied to the learning rate.", greaterThan: 0, lessThan: 1, default: 0.1 },
    { name: "patience", type: "int", doc: "Epochs without improvement before reducing.", min: 0, default: 10 },
    { name: "min_lr", type: "float", doc: "Lower bound of the learning rate.", min: 0, default: 0 },
    { name: "min_delta", type: "float", doc: "Smallest change that counts as an improvement.", min: 0, default: 1e-4 },
    MODE_PARAM,
  ],
};
