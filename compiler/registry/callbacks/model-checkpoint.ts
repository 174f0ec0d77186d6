/** `model_checkpoint(...)`: its parameters; the runtime's factory is `runtime/callbacks/model-checkpoint.ts`. */
import type { Definition } from "../definition.js";
import { MODE_PARAM, monitorParam } from "./monitor-params.js";

export const MODEL_CHECKPOINT: Definition = {
  name: "model_checkpoint",
  doc: "Saves the model, optimizer state and epoch (atomically) so that a run can resume.",
  params: [
    { name: "path", type: "string", doc: "Directory of the checkpoint (relative to the .dlm file)." },
    monitorParam("val_loss"),
    { name: "save_best_only", type: "bool", doc: "Save only when the monitored value improves.", default: true },
    MODE_PARAM,
  ],
};
