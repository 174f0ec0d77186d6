import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestLanguageClient } from "./language-client.js";

let folder: string;
let client: TestLanguageClient;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "dlm-watch-"));
  client = await TestLanguageClient.start(undefined, { capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
});

afterAll(async () => {
  await client.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("files changed on disk", () => {
  it("registers watchers for sources and data files", async () => {
    // The registration is a request the server sends after `initialized`.
    for (let tries = 0; tries < 100 && client.registrations.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    const watch = client.registrations.find((registration) => registration.method === "workspace/didChangeWatchedFiles");
    const patterns = (watch?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((watcher) => watcher.globPattern);
    expect(patterns).toEqual(expect.arrayContaining(["**/*.dlm", "**/*.csv"]));
  });

  it("re-checks an open document when a file it imports changes", async () => {
    const lib = path.join(folder, "lib.dlm");
    writeFileSync(lib, "block Head(units: int) {\n  dense(units)\n}\n");
    const main = pathToFileURL(path.join(folder, "main.dlm")).href;
    await client.open(main, 'import "lib.dlm"\nmodel M(input: [4]) {\n  Head(3)\n}\n');
    expect(await client.diagnostics(main)).toEqual([]);
    writeFileSync(lib, "block Tail(units: int) {\n  dense(units)\n}\n");
    const seen = client.publishedCount(main);
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(lib).href, type: 2 }] });
    const after = await client.diagnostics(main, (params) => params.diagnostics.length > 0);
    expect(client.publishedCount(main)).toBeGreaterThan(seen);
    expect(after.map((diagnostic) => diagnostic.message).join("\n")).toContain("Head");
  });

  it("re-checks an experiment when its CSV file changes", async () => {
    const csv = path.join(folder, "table.csv");
    writeFileSync(csv, "a,b,label\n1,2,0\n3,4,1\n");
    const main = pathToFileURL(path.join(folder, "experiment.dlm")).href;
    const text = 'experiment E {\n  data { source: csv("table.csv", label: "label") }\n  model { dense(2, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n';
    await client.open(main, text);
    const first = (await client.diagnostics(main)).map((diagnostic) => diagnostic.code);
    writeFileSync(csv, "a,b\n1,2\n");
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(csv).href, type: 2 }] });
    expect(first).toEqual([]);
    const after = await client.diagnostics(main, (params) => params.diagnostics.length > 0);
    expect(after.map((diagnostic) => diagnostic.code)).toEqual(["DLM217"]);
  });
});
