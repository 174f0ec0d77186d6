/**
 * The layer registry's entry type. One `LayerDefinition` per layer kind serves the
 * checker (parameters, input spec, output shape), the emitter (TF.js factory and
 * config), hover and completion (docs, defaults). Adding a layer is one entry.
 */

/** A shape without the batch dimension; `null` is an unknown length (`?`). */
export type Shape = readonly (number | null)[];

/** Types a layer parameter can take. */
export type ParamType =
  | "int"
  | "float"
  | "bool"
  | "string"
  /** an activation name: `linear relu relu6 elu selu sigmoid hard_sigmoid tanh softmax softplus softsign swish mish gelu` */
  | "activation"
  /** an int, or a list of ints of the layer's spatial rank (`kernel: 3` or `kernel: [3, 5]`) */
  | "int_or_tuple"
  /**
   * 2-D padding: an int, `[height, width]`, or `[[top, bottom], [left, right]]`; the
   * asymmetric form resolves to the flat list `[top, bottom, left, right]`.
   */
  | "padding2d"
  /** a list of ints (e.g. `reshape([7, 7, 64])`) */
  | "shape"
  /** one of `values` */
  | "enum"
  /** a layer call, e.g. the `lstm(64)` of `bidirectional(lstm(64))` */
  | "layer";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** One line for hover and completion. */
  readonly doc: string;
  /** Default when not written; absent means the parameter is required (unless `defaultFrom` is set). */
  readonly default?: ParamValue;
  /**
   * When not written, takes the value of this other parameter of the same call
   * (pooling's `stride` defaults to its `size`). Such a parameter is not required.
   */
  readonly defaultFrom?: string;
  /** For `enum`. */
  readonly values?: readonly string[];
  /** Inclusive bounds for numbers (each element for tuples). */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive bounds for numbers. */
  readonly greaterThan?: number;
  readonly lessThan?: number;
}

/** A nested layer call given as a parameter value (bidirectional's recurrent layer). */
export interface LayerCallValue {
  readonly layer: string;
  readonly args: ResolvedArgs;
}

export type ParamValue = number | string | boolean | readonly number[] | LayerCallValue;

/** Arguments after positional/named matching and defaults: every declared parameter present. */
export type ResolvedArgs = Readonly<Record<string, ParamValue>>;

/** Declarative input constraint, like tfjs-layers' `InputSpec`. */
export interface InputSpec {
  /** Exact rank (without batch). */
  readonly rank?: number;
  readonly minRank?: number;
  readonly maxRank?: number;
  /** Human description for messages, e.g. "[height, width, channels]". */
  readonly description: string;
}

/** What a shape rule returns: the output shape, or a user-facing problem. */
export type ShapeResult =
  | { readonly ok: true; readonly shape: Shape }
  | {
      readonly ok: false;
      /** Registry code, e.g. `DLM402` (size reaches ≤ 0). */
      readonly code: string;
      readonly message: string;
      /** The parameter the problem is about, so the diagnostic can point at its argument. */
      readonly param?: string;
      readonly help?: string;
    };

export interface ParamCount {
  readonly total: number;
  readonly trainable: number;
}

/** Facts about a saved TF.js layers model, read from model.json without weights. */
export interface PretrainedInfo {
  readonly inputShape: Shape;
  /** Layer names in order, with each one's output shape (batch dimension dropped). */
  readonly layers: readonly {
    readonly name: string;
    readonly className: string;
    readonly outputShape: Shape;
    readonly params: number;
    /** Weights training may update once the layer is unfrozen (batch-norm statistics excluded); absent means all. */
    readonly trainableParams?: number;
    /**
     * What the layer computes, for an engine that rebuilds the model from its layers (the torch
     * engine): the layers it reads (`""`: the model's input), and its class's config as the
     * saved file holds it (snake_case keys) or, for the model an earlier experiment exports
     * (known before the file exists), the DLM layer and its TF.js config (`add`: a residual's sum).
     */
    readonly saved?: {
      readonly inputs: readonly string[];
      readonly config?: { readonly [key: string]: unknown };
      readonly dlm?: { readonly kind: string; readonly config: Readonly<Record<string, TfjsConfigValue>> };
    };
  }[];
  /** Set when shapes could not be inferred past some layer: `layers` ends just before it. */
  readonly stoppedAt?: { readonly name: string; readonly className: string; readonly reason: string };
  /**
   * Recomputes the facts for another input of the same rank (a smaller image, say);
   * a string says why that input cannot work. Absent: only the saved input is accepted.
   */
  readonly atInput?: (input: Shape) => PretrainedInfo | string;
}

/** A named architecture asked for by `pretrained(resnet50, …)`, at the input it receives. */
export interface ZooRequest {
  readonly architecture: string;
  readonly weights: string;
  readonly includeTop: boolean;
  readonly pooling: string;
  /** The last layer kept; empty keeps all. */
  readonly until: string;
  readonly input: Shape;
}

/** Why a named architecture cannot take a request (a catalog code and its message). */
export interface ZooProblem {
  readonly code: string;
  readonly message: string;
  readonly param?: string;
  readonly help?: string;
}

/** Things a shape rule may need from outside (only `pretrained` uses it). */
export interface ShapeContext {
  /** Reads model.json at a path already resolved against the `.dlm` file; a string is an error message. */
  readonly readPretrained: (path: string) => PretrainedInfo | string;
  /**
   * A named architecture's layers at the request's input, cut after `until` when it names one of
   * them (else whole, so the caller can name the layers there are). Absent where no zoo is at hand.
   */
  readonly readZoo?: (request: ZooRequest) => PretrainedInfo | ZooProblem;
}

/**
 * A value in the TF.js layer config the emitter writes. Plain JSON-like values, plus
 * a regularizer (emitted as `tf.regularizers.l1l2({...})`).
 */
export type TfjsConfigValue =
  | number
  | string
  | boolean
  | null
  | readonly TfjsConfigValue[]
  | { readonly regularizer: { readonly l1: number; readonly l2: number } }
  | { readonly [key: string]: TfjsConfigValue };

export interface LayerDefinition {
  /** The DLM name, e.g. `conv2d`. */
  readonly name: string;
  /** Registry family (one file each): core, conv, pooling, normalization, recurrent, ... */
  readonly family: string;
  /** One paragraph for hover and docs. */
  readonly doc: string;
  /** Parameters in positional order. */
  readonly params: readonly ParamSpec[];
  readonly inputSpec: InputSpec;
  /** Pure shape rule; called only with an input that satisfies `inputSpec`. */
  readonly outputShape: (input: Shape, args: ResolvedArgs, context: ShapeContext) => ShapeResult;
  /** Weights created for this input (batch_norm: 4×channels, half trainable). */
  readonly paramCount: (input: Shape, args: ResolvedArgs, context: ShapeContext) => ParamCount;
  /** Extra value checks beyond ParamSpec bounds (e.g. `stride ≤ kernel`); messages for DLM3xx. */
  readonly validate?: (args: ResolvedArgs) => readonly { readonly param: string; readonly message: string }[];
  /**
   * How the emitter builds it: `tf.layers.<factory>(config)`. `config` gets the resolved
   * args and returns the TF.js config (camelCase keys). `pretrained` is emitted specially.
   */
  readonly tfjs: {
    readonly factory: string;
    readonly config: (args: ResolvedArgs, input: Shape) => Readonly<Record<string, TfjsConfigValue>>;
  };
}
