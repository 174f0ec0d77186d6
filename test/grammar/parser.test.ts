import { describe, expect, it } from "vitest";
import type * as Ast from "../../grammar/ast.js";
import { parseDlm } from "../../grammar/parse.js";
import { allNodes, printAst, printValue } from "./print-ast.js";

/** The SmallCnn example of the first language reference, verbatim. */
const EXAMPLE = `/// A small convolutional network for 28x28 grey images.
model SmallCnn(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  conv2d(64, 3, activation: relu)
  max_pool2d(2)
  flatten
  dense(128, activation: relu, l2: 1e-4)
  dropout(0.5)
  dense(10, activation: softmax)
}

experiment mnist {
  seed: 7
  data {
    source: builtin("mnist")
    split { validation: 0.1 }
    normalize: scale(1 / 255)
    augment { rotate(10) translate(2) }
  }
  model: SmallCnn
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: categorical_crossentropy
    metrics: [accuracy]
    epochs: 12
    batch_size: 128
    callbacks {
      early_stopping(monitor: val_loss, patience: 3, restore_best_weights: true)
      model_checkpoint("runs/mnist/best", monitor: val_accuracy)
    }
  }
  evaluate { on: test, metrics: [accuracy, precision, recall, f1, auc, confusion_matrix], report: "runs/mnist/report.html" }
  export: "runs/mnist/model"
}
`;

/** Every production of docs/language.md §2 at least once. */
const GRAMMAR_SHAPES = `import "layers.dlm"
import "shared/blocks.dlm"

/// Two convolutions and a normalization.
///   Indented doc lines are trimmed.
block ConvBn(filters: int, kernel: int = 3, act: activation = relu, pad = same,) {
  conv2d(filters, kernel, padding: pad)
  batch_norm
  activation(act)
}

block Empty() { flatten }

model Tiny {
  ConvBn(16)
  residual { ConvBn(16); ConvBn(16, kernel: 5) }
  repeat 2 { dense(8), dropout(0.1) }
  feats = dense(64)
  flatten;
}

experiment tiny {
  data {
    source: csv("data/iris.csv", label: species, features: [a, b],)
    split { train: 0.8, test: 0.2 }
  }
  model { dense(3, activation: softmax) }
  train {
    class_weight: { 0: 2.0, "cat": 1, dog: .5 }
    lr: -1e-3 * 2 + (3 - 1) / 4
    shape: [?, 64]
    stage warmup { epochs: 1 }
    stage(2) { epochs: 2 }
    callbacks { terminate_on_nan() progress(bar: false) }
    flag: true; other: false
    empty: []
    nothing: {}
  }
}
`;

function parseClean(text: string): Ast.DlmFile {
  const { ast, diagnostics } = parseDlm(text, "test.dlm");
  expect(diagnostics).toEqual([]);
  return ast;
}

function slice(text: string, located: { range: Ast.SourceRange } | Ast.SourceRange): string {
  const range = "range" in located ? located.range : located;
  return text.slice(range.start, range.end);
}

function model(file: Ast.DlmFile, index = 0): Ast.ModelDecl {
  const declaration = file.declarations.filter((d) => d.kind === "Model")[index];
  if (declaration?.kind !== "Model") throw new Error("no such model");
  return declaration;
}

function experiment(file: Ast.DlmFile): Ast.ExperimentDecl {
  const declaration = file.declarations.find((d) => d.kind === "Experiment");
  if (declaration?.kind !== "Experiment") throw new Error("no experiment");
  return declaration;
}

function member(members: readonly Ast.Member[], name: string): Ast.Member {
  const found = members.find((m) => (m.kind === "Setting" || m.kind === "Section") && m.name.name === name);
  if (!found) throw new Error(`no member ${name}`);
  return found;
}

/** Ranges hold real text: inside the file, not padded with spaces, nested in their parent's. */
function expectWellFormedRanges(text: string, file: Ast.DlmFile): void {
  for (const { node, parent } of allNodes(file)) {
    expect(node.missing).toBeUndefined();
    if (node.kind === "File") continue;
    const { start, end } = node.range;
    expect(0 <= start && start < end && end <= text.length).toBe(true);
    const written = text.slice(start, end);
    expect(written.trim()).toBe(written);
    if (parent && parent.kind !== "File") {
      expect(start >= parent.range.start && end <= parent.range.end).toBe(true);
    }
  }
}

