/**
 * Downloading weight files into DLM's cache, against a real HTTP server on 127.0.0.1: a
 * served file is checked and recorded, and every failure (hash mismatch, a body cut short,
 * a stall, a redirect loop, no server) leaves no file under the final name and no
 * temporary file behind. Each test passes its own source, with the md5 of what it serves.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CACHE_MANIFEST,
  cachedWeightFile,
  ensureWeightFile,
  readCacheManifest,
  refusedUrl,
  type WeightFileSource,
} from "../../runtime/zoo-download.js";

const BODY = Buffer.from(Array.from({ length: 50_000 }, (_, k) => (k * 7919) % 251));
const md5 = (bytes: Buffer): string => createHash("md5").update(bytes).digest("hex");
const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

const requests: string[] = [];
let base = "";
const server = http.createServer((request, response) => {
  requests.push(request.url ?? "");
  switch (request.url) {
    case "/files/ok.h5":
      response.writeHead(200, { "content-length": BODY.length });
      response.end(BODY);
      return;
    case "/files/cut.h5":
      // Announces the whole file, sends a fifth of it, then drops the connection.
      response.writeHead(200, { "content-length": BODY.length });
      response.write(BODY.subarray(0, 10_000), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    case "/files/stall.h5":
      response.writeHead(200, { "content-length": BODY.length });
      response.write(BODY.subarray(0, 1_000));
      return; // never ends: the client must give up
    case "/files/loop.h5":
      response.writeHead(302, { location: "/files/loop.h5" });
      response.end();
      return;
    case "/files/away.h5":
      response.writeHead(301, { location: "http://example.com/away.h5" });
      response.end();
      return;
    default:
      response.writeHead(404);
      response.end("not here");
  }
});

let closedPort = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // A port nothing listens on any more: connecting is refused, as offline.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));
function cacheFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "dlm-download-"));
  folders.push(folder);
  return path.join(folder, "models");
}

/** Collects what the download writes as progress (not a terminal: lines). */
function progressLines(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

function source(file: string, overrides: Partial<WeightFileSource> = {}): WeightFileSource {
  return { model: "tiny_net", file, urlPath: `files/${file}`, md5: md5(BODY), maxBytes: 1_000_000, ...overrides };
}

/** Nothing in the folder but the manifest: no final file, no temporary file. */
function expectNothingLeft(folder: string): void {
  const left = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name !== CACHE_MANIFEST) : [];
  expect(left).toEqual([]);
}

