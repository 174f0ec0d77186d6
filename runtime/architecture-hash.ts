/**
 * What a model is, apart from its weights: the layers' classes and configurations in order,
 * without what does not change the computation a resumed run continues (layer names, which
 * TF.js numbers per process; `trainable`, which the stages set; initialisers and seeds,
 * which checkpointed weights replace). `--resume` compares the checkpoint's with the
 * compiled model's, so that editing the `.dlm` between runs is refused instead of silently
 * training the old architecture.
 */
import { createHash } from "node:crypto";
import type * as tf from "@tensorflow/tfjs";

/** A model's architecture: one canonical line per top-level layer, and their hash. */
export interface Architecture {
  /** `sha256:` + hex of the canonical description. */
  readonly hash: string;
  /** Per top-level layer but the input layer: `dense {"activation":"relu","units":16,…}`. */
  readonly layers: readonly string[];
}

/** Config keys that do not describe the computation of a trained model. */
const IGNORED_KEYS = new Set(["name", "trainable", "seed", "keras_version", "backend"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The architecture of `model`, equal for a model built afresh and the same model loaded from a checkpoint. */
export function architectureOf(model: tf.LayersModel): Architecture {
  const topology = model.toJSON(null, false) as unknown as Json;
  const names = new Map<string, string>();
  collectLayerNames(topology, names);
  const canonical = canonicalize(topology, names);
  const config = isObject(canonical) && isObject(canonical["config"]) ? canonical["config"] : {};
  const layers = Array.isArray(config["layers"]) ? config["layers"] : [];
  // Users count the layers they wrote: the input layer is not one of them.
  const lines = layers.filter((layer) => !isObject(layer) || layer["class_name"] !== "InputLayer").map(describeLayer);
  const hash = createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
  return { hash: `sha256:${hash}`, layers: lines };
}

/**
 * What changed between the architecture a checkpoint was saved with and the current one, in
 * a sentence: the first layer that differs, or the change in the number of layers.
 */
export function describeArchitectureChange(saved: readonly string[], current: readonly string[]): string {
  for (let index = 0; index < Math.min(saved.length, current.length); index++) {
    const before = saved[index] ?? "";
    const after = current[index] ?? "";
    if (before !== after) return `layer ${index + 1} ${describeLayerChange(before, after)}`;
  }
  if (saved.length !== current.length) {
    return `the checkpoint's model has ${saved.length} layers, the model now has ${current.length}`;
  }
  return "the layers' connections or input shape changed";
}

/** `(dense): units was 16, now 32`, or `was a dense, it is now a conv2d`. */
function describeLayerChange(before: string, after: string): string {
  const [kindBefore, configBefore] = splitLayerLine(before);
  const [kindAfter, configAfter] = splitLayerLine(after);
  if (kindBefore !== kindAfter) return `was a ${kindBefore}, it is now a ${kindAfter}`;
  const keys = [...new Set([...Object.keys(configBefore), ...Object.keys(configAfter)])].sort();
  const changes = keys
    .filter((key) => JSON.stringify(configBefore[key]) !== JSON.stringify(configAfter[key]))
    .map((key) => `${key} was ${shortJson(configBefore[key])}, now ${shortJson(configAfter[key])}`);
  return `(${kindBefore}): ${changes.join("; ")}`;
}

function splitLayerLine(line: string): [string, { [key: string]: Json }] {
  const space = line.indexOf(" ");
  const kind = space < 0 ? line : line.slice(0, space);
  try {
    const config = JSON.parse(line.slice(space + 1)) as Json;
    return [kind, isObject(config) ? config : {}];
  } catch {
    return [kind, {}];
  }
}

function shortJson(value: Json | undefined): string {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names of layers (and of nested models), in the order they appear, mapped to `#1`, `#2`, … */
function collectLayerNames(value: Json, names: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectLayerNames(item, names);
    return;
  }
  if (!isObject(value)) return;
  const config = value["config"];
  if (typeof value["class_name"] === "string" && isObject(config) && typeof config["name"] === "string") {
    if (!names.has(config["name"])) names.set(config["name"], `#${names.size + 1}`);
  }
  for (const child of Object.values(value)) collectLayerNames(child, names);
}

/** Keys sorted, ignored keys and initialisers dropped, layer names replaced by their positions. */
function canonicalize(value: Json, names: ReadonlyMap<string, string>): Json {
  if (Array.isArray(value)) return value.map((item) => canonicalize(item, names));
  if (typeof value === "string") return names.get(value) ?? value;
  if (!isObject(value)) return value;
  const result: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    if (IGNORED_KEYS.has(key) || key.endsWith("_initializer")) continue;
    result[key] = canonicalize(value[key] as Json, names);
  }
  return result;
}

/** One layer as users read it: its class in snake case and its configuration. */
function describeLayer(layer: Json): string {
  if (!isObject(layer)) return JSON.stringify(layer);
  const className = typeof layer["class_name"] === "string" ? layer["class_name"] : "layer";
  const kind = className.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return `${kind} ${JSON.stringify(layer["config"] ?? {})}`;
}
