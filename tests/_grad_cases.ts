// The gradcheck cases of every differentiable op (used by the gradcheck test and by the gradient
// parity tests of the GPU backends), and the ops that are not differentiable, with the reason.

import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import type { GradCase } from "./_gradcheck.ts";

const i32 = (v: unknown) => nr.tensor(v as number[], { dtype: "i32" });
const mask = (v: boolean[][]) => nr.tensor(v);

const POS: [number, number] = [0.2, 3];
const UNIT: [number, number] = [-0.9, 0.9];

/** Unary cases: one input of shape [3, 4] in `range`. */
function un(f: (x: Tensor) => Tensor, range?: [number, number]): GradCase[] {
  return [{ shapes: [[3, 4]], f, range }, { shapes: [[]], f, range }];
}

/** Binary cases with broadcasting both ways, and with a JS scalar. */
function bin(f: (a: Tensor | number, b: Tensor | number) => Tensor, range?: [number, number]) {
  return [
    { shapes: [[2, 3], [3]], f: (a: Tensor, b: Tensor) => f(a, b), range },
    { shapes: [[2, 1], [1, 3]], f: (a: Tensor, b: Tensor) => f(a, b), range },
    { shapes: [[4]], f: (a: Tensor) => f(a, 1.5), range },
    { shapes: [[4]], f: (b: Tensor) => f(0.7, b), range },
  ] as GradCase[];
}

const idx = i32([[0, 2, 1], [1, 1, 0]]);

