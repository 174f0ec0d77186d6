/**
 * Model expansion: a model body becomes a "model graph" — blocks substituted with their
 * arguments, `repeat` bodies copied, `residual` kept as a node around its body — where
 * every layer has resolved arguments, a final name, and the chain of block uses it came
 * from. Problems that depend on a particular use (a block argument that does not fit a
 * layer inside the block, a duplicate layer name) are reported here; everything else
 * was reported once by the per-node checks.
 *
 * Where a use-dependent problem points: at the value when the use wrote it
 * (`ConvBlock(filters: 1.5)`), otherwise at the outermost use in the model; the line
 * inside the block and the other use sites are related locations.
 */
import type { BlockDecl, Layer, SourceRange, Value } from "../grammar/ast.js";
import { lookupBlock, type Binding } from "./binder.js";
import { makeDiagnostic, type Diagnostic, type RelatedLocation } from "../diagnostics/diagnostic.js";
import {
  describeValue,
  foldConstant,
  foldProblemDiagnostic,
  formatNumber,
  type ConstantValue,
  type FoldProblem,
  type ValueEnvironment,
  type ValueOrigin,
} from "./constant-values.js";
import type { LayerDefinition, ResolvedArgs } from "./layers/layer-definition.js";
import { lookupLayer } from "./layers/registry.js";
import {
  argumentProblemDiagnostic,
  resolveBlockArguments,
  resolveLayerArguments,
  type ArgumentProblem,
  type BlockBindings,
  type ConstantCall,
} from "./resolve-args.js";
import { atSearchPoint, FIRST_POINT, layerSearchSpaces, type CallValue, type SearchPoint } from "./experiments/search-spaces.js";
import { VALUES } from "../diagnostics/catalog/values.js";
import { NAMES } from "../diagnostics/catalog/names.js";

/** Where a block was used: the call in the model (or enclosing block) that expanded it. */
export interface UseSite {
  readonly file: string;
  readonly range: SourceRange;
  readonly block: string;
}

/** One layer of the expanded model. */
export interface LayerNode {
  readonly kind: "layer";
  /** The layer kind, e.g. `conv2d`. */
  readonly layer: string;
  readonly definition: LayerDefinition;
  /** Every parameter with defaults; undefined when an argument was wrong (already reported). */
  readonly args: ResolvedArgs | undefined;
  /** Where each written argument's value came from. */
  readonly argumentOrigins: ReadonlyMap<string, ValueOrigin>;
  /** Arguments written as search spaces (`dense(choice(16, 32))`), by parameter; `args` holds this expansion's point. */
  readonly searchSpaces?: ReadonlyMap<string, CallValue>;
  /** `feats` for `feats = dense(64)`, else a Keras-like default (`dense`, `dense_1`, …). */
  readonly name: string;
  readonly explicitName: boolean;
  /** The file and range of the call as written (inside the block for expanded layers). */
  readonly file: string;
  readonly range: SourceRange;
  /** Block uses that produced this layer, outermost first; empty for a layer written in the model. */
  readonly origin: readonly UseSite[];
}

/**
 * `residual { body }`: the body applied to the input, then added to it (an `add` layer);
 * with `shortcut: { … }` the shortcut's output is added instead of the input.
 */
export interface ResidualNode {
  readonly kind: "residual";
  /** Name of the `add` layer that merges input and body output (written `NAME = residual`, else `add`, `add_1`, …). */
  readonly name: string;
  readonly explicitName?: boolean;
  readonly body: readonly GraphNode[];
  /** The projection shortcut's layers; absent for the identity shortcut. */
  readonly shortcut?: readonly GraphNode[];
  readonly file: string;
  /** The `residual` keyword. */
  readonly range: SourceRange;
  readonly origin: readonly UseSite[];
}

/** Something that could not be expanded (unknown layer, bad block arguments): shape inference stops here. */
export interface BrokenNode {
  readonly kind: "broken";
  readonly file: string;
  readonly range: SourceRange;
  readonly origin: readonly UseSite[];
}

export type GraphNode = LayerNode | ResidualNode | BrokenNode;

/** A model body after expansion. */
export interface ModelGraph {
  readonly nodes: readonly GraphNode[];
  /** False when some node is broken or has unresolved arguments: the emitter must not run. */
  readonly complete: boolean;
}

/** Most copies one `repeat` may make. */
export const MAX_REPEAT = 1000;
/** Most layers a model may expand to (repeats and blocks multiply). */
export const MAX_EXPANDED_LAYERS = 10_000;

/** A `repeat` count read from its value. */
export type RepeatCount =
  | { readonly kind: "ok"; readonly count: number }
  | { readonly kind: "pending" }
  | { readonly kind: "invalid" }
  | { readonly kind: "problem"; readonly problem: ArgumentProblem };

