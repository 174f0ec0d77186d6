/**
 * The report's pictures: pure functions from report data to Vega-Lite specs, and one
 * renderer that turns a spec into an SVG string on the server (no browser, no network).
 */
import type { TopLevelSpec } from "vega-lite";
import type { RocReport } from "../metrics/index.js";
import type { TrainingHistory } from "./report-data.js";

/** The page's font stack, repeated inside the SVGs so charts and text match. */
export const FONT_STACK =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif';

/** One chart of the report. */
export interface Chart {
  /** Stable identifier, also the suffix of the Markdown report's SVG file. */
  readonly id: "learning-curves" | "confusion-matrix" | "roc";
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const TRAIN_COLOR = "#2563eb";
const VALIDATION_COLOR = "#ea580c";

/** Light, quiet styling shared by every chart. */
const CHART_CONFIG = {
  font: FONT_STACK,
  background: "#ffffff",
  view: { stroke: "#e5e7eb" },
  axis: {
    labelColor: "#374151",
    titleColor: "#111827",
    titleFontWeight: 600,
    labelFontSize: 11,
    titleFontSize: 12,
    gridColor: "#f0f1f3",
    domainColor: "#9ca3af",
    tickColor: "#9ca3af",
  },
  legend: { labelFontSize: 12, titleFontSize: 12, labelColor: "#374151", titleColor: "#111827", labelLimit: 420 },
  header: { labelFontSize: 13, labelFontWeight: 600, labelColor: "#111827" },
  title: { fontSize: 14, fontWeight: 600, color: "#111827" },
} as const;

/** `val_accuracy` → `accuracy`. */
function baseName(logName: string): string {
  return logName.startsWith("val_") ? logName.slice("val_".length) : logName;
}

/**
 * Loss and each monitored metric per epoch, training against validation, one small
 * panel per quantity (loss first) with its own y scale. Undefined when nothing was logged.
 */
export function learningCurvesChart(history: TrainingHistory): Chart | undefined {
  const names = [...new Set(Object.keys(history.logs).map(baseName))].sort(
    (a, b) => Number(b === "loss") - Number(a === "loss"),
  );
  const values = Object.entries(history.logs).flatMap(([logName, series]) =>
    series.flatMap((value, i) =>
      Number.isFinite(value) && history.epochs[i] !== undefined
        ? [
            {
              epoch: history.epochs[i],
              quantity: baseName(logName),
              split: logName.startsWith("val_") ? "validation" : "train",
              value,
            },
          ]
        : [],
    ),
  );
  if (values.length === 0) return undefined;

  const splits = [...new Set(values.map((row) => row.split))].sort(); // train before validation
  return {
    id: "learning-curves",
    title: "Learning curves",
    spec: {
      config: CHART_CONFIG,
      data: { values },
      columns: Math.min(names.length, 3),
      facet: { field: "quantity", type: "nominal", sort: names, title: null },
      spec: {
        width: 280,
        height: 170,
        layer: [{ mark: { type: "line", strokeWidth: 2 } }, { mark: { type: "point", filled: true, size: 28 } }],
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1, format: "d" } },
          y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
          color: {
            field: "split",
            type: "nominal",
            title: null,
            sort: splits,
            scale: { domain: splits, range: splits.map((s) => (s === "train" ? TRAIN_COLOR : VALIDATION_COLOR)) },
            legend: { orient: "top" },
          },
        },
      },
      // Each panel draws its own epoch axis: a shared one goes under every column of the
      // last row, so a row with fewer panels than columns showed empty, axis-only panels.
      resolve: { scale: { y: "independent" }, axis: { x: "independent" } },
    },
  };
}

/**
 * Heat map of `[true][predicted]` counts, true classes down, predicted across, each
 * cell labelled with its count while the cells are large enough to read.
 */
