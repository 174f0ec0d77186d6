/// Iris with a hyperparameter search: the learning rate and the width of the hidden layer
/// are tuned on the validation split, then the best point is trained again and tested once.
experiment tune_iris {
  seed: 42
  data {
    source: builtin("iris")
    split { train: 0.6, validation: 0.2, test: 0.2, stratify: true }
    normalize: standardize
  }
  model {
    hidden = dense(choice(8, 16, 32), activation: relu)
    dense(3, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: log_range(3e-3, 5e-2))
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 100
    batch_size: 16
    callbacks {
      early_stopping(monitor: val_loss, patience: 20, restore_best_weights: true)
    }
  }
  tune { trials: 6, objective: val_accuracy, strategy: random }
  evaluate {
    on: test
    metrics: [accuracy, f1, confusion_matrix]
    average: macro
  }
}
