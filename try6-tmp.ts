import { checkExperimentsIn } from "./test/compiler/experiments/checked-experiments.js";
const csv = "size,rooms,city,price,note\n50,2,paris,300.5,a\n70,3,lyon,250.25,b\n,4,paris,500.75,c\n90,3,lyon,410.5,d\n";
const weather = "day,temp,wind,rain\n1,10,3,0\n2,11,4,1\n3,12,2,0\n4,9,5,1\n";
const texts = "label,body\nham,hello there\nspam,buy now\nham,see you\n";
const cases: [string, string, Record<string,string>?][] = [
 ["csv ok", 'experiment h { data { source: csv("data/houses.csv", label: price) split { validation: 0.2 } } model { dense(8, activation: relu) dense(1) } train { loss: mse, epochs: 3, metrics: [mae] } }', { "data/houses.csv": csv }],
 ["csv cols", 'experiment h { data { source: csv("data/houses.csv", label: Price, features: [size, rooms, citty], text: nte) } model { dense(1) } train { loss: mse, epochs: 3 } }', { "data/houses.csv": csv }],
 ["csv class", 'experiment h { data { source: csv("data/houses.csv", label: city, features: [size, rooms], missing: drop) classes: ["paris", "lyonn"] } model { dense(2, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 3 } }', { "data/houses.csv": csv }],
 ["csv class ok", 'experiment h { data { source: csv("data/houses.csv", label: city, features: [size, rooms]) missing: drop } model { dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 3 } }', { "data/houses.csv": csv }],
 ["csv regression on names", 'experiment h { data { source: csv("data/houses.csv", label: city) task: regression } model { dense(1) } train { loss: mse, epochs: 3 } }', { "data/houses.csv": csv }],
 ["window", 'experiment w { data { source: csv("w.csv", label: temp) window(size: 2, horizon: 1) split { train: 0.5, validation: 0.25, test: 0.25 } } model { lstm(4) dense(1) } train { loss: mse, epochs: 3 } }', { "w.csv": weather }],
 ["window bad target", 'experiment w { data { source: csv("w.csv", label: temp) window(size: 2, target: temperature) } model { lstm(4) dense(1) } train { loss: mse, epochs: 3 } }', { "w.csv": weather }],
 ["text", 'experiment t { data { source: csv("t.csv", label: label, text: body) } model { embedding(100, 8) global_avg_pool1d dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 3 } }', { "t.csv": texts }],
 ["tokenize no text", 'experiment t { data { source: csv("t.csv", label: label) tokenize(vocab: 100, length: 5) } model { dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 3 } }', { "t.csv": texts }],
 ["bad csv", 'experiment t { data { source: csv("t.csv", label: label) } model { dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 3 } }', { "t.csv": 'a,a\n1,2\n' }],
];
for (const [name, text, files] of cases) {
  const c = checkExperimentsIn(text, files);
  console.log("== " + name + " plans=" + c.experiments.plans.length);
  for (const r of c.reported) console.log(`  ${r.severity} ${r.code} [${r.marked.replace(/\n/g, "⏎").slice(0, 40)}] ${r.message}${r.help ? "  | help: " + r.help : ""}`);
  for (const p of c.experiments.plans) console.log("  ", JSON.stringify(p.dataInfo), JSON.stringify(p.data), JSON.stringify(p.model.input), JSON.stringify(p.model.output));
}
