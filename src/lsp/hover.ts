/**
 * Hover: what the thing under the cursor is, in the terms the checker used.
 *
 * - a layer call: its inferred input → output shape, weights, arguments and the layer's doc;
 * - a model, block or experiment (declaration or use): its summary table, signature, doc;
 * - a registry name (loss, optimizer, metric, callback, …), a setting, a section, a
 *   parameter, an activation, a `builtin("…")` data set: its doc from the registry;
 * - on a diagnostic's range, what `dlm explain` says about its code, after a rule.
 */
import { MarkupKind, type Hover } from "vscode-languageserver";
import type { AnyNode, Call, SourceRange } from "../../grammar/ast.js";
import type { DeclarationSymbol } from "../../compiler/binder.js";
import { SEARCH_SPACES } from "../../compiler/registry/data.js";
import type { Registry } from "../../compiler/registry/definition.js";
import type { InferredLayer } from "../../compiler/infer-shapes.js";
import { ACTIVATION_REGISTRY } from "../../compiler/layers/activations.js";
import { lookupLayer } from "../../compiler/layers/registry.js";
import { formatShape } from "../../compiler/layers/shape-arithmetic.js";
import type { ParamSpec } from "../../compiler/layers/layer-definition.js";
import type { ModelInfo } from "../../compiler/models.js";
import { formatSummaryTable } from "../../compiler/summary.js";
import { MESSAGES } from "../../diagnostics/catalog/index.js";
import { BUILTIN_DATASETS } from "../../runtime/data/builtin-datasets.js";
import type { CheckedDocument } from "./document-store.js";
import { registryOfSetting, resolveCallTarget, sectionSpecAt, settingSpecAt, type CallTarget } from "./schema-lookup.js";
import { blockSignature, formatParamValue, paramDefaultText, paramListMarkdown, paramTypeText, settingTypeText, signatureOf } from "./signatures.js";
import { callPlaceOf, nodePathAt, sectionsAround } from "./syntax-path.js";
import { rangeContains, toLspRange } from "./source-ranges.js";
import { defaultTextOf } from "../../compiler/registry/experiment-schema.js";

/** The hover at `offset` of a checked document, or null when there is nothing to say. */
export function hoverAt(checked: CheckedDocument, offset: number): Hover | null {
  const source = checked.result.files.get(checked.path);
  if (!source) return null;
  const path = nodePathAt(source.ast, offset);
  const found = describeAt(checked, path, offset);
  const explained = explanationsAt(checked, offset);
  if (!found && !explained) return null;
  const value = [found?.markdown, explained].filter((part) => part !== undefined).join("\n\n---\n\n");
  return {
    contents: { kind: MarkupKind.Markdown, value },
    ...(found ? { range: toLspRange(checked.document, found.range) } : {}),
  };
}

/** What `dlm explain` says about each diagnostic under the cursor: its title and long-form explanation. */
function explanationsAt(checked: CheckedDocument, offset: number): string | undefined {
  const codes = new Set(
    checked.result.diagnostics
      .filter((diagnostic) => diagnostic.file === checked.path && rangeContains(diagnostic.range, offset, true))
      .map((diagnostic) => diagnostic.code),
  );
  const parts = [...codes].flatMap((code) => {
    const entry = MESSAGES.get(code);
    return entry ? [`**${entry.code}: ${entry.title}** (\`dlm explain ${entry.code}\`)\n\n${entry.explanation}`] : [];
  });
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

interface HoverText {
  readonly markdown: string;
  readonly range: SourceRange;
}

function describeAt(checked: CheckedDocument, path: readonly AnyNode[], offset: number): HoverText | undefined {
  const innermost = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!innermost) return undefined;
  const at = (markdown: string | undefined, range: SourceRange = innermost.range): HoverText | undefined =>
    markdown === undefined ? undefined : { markdown, range };

  // Declarations and uses of models, blocks and experiments.
  const reference = checked.result.references.find((ref) => ref.file === checked.path && rangeContains(ref.range, offset));
  if (reference) {
    const useShapes = reference.symbol.kind === "block" ? blockUseShapes(checked, offset) : "";
    return at(declarationMarkdown(checked, reference.symbol) + useShapes, reference.range);
  }
  if (innermost.kind === "Identifier" && parent && "name" in parent && parent.name === innermost) {
    if (parent.kind === "Model" || parent.kind === "Block" || parent.kind === "Experiment") {
      const symbol = checked.result.symbols.find((candidate) => candidate.file === checked.path && candidate.nameRange.start === innermost.range.start);
      return symbol ? at(declarationMarkdown(checked, symbol)) : undefined;
    }
    if (parent.kind === "Setting") return at(settingMarkdown(path, path.length - 2, parent.name.name));
    if (parent.kind === "Section") return at(sectionMarkdown(path, path.length - 2, parent.name.name));
    if (parent.kind === "Arg") return at(argumentMarkdown(checked, path, path.length - 3, parent.name.name));
  }
  if (innermost.kind === "Identifier" && parent?.kind === "Call" && parent.callee === innermost) {
    return at(callMarkdown(checked, path, path.length - 2, parent, offset), parent.range);
  }
  if (innermost.kind === "Name") return at(nameValueMarkdown(checked, path, innermost.name)) ?? layerHoverAt(checked, offset);
  if (innermost.kind === "String") return at(datasetMarkdown(path, innermost.value)) ?? layerHoverAt(checked, offset);
  return layerHoverAt(checked, offset);
}

