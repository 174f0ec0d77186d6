/**
 * Keras's weight files into DLM's model cache: downloaded to a temporary file beside the final
 * one, checked against the md5 Keras's source publishes, recorded with their SHA-256 in the
 * cache manifest, and only then renamed into place, so no partial or wrong file is ever used.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import { SingleBar } from "cli-progress";
import { writeFailureReason } from "./file-system-errors.js";
import { writeFileDurably } from "./model-io.js";

/** Where Keras downloads its applications' weights from. */
export const KERAS_APPLICATIONS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/";

/** What the zoo records about one weight file: enough to fetch and check it. */
export interface WeightFileSource {
  /** The architecture (`resnet50`), for messages. */
  readonly model: string;
  /** The file's name in the cache, as Keras names it: `resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`. */
  readonly file: string;
  /** Its path under keras-applications' storage: `resnet/resnet50_…_notop.h5`. */
  readonly urlPath: string;
  /** The md5 Keras's source publishes; absent where it publishes none (MobileNetV2). */
  readonly md5?: string;
  /** The most bytes accepted: a bigger download stops. */
  readonly maxBytes: number;
}

/** How to download: where to, from where, how patiently, where the progress goes. */
export interface DownloadOptions {
  /** The cache folder (`zooCacheDir()`). */
  readonly folder: string;
  /** The URL to download from. Default: `weightFileUrl(source)`. */
  readonly url?: string;
  /** Give up when no byte arrives for this long, connecting included, in ms. Default 30,000. */
  readonly stallMs?: number;
  /** Where the progress bar (on a terminal) or progress lines go. Default `process.stderr`. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A weight file in the cache, checked. */
export interface CachedWeightFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Whether this call downloaded it. */
  readonly downloaded: boolean;
}

/** A weight file that could not be downloaded or does not match its hash; the message says how to pre-seed the cache. */
export class WeightDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WeightDownloadError";
  }
}

/** The cache manifest, `manifest.json` in the cache folder: what DLM checked of each file. */
export const CACHE_MANIFEST = "manifest.json";

/** One file's record in the cache manifest. */
export interface CacheRecord {
  readonly sha256: string;
  readonly md5: string;
  readonly bytes: number;
  /** The URL it was downloaded from, or `placed` for a file put there by hand. */
  readonly source: string;
  /** Its modification time when checked, to notice a file replaced since (within a millisecond: copies and \`touch\` keep no finer time). */
  readonly mtimeMs: number;
}

const MAX_REDIRECTS = 5;
const STALL_MS = 30_000;
/** Without a terminal: a progress line per this share of the file. */
const LINE_EVERY = 0.1;

/**
 * The URL of a weight file: under `DLM_MODELS_URL` when set (a mirror, or a test's server),
 * else under Keras's storage. The base must be https (or http on this machine).
 */
export function weightFileUrl(source: WeightFileSource, environment: NodeJS.ProcessEnv = process.env): string {
  const base = environment["DLM_MODELS_URL"];
  const root = base !== undefined && base !== "" ? (base.endsWith("/") ? base : `${base}/`) : KERAS_APPLICATIONS_URL;
  return `${root}${source.urlPath}`;
}

/** Why a URL may not be downloaded from, or undefined: only https, or http to this machine. */
export function refusedUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `\`${url}\` is not a URL`;
  }
  if (parsed.protocol === "https:") return undefined;
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol === "http:" && local) return undefined;
  return `\`${url}\` is neither https nor http on this machine (127.0.0.1, localhost)`;
}

/** How to fill the cache without the network, for the end of every failure. */
export function preseedHelp(source: WeightFileSource, folder: string, url: string): string {
  return (
    `To pre-seed the cache, download ${url} on a machine with network access and place it as ` +
    `${path.join(folder, source.file)} (\`dlm models fetch ${source.model}\` downloads it; DLM_CACHE moves the cache, DLM_MODELS_URL names a mirror).`
  );
}

/** The cache manifest's records (none when it is missing or unreadable). */
export async function readCacheManifest(folder: string): Promise<Record<string, CacheRecord>> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(folder, CACHE_MANIFEST), "utf8")) as { files?: unknown };
    return parsed.files !== null && typeof parsed.files === "object" ? (parsed.files as Record<string, CacheRecord>) : {};
  } catch {
    return {};
  }
}

