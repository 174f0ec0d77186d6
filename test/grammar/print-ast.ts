/** Test helpers: a compact, readable print of a DLM AST, and a walk over all its nodes. */
import type * as Ast from "../../grammar/ast.js";

/** Every node of the tree (depth first, parents before children), with its parent. */
export function allNodes(root: Ast.AnyNode): { node: Ast.AnyNode; parent: Ast.AnyNode | undefined }[] {
  const out: { node: Ast.AnyNode; parent: Ast.AnyNode | undefined }[] = [];
  const visit = (node: Ast.AnyNode, parent: Ast.AnyNode | undefined): void => {
    out.push({ node, parent });
    for (const value of Object.values(node)) {
      const children: unknown[] = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (isNode(child)) visit(child, node);
      }
    }
  };
  visit(root, undefined);
  return out;
}

function isNode(value: unknown): value is Ast.AnyNode {
  return typeof value === "object" && value !== null && "kind" in value && "range" in value;
}

/** A value in DLM-like surface syntax with node kinds made explicit where they matter. */
export function printValue(value: Ast.Value): string {
  switch (value.kind) {
    case "Number":
      return value.missing ? `<invalid ${value.text}>` : value.text;
    case "String":
      return JSON.stringify(value.value);
    case "Boolean":
      return String(value.value);
    case "Name":
      return value.name;
    case "Call":
      return printCall(value);
    case "List":
      return `[${value.items.map(printValue).join(", ")}]`;
    case "Object":
      return `{${value.entries.map((e) => `${printKey(e.key)}: ${printValue(e.value)}`).join(", ")}}`;
    case "Binary":
      return `(${printValue(value.left)} ${value.operator} ${printValue(value.right)})`;
    case "Unary":
      return `(${value.operator}${printValue(value.operand)})`;
    case "Missing":
      return "<missing>";
  }
}

function printKey(key: Ast.ObjectEntry["key"]): string {
  if (key.kind === "Identifier") return key.missing ? "<missing>" : key.name;
  return printValue(key);
}

function printName(name: Ast.Identifier): string {
  return name.missing ? "<missing>" : name.name;
}

function printCall(call: Ast.Call): string {
  if (!call.hasParens) return `${printName(call.callee)}`;
  return `${printName(call.callee)}(${call.args.map(printArg).join(", ")})`;
}

function printArg(arg: Ast.Arg): string {
  return arg.name ? `${printName(arg.name)}: ${printValue(arg.value)}` : printValue(arg.value);
}

function printLayers(layers: readonly Ast.Layer[], indent: string): string[] {
  return layers.flatMap((layer) => {
    switch (layer.kind) {
      case "LayerCall":
        return [`${indent}${layer.layerName ? `${printName(layer.layerName)} = ` : ""}${printCall(layer.call)}`];
      case "Residual":
        return [`${indent}residual`, ...printLayers(layer.body, `${indent}  `)];
      case "Repeat":
        return [`${indent}repeat ${printValue(layer.count)}`, ...printLayers(layer.body, `${indent}  `)];
    }
  });
}

function printMembers(members: readonly Ast.Member[], indent: string): string[] {
  return members.flatMap((member) => {
    switch (member.kind) {
      case "Setting":
        return [`${indent}${printName(member.name)}: ${printValue(member.value)}`];
      case "Section": {
        const args = member.args.length > 0 ? `(${member.args.map(printArg).join(", ")})` : "";
        return [`${indent}section ${printName(member.name)}${args}`, ...printMembers(member.members, `${indent}  `)];
      }
      case "InlineModel":
        return [`${indent}model`, ...printLayers(member.body, `${indent}  `)];
      case "CallMember":
        return [`${indent}call ${printCall(member.call)}`];
    }
  });
}

/** The whole file, one line per declaration header, layer, member. */
export function printAst(file: Ast.DlmFile): string {
  const lines: string[] = [];
  for (const entry of file.imports) lines.push(`import ${printValue(entry.path)}`);
  for (const declaration of file.declarations) {
    if (declaration.doc !== undefined) lines.push(`/// ${declaration.doc.replace(/\n/g, "\n/// ")}`);
    switch (declaration.kind) {
      case "Model":
        lines.push(
          `model ${printName(declaration.name)}${declaration.input ? ` input ${printValue(declaration.input)}` : ""}`,
          ...printLayers(declaration.body, "  "),
        );
        break;
      case "Block": {
        const params = declaration.params.map(
          (p) =>
            `${printName(p.name)}${p.type ? `: ${printName(p.type)}` : ""}${p.defaultValue ? ` = ${printValue(p.defaultValue)}` : ""}`,
        );
        lines.push(
          `block ${printName(declaration.name)}(${params.join(", ")})`,
          ...printLayers(declaration.body, "  "),
        );
        break;
      }
      case "Experiment":
        lines.push(`experiment ${printName(declaration.name)}`, ...printMembers(declaration.members, "  "));
        break;
    }
  }
  return lines.join("\n");
}
