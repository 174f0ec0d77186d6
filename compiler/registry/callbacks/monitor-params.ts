/** The `monitor:` and `mode:` parameters that every callback watching a logged value shares. */
import type { DefinitionParam } from "../definition.js";

/** `monitor: "val_loss"`: the logged quantity to watch. */
export function monitorParam(defaultValue?: string): DefinitionParam {
  return {
    name: "monitor",
    type: "string",
    doc: "The logged quantity to watch, e.g. `val_loss` or `val_accuracy`.",
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

/** `mode: auto | min | max`. */
export const MODE_PARAM: DefinitionParam = {
  name: "mode",
  type: "enum",
  values: ["auto", "min", "max"],
  doc: "Whether the monitored value should go down (`min`) or up (`max`); `auto` decides by its name.",
  default: "auto",
};
