/// A small convolutional network for 28x28 grey images (LANGUAGE.md §6).
model SmallCnn(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  conv2d(64, 3, activation: relu)
  max_pool2d(2)
  flatten
  dense(128, activation: relu, l2: 1e-4)
  dropout(0.5)
  dense(10, activation: softmax)
}
