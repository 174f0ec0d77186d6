import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { codesIn, reportedIn } from "./checked-source.js";

describe("DLM201 unknown layer", () => {
  it("marks the name and suggests the closest layer", () => {
    const result = checkSource("model M(input: [4]) {\n  dnese(3)\n}");
    expect(result.diagnostics).toHaveLength(1);
    const [diagnostic] = result.diagnostics;
    expect(diagnostic?.code).toBe("DLM201");
    expect(diagnostic?.help).toBe("did you mean `dense`?");
    expect(reportedIn("model M(input: [4]) {\n  dnese(3)\n}")[0]?.marked).toBe("dnese");
  });

  it("treats a bare name as a layer or a block, and suggests blocks too", () => {
    const text = "block Hidden() { dense(8) }\nmodel M(input: [4]) { Hiden flatten_ }";
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end), d.help])).toEqual([
      ["DLM201", "Hiden", "did you mean `Hidden`?"],
      ["DLM201", "flatten_", "did you mean `flatten`?"],
    ]);
  });

  it("explains that a model is not a layer", () => {
    const result = checkSource("model Base(input: [4]) { dense(2) }\nmodel M(input: [4]) { Base }");
    expect(result.diagnostics[0]?.code).toBe("DLM201");
    expect(result.diagnostics[0]?.notes?.[0]).toContain("`Base` is a model");
  });

  it("checks layers of nested layer arguments", () => {
    expect(reportedIn("model M(input: [10, 4]) { bidirectional(lstmm(8)) }")).toEqual([
      expect.objectContaining({ code: "DLM201", marked: "lstmm" }),
    ]);
  });
});

describe("DLM202 unknown parameter", () => {
  it("marks the argument name and suggests the parameter", () => {
    const result = checkSource("model M(input: [4]) { dense(3, activaton: relu) }");
    const [diagnostic] = result.diagnostics;
    expect(diagnostic?.code).toBe("DLM202");
    expect(diagnostic?.message).toBe("dense has no parameter `activaton`");
    expect(diagnostic?.help).toBe("did you mean `activation`?");
    expect(reportedIn("model M(input: [4]) { dense(3, activaton: relu) }")[0]?.marked).toBe("activaton");
  });

  it("checks block arguments against the block's parameters", () => {
    const text = "block Hidden(units: int) { dense(units) }\nmodel M(input: [4]) { Hidden(unit: 3) }";
    expect(reportedIn(text)).toEqual([
      expect.objectContaining({ code: "DLM202", marked: "unit", message: "block `Hidden` has no parameter `unit`" }),
    ]);
  });
});

describe("DLM205 duplicate name", () => {
  it("reports a second declaration with the first as related location", () => {
    const text = "model Net(input: [4]) { dense(1) }\nblock Net() { dense(8) }";
    const result = checkSource(text);
    expect(result.diagnostics).toHaveLength(1);
    const [diagnostic] = result.diagnostics;
    expect(diagnostic?.code).toBe("DLM205");
    expect(diagnostic?.range.start).toBe(text.lastIndexOf("Net"));
    expect(text.slice(diagnostic?.related?.[0]?.range.start, diagnostic?.related?.[0]?.range.end)).toBe("Net");
    expect(diagnostic?.related?.[0]?.range.start).toBe(text.indexOf("Net"));
  });

  it("reports a local declaration that clashes with an imported one", () => {
    const result = checkSource('import "lib.dlm"\nblock Stem() { dense(4) }', "main.dlm", { "lib.dlm": "block Stem() { dense(8) }" });
    expect(result.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ["DLM205", "main.dlm", "`Stem` is already declared in imported file `lib.dlm`"],
    ]);
    expect(result.diagnostics[0]?.related?.[0]?.file).toBe("lib.dlm");
  });

  it("reports two imports declaring the same name at the second import", () => {
    const text = 'import "a.dlm"\nimport "b.dlm"\nmodel M(input: [4]) { Stem }';
    const result = checkSource(text, "main.dlm", { "a.dlm": "block Stem() { dense(8) }", "b.dlm": "block Stem() { dense(4) }" });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]?.code).toBe("DLM205");
    expect(text.slice(result.diagnostics[0]?.range.start, result.diagnostics[0]?.range.end)).toBe('"b.dlm"');
  });

  it("reports duplicate block parameters", () => {
    expect(reportedIn("block B(units: int, units: int) { dense(units) }")).toEqual([
      expect.objectContaining({ code: "DLM205", marked: "units" }),
    ]);
  });
});

describe("DLM207 undefined model", () => {
  /** An experiment with its `data` and `train`, so that the `model:` setting is its only mistake. */
  const completeExperiment = (declarations: string, model: string): string =>
    `${declarations}experiment demo {\n  data { source: builtin("iris") }\n  ${model}\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}`;

  it("marks the name in `model:` and suggests a model", () => {
    const text = completeExperiment("model Net { dense(1) }\n", "model: Nte");
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end), d.help])).toEqual([
      ["DLM207", "Nte", "did you mean `Net`?"],
    ]);
  });

  it("says when the name is a block", () => {
    expect(reportedIn(completeExperiment("block Net() { dense(1) }\n", "model: Net"))).toEqual([
      expect.objectContaining({ code: "DLM207", marked: "Net", message: "`Net` is a block, not a model" }),
    ]);
  });
});

