// SYNTAX TEST "source.dlm" "comments, strings, numbers and malformed input"
import "lib/blocks.dlm"
// <------ keyword.control.import.dlm
//     ^^^^^^^^^^^^^^^^ string.quoted.double.dlm

/* a block comment
// <-- comment.block.dlm punctuation.definition.comment.begin.dlm
// ^^^^^^^ comment.block.dlm
   model NotAModel */
// ^^^^^ comment.block.dlm
//                 ^^ comment.block.dlm punctuation.definition.comment.end.dlm
//// four slashes are a plain comment
// <---- comment.line.double-slash.dlm
model Text(input: [?, 64]) {
//                 ^ constant.language.unknown-length.dlm
//                    ^^ constant.numeric.dlm
  reshape([8, 8])
//^^^^^^^ support.function.layer.dlm
}

experiment numbers {
  seed: 42; backend: wasm
//      ^^ constant.numeric.dlm
//        ^ punctuation.separator.semicolon.dlm
//          ^^^^^^^ variable.other.property.dlm
//                   ^^^^ support.constant.dlm
  data { normalize: scale(.5) limit: 2.5E+4 split { train: 0.8, test: 0.2 } }
//                        ^^ constant.numeric.dlm
//                                   ^^^^^^ constant.numeric.dlm
//                                                  ^^^^^ variable.other.property.dlm
  train { class_weight: { 0: 2.0, 1: 1.0 } epochs: -3 + (2 * 4) }
//        ^^^^^^^^^^^^ variable.other.property.dlm
//                           ^^^ constant.numeric.dlm
//                                                 ^ keyword.operator.arithmetic.dlm
//                                                         ^ keyword.operator.arithmetic.dlm
  export: "runs/\"quoted\"\n\u{1F600}"
//              ^^ string.quoted.double.dlm constant.character.escape.dlm
//                        ^^ string.quoted.double.dlm constant.character.escape.dlm
//                          ^^^^^^^^^ string.quoted.double.dlm constant.character.escape.dlm
  report: "bad \q escape"
//             ^^ string.quoted.double.dlm invalid.illegal.escape.dlm
  tune { trials: 1e3x }
//               ^^^^ invalid.illegal.number.dlm
  broken: "no closing quote
//        ^^^^^^^^^^^^^^^^^ string.quoted.double.dlm
  after: 1
//^^^^^ variable.other.property.dlm - string.quoted.double.dlm
}
