/**
 * The outline of a document: models with their layers, blocks with theirs, experiments
 * with their sections and settings. Read from the syntax tree of the document itself, so
 * it follows the text even when the file has errors.
 */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Declaration, Identifier, Layer, Member, SourceRange } from "../../grammar/ast.js";
import type { CheckedDocument } from "./document-store.js";
import { toLspRange } from "./source-ranges.js";

/**
 * At most this many entries in one outline: a generated file of 100,000 layers gives an
 * answer of a bounded size (its declarations first, then their contents while the budget lasts).
 */
export const MAX_OUTLINE_SYMBOLS = 5_000;

/** The outline of the checked document. */
export function documentSymbols(checked: CheckedDocument, budget = MAX_OUTLINE_SYMBOLS): DocumentSymbol[] {
  const source = checked.result.files.get(checked.path);
  if (!source) return [];
  const declarations = source.ast.declarations.filter((declaration) => !declaration.missing && !declaration.name.missing).slice(0, budget);
  const outline = new OutlineBuilder(checked.document, budget - declarations.length);
  return declarations.map((declaration) => outline.declaration(declaration));
}

class OutlineBuilder {
  constructor(
    private readonly document: TextDocument,
    /** Entries left for the contents of declarations. */
    private left: number,
  ) {}

  /** The first items that still fit in the budget. */
  private within<T>(items: readonly T[]): T[] {
    const taken = items.slice(0, Math.max(0, this.left));
    this.left -= taken.length;
    return taken;
  }

  declaration(declaration: Declaration): DocumentSymbol {
    switch (declaration.kind) {
      case "Model":
        return this.symbol(declaration.name.name, "model", SymbolKind.Class, declaration.range, declaration.name, this.layers(declaration.body));
      case "Block":
        return this.symbol(declaration.name.name, "block", SymbolKind.Function, declaration.range, declaration.name, this.layers(declaration.body));
      case "Experiment":
        return this.symbol(declaration.name.name, "experiment", SymbolKind.Module, declaration.range, declaration.name, this.members(declaration.members));
    }
  }

  private layers(body: readonly Layer[]): DocumentSymbol[] {
    return this.within(body.filter((layer) => !layer.missing)).map((layer) => {
      switch (layer.kind) {
        case "LayerCall": {
          const callee = layer.call.callee;
          const name = layer.layerName ? `${layer.layerName.name} = ${callee.name}` : callee.name;
          return this.symbol(name, "layer", SymbolKind.Field, layer.range, layer.layerName ?? callee, []);
        }
        case "Residual":
          return this.symbol("residual", "", SymbolKind.Namespace, layer.range, layer.keyword, this.layers(layer.body));
        case "Repeat":
          return this.symbol("repeat", "", SymbolKind.Namespace, layer.range, layer.keyword, this.layers(layer.body));
      }
    });
  }

  private members(members: readonly Member[]): DocumentSymbol[] {
    return this.within(members.filter((member) => !member.missing)).map((member) => {
      switch (member.kind) {
        case "Setting":
          return this.symbol(member.name.name, "setting", SymbolKind.Property, member.range, member.name, []);
        case "Section":
          return this.symbol(member.name.name, "section", SymbolKind.Namespace, member.range, member.name, this.members(member.members));
        case "InlineModel":
          return this.symbol("model", "inline model", SymbolKind.Class, member.range, { start: member.range.start, end: member.range.start + "model".length }, this.layers(member.body));
        case "CallMember":
          return this.symbol(member.call.callee.name, "call", SymbolKind.Function, member.range, member.call.callee, []);
      }
    });
  }

  private symbol(name: string, detail: string, kind: SymbolKind, range: SourceRange, selection: Identifier | SourceRange, children: DocumentSymbol[]): DocumentSymbol {
    const selectionRange = "kind" in selection ? selection.range : selection;
    return {
      name: name === "" ? "?" : name,
      detail,
      kind,
      range: toLspRange(this.document, range),
      // The selection must lie inside the range, even for nodes the parser recovered.
      selectionRange: toLspRange(this.document, clampInside(selectionRange, range)),
      children,
    };
  }
}

function clampInside(inner: SourceRange, outer: SourceRange): SourceRange {
  const start = Math.min(Math.max(inner.start, outer.start), outer.end);
  const end = Math.min(Math.max(inner.end, start), outer.end);
  return { start, end };
}