/** One or more cases per differentiable op. */
export const CASES: Record<string, GradCase[]> = {
  // ---- unary ----
  neg: un((x) => x.neg()),
  abs: un((x) => x.abs()),
  sign: un((x) => x.sign().add(x)),
  sqrt: un((x) => x.sqrt(), POS),
  rsqrt: un((x) => x.rsqrt(), POS),
  cbrt: un((x) => x.cbrt(), POS),
  square: un((x) => x.square()),
  exp: un((x) => x.exp()),
  exp2: un((x) => x.exp2()),
  expm1: un((x) => x.expm1()),
  log: un((x) => x.log(), POS),
  log2: un((x) => x.log2(), POS),
  log10: un((x) => x.log10(), POS),
  log1p: un((x) => x.log1p(), POS),
  sin: un((x) => x.sin()),
  cos: un((x) => x.cos()),
  tan: un((x) => x.tan(), [-1.2, 1.2]),
  asin: un((x) => x.asin(), UNIT),
  acos: un((x) => x.acos(), UNIT),
  atan: un((x) => x.atan()),
  sinh: un((x) => x.sinh()),
  cosh: un((x) => x.cosh()),
  tanh: un((x) => x.tanh()),
  asinh: un((x) => x.asinh()),
  acosh: un((x) => x.acosh(), [1.2, 3]),
  atanh: un((x) => x.atanh(), UNIT),
  floor: un((x) => x.floor().add(x.mul(2))),
  ceil: un((x) => x.ceil().add(x.mul(2))),
  round: un((x) => x.round().add(x.mul(2))),
  trunc: un((x) => x.trunc().add(x.mul(2))),
  recip: un((x) => x.recip(), POS),
  // ---- binary ----
  add: bin(nr.add),
  sub: bin(nr.sub),
  mul: bin(nr.mul),
  div: bin(nr.div, POS),
  floorDiv: bin((a, b) => nr.add(nr.floorDiv(a, b), nr.mul(a, b)), POS),
  mod: bin(nr.mod, POS),
  pow: bin(nr.pow, POS),
  atan2: bin(nr.atan2),
  hypot: bin(nr.hypot),
  maximum: bin(nr.maximum),
  minimum: bin(nr.minimum),
  fmax: bin(nr.fmax),
  fmin: bin(nr.fmin),
  // ---- ternary ----
  where: [{
    shapes: [[2, 3], [3]],
    f: (a, b) => nr.where(mask([[true, false, true], [false, false, true]]), a, b),
  }, { shapes: [[2, 3]], f: (a) => nr.where(a.gt(0), a, 0) }],
  clamp: [
    { shapes: [[2, 4]], f: (x) => x.clamp(-0.5, 0.7) },
    { shapes: [[2, 4], [4], [2, 1]], f: (x, lo, hi) => x.clamp(lo, hi.add(1)) },
    { shapes: [[5]], f: (x) => x.clamp(null, 0.3) },
  ],
  mulAdd: [{ shapes: [[2, 3], [3], [2, 1]], f: (a, b, c) => nr.mulAdd(a, b, c) }],
  cast: [
    { shapes: [[3]], f: (x) => x.astype("f32").astype("f64").square(), eps: 1e-2, tol: 1e-3 },
  ],
  // ---- reductions ----
  sum: [
    { shapes: [[2, 3, 2]], f: (x) => x.sum({ axis: [0, 2] }) },
    { shapes: [[2, 3]], f: (x) => x.sum({ axis: 1, keepdims: true }) },
    { shapes: [[2, 3]], f: (x) => x.sum() },
  ],
  mean: [{ shapes: [[2, 3, 2]], f: (x) => x.mean({ axis: -1 }) }],
  prod: [
    { shapes: [[2, 3, 2]], f: (x) => x.prod({ axis: [1, 2] }) },
    { shapes: [[4]], f: (x) => x.prod() },
  ],
  max: [{ shapes: [[3, 4]], f: (x) => x.max({ axis: 1 }) }, { shapes: [[5]], f: (x) => x.max() }],
  min: [{ shapes: [[3, 4]], f: (x) => x.min({ axis: 0, keepdims: true }) }],
  logsumexp: [
    { shapes: [[3, 4]], f: (x) => x.logsumexp({ axis: 1 }) },
    { shapes: [[2, 3]], f: (x) => x.logsumexp() },
  ],
  // ---- views ----
  reshape: [{ shapes: [[2, 6]], f: (x) => x.reshape(3, 4).mul(x.reshape(3, 4)) }],
  transpose: [{ shapes: [[2, 3]], f: (x) => x.transpose().mul(nr.arange(6).reshape(3, 2)) }],
  permute: [{ shapes: [[2, 3, 4]], f: (x) => x.permute(2, 0, 1).square() }],
  squeeze: [{ shapes: [[1, 3, 1]], f: (x) => x.squeeze().square() }],
  unsqueeze: [{ shapes: [[3]], f: (x) => x.unsqueeze(0).mul(x.unsqueeze(1)) }],
  broadcastTo: [{ shapes: [[3, 1]], f: (x) => x.broadcastTo([2, 3, 4]).square() }],
  narrow: [{ shapes: [[4, 3]], f: (x) => x.narrow(0, 1, 2).square() }],
  slice: [{ shapes: [[5, 4]], f: (x) => x.slice([null, null, -2], [1, null]).square() }],
  flip: [{ shapes: [[3, 4]], f: (x) => x.flip(1).mul(nr.arange(4)) }],
  contiguous: [{ shapes: [[3, 4]], f: (x) => x.transpose().contiguous().square() }],
  clone: [{ shapes: [[3]], f: (x) => x.clone().square() }],
  // ---- shape ops ----
  cat: [{ shapes: [[2, 3], [1, 3]], f: (a, b) => nr.cat([a, b, a], 0).square() }],
  stack: [{ shapes: [[2, 3], [2, 3]], f: (a, b) => nr.stack([a, b], 1).square() }],
  split: [{ shapes: [[5, 2]], f: (x) => x.split(2)[1].mul(x.split(2)[2].sum()) }],
  chunk: [{ shapes: [[6]], f: (x) => x.chunk(3)[0].mul(x.chunk(3)[2]) }],
  flatten: [{ shapes: [[2, 3, 2]], f: (x) => x.flatten(1).square() }],
  repeat: [{ shapes: [[2, 3]], f: (x) => x.repeat(2, 1, 2).square() }],
  tile: [{ shapes: [[3]], f: (x) => x.tile([2, 2]).square() }],
  repeatInterleave: [
    { shapes: [[2, 3]], f: (x) => x.repeatInterleave([1, 0, 2], { axis: 1 }).square() },
    { shapes: [[2, 2]], f: (x) => x.repeatInterleave(2).square() },
  ],
  pad: [
    { shapes: [[2, 3]], f: (x) => x.pad([[1, 0], [2, 1]], { value: 3 }).square() },
    { shapes: [[2, 3]], f: (x) => x.pad([[1, 1], [2, 2]], { mode: "reflect" }).square() },
    { shapes: [[3]], f: (x) => x.pad(2, { mode: "wrap" }).square() },
  ],
  roll: [
    { shapes: [[3, 4]], f: (x) => x.roll([1, -2], [0, 1]).mul(nr.arange(12).reshape(3, 4)) },
    { shapes: [[2, 3]], f: (x) => x.roll(2).mul(nr.arange(6).reshape(2, 3)) },
  ],
  triu: [{ shapes: [[3, 3]], f: (x) => x.triu().square() }],
  tril: [{ shapes: [[2, 3, 3]], f: (x) => x.tril(-1).square() }],
  meshgrid: [{ shapes: [[2], [3]], f: (a, b) => nr.meshgrid(a, b).reduce((s, g) => s.mul(g)) }],
  // ---- cumulative ----
  cumsum: [
    { shapes: [[3, 4]], f: (x) => x.cumsum({ axis: 1 }).square() },
    { shapes: [[2, 3]], f: (x) => x.cumsum().square() },
  ],
  cumprod: [{ shapes: [[3, 4]], f: (x) => x.cumprod({ axis: 1 }), range: POS }],
  cummax: [{ shapes: [[3, 5]], f: (x) => x.cummax({ axis: 1 }).square() }],
  cummin: [{ shapes: [[2, 4]], f: (x) => x.cummin().square() }],
  logcumsumexp: [{ shapes: [[3, 4]], f: (x) => x.logcumsumexp({ axis: 0 }) }],
  // ---- matmul family ----
  matmul: [
    { shapes: [[3, 4], [4, 2]], f: (a, b) => nr.matmul(a, b) },
    { shapes: [[2, 1, 3, 4], [5, 4, 2]], f: (a, b) => nr.matmul(a, b) },
    { shapes: [[4], [3, 4, 2]], f: (a, b) => nr.matmul(a, b) },
    { shapes: [[2, 3, 4], [4]], f: (a, b) => nr.matmul(a, b) },
    { shapes: [[4], [4]], f: (a, b) => nr.matmul(a, b) },
  ],
  matmulBias: (["relu", "gelu", "silu", "sigmoid", "tanh", undefined] as const).map((act) => ({
    shapes: [[3, 4], [4, 5], [5]],
    f: (a: Tensor, b: Tensor, c: Tensor) => nr.matmulBias(a, b, c, { activation: act }),
  })),
  bmm: [{ shapes: [[2, 3, 4], [2, 4, 2]], f: (a, b) => nr.bmm(a, b) }],
  dot: [
    { shapes: [[3, 4], [4]], f: (a, b) => nr.dot(a, b) },
    { shapes: [[2, 3, 4], [3, 4, 2]], f: (a, b) => nr.dot(a, b) },
  ],
  vdot: [{ shapes: [[2, 3], [3, 2]], f: (a, b) => nr.vdot(a, b) }],
  inner: [{ shapes: [[2, 3], [4, 3]], f: (a, b) => nr.inner(a, b) }],
  tensordot: [{
    shapes: [[2, 3, 4], [4, 3, 2]],
    f: (a, b) => nr.tensordot(a, b, [[1, 2], [1, 0]]),
  }],
  outer: [{ shapes: [[3], [2, 2]], f: (a, b) => nr.outer(a, b) }],
  // ---- sorting ----
  sort: [
    { shapes: [[3, 5]], f: (x) => x.sort({ axis: 1 }).mul(nr.arange(5, { dtype: "f64" })) },
    { shapes: [[2, 3]], f: (x) => x.sort({ axis: null, descending: true }).square() },
  ],
  topk: [{ shapes: [[3, 6]], f: (x) => x.topk(2, { axis: 1 }).values.square() }],
  partition: [{ shapes: [[7]], f: (x) => x.partition(3).square() }],
  // ---- indexing ----
  getItem: [
    { shapes: [[4, 3]], f: (x) => x.get(i32([0, 2, 0]), nr.s(null, null, -1)).square() },
    { shapes: [[3, 4]], f: (x) => x.get(x.gt(0.5)).square(), noJvp: true },
    { shapes: [[3, 4]], f: (x) => x.get(1, nr.s(1, 3)).square() },
  ],
  gather: [{ shapes: [[3, 4]], f: (x) => x.gather(1, idx).square() }],
  takeAlongAxis: [{ shapes: [[2, 4]], f: (x) => x.takeAlongAxis(idx, 1).square() }],
  indexSelect: [{ shapes: [[3, 2]], f: (x) => x.indexSelect(0, i32([2, 0, 2])).square() }],
  embeddingLookup: [{ shapes: [[4, 2]], f: (x) => nr.embeddingLookup(x, idx).square() }],
  gatherNd: [{ shapes: [[3, 4]], f: (x) => x.gatherNd(i32([[0, 1], [2, 3], [0, 1]])).square() }],
  scatter: [{
    shapes: [[3, 4], [2, 3]],
    f: (x, src) => x.scatter(1, i32([[0, 2, 1], [3, 1, 0]]), src).square(),
  }],
  scatterReduce: [{
    shapes: [[3, 4], [2, 3]],
    f: (x, src) => x.scatterReduce(1, idx, src, "sum").square(),
  }, {
    shapes: [[3, 4], [2, 3]],
    f: (x, src) => x.scatterReduce(1, idx, src, "sum", { includeSelf: false }).square(),
  }],
  putAlongAxis: [{
    shapes: [[2, 4], [2, 1]],
    f: (x, v) => x.putAlongAxis(i32([[1], [3]]), v, 1).square(),
  }],
  scatterNd: [{
    shapes: [[3, 4], [2, 4]],
    f: (x, u) => x.scatterNd(i32([[2], [0]]), u).square(),
  }],
  indexPut: [{
    shapes: [[4, 2], [3, 2]],
    f: (x, v) => x.indexPut([i32([0, 3, 0])], v, { accumulate: true }).square(),
  }, {
    shapes: [[4, 2], [2]],
    f: (x, v) => x.indexPut([i32([1, 3])], v).square(),
  }],
  sliceAssign: [{
    shapes: [[4, 3], [2, 3]],
    f: (x, v) => nr.sliceAssign(x, [nr.s(1, 3)], v).square(),
  }],
  maskedSelect: [{
    shapes: [[2, 3]],
    f: (x) => x.maskedSelect(mask([[true, false, true], [false, true, true]])).square(),
  }],
  maskedFill: [{
    shapes: [[2, 3], []],
    f: (x, v) => x.maskedFill(mask([[true, false, true], [false, true, true]]), v).square(),
  }],
  bincount: [{
    shapes: [[5]],
    f: (w) => nr.bincount(i32([1, 3, 1, 0, 3]), { weights: w }).square(),
  }],
  // ---- complex parts of real inputs ----
  real: [{ shapes: [[3]], f: (x) => x.real().square() }],
  imag: [{ shapes: [[3]], f: (x) => x.imag().add(x) }],
  conj: [{ shapes: [[3]], f: (x) => x.conj().square() }],
  angle: [{ shapes: [[3]], f: (x) => x.angle().add(x) }],
};

