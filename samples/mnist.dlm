/// A small convolutional network for 28x28 grey images.
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
    augment { rotate(10), translate(2) }
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
      model_checkpoint("checkpoints/mnist", monitor: val_accuracy)
    }
  }
  evaluate { on: test, metrics: [accuracy, precision, recall, f1, auc, confusion_matrix] }
  export: "exports/mnist"
}
