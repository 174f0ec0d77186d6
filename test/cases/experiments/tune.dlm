// A clean search: spaces in train settings and arguments, the plan holds the first point.
experiment iris_search {
  seed: 4
  data {
    source: builtin("iris")
    split { train: 0.6, validation: 0.2, test: 0.2 }
    normalize: standardize
  }
  model {
    dense(16, activation: relu)
    dense(3, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: log_range(1e-3, 1e-1))
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 30
    batch_size: choice(8, 16, 32)
    callbacks { early_stopping(monitor: val_accuracy, patience: range(3, 9)) }
  }
  tune { trials: 6, objective: val_accuracy, strategy: random }
}
