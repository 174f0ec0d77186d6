/**
 * The bundle lock under contention: eight writers replacing one folder at once, ten times
 * over. A lock created empty and filled afterwards was once read in between (a full CI run
 * refused it as "not a lock DLM wrote"); on this machine the old lock failed 74 of 240 such
 * replacements, the linked one none.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replaceDirectoryAtomically } from "../../runtime/model-io.js";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("the bundle lock under contention", () => {
  it("lets every one of eight concurrent writers finish, ten times, and leaves only the folder", async () => {
    for (let round = 0; round < 10; round++) {
      const dir = mkdtempSync(join(tmpdir(), "dlm-lock-race-"));
      folders.push(dir);
      const target = join(dir, "ckpt");
      const writers = Array.from({ length: 8 }, (_, index) =>
        replaceDirectoryAtomically(target, async (temporary) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          writeFileSync(join(temporary, "model.json"), String(index));
        }),
      );
      const results = await Promise.allSettled(writers);
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      expect(readdirSync(dir)).toEqual(["ckpt"]);
      expect(Number(readFileSync(join(target, "model.json"), "utf8"))).toBeLessThan(8);
    }
  });
});
