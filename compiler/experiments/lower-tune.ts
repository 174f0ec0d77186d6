/**
 * `tune { }`: how many trials, which logged value to optimise, grid or random, and the
 * epochs per trial. The search spaces themselves are read where they are written.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { SectionReading } from "./read-sections.js";
import { readScalarSetting } from "./read-values.js";

/** `tune { }` read: the settings (defaults filled) and where the objective is. */
export interface TuneReading {
  readonly trials: number;
  readonly objective: string;
  readonly strategy: "grid" | "random";
  readonly maxEpochs?: number;
  /** Where `objective` is written, or the section's name for the default `val_loss`. */
  readonly objectiveRange: SourceRange;
  readonly objectiveWritten: boolean;
}

/** Reads `tune { }`; undefined when a setting is missing or wrong (reported). */
export function readTune(section: SectionReading, context: ExperimentContext): TuneReading | undefined {
  let complete = true;
  const read = (name: string) => {
    const setting = section.settings.get(name);
    const spec = section.spec.settings.find((candidate) => candidate.name === name);
    if (setting === undefined || spec === undefined) return undefined;
    const value = readScalarSetting(setting, spec, "tune", context);
    if (value === undefined) complete = false;
    return value;
  };
  const trials = read("trials");
  const objective = read("objective");
  const strategy = read("strategy");
  const maxEpochs = read("max_epochs");
  if (!complete || typeof trials !== "number") return undefined;
  const objectiveSetting = section.settings.get("objective");
  return {
    trials,
    objective: typeof objective === "string" ? objective : "val_loss",
    strategy: strategy === "grid" ? "grid" : "random",
    ...(typeof maxEpochs === "number" ? { maxEpochs } : {}),
    objectiveRange: objectiveSetting?.value.range ?? section.name.range,
    objectiveWritten: objectiveSetting !== undefined,
  };
}
