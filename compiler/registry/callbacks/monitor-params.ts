/** The `monitor:` and `mode:` parameters that every callback watching a logged value shares. */
import type { CatalogParamSpec } from "../../catalog/types.js";

/** `monitor: "val_loss"`: the logged quantity to watch. */
export function monitorParam(defaultValue?: string): CatalogParamSpec {
  return {
    name: "monitor",
    type: "string",
    doc: "The logged quantity to watch, e.g. `val_loss` or `val_accuracy`.",
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

/** `mode: auto | min | max`. */
export const MODE_PARAM: CatalogParamSpec = {
  name: "mode",
  type: "enum",
  values: ["auto", "min", "max"],
  doc: "Whether the monitored value should go down (`min`) or up (`max`); `auto` decides by its name.",
  default: "auto",
};
