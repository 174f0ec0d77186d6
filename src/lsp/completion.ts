/**
 * Completion: what fits at the cursor, from the same registries the checker reads.
 * Layer bodies get layers, blocks and `residual`/`repeat` snippets; calls get their
 * parameters (with defaults) and then the values a parameter takes; experiment sections
 * get their settings, sub-sections and calls; a setting's value gets its registry
 * (`loss:`, `optimizer:`, `metrics: [`); `builtin("` gets the data sets.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from "vscode-languageserver";
import type { BlockDecl } from "../../grammar/ast.js";
import { lookupBlock, type BlockSymbol } from "../../compiler/binder.js";
import { SEARCH_SPACES } from "../../compiler/registry/data.js";
import { defaultTextOf, type SettingSpec } from "../../compiler/registry/experiment-schema.js";
import type { Registry, Definition } from "../../compiler/registry/definition.js";
import { ACTIVATION_REGISTRY } from "../../compiler/layers/activations.js";
import { LAYERS } from "../../compiler/layers/registry.js";
import type { ParamSpec } from "../../compiler/layers/layer-definition.js";
import { BLOCK_PARAM_TYPES } from "../../compiler/resolve-args.js";
import { BUILTIN_DATASETS } from "../../runtime/data/builtin-datasets.js";
import { completionContextAt, type CompletionContext } from "./completion-context.js";
import type { CheckedDocument } from "./document-store.js";
import { resolveCallTarget, sectionSpecAt, settingSpecAt, type CallTarget } from "./schema-lookup.js";
import { blockSignature, paramDefaultText, paramTypeText, settingTypeText, signatureOf } from "./signatures.js";
import { toLspRange } from "./source-ranges.js";

/** Characters after which the editor asks for completions without a word typed. */
export const COMPLETION_TRIGGER_CHARACTERS = ["(", ":", "[", ",", '"', "="];

/** The completions at `offset` of a checked document. */
export function completionsAt(checked: CheckedDocument, offset: number): CompletionItem[] {
  // A document the check did not read (over the size limit) is not lexed again here.
  if (!checked.result.files.has(checked.path)) return [];
  const text = checked.document.getText();
  const items = completionsFor(completionContextAt(text, offset), checked);
  const word = wordAround(text, offset);
  return text[word.end] === "(" ? items.map((item) => nameOnly(item, checked, word)) : items;
}

/** The word the cursor is in or just after (empty at a blank): what a completion replaces. */
function wordAround(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && /\w/.test(text[start - 1]!)) start -= 1;
  let end = offset;
  while (end < text.length && /\w/.test(text[end]!)) end += 1;
  return { start, end };
}

/**
 * Before an existing `(` (`dens|(64)`) a completion replaces the word with the bare name:
 * its own `(${1:units})` would give `dense(units)(64)`.
 */
function nameOnly(item: CompletionItem, checked: CheckedDocument, word: { start: number; end: number }): CompletionItem {
  const inserted = item.insertText ?? item.label;
  const call = /^(\w+)\(/.exec(inserted);
  const { insertText: _insertText, insertTextFormat: _format, ...rest } = item;
  return {
    ...rest,
    insertTextFormat: InsertTextFormat.PlainText,
    textEdit: { range: toLspRange(checked.document, word), newText: call ? call[1]! : inserted.replace(/\$\d+|\$\{\d+(:[^}]*)?\}/g, "") },
  };
}

function completionsFor(context: CompletionContext, checked: CheckedDocument): CompletionItem[] {
  switch (context.kind) {
    case "declaration":
      return DECLARATION_KEYWORDS.map((keyword) => ({ label: keyword, kind: CompletionItemKind.Keyword, insertText: `${keyword} ` }));
    case "layer":
      return [...layerItems(), ...blockItems(checked), ...LAYER_SNIPPETS];
    case "member":
      return memberItems(context.sections);
    case "setting-value": {
      const spec = settingSpecAt(context.sections, context.setting);
      return spec ? settingValueItems(spec, context.inList, checked) : [];
    }
    case "argument": {
      const target = resolveCallTarget(context.callee, context.place, checked.result.binding, checked.path);
      const params = targetParams(target, checked);
      return params
        .filter((param, index) => index >= context.positional && !context.named.includes(param.name))
        .map((param) => parameterItem(param, params.indexOf(param)));
    }
    case "argument-value": {
      const target = resolveCallTarget(context.callee, context.place, checked.result.binding, checked.path);
      const param = targetParams(target, checked).find((candidate) => candidate.name === context.param);
      return param ? parameterValueItems(param) : [];
    }
    case "block-param-type":
      return BLOCK_PARAM_TYPES.map((type) => ({ label: type, kind: CompletionItemKind.TypeParameter }));
    case "model-input":
      return [snippetItem("input", "input: [${1:28}, ${2:28}, ${3:1}]", "The input shape, without the batch axis.")];
    case "dataset-name":
      return BUILTIN_DATASETS.map((dataset) => ({
        label: dataset.name,
        kind: CompletionItemKind.Value,
        detail: `${dataset.task}, ${dataset.modality} [${dataset.featureShape.map((size) => size ?? "?").join(", ")}]`,
        documentation: markdown(dataset.description),
      }));
    case "none":
      return [];
  }
}