describe("DLM208 import cycle", () => {
  it("names the chain at the import that closes it", () => {
    const result = checkSource('import "b.dlm"\nmodel A(input: [4]) { dense(1) }', "a.dlm", {
      "b.dlm": 'import "a.dlm"\nblock B() { dense(2) }',
    });
    expect(result.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([["DLM208", "b.dlm", "import cycle: a.dlm → b.dlm → a.dlm"]]);
    const text = result.files.get("b.dlm")?.text ?? "";
    const range = result.diagnostics[0]?.range;
    expect(text.slice(range?.start, range?.end)).toBe('"a.dlm"');
  });

  it("reports a file importing itself", () => {
    expect(codesIn('import "input.dlm"\nmodel M(input: [4]) { dense(1) }')).toEqual(["DLM208"]);
  });
});

describe("DLM209 duplicate layer name", () => {
  it("marks the second use of a name", () => {
    const text = "model M(input: [4]) {\n  hidden = dense(8)\n  hidden = dense(8)\n}";
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, d.range.start])).toEqual([["DLM209", text.lastIndexOf("hidden")]]);
    expect(result.diagnostics[0]?.message).toBe("layer name `hidden` is used more than once in model `M`");
  });

  it("reports a named layer inside a block used twice at the second use", () => {
    const text = "block B() { feats = dense(8) }\nmodel M(input: [4]) {\n  B\n  B()\n}";
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM209", marked: "B()" })]);
  });

  it("reports a named layer copied by repeat once", () => {
    const text = "model M(input: [4]) { repeat 3 { feats = dense(4) } }";
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM209", marked: "feats" })]);
  });

  it("does not let default names collide with written ones", () => {
    const result = checkSource("model M(input: [4]) { dense(4) dense_1 = dense(4) dense(4) }");
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.layers.map((layer) => layer.name)).toEqual(["dense", "dense_1", "dense_2"]);
  });
});

describe("DLM210 duplicate argument", () => {
  it("marks the second argument, positional then named", () => {
    const result = checkSource("model M(input: [784]) { dense(10, units: 10) }");
    expect(result.diagnostics.map((d) => d.code)).toEqual(["DLM210"]);
    expect(reportedIn("model M(input: [784]) { dense(10, units: 10) }")[0]?.marked).toBe("units: 10");
    expect(result.diagnostics[0]?.related?.[0]?.message).toBe("`units` is first given here");
  });

  it("marks a name given twice", () => {
    expect(reportedIn("model M(input: [784]) { dense(units: 3, units: 4) }")).toEqual([
      expect.objectContaining({ code: "DLM210", marked: "units: 4" }),
    ]);
  });
});

describe("DLM211 missing import", () => {
  it("marks the path and names the file it looked for", () => {
    const result = checkSource('import "blocks/nope.dlm"\nmodel M(input: [4]) { dense(1) }', "dir/main.dlm");
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["DLM211", "cannot find imported file `blocks/nope.dlm` (looked for dir/blocks/nope.dlm)"],
    ]);
    expect(reportedIn('import "nope.dlm"')[0]?.marked).toBe('"nope.dlm"');
  });

  it("resolves imports relative to the importing file", () => {
    const result = checkSource('import "../shared/blocks.dlm"\nmodel M(input: [4]) { Stem }', "app/main.dlm", {
      "shared/blocks.dlm": "block Stem() { dense(8) }",
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.output).toEqual([8]);
  });
});

describe("DLM212 unknown activation", () => {
  it("marks the activation name and suggests one", () => {
    const result = checkSource("model M(input: [4]) { dense(3, activation: rleu) }");
    expect(result.diagnostics.map((d) => [d.code, d.help])).toEqual([["DLM212", "did you mean `relu`?"]]);
    expect(reportedIn("model M(input: [4]) { dense(3, activation: rleu) }")[0]?.marked).toBe("rleu");
  });

  it("checks activation-typed block arguments", () => {
    const text = "block H(f: activation) { dense(4, activation: f) }\nmodel M(input: [4]) { H(tahn) }";
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM212", marked: "tahn" })]);
  });
});

describe("DLM213 unknown block parameter type", () => {
  it("marks the type and suggests one", () => {
    const result = checkSource("block Hidden(units: integer) { dense(units) }");
    expect(result.diagnostics.map((d) => [d.code, d.help])).toEqual([["DLM213", "did you mean `int`?"]]);
    expect(reportedIn("block Hidden(units: integer) { dense(units) }")[0]?.marked).toBe("integer");
  });
});

describe("DLM214 recursive block", () => {
  it("marks the use that leads back to the block", () => {
    const text = "block A() { dense(2) B }\nblock B() { A }";
    expect(reportedIn(text)).toEqual([
      expect.objectContaining({ code: "DLM214", marked: "B", message: "block `A` uses itself: A → B → A" }),
      expect.objectContaining({ code: "DLM214", marked: "A", message: "block `B` uses itself: B → A → B" }),
    ]);
  });

  it("does not hang when a model uses a recursive block", () => {
    expect(codesIn("block A() { dense(2) A }\nmodel M(input: [4]) { A }")).toEqual(["DLM214"]);
  });
});
