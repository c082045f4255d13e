// Function transformations over the tape: grad, valueAndGrad, vjp (reverse), jvp (forward, by
// dual numbers), jacobian and jacobianForward, hvp (forward over reverse), checkpoint and
// variable.

import { NumrError } from "../core/errors.ts";
import { DTYPES } from "../dtype/dtypes.ts";
import { cast } from "../ops/cast.ts";
import { stack } from "../ops/shape_ops.ts";
import { eye, zeros } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { reshape } from "../tensor/views.ts";
import { gradients } from "./engine.ts";
import {
  enableGrad,
  enterLevel,
  exitLevel,
  type GradDef,
  gradMode,
  metaOf,
  reverseTracked,
  tangentAt,
  withGrad,
} from "./graph.ts";
import type { GradContext, GradInput } from "./rules.ts";

/** Which arguments `grad` and `valueAndGrad` differentiate: an index or a list of indices. */
export interface GradOptions {
  /** Positions of the differentiated arguments (default 0). */
  argnums?: number | readonly number[];
}

/** The identity as a recorded op: links an alias to the tensor it aliases. */
const IDENTITY: GradDef = {
  name: "identity",
  saves: "none",
  vjp: (_ctx, g) => [g],
  jvp: (_ctx, [t]) => t!,
};

/** Transformations nested inside each other (a nested grad records its backward). */
let depth = 0;