describe("the first language reference's SmallCnn example", () => {
  const file = parseClean(EXAMPLE);

  it("parses into this tree", () => {
    expect(printAst(file)).toBe(`/// A small convolutional network for 28x28 grey images.
model SmallCnn input [28, 28, 1]
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  conv2d(64, 3, activation: relu)
  max_pool2d(2)
  flatten
  dense(128, activation: relu, l2: 1e-4)
  dropout(0.5)
  dense(10, activation: softmax)
experiment mnist
  seed: 7
  section data
    source: builtin("mnist")
    section split
      validation: 0.1
    normalize: scale((1 / 255))
    section augment
      call rotate(10)
      call translate(2)
  model: SmallCnn
  section train
    optimizer: adam(learning_rate: 1e-3)
    loss: categorical_crossentropy
    metrics: [accuracy]
    epochs: 12
    batch_size: 128
    section callbacks
      call early_stopping(monitor: val_loss, patience: 3, restore_best_weights: true)
      call model_checkpoint("runs/mnist/best", monitor: val_accuracy)
  section evaluate
    on: test
    metrics: [accuracy, precision, recall, f1, auc, confusion_matrix]
    report: "runs/mnist/report.html"
  export: "runs/mnist/model"`);
  });

  it("gives every node a range that slices out exactly what was written", () => {
    expectWellFormedRanges(EXAMPLE, file);
    const smallCnn = model(file);
    expect(slice(EXAMPLE, smallCnn).startsWith("model SmallCnn(input: [28, 28, 1]) {")).toBe(true);
    expect(slice(EXAMPLE, smallCnn).endsWith("dense(10, activation: softmax)\n}")).toBe(true);
    expect(slice(EXAMPLE, smallCnn.name)).toBe("SmallCnn");
    expect(slice(EXAMPLE, smallCnn.input!)).toBe("[28, 28, 1]");
    const [conv] = smallCnn.body;
    expect(slice(EXAMPLE, conv!)).toBe("conv2d(32, 3, activation: relu)");
    if (conv?.kind !== "LayerCall") throw new Error("expected a layer call");
    expect(slice(EXAMPLE, conv.call.callee)).toBe("conv2d");
    expect(conv.call.args.map((arg) => slice(EXAMPLE, arg))).toEqual(["32", "3", "activation: relu"]);
    expect(slice(EXAMPLE, conv.call.args[2]!.name!)).toBe("activation");
    expect(slice(EXAMPLE, smallCnn.body[4]!)).toBe("flatten");

    const mnist = experiment(file);
    expect(slice(EXAMPLE, mnist).startsWith("experiment mnist {")).toBe(true);
    expect(slice(EXAMPLE, mnist).endsWith('export: "runs/mnist/model"\n}')).toBe(true);
    const data = member(mnist.members, "data");
    if (data.kind !== "Section") throw new Error("expected a section");
    const normalize = member(data.members, "normalize");
    expect(slice(EXAMPLE, normalize)).toBe("normalize: scale(1 / 255)");
    if (normalize.kind !== "Setting" || normalize.value.kind !== "Call") throw new Error("expected a call");
    expect(slice(EXAMPLE, normalize.value.args[0]!.value)).toBe("1 / 255");
    expect(slice(EXAMPLE, member(data.members, "augment"))).toBe("augment { rotate(10) translate(2) }");
    const train = member(mnist.members, "train");
    if (train.kind !== "Section") throw new Error("expected a section");
    const callbacks = member(train.members, "callbacks");
    if (callbacks.kind !== "Section") throw new Error("expected a section");
    expect(callbacks.members.map((m) => slice(EXAMPLE, m))).toEqual([
      "early_stopping(monitor: val_loss, patience: 3, restore_best_weights: true)",
      'model_checkpoint("runs/mnist/best", monitor: val_accuracy)',
    ]);
    const evaluate = member(mnist.members, "evaluate");
    if (evaluate.kind !== "Section") throw new Error("expected a section");
    expect(slice(EXAMPLE, member(evaluate.members, "metrics"))).toBe(
      "metrics: [accuracy, precision, recall, f1, auc, confusion_matrix]",
    );
  });

  it("reads literal values: numbers with their text, decoded strings, booleans", () => {
    const smallCnn = model(file);
    const dense = smallCnn.body[5];
    if (dense?.kind !== "LayerCall") throw new Error("expected a layer call");
    expect(dense.call.args[2]!.value).toMatchObject({ kind: "Number", value: 1e-4, text: "1e-4" });
    const mnist = experiment(file);
    const exported = member(mnist.members, "export");
    expect(exported).toMatchObject({ kind: "Setting", value: { kind: "String", value: "runs/mnist/model" } });
  });
});

