/**
 * The house's floors, enforced: diagnostics/ at the bottom, grammar/ on it, compiler/ and
 * runtime/ beside each other (the compiler reads only the runtime's TF.js-free spec types and
 * data inspection), src/ on top; and no import cycles anywhere. Every import counts, type-only
 * and dynamic ones included, since a cycle of types is still a knot a reader must untie.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const FLOORS = ["diagnostics", "grammar", "compiler", "runtime", "src"] as const;
type Floor = (typeof FLOORS)[number];

/** What each floor may import besides itself. */
const MAY_IMPORT: Record<Floor, readonly Floor[]> = {
  diagnostics: [],
  grammar: ["diagnostics"],
  compiler: ["diagnostics", "grammar", "runtime"],
  runtime: ["diagnostics"],
  src: ["diagnostics", "grammar", "compiler", "runtime"],
};


function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "dist" && entry.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** One import of a file: the module named, and whether only types come through it (erased at run time). */
interface Import {
  readonly target: string;
  readonly typeOnly: boolean;
}

/** Every import and re-export of `file`, static or dynamic; project files as paths relative to the root. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    const target = specifier.startsWith(".") ? relative(root, resolve(root, dirname(file), specifier)).replace(/\.js$/, ".ts") : specifier;
    found.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = FLOORS.flatMap((floor) => sourceFiles(floor));
const imports = new Map(files.map((file) => [file, importsOf(file)]));
/** Project files each file imports, types included. */
const graph = new Map([...imports].map(([file, list]) => [file, list.map((i) => i.target).filter((t) => !t.startsWith("@") && t.includes("/") && imports.has(t))]));

/** The files `start` loads at run time (value imports, followed transitively). */
function loadedBy(start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of imports.get(file) ?? []) if (!i.typeOnly && imports.has(i.target)) pending.push(i.target);
  }
  return seen;
}

/** True when `file` loads TensorFlow.js, directly or through what it imports. */
function loadsTensorFlow(file: string): boolean {
  return [...loadedBy(file)].some((loaded) => (imports.get(loaded) ?? []).some((i) => !i.typeOnly && i.target.startsWith("@tensorflow/")));
}
const floorOf = (file: string): Floor | undefined => FLOORS.find((floor) => file.startsWith(`${floor}/`));

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function importCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe("the import graph", () => {
  it("finds the project's files and their imports", () => {
    expect(files.length).toBeGreaterThan(200);
    expect(graph.get("grammar/parse.ts")).toContain("diagnostics/diagnostic.ts");
    expect(loadsTensorFlow("runtime/train.ts")).toBe(true);
  });

  it("points downward: each floor imports only the floors below it", () => {
    const wrong: string[] = [];
    for (const [file, list] of imports) {
      const from = floorOf(file)!;
      for (const { target, typeOnly } of list) {
        const to = floorOf(target);
        if (to === undefined || to === from) continue;
        if (!MAY_IMPORT[from].includes(to)) wrong.push(`${file} -> ${target}`);
        // The compiler reads the runtime's spec types, and runs only its TF.js-free parts (data inspection, file formats).
        else if (from === "compiler" && to === "runtime" && !typeOnly && loadsTensorFlow(target)) {
          wrong.push(`${file} -> ${target} (loads TensorFlow.js: the compiler may import only types from it)`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("has no cycles", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("the cycle finder finds a cycle", () => {
    const cyclic = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    expect(importCycles(cyclic)).toEqual([["a", "b", "c"]]);
  });
});
