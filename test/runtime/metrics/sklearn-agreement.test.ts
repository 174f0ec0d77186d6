/**
 * DLM's classification metrics against scikit-learn's on the same predictions: the positive
 * class (`pos_label`), every averaging, per-class scores, zero division and ROC AUC. Needs
 * `/usr/bin/python3` with scikit-learn (`apt-get install -y python3-sklearn`); skipped with
 * the reason printed when it is absent.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evaluatePredictions, type Average } from "../../../runtime/metrics/index.js";

const PYTHON = "/usr/bin/python3";

const probe = spawnSync(PYTHON, ["-c", "import sklearn"], { encoding: "utf8" });
const missing = probe.error
  ? `${PYTHON} is absent`
  : probe.status !== 0
    ? "scikit-learn is not installed for it"
    : undefined;
if (missing !== undefined)
  console.log(`skipping the scikit-learn comparison: ${missing} (apt-get install -y python3-sklearn)`);

/** What scikit-learn computes: per-class scores, averaged scores per rule, and AUCs. */
const SCRIPT = `
import json, sys
import numpy as np
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
case = json.load(sys.stdin)
y = np.array(case["y"]); k = case["k"]
scores = np.array(case["scores"], dtype=np.float64)
if k == 2 and scores.ndim == 1:
    pred = (scores > 0.5).astype(int); columns = np.stack([1 - scores, scores], 1)
else:
    columns = scores.reshape(len(y), k); pred = np.argmax(columns, 1)
out = {}
p, r, f, s = precision_recall_fscore_support(y, pred, labels=list(range(k)), average=None, zero_division=0)
out["per_class"] = [[float(a), float(b), float(c), int(d)] for a, b, c, d in zip(p, r, f, s)]
for average in ["macro", "micro", "weighted"]:
    out[average] = [float(v) for v in precision_recall_fscore_support(y, pred, average=average, zero_division=0)[:3]]
if k == 2:
    for pos in [0, 1]:
        out["binary_%d" % pos] = [float(v) for v in precision_recall_fscore_support(y, pred, average="binary", pos_label=pos, zero_division=0)[:3]]
        out["auc_%d" % pos] = float(roc_auc_score(y == pos, columns[:, pos]))
else:
    out["auc_macro"] = float(roc_auc_score(y, columns, multi_class="ovr", average="macro"))
    out["auc_weighted"] = float(roc_auc_score(y, columns, multi_class="ovr", average="weighted"))
print(json.dumps(out))
`;

interface SklearnResult {
  readonly per_class: [number, number, number, number][];
  readonly [key: string]: unknown;
}

function sklearn(y: Int32Array, scores: Float32Array, k: number): SklearnResult {
  const result = spawnSync(PYTHON, ["-c", SCRIPT], {
    input: JSON.stringify({ y: Array.from(y), scores: Array.from(scores), k }),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as SklearnResult;
}

/** Deterministic values in [0, 1), with ties: rounded to 1/20 so equal scores occur. */
function scoresOf(count: number, salt: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
    return Math.round((x - Math.floor(x)) * 20) / 20;
  });
}

/** Labels that agree with the scores more often than not, so the scores mean something. */
function labelsFor(scores: readonly number[], k: number, salt: number): Int32Array {
  const noise = scoresOf(scores.length, salt + 1);
  if (k === 2) return Int32Array.from(scores, (p, i) => (p + 0.6 * (noise[i]! - 0.5) > 0.5 ? 1 : 0));
  return Int32Array.from({ length: scores.length / k }, (_, i) => {
    const row = scores.slice(i * k, (i + 1) * k);
    return noise[i]! < 0.6 ? row.indexOf(Math.max(...row)) : Math.floor(noise[i]! * 10) % k;
  });
}

describe.skipIf(missing !== undefined)("agreement with scikit-learn", () => {
  it("two classes from one sigmoid unit: either positive class, every average, per-class scores, AUC", () => {
    const scores = new Float32Array(scoresOf(300, 3));
    const labels = labelsFor(Array.from(scores), 2, 3);
    const expected = sklearn(labels, scores, 2);
    const metrics = ["precision", "recall", "f1", "auc"];
    for (const positive of [0, 1]) {
      const evaluation = evaluatePredictions(labels, scores, {
        task: "classification",
        classes: ["no", "yes"],
        metrics,
        positive,
      });
      const [precision, recall, f1] = expected[`binary_${positive}`] as number[];
      expect(evaluation.metrics.precision).toBeCloseTo(precision!, 9);
      expect(evaluation.metrics.recall).toBeCloseTo(recall!, 9);
      expect(evaluation.metrics.f1).toBeCloseTo(f1!, 9);
      expect(evaluation.metrics.auc).toBeCloseTo(expected[`auc_${positive}`] as number, 9);
      evaluation.perClass!.forEach((row, c) => {
        const [p, r, f, s] = expected.per_class[c]!;
        expect([row.precision, row.recall, row.f1]).toEqual([
          expect.closeTo(p, 9),
          expect.closeTo(r, 9),
          expect.closeTo(f, 9),
        ]);
        expect(row.support).toBe(s);
      });
    }
    for (const average of ["macro", "micro", "weighted"] as Average[]) {
      const evaluation = evaluatePredictions(labels, scores, { task: "classification", metrics, average, positive: 0 });
      const [precision, recall, f1] = expected[average] as number[];
      expect([evaluation.metrics.precision, evaluation.metrics.recall, evaluation.metrics.f1]).toEqual([
        expect.closeTo(precision!, 9),
        expect.closeTo(recall!, 9),
        expect.closeTo(f1!, 9),
      ]);
    }
  });

  it("four classes with one never predicted (zero division): every average, per-class scores, AUC", () => {
    const k = 4;
    // Column 3 never wins: zero predictions of class 3, so its precision divides by zero.
    const raw = scoresOf(200 * k, 5).map((value, i) => (i % k === 3 ? value * 0.01 : value) + 0.01);
    // Rows of probabilities, as a softmax gives (scikit-learn's multi-class AUC insists).
    for (let row = 0; row < raw.length; row += k) {
      const sum = raw.slice(row, row + k).reduce((total, value) => total + value, 0);
      for (let c = 0; c < k; c++) raw[row + c] = raw[row + c]! / sum;
    }
    const scores = new Float32Array(raw);
    const labels = labelsFor(raw, k, 5);
    labels[0] = 3; // class 3 is in the truth at least once
    const expected = sklearn(labels, scores, k);
    for (const average of ["macro", "micro", "weighted"] as Average[]) {
      const evaluation = evaluatePredictions(labels, scores, {
        task: "classification",
        metrics: ["precision", "recall", "f1", "auc"],
        average,
      });
      const [precision, recall, f1] = expected[average] as number[];
      expect([evaluation.metrics.precision, evaluation.metrics.recall, evaluation.metrics.f1]).toEqual([
        expect.closeTo(precision!, 9),
        expect.closeTo(recall!, 9),
        expect.closeTo(f1!, 9),
      ]);
      if (average !== "micro") expect(evaluation.metrics.auc).toBeCloseTo(expected[`auc_${average}`] as number, 9);
      evaluation.perClass!.forEach((row, c) => {
        const [p, r, f, s] = expected.per_class[c]!;
        expect([row.precision, row.recall, row.f1, row.support]).toEqual([
          expect.closeTo(p, 9),
          expect.closeTo(r, 9),
          expect.closeTo(f, 9),
          s,
        ]);
      });
    }
    expect(expected.per_class[3]![0]).toBe(0);
  });
});
