import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readClassScores, rocAuc, rocCurve, type RocPoint } from "../../../runtime/metrics/index.js";

/** Area under straight segments between consecutive points. */
function trapezoidArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  }
  return area;
}

/** Mann-Whitney by brute force: share of (positive, negative) pairs ranked right, ties 1/2. */
function pairwiseAuc(isPositive: readonly number[], scores: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((positiveScore, p) => {
    if (!isPositive[p]) return;
    scores.forEach((negativeScore, n) => {
      if (isPositive[n]) return;
      pairs++;
      wins += positiveScore > negativeScore ? 1 : positiveScore === negativeScore ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("binary ROC curve", () => {
  it("scores every pair as a tie when all scores are equal", () => {
    // 2 positives × 2 negatives = 4 tied pairs, each counting 1/2 → 2/4
    const curve = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]);
    expect(curve.auc).toBe(0.5);
    expect(curve.points).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it("counts a tie between a positive and a negative as 1/2", () => {
    // positives 0.5, 0.9; negatives 0.1, 0.5
    // 0.5 > 0.1 → 1, 0.5 = 0.5 → 1/2, 0.9 beats both → 2; (1 + 1/2 + 2) / (2·2) = 3.5/4
    const curve = rocCurve([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]);
    expect(curve.auc).toBe(0.875);
    // thresholds 0.9 → (0, 1/2); 0.5 → (1/2, 1); 0.1 → (1, 1)
    expect(curve.points).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it("drops points in the middle of straight segments", () => {
    // corners (0,0) (0,1/2) (0,1) (1,1): (0,1/2) lies on the vertical segment
    const curve = rocCurve([1, 1, 0], [0.9, 0.8, 0.7]);
    expect(curve.points).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(curve.auc).toBe(1);
  });

  it("is undefined when the truth has a single class", () => {
    const curve = rocCurve([1, 1], [0.2, 0.8]);
    expect(curve.auc).toBeNaN();
    expect(curve.points).toEqual([]);
  });

  it("has a trapezoid area equal to the pairwise Mann-Whitney count, ties included", () => {
    const example = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 4 })), { minLength: 2, maxLength: 40 })
      .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0));
    fc.assert(
      fc.property(example, (rows) => {
        const isPositive = rows.map(([y]) => y);
        const scores = rows.map(([, s]) => s / 4); // few distinct values → many ties
        const curve = rocCurve(isPositive, scores);
        expect(curve.auc).toBeCloseTo(pairwiseAuc(isPositive, scores), 12);
        expect(trapezoidArea(curve.points)).toBeCloseTo(curve.auc, 12);
      }),
    );
  });
});

describe("AUC of a split", () => {
  it("agrees between one sigmoid output and two softmax columns", () => {
    // positives 0.7, 0.4, 0.9 vs negatives 0.2, 0.6: pairs won 2 + 1 + 2 = 5 of 6
    const labels = new Int32Array([0, 0, 1, 1, 1]);
    const sigmoid = readClassScores(labels, new Float32Array([0.2, 0.6, 0.7, 0.4, 0.9]));
    const softmax = readClassScores(labels, new Float32Array([0.8, 0.2, 0.4, 0.6, 0.3, 0.7, 0.6, 0.4, 0.1, 0.9]));
    expect(rocAuc(sigmoid)).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(softmax)).toBeCloseTo(5 / 6, 12);
  });

  // Three classes, four examples:
  //   ex. true  scores (class 0, 1, 2)
  //   0   0     0.7  0.2  0.1
  //   1   1     0.3  0.4  0.3
  //   2   2     0.2  0.5  0.3
  //   3   0     0.4  0.4  0.2
  const labels = new Int32Array([0, 1, 2, 0]);
  const rows = [
    [0.7, 0.2, 0.1],
    [0.3, 0.4, 0.3],
    [0.2, 0.5, 0.3],
    [0.4, 0.4, 0.2],
  ];
  const threeClasses = readClassScores(labels, new Float32Array(rows.flat()), 3);

  it("averages one-vs-rest AUCs (macro)", () => {
    // class 0: positives 0.7, 0.4 beat negatives 0.3, 0.2 → 4/4 = 1
    // class 1: positive 0.4 vs 0.2 (win), 0.5 (loss), 0.4 (tie) → 1.5/3 = 1/2
    // class 2: positive 0.3 vs 0.1 (win), 0.3 (tie), 0.2 (win) → 2.5/3 = 5/6
    // macro = (1 + 1/2 + 5/6) / 3 = 7/9
    expect(rocAuc(threeClasses, "macro")).toBeCloseTo(7 / 9, 6);
  });

  it("weights one-vs-rest AUCs by support", () => {
    // supports 2, 1, 1: (1·2 + 1/2·1 + 5/6·1) / 4 = (20/6) / 4 = 5/6
    expect(rocAuc(threeClasses, "weighted")).toBeCloseTo(5 / 6, 6);
  });

  it("pools all (example, class) pairs for micro", () => {
    // positives (true-class scores): 0.7, 0.4, 0.3, 0.4
    // negatives: 0.2 0.1 | 0.3 0.3 | 0.2 0.5 | 0.4 0.2  (8 values)
    // 0.7 beats all 8 → 8; each 0.4 beats 6, ties 1 → 6.5; 0.3 beats 4, ties 2 → 5
    // (8 + 6.5 + 6.5 + 5) / (4·8) = 26/32 = 13/16
    expect(rocAuc(threeClasses, "micro")).toBeCloseTo(13 / 16, 6);
  });

  it("skips a class with no examples in the macro average", () => {
    const fourColumns = rows.map((row) => [...row, 0]).flat();
    const fourClasses = readClassScores(labels, new Float32Array(fourColumns), 4);
    expect(rocAuc(fourClasses, "macro")).toBeCloseTo(7 / 9, 6);
  });

  it("is NaN when predictions hold NaN", () => {
    const data = readClassScores(new Int32Array([0, 1]), new Float32Array([0.1, Number.NaN]));
    expect(rocAuc(data)).toBeNaN();
  });
});
