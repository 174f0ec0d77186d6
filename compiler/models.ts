/**
 * The model phases of a program: load (read + parse every root file and what it imports)
 * → bind → check declarations → expand (blocks substituted, repeats copied) → infer shapes,
 * and the types of what they learn. `program.ts` runs them before the experiments.
 */
import type { ExperimentDecl, InlineModel, ModelDecl, SourceRange } from "../grammar/ast.js";
import { parseDlm } from "../grammar/parse.js";
import { bindProgram, type Binding, type DeclarationSymbol, type ResolvedImport, type SourceFile, type SymbolReference } from "./binder.js";
import { checkDeclarations } from "./check-declarations.js";
import { makeDiagnostic, sortDiagnostics, withoutDuplicateDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { expandModel, type ModelGraph } from "./expand-model.js";
import { readHostFile, type CompilerHost } from "./host.js";
import {
  describeBoundedReadFailure,
  MAX_KERAS_CHECK_BYTES,
  MAX_MODEL_JSON_BYTES,
  MAX_SOURCE_BYTES,
  type BoundedRead,
} from "./source-limits.js";
import { inferShapes, readInputShape, type InferredLayer, type ShapeContextFor } from "./infer-shapes.js";
import { readKerasPretrainedInfo } from "./layers/pretrained.js";
import { kerasFileKind } from "../runtime/keras-model-config.js";
import { readPretrainedInfo, readWrappedPretrainedInfo } from "./layers/registry.js";
import type { PretrainedInfo, Shape, ShapeContext } from "./layers/layer-definition.js";
import { inlineModelsOf } from "./visit-ast.js";
import { NAMES } from "../diagnostics/catalog/names.js";

/** A model with a known input shape, after shape inference. */
export interface ModelInfo {
  readonly name: string;
  readonly file: string;
  /** The model's name in its declaration. */
  readonly nameRange: SourceRange;
  readonly input: Shape;
  /** The output shape; null when inference stopped at an error or an unresolved layer. */
  readonly output: Shape | null;
  /** Layers in order with shapes and weights (up to the first error). */
  readonly layers: readonly InferredLayer[];
  readonly params: number;
  readonly trainableParams: number;
  readonly graph: ModelGraph;
}

/** Every model body after expansion, with or without a declared input (inline experiment models too). */
export interface ExpandedModel {
  /** The model's name; for an inline `model { }`, its experiment's name. */
  readonly name: string;
  readonly file: string;
  readonly declaration: ModelDecl | InlineModel;
  /** The experiment an inline model belongs to. */
  readonly experiment?: ExperimentDecl;
  /** The declared input shape, when written and valid. */
  readonly input?: Shape;
  readonly graph: ModelGraph;
}

/** What the model phases learned about a program (before experiments are checked). */
export interface ModelCheckResult {
  /** Every file read, roots and imports, by path. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Every diagnostic of every file, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Models with a known input shape, in file order. */
  readonly models: readonly ModelInfo[];
  /** Every expanded model body, with or without input (the experiment checker infers the rest from data). */
  readonly expandedModels: readonly ExpandedModel[];
  /** Declarations of every file (models, blocks, experiments) with ranges and docs. */
  readonly symbols: readonly DeclarationSymbol[];
  /** Block uses and `model: NAME` settings, resolved to their declarations. */
  readonly references: readonly SymbolReference[];
  readonly binding: Binding;
  /** Every inferred layer of every model, in order. */
  readonly layers: readonly InferredLayer[];
  /**
   * The inferred layer at a position: the layer call containing `offset`, or for a block
   * use, the last layer of that expansion (its output is the block's output).
   */
  layerAt(file: string, offset: number): InferredLayer | undefined;
  /** Shape context for layers written in a file (`pretrained` paths resolve against it). */
  readonly shapeContextFor: ShapeContextFor;
}

/** Reads and parses the root files and, transitively, everything they import. */
export function loadSourceFiles(rootFiles: readonly string[], host: CompilerHost): { files: SourceFile[]; diagnostics: Diagnostic[] } {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const loaded = new Set<string>();
  const queue = [...rootFiles];
  const reads = new Map<string, BoundedRead>();
  const read = (path: string): BoundedRead => {
    let result = reads.get(path);
    if (result === undefined) reads.set(path, (result = readHostFile(host, path, MAX_SOURCE_BYTES)));
    return result;
  };
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (loaded.has(next)) continue;
    loaded.add(next);
    const result = read(next);
    if (result.kind !== "text") {
      if (rootFiles.includes(next)) {
        diagnostics.push(makeDiagnostic(NAMES.importNotFound, next, { start: 0, end: 0 }, { message: describeBoundedReadFailure(next, result) }));
      }
      continue;
    }
    const text = result.text;
    const parsed = host.parse ? host.parse(next, text) : parseDlm(text, next);
    const imports: ResolvedImport[] = parsed.ast.imports
      .filter((node) => !node.missing && !node.path.missing)
      .map((node) => {
        const path = host.resolve(next as string, node.path.value);
        const result = read(path);
        return result.kind === "text" || result.kind === "missing"
          ? { node, path, found: result.kind === "text" }
          : { node, path, found: false, unreadable: describeBoundedReadFailure(path, result) };
      });
    for (const imported of imports) if (imported.found && !loaded.has(imported.path)) queue.push(imported.path);
    files.push({ path: next, text, ast: parsed.ast, parseDiagnostics: parsed.diagnostics, imports });
  }
  return { files, diagnostics };
}

