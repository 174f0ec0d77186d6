/**
 * `dlm models [--json]`: the zoo of `pretrained(NAME)` — weight counts with and without the
 * top, the float32 size of those weights, the input size the ImageNet weights were trained
 * at, the licence, and whether Keras's weight files are in DLM's cache.
 * `dlm models fetch NAME [--top]`: downloads Keras's weight file (and with `--top` the one with
 * the classifier) into the cache, checked against Keras's md5 (runtime/zoo-download.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildZooModel, findArchitecture, weightSourceFor, ZOO, type ZooArchitecture } from "../../compiler/zoo/index.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { zooCacheDir } from "../../runtime/zoo-backbone.js";
import { ensureWeightFile, readCacheManifest, weightFileUrl, type CacheRecord } from "../../runtime/zoo-download.js";
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE } from "../cli-contract.js";

/** What `dlm models` says about one weight file. */
interface WeightFileFacts {
  readonly file: string;
  readonly params: number;
  /** Bytes of the weights as float32 (Keras's .h5 files add a little layout around them). */
  readonly float32Bytes: number;
  readonly cached: boolean;
  readonly url: string;
  readonly md5?: string;
  /** The SHA-256 the cache manifest recorded when DLM checked the file. */
  readonly sha256?: string;
  /** The most bytes a download of it may have. */
  readonly maxBytes: number;
}

interface ModelFacts {
  readonly name: string;
  readonly keras: string;
  readonly input: readonly number[];
  readonly licence: string;
  /** Keras's `preprocess_input` mode the weights take, applied by DLM before the network. */
  readonly preprocessing: string;
  readonly top: WeightFileFacts;
  readonly noTop: WeightFileFacts;
}

function paramsOf(architecture: ZooArchitecture, includeTop: boolean): number {
  const built = buildZooModel({
    architecture: architecture.name,
    weights: "none",
    includeTop,
    pooling: "none",
    until: "",
    input: architecture.inputSize,
  });
  if (!("model" in built)) throw new Error(`the zoo's ${architecture.name} does not build: ${built.message}`);
  return built.model.params;
}

function factsOf(architecture: ZooArchitecture, cacheDir: string, manifest: Record<string, CacheRecord>): ModelFacts {
  const weightFile = (includeTop: boolean): WeightFileFacts => {
    const params = paramsOf(architecture, includeTop);
    const source = weightSourceFor(architecture, includeTop, architecture.inputSize[0]);
    const sha256 = manifest[source.file]?.sha256;
    return {
      file: source.file,
      params,
      float32Bytes: params * 4,
      cached: fs.existsSync(path.join(cacheDir, source.file)),
      url: weightFileUrl(source),
      ...(source.md5 ? { md5: source.md5 } : {}),
      ...(sha256 ? { sha256 } : {}),
      maxBytes: source.maxBytes,
    };
  };
  return {
    name: architecture.name,
    keras: architecture.keras,
    input: architecture.inputSize,
    licence: architecture.licence,
    preprocessing: architecture.preprocessing,
    top: weightFile(true),
    noTop: weightFile(false),
  };
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (value: number): string => value.toLocaleString("en-US");

function pad(cells: readonly string[][]): string {
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

/** `dlm models [--json]`. */
export async function runModelsCommand(options: { json: boolean }): Promise<number> {
  const cacheDir = zooCacheDir();
  const manifest = await readCacheManifest(cacheDir);
  const facts = ZOO.map((architecture) => factsOf(architecture, cacheDir, manifest));
  if (options.json) {
    process.stdout.write(JSON.stringify({ cache: cacheDir, models: facts }, null, 2) + "\n");
    return EXIT_OK;
  }
  const rows = [
    ["model", "keras", "input", "preprocessing", "params (top / no top)", "float32 weights (top / no top)", "cached (top / no top)", "licence"],
    ...facts.map((model) => [
      model.name,
      model.keras,
      `[${model.input.join(", ")}]`,
      model.preprocessing,
      `${count(model.top.params)} / ${count(model.noTop.params)}`,
      `${megabytes(model.top.float32Bytes)} / ${megabytes(model.noTop.float32Bytes)}`,
      `${model.top.cached ? "yes" : "no"} / ${model.noTop.cached ? "yes" : "no"}`,
      model.licence,
    ]),
  ];
  process.stdout.write(`${pad(rows)}\n\n`);
  process.stdout.write(
    `Weight files are read from ${cacheDir} (DLM_CACHE moves the cache). \`pretrained(NAME, weights: imagenet)\`\n` +
      "downloads its file on first use; `dlm models fetch NAME` downloads it ahead (`--top`: the file with the classifier too);\n" +
      "`weights: none` needs no file.\n",
  );
  return EXIT_OK;
}

/**
 * `dlm models fetch NAME [--top]`: the weight file without the top (and with `--top` the one
 * with it) in the cache, downloaded and checked where it is missing; a file already there is
 * checked against Keras's md5. A failure says how to pre-seed the cache offline.
 */
export async function runModelsFetchCommand(name: string, options: { top: boolean }): Promise<number> {
  const architecture = findArchitecture(name);
  if (architecture === undefined) {
    const names = ZOO.map((entry) => entry.name);
    const help = didYouMean(name, names);
    process.stderr.write(`dlm models fetch: unknown model \`${name}\`; the zoo has ${names.join(", ")}${help ? ` (${help})` : ""}\n`);
    return EXIT_USAGE;
  }
  const folder = zooCacheDir();
  const sources = [false, ...(options.top ? [true] : [])].map((includeTop) => weightSourceFor(architecture, includeTop, architecture.inputSize[0]));
  for (const source of sources) {
    try {
      const cached = await ensureWeightFile(source, { folder });
      const checked = source.md5 === undefined ? "Keras publishes no md5 for it" : `md5 ${source.md5} verified`;
      process.stdout.write(
        `${name}: ${cached.downloaded ? "downloaded" : "already cached:"} ${cached.file} (${megabytes(cached.bytes)}, ${checked}; SHA-256 ${cached.sha256})\n`,
      );
    } catch (error) {
      process.stderr.write(`dlm models fetch: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_ERRORS;
    }
  }
  return EXIT_OK;
}
