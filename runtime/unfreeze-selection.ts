/**
 * The rule of `unfreeze:` (`fine_tune`), over a backbone's layer names alone (TF.js-free, so
 * the compiler counts the layers the runtime unfreezes with the same code): `last(N)` trains
 * the last N layers, `from(NAME)` NAME and every layer after it, `all` every one, `none` none.
 */

/** `unfreeze:` of `fine_tune`: which layers of a pretrained backbone train. */
export type Unfreeze = "all" | "none" | { readonly last: number } | { readonly from: string };

/**
 * The index of the first layer that trains (`names.length` when none does); -1 when `from`
 * names a layer the backbone does not have. `names` are the layers `unfreeze` counts: the
 * backbone's, its input layer left out, in TF.js's `model.layers` order.
 */
export function firstUnfrozenIndex(names: readonly string[], unfreeze: Unfreeze): number {
  if (unfreeze === "all") return 0;
  if (unfreeze === "none") return names.length;
  if ("last" in unfreeze) return Math.max(0, names.length - unfreeze.last);
  return names.indexOf(unfreeze.from);
}
