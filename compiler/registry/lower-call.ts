/**
 * Lowering a registry entry's call into the runtime's spec, the same way for every kind: the
 * entry's name as `kind`, then each scalar parameter in its declared order under its camelCase
 * name (`min_delta` → `minDelta`), defaults filled in. No per-entry switch: a new callback or
 * schedule needs no lowering code, only its definition (docs/contributing.md).
 */
import type { ParamValue } from "../layers/layer-definition.js";
import type { EntryReading } from "../experiments/read-values.js";
import { camelCase } from "../experiments/experiment-context.js";

/** `early_stopping(patience: 3)` → `{ kind: "early_stopping", monitor: "val_loss", patience: 3, … }`. */
export function lowerRegistryCall(reading: EntryReading): { readonly kind: string } & Readonly<Record<string, ParamValue>> {
  const fields: Record<string, ParamValue> = {};
  for (const param of reading.entry.params) {
    if (param.list) continue;
    const value = reading.args[param.name];
    if (value !== undefined) fields[camelCase(param.name)] = value;
  }
  return { kind: reading.entry.name, ...fields };
}
