/**
 * The named architectures of `pretrained(vgg16 | resnet50 | mobilenet_v2, …)` as DLM layers,
 * with Keras's exact layer names (read from keras/src/applications/vgg16.py, resnet.py and
 * mobilenet_v2.py): each builder returns a tree of named layer calls and residuals that
 * `renderZooModel` prints as DLM source, which DLM's own checker then reads. So shapes and
 * weight counts come from the same layer rules as any user model, and Keras's `.h5` weights
 * match by name.
 */

/** One named layer call, written in DLM (`conv2d(64, 3, padding: same)`). */
export interface ZooLayer {
  readonly kind: "layer";
  readonly name: string;
  readonly call: string;
}

/** `NAME = residual(shortcut: { … }) { … }`; without `shortcut` the input itself is added. */
export interface ZooResidual {
  readonly kind: "residual";
  readonly name: string;
  readonly shortcut?: readonly ZooItem[];
  readonly body: readonly ZooItem[];
}

export type ZooItem = ZooLayer | ZooResidual;

/** What every architecture takes: the top (Keras's 1000-way classifier) or a pooling in its place. */
export interface ArchitectureOptions {
  readonly includeTop: boolean;
  readonly pooling: "avg" | "max" | "none";
  /** The image size `[height, width]`; MobileNetV2's padding depends on each size's parity. */
  readonly size: readonly [number, number];
}

const layer = (name: string, call: string): ZooLayer => ({ kind: "layer", name, call });

/** The no-top pooling Keras adds (`pooling="avg"` / `"max"`), under its names. */
function pooled(options: ArchitectureOptions, avgName: string, maxName: string): ZooItem[] {
  if (options.pooling === "avg") return [layer(avgName, "global_avg_pool2d")];
  if (options.pooling === "max") return [layer(maxName, "global_max_pool2d")];
  return [];
}

