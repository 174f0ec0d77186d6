/// Iris flowers: four measurements, three species. A small multilayer perceptron.
model IrisMlp {
  dense(16, activation: relu)
  dense(16, activation: relu)
  dense(3, activation: softmax)
}

experiment iris {
  seed: 42
  data {
    source: builtin("iris")
    split { train: 0.7, validation: 0.15, test: 0.15, stratify: true }
    normalize: standardize
  }
  model: IrisMlp
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 100
    batch_size: 16
    callbacks {
      early_stopping(monitor: val_loss, patience: 15, restore_best_weights: true)
    }
  }
  evaluate {
    on: test
    metrics: [accuracy, precision, recall, f1, confusion_matrix]
    average: macro
  }
  export: "exports/iris"
}
