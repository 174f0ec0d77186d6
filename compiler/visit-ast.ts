/**
 * A generic walk over the syntax tree: `childrenOf` lists a node's children in source
 * order, so passes override only the node kinds they care about.
 */
import type { AnyNode, Layer, Member } from "../grammar/ast.js";

/** The node's direct children, in source order (identifiers included). */
export function childrenOf(node: AnyNode): readonly AnyNode[] {
  switch (node.kind) {
    case "File":
      return [...node.imports, ...node.declarations].sort((a, b) => a.range.start - b.range.start);
    case "Import":
      return [node.path];
    case "Model":
      return [node.name, ...(node.input ? [node.input] : []), ...node.body];
    case "Block":
      return [node.name, ...node.params, ...node.body];
    case "BlockParam":
      return [node.name, ...(node.type ? [node.type] : []), ...(node.defaultValue ? [node.defaultValue] : [])];
    case "Experiment":
      return [node.name, ...node.members];
    case "Setting":
      return [node.name, node.value];
    case "Section":
      return [node.name, ...node.args, ...node.members];
    case "InlineModel":
      return node.body;
    case "CallMember":
      return [node.call];
    case "LayerCall":
      return [...(node.layerName ? [node.layerName] : []), node.call];
    case "Residual":
      return [...(node.layerName ? [node.layerName] : []), ...node.options, ...node.body];
    case "ResidualOption":
      return [node.name, ...node.body];
    case "Repeat":
      return [node.count, ...node.body];
    case "Call":
      return [node.callee, ...node.args];
    case "Arg":
      return [...(node.name ? [node.name] : []), node.value];
    case "List":
      return node.items;
    case "Object":
      return node.entries;
    case "ObjectEntry":
      return [node.key, node.value];
    case "Binary":
      return [node.left, node.right];
    case "Unary":
      return [node.operand];
    case "Number":
    case "String":
    case "Boolean":
    case "Name":
    case "Missing":
    case "Identifier":
      return [];
  }
}

/**
 * Visits `node` and its descendants depth-first. `enter` returns false to skip a node's
 * children. Placeholder nodes (`missing`) are visited too; checks skip them.
 */
export function walk(node: AnyNode, enter: (node: AnyNode, parent: AnyNode | undefined) => boolean | void, parent?: AnyNode): void {
  if (enter(node, parent) === false) return;
  for (const child of childrenOf(node)) walk(child, enter, node);
}

/** Every layer list in a body, nested `residual` and `repeat` bodies included, in order. */
export function forEachLayer(body: readonly Layer[], visit: (layer: Layer) => void): void {
  for (const layer of body) {
    visit(layer);
    if (layer.kind === "Residual") for (const option of layer.options) forEachLayer(option.body, visit);
    if (layer.kind === "Residual" || layer.kind === "Repeat") forEachLayer(layer.body, visit);
  }
}

/** Inline `model { }` bodies of an experiment, at any depth of its sections. */
export function inlineModelsOf(members: readonly Member[]): Extract<Member, { kind: "InlineModel" }>[] {
  const found: Extract<Member, { kind: "InlineModel" }>[] = [];
  for (const member of members) {
    if (member.kind === "InlineModel") found.push(member);
    else if (member.kind === "Section") found.push(...inlineModelsOf(member.members));
  }
  return found;
}