// Layers ----------------------------------------------------------------------------------------

/** The layer call (or block use) around `offset`, with the shapes inferred for it. */
function layerHoverAt(checked: CheckedDocument, offset: number): HoverText | undefined {
  const layers = inferredLayersAt(checked, offset);
  const first = layers[0];
  if (!first) return undefined;
  return { markdown: layerMarkdown(first.kind, layers), range: first.range };
}

/** Every inferred layer written at the innermost layer call around `offset` (one per model using it). */
function inferredLayersAt(checked: CheckedDocument, offset: number): InferredLayer[] {
  const containing = checked.result.layers.filter((layer) => layer.file === checked.path && rangeContains(layer.range, offset));
  if (containing.length === 0) return [];
  const size = (layer: InferredLayer): number => layer.range.end - layer.range.start;
  const smallest = Math.min(...containing.map(size));
  return containing.filter((layer) => size(layer) === smallest);
}

function layerMarkdown(kind: string, layers: readonly InferredLayer[]): string {
  const args = layers[0]?.args;
  const shapeLines = distinctShapeLines(layers);
  const lines = [`**${kind}** ${shapeLines.length === 1 ? shapeLines[0] : ""}`.trimEnd()];
  if (shapeLines.length > 1) lines.push("", ...shapeLines.map((line) => `- ${line}`));
  if (args) {
    const written = Object.entries(args).map(([name, value]) => `${name}: ${formatParamValue(value)}`);
    lines.push("", "```dlm", `${kind}(${written.join(", ")})`, "```");
  }
  const definition = layerDefinitionDoc(kind);
  if (definition) lines.push("", definition);
  return lines.join("\n");
}

function layerDefinitionDoc(kind: string): string | undefined {
  if (kind === "add") return "Adds the `residual` body's output to its input.";
  return lookupLayer(kind)?.doc;
}

/** `[28, 28, 1]` → `[26, 26, 32]` · 320 params, once per distinct shape (a block used by several models). */
function distinctShapeLines(layers: readonly InferredLayer[]): string[] {
  const lines = new Map<string, string[]>();
  for (const layer of layers) {
    const line = `\`${formatShape(layer.inputShape)}\` → \`${formatShape(layer.output)}\` · ${layer.params.toLocaleString("en-US")} params`;
    lines.set(line, [...(lines.get(line) ?? []), layer.model]);
  }
  if (lines.size === 1) return [...lines.keys()];
  return [...lines].slice(0, 8).map(([line, models]) => `${line} (in ${[...new Set(models)].map((model) => `\`${model}\``).join(", ")})`);
}

/** The shapes each expansion of the block use at `offset` takes and gives. */
function blockUseShapes(checked: CheckedDocument, offset: number): string {
  const runs: InferredLayer[][] = [];
  let previousMatched = false;
  for (const layer of checked.result.layers) {
    const matches = layer.origin.some((site) => site.file === checked.path && rangeContains(site.range, offset));
    if (matches && previousMatched) runs[runs.length - 1]!.push(layer);
    else if (matches) runs.push([layer]);
    previousMatched = matches;
  }
  const lines = new Set(
    runs.map((run) => {
      const first = run[0]!;
      const last = run[run.length - 1]!;
      const params = run.reduce((sum, layer) => sum + layer.params, 0);
      return `\`${formatShape(first.inputShape)}\` → \`${formatShape(last.output)}\` · ${params.toLocaleString("en-US")} params (in \`${first.model}\`)`;
    }),
  );
  return lines.size === 0 ? "" : `\n\n**This use:**\n${[...lines].slice(0, 8).map((line) => `- ${line}`).join("\n")}`;
}