/** Reads a repeat count: a positive integer up to {@link MAX_REPEAT}, else DLM308. */
export function readRepeatCount(value: ConstantValue): RepeatCount {
  if (value.kind === "invalid") return { kind: "invalid" };
  if (value.kind === "parameter" && (value.type === undefined || value.type === "int")) return { kind: "pending" };
  const problem = (message: string): RepeatCount => ({
    kind: "problem",
    problem: { code: VALUES.invalidRepeatCount, message, file: value.origin.file, range: value.origin.range, substituted: value.origin.substituted },
  });
  if (value.kind !== "number" || !Number.isInteger(value.value) || value.value < 1) {
    const found = value.kind === "number" ? formatNumber(value.value) : describeValue(value);
    return problem(`repeat count must be a positive integer, found ${found}`);
  }
  if (value.value > MAX_REPEAT) return problem(`repeat count ${value.value} is larger than ${MAX_REPEAT}`);
  return { kind: "ok", count: value.value };
}

/** Where a body is being expanded: its file, bound block parameters, the uses that led here. */
interface ExpansionScope {
  readonly file: string;
  readonly parameters: BlockBindings | undefined;
  readonly origin: readonly UseSite[];
  readonly blocks: readonly BlockDecl[];
}

/** A layer before naming. */
type DraftNode =
  | (Omit<LayerNode, "name" | "explicitName"> & { readonly written?: { readonly name: string; readonly range: SourceRange } })
  | (Omit<ResidualNode, "name" | "body" | "shortcut" | "explicitName"> & {
      readonly body: readonly DraftNode[];
      readonly shortcut?: readonly DraftNode[];
      readonly written?: { readonly name: string; readonly range: SourceRange };
    })
  | BrokenNode;

/**
 * Expands a model body (top-level model or inline experiment model) written in `file`.
 * `modelName` is used in messages. Search spaces in layer arguments stand at `point`
 * (default: each at its first value). Returns the graph and the use-dependent diagnostics.
 */
export function expandModel(
  body: readonly Layer[],
  file: string,
  modelName: string,
  binding: Binding,
  point: SearchPoint = FIRST_POINT,
): { readonly graph: ModelGraph; readonly diagnostics: readonly Diagnostic[] } {
  const expander = new ModelExpander(binding, point);
  const drafts = expander.expandLayers(body, { file, parameters: undefined, origin: [], blocks: [] });
  const named = assignLayerNames(drafts, modelName);
  return {
    graph: { nodes: named.nodes, complete: !expander.broken && isComplete(named.nodes) },
    diagnostics: [...expander.diagnostics, ...named.diagnostics],
  };
}

function isComplete(nodes: readonly GraphNode[]): boolean {
  return nodes.every((node) =>
    node.kind === "broken"
      ? false
      : node.kind === "residual"
        ? isComplete(node.body) && isComplete(node.shortcut ?? [])
        : node.args !== undefined,
  );
}

/** Related locations for a problem met while expanding a block: the use sites that led to it. */
function useSiteLocations(origin: readonly UseSite[], except?: { file: string; range: SourceRange }): RelatedLocation[] {
  return origin
    .filter((site) => !(except && site.file === except.file && site.range.start === except.range.start && site.range.end === except.range.end))
    .map((site) => ({ file: site.file, range: site.range, message: `in this use of block \`${site.block}\`` }));
}

class ModelExpander {
  readonly diagnostics: Diagnostic[] = [];
  broken = false;
  private layerCount = 0;
  private budgetReported = false;

  constructor(
    private readonly binding: Binding,
    private readonly point: SearchPoint,
  ) {}

  expandLayers(layers: readonly Layer[], scope: ExpansionScope): DraftNode[] {
    const nodes: DraftNode[] = [];
    for (const layer of layers) {
      if (this.budgetReported) break;
      nodes.push(...this.expandLayer(layer, scope));
    }
    return nodes;
  }

  private environment(scope: ExpansionScope): ValueEnvironment {
    return scope.parameters ? { file: scope.file, parameters: scope.parameters } : { file: scope.file };
  }

  /** Evaluates a value in the scope, reporting fold problems that depend on this use. */
  private evaluate(value: Value, scope: ExpansionScope, lineInBlock: SourceRange): ConstantValue {
    const problems: FoldProblem[] = [];
    const evaluated = foldConstant(value, this.environment(scope), problems);
    for (const problem of problems) {
      if (!problem.substituted) continue;
      const diagnostic = foldProblemDiagnostic(problem);
      this.diagnostics.push({ ...diagnostic, related: [...(diagnostic.related ?? []), ...this.relatedFor(diagnostic, scope, lineInBlock)] });
    }
    return evaluated;
  }

