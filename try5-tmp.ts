import { checkExperimentsIn, irisExperiment } from "./test/compiler/experiments/checked-experiments.js";
const cases: [string, string, Record<string,string>?][] = [
 ["input mismatch", irisExperiment({ model: "model Mlp(input: [784]) { dense(3, activation: softmax) }" })],
 ["output mismatch", irisExperiment({ model: "model Mlp { dense(10, activation: softmax) }" })],
 ["output rank", 'experiment m { data { source: builtin("mnist") } model { conv2d(4, 3) dense(10, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }'],
 ["inline shape error", 'experiment m { data { source: builtin("iris") } model { conv2d(4, 3) dense(3, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }'],
 ["softmax bce", irisExperiment({ train: "loss: binary_crossentropy\n epochs: 3" })],
 ["sigmoid cce", irisExperiment({ model: "model Mlp { dense(3, activation: sigmoid) }" })],
 ["linear cce", irisExperiment({ model: "model Mlp { dense(3) dropout(0.2) }" })],
 ["trailing act", irisExperiment({ model: "model Mlp { dense(3) softmax }" })],
 ["activation()", irisExperiment({ model: "model Mlp { dense(3) activation(relu) }" })],
 ["regression loss", irisExperiment({ train: "loss: mse\n epochs: 3\n metrics: [rmse, confusion_matrix]" })],
 ["boston", 'experiment b { data { source: builtin("boston_housing") split { validation: 0.1 } } model { dense(3) } train { loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 3, class_weight: balanced } evaluate { metrics: [confusion_matrix] } }'],
 ["monitors", irisExperiment({ data: 'source: builtin("iris")', train: "loss: sparse_categorical_crossentropy\n epochs: 3\n metrics: [f1]\n callbacks { early_stopping() model_checkpoint(\"ck\", monitor: accuracy) reduce_lr_on_plateau(monitor: val_f1) early_stopping(monitor: val_los) }" })],
 ["monitor ok", irisExperiment({ train: "loss: sparse_categorical_crossentropy\n epochs: 3\n metrics: [f1]\n callbacks { early_stopping(monitor: lr) model_checkpoint(\"ck\", monitor: val_f1) }" })],
 ["evaluate on val", irisExperiment({ data: 'source: builtin("iris")', extra: "  evaluate { on: validation }\n" })],
 ["evaluate on test", irisExperiment({ data: 'source: builtin("iris")\n split { train: 0.8, validation: 0.2 }', extra: "  evaluate { on: test }\n" })],
 ["eval default val", irisExperiment({ data: 'source: builtin("iris")\n split { train: 0.8, validation: 0.2 }' })],
 ["finetune no pretrained", irisExperiment({ extra: "  fine_tune { unfreeze: last(2) }\n" })],
 ["space outside tune", irisExperiment({ train: "optimizer: adam(learning_rate: log_range(1e-4, 1e-2))\n loss: sparse_categorical_crossentropy\n epochs: choice(3, 5)" })],
 ["tune", irisExperiment({ train: "optimizer: sgd(learning_rate: log_range(1e-4, 1e-2), momentum: range(0, 0.9))\n loss: sparse_categorical_crossentropy\n metrics: [accuracy]\n epochs: 5\n batch_size: choice(16, 32)\n callbacks { early_stopping(patience: choice(2, 4)) }", extra: "  tune { trials: 4, objective: val_accuracy, strategy: grid }\n" })],
 ["tune bad", irisExperiment({ data: 'source: builtin("iris")\n limit: choice(10, 20)', train: "optimizer: adam(learning_rate: range(1e-2, 1e-4))\n loss: sparse_categorical_crossentropy\n epochs: 5\n batch_size: choice(16, 2.5)\n shuffle: range(0, 1)", extra: "  tune { trials: 4, objective: val_acc }\n" })],
 ["class weight", irisExperiment({ train: "loss: sparse_categorical_crossentropy\n epochs: 3\n class_weight: { setosa: 2, 2: 1.5, virginca: 3, 7: 1 }" })],
];
for (const [name, text, files] of cases) {
  const c = checkExperimentsIn(text, files);
  console.log("== " + name + " plans=" + c.experiments.plans.length);
  for (const r of c.reported) console.log(`  ${r.severity} ${r.code} [${r.marked.replace(/\n/g, "⏎").slice(0, 40)}] ${r.message}${r.help ? "  | help: " + r.help : ""}`);
  for (const p of c.experiments.plans) { if (p.tune) console.log(JSON.stringify(p.tune), JSON.stringify(p.train)); if (name.startsWith("eval")) console.log(JSON.stringify(p.evaluate)); }
}
