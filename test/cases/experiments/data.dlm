// Data the compiler inspects before training: CSV headers, labels, splits, transforms.
experiment houses {
  data {
    source: csv("data/houses.csv", label: Price, features: [size, romos])
    split { train: 0.7, validation: 0.2, test: 0.2 }
  }
  model { dense(8, activation: relu) dense(1) }
  train { loss: mse, epochs: 10 }
}

experiment cities {
  data {
    source: csv("data/houses.csv", label: city)
    classes: ["paris", "lyonn"]
    augment { flip(horizontal) }
  }
  model { dense(2, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 10 }
}

experiment missing_file {
  data { source: csv("data/house.csv", label: price) }
  model { dense(1) }
  train { loss: mse, epochs: 10 }
}

experiment penguins {
  data {
    source: builtin("penguins")
    tokenize(vocab: 1000, length: 20)
  }
  model { dense(3, activation: softmax) }
  train { loss: sparse_categorical_crossentropy, epochs: 10 }
}
