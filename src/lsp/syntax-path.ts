/**
 * Where a position sits in the syntax tree: the chain of nodes from the file down to the
 * innermost node at an offset, and the experiment sections around it. Hover reads the
 * tree this way; completion, which must work on text that does not parse, scans tokens
 * instead (`completion-context.ts`).
 */
import type { AnyNode, DlmFile } from "../../grammar/ast.js";
import { childrenOf } from "../../compiler/visit-ast.js";
import type { CallPlace } from "./schema-lookup.js";
import { rangeContains } from "./source-ranges.js";

/**
 * The nodes containing `offset`, outermost (the file) first. With `touching`, a node that
 * ends exactly at `offset` counts too (a cursor just after a word), after any node that
 * strictly contains it.
 */
export function nodePathAt(ast: DlmFile, offset: number, touching = false): AnyNode[] {
  const path: AnyNode[] = [ast];
  for (let node: AnyNode | undefined = ast; node; ) {
    const children: readonly AnyNode[] = childrenOf(node);
    node =
      children.find((child) => !child.missing && rangeContains(child.range, offset)) ??
      (touching ? children.find((child) => !child.missing && rangeContains(child.range, offset, true)) : undefined);
    if (node) path.push(node);
  }
  return path;
}

/**
 * The names of the experiment sections around `path[index]` (those above it in the path),
 * e.g. `["train", "callbacks"]`; empty at the experiment's own level. Undefined outside
 * experiments and inside an inline `model { }` (a layer body, not a section).
 */
export function sectionsAround(path: readonly AnyNode[], index: number): string[] | undefined {
  const experimentIndex = path.findIndex((node) => node.kind === "Experiment");
  if (experimentIndex < 0 || experimentIndex >= index) return undefined;
  const sections: string[] = [];
  for (const node of path.slice(experimentIndex + 1, index)) {
    if (node.kind === "InlineModel") return undefined;
    if (node.kind === "Section") sections.push(node.name.name);
  }
  return sections;
}

/** True when the innermost node of `path` is inside a layer body (a model, block, `residual`, `repeat` or inline model). */
export function isInLayerBody(path: readonly AnyNode[]): boolean {
  return path.some((node) => node.kind === "Model" || node.kind === "Block" || node.kind === "InlineModel");
}

/** Where the call at `path[callIndex]` is written: a layer position, a setting's value, or alone in a section. */
export function callPlaceOf(path: readonly AnyNode[], callIndex: number): CallPlace | undefined {
  if (isInLayerBody(path.slice(0, callIndex + 1))) return { kind: "layer" };
  for (let index = callIndex - 1; index >= 0; index--) {
    const node = path[index]!;
    const sections = sectionsAround(path, index);
    if (node.kind === "Setting" && sections) return { kind: "setting", sections, setting: node.name.name };
    if (node.kind === "CallMember" && sections) return { kind: "section", sections };
    if (node.kind === "Section" || node.kind === "Experiment") return undefined;
  }
  return undefined;
}