function checkFloat(x: unknown, op: string, what: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${what} of ${op} must be a Tensor`, { op });
  }
  x.assertLive(op);
  if (DTYPES[x.dtype].kind !== "float") {
    throw new NumrError(
      "DTypeMismatch",
      `${what} of ${op} must be a real float tensor, got ${x.dtype}`,
      { op, shapes: [x.shape], dtypes: [x.dtype] },
    );
  }
  return x;
}

/**
 * A fresh tensor to differentiate with respect to: a new leaf on `x`'s data, or, when `x` is
 * tracked by an enclosing transformation, an identity of `x` so outer gradients flow through.
 */
function aliasOf(x: Tensor): Tensor {
  const tracked = x._ag !== undefined;
  const alias = tracked
    ? withGrad(IDENTITY, [x], null, () => x.view(x.shape, x.strides, x.offset))
    : x.view(x.shape, x.strides, x.offset);
  const m = metaOf(alias);
  if (m.node === null) {
    m.requiresGrad = true;
    m.leaf = alias;
  }
  return alias;
}

function argList(argnums: number | readonly number[] | undefined, n: number, op: string) {
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : argnums;
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new NumrError("InvalidArgument", `argnums ${i} is out of range for ${n} arguments`, {
        op,
      });
    }
  }
  return [...list];
}

function scalarOutput(y: unknown, op: string): Tensor {
  if (!(y instanceof Tensor) || y.size !== 1) {
    throw new NumrError(
      "InvalidArgument",
      `${op} needs a function returning a one-element tensor` +
        (y instanceof Tensor ? `, got shape [${y.shape.join(", ")}]` : ""),
      { op },
    );
  }
  return y;
}

function differentiate(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  gradOutputs: readonly (Tensor | undefined)[] | undefined,
  nested: boolean,
  retainGraph: boolean,
): Tensor[] {
  const live = outputs.map((y) => reverseTracked(y));
  if (!live.some((b) => b)) {
    return inputs.map((x) => zeros(x.shape as number[], { dtype: x.dtype, device: x.device }));
  }
  return gradients(
    outputs.filter((_, i) => live[i]),
    inputs,
    {
      gradOutputs: gradOutputs?.filter((_, i) => live[i]),
      createGraph: nested,
      retainGraph: retainGraph || nested,
    },
  );
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∇f]`: the gradient of a function returning a
 * one-element tensor, with respect to argument 0 (or `argnums`; a list gives a list of
 * gradients). Inside another transformation the gradient is itself differentiable.
 *
 * @throws {NumrError} `InvalidArgument` when `f` does not return a one-element tensor or for bad
 * `argnums`, `DTypeMismatch` for a non-float differentiated argument.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const f = (x: nr.Tensor) => x.mul(x).sum();
 * const [v, g] = nr.autograd.valueAndGrad(f)(nr.tensor([1, 2], { dtype: "f64" }));
 * assert.equal(v.item(), 5);
 * assert.deepEqual((g as nr.Tensor).toArray(), [2, 4]);
 * ```
 */
export function valueAndGrad(
  f: (...args: Tensor[]) => Tensor,
  options: GradOptions = {},
): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  const op = "valueAndGrad";
  return (...args: Tensor[]): [Tensor, Tensor | Tensor[]] => {
    const list = argList(options.argnums, args.length, op);
    const xs = [...args];
    const nested = depth > 0 || list.some((i) => args[i]?._ag !== undefined);
    const aliases = list.map((i) => (xs[i] = aliasOf(checkFloat(args[i], op, `argument ${i}`))));
    depth++;
    try {
      const y = scalarOutput(enableGrad(() => f(...xs)), op);
      const grads = differentiate([y], aliases, undefined, nested, false);
      const single = typeof options.argnums === "number" || options.argnums === undefined;
      return [y, single ? grads[0] : grads];
    } finally {
      depth--;
    }
  };
}

/**
 * `grad(f)(...args)`: the gradient of a function returning a one-element tensor, with respect
 * to argument 0 (or `argnums`). Compose it for higher derivatives: `grad(x => grad(f)(x).sum())`.
 *
 * @throws {NumrError} as {@link valueAndGrad}.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const f = (x: nr.Tensor) => x.pow(3).sum();
 * const x = nr.tensor([2], { dtype: "f64" });
 * assert.deepEqual((nr.autograd.grad(f)(x) as nr.Tensor).toArray(), [12]);
 * const d2 = nr.autograd.grad((x) => (nr.autograd.grad(f)(x) as nr.Tensor).sum());
 * assert.deepEqual((d2(x) as nr.Tensor).toArray(), [12]);
 * ```
 */
export function grad(
  f: (...args: Tensor[]) => Tensor,
  options: GradOptions = {},
): (...args: Tensor[]) => Tensor | Tensor[] {
  const vg = valueAndGrad(f, options);
  return (...args: Tensor[]) => vg(...args)[1];
}

/**
 * `vjp(f, ...primals)` returns `[f(...primals), pullback]`; `pullback(u)` gives `Jᵀu` for each
 * primal (the vector-Jacobian products), and may be called many times.
 *
 * @throws {NumrError} `DTypeMismatch` for a non-float primal, `ShapeMismatch` when `u` does not
 * have the output's shape.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const [y, pullback] = nr.autograd.vjp((x) => x.mul(x), nr.tensor([1, 2], { dtype: "f64" }));
 * assert.deepEqual(y.toArray(), [1, 4]);
 * const [gx] = pullback(nr.tensor([1, 10], { dtype: "f64" }));
 * assert.deepEqual(gx.toArray(), [2, 40]);
 * ```
 */
export function vjp(
  f: (...args: Tensor[]) => Tensor,
  ...primals: Tensor[]
): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const op = "vjp";
  const nested = depth > 0 || primals.some((x) => x._ag !== undefined);
  const aliases = primals.map((x, i) => aliasOf(checkFloat(x, op, `primal ${i}`)));
  depth++;
  let y: Tensor;
  try {
    y = enableGrad(() => f(...aliases));
  } finally {
    depth--;
  }
  if (!(y instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} needs a function returning a tensor`, { op });
  }
  const pullback = (u: Tensor): Tensor[] => {
    depth++;
    try {
      return differentiate([y], aliases, [u], nested, true);
    } finally {
      depth--;
    }
  };
  return [y, pullback];
}

function dualOf(p: Tensor, t: Tensor, level: number, op: string): Tensor {
  if (!(t instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `Tangents of ${op} must be tensors`, { op });
  }
  if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new NumrError(
      "ShapeMismatch",
      `Tangent [${t.shape.join(", ")}] does not match its primal [${p.shape.join(", ")}]`,
      { op, shapes: [p.shape, t.shape] },
    );
  }
  const d = p._ag !== undefined
    ? withGrad(IDENTITY, [p], null, () => p.view(p.shape, p.strides, p.offset))
    : p.view(p.shape, p.strides, p.offset);
  const tangent = t.dtype === p.dtype ? t : cast(t, p.dtype);
  (metaOf(d).tangents ??= new Map()).set(level, tangent);
  return d;
}

/**
 * Forward mode: `jvp(f, primals, tangents)` returns `[f(...primals), J·tangents]`, computed in
 * one pass with dual numbers (each op's `jvp` rule carries the tangent along). Nests with
 * itself and with the reverse-mode transformations.
 *
 * @throws {NumrError} `ShapeMismatch` when a tangent's shape differs from its primal's,
 * `DTypeMismatch` for non-float primals, `NotDifferentiable` for an op without a forward rule.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([1, 2], { dtype: "f64" });
 * const [y, t] = nr.autograd.jvp((x) => x.mul(x), [x], [nr.tensor([1, 1], { dtype: "f64" })]);
 * assert.deepEqual(y.toArray(), [1, 4]);
 * assert.deepEqual(t.toArray(), [2, 4]);
 * ```
 */
export function jvp(
  f: (...args: Tensor[]) => Tensor,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): [Tensor, Tensor] {
  const op = "jvp";
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new NumrError("InvalidArgument", `${op} needs as many tangents as primals`, { op });
  }
  const level = enterLevel();
  try {
    const duals = primals.map((p, i) =>
      dualOf(checkFloat(p, op, `primal ${i}`), tangents[i], level, op)
    );
    const y = f(...duals);
    if (!(y instanceof Tensor)) {
      throw new NumrError("InvalidArgument", `${op} needs a function returning a tensor`, { op });
    }
    const t = tangentAt(y, level) ??
      zeros(y.shape as number[], { dtype: y.dtype, device: y.device });
    y._ag?.tangents?.delete(level);
    return [y, t];
  } finally {
    exitLevel(level);
  }
}

function unitRows(n: number, like: Tensor): Tensor {
  return eye(n, { dtype: like.dtype, device: like.device });
}

/**
 * The Jacobian of `f` at `x` by reverse mode (one vector-Jacobian product per output element),
 * shaped `[...f(x).shape, ...x.shape]`.
 *
 * @throws {NumrError} as {@link vjp}.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const J = nr.autograd.jacobian((x) => x.mul(x), nr.tensor([1, 2], { dtype: "f64" }));
 * assert.deepEqual(J.toArray(), [[2, 0], [0, 4]]);
 * ```
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const [y, pullback] = vjp(f, x);
  if (y.size === 0 || x.size === 0) {
    return zeros([...y.shape, ...x.shape], { dtype: x.dtype, device: x.device });
  }
  const e = unitRows(y.size, y);
  const rows: Tensor[] = [];
  for (let k = 0; k < y.size; k++) {
    rows.push(reshape(pullback(reshape(e.narrow(0, k, 1), y.shape))[0], [x.size]));
  }
  return reshape(stack(rows, 0), [...y.shape, ...x.shape]);
}

/**
 * The Jacobian of `f` at `x` by forward mode (one Jacobian-vector product per input element),
 * shaped `[...f(x).shape, ...x.shape]`; cheaper than {@link jacobian} when `x` has fewer
 * elements than `f(x)`.
 *
 * @throws {NumrError} as {@link jvp}.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const J = nr.autograd.jacobianForward((x) => x.mul(x), nr.tensor([1, 2], { dtype: "f64" }));
 * assert.deepEqual(J.toArray(), [[2, 0], [0, 4]]);
 * ```
 */
export function jacobianForward(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  checkFloat(x, "jacobianForward", "x");
  const e = unitRows(Math.max(x.size, 1), x);
  const cols: Tensor[] = [];
  let y: Tensor | undefined;
  for (let k = 0; k < x.size; k++) {
    const [out, t] = jvp(f, [x], [reshape(e.narrow(0, k, 1), x.shape)]);
    y = out;
    cols.push(reshape(t, [out.size]));
  }
  if (y === undefined) {
    const out = f(x);
    return zeros([...out.shape, ...x.shape], { dtype: x.dtype, device: x.device });
  }
  return reshape(stack(cols, 1), [...y.shape, ...x.shape]);
}

/**
 * The Hessian-vector product `H(x)·v` of a function returning a one-element tensor, by forward
 * mode over reverse mode (one gradient pass carrying dual numbers), without forming `H`.
 *
 * @throws {NumrError} as {@link grad} and {@link jvp}.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const f = (x: nr.Tensor) => x.pow(3).sum(); // H = diag(6x)
 * const x = nr.tensor([1, 2], { dtype: "f64" });
 * const hv = nr.autograd.hvp(f, x, nr.tensor([1, 1], { dtype: "f64" }));
 * assert.deepEqual(hv.toArray(), [6, 12]);
 * ```
 */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  return jvp((z) => grad(f)(z) as Tensor, [x], [v])[1];
}