// Declarations ----------------------------------------------------------------------------------

function declarationMarkdown(checked: CheckedDocument, symbol: DeclarationSymbol): string {
  const doc = symbol.doc ? `\n\n${symbol.doc}` : "";
  const declaration = symbol.declaration;
  if (declaration.kind === "Model") {
    const model = findModel(checked, symbol.file, symbol.name);
    if (model) return `**model ${symbol.name}**${doc}\n\n\`\`\`text\n${formatSummaryTable(model)}\n\`\`\``;
    const layerCount = declaration.body.length;
    return `**model ${symbol.name}** — input shape from the experiment's data; ${layerCount} layer${layerCount === 1 ? "" : "s"} written${doc}`;
  }
  if (declaration.kind === "Block") {
    const text = checked.result.files.get(symbol.file)?.text ?? "";
    return `\`\`\`dlm\n${blockSignature(declaration, text)}\n\`\`\`${doc}`;
  }
  const modelLine = experimentModelLine(checked, symbol);
  return `**experiment ${symbol.name}**${doc}${modelLine ? `\n\n${modelLine}` : ""}`;
}

function findModel(checked: CheckedDocument, file: string, name: string): ModelInfo | undefined {
  return checked.result.models.find((model) => model.file === file && model.name === name);
}

/** `model SmallCnn: [28, 28, 1] → [10] · 225,034 params`, for the model an experiment trains. */
function experimentModelLine(checked: CheckedDocument, symbol: DeclarationSymbol): string | undefined {
  if (symbol.declaration.kind !== "Experiment") return undefined;
  const setting = symbol.declaration.members.find((member) => member.kind === "Setting" && member.name.name === "model");
  if (setting?.kind !== "Setting" || setting.value.kind !== "Name") return undefined;
  const reference = checked.result.references.find((ref) => ref.file === symbol.file && ref.range.start === setting.value.range.start);
  const model = reference ? findModel(checked, reference.symbol.file, reference.symbol.name) : undefined;
  if (!model) return `Trains model \`${setting.value.name}\`.`;
  const output = model.output ? formatShape(model.output) : "?";
  return `Trains model \`${model.name}\`: \`${formatShape(model.input)}\` → \`${output}\` · ${model.params.toLocaleString("en-US")} params`;
}

// Calls, arguments and names ---------------------------------------------------------------------

function callMarkdown(checked: CheckedDocument, path: readonly AnyNode[], callIndex: number, call: Call, offset: number): string | undefined {
  const place = callPlaceOf(path, callIndex);
  const target = place ? resolveCallTarget(call.callee.name, place, checked.result.binding, checked.path) : undefined;
  if (target?.kind === "layer") {
    const layers = inferredLayersAt(checked, offset);
    if (layers.length > 0 && layers[0]!.kind === target.definition.name) return layerMarkdown(target.definition.name, layers);
    return `**${target.definition.name}** — ${target.definition.family} layer\n\n\`${signatureOf(target.definition.name, target.definition.params)}\`\n\n${target.definition.doc}`;
  }
  if (target?.kind === "entry") return entryMarkdown(target.entry.name, target.registry);
  const searchSpace = SEARCH_SPACES.entries.get(call.callee.name);
  return searchSpace ? entryMarkdown(searchSpace.name, SEARCH_SPACES) : undefined;
}

function entryMarkdown(name: string, registry: Registry): string | undefined {
  const entry = registry.entries.get(name);
  if (!entry) return undefined;
  const signature = entry.params.length > 0 ? `\n\n\`${signatureOf(entry.name, entry.params)}\`` : "";
  const params = entry.params.length > 0 ? `\n\n${paramListMarkdown(entry.params)}` : "";
  return `**${entry.name}** — ${registry.kind}${signature}\n\n${entry.doc}${params}`;
}

