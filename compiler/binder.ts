/**
 * The binder: which models, blocks and experiments exist, which names each file sees
 * (its own declarations and those of the files it imports), and what every block use
 * and `model: NAME` setting refers to. Reports duplicate declarations (DLM205),
 * undefined models (DLM207), import cycles (DLM208) and missing imports (DLM211).
 *
 * Imports are not transitive: a file sees what it declares and what the files it
 * imports declare, not what those files import in turn.
 */
import * as path from "node:path";
import type {
  BlockDecl,
  Declaration,
  DlmFile,
  ExperimentDecl,
  ImportDecl,
  ModelDecl,
  SourceRange,
} from "../grammar/ast.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { forEachLayer, inlineModelsOf } from "./visit-ast.js";
import { NAMES } from "../diagnostics/catalog/names.js";
import { INPUTS } from "../diagnostics/catalog/inputs.js";

/** One `import` statement and the file it names. */
export interface ResolvedImport {
  readonly node: ImportDecl;
  /** The path as the host resolved it against the importing file. */
  readonly path: string;
  /** False when the host could not read that file. */
  readonly found: boolean;
  /** Why an existing file was not read (a directory, a FIFO, over the size limit), as one sentence. */
  readonly unreadable?: string;
}

/** A parsed source file, as the program hands it to the binder and checker. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly ast: DlmFile;
  /** Syntax errors (DLM1xx); a file with any skips the checker. */
  readonly parseDiagnostics: readonly Diagnostic[];
  readonly imports: readonly ResolvedImport[];
}

/** What a declaration declares. */
export type SymbolKind = "model" | "block" | "experiment";

/** A model, block or experiment declaration: what hover, outline and go-to-definition show. */
export interface DeclarationSymbol {
  readonly kind: SymbolKind;
  readonly name: string;
  readonly file: string;
  readonly declaration: Declaration;
  /** The whole declaration. */
  readonly range: SourceRange;
  /** Just the name. */
  readonly nameRange: SourceRange;
  /** The `///` doc comment, if any. */
  readonly doc?: string;
}

/** A model symbol (its declaration is a `ModelDecl`). */
export type ModelSymbol = DeclarationSymbol & { readonly kind: "model"; readonly declaration: ModelDecl };
/** A block symbol (its declaration is a `BlockDecl`). */
export type BlockSymbol = DeclarationSymbol & { readonly kind: "block"; readonly declaration: BlockDecl };

/** A use of a declared name: a block in a layer body, a model in `model: NAME`. */
export interface SymbolReference {
  readonly file: string;
  readonly range: SourceRange;
  readonly symbol: DeclarationSymbol;
}

