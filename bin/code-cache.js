// A V8 code cache for the large CommonJS files the CLI loads (TypeScript inside ts-morph for
// `dlm compile` and `dlm run`: ~9 MB of JavaScript). Node 22 has this built in
// (`module.enableCompileCache`); Node 20 compiles such files from scratch in every process,
// which is most of what `dlm compile` costs. The cache lives in the OS temp folder, keyed by
// file, size, modification time and Node version, in a folder only this user may write (V8
// trusts the data it loads); V8 itself rejects data that does not fit (another V8, other
// flags, other source), and a rejected or missing entry is rewritten when the process exits.
// Every failure falls back to Node's own loader.
import Module from "node:module";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import vm from "node:vm";

/** Files smaller than this compile faster than their cache reads. */
const MIN_CACHED_BYTES = 64 * 1024;

/**
 * Installs the cache for CommonJS files over {@link MIN_CACHED_BYTES} under node_modules.
 * Does nothing where Node has its own compile cache, or with DLM_NO_CODE_CACHE set.
 */
export function installCodeCache() {
  if (typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache();
    return;
  }
  if (process.env["DLM_NO_CODE_CACHE"]) return;
  const user = process.getuid?.() ?? "user";
  const directory = join(tmpdir(), `dlm-code-cache-${user}-${process.version}-${process.arch}`);
  let usable; // decided on the first large file: most commands never load one
  const compileWithNode = Module.prototype._compile;
  /** Scripts compiled without usable cache data, written back at exit. */
  const stale = [];

  Module.prototype._compile = function compileWithCodeCache(content, filename, format) {
    if (format === "module" || content.length < MIN_CACHED_BYTES || !filename.includes("node_modules")) {
      return compileWithNode.call(this, content, filename, format);
    }
    usable ??= isPrivateDirectory(directory);
    if (!usable) return compileWithNode.call(this, content, filename, format);
    let script;
    let cacheFile;
    try {
      cacheFile = join(directory, cacheKey(filename, content));
      const cachedData = readCache(cacheFile);
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      if (cachedData === undefined || script.cachedDataRejected) stale.push({ script, cacheFile });
    } catch {
      // A syntax error or an odd file: Node reports it as it always would.
      return compileWithNode.call(this, content, filename, format);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };

  process.once("exit", () => {
    if (stale.length === 0) return;
    try {
      for (const { script, cacheFile } of stale) {
        // Written after the run, so the data holds the functions this run compiled too.
        const temporary = `${cacheFile}.${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      }
    } catch {
      // A read-only or full temp folder: the next run compiles from source again.
    }
  });
}

/** Creates the folder if needed; true when it belongs to this user and nobody else may write in it. */
function isPrivateDirectory(directory) {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stat = statSync(directory);
    const user = process.getuid?.();
    return stat.isDirectory() && (user === undefined || stat.uid === user) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** A file name for the cache of one version of one file (node:crypto would cost every command its load time). */
function cacheKey(filename, content) {
  const stat = statSync(filename, { throwIfNoEntry: false });
  const identity = `${filename}\u0000${content.length}\u0000${stat?.mtimeMs ?? 0}`;
  // Two FNV-1a hashes with different seeds: 64 bits, enough to tell a few hundred files apart.
  return `${fnv1a(identity, 0x811c9dc5)}${fnv1a(identity, 0x01000193)}`;
}

function fnv1a(text, seed) {
  let hash = seed;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function readCache(cacheFile) {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** The `require` a CommonJS module sees, as Node builds it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}