const DECLARATION_KEYWORDS = ["model", "block", "experiment", "import"] as const;

const LAYER_SNIPPETS: readonly CompletionItem[] = [
  snippetItem("residual", "residual {\n\t$0\n}", "`residual { … }`: output = input + body(input); the body must keep the shape."),
  snippetItem("repeat", "repeat ${1:2} {\n\t$0\n}", "`repeat N { … }`: the body copied N times."),
];

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

function snippetItem(label: string, snippet: string, doc: string): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Snippet,
    insertText: snippet,
    insertTextFormat: InsertTextFormat.Snippet,
    documentation: markdown(doc),
  };
}

/** `conv2d(${1:filters}, ${2:kernel})` for required parameters; a bare name when there are none. */
function callSnippet(name: string, required: readonly string[]): string {
  if (required.length === 0) return name;
  return `${name}(${required.map((param, index) => `\${${index + 1}:${param}}`).join(", ")})`;
}

function requiredParams(params: readonly ParamSpec[]): string[] {
  return params.filter((param) => paramDefaultText(param) === undefined).map((param) => param.name);
}

function layerItems(): CompletionItem[] {
  return [...LAYERS.values()].map((definition) => ({
    label: definition.name,
    kind: CompletionItemKind.Function,
    detail: `${definition.family} layer`,
    documentation: markdown(`\`${signatureOf(definition.name, definition.params)}\`\n\n${definition.doc}`),
    insertText: callSnippet(definition.name, requiredParams(definition.params)),
    insertTextFormat: InsertTextFormat.Snippet,
  }));
}

function visibleBlocks(checked: CheckedDocument): BlockSymbol[] {
  const scope = checked.result.binding.scopes.get(checked.path);
  return [...(scope?.keys() ?? [])].flatMap((name) => {
    const block = lookupBlock(checked.result.binding, checked.path, name);
    return block ? [block] : [];
  });
}

function blockItems(checked: CheckedDocument): CompletionItem[] {
  return visibleBlocks(checked).map((block) => {
    const text = checked.result.files.get(block.file)?.text ?? "";
    const required = block.declaration.params.filter((param) => !param.missing && !param.defaultValue).map((param) => param.name.name);
    return {
      label: block.name,
      kind: CompletionItemKind.Module,
      detail: blockSignature(block.declaration, text),
      documentation: markdown(block.doc ?? "A block declared in this program."),
      insertText: callSnippet(block.name, required),
      insertTextFormat: InsertTextFormat.Snippet,
    };
  });
}

/** Settings, sub-sections, calls and the inline model of the section at `sections`. */
function memberItems(sections: readonly string[]): CompletionItem[] {
  const spec = sectionSpecAt(sections);
  if (!spec) return [];
  const settings = spec.settings.map((setting): CompletionItem => ({
    label: setting.name,
    kind: CompletionItemKind.Property,
    detail: `${settingTypeText(setting.type)}${setting.required ? " (required)" : ""}`,
    documentation: markdown(settingDocumentation(setting)),
    insertText: `${setting.name}: `,
    command: RETRIGGER,
  }));
  const subsections = spec.sections.map((section): CompletionItem => ({
    ...snippetItem(section.name, `${section.name} {\n\t$0\n}`, section.doc),
    kind: CompletionItemKind.Module,
    detail: `section${section.required ? " (required)" : ""}`,
  }));
  const calls = spec.calls ? entryItems(spec.calls, true) : [];
  const inlineModel = spec.allowsInlineModel
    ? [snippetItem("model { }", "model {\n\t$0\n}", "An inline model: its input shape comes from the data.")]
    : [];
  return [...settings, ...subsections, ...calls, ...inlineModel];
}

/** Asks the editor for completions again: after `loss: ` the values follow at once. */
const RETRIGGER = { title: "suggest", command: "editor.action.triggerSuggest" };

/** Registry entries; `asCalls` writes parentheses with the required parameters. */
function entryItems(registry: Registry, asCalls: boolean): CompletionItem[] {
  return [...registry.entries.values()].map((entry: Definition) => {
    const required = requiredParams(entry.params);
    const callable = asCalls && (required.length > 0 || entry.params.length > 0);
    return {
      label: entry.name,
      kind: entry.params.length > 0 ? CompletionItemKind.Function : CompletionItemKind.EnumMember,
      detail: registry.kind,
      documentation: markdown(entry.params.length > 0 ? `\`${signatureOf(entry.name, entry.params)}\`\n\n${entry.doc}` : entry.doc),
      insertText: callable ? (required.length > 0 ? callSnippet(entry.name, required) : `${entry.name}($0)`) : entry.name,
      insertTextFormat: InsertTextFormat.Snippet,
    };
  });
}

