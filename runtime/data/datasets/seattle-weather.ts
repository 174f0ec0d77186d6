/** Daily Seattle weather 2012–2015 from `vega-datasets` (CSV, one row per day in date order). */
import { readCsvTable } from "../csv.js";
import type { TableSource } from "../raw.js";

/** Weather kinds in label order. */
export const WEATHER_CLASSES = ["drizzle", "fog", "rain", "snow", "sun"] as const;
/** Numeric feature columns (the date is left out; `window` can still use the row order). */
export const WEATHER_FEATURES = ["precipitation", "temp_max", "temp_min", "wind"] as const;

/** Reads the 1,461 days from `seattle-weather.csv`. */
export async function loadSeattleWeather(file: string): Promise<TableSource> {
  return {
    kind: "table",
    table: readCsvTable(file),
    label: "weather",
    features: WEATHER_FEATURES,
    task: "classification",
    classes: WEATHER_CLASSES,
    schema: WEATHER_FEATURES.map((name) => ({ name, kind: "numeric" })),
  };
}