  /** Related locations of a use-dependent problem: the line in the block (unless it is the problem) and the uses. */
  private relatedFor(problem: { file: string; range: SourceRange }, scope: ExpansionScope, lineInBlock: SourceRange): RelatedLocation[] {
    const related: RelatedLocation[] = [];
    const atLine = problem.file === scope.file && problem.range.start >= lineInBlock.start && problem.range.end <= lineInBlock.end;
    if (!atLine && scope.origin.length > 0) {
      related.push({ file: scope.file, range: lineInBlock, message: `used here in block \`${scope.origin[scope.origin.length - 1]?.block}\`` });
    }
    related.push(...useSiteLocations(scope.origin, problem));
    return related;
  }

  private broke(scope: ExpansionScope, range: SourceRange): BrokenNode {
    this.broken = true;
    return { kind: "broken", file: scope.file, range, origin: scope.origin };
  }

  /** Reports problems that depend on this use; the rest were reported where written. */
  private reportUseDependent(problems: readonly ArgumentProblem[], scope: ExpansionScope, lineInBlock: SourceRange): void {
    for (const problem of problems) {
      if (problem.substituted) this.diagnostics.push(argumentProblemDiagnostic(problem, this.relatedFor(problem, scope, lineInBlock)));
    }
  }

  private expandLayer(layer: Layer, scope: ExpansionScope): DraftNode[] {
    if (layer.missing) return [this.broke(scope, layer.range)];
    switch (layer.kind) {
      case "Residual": {
        // Unknown or repeated options were reported once where written (check-residual.ts); the first `shortcut` counts.
        const shortcut = layer.options.find((option) => option.name.name === "shortcut" && !option.missing);
        const written = layer.layerName && !layer.layerName.missing ? { name: layer.layerName.name, range: layer.layerName.range } : undefined;
        return [
          {
            kind: "residual",
            ...(shortcut ? { shortcut: this.expandLayers(shortcut.body, scope) } : {}),
            body: this.expandLayers(layer.body, scope),
            file: scope.file,
            range: layer.keyword,
            origin: scope.origin,
            ...(written ? { written } : {}),
          },
        ];
      }
      case "Repeat": {
        const count = readRepeatCount(this.evaluate(layer.count, scope, layer.count.range));
        if (count.kind === "problem") this.reportUseDependent([count.problem], scope, layer.count.range);
        if (count.kind !== "ok") return [this.broke(scope, layer.keyword)];
        const copies: DraftNode[] = [];
        for (let copy = 0; copy < count.count && !this.budgetReported; copy++) copies.push(...this.expandLayers(layer.body, scope));
        return copies;
      }
      case "LayerCall":
        return this.expandCall(layer, scope);
    }
  }

  private expandCall(layer: Extract<Layer, { kind: "LayerCall" }>, scope: ExpansionScope): DraftNode[] {
    const callNode = layer.call;
    if (callNode.missing || callNode.callee.missing) return [this.broke(scope, layer.range)];
    const evaluated = this.evaluate(callNode, scope, callNode.range);
    if (evaluated.kind !== "call") return [this.broke(scope, callNode.range)];
    const call: ConstantCall = evaluated;
    const block = lookupBlock(this.binding, scope.file, call.callee.name);
    if (block) {
      if (scope.blocks.includes(block.declaration)) return [this.broke(scope, callNode.range)];
      const resolved = resolveBlockArguments(call, block.declaration, block.file);
      this.reportUseDependent(resolved.problems, scope, callNode.range);
      if (resolved.bindings === undefined) return [this.broke(scope, callNode.range)];
      return this.expandLayers(block.declaration.body, {
        file: block.file,
        parameters: resolved.bindings,
        origin: [...scope.origin, { file: scope.file, range: callNode.range, block: block.name }],
        blocks: [...scope.blocks, block.declaration],
      });
    }
    const definition = lookupLayer(call.callee.name);
    if (definition === undefined) return [this.broke(scope, callNode.range)];
    if (++this.layerCount > MAX_EXPANDED_LAYERS) return [this.reportTooLarge(scope, callNode.range)];
    const searchSpaces = layerSearchSpaces(call, definition);
    const resolved = resolveLayerArguments(atSearchPoint(call, this.point), definition);
    this.reportUseDependent(resolved.problems, scope, callNode.range);
    const written = layer.layerName && !layer.layerName.missing ? { name: layer.layerName.name, range: layer.layerName.range } : undefined;
    return [
      {
        kind: "layer",
        layer: definition.name,
        definition,
        args: resolved.args,
        argumentOrigins: resolved.origins,
        ...(searchSpaces.size > 0 ? { searchSpaces } : {}),
        file: scope.file,
        range: callNode.range,
        origin: scope.origin,
        ...(written ? { written } : {}),
      },
    ];
  }

