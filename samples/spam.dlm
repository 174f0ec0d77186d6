/// Spam or ham from raw e-mail text: tokens, an embedding and a 1-D convolution.
model SpamNet {
  embedding(vocab: 10000, dim: 32)
  conv1d(64, 5, activation: relu)
  global_max_pool1d
  dropout(0.3)
  dense(1, activation: sigmoid)
}

experiment spam {
  seed: 5
  data {
    source: builtin("spam")
    tokenize(vocab: 10000, length: 300, lowercase: true)
    split { train: 0.7, validation: 0.1, test: 0.2 }
  }
  model: SpamNet
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: binary_crossentropy
    metrics: [accuracy, auc]
    epochs: 5
    batch_size: 64
    callbacks { early_stopping(monitor: val_auc, patience: 2, restore_best_weights: true) }
  }
  evaluate { on: test, metrics: [accuracy, precision, recall, f1, auc, confusion_matrix] }
  export: "exports/spam"
}
