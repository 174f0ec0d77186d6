// Parts that are each fine but do not fit together.
model Digits(input: [28, 28, 1]) {
  flatten
  dense(64, activation: relu)
  dense(10, activation: sigmoid)
}

experiment digits {
  data {
    source: builtin("mnist")
    normalize: scale(1 / 255)
  }
  model: Digits
  train {
    loss: categorical_crossentropy
    metrics: [accuracy, rmse]
    epochs: 5
    callbacks {
      early_stopping(monitor: val_accuracy, patience: 2)
      reduce_lr_on_plateau(monitor: val_acc)
    }
  }
  fine_tune { unfreeze: all, epochs: 2 }
  evaluate { on: validation }
}

experiment prices {
  data { source: builtin("boston_housing") }
  model { dense(16, activation: relu) dense(3) }
  train {
    optimizer: adam(learning_rate: log_range(1e-4, 1e-2))
    loss: huber
    epochs: 20
  }
}
