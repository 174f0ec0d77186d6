/**
 * The first experiment phase: an experiment's members sorted against `EXPERIMENT_SCHEMA`.
 * Every setting, section, call and inline model lands in its place in a `SectionReading`
 * tree; what does not fit is reported here — unknown names (DLM203, with "did you mean"),
 * a name written twice (DLM218), a setting written as a section or the reverse (DLM301),
 * missing required members (DLM303) — so later phases read settings by name only.
 */
import type { Call, ExperimentDecl, Identifier, InlineModel, Member, Section, Setting, SourceRange } from "../../grammar/ast.js";
import { EXPERIMENT_SCHEMA, type SectionSpec, type SettingSpec } from "../registry/experiment-schema.js";
import { makeDiagnostic, replaceNameFix, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { closestName, didYouMean } from "../../diagnostics/suggest.js";
import { PIPELINE } from "../../diagnostics/catalog/pipeline.js";
import { VALUES } from "../../diagnostics/catalog/values.js";

/** One section after its members were sorted: the experiment itself, `data`, `data.split` … */
export interface SectionReading {
  readonly spec: SectionSpec;
  /** Dotted path from the experiment: `""` for the experiment, `"data.split"`. */
  readonly path: string;
  /** The section's name as written (the experiment's name for the experiment itself). */
  readonly name: Identifier;
  readonly range: SourceRange;
  /** Known settings by name (the first when written twice). */
  readonly settings: ReadonlyMap<string, Setting>;
  /** Known sub-sections by name. */
  readonly sections: ReadonlyMap<string, SectionReading>;
  /** Calls standing alone where the section allows them (callbacks, augmentations, data transforms), in order. */
  readonly calls: readonly Call[];
  /** `model { }` bodies (the experiment only). */
  readonly inlineModels: readonly InlineModel[];
}

/** The schema's spec of setting `name` of a section (a name the schema lacks is a bug here). */
export function settingSpecOf(section: SectionReading, name: string): SettingSpec {
  const spec = section.spec.settings.find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`section \`${section.spec.name}\` has no setting \`${name}\` in the schema`);
  return spec;
}

/** The experiment's members sorted against the schema, and what did not fit. */
export interface ExperimentReading {
  readonly experiment: SectionReading;
  readonly diagnostics: readonly Diagnostic[];
}

/** Sorts an experiment's members against `EXPERIMENT_SCHEMA`; reports every member that does not fit. */
export function readSections(declaration: ExperimentDecl, file: string): ExperimentReading {
  const diagnostics: Diagnostic[] = [];
  const experiment = readSection(declaration.members, EXPERIMENT_SCHEMA, "", declaration.name, declaration.range, file, diagnostics);
  return { experiment, diagnostics };
}

/** How a section is named in messages: `train`, `data.split`, or `experiment \`iris\``. */
export function sectionLabel(section: Pick<SectionReading, "path" | "name">): string {
  return section.path === "" ? `experiment \`${section.name.name}\`` : `\`${section.path}\``;
}

function readSection(
  members: readonly Member[],
  spec: SectionSpec,
  path: string,
  name: Identifier,
  range: SourceRange,
  file: string,
  diagnostics: Diagnostic[],
): SectionReading {
  const settings = new Map<string, Setting>();
  const sections = new Map<string, SectionReading>();
  const calls: Call[] = [];
  const inlineModels: InlineModel[] = [];
  const here = sectionLabel({ path, name });
  // Where each name was first written, for DLM218 (a `model:` setting and a `model { }` share one slot).
  const firstWritten = new Map<string, SourceRange>();
  const isDuplicate = (key: string, at: SourceRange, what: string): boolean => {
    const first = firstWritten.get(key);
    if (first === undefined) {
      firstWritten.set(key, at);
      return false;
    }
    diagnostics.push(
      makeDiagnostic(PIPELINE.writtenTwice, file, at, {
        message: `${what} is written twice in ${here}`,
        related: [{ file, range: first, message: "first written here" }],
        help: "keep one of them",
      }),
    );
    return true;
  };

  for (const member of members) {
    if (member.missing) continue;
    switch (member.kind) {
      case "Setting": {
        if (member.name.missing) break;
        const settingName = member.name.name;
        if (spec.settings.some((setting) => setting.name === settingName)) {
          // `model: NAME` and `model { }` fill the same slot.
          const what = settingName === "model" && spec.allowsInlineModel ? "the model" : `setting \`${settingName}\``;
          if (!isDuplicate(settingName, member.name.range, what)) settings.set(settingName, member);
        } else if (spec.sections.some((section) => section.name === settingName)) {
          diagnostics.push(
            makeDiagnostic(VALUES.wrongType, file, member.name.range, {
              message: `\`${settingName}\` is a section, not a setting`,
              help: `write \`${settingName} { … }\``,
            }),
          );
        } else {
          diagnostics.push(unknownMember(member.name, spec, here, file, "setting"));
        }
        break;
      }
      case "Section": {
        if (member.name.missing) break;
        const sectionName = member.name.name;
        const sectionSpec = spec.sections.find((section) => section.name === sectionName);
        if (sectionSpec !== undefined) {
          if (member.args.length > 0) diagnostics.push(sectionArgumentsProblem(member, file));
          if (isDuplicate(sectionName, member.name.range, `section \`${sectionName}\``)) break;
          const childPath = path === "" ? sectionName : `${path}.${sectionName}`;
          sections.set(sectionName, readSection(member.members, sectionSpec, childPath, member.name, member.range, file, diagnostics));
        } else if (spec.settings.some((setting) => setting.name === sectionName)) {
          diagnostics.push(
            makeDiagnostic(VALUES.wrongType, file, member.name.range, {
              message: `\`${sectionName}\` is a setting, not a section`,
              help: `write \`${sectionName}: …\``,
            }),
          );
        } else {
          diagnostics.push(unknownMember(member.name, spec, here, file, "section"));
        }
        break;
      }
      case "InlineModel": {
        const keyword = { start: member.range.start, end: member.range.start + "model".length };
        if (!spec.allowsInlineModel) {
          diagnostics.push(
            makeDiagnostic(PIPELINE.unknownSetting, file, keyword, {
              message: `a \`model { … }\` cannot stand in ${here}`,
              help: "write the model at the top of the experiment",
            }),
          );
        } else if (!isDuplicate("model", keyword, "the model")) {
          inlineModels.push(member);
        }
        break;
      }
      case "CallMember": {
        const call = member.call;
        if (call.missing || call.callee.missing) break;
        if (spec.calls !== undefined) calls.push(call);
        else diagnostics.push(misplacedCall(call, spec, here, file));
        break;
      }
    }
  }
  for (const setting of spec.settings) {
    if (setting.required && !settings.has(setting.name)) {
      diagnostics.push(
        makeDiagnostic(VALUES.missingArgument, file, name.range, {
          message: `${here} is missing required setting \`${setting.name}\``,
          notes: [`\`${setting.name}\`: ${setting.doc}`],
          help: `add \`${setting.name}: …\``,
        }),
      );
    }
  }
  for (const section of spec.sections) {
    if (section.required && !sections.has(section.name)) {
      diagnostics.push(
        makeDiagnostic(VALUES.missingArgument, file, name.range, {
          message: `${here} is missing required section \`${section.name}\``,
          notes: [`\`${section.name}\`: ${section.doc}`],
          help: `add \`${section.name} { … }\``,
        }),
      );
    }
  }
  return { spec, path, name, range, settings, sections, calls, inlineModels };
}

