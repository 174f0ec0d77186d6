/**
 * Catalog of residual options and of the named architectures (`pretrained(resnet50, …)`):
 * DLM420–DLM429.
 */
import type { MessageEntry } from "./catalog-entry.js";

/** The zoo codes by meaning, so code reads `ARCHITECTURES.residualOption`, not `"DLM420"`. */
export const ARCHITECTURES = {
  residualOption: "DLM420",
  unknownArchitecture: "DLM422",
  zooOptionOnSavedModel: "DLM423",
  inputDoesNotFitArchitecture: "DLM424",
  poolingWithTop: "DLM425",
} as const;

/** One entry per code of the residual-option and model-zoo checks. */
export const ZOO_MESSAGES: readonly MessageEntry[] = [
  {
    code: ARCHITECTURES.residualOption,
    title: "residual option",
    severity: "error",
    explanation:
      "`residual(shortcut: { layers }) { body }` adds the shortcut's output to the body's output, " +
      "both reading the same input: ResNet's projection shortcut (a 1×1 convolution with the body's " +
      "stride, then batch normalisation) when the body changes the shape. `shortcut` is the only " +
      "option, given once, and holds at least one layer (an empty shortcut is the input itself: " +
      "write `residual { body }`).",
    wrong: "model Net(input: [8, 8, 16]) {\n  residual(skip: { conv2d(32, 1) }) { conv2d(32, 3, padding: same) }\n}",
    fixed: "model Net(input: [8, 8, 16]) {\n  residual(shortcut: { conv2d(32, 1) }) { conv2d(32, 3, padding: same) }\n}",
  },
  {
    code: ARCHITECTURES.unknownArchitecture,
    title: "unknown architecture",
    severity: "error",
    explanation:
      "`pretrained(NAME)` with a name (no `/` and no `.`) picks one of DLM's named architectures: " +
      "`vgg16`, `resnet50`, `mobilenet_v2` (`dlm models` lists them). A saved TF.js model is named by " +
      "its path instead: `pretrained(\"exports/base/model.json\")`, or `\"./base\"` for a folder.",
    wrong: "model Net(input: [96, 96, 3]) {\n  pretrained(resnet51, weights: none)\n  global_avg_pool2d\n  dense(10)\n}",
    fixed: "model Net(input: [96, 96, 3]) {\n  pretrained(resnet50, weights: none)\n  global_avg_pool2d\n  dense(10)\n}",
  },
  {
    code: ARCHITECTURES.zooOptionOnSavedModel,
    title: "zoo option on a saved model",
    severity: "error",
    explanation:
      "`weights`, `include_top` and `pooling` choose how a named architecture is built (Keras's " +
      "arguments of the same names). A saved model already has its weights and layers: cut it with " +
      "`until:` and write the layers that follow it.",
    wrong:
      "model Net(input: [96, 96, 3]) {\n  pretrained(\"base/model.json\", pooling: avg)\n  dense(10)\n}",
    fixed:
      "model Net(input: [96, 96, 3]) {\n  pretrained(\"base/model.json\")\n  global_avg_pool2d\n  dense(10)\n}",
  },
  {
    code: ARCHITECTURES.inputDoesNotFitArchitecture,
    title: "input does not fit the architecture",
    severity: "error",
    explanation:
      "The named architectures take images `[height, width, channels]` of at least 32×32 (Keras's " +
      "smallest). Their ImageNet weights need 3 colour channels, and `include_top: true` keeps " +
      "Keras's 1000-class classifier, trained at `[224, 224, 3]`: at another size use " +
      "`include_top: false` and a head of your own.",
    wrong: "model Net(input: [96, 96, 3]) {\n  pretrained(mobilenet_v2, weights: none, include_top: true)\n}",
    fixed: "model Net(input: [96, 96, 3]) {\n  pretrained(mobilenet_v2, weights: none, pooling: avg)\n  dense(10, activation: softmax)\n}",
  },
  {
    code: ARCHITECTURES.poolingWithTop,
    title: "pooling with the top",
    severity: "error",
    explanation:
      "`pooling: avg | max` adds a global pooling after the last block of a network without its " +
      "top (`include_top: false`); with the top, the classifier already pools or flattens (Keras " +
      "ignores `pooling` there, DLM says so).",
    wrong: "model Net(input: [224, 224, 3]) {\n  pretrained(resnet50, weights: none, include_top: true, pooling: avg)\n}",
    fixed: "model Net(input: [224, 224, 3]) {\n  pretrained(resnet50, weights: none, include_top: true)\n}",
  },
];
