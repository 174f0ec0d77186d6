import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testUri, TestLanguageClient } from "./language-client.js";

// A long debounce makes the difference between "checked at once" and "debounced" plain.
const DEBOUNCE_MS = 1_500;
let client: TestLanguageClient;

beforeAll(async () => {
  client = await TestLanguageClient.start(undefined, { initializationOptions: { debounceMs: DEBOUNCE_MS } });
});

afterAll(async () => {
  await client.stop();
});

describe("when an edit is checked", () => {
  it("checks the first edit after a quiet spell at once, and an edit right after it once the debounce has passed", async () => {
    const uri = testUri("debounce.dlm");
    await client.open(uri, "model M(input: [4]) { dense(2) }\n");
    await client.diagnostics(uri);
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS + 100));

    let started = Date.now();
    const first = await client.change(uri, "model M(input: [4]) { dense(3) }\n");
    await client.diagnostics(uri, (params) => params.version === first);
    expect(Date.now() - started).toBeLessThan(DEBOUNCE_MS / 2);

    started = Date.now();
    const second = await client.change(uri, "model M(input: [4]) { dense(4) }\n");
    await client.diagnostics(uri, (params) => params.version === second);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEBOUNCE_MS - 50);
  }, 20_000);
});
