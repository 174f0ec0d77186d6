/**
 * The folder of a generated program, as the program was named rather than where its symlinks
 * lead. The emitter records the `.dlm` folder relative to the unresolved `out/` path, but Node
 * hands a program the real path of its file: with `out` a link to another folder, the
 * program resolved the `.dlm` folder from there and trained on that folder's data.
 */
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of the program whose `import.meta.url` is `moduleUrl`: the folder of the path it
 * was started with (`process.argv[1]`, symlinks kept) when that path is this very file, else
 * the folder of the module's own (real) path.
 */
export function programFolder(moduleUrl: string): string {
  const real = fileURLToPath(moduleUrl);
  const started = process.argv[1];
  if (started !== undefined) {
    const given = path.resolve(started);
    try {
      if (given === real || realpathSync(given) === realpathSync(real)) return path.dirname(given);
    } catch {
      // the started path is gone or unreadable: fall back to the module's own path
    }
  }
  return path.dirname(real);
}