function settingValueItems(spec: SettingSpec, inList: boolean, checked: CheckedDocument): CompletionItem[] {
  const type = spec.type;
  switch (type.kind) {
    case "entry":
      return [...entryItems(type.registry, true), ...searchSpaceItems()];
    case "names":
      return inList
        ? entryItems(type.registry, false)
        : entryItems(type.registry, false).map((item) => ({ ...item, insertText: `[${item.label}$0]` }));
    case "enum":
      return type.values.map((value) => ({ label: value, kind: CompletionItemKind.EnumMember, detail: spec.name }));
    case "bool":
      return BOOLEAN_ITEMS;
    case "model":
      return [...(checked.result.binding.scopes.get(checked.path)?.values() ?? [])]
        .filter((symbol) => symbol.kind === "model")
        .map((symbol) => ({ label: symbol.name, kind: CompletionItemKind.Class, detail: "model", documentation: markdown(symbol.doc ?? "") }));
    case "class_weight":
      return [{ label: "balanced", kind: CompletionItemKind.EnumMember, detail: "weights inversely proportional to class frequency" }];
    case "int":
    case "float":
      return searchSpaceItems();
    case "string":
    case "strings":
    case "shape":
      return [];
  }
}

/** `choice(…)`, `range(…)`, `log_range(…)`: meaningful in a `tune` experiment. */
function searchSpaceItems(): CompletionItem[] {
  return entryItems(SEARCH_SPACES, true).map((item) => ({ ...item, sortText: `~${item.label}` }));
}

const BOOLEAN_ITEMS: CompletionItem[] = [
  { label: "true", kind: CompletionItemKind.Keyword },
  { label: "false", kind: CompletionItemKind.Keyword },
];

/** The parameters of a layer, registry entry or block, as parameter specs. */
export function targetParams(target: CallTarget | undefined, checked: CheckedDocument): readonly ParamSpec[] {
  if (target?.kind === "layer") return target.definition.params;
  if (target?.kind === "entry") return target.entry.params;
  if (target?.kind === "block") return blockParams(target.symbol.declaration, checked.result.files.get(target.symbol.file)?.text ?? "");
  return [];
}

/** A block's parameters in the registry's terms, so they complete like a layer's. */
function blockParams(block: BlockDecl, text: string): ParamSpec[] {
  return block.params
    .filter((param) => !param.missing)
    .map((param): ParamSpec => {
      const typeName = param.type?.name;
      const type = typeName === "activation" || typeName === "int" || typeName === "float" || typeName === "bool" || typeName === "string" || typeName === "shape" ? typeName : "string";
      const written = param.defaultValue ? text.slice(param.defaultValue.range.start, param.defaultValue.range.end) : undefined;
      return { name: param.name.name, type, doc: `Parameter of block \`${block.name.name}\`.`, ...(written !== undefined ? { default: written } : {}) };
    });
}

function parameterItem(param: ParamSpec, position: number): CompletionItem {
  const fallback = paramDefaultText(param);
  const offersValues = param.type === "activation" || param.type === "enum" || param.type === "bool" || param.type === "layer";
  return {
    label: param.name,
    kind: CompletionItemKind.Field,
    detail: `${paramTypeText(param)}${fallback === undefined ? " (required)" : ` = ${fallback}`}`,
    documentation: markdown(param.doc),
    insertText: `${param.name}: `,
    // Parameters in positional order, before anything the editor adds.
    sortText: String(position).padStart(3, "0"),
    ...(offersValues ? { command: RETRIGGER } : {}),
  };
}

function parameterValueItems(param: ParamSpec): CompletionItem[] {
  switch (param.type) {
    case "activation":
      return ACTIVATION_REGISTRY.map((activation) => ({ label: activation.name, kind: CompletionItemKind.EnumMember, detail: activation.doc }));
    case "enum":
      return (param.values ?? []).map((value) => ({ label: value, kind: CompletionItemKind.EnumMember, detail: param.name }));
    case "bool":
      return BOOLEAN_ITEMS;
    case "layer":
      return layerItems().filter((item) => LAYERS.get(item.label)?.family === "recurrent" && item.label !== "bidirectional");
    default:
      return [];
  }
}

/** A setting's doc, with its default when it has one. */
function settingDocumentation(setting: SettingSpec): string {
  const shownDefault = defaultTextOf(setting);
  return shownDefault ? `${setting.doc}\n\nDefault: \`${shownDefault}\`` : setting.doc;
}