/** Builds a named architecture of the zoo (`compiler/zoo/`), or says why it cannot. */
export type ZooReader = NonNullable<ShapeContext["readZoo"]>;

/** A `ShapeContext` factory reading `pretrained` model files through the host (cached). */
function pretrainedReader(host: CompilerHost, readZoo: ZooReader | undefined): ShapeContextFor {
  const cache = new Map<string, PretrainedInfo | string>();
  return (file: string): ShapeContext => ({
    ...(readZoo ? { readZoo } : {}),
    readPretrained(path: string) {
      const resolved = host.resolve(file, path);
      let info = cache.get(resolved);
      if (info === undefined) {
        const keras = kerasFileKind(resolved) !== undefined;
        // A Keras file is binary: read byte for byte (latin1), never decoded as UTF-8.
        const read = keras
          ? (host.readBoundedFile?.(resolved, MAX_KERAS_CHECK_BYTES, { encoding: "latin1" }) ?? { kind: "missing" as const })
          : readHostFile(host, resolved, MAX_MODEL_JSON_BYTES);
        info =
          read.kind === "text" && keras
            ? readKerasPretrainedInfo(Buffer.from(read.text, "latin1"), resolved)
            : read.kind === "text"
            ? resolved.endsWith(".js")
              ? readWrappedPretrainedInfo(read.text, resolved)
              : readPretrainedInfo(read.text)
            : read.kind === "missing"
              ? `no such file (looked for ${resolved})`
              : describeBoundedReadFailure(resolved, read);
        cache.set(resolved, info);
      }
      return info;
    },
  });
}

/**
 * Checks the models and blocks of a program: every root file and everything it imports.
 * `readZoo` builds the named architectures of `pretrained(vgg16)`; without it they are a
 * diagnostic (the zoo checks its own definitions with this function, so it cannot be imported here).
 */
export function checkModelDeclarations(rootFiles: readonly string[], host: CompilerHost, readZoo?: ZooReader): ModelCheckResult {
  const loaded = loadSourceFiles(rootFiles, host);
  const binding = bindProgram(loaded.files);
  const contextFor = pretrainedReader(host, readZoo);
  const broken = new Set(loaded.files.filter((file) => file.parseDiagnostics.length > 0).map((file) => file.path));
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...binding.diagnostics.filter((d) => !broken.has(d.file))];
  const models: ModelInfo[] = [];
  const expandedModels: ExpandedModel[] = [];
  for (const file of loaded.files) {
    diagnostics.push(...file.parseDiagnostics);
    if (broken.has(file.path)) continue;
    diagnostics.push(...checkDeclarations(file, binding));
    for (const declaration of file.ast.declarations) {
      if (declaration.missing || declaration.name.missing) continue;
      if (declaration.kind === "Model") {
        const expanded = expandModel(declaration.body, file.path, declaration.name.name, binding);
        diagnostics.push(...expanded.diagnostics);
        const read = declaration.input ? readInputShape(declaration.input, file.path) : undefined;
        const input = read?.ok ? read.shape : undefined;
        expandedModels.push({ name: declaration.name.name, file: file.path, declaration, graph: expanded.graph, ...(input ? { input } : {}) });
        if (input === undefined) continue;
        const inferred = inferShapes(expanded.graph, input, declaration.name.name, contextFor);
        diagnostics.push(...inferred.diagnostics);
        models.push({
          name: declaration.name.name,
          file: file.path,
          nameRange: declaration.name.range,
          input,
          output: inferred.output ?? null,
          layers: inferred.layers,
          params: inferred.layers.reduce((sum, layer) => sum + layer.params, 0),
          trainableParams: inferred.layers.reduce((sum, layer) => sum + layer.trainableParams, 0),
          graph: expanded.graph,
        });
      } else if (declaration.kind === "Experiment") {
        for (const inline of inlineModelsOf(declaration.members)) {
          const expanded = expandModel(inline.body, file.path, declaration.name.name, binding);
          diagnostics.push(...expanded.diagnostics);
          expandedModels.push({ name: declaration.name.name, file: file.path, declaration: inline, experiment: declaration, graph: expanded.graph });
        }
      }
    }
  }
  const layers = models.flatMap((model) => model.layers);
  return {
    files: new Map(loaded.files.map((file) => [file.path, file])),
    diagnostics: sortDiagnostics(withoutDuplicateDiagnostics(diagnostics)),
    models,
    expandedModels,
    symbols: binding.symbols,
    references: binding.references,
    binding,
    layers,
    layerAt: (file, offset) => findLayerAt(layers, file, offset),
    shapeContextFor: contextFor,
  };
}

function contains(range: SourceRange, offset: number): boolean {
  return range.start <= offset && offset < range.end;
}

/** The inferred layer at `offset` of `file`: the innermost layer call there, or the last layer of a block use. */
export function findLayerAt(layers: readonly InferredLayer[], file: string, offset: number): InferredLayer | undefined {
  let best: InferredLayer | undefined;
  for (const layer of layers) {
    if (layer.file !== file || !contains(layer.range, offset)) continue;
    if (best === undefined || layer.range.end - layer.range.start < best.range.end - best.range.start) best = layer;
  }
  if (best) return best;
  // A block use: the last layer it produced carries the block's output.
  let lastOfUse: InferredLayer | undefined;
  for (const layer of layers) {
    if (layer.origin.some((site) => site.file === file && contains(site.range, offset))) lastOfUse = layer;
  }
  return lastOfUse;
}

