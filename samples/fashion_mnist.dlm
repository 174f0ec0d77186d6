/// A convolution without bias, batch normalisation (which supplies the shift) and relu.
block ConvBn(filters: int, kernel: int = 3) {
  conv2d(filters, kernel, padding: same, use_bias: false)
  batch_norm
  relu
}

/// A small residual network for Fashion-MNIST: a conv stem, one residual block at 14x14
/// and one at 7x7, then a dense head. Sized to train an epoch in minutes on one CPU core.
model FashionResNet(input: [28, 28, 1]) {
  ConvBn(32)
  max_pool2d(2)
  residual {
    ConvBn(32)
    conv2d(32, 3, padding: same, use_bias: false)
    batch_norm
  }
  relu
  max_pool2d(2)
  residual {
    ConvBn(32)
    conv2d(32, 3, padding: same, use_bias: false)
    batch_norm
  }
  relu
  flatten
  dropout(0.3)
  dense(128, activation: relu)
  dense(10, activation: softmax)
}

experiment fashion_mnist {
  seed: 11
  data {
    source: builtin("fashion_mnist")
    split { validation: 0.1 }
    normalize: scale(1 / 255)
    augment { flip(horizontal) }
  }
  model: FashionResNet
  train {
    optimizer: adam(learning_rate: 2e-3)
    schedule: cosine_decay(epochs: 10)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 10
    batch_size: 128
    callbacks {
      early_stopping(monitor: val_accuracy, patience: 3, restore_best_weights: true)
      csv_logger("logs/fashion_mnist.csv")
    }
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix], average: macro }
}