describe("the productions of docs/language.md §2", () => {
  const file = parseClean(GRAMMAR_SHAPES);

  it("parses into this tree", () => {
    expect(printAst(file)).toBe(`import "layers.dlm"
import "shared/blocks.dlm"
/// Two convolutions and a normalization.
/// Indented doc lines are trimmed.
block ConvBn(filters: int, kernel: int = 3, act: activation = relu, pad = same)
  conv2d(filters, kernel, padding: pad)
  batch_norm
  activation(act)
block Empty()
  flatten
model Tiny
  ConvBn(16)
  residual
    ConvBn(16)
    ConvBn(16, kernel: 5)
  repeat 2
    dense(8)
    dropout(0.1)
  feats = dense(64)
  flatten
experiment tiny
  section data
    source: csv("data/iris.csv", label: species, features: [a, b])
    section split
      train: 0.8
      test: 0.2
  model
    dense(3, activation: softmax)
  section train
    class_weight: {0: 2.0, "cat": 1, dog: .5}
    lr: (((-1e-3) * 2) + ((3 - 1) / 4))
    shape: [?, 64]
    section stage(warmup)
      epochs: 1
    section stage(2)
      epochs: 2
    section callbacks
      call terminate_on_nan()
      call progress(bar: false)
    flag: true
    other: false
    empty: []
    nothing: {}`);
  });

  it("gives every node a range that slices out exactly what was written", () => {
    expectWellFormedRanges(GRAMMAR_SHAPES, file);
    expect(file.imports.map((entry) => slice(GRAMMAR_SHAPES, entry))).toEqual([
      'import "layers.dlm"',
      'import "shared/blocks.dlm"',
    ]);
    const block = file.declarations[0];
    if (block?.kind !== "Block") throw new Error("expected a block");
    expect(block.params.map((param) => slice(GRAMMAR_SHAPES, param))).toEqual([
      "filters: int",
      "kernel: int = 3",
      "act: activation = relu",
      "pad = same",
    ]);
    expect(slice(GRAMMAR_SHAPES, block.params[1]!.type!)).toBe("int");
    const tiny = model(file);
    const [use, residual, repeat, named] = tiny.body;
    expect(slice(GRAMMAR_SHAPES, use!)).toBe("ConvBn(16)");
    expect(slice(GRAMMAR_SHAPES, residual!)).toBe("residual { ConvBn(16); ConvBn(16, kernel: 5) }");
    if (residual?.kind !== "Residual" || repeat?.kind !== "Repeat") throw new Error("expected residual, repeat");
    expect(slice(GRAMMAR_SHAPES, residual.keyword)).toBe("residual");
    expect(slice(GRAMMAR_SHAPES, repeat)).toBe("repeat 2 { dense(8), dropout(0.1) }");
    expect(slice(GRAMMAR_SHAPES, repeat.keyword)).toBe("repeat");
    expect(slice(GRAMMAR_SHAPES, repeat.count)).toBe("2");
    if (named?.kind !== "LayerCall") throw new Error("expected a layer call");
    expect(slice(GRAMMAR_SHAPES, named)).toBe("feats = dense(64)");
    expect(slice(GRAMMAR_SHAPES, named.layerName!)).toBe("feats");
    expect(slice(GRAMMAR_SHAPES, named.call)).toBe("dense(64)");

    const tinyExperiment = experiment(file);
    const inline = tinyExperiment.members.find((m) => m.kind === "InlineModel");
    expect(slice(GRAMMAR_SHAPES, inline!)).toBe("model { dense(3, activation: softmax) }");
    const train = member(tinyExperiment.members, "train");
    if (train.kind !== "Section") throw new Error("expected a section");
    const lr = member(train.members, "lr");
    if (lr.kind !== "Setting" || lr.value.kind !== "Binary") throw new Error("expected arithmetic");
    expect(slice(GRAMMAR_SHAPES, lr.value)).toBe("-1e-3 * 2 + (3 - 1) / 4");
    expect(slice(GRAMMAR_SHAPES, lr.value.left)).toBe("-1e-3 * 2");
    // Parentheses leave no node: the right operand of `/` starts inside them.
    expect(slice(GRAMMAR_SHAPES, lr.value.right)).toBe("3 - 1) / 4");
    const classWeight = member(train.members, "class_weight");
    if (classWeight.kind !== "Setting" || classWeight.value.kind !== "Object") throw new Error("expected an object");
    expect(classWeight.value.entries.map((entry) => [entry.key.kind, slice(GRAMMAR_SHAPES, entry)])).toEqual([
      ["Number", "0: 2.0"],
      ["String", '"cat": 1'],
      ["Identifier", "dog: .5"],
    ]);
    const shape = member(train.members, "shape");
    if (shape.kind !== "Setting" || shape.value.kind !== "List") throw new Error("expected a list");
    expect(shape.value.items[0]).toMatchObject({ kind: "Name", name: "?" });
    const warmup = member(train.members, "stage");
    expect(slice(GRAMMAR_SHAPES, warmup)).toBe("stage warmup { epochs: 1 }");
  });

  it("folds nothing: arithmetic keeps its structure with precedence and unary minus", () => {
    const { ast } = parseDlm("experiment e { x: 1 - 2 - 3 * -4 / 5 }", "t.dlm");
    const setting = experiment(ast).members[0];
    if (setting?.kind !== "Setting") throw new Error("expected a setting");
    expect(printValue(setting.value)).toBe("((1 - 2) - ((3 * (-4)) / 5))");
  });
});

