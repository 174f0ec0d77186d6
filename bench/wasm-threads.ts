/**
 * Probe of TF.js's threaded wasm build in Node (issue 17): tfjs-backend-wasm ships
 * tfjs-backend-wasm-threaded-simd.wasm but hard-codes `WASM_HAS_MULTITHREAD_SUPPORT` false in
 * Node. This forces the flag and shims what Emscripten's pthreads need there: the pthread
 * worker's `blob:` URL becomes a file holding the package's `wasmWorkerContents`, and the
 * `load` message's Blob of the module factory becomes the factory's file path. It prints the
 * threads XNNPACK reports, the pthreads started, and the time of a matMul and a convolution.
 * Result and reading in bench/BENCHMARKS.md ("Threaded wasm in Node").
 *
 *   npx tsx bench/wasm-threads.ts [THREADS]     (0: the stock single-thread SIMD build)
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type { TransferListItem, WorkerOptions } from "node:worker_threads";
import type { Tensor4D } from "@tensorflow/tfjs";

const require = createRequire(import.meta.url);
const workerThreads = require("node:worker_threads") as typeof import("node:worker_threads");
const wasmOut = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js"));
const { wasmWorkerContents } = require(path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.worker.js")) as {
  wasmWorkerContents: string;
};
const workerFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dlm-wasm-threads-")), "pthread-worker.cjs");
// tfjs escapes newlines the same way before it makes its Blob.
fs.writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, "\\n"));
const factoryFile = path.join(wasmOut, "tfjs-backend-wasm-threaded-simd.js");

/** Node's Worker, taught the two browser-only things Emscripten's pthread start-up hands it. */
class PthreadWorker extends workerThreads.Worker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(String(url).startsWith("blob:") ? workerFile : url, options);
  }
  override postMessage(message: unknown, transfer?: readonly TransferListItem[]): void {
    const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (load?.cmd === "load" && typeof load.urlOrBlob !== "string") load.urlOrBlob = factoryFile;
    super.postMessage(message, transfer);
  }
}
(workerThreads as { Worker: unknown }).Worker = PthreadWorker;

const threads = Number(process.argv[2] ?? 2);
const tf = await import("@tensorflow/tfjs");
const wasm = await import("@tensorflow/tfjs-backend-wasm");
if (threads > 0) {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(threads);
}
await tf.setBackend("wasm");
await tf.ready();
await new Promise((resolve) => setTimeout(resolve, 500)); // let pthreads start, if any will
const module = (tf.backend() as unknown as { wasm: { PThread?: { runningWorkers: unknown[]; unusedWorkers: unknown[] } } }).wasm;
const a = tf.randomUniform([512, 512]);
const x = tf.randomUniform([64, 28, 28, 32]) as Tensor4D;
const filter = tf.randomUniform([3, 3, 32, 64]) as Tensor4D;
const timings: Record<string, { wallMs: number; cpuMs: number }> = {};
for (const [name, op] of [
  ["matMul 512×512", () => tf.matMul(a, a)],
  ["conv2d [64,28,28,32] * [3,3,32,64]", () => tf.conv2d(x, filter, 1, "valid")],
] as const) {
  op().dataSync();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let run = 0; run < 10; run++) op().dataSync();
  const used = process.cpuUsage(cpu);
  timings[name] = { wallMs: (performance.now() - start) / 10, cpuMs: (used.user + used.system) / 1e4 };
}
console.log(
  JSON.stringify({
    requestedThreads: threads,
    threadedModule: module.PThread !== undefined,
    xnnpackThreads: wasm.getThreadsCount(),
    pthreadsRunning: module.PThread?.runningWorkers.length ?? 0,
    pthreadWorkersIdle: module.PThread?.unusedWorkers.length ?? 0,
    timings,
  }),
);
process.exit(0);
