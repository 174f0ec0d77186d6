/// Hidden layers with a named feature layer.
block Features(units: integr = 64) {
  feats = dense(units, activation: rleu)
}

block Loop() {
  dense(4)
  Loop
}

model Net(input: [32]) {
  Features
  Features
  dense(10, activaton: softmax)
  Net
}

model Net(input: [4]) {
  dense(1)
}

model Copies(input: [8]) {
  repeat 2 { hidden = dense(8) }
}

experiment run {
  data { source: builtin("iris") }
  model: Nett
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