/** VGG16: five blocks of 3×3 convolutions and 2×2 max pooling; the top is flatten, fc1, fc2, predictions. */
export function vgg16(options: ArchitectureOptions): ZooItem[] {
  const items: ZooItem[] = [];
  const blocks: readonly [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  blocks.forEach(([filters, convolutions], index) => {
    const block = `block${index + 1}`;
    for (let conv = 1; conv <= convolutions; conv++) {
      items.push(layer(`${block}_conv${conv}`, `conv2d(${filters}, 3, padding: same, activation: relu)`));
    }
    items.push(layer(`${block}_pool`, "max_pool2d(2, stride: 2)"));
  });
  if (options.includeTop) {
    items.push(
      layer("flatten", "flatten"),
      layer("fc1", "dense(4096, activation: relu)"),
      layer("fc2", "dense(4096, activation: relu)"),
      layer("predictions", "dense(1000, activation: softmax)"),
    );
  } else items.push(...pooled(options, "global_average_pooling2d", "global_max_pooling2d"));
  return items;
}

const RESNET_BN = "batch_norm(epsilon: 1.001e-5)";

/** ResNet's bottleneck block (`residual_block_v1`): 1×1, 3×3, 1×1 convolutions, a projection shortcut in a stage's first block. */
function resnetBlock(name: string, filters: number, stride: number, projection: boolean): ZooItem[] {
  const strided = stride === 1 ? "" : `, stride: ${stride}`;
  const body: ZooItem[] = [
    layer(`${name}_1_conv`, `conv2d(${filters}, 1${strided})`),
    layer(`${name}_1_bn`, RESNET_BN),
    layer(`${name}_1_relu`, "relu"),
    layer(`${name}_2_conv`, `conv2d(${filters}, 3, padding: same)`),
    layer(`${name}_2_bn`, RESNET_BN),
    layer(`${name}_2_relu`, "relu"),
    layer(`${name}_3_conv`, `conv2d(${4 * filters}, 1)`),
    layer(`${name}_3_bn`, RESNET_BN),
  ];
  const shortcut = projection
    ? [layer(`${name}_0_conv`, `conv2d(${4 * filters}, 1${strided})`), layer(`${name}_0_bn`, RESNET_BN)]
    : undefined;
  return [{ kind: "residual", name: `${name}_add`, ...(shortcut ? { shortcut } : {}), body }, layer(`${name}_out`, "relu")];
}

/** ResNet50: a 7×7 stem, then stages conv2–conv5 of 3, 4, 6 and 3 bottleneck blocks. */
export function resnet50(options: ArchitectureOptions): ZooItem[] {
  const items: ZooItem[] = [
    layer("conv1_pad", "zero_pad2d(padding: [[3, 3], [3, 3]])"),
    layer("conv1_conv", "conv2d(64, 7, stride: 2)"),
    layer("conv1_bn", RESNET_BN),
    layer("conv1_relu", "relu"),
    layer("pool1_pad", "zero_pad2d(padding: [[1, 1], [1, 1]])"),
    layer("pool1_pool", "max_pool2d(3, stride: 2)"),
  ];
  const stages: readonly [string, number, number, number][] = [
    ["conv2", 64, 3, 1],
    ["conv3", 128, 4, 2],
    ["conv4", 256, 6, 2],
    ["conv5", 512, 3, 2],
  ];
  for (const [stage, filters, blocks, firstStride] of stages) {
    for (let block = 1; block <= blocks; block++) {
      items.push(...resnetBlock(`${stage}_block${block}`, filters, block === 1 ? firstStride : 1, block === 1));
    }
  }
  if (options.includeTop) items.push(layer("avg_pool", "global_avg_pool2d"), layer("predictions", "dense(1000, activation: softmax)"));
  else items.push(...pooled(options, "avg_pool", "max_pool"));
  return items;
}

const MOBILENET_BN = "batch_norm(momentum: 0.999, epsilon: 1e-3)";

/** Keras's `imagenet_utils.correct_pad` for a 3×3 window: one more zero after an even length. */
function correctPad(size: readonly [number, number]): string {
  const side = (length: number): string => (length % 2 === 0 ? "[0, 1]" : "[1, 1]");
  return `zero_pad2d(padding: [${side(size[0])}, ${side(size[1])}])`;
}

/** MobileNetV2 (alpha 1.0): a strided 3×3 stem, 17 inverted residual blocks, a 1×1 convolution to 1280 channels. */
export function mobilenetV2(options: ArchitectureOptions): ZooItem[] {
  let size: [number, number] = [Math.ceil(options.size[0] / 2), Math.ceil(options.size[1] / 2)];
  const items: ZooItem[] = [
    layer("Conv1", "conv2d(32, 3, stride: 2, padding: same, use_bias: false)"),
    layer("bn_Conv1", MOBILENET_BN),
    layer("Conv1_relu", "activation(relu6)"),
  ];
  let channels = 32;
  // [filters, stride, expansion] of blocks 0–16, as `MobileNetV2()` calls `_inverted_res_block`.
  const blocks: readonly [number, number, number][] = [
    [16, 1, 1],
    [24, 2, 6], [24, 1, 6],
    [32, 2, 6], [32, 1, 6], [32, 1, 6],
    [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
    [96, 1, 6], [96, 1, 6], [96, 1, 6],
    [160, 2, 6], [160, 1, 6], [160, 1, 6],
    [320, 1, 6],
  ];
  blocks.forEach(([filters, stride, expansion], id) => {
    const prefix = id === 0 ? "expanded_conv_" : `block_${id}_`;
    const body: ZooItem[] = [];
    if (id !== 0) {
      body.push(
        layer(`${prefix}expand`, `conv2d(${expansion * channels}, 1, padding: same, use_bias: false)`),
        layer(`${prefix}expand_BN`, MOBILENET_BN),
        layer(`${prefix}expand_relu`, "activation(relu6)"),
      );
    }
    if (stride === 2) {
      body.push(layer(`${prefix}pad`, correctPad(size)));
      size = [Math.ceil(size[0] / 2), Math.ceil(size[1] / 2)];
    }
    body.push(
      layer(`${prefix}depthwise`, `depthwise_conv2d(3, stride: ${stride}, padding: ${stride === 1 ? "same" : "valid"}, use_bias: false)`),
      layer(`${prefix}depthwise_BN`, MOBILENET_BN),
      layer(`${prefix}depthwise_relu`, "activation(relu6)"),
      layer(`${prefix}project`, `conv2d(${filters}, 1, padding: same, use_bias: false)`),
      layer(`${prefix}project_BN`, MOBILENET_BN),
    );
    if (channels === filters && stride === 1) items.push({ kind: "residual", name: `${prefix}add`, body });
    else items.push(...body);
    channels = filters;
  });
  items.push(layer("Conv_1", "conv2d(1280, 1, use_bias: false)"), layer("Conv_1_bn", MOBILENET_BN), layer("out_relu", "activation(relu6)"));
  if (options.includeTop) {
    items.push(layer("global_average_pooling2d", "global_avg_pool2d"), layer("predictions", "dense(1000, activation: softmax)"));
  } else items.push(...pooled(options, "global_average_pooling2d", "global_max_pooling2d"));
  return items;
}

/**
 * The items up to and including the one named `until`: a layer inside a residual keeps the
 * layers before the residual and its own branch up to it. Undefined when no item has the name.
 */
export function cutZooItems(items: readonly ZooItem[], until: string): ZooItem[] | undefined {
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as ZooItem;
    if (item.name === until) return items.slice(0, index + 1);
    if (item.kind !== "residual") continue;
    const branch = cutZooItems(item.body, until) ?? cutZooItems(item.shortcut ?? [], until);
    if (branch) return [...items.slice(0, index), ...branch];
  }
  return undefined;
}

/** Every layer name of the items, in order (residual merges after their branches). */
export function zooLayerNames(items: readonly ZooItem[]): string[] {
  return items.flatMap((item) =>
    item.kind === "layer" ? [item.name] : [...zooLayerNames(item.body), ...zooLayerNames(item.shortcut ?? []), item.name],
  );
}

/** The items as the body of a DLM model declaration named `name` with input `input`. */
export function renderZooModel(name: string, input: readonly number[], items: readonly ZooItem[]): string {
  const lines: string[] = [`model ${name}(input: [${input.join(", ")}]) {`];
  const render = (list: readonly ZooItem[], indent: string): void => {
    for (const item of list) {
      if (item.kind === "layer") {
        lines.push(`${indent}${item.name} = ${item.call}`);
        continue;
      }
      if (item.shortcut) {
        lines.push(`${indent}${item.name} = residual(shortcut: {`);
        render(item.shortcut, `${indent}    `);
        lines.push(`${indent}  }) {`);
      } else lines.push(`${indent}${item.name} = residual {`);
      render(item.body, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  render(items, "  ");
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
