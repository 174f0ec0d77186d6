import { checkExperimentsIn, irisExperiment } from "./test/compiler/experiments/checked-experiments.js";
const cases: [string, string, Record<string,string>?][] = [
 ["unknown setting", irisExperiment({ train: "loss: sparse_categorical_crossentropy\n epochs: 5\n batchsize: 3\n patience: 3" })],
 ["epochs in data", irisExperiment({ data: 'source: builtin("iris")\n epochs: 3' })],
 ["dup", irisExperiment({ train: "loss: mse\n loss: mae\n epochs: 5" })],
 ["missing", "experiment e { model { dense(3) } }"],
 ["missing2", "experiment e { data { } train { } }"],
 ["no model", 'experiment e { data { source: builtin("iris") } train { loss: mse, epochs: 3 } }'],
 ["undefined model", 'experiment e { data { source: builtin("iris") } model: Nope train { loss: sparse_categorical_crossentropy, epochs: 3 } }'],
 ["unknown names", irisExperiment({ train: "optimizer: adma\n loss: sparse_categorical_crosentropy\n metrics: [acuracy, f1, f1]\n epochs: 5\n schedule: cosine(3)\n callbacks { early_stop(patience: 3) }" })],
 ["args", irisExperiment({ train: "optimizer: adam(learning_rate: -1, beta: 3)\n loss: sparse_categorical_crossentropy\n epochs: 2.5\n batch_size: 0\n callbacks { early_stopping(val_loss, 3, 0, auto, true, 9) reduce_lr_on_plateau(factor: 2) }" })],
 ["csv path", irisExperiment({ data: 'source: csv("data/x.csv", label: y)' })],
 ["builtin", irisExperiment({ data: 'source: builtin("irsi")' })],
 ["split", irisExperiment({ data: 'source: builtin("iris")\n split { train: 0.8, validation: 0.3 }' })],
 ["split2", irisExperiment({ data: 'source: builtin("iris")\n split { validation: 0.85 }' })],
 ["split3", irisExperiment({ data: 'source: builtin("iris")\n split { validation: 1.5 }' })],
 ["augment", irisExperiment({ data: 'source: builtin("iris")\n augment { flip(horizontal) noize(0.1) }' })],
 ["classes", irisExperiment({ data: 'source: builtin("iris")\n classes: ["setosa", "virginca", "setosa"]' })],
 ["tokenize iris", irisExperiment({ data: 'source: builtin("iris")\n tokenize(vocab: 100, length: 5) window(size: 3)' })],
 ["penguins", irisExperiment({ data: 'source: builtin("penguins")' , model: "model Mlp { dense(3, activation: softmax) }"})],
];
for (const [name, text, files] of cases) {
  const c = checkExperimentsIn(text, files);
  console.log("== " + name + " plans=" + c.experiments.plans.length);
  for (const r of c.reported) console.log(`  ${r.severity} ${r.code} [${r.marked.replace(/\n/g, "⏎").slice(0, 40)}] ${r.message}${r.help ? "  | help: " + r.help : ""}`);
}
