/// Transfer learning on digits (the recipe of Keras's mnist_transfer_cnn):
/// pretrain a CNN on digits 0-4, export it, then reuse its convolutional features
/// for digits 5-9 with few labels, and train the same small data from scratch for comparison.
model DigitNet(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  dropout(0.25)
  features = flatten()
  dense(128, activation: relu)
  dropout(0.5)
  dense(5, activation: softmax)
}

experiment pretrain_low_digits {
  seed: 1
  data {
    source: builtin("mnist")
    classes: ["0", "1", "2", "3", "4"]
    split { validation: 0.1 }
    normalize: scale(1 / 255)
  }
  model: DigitNet
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 3
    batch_size: 128
  }
  evaluate { on: test, metrics: [accuracy] }
  export: "exports/low_digits"
}

experiment finetune_high_digits {
  seed: 2
  data {
    source: builtin("mnist")
    classes: ["5", "6", "7", "8", "9"]
    limit: 500
    split { validation: 0.2 }
    normalize: scale(1 / 255)
  }
  model {
    pretrained("exports/low_digits/model.json", until: features)
    dense(128, activation: relu)
    dropout(0.5)
    dense(5, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 10
    batch_size: 32
  }
  fine_tune {
    unfreeze: all
    optimizer: adam(learning_rate: 1e-4)
    epochs: 3
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix] }
}

experiment scratch_high_digits {
  seed: 2
  data {
    source: builtin("mnist")
    classes: ["5", "6", "7", "8", "9"]
    limit: 500
    split { validation: 0.2 }
    normalize: scale(1 / 255)
  }
  model: DigitNet
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 13
    batch_size: 32
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix] }
}