  private reportTooLarge(scope: ExpansionScope, range: SourceRange): BrokenNode {
    if (!this.budgetReported) {
      this.budgetReported = true;
      const outermost = scope.origin[0] ?? { file: scope.file, range };
      this.diagnostics.push(
        makeDiagnostic(VALUES.invalidRepeatCount, outermost.file, outermost.range, {
          message: `the model expands to more than ${MAX_EXPANDED_LAYERS} layers`,
          notes: ["`repeat` counts and block uses multiply"],
        }),
      );
    }
    return this.broke(scope, range);
  }
}

/**
 * Gives every layer its final name: written names as they are (a name used twice is
 * DLM209), the rest Keras-like per kind in order — `dense`, `dense_1`, … — skipping
 * names already taken. Residual merges are `add`, `add_1`, ….
 */
function assignLayerNames(
  drafts: readonly DraftNode[],
  modelName: string,
): { readonly nodes: GraphNode[]; readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const taken = new Set<string>();
  const firstWritten = new Map<string, WrittenDraft>();
  const collect = (nodes: readonly DraftNode[]): void => {
    for (const node of nodes) {
      if (node.kind === "residual") {
        collect(node.shortcut ?? []);
        collect(node.body);
      }
      if (node.kind === "broken" || node.written === undefined) continue;
      const first = firstWritten.get(node.written.name);
      if (first === undefined) {
        firstWritten.set(node.written.name, node);
        taken.add(node.written.name);
        continue;
      }
      diagnostics.push(duplicateLayerName(node, first, modelName));
    }
  };
  collect(drafts);
  const counters = new Map<string, number>();
  const defaultName = (kind: string): string => {
    for (;;) {
      const count = counters.get(kind) ?? 0;
      counters.set(kind, count + 1);
      const name = count === 0 ? kind : `${kind}_${count}`;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  };
  const name = (nodes: readonly DraftNode[]): GraphNode[] =>
    nodes.map((node): GraphNode => {
      if (node.kind === "broken") return node;
      if (node.kind === "residual") {
        const { written, shortcut, ...rest } = node;
        const named = { ...rest, ...(shortcut ? { shortcut: name(shortcut) } : {}), body: name(node.body) };
        return written ? { ...named, name: written.name, explicitName: true } : { ...named, name: defaultName("add") };
      }
      return named(node, node.written ? node.written.name : defaultName(node.layer), node.written !== undefined);
    });
  return { nodes: name(drafts), diagnostics };
}

/**
 * The layer node of a draft under its final name. Every field is copied by name (a new
 * field of `LayerNode` belongs here too): `const { written, ...rest } = draft` costs a slow
 * runtime copy, on every layer of every check.
 */
function named(draft: DraftNode & { kind: "layer" }, name: string, explicitName: boolean): LayerNode {
  const node: LayerNode = {
    kind: "layer",
    layer: draft.layer,
    definition: draft.definition,
    args: draft.args,
    argumentOrigins: draft.argumentOrigins,
    file: draft.file,
    range: draft.range,
    origin: draft.origin,
    name,
    explicitName,
  };
  return draft.searchSpaces === undefined ? node : { ...node, searchSpaces: draft.searchSpaces };
}

/** A layer or residual draft that may carry a written name. */
type WrittenDraft = Exclude<DraftNode, BrokenNode>;

function duplicateLayerName(node: WrittenDraft, first: WrittenDraft, modelName: string): Diagnostic {
  const written = node.written as { name: string; range: SourceRange };
  const firstWritten = first.written as { name: string; range: SourceRange };
  const outermost = node.origin[0];
  const primary = outermost ?? { file: node.file, range: written.range };
  const firstPlace = first.origin[0] ?? { file: first.file, range: firstWritten.range };
  const copied = outermost !== undefined || sameRange(written.range, firstWritten.range);
  const related: RelatedLocation[] = [];
  if (outermost) related.push({ file: node.file, range: written.range, message: "the name is given here" });
  if (firstPlace.file !== primary.file || !sameRange(firstPlace.range, primary.range)) {
    related.push({ file: firstPlace.file, range: firstPlace.range, message: "first used here" });
  }
  return makeDiagnostic(NAMES.duplicateLayerName, primary.file, primary.range, {
    message: `layer name \`${written.name}\` is used more than once in model \`${modelName}\``,
    related,
    help: copied ? "a named layer inside a block or `repeat` is copied at each use; remove the name or give each copy its own" : "layer names must be unique within a model",
  });
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start === b.start && a.end === b.end;
}
