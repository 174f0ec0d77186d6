/**
 * What every per-node check receives, and the shape of the check table: small named
 * checks registered per node kind (`check-declarations.ts` holds the table and walks the tree).
 */
import type { AnyNode, Declaration } from "../../grammar/ast.js";
import type { Binding } from "../binder.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { ValueEnvironment } from "../constant-values.js";

/** The surroundings of the node being checked, and where to report. */
export interface CheckContext {
  readonly file: string;
  readonly binding: Binding;
  /** The declaration the node is in (undefined for imports). */
  readonly declaration: Declaration | undefined;
  /** Values evaluate here; inside a block its parameters are placeholders. */
  readonly environment: ValueEnvironment;
  report(diagnostic: Diagnostic): void;
}

/** A check of one node kind. */
export type NodeCheck<K extends AnyNode["kind"]> = (node: Extract<AnyNode, { kind: K }>, context: CheckContext) => void;

/** Checks registered per node kind. */
export type CheckTable = { readonly [K in AnyNode["kind"]]?: readonly NodeCheck<K>[] };