function argumentMarkdown(checked: CheckedDocument, path: readonly AnyNode[], callIndex: number, name: string): string | undefined {
  const call = path[callIndex];
  if (call?.kind !== "Call") return undefined;
  const spec = paramsOfTarget(callTargetOf(checked, path, callIndex, call)).find((param) => param.name === name);
  if (!spec) return undefined;
  const fallback = paramDefaultText(spec);
  return `**${spec.name}** — parameter of \`${call.callee.name}\`: ${paramTypeText(spec)}${fallback === undefined ? ", required" : `, default \`${fallback}\``}\n\n${spec.doc}`;
}

function callTargetOf(checked: CheckedDocument, path: readonly AnyNode[], callIndex: number, call: Call): CallTarget | undefined {
  const place = callPlaceOf(path, callIndex);
  return place ? resolveCallTarget(call.callee.name, place, checked.result.binding, checked.path) : undefined;
}

function paramsOfTarget(target: CallTarget | undefined): readonly ParamSpec[] {
  if (target?.kind === "layer") return target.definition.params;
  if (target?.kind === "entry") return target.entry.params;
  return [];
}

/** A bare name as a value: a registry entry (`loss: mse`), a metric in a list, an activation. */
function nameValueMarkdown(checked: CheckedDocument, path: readonly AnyNode[], name: string): string | undefined {
  for (let index = path.length - 2; index >= 0; index--) {
    const node = path[index]!;
    if (node.kind === "Setting") {
      const sections = sectionsAround(path, index);
      const registry = sections ? registryOfSetting(settingSpecAt(sections, node.name.name)) : undefined;
      return (registry && entryMarkdown(name, registry)) ?? activationMarkdown(name);
    }
    if (node.kind === "Arg" && node.value === path[index + 1]) {
      const call = path[index - 1];
      if (call?.kind !== "Call") return activationMarkdown(name);
      const params = paramsOfTarget(callTargetOf(checked, path, index - 1, call));
      const position = call.args.indexOf(node);
      const spec = node.name ? params.find((param) => param.name === node.name!.name) : params[position];
      if (spec?.type === "activation" || call.callee.name === "activation") return activationMarkdown(name);
      return undefined;
    }
    if (node.kind !== "List") return activationMarkdown(name);
  }
  return undefined;
}

function activationMarkdown(name: string): string | undefined {
  const activation = ACTIVATION_REGISTRY.find((entry) => entry.name === name);
  return activation ? `**${activation.name}** — activation: ${activation.doc}` : undefined;
}

function settingMarkdown(path: readonly AnyNode[], settingIndex: number, name: string): string | undefined {
  const sections = sectionsAround(path, settingIndex);
  const spec = sections ? settingSpecAt(sections, name) : undefined;
  if (!spec) return undefined;
  const owner = sections && sections.length > 0 ? `\`${sections.join(".")}\`` : "the experiment";
  const required = spec.required ? ", required" : "";
  const shownDefault = defaultTextOf(spec);
  const fallback = shownDefault ? `\n\nDefault: \`${shownDefault}\`` : "";
  return `**${spec.name}** — setting of ${owner}: ${settingTypeText(spec.type)}${required}\n\n${spec.doc}${fallback}`;
}

function sectionMarkdown(path: readonly AnyNode[], sectionIndex: number, name: string): string | undefined {
  const around = sectionsAround(path, sectionIndex);
  const spec = around ? sectionSpecAt([...around, name]) : undefined;
  if (!spec) return undefined;
  const parts = [`**${spec.name}** — section${spec.required ? ", required" : ""}`, spec.doc];
  if (spec.settings.length > 0) parts.push(`Settings: ${spec.settings.map((setting) => `\`${setting.name}\``).join(", ")}`);
  if (spec.sections.length > 0) parts.push(`Sections: ${spec.sections.map((section) => `\`${section.name}\``).join(", ")}`);
  if (spec.calls) parts.push(`${capitalize(spec.calls.kind)}s: ${[...spec.calls.entries.keys()].map((call) => `\`${call}\``).join(", ")}`);
  return parts.join("\n\n");
}

/** `builtin("mnist")`: the data set's description, shape, classes and size. */
function datasetMarkdown(path: readonly AnyNode[], name: string): string | undefined {
  const call = path[path.length - 3];
  if (call?.kind !== "Call" || call.callee.name !== "builtin") return undefined;
  const dataset = BUILTIN_DATASETS.find((entry) => entry.name === name);
  if (!dataset) return undefined;
  const classes = dataset.classes ? ` · ${dataset.classes.length} classes` : "";
  const test = dataset.sizes.test !== undefined ? ` / ${dataset.sizes.test.toLocaleString("en-US")} test` : "";
  const shape = formatShape(dataset.featureShape);
  return [
    `**${dataset.name}** — built-in data set (${dataset.task}, ${dataset.modality})`,
    dataset.description,
    `Examples: \`${shape}\`${classes} · ${dataset.sizes.train.toLocaleString("en-US")} train${test} · ${dataset.licence}`,
  ].join("\n\n");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