async function recordInManifest(folder: string, file: string, record: CacheRecord): Promise<void> {
  const files = { ...(await readCacheManifest(folder)), [file]: record };
  const temporary = path.join(folder, `.${CACHE_MANIFEST}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await writeFileDurably(temporary, `${JSON.stringify({ files }, null, 2)}\n`);
    await fs.rename(temporary, path.join(folder, CACHE_MANIFEST));
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function hashFile(file: string): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
  for await (const chunk of createReadStream(file)) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { md5: md5.digest("hex"), sha256: sha256.digest("hex") };
}

/**
 * The weight file when it is in the cache, checked: a file placed by hand is hashed once (md5
 * against Keras's where it publishes one) and recorded in the manifest; a file whose size and
 * time match its record is not hashed again. Undefined when the file is absent. A file with the
 * wrong md5 is an error and stays where it is (DLM did not write it).
 */
export async function cachedWeightFile(source: WeightFileSource, folder: string): Promise<CachedWeightFile | undefined> {
  const file = path.join(folder, source.file);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) throw new WeightDownloadError(`${file} is not a regular file: remove it, or move DLM's cache with DLM_CACHE`);
  const record = (await readCacheManifest(folder))[source.file];
  if (record !== undefined && record.bytes === stat.size && Math.abs(record.mtimeMs - stat.mtimeMs) < 1 && (source.md5 === undefined || record.md5 === source.md5)) {
    return { file, sha256: record.sha256, bytes: stat.size, downloaded: false };
  }
  const hashes = await hashFile(file);
  if (source.md5 !== undefined && hashes.md5 !== source.md5) {
    throw new WeightDownloadError(
      `${file} is not Keras's ${source.file}: its md5 is ${hashes.md5}, Keras publishes ${source.md5}. ` +
        "Replace it with the right file or remove it (DLM downloads it again).",
    );
  }
  await recordInManifest(folder, source.file, { ...hashes, bytes: stat.size, source: record?.source ?? "placed", mtimeMs: stat.mtimeMs });
  return { file, sha256: hashes.sha256, bytes: stat.size, downloaded: false };
}

/** The weight file from the cache, downloaded first when it is not there. */
export async function ensureWeightFile(source: WeightFileSource, options: DownloadOptions): Promise<CachedWeightFile> {
  return (await cachedWeightFile(source, options.folder)) ?? downloadWeightFile(source, options);
}

/**
 * Downloads a weight file into the cache: into `.FILE.download-PID-XXXX` beside it, the md5
 * checked (where Keras publishes one) and the SHA-256 recorded in the manifest, then renamed
 * into place. Any failure removes the temporary file and leaves nothing under the final name.
 */
export async function downloadWeightFile(source: WeightFileSource, options: DownloadOptions): Promise<CachedWeightFile> {
  const url = options.url ?? weightFileUrl(source);
  const fail = (what: string): WeightDownloadError =>
    new WeightDownloadError(`cannot download ${source.file} from ${url}: ${what}. ${preseedHelp(source, options.folder, url)}`);
  const refused = refusedUrl(url);
  if (refused !== undefined) throw fail(refused);
  try {
    await fs.mkdir(options.folder, { recursive: true });
  } catch (error) {
    throw fail(writeFailureReason(error, options.folder) ?? String(error));
  }
  const final = path.join(options.folder, source.file);
  const temporary = path.join(options.folder, `.${source.file}.download-${process.pid}-${randomBytes(4).toString("hex")}`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temporary, "wx", 0o644);
    const received = await receive(url, handle, source, options, fail);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (source.md5 !== undefined && received.md5 !== source.md5) {
      throw fail(`the file's md5 is ${received.md5}, Keras publishes ${source.md5} (the download was discarded)`);
    }
    const stat = await fs.stat(temporary);
    await fs.rename(temporary, final);
    await recordInManifest(options.folder, source.file, { sha256: received.sha256, md5: received.md5, bytes: received.bytes, source: url, mtimeMs: stat.mtimeMs });
    return { file: final, sha256: received.sha256, bytes: received.bytes, downloaded: true };
  } catch (error) {
    if (error instanceof WeightDownloadError) throw error;
    throw fail(writeFailureReason(error, temporary) ?? (error instanceof Error ? error.message : String(error)));
  } finally {
    await handle?.close().catch(() => undefined);
    await fs.rm(temporary, { force: true });
  }
}

/** What a finished download hashed. */
interface Received {
  readonly bytes: number;
  readonly md5: string;
  readonly sha256: string;
}