describe("downloading a weight file", () => {
  it("writes the served bytes, checks the md5, records the SHA-256, and the second use makes no request", async () => {
    const folder = cacheFolder();
    const progress = progressLines();
    const first = await ensureWeightFile(source("ok.h5"), { folder, url: `${base}files/ok.h5`, stream: progress.stream });
    expect(first.downloaded).toBe(true);
    expect(fs.readFileSync(path.join(folder, "ok.h5")).equals(BODY)).toBe(true);
    expect(first.sha256).toBe(sha256(BODY));
    const manifest = await readCacheManifest(folder);
    expect(manifest["ok.h5"]).toMatchObject({ sha256: sha256(BODY), md5: md5(BODY), bytes: BODY.length, source: `${base}files/ok.h5` });
    expect(progress.text()).toContain("Downloading ok.h5 (0.1 MB)");
    expect(progress.text()).toContain("received");
    expect(fs.readdirSync(folder).sort()).toEqual(["manifest.json", "ok.h5"]);

    const before = requests.length;
    const second = await ensureWeightFile(source("ok.h5"), { folder, url: `${base}files/ok.h5`, stream: progress.stream });
    expect(second).toMatchObject({ downloaded: false, sha256: sha256(BODY) });
    expect(requests.length).toBe(before);
  });

  it("discards a file whose md5 is not the published one", async () => {
    const folder = cacheFolder();
    const wrong = source("ok.h5", { md5: md5(Buffer.from("another file")) });
    await expect(ensureWeightFile(wrong, { folder, url: `${base}files/ok.h5`, stream: progressLines().stream })).rejects.toThrow(
      `the file's md5 is ${md5(BODY)}, Keras publishes ${wrong.md5} (the download was discarded)`,
    );
    expectNothingLeft(folder);
  });

  it("never keeps a body the server cut short", async () => {
    const folder = cacheFolder();
    const error = await ensureWeightFile(source("cut.h5"), { folder, url: `${base}files/cut.h5`, stream: progressLines().stream }).catch((caught: Error) => caught);
    expect(String(error)).toMatch(/cannot download cut\.h5 from .*: the connection (broke|closed) after 10000 of 50000 bytes/);
    expect(String(error)).toContain(`place it as ${path.join(folder, "cut.h5")}`);
    expectNothingLeft(folder);
  });

  it("gives up on a stalled download, a redirect loop, a redirect to plain http elsewhere, an HTTP error and a file over its size cap", async () => {
    const folder = cacheFolder();
    const options = { folder, stream: progressLines().stream, stallMs: 300 };
    await expect(ensureWeightFile(source("stall.h5"), { ...options, url: `${base}files/stall.h5` })).rejects.toThrow("no data for 0.3 s");
    await expect(ensureWeightFile(source("loop.h5"), { ...options, url: `${base}files/loop.h5` })).rejects.toThrow("more than 5 redirects");
    await expect(ensureWeightFile(source("away.h5"), { ...options, url: `${base}files/away.h5` })).rejects.toThrow(
      "redirected to `http://example.com/away.h5` is neither https nor http on this machine",
    );
    await expect(ensureWeightFile(source("gone.h5"), { ...options, url: `${base}files/gone.h5` })).rejects.toThrow("the server answered HTTP 404 Not Found");
    await expect(ensureWeightFile(source("ok.h5", { maxBytes: 1000 }), { ...options, url: `${base}files/ok.h5` })).rejects.toThrow(
      "the server announces 50000 bytes, more than the 1000 this file may have",
    );
    expectNothingLeft(folder);
  });

  it("offline: names the file, the folder to place it in and how to fetch it", async () => {
    const folder = cacheFolder();
    const url = `http://127.0.0.1:${closedPort}/files/ok.h5`;
    const error = await ensureWeightFile(source("ok.h5"), { folder, url, stream: progressLines().stream }).catch((caught: Error) => caught);
    expect(String(error)).toContain(`cannot download ok.h5 from ${url}: the server cannot be reached (ECONNREFUSED; offline?)`);
    expect(String(error)).toContain(`download ${url} on a machine with network access and place it as ${path.join(folder, "ok.h5")}`);
    expect(String(error)).toContain("`dlm models fetch tiny_net`");
    expectNothingLeft(folder);
  });

  it("refuses plain http to another machine and anything that is not a URL, without a request", async () => {
    expect(refusedUrl("http://example.com/x.h5")).toContain("neither https nor http on this machine");
    expect(refusedUrl("./weights/x.h5")).toContain("is not a URL");
    expect(refusedUrl("file:///etc/passwd")).toContain("neither https");
    expect(refusedUrl("https://storage.googleapis.com/x.h5")).toBeUndefined();
    const folder = cacheFolder();
    const before = requests.length;
    await expect(ensureWeightFile(source("ok.h5"), { folder, url: "http://example.com/ok.h5" })).rejects.toThrow("neither https nor http");
    expect(requests.length).toBe(before);
    expectNothingLeft(folder);
  });
});

describe("a weight file placed in the cache by hand", () => {
  it("is checked against the md5 once and recorded; a wrong one is an error and stays untouched", async () => {
    const folder = cacheFolder();
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "placed.h5"), BODY);
    const found = await cachedWeightFile(source("placed.h5"), folder);
    expect(found).toMatchObject({ sha256: sha256(BODY), downloaded: false });
    expect((await readCacheManifest(folder))["placed.h5"]).toMatchObject({ source: "placed", md5: md5(BODY) });

    const wrong = Buffer.from("not the weights");
    fs.writeFileSync(path.join(folder, "wrong.h5"), wrong);
    await expect(cachedWeightFile(source("wrong.h5"), folder)).rejects.toThrow(`its md5 is ${md5(wrong)}, Keras publishes ${md5(BODY)}`);
    expect(fs.readFileSync(path.join(folder, "wrong.h5")).equals(wrong)).toBe(true);
    expect(await cachedWeightFile(source("absent.h5"), folder)).toBeUndefined();
  });
});
