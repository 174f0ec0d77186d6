/** `progress(...)`: its parameters; the runtime's factory is `runtime/callbacks/progress.ts`. */
import type { Definition } from "../definition.js";

export const PROGRESS: Definition = {
  name: "progress",
  doc: "Shows progress: a bar with loss, metrics and ETA on a terminal, plain lines otherwise.",
  params: [{ name: "bar", type: "bool", doc: "Show a progress bar on terminals.", default: true }],
};
