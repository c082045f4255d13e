// The matmul family: matmul (NumPy semantics), matmulBias with a fused activation, bmm,
// fp8Matmul, and dot/vdot/inner/outer/tensordot written over matmul, reshape and permute.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import { type Activation, getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, permute, reshape, transpose } from "../tensor/views.ts";
import { tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";
import { castTo } from "./cast.ts";
import { add, maximum, mul } from "./binary.ts";
import { exp, neg, recip, tanh } from "./unary.ts";
import { defineOp } from "./registry.ts";

export type { Activation } from "../runtime/backend.ts";

/** Dtypes matmul accepts: every dtype. */
const MATMUL_DTYPES: readonly DType[] = [
  "f64",
  "f32",
  "f16",
  "bf16",
  "fp8e4m3",
  "fp8e5m2",
  "i64",
  "i32",
  "i16",
  "i8",
  "u64",
  "u32",
  "u16",
  "u8",
  "bool",
  "c64",
  "c128",
];

/** The kernels an input dtype runs on (the CPU computes small ints in i64, complex in reals). */
function matmulKernels(d: DType): (readonly [string, string, DType])[] {
  if (d === "c64") return [["matmul", "matmul", "f32"]];
  if (d === "c128") return [["matmul", "matmul", "f64"]];
  if (["i16", "u8", "u16", "u32", "u64", "bool"].includes(d)) {
    return [["cast", d, "i64"], ["matmul", "matmul", "i64"], ["cast", "i64", d]];
  }
  const compute = d === "i8"
    ? "i32"
    : ["f16", "bf16", "fp8e4m3", "fp8e5m2"].includes(d)
    ? "f32"
    : d;
  const out: (readonly [string, string, DType])[] = [["matmul", "matmul", d]];
  if (compute !== d && d !== "i8") out.push(["cast", compute as DType, d]);
  return out;
}

/** `[..., m, n]` with the last two dims swapped (a view). */
function swap(t: Tensor): Tensor {
  return transpose(t, -1, -2);
}

/** A 1-D operand as the row (left) or column (right) matrix matmul treats it as. */
function asMatrix(t: Tensor, left: boolean): Tensor {
  if (t.ndim !== 1) return t;
  return reshape(t, left ? [1, t.shape[0]] : [t.shape[0], 1]);
}

const MATMUL = defineOp({
  name: "matmul",
  family: "matmul",
  summary: "matrix product with NumPy's broadcasting (i8 x i8 -> i32)",
  dtypes: MATMUL_DTYPES,
  kernelsFor: matmulKernels,
  saves: "inputs",
  // dA = G·Bᵀ, dB = Aᵀ·G on the matrix forms; the engine sums broadcast batch dims back.
  vjp: (c: GradContext, g: Tensor) => {
    const [a, b] = c.inputs as Tensor[];
    const a2 = asMatrix(a, true), b2 = asMatrix(b, false);
    const g2 = reshape(g, [
      ...g.shape.slice(0, g.ndim - (a.ndim === 1 ? 0 : 1) - (b.ndim === 1 ? 0 : 1)),
      a2.shape[a2.ndim - 2],
      b2.shape[b2.ndim - 1],
    ]);
    const ga = c.needs[0] ? matmul(g2, swap(b2)) : null;
    const gb = c.needs[1] ? matmul(swap(a2), g2) : null;
    return [ga, gb !== null && b.ndim === 1 ? reshape(gb, gb.shape.slice(0, -1)) : gb];
  },
  jvp: (c: GradContext, [ta, tb]: readonly (Tensor | null)[]) => {
    const [a, b] = c.inputs as Tensor[];
    const l = ta === null ? null : matmul(ta, b);
    const r = tb === null ? null : matmul(a, tb);
    return l !== null && r !== null ? add(l, r) : (l ?? r)!;
  },
});

for (
  const [name, summary] of [
    ["matmulBias", "matmul + bias (+ relu/gelu/silu/sigmoid/tanh) fused in the GEMM epilogue"],
    ["bmm", "batched matrix product of 3-D tensors (no broadcasting)"],
    ["dot", "NumPy dot"],
    ["vdot", "conj(a).ravel() . b.ravel()"],
    ["inner", "sum over the last axes"],
    ["tensordot", "sum over chosen axes"],
  ] as const
) {
  // Under autograd these run through matmul, add and the activation's ops (see `traced`).
  defineOp({
    name,
    family: "matmul",
    summary,
    dtypes: MATMUL_DTYPES,
    kernelsFor: matmulKernels,
    traced: true,
  });
}
defineOp({
  name: "outer",
  family: "binary",
  summary: "a.ravel()[:, None] * b.ravel()[None, :]",
  dtypes: MATMUL_DTYPES,
  kernelsFor: (d) => [["binary", "mul", d]],
  traced: true,
});
defineOp({
  name: "fp8Matmul",
  family: "matmul",
  summary: "scaleA * scaleB * (A @ B) for fp8 inputs, f32 accumulation, f32/f16/bf16 output",
  dtypes: ["fp8e4m3", "fp8e5m2"],
  kernelsFor: (d) => [["matmul", "matmul", d], ["cast", "f32", "f16"], ["cast", "f32", "bf16"]],
});

/** The dtype of `matmul(a, b)` for inputs of dtype `d`: i8 gives i32 (as the seed), else d. */
export function matmulResultDType(d: DType): DType {
  return d === "i8" ? "i32" : d;
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function shapeError(op: string, a: Tensor, b: Tensor, detail: string): NumrError {
  return new NumrError(
    "ShapeMismatch",
    `Cannot multiply ${fmt(a.shape)} with ${fmt(b.shape)} in ${op}: ${detail}`,
    { op, shapes: [a.shape, b.shape], dtypes: [a.dtype, b.dtype] },
  );
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  a.assertLive(op);
  b.assertLive(op);
  if (a.device !== b.device) {
    throw new NumrError("DeviceMismatch", `${op} operands are on ${a.device} and ${b.device}`, {
      op,
      shapes: [a.shape, b.shape],
    });
  }
  if (a.dtype !== b.dtype) {
    throw new NumrError(
      "DTypeMismatch",
      `${op} needs operands of one dtype, got ${a.dtype} and ${b.dtype} (cast one first)`,
      { op, shapes: [a.shape, b.shape], dtypes: [a.dtype, b.dtype] },
    );
  }
}

interface Plan {
  a: Tensor;
  b: Tensor;
  shape: number[];
  /** Shape of the result after dropping the dims of 1-D operands. */
  result: number[];
}

function plan(op: string, a: Tensor, b: Tensor): Plan {
  if (a.ndim === 0 || b.ndim === 0) {
    throw shapeError(op, a, b, "0-d operands have no matrix dimensions (use mul)");
  }
  if (a.ndim === 2 && b.ndim === 2 && a.shape[1] === b.shape[0]) {
    // The common case needs no views (each costs a tensor object on the hot path).
    const shape = [a.shape[0], b.shape[1]];
    return { a, b, shape, result: shape };
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const k = a2.shape[a2.ndim - 1];
  if (b2.shape[b2.ndim - 2] !== k) {
    throw shapeError(op, a, b, `inner dimensions ${k} vs ${b2.shape[b2.ndim - 2]}`);
  }
  let batch: number[];
  try {
    batch = broadcastShapes([a2.shape.slice(0, -2), b2.shape.slice(0, -2)], op);
  } catch {
    throw shapeError(op, a, b, "batch dimensions do not broadcast");
  }
  const m = a2.shape[a2.ndim - 2];
  const n = b2.shape[b2.ndim - 1];
  const result = [...batch];
  if (a.ndim > 1) result.push(m);
  if (b.ndim > 1) result.push(n);
  return {
    a: broadcastTo(a2, [...batch, m, k]),
    b: broadcastTo(b2, [...batch, k, n]),
    shape: [...batch, m, n],
    result,
  };
}

function run(
  op: string,
  a: Tensor,
  b: Tensor,
  outDtype: DType,
  options: { bias?: Tensor; activation?: Activation; alpha?: number; conjugateA?: boolean },
): Tensor {
  const p = plan(op, a, b);
  const y = emptyTensor(p.shape, outDtype, a.device);
  if (y.size > 0) getBackend(a.device).matmul(p.a, p.b, y, options);
  return p.result.length === y.ndim ? y : reshape(y, p.result);
}

/**
 * Matrix product with NumPy's `matmul` semantics: the last two dims multiply, leading dims
 * broadcast, a 1-D operand is a row (left) or column (right) vector whose dim is dropped from
 * the result. Both operands must have one dtype; i8 x i8 gives i32 (exact, as the seed's
 * quantized matmul); other ints wrap as NumPy's; f16/bf16/fp8 accumulate in f32.
 *
 * Differs from the seed, which keeps the unit dim of a 1-D operand (`[K] @ [K, N]` is `[1, N]`
 * there, `[N]` here as in NumPy), and from NumPy, which promotes mixed dtypes (numr asks for an
 * explicit cast, so that a hidden copy never doubles a large product's memory).
 *
 * @throws {NumrError} `ShapeMismatch` for 0-d operands, inner dims that differ or batch dims
 * that do not broadcast; `DTypeMismatch` for operands of two dtypes.
 * @example
 * ```ts
 * import { matmul, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const a = tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(matmul(a, tensor([[5], [6]])).toArray(), [[17], [39]]);
 * assert.deepEqual(matmul(tensor([1, 1]), a).toArray(), [4, 6]);
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (tracking(a) || tracking(b)) return withGrad(MATMUL, [a, b], null, () => matmul(a, b));
  checkPair("matmul", a, b);
  return run("matmul", a, b, matmulResultDType(a.dtype), {});
}

/** Options of {@link matmulBias}. */
export interface MatmulBiasOptions {
  /** Activation applied after the bias (gelu: tanh approximation, as the seed). */
  activation?: Activation;
}

const ACTIVATIONS = new Set(["relu", "gelu", "silu", "sigmoid", "tanh"]);

/**
 * `act(a @ b + bias)` in one pass: the bias and activation are applied when the GEMM writes each
 * tile of the result, so the product is never written and read back. `bias` is 1-D of length N
 * (the last dim of the result) with a's dtype (or the result's, for i8).
 *
 * @throws {NumrError} as {@link matmul}; `ShapeMismatch` for a bias that is not 1-D of length
 * N; `DTypeMismatch` for a bias of another dtype; `InvalidArgument` for an unknown activation;
 * `UnsupportedDType` for an activation other than relu on an integer or complex dtype.
 * @example
 * ```ts
 * import { matmulBias, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = matmulBias(tensor([[1, -2]]), tensor([[1, 0], [0, 1]]), tensor([0.5, 0.5]), {
 *   activation: "relu",
 * });
 * assert.deepEqual(y.toArray(), [[1.5, 0]]);
 * ```
 */
export function matmulBias(
  a: Tensor,
  b: Tensor,
  bias: Tensor,
  options: MatmulBiasOptions = {},
): Tensor {
  const op = "matmulBias";
  checkPair(op, a, b);
  bias.assertLive(op);
  const out = matmulResultDType(a.dtype);
  const n = b.ndim === 1 ? 1 : b.shape[b.ndim - 1];
  if (bias.ndim !== 1 || bias.shape[0] !== n) {
    throw new NumrError(
      "ShapeMismatch",
      `The bias of ${op} must have shape [${n}] for ${fmt(a.shape)} @ ${fmt(b.shape)}, got ${
        fmt(bias.shape)
      }`,
      { op, shapes: [a.shape, b.shape, bias.shape] },
    );
  }
  if (bias.dtype !== a.dtype && bias.dtype !== out) {
    throw new NumrError(
      "DTypeMismatch",
      `The bias of ${op} must be ${a.dtype}, got ${bias.dtype}`,
      {
        op,
        dtypes: [a.dtype, bias.dtype],
      },
    );
  }
  const activation = options.activation;
  if (activation !== undefined) {
    if (!ACTIVATIONS.has(activation)) {
      throw new NumrError("InvalidArgument", `Unknown activation ${activation} in ${op}`, { op });
    }
    const isFloat = ["f64", "f32", "f16", "bf16", "fp8e4m3", "fp8e5m2"].includes(a.dtype);
    if (!isFloat && activation !== "relu") {
      throw new NumrError("UnsupportedDType", `${activation} is not defined for ${a.dtype}`, {
        op,
        dtypes: [a.dtype],
      });
    }
  }
  if (tracking(a) || tracking(b) || tracking(bias)) {
    return activate(add(matmul(a, b), bias), activation);
  }
  return run(op, a, b, out, { bias, activation });
}

/** The epilogue activations as differentiable ops (the same formulas as the kernels). */
function activate(x: Tensor, activation: Activation | undefined): Tensor {
  const sigmoid = (v: Tensor) => recip(add(exp(neg(v)), 1));
  switch (activation) {
    case undefined:
      return x;
    case "relu":
      return maximum(x, 0);
    case "sigmoid":
      return sigmoid(x);
    case "silu":
      return mul(x, sigmoid(x));
    case "tanh":
      return tanh(x);
    case "gelu": {
      const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), 0.7978845608028654);
      return mul(mul(x, 0.5), add(tanh(inner), 1));
    }
  }
}

/**
 * Batched product of 3-D tensors, `[B, M, K] @ [B, K, N] -> [B, M, N]`, without broadcasting
 * (PyTorch's `bmm`). Many small products run one per thread.
 *
 * @throws {NumrError} `ShapeMismatch` unless both are 3-D with equal batch and inner dims;
 * `DTypeMismatch` for operands of two dtypes.
 * @example
 * ```ts
 * import { bmm, ones } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = bmm(ones([4, 2, 3]), ones([4, 3, 5]));
 * assert.deepEqual(y.shape, [4, 2, 5]);
 * assert.equal(y.dataSync()[3 * 10 + 1 * 5 + 4], 3);
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkPair("bmm", a, b);
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw shapeError("bmm", a, b, "bmm needs 3-D operands with one batch size");
  }
  return product("bmm", a, b);
}

/** Options of {@link fp8Matmul}. */
export interface Fp8MatmulOptions {
  /** Per-tensor scale of a (default 1). */
  scaleA?: number;
  /** Per-tensor scale of b (default 1). */
  scaleB?: number;
  /** Output dtype: f32 (default), f16 or bf16. */
  outDtype?: "f32" | "f16" | "bf16";
}

/**
 * FP8 matrix product `scaleA · scaleB · (a @ b)` with f32 accumulation (the seed's
 * `fp8_matmul`): a and b are fp8e4m3 or fp8e5m2 (one of each is allowed: both are then widened
 * exactly to f16 first), batched and broadcast like {@link matmul}.
 *
 * @throws {NumrError} `UnsupportedDType` for non-fp8 inputs or another output dtype;
 * `InvalidArgument` for non-finite scales; `ShapeMismatch` as {@link matmul}.
 * @example
 * ```ts
 * import { cast, fp8Matmul, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const a = cast(tensor([[1, 2]]), "fp8e4m3");
 * const b = cast(tensor([[3], [4]]), "fp8e4m3");
 * const y = fp8Matmul(a, b, { scaleA: 0.5, scaleB: 2, outDtype: "f32" });
 * assert.deepEqual(y.toArray(), [[11]]);
 * ```
 */
export function fp8Matmul(a: Tensor, b: Tensor, options: Fp8MatmulOptions = {}): Tensor {
  const op = "fp8Matmul";
  a.assertLive(op);
  b.assertLive(op);
  const fp8 = (d: DType) => d === "fp8e4m3" || d === "fp8e5m2";
  const out = options.outDtype ?? "f32";
  if (!fp8(a.dtype) || !fp8(b.dtype) || !["f32", "f16", "bf16"].includes(out)) {
    throw new NumrError(
      "UnsupportedDType",
      `${op} takes fp8e4m3/fp8e5m2 inputs and an f32/f16/bf16 output, got ${a.dtype}, ` +
        `${b.dtype} -> ${out}`,
      { op, dtypes: [a.dtype, b.dtype, out] },
    );
  }
  const alpha = (options.scaleA ?? 1) * (options.scaleB ?? 1);
  if (!Number.isFinite(alpha)) {
    throw new NumrError("InvalidArgument", `${op} scales must be finite`, { op });
  }
  const [a1, b1] = a.dtype === b.dtype ? [a, b] : [castTo(a, "f16"), castTo(b, "f16")];
  return run(op, a1, b1, out, { alpha });
}

// ---- compositions over matmul ----

function normalizeAxes(t: Tensor, axes: readonly number[], op: string): number[] {
  return axes.map((ax) => {
    const a = ax < 0 ? ax + t.ndim : ax;
    if (!Number.isInteger(a) || a < 0 || a >= t.ndim) {
      throw new NumrError("InvalidDimension", `Axis ${ax} is out of range for ${t.ndim}-d`, {
        op,
        shapes: [t.shape],
      });
    }
    return a;
  });
}

/**
 * Sum of products over `axes` (NumPy's `tensordot`): an integer n sums the last n axes of a with
 * the first n of b; a pair of lists names the axes of each. The result has a's free axes then
 * b's. Lowered to one matmul over permuted, reshaped views.
 *
 * @throws {NumrError} `ShapeMismatch` when summed axes differ in size or the lists differ in
 * length; `InvalidDimension` for an axis out of range; `DTypeMismatch` as {@link matmul}.
 * @example
 * ```ts
 * import { ones, tensordot } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = tensordot(ones([2, 3, 4]), ones([3, 4, 5]), 2);
 * assert.deepEqual(y.shape, [2, 5]);
 * assert.equal(y.dataSync()[1 * 5 + 4], 12);
 * ```
 */
export function tensordot(
  a: Tensor,
  b: Tensor,
  axes: number | readonly [readonly number[], readonly number[]] = 2,
): Tensor {
  const op = "tensordot";
  checkPair(op, a, b);
  let axA: number[];
  let axB: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw new NumrError("InvalidArgument", `${op} cannot sum ${axes} axes`, { op });
    }
    axA = Array.from({ length: axes }, (_, i) => a.ndim - axes + i);
    axB = Array.from({ length: axes }, (_, i) => i);
  } else {
    axA = normalizeAxes(a, axes[0], op);
    axB = normalizeAxes(b, axes[1], op);
  }
  if (axA.length !== axB.length || axA.some((ax, i) => a.shape[ax] !== b.shape[axB[i]])) {
    throw shapeError(op, a, b, `summed axes [${axA}] and [${axB}] differ`);
  }
  return contract(op, a, b, axA, axB);
}

