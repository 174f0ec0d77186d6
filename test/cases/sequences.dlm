/// Text of any length: the `?` stays unknown through the recurrent layers.
model Sentiment(input: [?]) {
  embedding(vocab: 10000, dim: 64, mask_zero: true)
  bidirectional(lstm(32, return_sequences: true))
  gru(16)
  dense(1, activation: sigmoid)
}

model Windows(input: [30, 4]) {
  conv1d(16, 5, activation: relu)
  max_pool1d
  lstm(8)
  dense(1)
}

model NeedsSequence(input: [30]) {
  lstm(8)
}