/** Every member of docs/language.md §4 (and the literals of §1), with its placeholders filled in. */
const EXPERIMENT_MEMBERS = `experiment everything {
  seed: 0
  backend: auto
  data {
    source: builtin(mnist)
    source: csv("data/iris.csv", label: species, features: [sepal_length, petal_width], delimiter: ",")
    source: images("data/flowers", size: [64, 64], channels: 3)
    source: csv("data/spam.csv", label: label, text: body)
    tokenize(vocab: 10000, length: 200, lowercase: true)
    window(size: 24, horizon: 1, target: temperature)
    classes: ["0", "1", "2"]
    limit: 500
    task: classification
    split { train, validation, test, shuffle: true, stratify: true }
    split { train: 0.8, test: 0.2 }
    normalize: scale(1 / 255)
    missing: mean
    augment {
      flip(horizontal) rotate(10) crop(size: [24, 24], padding: 4) translate(2)
      zoom(0.1) brightness(0.2) contrast(0.1) noise(0.05)
    }
  }
  model { dense(10, activation: softmax) }
  train {
    optimizer: sgd(0.01, momentum: 0.9, nesterov: true)
    schedule: step_decay(every: 10, factor: 0.5)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy, precision, recall, f1, auc]
    epochs: 20
    batch_size: 32
    validation_batch_size: 256
    class_weight: balanced
    class_weight: { cat: 2.0, dog: 1.0 }
    callbacks {
      early_stopping(monitor: val_loss, patience: 0, min_delta: 0, mode: auto, restore_best_weights: false)
      model_checkpoint("runs/best", monitor: val_loss, save_best_only: true, mode: auto)
      reduce_lr_on_plateau(monitor: val_loss, factor: 0.1, patience: 10, min_lr: 0)
      csv_logger("runs/log.csv")
      terminate_on_nan()
      progress(bar: true)
    }
  }
  fine_tune { unfreeze: last(2); optimizer: adam(learning_rate: 1e-5); epochs: 3 }
  fine_tune { unfreeze: from(features) }
  tune { trials: 20, objective: val_accuracy, strategy: random }
  train { optimizer: adam(learning_rate: log_range(1e-4, 1e-2)) batch_size: choice(32, 64, 128) dropout: range(0.1, 0.5) }
  evaluate { on: validation, metrics: [accuracy, confusion_matrix, mse, mae, rmse, r2], average: macro, report: "runs/report.md" }
  export: "runs/bundle"
}
`;