function contract(op: string, a: Tensor, b: Tensor, axA: number[], axB: number[]): Tensor {
  const freeA = [...Array(a.ndim).keys()].filter((i) => !axA.includes(i));
  const freeB = [...Array(b.ndim).keys()].filter((i) => !axB.includes(i));
  const k = axA.reduce((p, ax) => p * a.shape[ax], 1);
  const shapeA = freeA.map((i) => a.shape[i]);
  const shapeB = freeB.map((i) => b.shape[i]);
  const m = shapeA.reduce((p, s) => p * s, 1);
  const n = shapeB.reduce((p, s) => p * s, 1);
  const a2 = reshape(permute(a, [...freeA, ...axA]), [m, k]);
  const b2 = reshape(permute(b, [...axB, ...freeB]), [k, n]);
  const y = product(op, a2, b2);
  return reshape(y, [...shapeA, ...shapeB]);
}

/**
 * NumPy's `dot`: 1-D · 1-D is the inner product (0-d), 2-D · 2-D the matrix product, a 0-d
 * operand multiplies, N-D · 1-D sums over the last axes, and N-D · M-D sums a's last axis with
 * b's second-to-last.
 *
 * @throws {NumrError} `ShapeMismatch` when the summed dims differ; `DTypeMismatch` as
 * {@link matmul}.
 * @example
 * ```ts
 * import { dot, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(), 32);
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkPair("dot", a, b);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (b.ndim === 1 || (a.ndim <= 2 && b.ndim === 2)) return product("dot", a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2]) {
    throw shapeError("dot", a, b, `${a.shape[a.ndim - 1]} vs ${b.shape[b.ndim - 2]}`);
  }
  return contract("dot", a, b, [a.ndim - 1], [b.ndim - 2]);
}

/** `run` for an internal product, through the differentiable matmul when autograd tracks. */
function product(op: string, a: Tensor, b: Tensor): Tensor {
  if (tracking(a) || tracking(b)) return matmul(a, b);
  return run(op, a, b, matmulResultDType(a.dtype), {});
}

