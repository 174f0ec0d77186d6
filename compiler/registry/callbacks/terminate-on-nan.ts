/** `terminate_on_nan`: its parameters; the runtime's factory is `runtime/callbacks/terminate-on-nan.ts`. */
import type { Definition } from "../definition.js";

export const TERMINATE_ON_NAN: Definition = {
  name: "terminate_on_nan",
  doc: "Stops training at the first NaN or infinite loss, naming the epoch and batch.",
  params: [],
};
