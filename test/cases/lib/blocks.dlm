/// Shared blocks for the import cases.
block Hidden(units: int) {
  dense(units, activation: relu)
  dropout(0.2)
}

block Stem() {
  conv2d(8, 3)
}
