/// Convolution, normalisation, activation.
block ConvBlock(filters: int, kernel = 3, act: activation = relu) {
  conv2d(filters, kernel, padding: same, use_bias: false)
  batch_norm
  activation(act)
}

/// A stage: two conv blocks, then halve the size.
block Stage(filters: int, depth: int = 2) {
  repeat depth { ConvBlock(filters) }
  max_pool2d
}

// Clean: names continue across expansions (conv2d, conv2d_1, ...).
model Good(input: [32, 32, 3]) {
  Stage(16)
  Stage(32, depth: 3)
  global_avg_pool2d
  dense(10, activation: softmax)
}

// Mistakes at the uses: each points at the use and names the line in the block.
model Bad(input: [32, 32, 3]) {
  ConvBlock(8.5)
  ConvBlock(8, act: rleu)
  Stage(16, depth: 0)
}

model TooSmall(input: [4, 4, 3]) {
  Stage(8)
  Stage(8)
  Stage(8)
}

model NoImage(input: [3072]) {
  Stage(8)
}