/** Declared ops that are not differentiable, with why. */
export const NOT_DIFFERENTIABLE: Record<string, string> = {
  ...Object.fromEntries(
    ["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor", "logicalNot"]
      .map((n) => [n, "bool result"]),
  ),
  ...Object.fromEntries(["isnan", "isinf", "isfinite", "any", "all"].map((n) => [n, "bool"])),
  ...Object.fromEntries(
    ["argmax", "argmin", "nonzero", "argwhere", "argsort", "argpartition", "searchsorted"]
      .map((n) => [n, "indices"]),
  ),
  unique: "distinct values: a set, not a function of x's elements (as torch.unique)",
  oneHot: "integer input",
  fp8Matmul: "fp8 inputs: no gradients for 8-bit floats",
  setItem: "in place (use sliceAssign or indexPut); refused on tracked tensors",
  complex: "complex result: backward refuses complex values",
  polar: "complex result: backward refuses complex values",
  ...Object.fromEntries(
    [
      "tensor",
      "fromBytes",
      "empty",
      "emptyLike",
      "full",
      "fullLike",
      "zeros",
      "zerosLike",
      "ones",
      "onesLike",
      "arange",
      "linspace",
      "eye",
    ].map((n) => [n, "creation: the result does not depend on input values"]),
  ),
};
