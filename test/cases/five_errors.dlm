// Five independent mistakes: every one is reported in a single run.
model Typo(input: [784]) {
  dense(128, activation: relu)
  dnese(10)
}

model BadRate(input: [784]) {
  dense(64)
  dropout(1.5)
  dense(10)
}

model Flat(input: [784]) {
  conv2d(32, 3)
  flatten
  dense(10)
}

model Residual(input: [8, 8, 16]) {
  residual {
    conv2d(32, 3, padding: same)
  }
}

experiment run {
  data { source: builtin("mnist") }
  model: Residul
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