/** DLM203 for a name this section does not know, suggesting a close name or the section that has it. */
function unknownMember(name: Identifier, spec: SectionSpec, here: string, file: string, form: "setting" | "section"): Diagnostic {
  const candidates = [...spec.settings.map((setting) => setting.name), ...spec.sections.map((section) => section.name)];
  const help = didYouMean(name.name, candidates);
  const meant = closestName(name.name, candidates);
  const elsewhere = findOwner(name.name, form);
  return makeDiagnostic(PIPELINE.unknownSetting, file, name.range, {
    message: `unknown ${form} \`${name.name}\` in ${here}`,
    ...(help ? { help } : elsewhere ? { help: `\`${name.name}\` belongs in \`${elsewhere}\`` } : {}),
    ...(meant !== undefined ? { fixes: [replaceNameFix(file, name.range, meant)] } : {}),
    notes: [`${here} accepts: ${candidates.join(", ")}`],
  });
}

/** A call written where the section takes none: a callback in `train`, a transform outside `data`. */
function misplacedCall(call: Call, spec: SectionSpec, here: string, file: string): Diagnostic {
  const name = call.callee.name;
  // A sub-section that takes the call (`callbacks` of this stage) is the nearest answer.
  const child = spec.sections.find((section) => section.calls?.entries.has(name));
  const owner = child && child.calls ? { path: child.name, kind: child.calls.kind } : findCallOwner(name);
  const isSetting = spec.settings.some((setting) => setting.name === name);
  const help = isSetting
    ? `write \`${name}: …\``
    : owner !== undefined
      ? `a ${owner.kind} belongs in \`${owner.path} { … }\``
      : didYouMean(name, [...spec.settings.map((setting) => setting.name), ...spec.sections.map((section) => section.name)]);
  return makeDiagnostic(PIPELINE.unknownSetting, file, call.callee.range, {
    message: `\`${name}(…)\` cannot stand alone in ${here}`,
    ...(help ? { help } : {}),
  });
}

/** The dotted path of a section whose calls include `name` (callbacks, augmentations, transforms). */
function findCallOwner(name: string): { path: string; kind: string } | undefined {
  let found: { path: string; kind: string } | undefined;
  visitSpecs(EXPERIMENT_SCHEMA, "", (spec, path) => {
    if (found === undefined && spec.calls?.entries.has(name)) found = { path, kind: spec.calls.kind };
  });
  return found;
}

/** The dotted path of a section that has a setting (or sub-section) called `name`. */
function findOwner(name: string, form: "setting" | "section"): string | undefined {
  let found: string | undefined;
  visitSpecs(EXPERIMENT_SCHEMA, "", (spec, path) => {
    if (found !== undefined || path === "") return;
    const has = form === "setting" ? spec.settings.some((setting) => setting.name === name) : spec.sections.some((section) => section.name === name);
    if (has) found = path;
  });
  return found;
}

function visitSpecs(spec: SectionSpec, path: string, visit: (spec: SectionSpec, path: string) => void): void {
  visit(spec, path);
  for (const section of spec.sections) visitSpecs(section, path === "" ? section.name : `${path}.${section.name}`, visit);
}

function sectionArgumentsProblem(section: Section, file: string): Diagnostic {
  const first = section.args[0]!;
  const last = section.args[section.args.length - 1]!;
  return makeDiagnostic(VALUES.tooManyArguments, file, { start: first.range.start, end: last.range.end }, {
    message: `section \`${section.name.name}\` takes no arguments, found ${section.args.length}`,
    help: `write \`${section.name.name} { … }\``,
  });
}
