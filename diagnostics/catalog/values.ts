/** Catalog of the values family (DLM3xx) that layer and block arguments report. */
import type { MessageEntry } from "./catalog-entry.js";

/** The values codes by meaning, so code reads `VALUES.wrongType`, not `"DLM301"`. */
export const VALUES = {
  wrongType: "DLM301",
  outOfRange: "DLM302",
  missingArgument: "DLM303",
  tooManyArguments: "DLM304",
  divisionByZero: "DLM305",
  invalidLayerArguments: "DLM307",
  invalidRepeatCount: "DLM308",
} as const;

/** One entry per value code: what `dlm explain DLM3xx` prints. */
export const VALUE_MESSAGES: readonly MessageEntry[] = [
  {
    code: VALUES.wrongType,
    title: "wrong type",
    severity: "error",
    explanation:
      "A value has the wrong type for its parameter: a fraction where an integer is needed " +
      "(`units`, `filters`, `kernel`), a string where a number is needed, a name where a list " +
      "is needed. The message names the parameter, the expected type and the value found. " +
      "Block arguments are checked against the block parameter's declared type, and again " +
      "against every layer parameter they reach inside the block.",
    wrong: "model Net(input: [784]) {\n  dense(12.5)\n}",
    fixed: "model Net(input: [784]) {\n  dense(12)\n}",
  },
  {
    code: VALUES.outOfRange,
    title: "value out of range",
    severity: "error",
    explanation:
      "A number is outside the range its parameter allows — a dropout rate must be in [0, 1), " +
      "units and filters at least 1, penalties at least 0 — or a name is not one of the " +
      "options (`padding` is `valid` or `same`). The message gives the allowed range or options. " +
      "Data settings too: `resize` lengths run from 1 to 4096 pixels, `channels` is 1 or 3.",
    wrong: "model Net(input: [784]) {\n  dense(128)\n  dropout(1.5)\n  dense(10)\n}",
    fixed: "model Net(input: [784]) {\n  dense(128)\n  dropout(0.5)\n  dense(10)\n}",
  },
  {
    code: VALUES.missingArgument,
    title: "missing required argument",
    severity: "error",
    explanation:
      "A layer or block is called without a parameter that has no default, such as the " +
      "`units` of `dense` or the `filters` and `kernel` of `conv2d`. The note describes each " +
      "missing parameter.",
    wrong: "model Net(input: [28, 28, 1]) {\n  conv2d(32)\n}",
    fixed: "model Net(input: [28, 28, 1]) {\n  conv2d(32, 3)\n}",
  },
  {
    code: VALUES.tooManyArguments,
    title: "too many arguments",
    severity: "error",
    explanation:
      "A call gives more positional arguments than the layer or block has parameters. The " +
      "note lists the parameters in their positional order; pass the extra values by name or " +
      "remove them.",
    wrong: "model Net(input: [784]) {\n  dropout(0.5, 0.2)\n}",
    fixed: "model Net(input: [784]) {\n  dropout(0.5)\n}",
  },
  {
    code: VALUES.divisionByZero,
    title: "division by zero",
    severity: "error",
    explanation:
      "Constant arithmetic (`+ - * /` on numbers, folded at compile time) divides by a value " +
      "that is zero, so the result would be infinite. In a block, the divisor may come from an " +
      "argument given at a use of the block.",
    wrong: "model Net(input: [784]) {\n  dense(256 / 0)\n}",
    fixed: "model Net(input: [784]) {\n  dense(256 / 2)\n}",
  },
  {
    code: VALUES.invalidLayerArguments,
    title: "invalid layer arguments",
    severity: "error",
    explanation:
      "Each argument is fine on its own, but the layer does not accept this combination — " +
      "for example a `kernel` list with the wrong number of values, or a `dilation` above 1 " +
      "together with a `stride` above 1 (TensorFlow.js convolutions support one or the other).",
    wrong: "model Net(input: [28, 28, 1]) {\n  conv2d(8, 3, stride: 2, dilation: 2)\n}",
    fixed: "model Net(input: [28, 28, 1]) {\n  conv2d(8, 3, dilation: 2)\n}",
  },
  {
    code: VALUES.invalidRepeatCount,
    title: "invalid repeat count",
    severity: "error",
    explanation:
      "`repeat N { … }` copies its body N times, so N must be a positive integer (at most " +
      "1000, and a model may expand to at most 10,000 layers). N may be an `int` block parameter.",
    wrong: "model Net(input: [16]) {\n  repeat 0 { dense(16) }\n}",
    fixed: "model Net(input: [16]) {\n  repeat 2 { dense(16) }\n}",
  },
];