describe("the members of docs/language.md §4", () => {
  it("all parse without a diagnostic, with well-formed ranges", () => {
    const file = parseClean(EXPERIMENT_MEMBERS);
    expectWellFormedRanges(EXPERIMENT_MEMBERS, file);
    const members = experiment(file).members;
    expect(members.map((m) => (m.kind === "Setting" || m.kind === "Section" ? m.name.name : m.kind))).toEqual([
      "seed",
      "backend",
      "data",
      "InlineModel",
      "train",
      "fine_tune",
      "fine_tune",
      "tune",
      "train",
      "evaluate",
      "export",
    ]);
    const data = member(members, "data");
    if (data.kind !== "Section") throw new Error("expected a section");
    const split = data.members.find((m) => m.kind === "Section" && m.name.name === "split");
    expect(printAst({ ...file, declarations: [{ ...experiment(file), members: split ? [split] : [] }] })).toBe(
      [
        "experiment everything",
        "  section split",
        "    call train",
        "    call validation",
        "    call test",
        "    shuffle: true",
        "    stratify: true",
      ].join("\n"),
    );
  });
});

describe("doc comments", () => {
  it("attach the `///` lines directly above a declaration, blank lines allowed", () => {
    const { ast } = parseDlm("/// first\n///second line\n\nmodel A { flatten }", "t.dlm");
    expect(ast.declarations[0]).toMatchObject({ doc: "first\nsecond line" });
  });

  it("stop at anything else between the comment and the declaration", () => {
    const text = [
      "/// orphan",
      "// plain comment",
      "model A { flatten }",
      "/// not mine",
      "model B { flatten } /// trailing",
      "//// a ruler, not a doc comment",
      "experiment C { seed: 1 }",
      "/// for D",
      "block D() { flatten }",
    ].join("\n");
    const { ast } = parseDlm(text, "t.dlm");
    expect(ast.declarations.map((d) => [d.name.name, d.doc])).toEqual([
      ["A", undefined],
      ["B", "not mine"],
      ["C", undefined],
      ["D", "for D"],
    ]);
  });
});

describe("files without declarations", () => {
  it.each([
    ["an empty file", ""],
    ["blank lines", "\n\n  \t\r\n"],
    ["only comments", "// nothing\n/* here */\n/// dangling doc"],
  ])("%s parse to an empty tree without diagnostics", (_name, text) => {
    const { ast, diagnostics } = parseDlm(text, "t.dlm");
    expect(diagnostics).toEqual([]);
    expect(ast).toEqual({ kind: "File", range: { start: 0, end: text.length }, imports: [], declarations: [] });
  });
});

describe("a large file", () => {
  it("parses 2 MB without a diagnostic", () => {
    const model = (i: number): string =>
      `/// Model ${i}\nmodel M${i}(input: [28, 28, 1]) {\n  conv2d(32, 3, activation: relu)\n  max_pool2d(2)\n  flatten\n  dense(10, activation: softmax)\n}\n`;
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < 2_000_000; i++) {
      parts.push(model(i));
      length += parts[parts.length - 1]!.length;
    }
    const text = parts.join("");
    const { ast, diagnostics } = parseDlm(text, "big.dlm");
    expect(diagnostics).toEqual([]);
    expect(ast.declarations).toHaveLength(parts.length);
    const last = ast.declarations[ast.declarations.length - 1]!;
    expect(slice(text, last.name)).toBe(`M${parts.length - 1}`);
    expect(last.doc).toBe(`Model ${parts.length - 1}`);
  });
});
