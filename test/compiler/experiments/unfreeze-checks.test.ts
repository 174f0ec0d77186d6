import { describe, expect, it } from "vitest";
import { checkExperimentsIn } from "./checked-experiments.js";

/** The 1-based line of the first experiment diagnostic of `text`. */
function firstLine(text: string): number {
  const start = checkExperimentsIn(text).experiments.diagnostics[0]!.range.start;
  return text.slice(0, start).split("\n").length;
}

/** Pretrains `Base` (backbone layers after the cut: conv2d, flatten, features), then fine-tunes it. */
const program = (unfreeze: string) =>
  "model Base(input: [28, 28, 1]) {\n  conv2d(4, 3, activation: relu)\n  flatten\n  features = dense(16, activation: relu)\n  dense(5, activation: softmax)\n}\n" +
  'experiment low {\n  data { source: builtin("mnist") classes: ["0", "1", "2", "3", "4"] }\n  model: Base\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  export: "out/low"\n}\n' +
  'experiment high {\n  data { source: builtin("mnist") classes: ["5", "6"] split { validation: 0.2 } }\n  model {\n    pretrained("out/low/model.json", until: features)\n    head = dense(2, activation: softmax)\n  }\n' +
  `  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  fine_tune { unfreeze: ${unfreeze}, optimizer: adam(learning_rate: 1e-4) }\n}\n`;

describe("unfreeze counts and names layers inside the pretrained backbone", () => {
  it("accepts every backbone layer count and name", () => {
    for (const unfreeze of ["all", "none", "last(1)", "last(3)", "from(conv2d)", "from(features)"]) {
      expect(checkExperimentsIn(program(unfreeze)).reported, unfreeze).toEqual([]);
    }
  });

  it("DLM535: last(N) beyond the backbone's 3 layers, marked at N", () => {
    const { reported } = checkExperimentsIn(program("last(4)"));
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM535",
        marked: "4",
        message: "`last(4)` asks for more layers than the pretrained backbone has (3)",
        help: "use `last(3)` or `all` to train the whole backbone; the layers after `pretrained` always train",
      }),
    ]);
    expect(firstLine(program("last(4)"))).toBe(20);
  });

  it("DLM206: from(NAME) names the head, not a backbone layer", () => {
    const { reported } = checkExperimentsIn(program("from(head)"));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM206", marked: "head" })]);
    expect(firstLine(program("from(head)"))).toBe(20);
  });
});
