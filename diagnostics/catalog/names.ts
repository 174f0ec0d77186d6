/** Catalog of the names family (DLM2xx) that models, blocks and imports report. */
import type { MessageEntry } from "./catalog-entry.js";

/** The names codes by meaning, so code reads `NAMES.unknownLayer`, not `"DLM201"`. */
export const NAMES = {
  unknownLayer: "DLM201",
  unknownParameter: "DLM202",
  duplicateName: "DLM205",
  unknownPretrainedLayer: "DLM206",
  undefinedModel: "DLM207",
  importCycle: "DLM208",
  duplicateLayerName: "DLM209",
  duplicateArgument: "DLM210",
  importNotFound: "DLM211",
  unknownActivation: "DLM212",
  unknownParameterType: "DLM213",
  recursiveBlock: "DLM214",
} as const;

/** One entry per name code: what `dlm explain DLM2xx` prints. */
export const NAME_MESSAGES: readonly MessageEntry[] = [
  {
    code: NAMES.unknownLayer,
    title: "unknown layer",
    severity: "error",
    explanation:
      "A layer body names something that is neither a layer DLM knows nor a block declared in " +
      "this file or a file it imports. The help line suggests the closest layer or block name. " +
      "Models cannot be used as layers; declare the layers you want to reuse as a `block`.",
    wrong: "model Net(input: [784]) {\n  dnese(10)\n}",
    fixed: "model Net(input: [784]) {\n  dense(10)\n}",
  },
  {
    code: NAMES.unknownParameter,
    title: "unknown parameter",
    severity: "error",
    explanation:
      "A named argument does not match any parameter of the layer or block it is given to. " +
      "Parameter names are `snake_case` as the language reference lists them; the note lists " +
      "the parameters the call accepts and the help line suggests the closest one.",
    wrong: "model Net(input: [784]) {\n  dense(10, activaton: softmax)\n}",
    fixed: "model Net(input: [784]) {\n  dense(10, activation: softmax)\n}",
  },
  {
    code: NAMES.duplicateName,
    title: "duplicate name",
    severity: "error",
    explanation:
      "Models, blocks and experiments share one namespace per file, imports included, and the " +
      "parameters of a block must have distinct names. The related location shows the first " +
      "declaration. Rename one of the two.",
    wrong: "model Net(input: [4]) { dense(1) }\n\nblock Net() { dense(8) }",
    fixed: "model Net(input: [4]) { dense(1) }\n\nblock Hidden() { dense(8) }",
  },
  {
    code: NAMES.unknownPretrainedLayer,
    title: "unknown layer in a pretrained model",
    severity: "error",
    explanation:
      "`pretrained(path, until: NAME)` cuts a saved model after the layer called NAME, but the " +
      "saved model has no layer of that name. The message lists similar names from its " +
      "model.json; layer names are the ones the model was saved with.",
    wrong: 'model Transfer(input: [4]) {\n  pretrained("base/model.json", until: hiden)\n  dense(2)\n}',
    fixed: 'model Transfer(input: [4]) {\n  pretrained("base/model.json", until: hidden)\n  dense(2)\n}',
  },
  {
    code: NAMES.undefinedModel,
    title: "undefined model",
    severity: "error",
    explanation:
      "`model: NAME` in an experiment must name a model declared in the file or in a file it " +
      "imports (a block is not a model: wrap it as `model { NAME }`). The same code is reported " +
      "when `pretrained(path)` cannot read a usable TF.js layers model at `path`, which is " +
      "resolved against the folder of the `.dlm` file.",
    wrong: "model Net { dense(1) }\n\nexperiment demo {\n  model: Nte\n}",
    fixed: "model Net { dense(1) }\n\nexperiment demo {\n  model: Net\n}",
  },
  {
    code: NAMES.importCycle,
    title: "import cycle",
    severity: "error",
    explanation:
      "Files import each other in a circle; the message names the chain. Imports must form a " +
      "tree (or a graph without cycles): move the declarations both files need into a third " +
      "file that both import.",
    wrong: '// main.dlm\nimport "main.dlm"\n\nmodel Net(input: [4]) { dense(1) }',
    fixed: "// main.dlm\nmodel Net(input: [4]) { dense(1) }",
  },
  {
    code: NAMES.duplicateLayerName,
    title: "duplicate layer name",
    severity: "error",
    explanation:
      "Layer names are unique within a model: they name the layers of the saved model and are " +
      "what `pretrained(..., until: NAME)` and `unfreeze: from(NAME)` refer to. A named layer " +
      "inside a block or a `repeat` body is copied at each use, so it would be named twice; " +
      "remove the name there or give each copy its own. Layers without a written name get " +
      "unique names automatically (`dense`, `dense_1`, …).",
    wrong: "model Net(input: [4]) {\n  hidden = dense(8)\n  hidden = dense(8)\n  dense(1)\n}",
    fixed: "model Net(input: [4]) {\n  hidden = dense(8)\n  hidden2 = dense(8)\n  dense(1)\n}",
  },
  {
    code: NAMES.duplicateArgument,
    title: "duplicate argument",
    severity: "error",
    explanation:
      "The same parameter is given twice in one call, by name twice or once by position and " +
      "once by name. Keep one of them; the related location shows the first.",
    wrong: "model Net(input: [784]) {\n  dense(10, units: 10)\n}",
    fixed: "model Net(input: [784]) {\n  dense(10)\n}",
  },
  {
    code: NAMES.importNotFound,
    title: "imported file not found",
    severity: "error",
    explanation:
      "An `import` names a file that does not exist or cannot be read. Import paths are " +
      "relative to the folder of the importing file; the message shows the path that was tried.",
    wrong: 'import "blocks/resnet.dlm"\n\nmodel Net(input: [4]) { dense(1) }',
    fixed: 'import "layers.dlm"\n\nmodel Net(input: [4]) { dense(1) }',
  },
  {
    code: NAMES.unknownActivation,
    title: "unknown activation",
    severity: "error",
    explanation:
      "An `activation` argument (or an `activation`-typed block parameter) names a function DLM " +
      "does not know. The activations are: linear relu relu6 elu selu sigmoid hard_sigmoid tanh " +
      "softmax softplus softsign swish mish gelu.",
    wrong: "model Net(input: [784]) {\n  dense(10, activation: softmx)\n}",
    fixed: "model Net(input: [784]) {\n  dense(10, activation: softmax)\n}",
  },
  {
    code: NAMES.unknownParameterType,
    title: "unknown parameter type",
    severity: "error",
    explanation:
      "A block parameter declares a type other than `int`, `float`, `string`, `bool`, `shape` " +
      "or `activation`. Leave the type out to accept any value.",
    wrong: "block Hidden(units: integer) {\n  dense(units)\n}",
    fixed: "block Hidden(units: int) {\n  dense(units)\n}",
  },
  {
    code: NAMES.recursiveBlock,
    title: "block uses itself",
    severity: "error",
    explanation:
      "A block is expanded in place wherever it is used, so a block that uses itself — directly " +
      "or through other blocks — would never finish expanding. The message names the chain. To " +
      "stack copies of a block, use `repeat N { Block }` in the model.",
    wrong: "block Tower() {\n  dense(8)\n  Tower\n}",
    fixed: "block Layer() {\n  dense(8)\n}\n\nmodel Tower(input: [4]) {\n  repeat 3 { Layer }\n}",
  },
];
