/// A residual tower on 16x16 feature maps.
block ResidualUnit(filters: int) {
  residual {
    conv2d(filters, 3, padding: same, activation: relu)
    conv2d(filters, 3, padding: same)
  }
  relu
}

model Tower(input: [16, 16, 16]) {
  repeat 3 { ResidualUnit(16) }
  global_avg_pool2d
  dense(10, activation: softmax)
}

model Mismatch(input: [16, 16, 16]) {
  ResidualUnit(32)
  flatten
}

model Shrinks(input: [16, 16, 16]) {
  residual {
    conv2d(16, 3)
  }
}
