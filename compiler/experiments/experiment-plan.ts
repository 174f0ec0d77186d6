/**
 * An experiment after checking: every setting resolved to plain data in the runtime's
 * own types (so the emitter only prints it), the model expanded with shapes inferred
 * from the data, and the search spaces of `tune`. Produced by `check-experiments.ts`,
 * consumed by `emitter.ts` and the language server.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { BackendName } from "../../runtime/backend.js";
import type { DataSpec } from "../../runtime/data/spec.js";
import type { EvaluateSpec, FineTuneSpec, SearchSpace, StageSpec } from "../../runtime/experiment.js";
import type { DataInfo } from "../../runtime/prepared-data.js";
import type { ParallelSetting } from "../../runtime/parallel/trial-count.js";
import type { ModelGraph } from "../expand-model.js";
import type { InferredLayer } from "../infer-shapes.js";
import type { PretrainedInfo, Shape, TfjsConfigValue } from "../layers/layer-definition.js";

/** The model an experiment trains, with shapes inferred from the data. */
export interface PlannedModel {
  /** The declared model's name, or the experiment's name for an inline `model { }`. */
  readonly name: string;
  /** Where the model is written (the declaration or the inline body). */
  readonly file: string;
  readonly range: SourceRange;
  readonly graph: ModelGraph;
  /** The input shape: the data's feature shape. */
  readonly input: Shape;
  readonly output: Shape;
  readonly layers: readonly InferredLayer[];
  readonly params: number;
  readonly trainableParams: number;
  /** The saved models its `pretrained("…/model.json")` layers load (a named architecture comes from the zoo). */
  readonly backbones?: readonly PlannedBackbone[];
}

/** The saved model a `pretrained("…/model.json", until)` layer loads: its layers up to `until`, at the input the model gives it. */
export interface PlannedBackbone {
  /** The `pretrained` layer's name in the model. */
  readonly layer: string;
  /** Its input shape (the batch left out). */
  readonly input: Shape;
  /** The kept layers in the file's order (its input layer too), with shapes at `input` and what the file says each computes. */
  readonly layers: PretrainedInfo["layers"];
}

/**
 * Where a search space stands in the experiment. `setting` spaces replace a value of the
 * stage specs (by a path such as `train.optimizer.learningRate`); `layer` spaces replace a
 * layer argument, found by the layer's name and parameter.
 */
export type SearchSpaceSite =
  | { readonly kind: "setting"; readonly path: readonly (string | number)[] }
  | {
      readonly kind: "layer";
      /** The first layer the space reaches (it names the hyperparameter). */
      readonly layerName: string;
      readonly param: string;
      /**
       * Every layer it reaches (copies made by a block or `repeat` share one space), with the
       * TF.js config paths that take its value as is (`units`, `kernelRegularizer.regularizer.l2`)
       * and, for a config key the first point leaves out, the value whose structure it fills in.
       */
      readonly layers: readonly {
        readonly name: string;
        readonly configKeys: readonly string[];
        readonly templates?: Readonly<Record<string, TfjsConfigValue>>;
      }[];
    };

/** One `choice(...)`, `range(...)` or `log_range(...)` of a `tune` experiment. */
export interface PlannedSearchSpace {
  /** The hyperparameter's name in reports: `train.optimizer.learning_rate`, `dense_1.units`. */
  readonly name: string;
  readonly space: SearchSpace;
  readonly site: SearchSpaceSite;
  readonly file: string;
  readonly range: SourceRange;
}

/** A checked experiment, ready to be emitted. */
export interface ExperimentPlan {
  readonly name: string;
  readonly file: string;
  /** The experiment's name in its declaration. */
  readonly nameRange: SourceRange;
  readonly seed: number;
  readonly backend: BackendName;
  /** `engine:` as written; absent means TF.js. */
  readonly engine?: "tfjs" | "torch";
  /** The `data { }` section in the runtime's types; paths as written (relative to the `.dlm` folder). */
  readonly data: DataSpec;
  /** What the data looks like, known before loading it. */
  readonly dataInfo: DataInfo;
  readonly model: PlannedModel;
  /** Stage specs; a searched value holds the first point of its space (the emitter substitutes it). */
  readonly train: StageSpec;
  readonly fineTune?: FineTuneSpec;
  readonly tune?: {
    readonly trials: number;
    readonly objective: string;
    readonly strategy: "grid" | "random";
    readonly maxEpochs?: number;
    readonly parallel: ParallelSetting;
    readonly spaces: readonly PlannedSearchSpace[];
  };
  readonly evaluate: EvaluateSpec;
  /** Export directory as written (relative to the `.dlm` folder). */
  readonly export?: string;
}
