/**
 * Every entry of every registry is documented in docs/language.md, and every registry has
 * its row in docs/contributing.md: adding an entry without its docs fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AUGMENTATIONS, DATA_TRANSFORMS, NORMALIZATIONS, SOURCES } from "../../compiler/registry/data.js";
import { LOSSES, METRICS, OPTIMIZERS, SCHEDULES, UNFREEZE } from "../../compiler/registry/training.js";
import { LAYERS } from "../../compiler/layers/registry.js";
import { CALLBACKS } from "../../compiler/registry/callbacks/index.js";

const docs = join(import.meta.dirname, "../../docs");
const language = readFileSync(join(docs, "language.md"), "utf8");
const contributing = readFileSync(join(docs, "contributing.md"), "utf8");

const REGISTRIES = [
  ["layer", [...LAYERS.keys()]],
  ...[OPTIMIZERS, SCHEDULES, LOSSES, METRICS, CALLBACKS, SOURCES, DATA_TRANSFORMS, NORMALIZATIONS, AUGMENTATIONS, UNFREEZE].map(
    (registry) => [registry.kind, [...registry.entries.keys()]] as const,
  ),
] as const;

/** True when `name` stands in the text as a word of its own (not inside a longer name). */
function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_])`).test(text);
}

describe("the registries are documented", () => {
  it.each(REGISTRIES.map(([kind, names]) => [kind, names] as const))("every %s is in docs/language.md", (_kind, names) => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !mentions(language, name))).toEqual([]);
  });

  it("the check itself tells a documented name from a missing one", () => {
    expect(mentions("loss: `mse mae huber`", "mae")).toBe(true);
    expect(mentions("loss: `mse_extra`", "mse")).toBe(false);
  });

  it("docs/contributing.md says where each kind of entry is added", () => {
    for (const kind of ["callback", "layer", "optimizer", "schedule", "loss", "metric", "augmentation", "diagnostic code"]) {
      expect(contributing, kind).toMatch(new RegExp(`(^|\\n)(\\| ${kind} \\||## Adding a ${kind})`));
    }
  });
});