interface CheckpointParams {
  readonly fn: (...args: GradInput[]) => Tensor | Tensor[];
}

/** Recomputes the function in backward and differentiates the recomputation. */
const CHECKPOINT: GradDef = {
  name: "checkpoint",
  saves: "inputs",
  vjp: ((ctx: GradContext<CheckpointParams>, _g: Tensor, gs: readonly Tensor[]) => {
    const higher = gradMode.recording;
    return enableGrad(() => {
      const leaves: Tensor[] = [];
      const args = ctx.inputs.map((x, i) => {
        if (!(x instanceof Tensor) || !ctx.needs[i]) {
          return x instanceof Tensor ? x.view(x.shape, x.strides, x.offset) : x;
        }
        const leaf = higher ? aliasOf(x) : aliasOf(x.view(x.shape, x.strides, x.offset));
        leaves.push(leaf);
        return leaf;
      });
      const out = ctx.params.fn(...args);
      const outs = Array.isArray(out) ? out : [out];
      const grads = differentiate(outs, leaves, gs, higher, false);
      let k = 0;
      return ctx.inputs.map((x, i) => (x instanceof Tensor && ctx.needs[i] ? grads[k++] : null));
    });
  }) as GradDef["vjp"],
};

/**
 * Gradient checkpointing: `checkpoint(fn)` behaves as `fn`, but when differentiated it keeps
 * only `fn`'s inputs and recomputes its activations during backward, trading compute for
 * memory. The result and the gradients are the same as without it. Tensors that need gradients
 * must be passed as arguments (tensors that `fn` captures are treated as constants). Under
 * forward mode `fn` simply runs (nothing to save).
 *
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const block = nr.autograd.checkpoint((x: nr.Tensor) => x.tanh().mul(x));
 * const x = nr.tensor([0.5, -1], { dtype: "f64" }).requiresGrad();
 * (block(x) as nr.Tensor).sum().backward();
 * const y = nr.tensor([0.5, -1], { dtype: "f64" }).requiresGrad();
 * y.tanh().mul(y).sum().backward();
 * assert.deepEqual(x.grad!.toArray(), y.grad!.toArray());
 * ```
 */
export function checkpoint<A extends GradInput[]>(
  fn: (...args: A) => Tensor | Tensor[],
): (...args: A) => Tensor | Tensor[] {
  return (...args: A): Tensor | Tensor[] => {
    const tracked = gradMode.recording && !gradMode.paused && args.some((x) => reverseTracked(x));
    const dual = args.some((x) => x instanceof Tensor && x._ag?.tangents != null);
    if (!tracked || dual) return fn(...args);
    const params: CheckpointParams = { fn: fn as CheckpointParams["fn"] };
    return withGrad(CHECKPOINT, args, params, () => fn(...args));
  };
}

/**
 * A new leaf on `t`'s data that requires grad (the seed's `Var`); `t` itself is unchanged.
 *
 * @throws {NumrError} `DTypeMismatch` for a non-float tensor.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const w = nr.autograd.variable(nr.tensor([3], { dtype: "f64" }));
 * w.mul(w).sum().backward();
 * assert.deepEqual(w.grad!.toArray(), [6]);
 * ```
 */
export function variable(t: Tensor): Tensor {
  checkFloat(t, "variable", "t");
  return t.detach().requiresGrad();
}
