/// Two convolutions with batch normalisation and a 1x1 projection.
block ConvBn(filters: int, kernel: int = 3) {
  conv2d(filters, kernel, padding: same, use_bias: false)
  batch_norm
  relu
}

/// A residual network for Fashion-MNIST: conv stem, two residual stages, global pooling.
model FashionResNet(input: [28, 28, 1]) {
  ConvBn(32)
  residual {
    ConvBn(32)
    conv2d(32, 3, padding: same)
    batch_norm
  }
  relu
  max_pool2d(2)
  ConvBn(64)
  repeat 2 {
    residual {
      ConvBn(64)
      conv2d(64, 3, padding: same)
      batch_norm
    }
    relu
  }
  max_pool2d(2)
  global_avg_pool2d
  dropout(0.3)
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
    schedule: cosine_decay(epochs: 15)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 15
    batch_size: 128
    callbacks {
      early_stopping(monitor: val_accuracy, patience: 4, restore_best_weights: true)
      csv_logger("logs/fashion_mnist.csv")
    }
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix], average: macro }
}
