/**
 * Which layers feed each layer of a model graph, and the order TF.js (like Keras) lists a
 * functional model's layers in (`model.layers`): by depth from the output, deepest first,
 * ties in the order a depth-first walk from the output first reaches them. `unfreeze:
 * last(N)` and `from(NAME)` count a backbone's layers in that order, which for a residual with
 * a projection shortcut interleaves the two branches (ResNet's `conv2_block1_0_conv` comes
 * between `_2_relu` and `_3_conv`), so the compiler lists a named architecture's layers in it.
 */
import type { GraphNode, ModelGraph } from "./expand-model.js";

/** A layer and the layers whose outputs it reads, in call order; {@link MODEL_INPUT} is the model's input. */
export interface ConnectedLayer {
  readonly name: string;
  readonly inputs: readonly string[];
}

/** The name standing for the model's input among a layer's inputs (no layer is named so). */
export const MODEL_INPUT = "";

/**
 * Every layer of a graph with its inputs, in the graph's order (a residual's body, then its
 * shortcut, then its `add`, which reads the shortcut's output or the block's input, then the
 * body's: the order the generated programs call `add` with).
 */
export function connectedLayers(graph: ModelGraph): ConnectedLayer[] {
  const layers: ConnectedLayer[] = [];
  const walk = (nodes: readonly GraphNode[], input: string): string => {
    let current = input;
    for (const node of nodes) {
      if (node.kind === "broken") throw new Error("cannot connect a graph with unresolved layers");
      if (node.kind === "layer") {
        layers.push({ name: node.name, inputs: [current] });
      } else {
        const body = walk(node.body, current);
        const other = node.shortcut ? walk(node.shortcut, current) : current;
        layers.push({ name: node.name, inputs: [other, body] });
      }
      current = node.name;
    }
    return current;
  };
  walk(graph.nodes, MODEL_INPUT);
  return layers;
}

/**
 * The layer names in TF.js's `model.layers` order (the input layer left out), for a model
 * whose output is its last layer's: TF.js's `Container` sorts by depth (the longest path to
 * the output), deepest first, and breaks ties by the order of a depth-first walk from the
 * output that numbers each layer when it first reaches it.
 */
export function tfjsLayerOrder(layers: readonly ConnectedLayer[]): string[] {
  const inputsOf = new Map(layers.map((layer) => [layer.name, layer.inputs]));
  const reached = new Map<string, number>();
  const finished = new Set<string>();
  const visit = (name: string): void => {
    if (finished.has(name)) return;
    if (!reached.has(name)) reached.set(name, reached.size);
    for (const input of inputsOf.get(name) ?? []) visit(input);
    finished.add(name);
  };
  const output = layers[layers.length - 1];
  if (output === undefined) return [];
  visit(output.name);
  const depth = new Map<string, number>([[output.name, 0]]);
  for (const name of [...finished].reverse()) {
    const own = depth.get(name) ?? 0;
    for (const input of inputsOf.get(name) ?? []) depth.set(input, Math.max(own + 1, depth.get(input) ?? 0));
  }
  return [...finished]
    .filter((name) => name !== MODEL_INPUT)
    .sort((a, b) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0) || (reached.get(a) ?? 0) - (reached.get(b) ?? 0));
}
