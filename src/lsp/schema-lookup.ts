/**
 * What a name means where it is written: a layer or block in a layer body, a registry
 * entry after `optimizer:` or inside `callbacks { }`, a setting or section of the
 * experiment schema. Hover and completion both ask here, so they always agree with the
 * registries the checker reads.
 */
import { findSectionSpec, type SectionSpec, type SettingSpec } from "../../compiler/registry/experiment-schema.js";
import { SEARCH_SPACES } from "../../compiler/registry/data.js";
import type { Registry, Definition } from "../../compiler/registry/definition.js";
import { lookupBlock, type BlockSymbol, type Binding } from "../../compiler/binder.js";
import { lookupLayer } from "../../compiler/layers/registry.js";
import type { LayerDefinition } from "../../compiler/layers/layer-definition.js";

/** Where a call (or a bare name in call position) is written. */
export type CallPlace =
  /** A layer position: a model, block, `residual` or `repeat` body, or bidirectional's argument. */
  | { readonly kind: "layer" }
  /** The value of a setting, e.g. `optimizer: adam(…)` in `train`. */
  | { readonly kind: "setting"; readonly sections: readonly string[]; readonly setting: string }
  /** A call standing alone in a section, e.g. a callback in `train { callbacks { … } }`. */
  | { readonly kind: "section"; readonly sections: readonly string[] };

/** What a called name refers to. */
export type CallTarget =
  | { readonly kind: "layer"; readonly definition: LayerDefinition }
  | { readonly kind: "block"; readonly symbol: BlockSymbol }
  | { readonly kind: "entry"; readonly entry: Definition; readonly registry: Registry };

/** The spec of the section at `sections` (empty: the experiment itself). */
export function sectionSpecAt(sections: readonly string[]): SectionSpec | undefined {
  return findSectionSpec(sections);
}

/** The spec of setting `name` in the section at `sections`. */
export function settingSpecAt(sections: readonly string[], name: string): SettingSpec | undefined {
  return sectionSpecAt(sections)?.settings.find((setting) => setting.name === name);
}

/** The registry a setting's value names entries of (`loss:` → losses, `metrics:` → metrics). */
export function registryOfSetting(setting: SettingSpec | undefined): Registry | undefined {
  return setting?.type.kind === "entry" || setting?.type.kind === "names" ? setting.type.registry : undefined;
}

/** The registries whose entries may be called (or named) at `place`; search spaces fit any setting. */
export function registriesAt(place: CallPlace): Registry[] {
  if (place.kind === "section") {
    const calls = sectionSpecAt(place.sections)?.calls;
    return calls ? [calls] : [];
  }
  if (place.kind === "setting") {
    const registry = registryOfSetting(settingSpecAt(place.sections, place.setting));
    return registry ? [registry, SEARCH_SPACES] : [SEARCH_SPACES];
  }
  return [];
}

/** What `name` means at `place`, with block names seen from `file`. */
export function resolveCallTarget(name: string, place: CallPlace, binding: Binding, file: string): CallTarget | undefined {
  if (place.kind === "layer") {
    const definition = lookupLayer(name);
    if (definition) return { kind: "layer", definition };
    const symbol = lookupBlock(binding, file, name);
    return symbol ? { kind: "block", symbol } : undefined;
  }
  for (const registry of registriesAt(place)) {
    const entry = registry.entries.get(name);
    if (entry) return { kind: "entry", entry, registry };
  }
  return undefined;
}
