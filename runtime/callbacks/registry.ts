/**
 * The runtime's half of the callback registry: each callback of `callbacks { }` is built from
 * its spec by the factory registered here under the name of its definition
 * (`compiler/registry/callbacks/`); a test keeps both lists equal. Adding a callback:
 * docs/contributing.md.
 */
import * as path from "node:path";
import type { CallbackSpec } from "../experiment.js";
import { csvLogger } from "./csv-logger.js";
import { earlyStopping } from "./early-stopping.js";
import { modelCheckpoint } from "./model-checkpoint.js";
import { progress } from "./progress.js";
import { reduceLrOnPlateau } from "./reduce-lr-on-plateau.js";
import { terminateOnNaN } from "./terminate-on-nan.js";
import type { Callback } from "./callback.js";

/** What a factory may need besides its spec. */
export interface CallbackEnvironment {
  /** Folder of the `.dlm` file: relative paths of a spec resolve against it. */
  readonly baseDir: string;
  /** No output on the terminal (tests, `--quiet`). */
  readonly quiet: boolean;
}

/** The spec of the callback named `Kind`. */
type SpecOf<Kind extends CallbackSpec["kind"]> = Extract<CallbackSpec, { readonly kind: Kind }>;

/** Builds the callbacks of one spec (none when it does not apply, e.g. `progress` when quiet). */
export type CallbackFactory<Kind extends CallbackSpec["kind"]> = (spec: SpecOf<Kind>, environment: CallbackEnvironment) => Callback[];

/** One factory per callback name. */
export const CALLBACK_FACTORIES: { readonly [Kind in CallbackSpec["kind"]]: CallbackFactory<Kind> } = {
  early_stopping: (spec) => [earlyStopping(spec)],
  model_checkpoint: (spec, { baseDir }) => [modelCheckpoint({ ...spec, path: path.resolve(baseDir, spec.path) })],
  reduce_lr_on_plateau: (spec) => [reduceLrOnPlateau(spec)],
  csv_logger: (spec, { baseDir }) => [csvLogger({ path: path.resolve(baseDir, spec.path) })],
  // The run reports a divergence itself (`error: …`, metrics.json): no second copy here.
  terminate_on_nan: () => [terminateOnNaN({ log: () => undefined, checkWeights: true })],
  progress: (spec, { quiet }) => (quiet ? [] : [progress({ bar: spec.bar })]),
};

/** Builds the callbacks of a stage from their specs; paths resolve against the `.dlm` folder. */
export function makeCallbacks(specs: readonly CallbackSpec[], baseDir: string, quiet: boolean): Callback[] {
  return specs.flatMap((spec) => buildCallback(spec, { baseDir, quiet }));
}

function buildCallback<Kind extends CallbackSpec["kind"]>(spec: SpecOf<Kind>, environment: CallbackEnvironment): Callback[] {
  const factory = CALLBACK_FACTORIES[spec.kind as Kind] as CallbackFactory<Kind> | undefined;
  if (factory === undefined) throw new Error(`no callback named \`${spec.kind}\` in this runtime (runtime/callbacks/registry.ts)`);
  return factory(spec, environment);
}
