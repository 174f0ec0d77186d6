// Five independent mistakes in one experiment: every one is reported in a single run.
experiment five {
  data {
    source: builtin("irsi")
    split { train: 0.8, validation: 0.3 }
  }
  model { dense(3, activation: softmax) }
  train {
    optimizer: adma(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [acuracy]
    epochs: 10
    batchsize: 16
  }
}
