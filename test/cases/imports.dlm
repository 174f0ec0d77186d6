import "lib/blocks.dlm"
import "lib/missing.dlm"

model Classifier(input: [20]) {
  Hidden(64)
  Hidden(32)
  dense(3, activation: softmax)
}

model UsesStem(input: [20]) {
  Stem
}

block Hidden() {
  dense(1)
}
