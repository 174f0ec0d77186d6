import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.js";
await initBackend("wasm");
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const res: Record<string, number[]> = {};
const rec = (k: string, v: number) => (res[k] ??= []).push(v);
for (let r = 0; r < 8; r++) {
  const x = tf.randomNormal([64, 28, 28, 1]), dy = tf.randomNormal([64, 26, 26, 32]);
  let t = cpu();
  const a = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 1, 32] }) as tf.Tensor;
  rec("current", cpu() - t);
  t = cpu();
  const b = tf.tidy(() => {
    const cols: tf.Tensor[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cols.push(tf.slice(x, [0, i, j, 0], [64, 26, 26, 1]));
    const patches = tf.concat(cols, 3).reshape([-1, 9]);          // [P, 9]
    const dyT = tf.transpose(dy.reshape([-1, 32]));                // [32, P]
    return tf.matMul(dyT, patches).transpose().reshape([3, 3, 1, 32]);  // [32,9] -> [9,32]
  });
  rec("im2col", cpu() - t);
  if (r === 0) console.log("maxdiff", tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  tf.dispose([x, dy, a, b]);
}
for (const [k, v] of Object.entries(res)) console.log(k, v.slice(1).sort((p, q) => p - q)[3].toFixed(2));
