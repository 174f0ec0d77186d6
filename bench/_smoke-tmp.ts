import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
tf.enableProdMode();
for (const b of ["cpu", "wasm"]) {
  await tf.setBackend(b);
  const x = tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, 1, 1, 1, 1, 0, 0, 0, 0], [1, 4, 4, 1]);
  const g = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid").sum())(x);
  console.log(b, Array.from(g.dataSync()).join(","));
}
