// The shape of a gradient rule: what an op's declaration (OpDef in src/ops/registry.ts) states
// about differentiating it. Rules are written in public numr ops, so running them while
// recording makes gradients differentiable again (higher order) and dual numbers flow through
// them (forward mode over reverse mode).

import type { DType } from "../dtype/dtypes.ts";
import type { Scalar } from "../dtype/promotion.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** One operand of a recorded op: a tensor, a JS scalar, or an absent optional operand. */
export type GradInput = Tensor | Scalar | null | undefined;

/**
 * What a rule sees of one call of its op. In `vjp` the tensors are the ones saved at the call
 * (see {@link GradRules.saves}); in `jvp` they are the live operands.
 */
export interface GradContext<P = unknown> {
  /** The operands in call order (tensors, JS scalars, or null/undefined for absent ones). */
  readonly inputs: readonly GradInput[];
  /** The first (usually only) output. */
  readonly output: Tensor;
  /** Every output (ops like split have several). */
  readonly outputs: readonly Tensor[];
  /** The op's non-tensor arguments, as the op recorded them. */
  readonly params: P;
  /** Shape of each operand (`[]` for a scalar). */
  readonly shapes: readonly (readonly number[])[];
  /** Dtype of each tensor operand (undefined for scalars and absent operands). */
  readonly dtypes: readonly (DType | undefined)[];
  /** In `vjp`: whether each operand needs a gradient (a rule may skip the others). */
  readonly needs: readonly boolean[];
}

/**
 * The vector-Jacobian product of an op: given the gradient `g` of the output (and `gs`, the
 * gradients of every output, zeros where an output got none), the gradient of each operand, in
 * operand order; null or undefined for operands without one. Gradients may have the output's
 * broadcast shape or a wider dtype: the engine sums them back to each operand's shape and casts
 * them to its dtype.
 */
export type VjpRule<P = unknown> = (
  ctx: GradContext<P>,
  g: Tensor,
  gs: readonly Tensor[],
) => readonly (Tensor | null | undefined)[];

/**
 * The Jacobian-vector product of an op: given the tangent of each operand (null where the operand
 * has none, meaning zero), the tangent of the output (an array for ops with several outputs).
 * The engine broadcasts it to the output's shape and casts it to the output's dtype.
 */
export type JvpRule<P = unknown> = (
  ctx: GradContext<P>,
  tangents: readonly (Tensor | null)[],
) => Tensor | readonly Tensor[];

/** The differentiation part of an op's declaration. */
export interface GradRules {
  /** Reverse-mode rule. An op without `vjp` (and not `traced`) is not differentiable. */
  readonly vjp?: VjpRule<never>;
  /** Forward-mode rule. */
  readonly jvp?: JvpRule<never>;
  /**
   * Which tensors the rules read, kept alive until backward: `"all"` (default), `"inputs"`,
   * `"output"` or `"none"` (the rule needs only shapes and dtypes). Saving less saves memory.
   */
  readonly saves?: "all" | "inputs" | "output" | "none";
  /**
   * The op is written over other public ops and is differentiated through them (it has no
   * rule of its own and records nothing itself), e.g. `transpose` over `permute`.
   */
  readonly traced?: boolean;
}
