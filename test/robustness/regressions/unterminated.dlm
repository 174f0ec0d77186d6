// Everything left open at the end of the file: a string, a block comment, brackets and a section.
experiment e {
  data { source: csv("data.csv, label: y
  model { dense(4
  train { loss: [mse
/* never closed