export function confusionMatrixChart(matrix: readonly (readonly number[])[], classNames: readonly string[]): Chart {
  const k = matrix.length;
  // Rows and columns are keyed by class id, never by name: Vega keys objects by field values, and a
  // class named `constructor` or `toString` would meet Object.prototype there. Axes show the names.
  const labels = uniqueLabels(classNames, k);
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ truth: t, predicted: p, count })));
  const labelExpr = `${vegaStringArray(labels)}[datum.value]`;
  const largest = Math.max(1, ...values.map((cell) => cell.count));
  const cell = Math.max(14, Math.min(56, Math.floor(520 / k)));
  const showCounts = cell >= 26;
  const axis = { labelLimit: 180, labelAngle: 0, domain: false, ticks: false };

  return {
    id: "confusion-matrix",
    title: "Confusion matrix",
    spec: {
      config: CHART_CONFIG,
      data: { values },
      width: cell * k,
      height: cell * k,
      encoding: {
        x: {
          field: "predicted",
          type: "ordinal",
          title: "predicted class",
          axis: {
            ...axis,
            labelExpr,
            orient: "top",
            labelAngle: k > 6 ? -40 : 0,
            labelAlign: k > 6 ? "left" : "center",
          },
        },
        y: { field: "truth", type: "ordinal", title: "true class", axis: { ...axis, labelExpr } },
      },
      layer: [
        {
          mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
          encoding: {
            color: {
              field: "count",
              type: "quantitative",
              title: "examples",
              scale: { scheme: "blues", domain: [0, largest] },
              legend: { orient: "right", gradientLength: Math.min(cell * k, 200) },
            },
          },
        },
        ...(showCounts
          ? [
              {
                mark: { type: "text" as const, fontSize: cell >= 40 ? 13 : 11 },
                encoding: {
                  text: { field: "count", type: "quantitative" as const, format: "d" },
                  color: {
                    condition: { test: `datum.count > ${largest / 2}`, value: "#ffffff" },
                    value: "#111827",
                  },
                },
              },
            ]
          : []),
      ],
    },
  };
}

/**
 * An array literal of Vega's expression language holding `texts`. Each text is spelled as a sum
 * of one-character strings: Vega looks string literals up in plain objects, where `"constructor"`
 * or `"toString"` would find Object.prototype's members and fail.
 */
function vegaStringArray(texts: readonly string[]): string {
  const literal = (char: string) =>
    JSON.stringify(char)
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
  return `[${texts.map((text) => (text === "" ? '""' : Array.from(text, literal).join(" + "))).join(", ")}]`;
}

/** Class names made distinct (`a`, `a (2)`) and filled in with ids where missing. */
function uniqueLabels(classNames: readonly string[], k: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: k }, (_, c) => {
    const name = classNames[c] ?? String(c);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

/**
 * Drops points closer than `minimumStep` (in unit-square distance) to the last kept one:
 * a 10,000-example curve keeps its shape at a few hundred points.
 */
function thinCurve<T extends { fpr: number; tpr: number }>(points: readonly T[], minimumStep = 0.003): T[] {
  const kept: T[] = [];
  points.forEach((point, i) => {
    const last = kept.at(-1);
    const isEnd = i === points.length - 1;
    if (last === undefined || isEnd || Math.hypot(point.fpr - last.fpr, point.tpr - last.tpr) >= minimumStep) {
      kept.push(point);
    }
  });
  return kept;
}

/** ROC curves, one line per class with its AUC in the legend, over the chance diagonal. */
export function rocChart(curves: readonly RocReport[]): Chart | undefined {
  const drawn = curves.filter((curve) => curve.points.length > 0);
  if (drawn.length === 0) return undefined;
  const legendNames = uniqueLabels(
    drawn.map((curve) => `${curve.class}  (AUC ${curve.auc.toFixed(3)})`),
    drawn.length,
  );
  const values = drawn.flatMap((curve, c) =>
    thinCurve(curve.points).map((point, order) => ({ curve: legendNames[c]!, order, ...point })),
  );
  const unitAxis = { tickCount: 5, format: ".1f" };

  return {
    id: "roc",
    title: "ROC curves",
    spec: {
      config: CHART_CONFIG,
      width: 340,
      height: 340,
      layer: [
        {
          data: {
            values: [
              { fpr: 0, tpr: 0 },
              { fpr: 1, tpr: 1 },
            ],
          },
          mark: { type: "line", color: "#9ca3af", strokeDash: [4, 4], strokeWidth: 1 },
          encoding: {
            x: { field: "fpr", type: "quantitative" },
            y: { field: "tpr", type: "quantitative" },
          },
        },
        {
          data: { values },
          mark: { type: "line", strokeWidth: 2, interpolate: "linear" },
          encoding: {
            x: {
              field: "fpr",
              type: "quantitative",
              title: "false-positive rate",
              scale: { domain: [0, 1] },
              axis: unitAxis,
            },
            y: {
              field: "tpr",
              type: "quantitative",
              title: "true-positive rate",
              scale: { domain: [0, 1] },
              axis: unitAxis,
            },
            color: {
              field: "curve",
              type: "nominal",
              title: null,
              sort: legendNames,
              scale: { scheme: drawn.length <= 10 ? "tableau10" : "tableau20" },
              legend: { orient: "right" },
            },
            // Keep the curve's own order: vertical steps share an x value.
            order: { field: "order", type: "quantitative" },
          },
        },
      ],
    },
  };
}

/** Renders a chart to a standalone SVG document with Vega's headless renderer. */
export async function renderChartSvg(chart: Chart): Promise<string> {
  // Loaded on first use: a run without a report never pays for Vega's start-up.
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
