// SYNTAX TEST "source.dlm" "blocks, residual, repeat, named layers, inline models"
/// Convolution, normalisation, activation.
// <--- comment.line.documentation.dlm
block ConvBlock(filters: int, kernel = 3, act: activation = relu) {
// <----- meta.block.header.dlm storage.type.block.dlm
//    ^^^^^^^^^ meta.block.header.dlm entity.name.function.block.dlm
//              ^^^^^^^ variable.parameter.dlm
//                       ^^^ support.type.primitive.dlm
//                            ^^^^^^ variable.parameter.dlm
//                                   ^ keyword.operator.assignment.dlm
//                                     ^ constant.numeric.dlm
//                                        ^^^ variable.parameter.dlm
//                                             ^^^^^^^^^^ support.type.primitive.dlm
//                                                          ^^^^ support.constant.dlm
//                                                              ^ punctuation.section.parameters.end.dlm
  conv2d(filters, kernel, padding: same, use_bias: false)
//^^^^^^ support.function.layer.dlm
//       ^^^^^^^ source.dlm - variable.parameter.dlm
//                        ^^^^^^^ variable.parameter.dlm
//                                 ^^^^ support.constant.dlm
//                                                 ^^^^^ constant.language.boolean.dlm
  batch_norm
//^^^^^^^^^^ support.function.layer.dlm
  activation(act)
//^^^^^^^^^^ support.function.layer.dlm
}

/// A stage: two conv blocks, then halve the size.
block Stage(filters: int, depth: int = 2) {
//    ^^^^^ entity.name.function.block.dlm
//                        ^^^^^ variable.parameter.dlm
//                                     ^ constant.numeric.dlm
  repeat depth { ConvBlock(filters) }
//^^^^^^ keyword.control.dlm
//               ^^^^^^^^^ entity.name.function.call.dlm
  max_pool2d
//^^^^^^^^^^ support.function.layer.dlm
}

// Clean: names continue across expansions (conv2d, conv2d_1, ...).
// <-- comment.line.double-slash.dlm punctuation.definition.comment.dlm
//                                          ^^^^^^ comment.line.double-slash.dlm
model Good(input: [32, 32, 3]) {
  Stage(16)
//^^^^^ entity.name.function.call.dlm
  Stage(32, depth: 3)
  residual { conv2d(3, 3, padding: same) }
//^^^^^^^^ keyword.control.dlm
//         ^ punctuation.section.braces.begin.dlm
  repeat 2 { dropout(0.1) }
//^^^^^^ keyword.control.dlm
//       ^ constant.numeric.dlm
  global_avg_pool2d
//^^^^^^^^^^^^^^^^^ support.function.layer.dlm
  features = dense(64, activation: relu)
//^^^^^^^^ variable.other.layer.dlm
//         ^ keyword.operator.assignment.dlm
//           ^^^^^ support.function.layer.dlm
  bidirectional(lstm(32, return_sequences: true))
//^^^^^^^^^^^^^ support.function.layer.dlm
//              ^^^^ support.function.layer.dlm
//                       ^^^^^^^^^^^^^^^^ variable.parameter.dlm
  dense(10, activation: softmax)
}

experiment inline {
//         ^^^^^^ entity.name.namespace.experiment.dlm
  data { source: builtin("iris") }
//^^^^ entity.name.section.dlm
  model {
//^^^^^ storage.type.model.dlm
    dense(3, activation: softmax)
  }
  train { loss: sparse_categorical_crossentropy, epochs: 2 }
//        ^^^^ variable.other.property.dlm
//                                               ^^^^^^ variable.other.property.dlm
}
