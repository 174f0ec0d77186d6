/**
 * Starts a `worker_threads` thread on one of the runtime's worker entries (the gradient
 * worker of data-parallel training, the trial worker of a parallel search), from built code
 * and from TypeScript source alike.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** The runtime's worker entries, files of this folder. */
export type WorkerEntry = "gradient-worker" | "trial-worker";

/**
 * Starts one thread on `entry`. Built code (dist/, what `dlm run`'s programs import) starts
 * the compiled `ENTRY.js`; run from TypeScript source (tsx, vitest) the thread first
 * registers tsx's loader, then imports `ENTRY.ts`.
 */
export function startWorkerThread(entry: WorkerEntry, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const url = new URL(`./${entry}${fromSource ? ".ts" : ".js"}`, import.meta.url);
  if (!fromSource) return new Worker(url, { workerData });
  // tsx's ESM API (its CommonJS build cannot load here); `--import tsx` in a worker's execArgv registers no hooks on Node 20.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}
