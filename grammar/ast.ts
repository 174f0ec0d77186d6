/**
 * The DLM syntax tree: plain data with source ranges, produced by `cst-to-ast.ts`.
 *
 * Every node carries `range` (character offsets into its file, `end` exclusive).
 * After a syntax error the parser recovers, and parts it could not read are filled
 * with placeholder nodes whose `missing` flag is true; later phases skip those
 * silently (the syntax error has already been reported).
 */

import type { SourceRange } from "../diagnostics/source-range.js";

export type { SourceRange };

interface NodeBase {
  readonly range: SourceRange;
  /** True for a placeholder the parser invented while recovering from an error. */
  readonly missing?: boolean;
}

/** A name as written: model, block, layer, setting, parameter, enum value. */
export interface Identifier extends NodeBase {
  readonly kind: "Identifier";
  readonly name: string;
}

/** A whole `.dlm` file. */
export interface DlmFile extends NodeBase {
  readonly kind: "File";
  readonly imports: readonly ImportDecl[];
  readonly declarations: readonly Declaration[];
}

/** `import "other.dlm"` */
export interface ImportDecl extends NodeBase {
  readonly kind: "Import";
  readonly path: StringLiteral;
}

export type Declaration = ModelDecl | BlockDecl | ExperimentDecl;

/** `model NAME (input: [28, 28, 1]) { layers }` — `input` is optional. */
export interface ModelDecl extends NodeBase {
  readonly kind: "Model";
  readonly name: Identifier;
  /** The declared input shape value (a list), when written. */
  readonly input?: Value;
  readonly body: readonly Layer[];
  /** Text of the `///` comments directly above, without the slashes. */
  readonly doc?: string;
}

/** `block NAME (param: type = default, ...) { layers }` */
export interface BlockDecl extends NodeBase {
  readonly kind: "Block";
  readonly name: Identifier;
  readonly params: readonly BlockParam[];
  readonly body: readonly Layer[];
  readonly doc?: string;
}

/** Block parameter types written after `:`. */
export type BlockParamType = "int" | "float" | "string" | "bool" | "shape" | "activation";

export interface BlockParam extends NodeBase {
  readonly kind: "BlockParam";
  readonly name: Identifier;
  /** The type name as written (checked by the binder against {@link BlockParamType}). */
  readonly type?: Identifier;
  readonly defaultValue?: Value;
}

/** `experiment NAME { members }` */
export interface ExperimentDecl extends NodeBase {
  readonly kind: "Experiment";
  readonly name: Identifier;
  readonly members: readonly Member[];
  readonly doc?: string;
}

export type Member = Setting | Section | InlineModel | CallMember;

/** `NAME: value` */
export interface Setting extends NodeBase {
  readonly kind: "Setting";
  readonly name: Identifier;
  readonly value: Value;
}

/** `NAME { members }` or `NAME(args) { members }` — e.g. `data { ... }`, `stage warmup { ... }`. */
export interface Section extends NodeBase {
  readonly kind: "Section";
  readonly name: Identifier;
  readonly args: readonly Arg[];
  readonly members: readonly Member[];
}

/** `model { layers }` inside an experiment. */
export interface InlineModel extends NodeBase {
  readonly kind: "InlineModel";
  readonly body: readonly Layer[];
}

/** A call standing alone in a section, e.g. a callback `early_stopping(patience: 3)`. */
export interface CallMember extends NodeBase {
  readonly kind: "CallMember";
  readonly call: Call;
}

export type Layer = LayerCall | ResidualLayer | RepeatLayer;

/** `conv2d(32, 3)`, bare `flatten`, or a named layer `feats = dense(64)`. */
export interface LayerCall extends NodeBase {
  readonly kind: "LayerCall";
  /** The layer's own name when written as `NAME = call`. */
  readonly layerName?: Identifier;
  readonly call: Call;
}

/**
 * `residual { layers }`: output = input + body(input); `residual(shortcut: { layers }) { … }`:
 * output = shortcut(input) + body(input) (a projection shortcut, as ResNet's first block of a stage);
 * `NAME = residual …` names the `add`.
 */
export interface ResidualLayer extends NodeBase {
  readonly kind: "Residual";
  readonly keyword: SourceRange;
  /** The name of the merging `add` when written as `NAME = residual …`. */
  readonly layerName?: Identifier;
  /** The options in parentheses, in order (`shortcut` is the one the checker knows). */
  readonly options: readonly ResidualOption[];
  readonly body: readonly Layer[];
}

/** `shortcut: { layers }` inside `residual(...)`. */
export interface ResidualOption extends NodeBase {
  readonly kind: "ResidualOption";
  readonly name: Identifier;
  readonly body: readonly Layer[];
}

/** `repeat N { layers }`: the body copied N times. */
export interface RepeatLayer extends NodeBase {
  readonly kind: "Repeat";
  readonly keyword: SourceRange;
  readonly count: Value;
  readonly body: readonly Layer[];
}

/** `name(args)`; a bare `name` in layer position is a call with `hasParens: false`. */
export interface Call extends NodeBase {
  readonly kind: "Call";
  readonly callee: Identifier;
  readonly args: readonly Arg[];
  readonly hasParens: boolean;
}

/** One argument: positional (`name` absent) or named (`name: value`). */
export interface Arg extends NodeBase {
  readonly kind: "Arg";
  readonly name?: Identifier;
  readonly value: Value;
}

export type Value =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NameRef
  | Call
  | ListValue
  | ObjectValue
  | BinaryExpr
  | UnaryExpr
  | MissingValue;

export interface NumberLiteral extends NodeBase {
  readonly kind: "Number";
  readonly value: number;
  /** The literal as written, e.g. `1e-3`. */
  readonly text: string;
}

export interface StringLiteral extends NodeBase {
  readonly kind: "String";
  /** The decoded value (escapes applied). */
  readonly value: string;
}

export interface BooleanLiteral extends NodeBase {
  readonly kind: "Boolean";
  readonly value: boolean;
}

/** A bare name in value position: `relu`, `val_loss`, `test`, a block parameter. */
export interface NameRef extends NodeBase {
  readonly kind: "Name";
  readonly name: string;
}

/** `[a, b, c]` — shapes and lists. */
export interface ListValue extends NodeBase {
  readonly kind: "List";
  readonly items: readonly Value[];
}

/** `{ key: value, ... }` — keys may be names, strings or numbers (`class_weight: { 0: 2.0 }`). */
export interface ObjectValue extends NodeBase {
  readonly kind: "Object";
  readonly entries: readonly ObjectEntry[];
}

export interface ObjectEntry extends NodeBase {
  readonly kind: "ObjectEntry";
  readonly key: Identifier | StringLiteral | NumberLiteral;
  readonly value: Value;
}

export type BinaryOperator = "+" | "-" | "*" | "/";

/** Constant arithmetic, folded by the checker: `1 / 255`. Parentheses leave no node. */
export interface BinaryExpr extends NodeBase {
  readonly kind: "Binary";
  readonly operator: BinaryOperator;
  readonly left: Value;
  readonly right: Value;
}

/** `-x` or `+x`. */
export interface UnaryExpr extends NodeBase {
  readonly kind: "Unary";
  readonly operator: "+" | "-";
  readonly operand: Value;
}

/** A value the parser could not read (always `missing: true`). */
export interface MissingValue extends NodeBase {
  readonly kind: "Missing";
}

export type AnyNode =
  | DlmFile
  | ImportDecl
  | Declaration
  | BlockParam
  | Member
  | Layer
  | ResidualOption
  | Arg
  | Value
  | ObjectEntry
  | Identifier;
