/**
 * Shape inference over an expanded model graph: each layer's input is checked against
 * its declarative input spec (DLM401), then its pure shape rule gives the output
 * (DLM402, DLM403, … from the registry) and its weight count. The first shape error
 * stops inference for that model — what follows would only cascade.
 *
 * Where a shape error points: at the layer call in the model; for a layer that came
 * from a block, at the outermost use of the block in the model (the user wrote that
 * line), with the line inside the block and the other uses as related locations.
 */
import type { SourceRange, Value } from "../grammar/ast.js";
import { makeDiagnostic, type Diagnostic, type DiagnosticFix, type RelatedLocation } from "../diagnostics/diagnostic.js";
import { describeValue, foldConstant, formatNumber } from "./constant-values.js";
import type { GraphNode, LayerNode, ModelGraph, UseSite } from "./expand-model.js";
import { formatShape } from "./layers/shape-arithmetic.js";
import type { InputSpec, ResolvedArgs, Shape, ShapeContext } from "./layers/layer-definition.js";
import { constantSoftmax } from "./checks/check-constant-softmax.js";
import { SHAPES } from "../diagnostics/catalog/shapes.js";
import { OUTCOMES } from "../diagnostics/catalog/outcomes.js";

/** One layer of a model with its inferred shapes and weights: what summaries and hover show. */
export interface InferredLayer {
  /** The model (or experiment, for an inline model) the layer belongs to. */
  readonly model: string;
  readonly name: string;
  /** The layer kind (`conv2d`); `add` for the merge that closes a `residual`. */
  readonly kind: string;
  readonly inputShape: Shape;
  readonly output: Shape;
  readonly params: number;
  readonly trainableParams: number;
  /** Resolved arguments (absent for a residual `add`). */
  readonly args?: ResolvedArgs;
  /** Where the call is written (inside the block for expanded layers; the `residual` keyword for `add`). */
  readonly file: string;
  readonly range: SourceRange;
  /** Block uses that produced the layer, outermost first. */
  readonly origin: readonly UseSite[];
}

