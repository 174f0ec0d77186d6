// The experiment's shape: unknown, misplaced, duplicated and missing members.
model Mlp {
  dense(16, activation: relu)
  dense(3, activation: softmax)
}

experiment iris {
  seeds: 3
  data {
    source: builtin("iris")
    epochs: 4
    split { validation: 0.2 }
  }
  model: Mlp
  model { dense(3, activation: softmax) }
  train {
    loss: sparse_categorical_crossentropy
    loss: mse
    early_stopping(patience: 3)
  }
  evaluation { on: test }
}

experiment empty {
  model: Mlp
}
