/**
 * Checks for setups that compile and train but cannot give a useful model, and said nothing:
 * a softmax over one unit (its output is always 1, DLM413, `check-constant-softmax.ts`), a random crop larger than the
 * padded image (the runtime used to clamp it, DLM414), a classification data set with one
 * class (DLM530) — each was found training a model that never learnt. A CSV file with a
 * header and no rows (DLM531) is reported where the file is read (`static-data.ts`).
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { DataSpec } from "../../runtime/data/spec.js";
import { makeDiagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { DataSites } from "./lower-data.js";
import type { SectionReading } from "./read-sections.js";
import type { DataFacts } from "./static-data.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import { OUTCOMES } from "../../diagnostics/catalog/outcomes.js";

/**
 * DLM530: a classifier needs two classes or more; with one the only answer is that class and
 * the model cannot learn anything. The label column holds one value (`classes: [...]` with one
 * name is DLM302 already). False when reported, so that no output layer is suggested.
 */
export function checkClassCount(facts: DataFacts, sites: DataSites, context: ExperimentContext): boolean {
  const info = facts.info;
  const classes = info.classes;
  if (info.task !== "classification" || classes === undefined || classes.length >= 2) return true;
  const range: SourceRange = sites.source?.range ?? sites.section;
  const found = classes.length === 0 ? "no class" : `one class (${JSON.stringify(classes[0])})`;
  context.report(
    makeDiagnostic(OUTCOMES.oneClass, context.file, range, {
      message: `a classification task needs at least two classes, but the data has ${found}: every prediction would be that class`,
      help: "check the label column (`label:`), or use `task: regression` if the label is a number to predict",
    }),
  );
  return false;
}

/**
 * DLM414: `crop(size: [h, w], padding: p)` takes a random `h`×`w` window of the image padded by
 * `p` pixels on each side; a window larger than that does not exist.
 */
export function checkCropFits(
  spec: DataSpec,
  facts: DataFacts,
  data: SectionReading,
  context: ExperimentContext,
): void {
  const [height, width] = facts.info.featureShape;
  if (facts.info.modality !== "image" || height === undefined || width === undefined) return;
  const crops = data.sections.get("augment")?.calls.filter((call) => call.callee.name === "crop") ?? [];
  const steps = (spec.augment ?? []).filter((step) => step.kind === "crop");
  steps.forEach((step, index) => {
    const padding = step.padding ?? 0;
    const room = [height + 2 * padding, width + 2 * padding] as const;
    if (step.size[0] <= room[0] && step.size[1] <= room[1]) return;
    const call = crops[index];
    const size = call?.args.find((arg) => arg.name?.name === "size") ?? call?.args[0];
    context.report(
      makeDiagnostic(OUTCOMES.cropLargerThanImage, context.file, size?.range ?? call?.range ?? data.range, {
        message:
          `crop size [${step.size.join(", ")}] is larger than the image: ${formatShape([height, width])}` +
          (padding > 0 ? ` padded by ${padding} on each side is ${formatShape([...room])}` : ""),
        help: `use a size of at most [${room.join(", ")}], or raise \`padding\` to ${Math.max(
          Math.ceil((step.size[0] - height) / 2),
          Math.ceil((step.size[1] - width) / 2),
        )}`,
      }),
    );
  });
}
