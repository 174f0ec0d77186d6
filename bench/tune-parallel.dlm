// Parallel tuning trials (bench/BENCHMARKS.md, "Parallel tuning trials"): time
// `dlm run bench/tune-parallel.dlm --out runs --force` with `parallel` set to 1 and to 2.
experiment tune_cnn {
  seed: 3
  data {
    source: builtin("mnist")
    split { train: 0.03, validation: 0.01, test: 0.01 }
    normalize: scale(1 / 255)
  }
  model {
    conv2d(choice(16, 32), 3, activation: relu)
    max_pool2d(2)
    flatten
    dense(10, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: choice(0.001, 0.003))
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 8
    batch_size: 64
  }
  tune { trials: 4, objective: val_accuracy, strategy: grid, parallel: 2 }
  evaluate { on: test, metrics: [accuracy] }
}
