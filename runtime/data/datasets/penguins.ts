/** Palmer penguins from `vega-datasets` (JSON records; some measurements and sexes are missing). */
import { readFileSync } from "node:fs";
import { DataError } from "../errors.js";
import { tableFromRows, type Cell, type TableSource } from "../raw.js";

/** Species in label order. */
export const PENGUIN_CLASSES = ["Adelie", "Chinstrap", "Gentoo"] as const;
/** Feature columns in record order. */
export const PENGUIN_FEATURES = [
  "Island",
  "Beak Length (mm)",
  "Beak Depth (mm)",
  "Flipper Length (mm)",
  "Body Mass (g)",
  "Sex",
] as const;
/** Categories are declared so the one-hot width is the same whatever the split. */
const ISLANDS = ["Biscoe", "Dream", "Torgersen"];
const SEXES = ["FEMALE", "MALE"];

/** Reads the 344 penguins from `penguins.json`; the placeholder sex "." counts as missing. */
export async function loadPenguins(file: string): Promise<TableSource> {
  const records = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(records)) throw new DataError("unexpected layout: expected an array of records", { file });
  const columns = ["Species", ...PENGUIN_FEATURES];
  const rows = records.map((record: Record<string, unknown>) =>
    columns.map((name): Cell => {
      const value = record[name];
      if (typeof value === "number") return value;
      return typeof value === "string" && value !== "." ? value : null;
    }),
  );
  return {
    kind: "table",
    table: tableFromRows(file, columns, rows),
    label: "Species",
    features: PENGUIN_FEATURES,
    task: "classification",
    classes: PENGUIN_CLASSES,
    schema: [
      { name: "Island", kind: "categorical", categories: ISLANDS },
      { name: "Beak Length (mm)", kind: "numeric" },
      { name: "Beak Depth (mm)", kind: "numeric" },
      { name: "Flipper Length (mm)", kind: "numeric" },
      { name: "Body Mass (g)", kind: "numeric" },
      { name: "Sex", kind: "categorical", categories: SEXES },
    ],
  };
}