function resultOf(a: Tensor): DType {
  return matmulResultDType(a.dtype);
}

/**
 * NumPy's `inner`: sums over the last axis of both (a 0-d operand multiplies).
 *
 * @throws {NumrError} `ShapeMismatch` when the last dims differ; `DTypeMismatch` as
 * {@link matmul}.
 * @example
 * ```ts
 * import { inner, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(inner(tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray(), [3, 7]);
 * ```
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkPair("inner", a, b);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw shapeError("inner", a, b, `${a.shape[a.ndim - 1]} vs ${b.shape[b.ndim - 1]}`);
  }
  return contract("inner", a, b, [a.ndim - 1], [b.ndim - 1]);
}

/**
 * NumPy's `vdot`: both operands flattened, the first conjugated, summed products (0-d).
 *
 * @throws {NumrError} `ShapeMismatch` when the sizes differ; `DTypeMismatch` as {@link matmul}.
 * @example
 * ```ts
 * import { tensor, vdot } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(vdot(tensor([[1, 2], [3, 4]]), tensor([[1, 1], [1, 1]])).item(), 10);
 * ```
 */
export function vdot(a: Tensor, b: Tensor): Tensor {
  checkPair("vdot", a, b);
  if (a.size !== b.size) throw shapeError("vdot", a, b, `sizes ${a.size} vs ${b.size}`);
  const a1 = reshape(a, [1, a.size]);
  const b1 = reshape(b, [b.size, 1]);
  const complex = a.dtype === "c64" || a.dtype === "c128";
  const y = complex
    ? run("vdot", a1, b1, resultOf(a), { conjugateA: true })
    : product("vdot", a1, b1);
  return reshape(y, []);
}

/**
 * NumPy's `outer`: `a.ravel()[:, None] * b.ravel()[None, :]` (exact products, no sums).
 *
 * @throws {NumrError} `DTypeMismatch` for operands of two dtypes.
 * @example
 * ```ts
 * import { outer, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(outer(tensor([1, 2]), tensor([3, 4, 5])).toArray(), [[3, 4, 5], [6, 8, 10]]);
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkPair("outer", a, b);
  return mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
