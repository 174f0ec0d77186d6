/**
 * `parseCheckpointState`: a whole `checkpoint.json` reads back as written (NaN logs
 * included, which JSON stores as null); a damaged one is a `CheckpointError` naming the
 * file and the field at fault.
 */
import { describe, expect, it } from "vitest";
import { CheckpointError, parseCheckpointState } from "../../../runtime/callbacks/checkpoint-state.js";

const FILE = "runs/e/checkpoint/checkpoint.json";

const WHOLE = {
  epoch: 2,
  history: { epochs: [0, 1], logs: { loss: [0.5, null], lr: [0.01, 0.01] } },
  optimizer: { className: "Adam", config: { learningRate: 0.01 } },
  optimizerSaved: true,
  monitor: "loss",
  best: null,
  architecture: "sha256:00",
};

function parseWith(fields: Record<string, unknown>): () => unknown {
  return () => parseCheckpointState(JSON.stringify({ ...WHOLE, ...fields }), FILE);
}

describe("parseCheckpointState", () => {
  it("reads a whole checkpoint.json, null logs as NaN", () => {
    const state = parseCheckpointState(JSON.stringify(WHOLE), FILE);
    expect(state.epoch).toBe(2);
    expect(state.history).toEqual({ epochs: [0, 1], logs: { loss: [0.5, Number.NaN], lr: [0.01, 0.01] } });
    expect(state.architecture).toBe("sha256:00");
    expect(state.optimizer.className).toBe("Adam");
  });

  it("reads a checkpoint of an older version, without an architecture", () => {
    const { architecture: _dropped, ...older } = WHOLE;
    expect(parseCheckpointState(JSON.stringify(older), FILE).architecture).toBeUndefined();
  });

  it.each([
    ["not JSON", () => parseCheckpointState('{"epoch": 2, "hist', FILE), /^runs\/e\/checkpoint\/checkpoint\.json: not valid JSON \(/],
    ["not an object", () => parseCheckpointState("[1, 2]", FILE), /checkpoint\.json: expected a JSON object/],
    ["a negative epoch", parseWith({ epoch: -1 }), /`epoch` should be an integer ≥ 0, found -1/],
    ["no history", parseWith({ history: undefined }), /`history` should be an object with `epochs` and `logs`, found nothing/],
    ["a log shorter than the epochs", parseWith({ history: { epochs: [0, 1], logs: { loss: [1] } } }), /`history\.logs\.loss` should be a list of 2 numbers/],
    ["a text in a log", parseWith({ history: { epochs: [0], logs: { loss: ["x"] } } }), /`history\.logs\.loss`/],
    ["no optimizer class", parseWith({ optimizer: { config: {} } }), /`optimizer` should be an object with `className` and `config`/],
    ["a text for optimizerSaved", parseWith({ optimizerSaved: "yes" }), /`optimizerSaved` should be true or false, found "yes"/],
    ["a text for best", parseWith({ best: "0.5" }), /`best` should be a number or null/],
    ["a number for architecture", parseWith({ architecture: 7 }), /`architecture` should be a hash/],
  ])("refuses %s, naming the file and the field", (_what, parse, expected) => {
    let error: unknown;
    try {
      parse();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(expected);
    expect((error as Error).message).toContain(FILE);
    expect((error as Error).message).toContain("start the run again without `--resume`");
  });
});
