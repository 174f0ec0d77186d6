model Values(input: [28, 28, 1]) {
  conv2d(32.5, 3)
  conv2d(16, [3, 0])
  conv2d(16, 3, padding: smae)
  conv2d(16, 3, stride: 2, dilation: 2)
  max_pool2d(2, 2, valid, 4)
  dense(128 / 0)
  dense(units: 10, units: 12)
  dense
  repeat 0 { dense(4) }
}
