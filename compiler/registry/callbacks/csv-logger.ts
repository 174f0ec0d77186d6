/** `csv_logger(...)`: its parameters; the runtime's factory is `runtime/callbacks/csv-logger.ts`. */
import type { Definition } from "../definition.js";

export const CSV_LOGGER: Definition = {
  name: "csv_logger",
  doc: "Writes one CSV row of logs per epoch.",
  params: [{ name: "path", type: "string", doc: "CSV file (relative to the .dlm file)." }],
};
