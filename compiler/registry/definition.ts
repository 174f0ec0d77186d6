/**
 * Registry entries for everything callable in an experiment besides layers: optimizers,
 * schedules, losses, metrics, callbacks, data sources, data transforms, augmentations.
 * The checker, the emitter, hover and completion all read these entries.
 */
import type { ParamSpec } from "../layers/layer-definition.js";

/**
 * A parameter of a registry entry: a layer-style `ParamSpec`, or with `list` a list of
 * values of that type (`features: ["a", "b"]`). A list parameter is optional; absent means
 * the entry's default (stated in its doc).
 */
export type DefinitionParam = ParamSpec & { readonly list?: boolean };

/** A callable or named entry, e.g. `adam(learning_rate: 1e-3)` or `accuracy`. */
export interface Definition {
  readonly name: string;
  /** One paragraph for hover, completion and docs. */
  readonly doc: string;
  /** Parameters in positional order (empty for plain names). */
  readonly params: readonly DefinitionParam[];
}

/** A registry: one kind of entry, looked up by name. */
export interface Registry<Entry extends Definition = Definition> {
  /** What the entries are called in messages: "optimizer", "loss", "metric" … */
  readonly kind: string;
  readonly entries: ReadonlyMap<string, Entry>;
}

/** Builds a registry from a list, keyed by entry name. */
export function makeRegistry<Entry extends Definition>(kind: string, entries: readonly Entry[]): Registry<Entry> {
  return { kind, entries: new Map(entries.map((entry) => [entry.name, entry])) };
}
