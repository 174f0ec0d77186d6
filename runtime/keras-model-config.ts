/**
 * The architecture of a saved Keras model, read without running anything and without TF.js
 * (the compiler reads it at check time): a Keras 2 `.h5` holds it as the root attribute
 * `model_config`, a Keras 3 `.keras` zip as `config.json` beside `model.weights.h5`. Both are
 * turned into the Keras 2 layout TF.js's model.json uses.
 */
import { createRequire } from "node:module";
import { inflateRawSync } from "node:zlib";

/** A JSON value as read from a model file. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The most bytes of `config.json` inside a `.keras` file: 64 MiB. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/** The kind of Keras file a path names, by its extension; undefined for any other file. */
export function kerasFileKind(file: string): "h5" | "keras" | undefined {
  const lowered = file.toLowerCase();
  if (lowered.endsWith(".h5") || lowered.endsWith(".hdf5")) return "h5";
  if (lowered.endsWith(".keras")) return "keras";
  return undefined;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------
// Zip (a `.keras` file): the central directory at the end names each entry and its offset.

/**
 * The bytes of entry `name` of a zip archive (stored or deflated), or why not. Bounded: an
 * entry larger than `maxBytes` (as the directory says, and as it inflates) is refused.
 */
export function readZipEntry(zip: Uint8Array, name: string, maxBytes: number): Uint8Array | string {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end-of-central-directory record: at least 22 bytes from the end, after a comment of at most 65,535.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return "not a zip archive (no central directory)";
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  for (let index = 0; index < entries; index++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) return "the zip's central directory is damaged";
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const entryName = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    if (size > maxBytes) return `\`${name}\` holds ${size} bytes, more than the ${maxBytes} allowed`;
    if (local + 30 > zip.length || view.getUint32(local, true) !== 0x04034b50) return `the zip's entry \`${name}\` is damaged`;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = zip.subarray(start, start + compressed);
    if (data.length !== compressed) return `the zip's entry \`${name}\` is cut short`;
    if (method === 0) return data;
    if (method !== 8) return `the zip's entry \`${name}\` uses compression method ${method} (only stored and deflated are read)`;
    try {
      const inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
      return inflated.length === size ? new Uint8Array(inflated) : `the zip's entry \`${name}\` inflates to ${inflated.length} bytes, not ${size}`;
    } catch (error) {
      return `the zip's entry \`${name}\` does not inflate (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return `the archive has no \`${name}\``;
}

// ---------------------------------------------------------------------------------------
// HDF5 (a Keras 2 `.h5` model): the `model_config` attribute, read with jsfive (pure
// JavaScript, synchronous, so the compiler can call it), loaded only when a file needs it.

interface Hdf5Node {
  readonly attrs: Record<string, unknown>;
}
type Hdf5Module = { File: new (buffer: ArrayBuffer, name: string) => Hdf5Node };

let hdf5: Hdf5Module | undefined;
function hdf5Reader(): Hdf5Module {
  hdf5 ??= createRequire(import.meta.url)("jsfive") as Hdf5Module;
  return hdf5;
}

/** A string attribute as h5py or Keras wrote it (fixed-length strings come padded with NULs). */
function attributeText(value: unknown): string | undefined {
  if (typeof value === "string") return value.replace(/\0+$/, "");
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, "");
  return undefined;
}

// ---------------------------------------------------------------------------------------

/** A Keras model's architecture: its config, and the Keras generation that wrote it. */
export interface KerasModelConfig {
  /** `{ class_name, config }` as Keras writes it. */
  readonly config: JsonObject;
  /** Keras 3 (a `.keras` file) names its weights by layer class, not by layer name. */
  readonly keras3: boolean;
}

/** Reads the architecture of a `.h5` or `.keras` file from its bytes, or says why it cannot. */
export function readKerasModelConfig(bytes: Uint8Array, file: string): KerasModelConfig | string {
  const kind = kerasFileKind(file);
  let text: string | undefined;
  if (kind === "keras") {
    const entry = readZipEntry(bytes, "config.json", MAX_CONFIG_BYTES);
    if (typeof entry === "string") return `not a Keras 3 \`.keras\` file: ${entry}`;
    text = new TextDecoder().decode(entry);
  } else {
    let root: Hdf5Node;
    try {
      root = new (hdf5Reader().File)(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, file);
    } catch (error) {
      return `not a readable HDF5 file (${error instanceof Error ? error.message : String(error)})`;
    }
    text = attributeText(root.attrs["model_config"]);
    if (text === undefined) {
      return "the HDF5 file has no `model_config` attribute: it holds weights only (`save_weights`), not a model; save the whole model (`model.save(\"model.h5\")`)";
    }
  }
  let config: Json;
  try {
    config = JSON.parse(text) as Json;
  } catch (error) {
    return `the model's config is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(config) || typeof config["class_name"] !== "string") return "the model's config has no `class_name`";
  return { config, keras3: kind === "keras" };
}

/** Keras 3's layer-class names as its weight files use them: `BatchNormalization` → `batch_normalization`. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** Keras 3's `{ class_name: "__keras_tensor__", config: { keras_history: [layer, node, tensor] } }` as Keras 2's `[layer, node, tensor, {}]`. */
function inboundTensor(value: Json): Json[] | undefined {
  if (!isObject(value) || !isObject(value["config"])) return undefined;
  const history = value["config"]["keras_history"];
  return Array.isArray(history) && history.length === 3 ? [...history, {}] : undefined;
}

/** Keras 3 configs in the Keras 2 layout: `module`/`registered_name`/`build_config` dropped, dtype policies as names. */
function toKeras2Value(value: Json, key = ""): Json {
  if (Array.isArray(value)) return value.map((item) => toKeras2Value(item));
  if (!isObject(value)) return value;
  if (key === "dtype" && isObject(value["config"]) && typeof value["config"]["name"] === "string") return value["config"]["name"];
  const result: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === "module" || name === "registered_name" || name === "build_config" || name === "compile_config") continue;
    result[name === "batch_shape" ? "batch_input_shape" : name] = toKeras2Value(item, name);
  }
  return result;
}

/** A Keras 3 node list (`[{ args: [tensor…], kwargs }]`) as Keras 2's (`[[[layer, node, tensor, {}], …]]`). */
function toKeras2Nodes(nodes: Json): Json {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    if (!isObject(node)) return node;
    const args = Array.isArray(node["args"]) ? node["args"] : [];
    const tensors = args.flatMap((arg) => (Array.isArray(arg) ? arg : [arg])).map(inboundTensor);
    return tensors.filter((tensor): tensor is Json[] => tensor !== undefined);
  });
}

/** `[name, 0, 0]` (one Keras 3 input) as `[[name, 0, 0]]`. */
function toTensorList(value: Json): Json {
  return Array.isArray(value) && typeof value[0] === "string" ? [value] : value;
}

/**
 * The model config as TF.js's model.json `modelTopology` holds it: a Keras 2 config as is, a
 * Keras 3 one in the Keras 2 layout (dtype policies, tensor histories, `batch_shape`).
 */
export function tfjsTopologyOf(model: KerasModelConfig): JsonObject {
  if (!model.keras3) return { class_name: model.config["class_name"] ?? null, config: model.config["config"] ?? null, keras_version: "2", backend: "tensorflow" };
  const converted = toKeras2Value(model.config);
  if (!isObject(converted) || !isObject(converted["config"])) return { class_name: converted, config: null };
  const config = converted["config"];
  const layers = Array.isArray(config["layers"])
    ? config["layers"].map((layer) => (isObject(layer) && "inbound_nodes" in layer ? { ...layer, inbound_nodes: toKeras2Nodes(layer["inbound_nodes"] ?? null) } : layer))
    : config["layers"];
  return {
    class_name: converted["class_name"] ?? null,
    config: {
      ...config,
      layers: layers ?? null,
      ...("input_layers" in config ? { input_layers: toTensorList(config["input_layers"] ?? null) } : {}),
      ...("output_layers" in config ? { output_layers: toTensorList(config["output_layers"] ?? null) } : {}),
    },
    keras_version: "2",
    backend: "tensorflow",
  };
}

/**
 * Keras 3's path of each layer's weights in `model.weights.h5`: `layers/<snake_case class>`,
 * numbered `_1`, `_2`, … per class in the order of the config's layers (as its `saving_lib`
 * names them), keyed by layer name.
 */
export function keras3WeightPaths(model: KerasModelConfig): Map<string, string> {
  const config = model.config["config"];
  const layers = isObject(config) && Array.isArray(config["layers"]) ? config["layers"] : [];
  const used = new Map<string, number>();
  const paths = new Map<string, string>();
  for (const layer of layers) {
    if (!isObject(layer) || typeof layer["class_name"] !== "string") continue;
    const layerConfig = isObject(layer["config"]) ? layer["config"] : {};
    const name = typeof layer["name"] === "string" ? layer["name"] : typeof layerConfig["name"] === "string" ? layerConfig["name"] : undefined;
    const base = snakeCase(layer["class_name"]);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    if (name !== undefined) paths.set(name, `layers/${count === undefined ? base : `${base}_${count + 1}`}`);
  }
  return paths;
}