/** Follows redirects (checked like the first URL) to a 200 response and writes its body to `handle`. */
async function receive(
  firstUrl: string,
  handle: fs.FileHandle,
  source: WeightFileSource,
  options: DownloadOptions,
  fail: (what: string) => WeightDownloadError,
): Promise<Received> {
  const stallMs = options.stallMs ?? STALL_MS;
  let url = firstUrl;
  for (let redirects = 0; ; redirects++) {
    const response = await connect(url, stallMs, fail);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw fail(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url).toString();
      const refused = refusedUrl(next);
      if (refused !== undefined) throw fail(`redirected to ${refused}`);
      url = next;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw fail(`the server answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}`);
    }
    return writeBody(response, handle, source, options, stallMs, fail);
  }
}

function connect(url: string, stallMs: number, fail: (what: string) => WeightDownloadError): Promise<http.IncomingMessage> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: { "user-agent": "dlm" } }, (response) => {
      request.setTimeout(0); // the body has its own stall timer, which names the bytes received
      resolve(response);
    });
    request.setTimeout(stallMs, () => request.destroy(fail(`no answer within ${stallMs / 1000} s`)));
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof WeightDownloadError) return reject(error);
      const offline = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ECONNRESET"].includes(error.code ?? "");
      reject(fail(offline ? `the server cannot be reached (${error.code}; offline?)` : error.message));
    });
  });
}

async function writeBody(
  response: http.IncomingMessage,
  handle: fs.FileHandle,
  source: WeightFileSource,
  options: DownloadOptions,
  stallMs: number,
  fail: (what: string) => WeightDownloadError,
): Promise<Received> {
  const header = response.headers["content-length"];
  const total = header === undefined ? undefined : Number(header);
  if (total !== undefined && total > source.maxBytes) {
    response.destroy();
    throw fail(`the server announces ${total} bytes, more than the ${source.maxBytes} this file may have`);
  }
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
  const progress = startProgress(source.file, total, options.stream ?? process.stderr);
  let bytes = 0;
  let stall = setTimeout(() => response.destroy(fail(`no data for ${stallMs / 1000} s`)), stallMs);
  try {
    for await (const chunk of response) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      if (bytes > source.maxBytes) throw fail(`more than the ${source.maxBytes} bytes this file may have`);
      md5.update(buffer);
      sha256.update(buffer);
      await handle.write(buffer);
      progress.update(bytes);
      clearTimeout(stall);
      stall = setTimeout(() => response.destroy(fail(`no data for ${stallMs / 1000} s`)), stallMs);
    }
  } catch (error) {
    if (error instanceof WeightDownloadError) throw error;
    throw fail(`the connection broke after ${bytes} of ${total ?? "?"} bytes (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    clearTimeout(stall);
    progress.stop(response.complete && (total === undefined || bytes === total));
  }
  if (!response.complete || (total !== undefined && bytes !== total)) {
    throw fail(`the connection closed after ${bytes} of ${total ?? "?"} bytes`);
  }
  return { bytes, md5: md5.digest("hex"), sha256: sha256.digest("hex") };
}

interface ProgressReport {
  update(bytes: number): void;
  /** Ends the bar or the lines; `complete` says whether the whole body arrived. */
  stop(complete: boolean): void;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** A cli-progress bar on a terminal; elsewhere a line at the start, every tenth of the file and at the end. */
function startProgress(file: string, total: number | undefined, stream: NodeJS.WritableStream & { isTTY?: boolean }): ProgressReport {
  if (stream.isTTY === true && total !== undefined) {
    const bar = new SingleBar({
      format: `Downloading ${file} [{bar}] {received}/{size}`,
      stream,
      hideCursor: false,
      barsize: 24,
      barCompleteChar: "\u2588",
      barIncompleteChar: "\u2591",
    });
    bar.start(total, 0, { received: megabytes(0), size: megabytes(total) });
    return {
      update: (bytes) => bar.update(bytes, { received: megabytes(bytes) }),
      stop: () => bar.stop(),
    };
  }
  stream.write(`Downloading ${file} (${total === undefined ? "size unknown" : megabytes(total)})\n`);
  const step = total === undefined ? 16e6 : Math.max(1, total * LINE_EVERY);
  let next = step;
  let last = 0;
  return {
    update: (bytes) => {
      last = bytes;
      if (bytes < next) return;
      next = (Math.floor(bytes / step) + 1) * step;
      if (total === undefined || bytes < total) stream.write(`  ${megabytes(bytes)}${total === undefined ? "" : ` of ${megabytes(total)}`}\n`);
    },
    stop: (complete) => {
      if (complete) stream.write(`  ${megabytes(last)} received\n`);
    },
  };
}
