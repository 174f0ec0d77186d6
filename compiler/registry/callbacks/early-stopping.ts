/** `early_stopping(...)`: its parameters; the runtime's factory is `runtime/callbacks/early-stopping.ts`. */
import type { Definition } from "../definition.js";
import { MODE_PARAM, monitorParam } from "./monitor-params.js";

export const EARLY_STOPPING: Definition = {
  name: "early_stopping",
  doc: "Stops training when the monitored value has stopped improving for `patience` epochs.",
  params: [
    monitorParam("val_loss"),
    { name: "patience", type: "int", doc: "Epochs without improvement before stopping.", min: 0, default: 0 },
    { name: "min_delta", type: "float", doc: "Smallest change that counts as an improvement.", min: 0, default: 0 },
    MODE_PARAM,
    { name: "restore_best_weights", type: "bool", doc: "At the end, put back the weights of the best epoch.", default: false },
  ],
};
