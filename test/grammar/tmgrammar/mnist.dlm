// SYNTAX TEST "source.dlm" "samples/mnist.dlm, scope by scope"
/// A small convolutional network for 28x28 grey images.
// <--- comment.line.documentation.dlm punctuation.definition.comment.dlm
//  ^^^^^^^ comment.line.documentation.dlm
model SmallCnn(input: [28, 28, 1]) {
// <----- storage.type.model.dlm
//    ^^^^^^^^ entity.name.type.model.dlm
//            ^ punctuation.section.arguments.begin.dlm
//             ^^^^^ variable.parameter.dlm
//                     ^^ constant.numeric.dlm
//                    ^ punctuation.section.brackets.begin.dlm
//                                 ^ punctuation.section.braces.begin.dlm
  conv2d(32, 3, activation: relu)
//^^^^^^ support.function.layer.dlm
//       ^^ constant.numeric.dlm
//              ^^^^^^^^^^ variable.parameter.dlm
//                          ^^^^ support.constant.dlm
//                              ^ punctuation.section.arguments.end.dlm
  max_pool2d(2)
//^^^^^^^^^^ support.function.layer.dlm
  conv2d(64, 3, activation: relu)
  max_pool2d(2)
  flatten
//^^^^^^^ support.function.layer.dlm
  dense(128, activation: relu, l2: 1e-4)
//^^^^^ support.function.layer.dlm
//                             ^^ variable.parameter.dlm
//                                 ^^^^ constant.numeric.dlm
  dropout(0.5)
//^^^^^^^ support.function.layer.dlm
//        ^^^ constant.numeric.dlm
  dense(10, activation: softmax)
//                      ^^^^^^^ support.constant.dlm
}
// <- punctuation.section.braces.end.dlm

experiment mnist {
// <---------- storage.type.experiment.dlm
//         ^^^^^ entity.name.namespace.experiment.dlm
  seed: 7
//^^^^ variable.other.property.dlm
//    ^ punctuation.separator.key-value.dlm
//      ^ constant.numeric.dlm
  data {
//^^^^ entity.name.section.dlm
    source: builtin("mnist")
//  ^^^^^^ variable.other.property.dlm
//          ^^^^^^^ entity.name.function.call.dlm
//                  ^ string.quoted.double.dlm punctuation.definition.string.begin.dlm
//                   ^^^^^ string.quoted.double.dlm
    split { validation: 0.1 }
//  ^^^^^ entity.name.section.dlm
//          ^^^^^^^^^^ variable.other.property.dlm
    normalize: scale(1 / 255)
//  ^^^^^^^^^ variable.other.property.dlm
//             ^^^^^ entity.name.function.call.dlm
//                     ^ keyword.operator.arithmetic.dlm
    augment { rotate(10) translate(2) }
//  ^^^^^^^ entity.name.section.dlm
//            ^^^^^^ entity.name.function.call.dlm
//                       ^^^^^^^^^ entity.name.function.call.dlm
  }
  model: SmallCnn
//^^^^^ variable.other.property.dlm
//       ^^^^^^^^ entity.name.type.model.dlm
  train {
//^^^^^ entity.name.section.dlm
    optimizer: adam(learning_rate: 1e-3)
//  ^^^^^^^^^ variable.other.property.dlm
//             ^^^^ entity.name.function.call.dlm
//                  ^^^^^^^^^^^^^ variable.parameter.dlm
//                                 ^^^^ constant.numeric.dlm
    loss: categorical_crossentropy
//  ^^^^ variable.other.property.dlm
//        ^^^^^^^^^^^^^^^^^^^^^^^^ support.constant.dlm
    metrics: [accuracy]
//  ^^^^^^^ variable.other.property.dlm
//           ^ punctuation.section.brackets.begin.dlm
//            ^^^^^^^^ source.dlm - support.constant.dlm
    epochs: 12
    batch_size: 128
//  ^^^^^^^^^^ variable.other.property.dlm
//              ^^^ constant.numeric.dlm
    callbacks {
//  ^^^^^^^^^ entity.name.section.dlm
      early_stopping(monitor: val_loss, patience: 3, restore_best_weights: true)
//    ^^^^^^^^^^^^^^ entity.name.function.call.dlm
//                   ^^^^^^^ variable.parameter.dlm
//                            ^^^^^^^^ support.constant.dlm
//                                                                         ^^^^ constant.language.boolean.dlm
      model_checkpoint("checkpoints/mnist", monitor: val_accuracy)
//    ^^^^^^^^^^^^^^^^ entity.name.function.call.dlm
//                      ^^^^^^^^^^^^^^^^^ string.quoted.double.dlm
//                                                   ^^^^^^^^^^^^ support.constant.dlm
    }
  }
  evaluate { on: test, metrics: [accuracy, precision, recall, f1, auc, confusion_matrix] }
//^^^^^^^^ entity.name.section.dlm
//           ^^ variable.other.property.dlm
//               ^^^^ support.constant.dlm
//                   ^ punctuation.separator.comma.dlm
  export: "exports/mnist"
//^^^^^^ variable.other.property.dlm
//        ^^^^^^^^^^^^^^^ string.quoted.double.dlm
}
