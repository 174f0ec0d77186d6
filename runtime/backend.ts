/**
 * Chooses the TensorFlow.js backend a run trains on: native tfjs-node when it loads,
 * else WebAssembly, else plain JavaScript; then installs the composed training
 * kernels the chosen backend lacks (runtime/kernels/register.ts) and the fast, silent
 * orthogonal initializer of recurrent layers (runtime/orthogonal-initializer.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { firstLine } from "./first-line.js";
import { registerTrainingKernels } from "./kernels/register.js";
import { registerOrthogonalInitializer } from "./orthogonal-initializer.js";

/** A backend a user may ask for; `auto` takes the fastest one that loads. */
export type BackendName = "auto" | "node" | "wasm" | "cpu";

/** A backend that actually runs. */
export type ActiveBackendName = Exclude<BackendName, "auto">;

/** The backend in use and, in words, why it was chosen. */
export interface BackendChoice {
  readonly name: ActiveBackendName;
  readonly reason: string;
}

/** A backend the user asked for by name cannot run here; the message says how to get it. */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";

  constructor(
    readonly backend: ActiveBackendName,
    message: string,
  ) {
    super(message);
  }
}

/** tfjs's own names for our backends. */
const TFJS_BACKEND: Record<ActiveBackendName, string> = { node: "tensorflow", wasm: "wasm", cpu: "cpu" };

// A variable specifier keeps TypeScript from resolving a package that is usually absent.
const TFJS_NODE_PACKAGE: string = "@tensorflow/tfjs-node";
const TFJS_WASM_PACKAGE: string = "@tensorflow/tfjs-backend-wasm";

/** The last choice, so a second call with the same request costs nothing. */
let current: { readonly requested: BackendName; readonly choice: BackendChoice } | undefined;

/**
 * Selects and initialises a backend. `auto`: tfjs-node if it loads, else wasm, else cpu.
 * Asking for `node` or `wasm` by name throws `BackendUnavailableError` when it cannot load.
 */
export async function initBackend(requested: BackendName = "auto"): Promise<BackendChoice> {
  if (current?.requested === requested && tf.getBackend() === TFJS_BACKEND[current.choice.name]) {
    return current.choice;
  }
  tf.enableProdMode();
  const choice = await chooseBackend(requested);
  registerTrainingKernels(TFJS_BACKEND[choice.name]);
  registerOrthogonalInitializer();
  current = { requested, choice };
  return choice;
}

/** The backend TF.js runs on now, by DLM's name (what a worker thread starts to match it). */
export function activeBackendName(): ActiveBackendName {
  const active = tf.getBackend();
  const found = (Object.keys(TFJS_BACKEND) as ActiveBackendName[]).find((name) => TFJS_BACKEND[name] === active);
  if (found === undefined) throw new Error(`TF.js runs on \`${active}\`, which is not a DLM backend`);
  return found;
}

async function chooseBackend(requested: BackendName): Promise<BackendChoice> {
  switch (requested) {
    case "node": {
      const node = await startNode();
      if (node.started) return { name: "node", reason: "requested node (native TensorFlow)" };
      throw new BackendUnavailableError("node", nodeUnavailableMessage(node.failure));
    }
    case "wasm": {
      const wasm = await startWasm();
      if (wasm.started) return { name: "wasm", reason: `requested wasm (${describeWasm()})` };
      throw new BackendUnavailableError(
        "wasm",
        `The wasm backend failed to start: ${wasm.failure}. Reinstall @tensorflow/tfjs-backend-wasm, or use --backend cpu.`,
      );
    }
    case "cpu":
      await startCpu();
      return { name: "cpu", reason: "requested cpu (plain JavaScript)" };
    case "auto":
      return chooseAutomatically();
  }
}

async function chooseAutomatically(): Promise<BackendChoice> {
  const node = await startNode();
  if (node.started) return { name: "node", reason: "tfjs-node loaded (native TensorFlow)" };
  const nodeReason = node.failure.notInstalled
    ? "tfjs-node not installed (optional dependency)"
    : `tfjs-node failed to load (${node.failure.message})`;
  const wasm = await startWasm();
  if (wasm.started) return { name: "wasm", reason: `${nodeReason}; using wasm (${describeWasm()})` };
  await startCpu();
  return {
    name: "cpu",
    reason: `${nodeReason}; wasm failed to start (${wasm.failure}); using cpu (plain JavaScript, slow for convolutions)`,
  };
}

/** Why tfjs-node did not load. */
interface NodeFailure {
  /** The package is absent, as opposed to present but broken (e.g. its native addon is missing). */
  readonly notInstalled: boolean;
  readonly message: string;
}

type Started<Failure> = { readonly started: true } | { readonly started: false; readonly failure: Failure };

async function startNode(): Promise<Started<NodeFailure>> {
  try {
    // Importing registers the "tensorflow" backend; any error at all means it is unusable.
    await import(TFJS_NODE_PACKAGE);
    if (!(await tf.setBackend(TFJS_BACKEND.node))) {
      return { started: false, failure: { notInstalled: false, message: "its backend did not initialise" } };
    }
    await tf.ready();
    return { started: true };
  } catch (error) {
    return { started: false, failure: { notInstalled: isPackageMissing(error), message: firstLine(error) } };
  }
}

async function startWasm(): Promise<Started<string>> {
  try {
    await import(TFJS_WASM_PACKAGE);
    if (!(await tf.setBackend(TFJS_BACKEND.wasm))) return { started: false, failure: "its backend did not initialise" };
    await tf.ready();
    return { started: true };
  } catch (error) {
    return { started: false, failure: firstLine(error) };
  }
}

async function startCpu(): Promise<void> {
  await tf.setBackend(TFJS_BACKEND.cpu);
  await tf.ready();
}

/** SIMD and thread flags are readable only once the wasm backend is ready. */
function describeWasm(): string {
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT") ? "SIMD" : "no SIMD";
  const threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "multi-threaded" : "1 thread";
  return `${simd}, ${threads}`;
}

function nodeUnavailableMessage(failure: NodeFailure): string {
  const how =
    "Install it with `npm install @tensorflow/tfjs-node` (its install script downloads libtensorflow, " +
    "so it needs network access), or use --backend wasm.";
  return failure.notInstalled
    ? `The node backend needs @tensorflow/tfjs-node, which is not installed. ${how}`
    : `@tensorflow/tfjs-node is installed but failed to load: ${failure.message}. ` +
        `Reinstall it with its install script enabled (\`npm rebuild @tensorflow/tfjs-node\`), or use --backend wasm.`;
}

function isPackageMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  // A missing dependency *of* tfjs-node is a broken install, not an absent package.
  return missing && firstLine(error).includes(`'${TFJS_NODE_PACKAGE}'`);
}
