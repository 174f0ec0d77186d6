/// Real transfer learning, offline: nsfwjs's MobileNetV2 (pretrained weights shipped in the
/// npm package; a backbone for 224×224 RGB images in [0, 1]) fine-tuned on 300 Fashion-MNIST
/// images brought to 96×96×3, against the same network trained from scratch on the same images.
/// Run both with `dlm run samples/transfer_fashion.dlm`; bench/BENCHMARKS.md records the results.
experiment pretrained_fashion {
  seed: 4
  data {
    source: builtin("fashion_mnist")
    // Of the 70,000 images (train and test pooled): 350 for training (300 kept), 140 for
    // validation, 2,100 for testing.
    split { train: 0.005, validation: 0.002, test: 0.03 }
    limit: 300
    resize: [96, 96]
    channels: 3
    normalize: scale(1 / 255)
  }
  model {
    pretrained("../node_modules/nsfwjs/dist/models/mobilenet_v2/model.min.js", until: out_relu)
    global_avg_pool2d()
    dropout(0.2)
    dense(10, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 5
    batch_size: 32
  }
  fine_tune {
    unfreeze: last(20)
    optimizer: adam(learning_rate: 1e-4)
    epochs: 3
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix] }
}

experiment scratch_fashion {
  seed: 4
  data {
    source: builtin("fashion_mnist")
    split { train: 0.005, validation: 0.002, test: 0.03 }
    limit: 300
    resize: [96, 96]
    channels: 3
    normalize: scale(1 / 255)
  }
  model {
    pretrained(mobilenet_v2, weights: none, include_top: false)
    global_avg_pool2d()
    dropout(0.2)
    dense(10, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 8
    batch_size: 32
  }
  evaluate { on: test, metrics: [accuracy, f1, confusion_matrix] }
}
