// gradcheck: reverse-mode gradients against central finite differences in f64, and forward
// mode against reverse mode (⟨Jv, u⟩ = ⟨v, Jᵀu⟩), for a function of several tensors.

import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { type Layout, type Rng, withLayout } from "./_random.ts";

/** One gradcheck case of an op. */
export interface GradCase {
  /** Shapes of the differentiated inputs (broadcasting between them is welcome). */
  shapes: number[][];
  /** The function of those inputs (it may hold constants such as index tensors). */
  f: (...xs: Tensor[]) => Tensor;
  /** Range of the random input values (default [-2, 2]). */
  range?: [number, number];
  /** Skip the forward-mode check (ops without a jvp). */
  noJvp?: boolean;
  /** Finite-difference step and tolerance (default 1e-6 and 1e-5). */
  eps?: number;
  tol?: number;
}

/** Uniform values in [lo, hi) as an f64 tensor of `shape` laid out as `layout`. */
export function uniform(
  rng: Rng,
  shape: readonly number[],
  range: [number, number] = [-2, 2],
  layout: Layout = "contiguous",
): Tensor {
  const make = (s: readonly number[]) => {
    const n = s.reduce((a, b) => a * b, 1);
    const v = Float64Array.from({ length: n }, () => range[0] + (range[1] - range[0]) * rng.next());
    return nr.tensor(v, { dtype: "f64", shape: s });
  };
  return withLayout(make, shape, layout);
}

function dot(a: Tensor, b: Tensor): number {
  return Number(nr.mul(a, b).sum().item());
}

/** Scalar loss ⟨f(xs), w⟩ with fixed random weights, so every output element matters. */
function lossOf(f: GradCase["f"], w: () => Tensor): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) => nr.mul(f(...xs), w()).sum();
}

/**
 * Checks one case: analytic gradients (on non-contiguous inputs when `layout` says so) against
 * central differences, and ⟨Jv, u⟩ against ⟨v, Jᵀu⟩. Throws with a description on mismatch.
 */
export function gradcheck(
  name: string,
  c: GradCase,
  rng: Rng,
  layout: Layout = "contiguous",
): void {
  const eps = c.eps ?? 1e-6;
  const tol = c.tol ?? 1e-5;
  const xs = c.shapes.map((s) => uniform(rng, s, c.range, layout));
  const y0 = c.f(...xs);
  const u = uniform(rng, y0.shape);
  const loss = lossOf(c.f, () => u);
  const argnums = xs.map((_, i) => i);
  const grads = nr.grad(loss, { argnums })(...xs) as Tensor[];
  xs.forEach((x, i) => {
    const g = grads[i];
    if (g.shape.join() !== x.shape.join()) {
      throw new Error(`${name}: gradient ${i} has shape [${g.shape}] for input [${x.shape}]`);
    }
    const base = Float64Array.from(x.dataSync() as Float64Array);
    const analytic = g.dataSync() as Float64Array;
    for (let k = 0; k < base.length; k++) {
      const at = (delta: number) => {
        const v = Float64Array.from(base);
        v[k] += delta;
        const args = xs.map((
          t,
          j,
        ) => (j === i ? nr.tensor(v, { dtype: "f64", shape: x.shape }) : t));
        return Number(loss(...args).item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(numeric - analytic[k]);
      if (!(err <= tol * (1 + Math.abs(numeric)))) {
        throw new Error(
          `${name} (${layout}): d/dx${i}[${k}] analytic ${analytic[k]} vs numeric ${numeric}`,
        );
      }
    }
  });
  if (c.noJvp) return;
  // Forward mode against reverse mode: ⟨J v, u⟩ = Σ_i ⟨v_i, (Jᵀ u)_i⟩.
  const vs = xs.map((x) => uniform(rng, x.shape));
  const [, jv] = nr.jvp(c.f, xs, vs);
  const lhs = dot(jv, u);
  const rhs = vs.reduce((s, v, i) => s + dot(v, grads[i]), 0);
  if (!(Math.abs(lhs - rhs) <= Math.max(1e-9, tol * 1e-3) * (1 + Math.abs(rhs)))) {
    throw new Error(`${name}: jvp ⟨Jv, u⟩ = ${lhs} but vjp ⟨v, Jᵀu⟩ = ${rhs}`);
  }
}
