/**
 * What every phase of one experiment's check shares: its file, the place diagnostics go,
 * and the search spaces found so far.
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { PlannedSearchSpace } from "./experiment-plan.js";

/** Where a value sits in the stage specs, so a search space written there can be substituted. */
export interface SpaceSite {
  /** Path into the plan: `["train", "optimizer", "learningRate"]`. */
  readonly path: readonly (string | number)[];
  /** The hyperparameter's name in reports: `train.optimizer.learning_rate`. */
  readonly name: string;
}

/** The surroundings of one experiment's check. */
export interface ExperimentContext {
  /** The `.dlm` file the experiment is written in. */
  readonly file: string;
  readonly experimentName: string;
  /** True when the experiment has `tune { }`: search spaces may stand in train and fine_tune settings. */
  readonly tuning: boolean;
  /** Search spaces read so far, in source order. */
  readonly searchSpaces: PlannedSearchSpace[];
  report(diagnostic: Diagnostic): void;
  /** True once an error was reported for this experiment (no plan is made then). */
  hasErrors(): boolean;
}

/** A context collecting diagnostics and search spaces in arrays. */
export function makeExperimentContext(file: string, experimentName: string, tuning: boolean): ExperimentContext & { readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  return {
    file,
    experimentName,
    tuning,
    searchSpaces: [],
    diagnostics,
    report(diagnostic) {
      diagnostics.push(diagnostic);
    },
    hasErrors() {
      return diagnostics.some((diagnostic) => diagnostic.severity === "error");
    },
  };
}

/** The site of a field below `site`: `train.optimizer` + `learning_rate` → `train.optimizer.learning_rate` / `learningRate`. */
export function childSite(site: SpaceSite | undefined, name: string | number): SpaceSite | undefined {
  if (site === undefined) return undefined;
  if (typeof name === "number") return { path: [...site.path, name], name: `${site.name}[${name}]` };
  return { path: [...site.path, camelCase(name)], name: `${site.name}.${name}` };
}

/** `learning_rate` → `learningRate`: DLM names become the runtime's field names. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
