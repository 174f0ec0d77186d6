/** Catalog of the shapes family (DLM4xx) that shape inference reports. */
import type { MessageEntry } from "./catalog-entry.js";

/** The shapes codes by meaning, so code reads `SHAPES.wrongInputRank`, not `"DLM401"`. */
export const SHAPES = {
  wrongInputRank: "DLM401",
  sizeReachesZero: "DLM402",
  reshapeDoesNotFit: "DLM403",
  residualShapeMismatch: "DLM404",
  invalidInputShape: "DLM405",
} as const;

/** One entry per shape code: what `dlm explain DLM4xx` prints. */
export const SHAPE_MESSAGES: readonly MessageEntry[] = [
  {
    code: SHAPES.wrongInputRank,
    title: "wrong input rank",
    severity: "error",
    explanation:
      "A layer receives an input of a rank (number of axes, without the batch axis) it does " +
      "not accept: `conv2d` needs `[height, width, channels]`, `lstm` needs `[length, " +
      "features]`, `embedding` needs `[length]`. The message shows the shape that reaches the " +
      "layer; the help line suggests a `reshape` or `flatten` when one plausibly fits. Layers " +
      "with weights also need the last axis known.",
    wrong: "model Net(input: [784]) {\n  conv2d(32, 3)\n  flatten\n  dense(10)\n}",
    fixed: "model Net(input: [784]) {\n  reshape([28, 28, 1])\n  conv2d(32, 3)\n  flatten\n  dense(10)\n}",
  },
  {
    code: SHAPES.sizeReachesZero,
    title: "size reaches zero",
    severity: "error",
    explanation:
      "A convolution or pooling window with `padding: valid` shrinks each spatial axis to " +
      "floor((n - dilation*(kernel-1) - 1) / stride) + 1; stacked windows can shrink an axis " +
      "to zero or below. Use `padding: same`, a smaller kernel or fewer pooling steps, or feed " +
      "a larger input.",
    wrong: "model Net(input: [8, 8, 1]) {\n  conv2d(8, 5)\n  conv2d(8, 5)\n}",
    fixed: "model Net(input: [8, 8, 1]) {\n  conv2d(8, 5, padding: same)\n  conv2d(8, 5)\n}",
  },
  {
    code: SHAPES.reshapeDoesNotFit,
    title: "reshape does not fit",
    severity: "error",
    explanation:
      "`reshape(shape)` must keep the number of values: the product of the new shape equals " +
      "the product of the input shape (one length may be -1 to infer it). `flatten` needs every " +
      "length of its input known.",
    wrong: "model Net(input: [784]) {\n  reshape([28, 28, 3])\n}",
    fixed: "model Net(input: [784]) {\n  reshape([28, 28, 1])\n}",
  },
  {
    code: SHAPES.residualShapeMismatch,
    title: "residual shape mismatch",
    severity: "error",
    explanation:
      "`residual { body }` adds the body's output to its input, so the body must end with the " +
      "shape it starts with. The message names both shapes: usually the last layer of the " +
      "body needs as many filters (or units) as the input has channels, and convolutions " +
      "inside need `padding: same`. With a projection shortcut, `residual(shortcut: { … }) { … }`, " +
      "the shortcut's output is added instead of the input, so body and shortcut must end with " +
      "the same shape (the same filters and stride).",
    wrong: "model Net(input: [8, 8, 16]) {\n  residual { conv2d(32, 3, padding: same) }\n}",
    fixed: "model Net(input: [8, 8, 16]) {\n  residual { conv2d(16, 3, padding: same) }\n}",
  },
  {
    code: SHAPES.invalidInputShape,
    title: "invalid input shape",
    severity: "error",
    explanation:
      "A model's `input:` is the shape of one example without the batch axis: a list of " +
      "positive integers, with `?` for a length that varies (text sequences). The same code " +
      "is reported when a `pretrained` model cannot take the shape that reaches it.",
    wrong: "model Net(input: [28, 0, 1]) {\n  flatten\n}",
    fixed: "model Net(input: [28, 28, 1]) {\n  flatten\n}",
  },
];
