import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A server process driven with raw bytes, so tests can send what no well-behaved client would. */
function spawnServer(script?: string): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const args = script === undefined ? ["--import", "tsx", "src/lsp/main.ts", "--stdio"] : ["--import", "tsx", "--input-type=module", "-e", script, "--", "--stdio"];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (data: Buffer) => (out += data.toString()));
  child.stderr!.on("data", (data: Buffer) => (err += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

function frame(message: object, lengthError = 0): string {
  const body = JSON.stringify({ jsonrpc: "2.0", ...message });
  return `Content-Length: ${Buffer.byteLength(body) + lengthError}\r\n\r\n${body}`;
}

const INITIALIZE = frame({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });

/** Resolves once `read()` contains `needle`. */
async function waitFor(read: () => string, needle: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!read().includes(needle)) {
    if (Date.now() > deadline) throw new Error(`\`${needle}\` did not appear in ${timeoutMs} ms; got: ${read().slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Within `timeoutMs`, the exit code; "still running" otherwise (then the process is killed). */
async function exitWithin(server: ReturnType<typeof spawnServer>, timeoutMs: number): Promise<number | null | "still running"> {
  const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), timeoutMs));
  const outcome = await Promise.race([server.exited, timeout]);
  if (outcome === "still running") server.child.kill();
  return outcome;
}

describe("the stdio server's life", () => {
  it("exits when its input ends without shutdown or exit", async () => {
    const server = spawnServer();
    server.child.stdin!.write(INITIALIZE);
    await waitFor(server.stdout, '"id":1');
    server.child.stdin!.end();
    expect(await exitWithin(server, 5_000)).toBe(1);
  });

  it("exits with 0 when input ends after shutdown", async () => {
    const server = spawnServer();
    server.child.stdin!.write(INITIALIZE + frame({ id: 2, method: "shutdown" }));
    await waitFor(server.stdout, '"id":2');
    server.child.stdin!.end();
    expect(await exitWithin(server, 5_000)).toBe(0);
  });

  it("keeps console output off stdout, where only protocol frames go", async () => {
    const script = `const { startLanguageServer } = await import("./src/lsp/server.ts"); startLanguageServer(); console.log("stray log"); console.info("stray info");`;
    const server = spawnServer(script);
    server.child.stdin!.write(INITIALIZE);
    await waitFor(server.stdout, '"id":1');
    await waitFor(server.stderr, "stray info");
    expect(server.stdout()).not.toContain("stray");
    expect(server.stdout()).toMatch(/^Content-Length: \d+\r\n\r\n\{/);
    expect(server.stderr()).toContain("stray log");
    server.child.kill();
  });

  it.each([
    ["too short", -5],
    ["too long", 7],
  ])("says so on stderr and exits after a frame whose Content-Length is %s", async (_label, lengthError) => {
    const server = spawnServer();
    server.child.stdin!.write(INITIALIZE);
    await waitFor(server.stdout, '"id":1');
    server.child.stdin!.write(frame({ id: 2, method: "textDocument/hover", params: {} }, lengthError));
    server.child.stdin!.write(frame({ id: 3, method: "shutdown" }));
    expect(await exitWithin(server, 5_000)).toBe(1);
    expect(server.stderr()).toMatch(/^dlm lsp: cannot read a message from the client \(.+\); exiting$/m);
  });
});
