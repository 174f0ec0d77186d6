/** `progress(...)`: its parameters; the runtime's factory is `runtime/callbacks/progress.ts`. */
import type { CatalogEntry } from "../../catalog/types.js";

export const PROGRESS: CatalogEntry = {
  name: "progress",
  doc: "Shows progress: a bar with loss, metrics and ETA on a terminal, plain lines otherwise.",
  params: [{ name: "bar", type: "bool", doc: "Show a progress bar on terminals.", default: true }],
};
