/**
 * `dlm models [--json]`: the zoo of `pretrained(NAME)` — weight counts with and without the
 * top, the float32 size of those weights, the input size the ImageNet weights were trained
 * at, the licence, and whether Keras's weight files are in DLM's cache.
 * `dlm models fetch NAME`: where to get a model's weight files and where to put them (DLM
 * does not download them yet).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildZooModel, findArchitecture, weightFileMd5, ZOO, type ZooArchitecture } from "../../compiler/zoo/index.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { zooCacheDir } from "../../runtime/zoo-backbone.js";
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE } from "../cli.js";

/** What `dlm models` says about one weight file. */
interface WeightFileFacts {
  readonly file: string;
  readonly params: number;
  /** Bytes of the weights as float32 (Keras's .h5 files add a little layout around them). */
  readonly float32Bytes: number;
  readonly cached: boolean;
  readonly url: string;
  readonly md5?: string;
}

interface ModelFacts {
  readonly name: string;
  readonly keras: string;
  readonly input: readonly number[];
  readonly licence: string;
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

function factsOf(architecture: ZooArchitecture, cacheDir: string): ModelFacts {
  const weightFile = (file: string, includeTop: boolean): WeightFileFacts => {
    const params = paramsOf(architecture, includeTop);
    const md5 = weightFileMd5(architecture, file);
    return {
      file,
      params,
      float32Bytes: params * 4,
      cached: fs.existsSync(path.join(cacheDir, file)),
      url: `${architecture.weightsUrl}${file}`,
      ...(md5 ? { md5 } : {}),
    };
  };
  return {
    name: architecture.name,
    keras: architecture.keras,
    input: architecture.inputSize,
    licence: architecture.licence,
    top: weightFile(architecture.weightFiles.top, true),
    noTop: weightFile(architecture.weightFiles.noTop, false),
  };
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const count = (value: number): string => value.toLocaleString("en-US");

function pad(cells: readonly string[][]): string {
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

/** `dlm models [--json]`. */
export function runModelsCommand(options: { json: boolean }): number {
  const cacheDir = zooCacheDir();
  const facts = ZOO.map((architecture) => factsOf(architecture, cacheDir));
  if (options.json) {
    process.stdout.write(JSON.stringify({ cache: cacheDir, models: facts }, null, 2) + "\n");
    return EXIT_OK;
  }
  const rows = [
    ["model", "keras", "input", "params (top / no top)", "float32 weights (top / no top)", "cached (top / no top)", "licence"],
    ...facts.map((model) => [
      model.name,
      model.keras,
      `[${model.input.join(", ")}]`,
      `${count(model.top.params)} / ${count(model.noTop.params)}`,
      `${megabytes(model.top.float32Bytes)} / ${megabytes(model.noTop.float32Bytes)}`,
      `${model.top.cached ? "yes" : "no"} / ${model.noTop.cached ? "yes" : "no"}`,
      model.licence,
    ]),
  ];
  process.stdout.write(`${pad(rows)}\n\n`);
  process.stdout.write(
    `Weight files are read from ${cacheDir} (DLM_CACHE moves the cache). Use one with\n` +
      "`pretrained(NAME, weights: imagenet)`; `weights: none` needs no file. `dlm models fetch NAME` says where to get the files.\n",
  );
  return EXIT_OK;
}

/** `dlm models fetch NAME`: the files, their source and md5, and the folder to put them in. */
export function runModelsFetchCommand(name: string): number {
  const architecture = findArchitecture(name);
  if (architecture === undefined) {
    const names = ZOO.map((entry) => entry.name);
    const help = didYouMean(name, names);
    process.stderr.write(`dlm models fetch: unknown model \`${name}\`; the zoo has ${names.join(", ")}${help ? ` (${help})` : ""}\n`);
    return EXIT_USAGE;
  }
  const cacheDir = zooCacheDir();
  const facts = factsOf(architecture, cacheDir);
  const files = [facts.top, facts.noTop];
  if (files.every((file) => file.cached)) {
    process.stdout.write(`${name}: both weight files are in ${cacheDir}\n`);
    return EXIT_OK;
  }
  const lines = [
    `${name}: DLM does not download weight files yet. Place Keras's files in ${cacheDir}:`,
    ...files.map(
      (file) =>
        `  ${file.cached ? "cached " : "missing"}  ${file.file}  (${megabytes(file.float32Bytes)} of float32 weights${file.md5 ? `, md5 ${file.md5}` : ""})\n` +
        `           from ${file.url}`,
    ),
    `The file without the top serves \`include_top: false\` (the default), the other \`include_top: true\`.`,
    "On a machine with network access: `curl -fLO URL`, then copy the file into the folder above.",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT_ERRORS;
}