/** The result of inferring one model's shapes. */
export interface ShapeInference {
  /** Layers in order, up to the first error; residual bodies come before their `add`. */
  readonly layers: readonly InferredLayer[];
  /** The model's output shape; undefined when inference stopped (an error, or an unresolved layer). */
  readonly output: Shape | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Gives the `ShapeContext` for a layer written in `file` (pretrained paths resolve against it). */
export type ShapeContextFor = (file: string) => ShapeContext;

/**
 * Infers output shapes and weight counts of every layer, from the model's input shape.
 * Asked again for the same graph and input, it answers from memory (see {@link remembered}).
 */
export function inferShapes(graph: ModelGraph, input: Shape, modelName: string, contextFor: ShapeContextFor): ShapeInference {
  const earlier = remembered.get(graph);
  const same = earlier?.find(
    (entry) =>
      entry.modelName === modelName &&
      sameShape(entry.input, input) &&
      (entry.readContextOf === undefined || entry.readContextOf === contextFor),
  );
  if (same) return same.result;
  let readContext = false;
  const observedContextFor: ShapeContextFor = (file) => ({
    // The zoo's answers depend on the request alone, not on files: not worth observing.
    ...(contextFor(file).readZoo ? { readZoo: contextFor(file).readZoo } : {}),
    readPretrained: (path) => {
      readContext = true;
      return contextFor(file).readPretrained(path);
    },
  });
  const layers: InferredLayer[] = [];
  const diagnostics: Diagnostic[] = [];
  const output = inferNodes(graph.nodes, input, { modelName, contextFor: observedContextFor, layers, diagnostics });
  const result: ShapeInference = { layers, output, diagnostics };
  const entry: RememberedInference = { input, modelName, readContextOf: readContext ? contextFor : undefined, result };
  if (earlier) earlier.push(entry);
  else remembered.set(graph, [entry]);
  return result;
}

/**
 * Inferences already made, by graph (graphs are immutable and live as long as their check).
 * An experiment infers its model from the data's shape, which for a model with a declared
 * input is usually the inference the program made already.
 */
const remembered = new WeakMap<ModelGraph, RememberedInference[]>();

interface RememberedInference {
  readonly input: Shape;
  readonly modelName: string;
  /**
   * The context a layer read a pretrained model through; only that context gives the same
   * answer again (experiments add the models they export to it). Undefined: none was read.
   */
  readonly readContextOf: ShapeContextFor | undefined;
  readonly result: ShapeInference;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a === b || (a.length === b.length && a.every((length, axis) => length === b[axis]));
}

interface InferenceState {
  readonly modelName: string;
  readonly contextFor: ShapeContextFor;
  readonly layers: InferredLayer[];
  readonly diagnostics: Diagnostic[];
}

function inferNodes(nodes: readonly GraphNode[], input: Shape, state: InferenceState): Shape | undefined {
  let current: Shape = input;
  for (const node of nodes) {
    const next = inferNode(node, current, state);
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

function inferNode(node: GraphNode, input: Shape, state: InferenceState): Shape | undefined {
  switch (node.kind) {
    case "broken":
      return undefined;
    case "residual": {
      const bodyOutput = inferNodes(node.body, input, state);
      if (bodyOutput === undefined) return undefined;
      if (node.shortcut !== undefined) return inferProjectedResidual(node, input, bodyOutput, node.shortcut, state);
      if (!shapesCompatible(input, bodyOutput)) {
        state.diagnostics.push(
          shapeDiagnostic(SHAPES.residualShapeMismatch, node, node.range, {
            message: `residual body changes the shape: input ${formatShape(input)} vs body output ${formatShape(bodyOutput)}`,
            help: "the body must end with the shape it starts with (e.g. as many filters or units as the input has channels)",
          }),
        );
        return undefined;
      }
      state.layers.push({
        model: state.modelName,
        name: node.name,
        kind: "add",
        inputShape: input,
        output: input,
        params: 0,
        trainableParams: 0,
        file: node.file,
        range: node.range,
        origin: node.origin,
      });
      return input;
    }
    case "layer":
      return inferLayer(node, input, state);
  }
}

/** `residual(shortcut: { … }) { … }`: body and shortcut both read the input; their outputs must agree. */
function inferProjectedResidual(
  node: Extract<GraphNode, { kind: "residual" }>,
  input: Shape,
  bodyOutput: Shape,
  shortcut: readonly GraphNode[],
  state: InferenceState,
): Shape | undefined {
  const shortcutOutput = inferNodes(shortcut, input, state);
  if (shortcutOutput === undefined) return undefined;
  if (!shapesCompatible(shortcutOutput, bodyOutput)) {
    state.diagnostics.push(
      shapeDiagnostic(SHAPES.residualShapeMismatch, node, node.range, {
        message: `residual body and shortcut end with different shapes: body ${formatShape(bodyOutput)} vs shortcut ${formatShape(shortcutOutput)}`,
        help: "give the shortcut's last convolution as many filters, and the same stride, as the body's",
      }),
    );
    return undefined;
  }
  // A length one side leaves unknown is taken from the other.
  const output = bodyOutput.map((length, axis) => length ?? shortcutOutput[axis] ?? null);
  state.layers.push({
    model: state.modelName,
    name: node.name,
    kind: "add",
    inputShape: bodyOutput,
    output,
    params: 0,
    trainableParams: 0,
    file: node.file,
    range: node.range,
    origin: node.origin,
  });
  return output;
}

function inferLayer(node: LayerNode, input: Shape, state: InferenceState): Shape | undefined {
  if (node.args === undefined) return undefined;
  const definition = node.definition;
  if (!fitsInputSpec(definition.inputSpec, input)) {
    const help = reshapeHelp(definition.name, definition.inputSpec, input);
    // Not for a named layer (`head = dense(10)`): the range starts at the call, after `head =`.
    const inserted = help && !node.explicitName ? /^add `(.+)` before it$/.exec(help)?.[1] : undefined;
    const at = node.range.start;
    state.diagnostics.push(
      shapeDiagnostic(SHAPES.wrongInputRank, node, node.range, {
        message: `${definition.name} expects input ${definition.inputSpec.description}, found ${formatShape(input)}`,
        ...(help ? { help } : {}),
        // A new line before the layer (the editor indents it like the layer's line).
        ...(help && inserted ? { fixes: [{ title: help, edits: [{ file: node.file, range: { start: at, end: at }, newText: `${inserted}\n` }] }] } : {}),
      }),
    );
    return undefined;
  }
  const pathOrigin = node.argumentOrigins.get("path");
  const context = state.contextFor(pathOrigin?.file ?? node.file);
  const result = definition.outputShape(input, node.args, context);
  if (!result.ok) {
    const paramOrigin = result.param === undefined ? undefined : node.argumentOrigins.get(result.param);
    // Outside blocks, point at the argument the rule names; inside, the layer line is the related location.
    const written = node.origin.length === 0 && paramOrigin ? paramOrigin.range : node.range;
    const fixes = result.code === SHAPES.sizeReachesZero ? samePaddingFixes(node) : [];
    state.diagnostics.push(
      shapeDiagnostic(result.code, node, written, {
        message: result.message,
        ...(result.help ? { help: result.help } : {}),
        ...(fixes.length > 0 ? { fixes } : {}),
        ...(paramOrigin?.substituted ? { preferred: { file: paramOrigin.file, range: paramOrigin.range } } : {}),
      }),
    );
    return undefined;
  }
  const count = definition.paramCount(input, node.args, context);
  state.layers.push({
    model: state.modelName,
    name: node.name,
    kind: definition.name,
    inputShape: input,
    output: result.shape,
    params: count.total,
    trainableParams: count.trainable,
    args: node.args,
    file: node.file,
    range: node.range,
    origin: node.origin,
  });
  const constant = constantSoftmax(definition.name, node.args, result.shape);
  if (constant) state.diagnostics.push(shapeDiagnostic(OUTCOMES.softmaxOverOneUnit, node, node.range, constant));
  return result.shape;
}

/** `padding: same` for a window that outgrows its input: replaces a written `valid`, or adds the argument. */
function samePaddingFixes(node: LayerNode): DiagnosticFix[] {
  if (node.args?.["padding"] !== "valid" || !node.definition.params.some((param) => param.name === "padding")) return [];
  const title = "use `padding: same`";
  const written = node.argumentOrigins.get("padding");
  if (written) return written.substituted ? [] : [{ title, edits: [{ file: written.file, range: written.range, newText: "same" }] }];
  // With at least one argument the call has parentheses, and the range ends at its `)`.
  if (node.argumentOrigins.size === 0) return [];
  const end = node.range.end - 1;
  return [{ title, edits: [{ file: node.file, range: { start: end, end }, newText: ", padding: same" }] }];
}

/** True when the shape's rank satisfies the spec. */
export function fitsInputSpec(spec: InputSpec, shape: Shape): boolean {
  if (spec.rank !== undefined && shape.length !== spec.rank) return false;
  if (spec.minRank !== undefined && shape.length < spec.minRank) return false;
  if (spec.maxRank !== undefined && shape.length > spec.maxRank) return false;
  return true;
}

/** Equal rank, and equal lengths wherever both are known. */
function shapesCompatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((length, axis) => length === null || b[axis] === null || length === b[axis]);
}

/**
 * A help line for a rank mismatch when one reshape (or flatten) plausibly fixes it:
 * `[784]` before conv2d → `reshape([28, 28, 1])`; `[100]` before lstm → `reshape([100, 1])`.
 */
export function reshapeHelp(layer: string, spec: InputSpec, input: Shape): string | undefined {
  const expected = spec.rank;
  if (layer === "flatten" && input.length === 1) return "the input is already flat; remove `flatten`";
  if (expected === undefined || input.some((length) => length === null)) return undefined;
  const lengths = input as readonly number[];
  const before = (shape: readonly number[]): string => `add \`reshape([${shape.join(", ")}])\` before it`;
  if (expected === 1 && lengths.length > 1) return "add `flatten` before it";
  const [first = 0, second = 0, third = 0] = lengths;
  if (lengths.length === 1 && expected === 2) return before([first, 1]);
  if (lengths.length === 1 && expected === 3) {
    const grey = Math.round(Math.sqrt(first));
    if (grey * grey === first) return before([grey, grey, 1]);
    const colour = Math.round(Math.sqrt(first / 3));
    if (colour * colour * 3 === first) return before([colour, colour, 3]);
    return undefined;
  }
  if (lengths.length === 2 && expected === 3) return before([first, second, 1]);
  if (lengths.length === 3 && expected === 2) return before([first * second, third]);
  return undefined;
}

/**
 * A shape diagnostic at `range` in the node's file, or — for a layer that came from a
 * block — at the outermost use (or at `preferred`, a value written at that use).
 */
function shapeDiagnostic(
  code: string,
  node: { readonly file: string; readonly origin: readonly UseSite[]; readonly range: SourceRange },
  range: SourceRange,
  details: { message: string; help?: string; preferred?: { file: string; range: SourceRange }; fixes?: readonly DiagnosticFix[] },
): Diagnostic {
  const outermost = node.origin[0];
  if (outermost === undefined) {
    return makeDiagnostic(code, node.file, range, { message: details.message, ...(details.help ? { help: details.help } : {}), ...(details.fixes ? { fixes: details.fixes } : {}) });
  }
  const preferred = details.preferred;
  const atUse = preferred && preferred.file === outermost.file && preferred.range.start >= outermost.range.start && preferred.range.end <= outermost.range.end;
  const primary = atUse && preferred ? preferred : outermost;
  const innermost = node.origin[node.origin.length - 1] as UseSite;
  const related: RelatedLocation[] = [
    { file: node.file, range, message: `${"body" in node ? "the `residual`" : "the layer"} in block \`${innermost.block}\`` },
    ...node.origin
      .slice(atUse ? 0 : 1)
      .map((site) => ({ file: site.file, range: site.range, message: `in this use of block \`${site.block}\`` })),
  ];
  return makeDiagnostic(code, primary.file, primary.range, {
    message: details.message,
    ...(details.help ? { help: details.help } : {}),
    related,
  });
}

/** A model's `input:` read as a shape; each length a positive integer or `?`. */
export type InputShapeRead =
  | { readonly ok: true; readonly shape: Shape }
  | { readonly ok: false; readonly diagnostic: Diagnostic | undefined };

/** Reads a model's declared input (DLM405 when it is not a list of positive integers or `?`). */
export function readInputShape(value: Value, file: string): InputShapeRead {
  const evaluated = foldConstant(value, { file });
  if (evaluated.kind === "invalid") return { ok: false, diagnostic: undefined };
  const problem = (range: SourceRange, message: string): InputShapeRead => ({
    ok: false,
    diagnostic: makeDiagnostic(SHAPES.invalidInputShape, file, range, {
      message,
      help: "write the shape of one example without the batch axis, e.g. `input: [28, 28, 1]`; `?` is an unknown length",
    }),
  });
  if (evaluated.kind !== "list") {
    return problem(evaluated.origin.range, `model input must be a shape such as \`[28, 28, 1]\`, found ${describeValue(evaluated)}`);
  }
  if (evaluated.items.length === 0) return problem(evaluated.origin.range, "model input must have at least one length, found `[]`");
  const shape: (number | null)[] = [];
  for (const item of evaluated.items) {
    if (item.kind === "invalid") return { ok: false, diagnostic: undefined };
    if (item.kind === "name" && item.name === "?") {
      shape.push(null);
      continue;
    }
    if (item.kind !== "number" || !Number.isInteger(item.value) || item.value < 1) {
      const found = item.kind === "number" ? formatNumber(item.value) : describeValue(item);
      return problem(item.origin.range, `each length of a model input must be a positive integer or \`?\`, found ${found}`);
    }
    shape.push(item.value);
  }
  return { ok: true, shape };
}
