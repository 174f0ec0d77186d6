/**
 * Catalog entries for everything callable in an experiment besides layers: optimizers,
 * schedules, losses, metrics, callbacks, data sources, data transforms, augmentations.
 * The checker, the emitter, hover and completion all read these entries.
 */
import type { ParamSpec } from "../layers/types.js";

/**
 * A parameter of a catalog entry: a layer-style `ParamSpec`, or with `list` a list of
 * values of that type (`features: ["a", "b"]`). A list parameter is optional; absent means
 * the entry's default (stated in its doc).
 */
export type CatalogParamSpec = ParamSpec & { readonly list?: boolean };

/** A callable or named entry, e.g. `adam(learning_rate: 1e-3)` or `accuracy`. */
export interface CatalogEntry {
  readonly name: string;
  /** One paragraph for hover, completion and docs. */
  readonly doc: string;
  /** Parameters in positional order (empty for plain names). */
  readonly params: readonly CatalogParamSpec[];
}

/** A catalog: one kind of entry, looked up by name. */
export interface Catalog<Entry extends CatalogEntry = CatalogEntry> {
  /** What the entries are called in messages: "optimizer", "loss", "metric" … */
  readonly kind: string;
  readonly entries: ReadonlyMap<string, Entry>;
}

/** Builds a catalog from a list, keyed by entry name. */
export function makeCatalog<Entry extends CatalogEntry>(kind: string, entries: readonly Entry[]): Catalog<Entry> {
  return { kind, entries: new Map(entries.map((entry) => [entry.name, entry])) };
}