/** The binder's result. */
export interface Binding {
  /** Every declaration of every file, in file order. */
  readonly symbols: readonly DeclarationSymbol[];
  /** Per file: the names it sees, its own declarations first, then its imports' (first wins). */
  readonly scopes: ReadonlyMap<string, ReadonlyMap<string, DeclarationSymbol>>;
  readonly references: readonly SymbolReference[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The symbol `name` means in `file`, if any. */
export function lookupSymbol(binding: Binding, file: string, name: string): DeclarationSymbol | undefined {
  return binding.scopes.get(file)?.get(name);
}

/** The block `name` means in `file`, if that name is a block. */
export function lookupBlock(binding: Binding, file: string, name: string): BlockSymbol | undefined {
  const symbol = lookupSymbol(binding, file, name);
  return symbol?.kind === "block" ? (symbol as BlockSymbol) : undefined;
}

/** Names of the blocks visible in `file` (for "did you mean"). */
export function visibleBlockNames(binding: Binding, file: string): string[] {
  return [...(binding.scopes.get(file)?.values() ?? [])].filter((symbol) => symbol.kind === "block").map((symbol) => symbol.name);
}

/** Binds every file: declarations, scopes, references, and the name diagnostics above. */
export function bindProgram(files: readonly SourceFile[]): Binding {
  const diagnostics: Diagnostic[] = [];
  const ownDeclarations = new Map<string, Map<string, DeclarationSymbol>>();
  const symbols: DeclarationSymbol[] = [];
  for (const file of files) {
    const own = new Map<string, DeclarationSymbol>();
    for (const declaration of file.ast.declarations) {
      if (declaration.missing || declaration.name.missing) continue;
      const symbol = declarationSymbol(declaration, file.path);
      symbols.push(symbol);
      const first = own.get(symbol.name);
      if (first) diagnostics.push(duplicateDeclaration(symbol, first, file.path));
      else own.set(symbol.name, symbol);
    }
    ownDeclarations.set(file.path, own);
  }
  const scopes = new Map<string, ReadonlyMap<string, DeclarationSymbol>>();
  for (const file of files) {
    scopes.set(file.path, buildScope(file, ownDeclarations, diagnostics));
  }
  diagnostics.push(...reportImportCycles(files));
  const binding: Binding = { symbols, scopes, references: [], diagnostics };
  const references = collectReferences(files, binding, diagnostics);
  return { ...binding, references };
}

function declarationSymbol(declaration: Declaration, file: string): DeclarationSymbol {
  const kind: SymbolKind = declaration.kind === "Model" ? "model" : declaration.kind === "Block" ? "block" : "experiment";
  return {
    kind,
    name: declaration.name.name,
    file,
    declaration,
    range: declaration.range,
    nameRange: declaration.name.range,
    ...(declaration.doc ? { doc: declaration.doc } : {}),
  };
}

function describeDeclaration(symbol: DeclarationSymbol): string {
  return `${symbol.kind} \`${symbol.name}\``;
}

function duplicateDeclaration(symbol: DeclarationSymbol, first: DeclarationSymbol, file: string): Diagnostic {
  return makeDiagnostic(NAMES.duplicateName, file, symbol.nameRange, {
    message: `\`${symbol.name}\` is declared more than once in this file`,
    related: [{ file: first.file, range: first.nameRange, message: `first declared here as ${describeDeclaration(first)}` }],
    help: "models, blocks and experiments share one namespace per file; rename one of them",
  });
}

/** A path as messages print it: relative to the folder of the file that mentions it. */
export function displayPath(fromFile: string, target: string): string {
  const relative = path.relative(path.dirname(fromFile), target);
  return relative === "" ? path.basename(target) : relative.split(path.sep).join("/");
}

function buildScope(
  file: SourceFile,
  ownDeclarations: ReadonlyMap<string, ReadonlyMap<string, DeclarationSymbol>>,
  diagnostics: Diagnostic[],
): ReadonlyMap<string, DeclarationSymbol> {
  const own = ownDeclarations.get(file.path) ?? new Map<string, DeclarationSymbol>();
  const scope = new Map(own);
  for (const imported of file.imports) {
    if (imported.node.missing || imported.node.path.missing) continue;
    if (!imported.found && imported.unreadable !== undefined) {
      diagnostics.push(
        makeDiagnostic(INPUTS.notARegularFile, file.path, imported.node.path.range, {
          message: imported.unreadable,
          help: "import a `.dlm` source file (a regular file of at most 16 MB)",
        }),
      );
      continue;
    }
    if (!imported.found) {
      diagnostics.push(
        makeDiagnostic(NAMES.importNotFound, file.path, imported.node.path.range, {
          message: `cannot find imported file \`${imported.node.path.value}\` (looked for ${imported.path})`,
          help: "import paths are relative to the importing file",
        }),
      );
      continue;
    }
    if (imported.path === file.path) continue;
    for (const symbol of ownDeclarations.get(imported.path)?.values() ?? []) {
      const existing = scope.get(symbol.name);
      if (existing === undefined) {
        scope.set(symbol.name, symbol);
      } else if (existing === symbol) {
        continue;
      } else if (existing.file === file.path) {
        diagnostics.push(
          makeDiagnostic(NAMES.duplicateName, file.path, existing.nameRange, {
            message: `\`${symbol.name}\` is already declared in imported file \`${displayPath(file.path, symbol.file)}\``,
            related: [{ file: symbol.file, range: symbol.nameRange, message: `the imported ${describeDeclaration(symbol)}` }],
            help: "rename one of them",
          }),
        );
      } else {
        diagnostics.push(
          makeDiagnostic(NAMES.duplicateName, file.path, imported.node.path.range, {
            message:
              `\`${symbol.name}\` is declared in both \`${displayPath(file.path, existing.file)}\` ` +
              `and \`${displayPath(file.path, symbol.file)}\``,
            related: [
              { file: existing.file, range: existing.nameRange, message: `first declared here as ${describeDeclaration(existing)}` },
              { file: symbol.file, range: symbol.nameRange, message: `declared again here as ${describeDeclaration(symbol)}` },
            ],
            help: "rename one of them",
          }),
        );
      }
    }
  }
  return scope;
}

/** Finds every import cycle once (depth-first, reported at the import that closes it). */
function reportImportCycles(files: readonly SourceFile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map(files.map((file) => [file.path, file]));
  const finished = new Set<string>();
  const stack: string[] = [];
  const visit = (file: SourceFile): void => {
    stack.push(file.path);
    for (const imported of file.imports) {
      if (!imported.found || imported.node.missing) continue;
      const onStack = stack.indexOf(imported.path);
      if (onStack >= 0) {
        const chain = [...stack.slice(onStack), imported.path].map((member) => displayPath(file.path, member));
        diagnostics.push(
          makeDiagnostic(NAMES.importCycle, file.path, imported.node.path.range, {
            message: `import cycle: ${chain.join(" → ")}`,
            help: "move the shared declarations into a file that both import",
          }),
        );
        continue;
      }
      const target = byPath.get(imported.path);
      if (target && !finished.has(target.path)) visit(target);
    }
    stack.pop();
    finished.add(file.path);
  };
  for (const file of files) if (!finished.has(file.path)) visit(file);
  return diagnostics;
}

/** Resolves block uses and `model: NAME` settings; reports undefined models (DLM207). */
function collectReferences(files: readonly SourceFile[], binding: Binding, diagnostics: Diagnostic[]): SymbolReference[] {
  const references: SymbolReference[] = [];
  for (const file of files) {
    const recordBlockUses = (body: ModelDecl["body"]): void =>
      forEachLayer(body, (layer) => {
        if (layer.kind !== "LayerCall" || layer.call.callee.missing) return;
        const symbol = lookupBlock(binding, file.path, layer.call.callee.name);
        if (symbol) references.push({ file: file.path, range: layer.call.callee.range, symbol });
      });
    for (const declaration of file.ast.declarations) {
      if (declaration.missing) continue;
      if (declaration.kind === "Experiment") {
        for (const inline of inlineModelsOf(declaration.members)) recordBlockUses(inline.body);
        references.push(...resolveModelSettings(declaration, file.path, binding, diagnostics));
      } else {
        recordBlockUses(declaration.body);
      }
    }
  }
  return references;
}

function resolveModelSettings(
  experiment: ExperimentDecl,
  file: string,
  binding: Binding,
  diagnostics: Diagnostic[],
): SymbolReference[] {
  const references: SymbolReference[] = [];
  for (const member of experiment.members) {
    if (member.kind !== "Setting" || member.name.name !== "model" || member.value.kind !== "Name") continue;
    const name = member.value.name;
    const symbol = lookupSymbol(binding, file, name);
    if (symbol?.kind === "model") {
      references.push({ file, range: member.value.range, symbol });
      continue;
    }
    const models = [...(binding.scopes.get(file)?.values() ?? [])].filter((s) => s.kind === "model").map((s) => s.name);
    const help = didYouMean(name, models);
    diagnostics.push(
      makeDiagnostic(NAMES.undefinedModel, file, member.value.range, {
        message: symbol ? `\`${name}\` is a ${symbol.kind}, not a model` : `undefined model \`${name}\``,
        ...(help ? { help } : symbol?.kind === "block" ? { help: `wrap it in a model: \`model { ${name} }\`` } : {}),
        ...(symbol ? { related: [{ file: symbol.file, range: symbol.nameRange, message: `${describeDeclaration(symbol)} declared here` }] } : {}),
        ...(models.length > 0 && !help ? { notes: [`models in scope: ${models.join(", ")}`] } : {}),
      }),
    );
  }
  return references;
}
