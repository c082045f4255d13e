// One place per op: every public op is declared here once, with the dtypes it accepts and the
// kernel each input dtype runs on. The coverage table and its test are derived from this.

import type { DType } from "../dtype/dtypes.ts";
import type { GradRules } from "../autograd/rules.ts";

/**
 * The declaration of one op. Its gradient rules (`vjp`, `jvp`, `saves`, `traced`; see
 * {@link GradRules}) live here too, so every op states how it differentiates in one place.
 */
export interface OpDef extends GradRules {
  /** Public name, e.g. `"exp"`. */
  readonly name: string;
  /** Kernel family the op lowers to (`"unary"`, `"binary"`, `"reduce"`, …), or `"composite"`. */
  readonly family: string;
  /** Input dtypes the op accepts. */
  readonly dtypes: readonly DType[];
  /**
   * The kernels an input dtype needs, as `[family, op, dtype]` triples (an int input of a float
   * op needs a cast kernel and a float kernel, for example). Composite ops list the kernels of the
   * primitives they call.
   */
  readonly kernelsFor: (dtype: DType) => readonly (readonly [string, string, DType])[];
  /** One line on what the op computes (for the coverage table). */
  readonly summary: string;
}

const ops = new Map<string, OpDef>();

/** Declares an op; a second declaration of one name is a programming error. */
export function defineOp(def: OpDef): OpDef {
  if (ops.has(def.name)) throw new Error(`op ${def.name} is declared twice`);
  ops.set(def.name, def);
  return def;
}

/** Every declared op, in declaration order. */
export function declaredOps(): readonly OpDef[] {
  return [...ops.values()];
}

/** The declaration of an op. */
export function opDef(name: string): OpDef | undefined {
  return ops.get(name);
}
