// Reductions against NumPy: every op × dtype on random shapes (0-d, empty, size-1), layouts,
// axis subsets (negative too) and keepdims; large inputs that take the SIMD, outer-axis and
// split-work paths; the dtype option; NaN/Inf rules; bad inputs; and bit-identical results for
// any thread count.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { hasKernel } from "../src/runtime/cpu/kernels.ts";
import { assertBitsEqual, assertClose, TOLERANCE } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import {
  type Layout,
  LAYOUTS,
  randomShape,
  randomTensor,
  Rng,
  type ShapeOptions,
  withLayout,
} from "./_random.ts";

type Axis = number | number[] | undefined;
type ValueOp = "sum" | "prod" | "mean" | "max" | "min" | "any" | "all";

const ALL_DTYPES = nr.DTYPE_NAMES;
const HALF = new Set<nr.DType>(["f16", "bf16", "fp8e4m3", "fp8e5m2"]);
const KIND = (d: nr.DType) => nr.DTYPES[d].kind;
const isComplex = (d: nr.DType) => KIND(d) === "complex";
const isFloatLike = (d: nr.DType) => KIND(d) === "float" || KIND(d) === "complex";

/**
 * Relative accuracy of the CPU's sums and products of a dtype: half formats accumulate in f32;
 * f32 in f64, except that sums along an outer axis add groups of 8 rows in f32 first.
 */
function accEps(d: nr.DType): number {
  return HALF.has(d) || d === "f32" ? 2 ** -23 : 2 ** -52;
}

function pyAxis(axis: Axis): string {
  if (axis === undefined) return "None";
  if (typeof axis === "number") return String(axis);
  return axis.length === 1 ? `(${axis[0]},)` : `(${axis.join(", ")})`;
}

function pyArgs(axis: Axis, keepdims: boolean): string {
  return `axis=${pyAxis(axis)}, keepdims=${keepdims ? "True" : "False"}`;
}

/** A random axis spec for an ndim: all (undefined), one int, or a subset (shuffled, negatives). */
function randomAxis(rng: Rng, ndim: number): Axis {
  const r = rng.next();
  if (r < 0.2) return undefined;
  if (ndim === 0) return r < 0.5 ? [] : rng.pick([0, -1]);
  if (r < 0.5) {
    const a = rng.int(0, ndim - 1);
    return rng.next() < 0.5 ? a : a - ndim;
  }
  const axes: number[] = [];
  for (let a = 0; a < ndim; a++) {
    if (rng.next() < 0.5) axes.push(rng.next() < 0.5 ? a : a - ndim);
  }
  for (let i = axes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [axes[i], axes[j]] = [axes[j], axes[i]];
  }
  return axes;
}

function flat(t: nr.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
}

/**
 * Float/complex sums, means and products: the reference is computed in f64 and rounded to the
 * output dtype; the kernel may differ by the output rounding plus accumulation error, bounded by
 * 16 · eps(accumulator) · Σ|x| (sums, means) or 16 · n · eps · |result| (products).
 */
function assertInexact(
  actual: nr.Tensor,
  expected: nr.Tensor,
  scale: nr.Tensor,
  eps: number,
  message: string,
): void {
  assert.equal(actual.dtype, expected.dtype, `dtype (${message})`);
  assert.deepEqual([...actual.shape], [...expected.shape], `shape (${message})`);
  const a = flat(actual);
  const e = flat(expected);
  const s = flat(scale);
  const tol = TOLERANCE[expected.dtype];
  for (let i = 0; i < e.length; i++) {
    const ei = e[i];
    const ai = a[i];
    if (Number.isNaN(ei)) {
      assert.ok(Number.isNaN(ai), `element ${i}: ${ai}, expected NaN (${message})`);
    } else if (!Number.isFinite(ei)) {
      assert.equal(ai, ei, `element ${i} (${message})`);
    } else {
      const bound = tol.atol + tol.rtol * Math.abs(ei) + 16 * eps * s[i];
      assert.ok(
        Math.abs(ai - ei) <= bound,
        `element ${i}: ${ai} vs expected ${ei} (bound ${bound}) (${message})`,
      );
    }
  }
}

/** Complex max/min: a NaN result may come from any NaN-holding element, as NumPy's order. */
function assertComplexExtreme(actual: nr.Tensor, expected: nr.Tensor, message: string): void {
  assert.equal(actual.dtype, expected.dtype, message);
  assert.deepEqual([...actual.shape], [...expected.shape], message);
  const a = flat(actual);
  const e = flat(expected);
  for (let i = 0; i < e.length; i += 2) {
    const eNan = Number.isNaN(e[i]) || Number.isNaN(e[i + 1]);
    const aNan = Number.isNaN(a[i]) || Number.isNaN(a[i + 1]);
    assert.equal(aNan, eNan, `element ${i / 2} NaN-ness (${message})`);
    if (!eNan) {
      assert.deepEqual([a[i], a[i + 1]], [e[i], e[i + 1]], `element ${i / 2} (${message})`);
    }
  }
}

const PROD_VALUES = [0.5, 2, -1, 1.5, -0.5, 0.75, 1, -2];
const PROD_SPECIAL = [0, -0, NaN, Infinity, -Infinity];

/** Values whose products neither overflow nor lose much in any order (powers of two mostly). */
function prodTensor(rng: Rng, dtype: nr.DType, shape: number[], layout: Layout): nr.Tensor {
  if (!isFloatLike(dtype)) return randomTensor(rng, dtype, shape, layout);
  const value = () =>
    !isComplex(dtype) && rng.next() < 0.05 ? rng.pick(PROD_SPECIAL) : rng.pick(PROD_VALUES);
  const make = (s: readonly number[]) => {
    const n = s.reduce((a, b) => a * b, 1);
    const values = Array.from(
      { length: n },
      () => isComplex(dtype) ? { re: value(), im: rng.pick([0, 0.5, -0.25]) } : value(),
    );
    return nr.tensor(values as nr.Element[], { dtype, shape: s });
  };
  return withLayout(make, shape, layout);
}

/**
 * NumPy expression for a value reduction of the input named `v`, as a pair (expected, error
 * scale); exact ops get a dummy scale.
 */
function oraclePair(
  op: ValueOp,
  dtype: nr.DType,
  axis: Axis,
  keepdims: boolean,
  v = "x",
): string {
  const args = pyArgs(axis, keepdims);
  const wide = isComplex(dtype) ? `${v}.astype(np.complex128)` : `${v}.astype(np.float64)`;
  // Error scale per output component: Σ|x| of the real (and imaginary) parts, interleaved like
  // complex values.
  const scale = (f: string) =>
    isComplex(dtype)
      ? `np.stack([np.${f}(np.abs(${v}.real.astype(np.float64)), ${args}), ` +
        `np.${f}(np.abs(${v}.imag.astype(np.float64)), ${args})], axis=-1)`
      : `np.${f}(np.abs(${v}.astype(np.float64)), ${args})`;
  const exact = (e: string) => `(${e}, np.zeros(()))`;
  switch (op) {
    case "mean":
      if (!isFloatLike(dtype)) return `(np.mean(${v}, ${args}), ${scale("mean")})`;
      return `(np.mean(${wide}, ${args}).astype(${v}.dtype), ${scale("mean")})`;
    case "sum":
      if (!isFloatLike(dtype)) return exact(`np.sum(${v}, ${args})`);
      return `(np.sum(${wide}, ${args}).astype(${v}.dtype), ${scale("sum")})`;
    case "prod": {
      if (!isFloatLike(dtype)) return exact(`np.prod(${v}, ${args})`);
      const s = isComplex(dtype) ? "np.stack([s, s], axis=-1)" : "s";
      return `(lambda p: (lambda s: (p.astype(${v}.dtype), ${s}))` +
        `(np.abs(p) * max(1, np.size(${v}))))(np.prod(${wide}, ${args}))`;
    }
    case "max":
    case "min":
      if (!HALF.has(dtype)) return exact(`np.${op}(${v}, ${args})`);
      return exact(`np.${op}(${v}.astype(np.float32), ${args}).astype(${v}.dtype)`);
    case "any":
    case "all":
      return exact(`np.${op}(${v}, ${args})`);
  }
}

function isInexact(op: ValueOp, d: nr.DType): boolean {
  return op === "mean" || ((op === "sum" || op === "prod") && isFloatLike(d));
}

/** Compares numr's result of `op` with NumPy's pair (expected, scale). */
function compareValueOp(
  op: ValueOp,
  x: nr.Tensor,
  actual: nr.Tensor,
  expected: nr.Tensor,
  scale: nr.Tensor,
  message: string,
): void {
  if (isInexact(op, x.dtype)) {
    assertInexact(actual, expected, scale, accEps(x.dtype), message);
  } else if ((op === "max" || op === "min") && isComplex(x.dtype)) {
    assertComplexExtreme(actual, expected, message);
  } else {
    assertClose(actual, expected, { message, atol: 0, rtol: 0 });
  }
}

const VALUE_OPS: ValueOp[] = ["sum", "prod", "mean", "max", "min", "any", "all"];

async function checkValueOp(
  oracle: Oracle,
  op: ValueOp,
  x: nr.Tensor,
  axis: Axis,
  keepdims: boolean,
  message: string,
): Promise<void> {
  const fn = nr[op] as (t: nr.Tensor, o: nr.ReduceOptions) => nr.Tensor;
  // NumPy's mean (unlike its ufunc reductions) rejects axis 0/-1 of a 0-d array; numr takes it.
  const npAxis = op === "mean" && x.ndim === 0 && typeof axis === "number" ? undefined : axis;
  const answer = await oracle.run(oraclePair(op, x.dtype, npAxis, keepdims), { x });
  if (answer.error !== undefined) {
    // NumPy raises only for an empty max/min; numr must raise InvalidArgument then.
    assert.match(answer.error, /zero-size|empty/, `${message}: NumPy raised ${answer.error}`);
    assert.throws(() => fn(x, { axis, keepdims }), (e: nr.NumrError) => {
      return e instanceof nr.NumrError && e.code === "InvalidArgument";
    }, message);
    return;
  }
  const [expected, scale] = answer.results;
  compareValueOp(op, x, fn(x, { axis, keepdims }), expected, scale, message);
}

async function checkArgOp(
  oracle: Oracle,
  op: "argmax" | "argmin",
  x: nr.Tensor,
  axis: number | undefined,
  keepdims: boolean,
  indexDtype: "i32" | "i64",
  message: string,
): Promise<void> {
  const src = HALF.has(x.dtype) ? "x.astype(np.float32)" : "x";
  const npIndex = indexDtype === "i32" ? "np.int32" : "np.int64";
  const expr = `np.${op}(${src}, ${pyArgs(axis, keepdims)}).astype(${npIndex})`;
  const answer = await oracle.run(expr, { x });
  if (answer.error !== undefined) {
    assert.match(answer.error, /empty/, `${message}: NumPy raised ${answer.error}`);
    assert.throws(() => nr[op](x, { axis, keepdims, indexDtype }), (e: nr.NumrError) => {
      return e instanceof nr.NumrError && e.code === "InvalidArgument";
    }, message);
    return;
  }
  const actual = nr[op](x, { axis, keepdims, indexDtype });
  assertClose(actual, answer.results[0], { message, atol: 0, rtol: 0 });
}

function makeInput(
  rng: Rng,
  op: string,
  dtype: nr.DType,
  layout: Layout,
  shapeOptions: ShapeOptions = {},
): nr.Tensor {
  const halfProd = op === "prod" && (HALF.has(dtype) || isComplex(dtype));
  const shape = randomShape(rng, halfProd ? { maxDim: 4, ...shapeOptions } : shapeOptions);
  return op === "prod"
    ? prodTensor(rng, dtype, shape, layout)
    : randomTensor(rng, dtype, shape, layout);
}

Deno.test("value reductions match NumPy for every dtype, layout and axis set", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(11);
    // Two rounds: up to 4 dims of size ≤ 7, then up to 6 dims of size ≤ 3.
    for (const shapes of [{}, { maxDims: 6, maxDim: 3 }]) {
      for (const op of VALUE_OPS) {
        for (const dtype of ALL_DTYPES) {
          for (const layout of LAYOUTS) {
            const x = makeInput(rng, op, dtype, layout, shapes);
            const axis = randomAxis(rng, x.ndim);
            const keepdims = rng.next() < 0.4;
            const message = `${op} ${dtype} ${layout} [${x.shape}] axis=${pyAxis(axis)} ` +
              `keepdims=${keepdims}`;
            await checkValueOp(oracle, op, x, axis, keepdims, message);
          }
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("argmax and argmin match NumPy for every dtype, layout and axis", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(12);
    for (const shapes of [{}, { maxDims: 6, maxDim: 3 }]) {
      for (const op of ["argmax", "argmin"] as const) {
        for (const dtype of ALL_DTYPES) {
          for (const layout of LAYOUTS) {
            const x = randomTensor(rng, dtype, randomShape(rng, shapes), layout);
            const axis = x.ndim === 0 || rng.next() < 0.3
              ? undefined
              : rng.int(-x.ndim, x.ndim - 1);
            const keepdims = rng.next() < 0.4;
            const indexDtype = rng.next() < 0.3 ? "i64" : "i32";
            const message = `${op} ${dtype} ${layout} [${x.shape}] axis=${axis} ` +
              `keepdims=${keepdims} ${indexDtype}`;
            await checkArgOp(oracle, op, x, axis, keepdims, indexDtype, message);
          }
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

// Shapes long enough for SIMD leaves with tails, the outer-axis path, pairwise leaves and work
// split across threads (few long outputs).
const LARGE_SHAPES: number[][] = [
  [3, 40001],
  [40001, 3],
  [257, 300],
  [2, 3, 5003],
  [5003, 2, 7],
  [16, 9000],
];

const LARGE_DTYPES: nr.DType[] = [
  "f64",
  "f32",
  "f16",
  "bf16",
  "fp8e5m2",
  "i32",
  "u8",
  "i64",
  "bool",
  "c64",
];

/** Values whose products stay exact in any order: ±1 (±i for complex), rarely 2 or 0.5. */
function unitTensor(rng: Rng, dtype: nr.DType, shape: number[]): nr.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    const v = rng.next() < 0.01 ? rng.pick([2, 0.5]) : rng.pick([1, -1]);
    if (!isComplex(dtype)) return v;
    return rng.next() < 0.5 ? { re: v, im: 0 } : { re: 0, im: v };
  });
  return nr.tensor(values as nr.Element[], { dtype, shape });
}

Deno.test("reductions of large inputs match NumPy on every path", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(13);
    for (const shape of LARGE_SHAPES) {
      for (const dtype of LARGE_DTYPES) {
        const layout = rng.pick<Layout>(["contiguous", "contiguous", "transposed", "flipped"]);
        const base = randomTensor(rng, dtype, shape, "contiguous", { special: rng.next() < 0.5 });
        const x = layout === "transposed"
          ? base.transpose(0, -1)
          : layout === "flipped"
          ? base.flip()
          : base;
        const units = isFloatLike(dtype) ? unitTensor(rng, dtype, [...x.shape]) : x;
        // One oracle call per input: every op with its own random axes, as one flat tuple.
        const plan = VALUE_OPS.map((op) => ({ op, axis: randomAxis(rng, x.ndim) }));
        const argAxes = [undefined, rng.int(0, x.ndim - 1)];
        const exprs = plan.map(({ op, axis }) =>
          `*${oraclePair(op, dtype, axis, false, op === "prod" ? "u" : "x")}`
        );
        const src = HALF.has(dtype) ? "x.astype(np.float32)" : "x";
        for (const op of ["argmax", "argmin"]) {
          for (const a of argAxes) {
            exprs.push(`np.${op}(${src}, axis=${pyAxis(a)}).astype(np.int32)`);
          }
        }
        const results = (await oracle.run(`(${exprs.join(", ")},)`, { x, u: units })).results!;
        const where = `${dtype} [${x.shape}] ${layout}`;
        plan.forEach(({ op, axis }, k) => {
          const input = op === "prod" ? units : x;
          const fn = nr[op] as (t: nr.Tensor, o: nr.ReduceOptions) => nr.Tensor;
          const message = `${op} ${where} axis=${pyAxis(axis)}`;
          compareValueOp(
            op,
            input,
            fn(input, { axis }),
            results[2 * k],
            results[2 * k + 1],
            message,
          );
        });
        let k = 2 * plan.length;
        for (const op of ["argmax", "argmin"] as const) {
          for (const axis of argAxes) {
            const message = `${op} ${where} axis=${axis}`;
            assertClose(nr[op](x, { axis }), results[k++], { message, atol: 0, rtol: 0 });
          }
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

/** Raw bytes of f64 values stored as `dtype` (a float or complex dtype, or i64). */
function bytesOf(values: Float64Array, dtype: nr.DType): Uint8Array {
  switch (dtype) {
    case "f64":
    case "c128":
      return new Uint8Array(values.buffer);
    case "f32":
    case "c64":
      return new Uint8Array(Float32Array.from(values).buffer);
    case "f16":
      return new Uint8Array(Float16Array.from(values).buffer);
    case "bf16": {
      const f32 = new Uint32Array(Float32Array.from(values).buffer);
      return new Uint8Array(Uint16Array.from(f32, (b) => b >>> 16).buffer);
    }
    case "i64":
      return new Uint8Array(BigInt64Array.from(values, (v) => BigInt(Math.round(v))).buffer);
    default:
      throw new Error(`bytesOf: no ${dtype}`);
  }
}

/** A large random tensor made from raw bytes (fast): `value()` for every component. */
function fastTensor(dtype: nr.DType, shape: number[], value: () => number): nr.Tensor {
  const n = shape.reduce((a, b) => a * b, 1) * nr.DTYPES[dtype].lanes;
  return nr.fromBytes(bytesOf(Float64Array.from({ length: n }, value), dtype), dtype, shape);
}

Deno.test("reductions give bit-identical results for 1, 2, 3 and 4 threads", () => {
  const rng = new Rng(14);
  const cases: [nr.DType, number[], Axis][] = [
    ["f32", [1 << 20], undefined],
    ["f64", [1 << 20], undefined],
    ["f64", [5, 200003], 1],
    ["f32", [3, 300007], [-1]],
    ["f16", [600007], undefined],
    ["bf16", [2, 300007], 1],
    ["c64", [300007], undefined],
    ["c128", [3, 100003], 1],
    ["f64", [1000, 1000], 0],
    ["f32", [200003, 5], 0],
    ["f32", [3001, 700], 0],
    ["f64", [64, 64, 64], [0, 2]],
    ["i64", [1 << 20], undefined],
  ];
  try {
    for (const [dtype, shape, axis] of cases) {
      const x = fastTensor(dtype, shape, () => rng.normal() * 1e3);
      const xt = x.ndim > 1 ? x.transpose(0, -1) : x.flip();
      // Values near 1, so that products stay in range.
      const ones = fastTensor(dtype, shape, () => 1 + (rng.next() - 0.5) / 64);
      const results = (threads: number) => {
        nr.setCpuThreads(threads);
        return [
          nr.sum(x, { axis }),
          nr.mean(x, { axis }),
          nr.sum(xt, { axis }),
          nr.prod(ones, { axis }),
          nr.max(x, { axis }),
          nr.argmin(x, { axis: typeof axis === "number" ? axis : undefined }),
        ];
      };
      const base = results(1);
      for (const threads of [2, 3, 4]) {
        const other = results(threads);
        base.forEach((b, i) =>
          assertBitsEqual(other[i], b, `${dtype} [${shape}] #${i} ${threads}t`)
        );
      }
    }
  } finally {
    nr.setCpuThreads(0);
  }
});

Deno.test("empty, 0-d and size-1 reductions follow NumPy", () => {
  const e = nr.zeros([3, 0]);
  assert.deepEqual(nr.sum(e, { axis: 1 }).toArray(), [0, 0, 0]);
  assert.deepEqual(nr.prod(e, { axis: 1 }).toArray(), [1, 1, 1]);
  assert.ok((nr.mean(e, { axis: 1 }).toArray() as number[]).every(Number.isNaN));
  assert.deepEqual(nr.any(e, { axis: 1 }).toArray(), [false, false, false]);
  assert.deepEqual(nr.all(e, { axis: 1 }).toArray(), [true, true, true]);
  assert.deepEqual(nr.max(e, { axis: 0 }).shape, [0]);
  assert.deepEqual(nr.argmax(e, { axis: 0 }).shape, [0]);
  assert.equal(nr.sum(nr.zeros([0], { dtype: "i8" })).item(), 0n);
  assert.equal(nr.prod(nr.zeros([0], { dtype: "u16" })).item(), 1n);
  assert.ok(Number.isNaN(nr.mean(nr.zeros([0], { dtype: "f16" })).item() as number));
  assert.equal(nr.mean(nr.zeros([0], { dtype: "f16" })).dtype, "f16");
  // A 0-d tensor takes axis 0 or -1 (NumPy's rule for a plain int axis) and axis [].
  const s = nr.tensor(5, { dtype: "i16" });
  assert.equal(nr.sum(s, { axis: 0 }).item(), 5n);
  assert.equal(nr.max(s, { axis: -1 }).item(), 5);
  assert.equal(nr.sum(s, { axis: [] }).item(), 5n);
  assert.equal(nr.argmax(s, { axis: 0 }).item(), 0);
  assert.deepEqual(nr.argmax(nr.ones([2, 3]), { keepdims: true }).shape, [1, 1]);
  // axis [] reduces nothing but still applies the dtype rule.
  const i = nr.tensor([[1, 2], [3, 4]], { dtype: "i8" });
  assert.deepEqual(nr.sum(i, { axis: [] }).toArray(), [[1n, 2n], [3n, 4n]]);
  assert.deepEqual(nr.sum(i, { axis: [0, 1], keepdims: true }).shape, [1, 1]);
});

Deno.test("NaN, Inf and signed-zero rules", () => {
  const x = nr.tensor([1, NaN, 3, NaN, -Infinity], { dtype: "f32" });
  assert.ok(Number.isNaN(nr.max(x).item() as number));
  assert.ok(Number.isNaN(nr.min(x).item() as number));
  assert.equal(nr.argmax(x).item(), 1);
  assert.equal(nr.argmin(x).item(), 1);
  assert.equal(nr.argmin(nr.tensor([3, -Infinity, 2, -Infinity])).item(), 1);
  assert.equal(nr.argmax(nr.tensor([-0, 0])).item(), 0);
  assert.equal(nr.any(nr.tensor([0, NaN])).item(), true);
  assert.equal(nr.all(nr.tensor([1, -0])).item(), false);
  assert.ok(Number.isNaN(nr.sum(nr.tensor([Infinity, -Infinity])).item() as number));
  assert.equal(nr.sum(nr.tensor([Infinity, 1])).item(), Infinity);
  // A NaN in a long row is found whatever its position and the block it falls in.
  for (const at of [0, 31, 32, 1023, 1024, 5000, 9999]) {
    const v = new Float32Array(10000).map((_, i) => i % 97);
    v[at] = NaN;
    v[9999] = NaN;
    const t = nr.tensor(v);
    assert.equal(nr.argmax(t).item(), at, `argmax NaN at ${at}`);
    assert.equal(nr.argmin(t).item(), at, `argmin NaN at ${at}`);
    assert.ok(Number.isNaN(nr.max(t).item() as number));
  }
  // Complex: lexicographic order, the first NaN-holding element wins.
  const c = nr.tensor([{ re: 1, im: 2 }, { re: 1, im: 3 }, { re: 0, im: 9 }], { dtype: "c128" });
  assert.deepEqual(nr.max(c).item(), { re: 1, im: 3 });
  assert.deepEqual(nr.min(c).item(), { re: 0, im: 9 });
  assert.equal(nr.argmax(c).item(), 1);
  const cn = nr.tensor([{ re: 5, im: 0 }, { re: 1, im: NaN }, { re: NaN, im: 0 }], {
    dtype: "c64",
  });
  assert.equal(nr.argmin(cn).item(), 1);
  const m = nr.max(cn).item() as nr.Complex;
  assert.ok(Number.isNaN(m.im) && m.re === 1);
});

Deno.test("dtype rules and the dtype option", async () => {
  const oracle = Oracle.start();
  try {
    const x = nr.tensor([[100, 27, -3], [90, 1, 2]], { dtype: "i8" });
    assert.equal(nr.sum(x).dtype, "i64");
    assert.equal(nr.sum(x.astype("i8"), { dtype: "i64" }).dtype, "i64");
    assert.equal(nr.sum(nr.ones([2], { dtype: "u32" })).dtype, "u64");
    assert.equal(nr.prod(nr.ones([2], { dtype: "bool" })).dtype, "i64");
    assert.equal(nr.mean(nr.ones([2], { dtype: "u8" })).dtype, "f64");
    assert.equal(nr.mean(nr.ones([2], { dtype: "bf16" })).dtype, "bf16");
    assert.equal(nr.max(nr.ones([2], { dtype: "u16" })).dtype, "u16");
    assert.equal(nr.any(nr.ones([2], { dtype: "c64" })).dtype, "bool");
    // A dtype equal to the natural result needs no cast: it is the same kernel.
    assert.deepEqual(nr.sum(x, { axis: 0, dtype: "i64" }).toArray(), [190n, 28n, -1n]);
    assert.deepEqual(nr.mean(x, { axis: 1, dtype: "f64" }).toArray(), [124 / 3, 31]);
    assert.equal(nr.sum(nr.ones([3], { dtype: "f32" }), { dtype: "f32" }).item(), 3);
    // Integer sums wrap in 64 bits as NumPy's.
    const big = nr.tensor([2n ** 62n, 2n ** 62n, 2n ** 62n], { dtype: "i64" });
    assert.equal(nr.sum(big).item(), -(2n ** 62n));
    assert.equal(nr.prod(nr.tensor([2n ** 62n, 4n], { dtype: "i64" })).item(), 0n);
    assert.equal(nr.sum(nr.tensor([2n ** 64n - 1n, 2n], { dtype: "u64" })).item(), 1n);
    // Other dtypes go through casts (skipped until the cast kernels exist).
    const casts = hasKernel("cast", "i8", "f16") && hasKernel("cast", "i64", "i8") &&
      hasKernel("binary", "div", "f64") &&
      hasKernel("cast", "f64", "i32") && hasKernel("cast", "f32", "f64");
    if (!casts) return;
    const cases: [string, nr.ReduceOptions, string][] = [
      ["sum", { dtype: "i8" }, "np.sum(x, dtype=np.int8)"],
      ["sum", { axis: 0, dtype: "f16" }, "np.sum(x, axis=0, dtype=np.float16)"],
      ["sum", { dtype: "bool" }, "np.sum(x, dtype=bool)"],
      ["prod", { axis: 1, dtype: "i16" }, "np.prod(x, axis=1, dtype=np.int16)"],
      ["mean", { dtype: "i32" }, "np.mean(x, dtype=np.int32)"],
      ["mean", { axis: 1, dtype: "f32" }, "np.mean(x, axis=1, dtype=np.float32)"],
      ["mean", { dtype: "c64" }, "np.mean(x, dtype=np.complex64)"],
      ["sum", { dtype: "f64" }, "np.sum(x, dtype=np.float64)"],
    ];
    for (const [op, options, expr] of cases) {
      const fn = nr[op as "sum"];
      assertClose(fn(x, options), await oracle.eval(expr, { x }), { message: expr });
    }
    const f = nr.tensor([0.1, 0.2, 0.3], { dtype: "f32" });
    assertClose(
      nr.sum(f, { dtype: "f64" }),
      await oracle.eval("np.sum(x, dtype=np.float64)", { x: f }),
    );
  } finally {
    await oracle.close();
  }
});

Deno.test("Tensor methods forward to the reductions", () => {
  const x = nr.tensor([[1, 4], [3, 2]], { dtype: "f64" });
  assert.equal(x.sum().item(), 10);
  assert.equal(x.prod().item(), 24);
  assert.equal(x.mean().item(), 2.5);
  assert.deepEqual(x.max({ axis: 0 }).toArray(), [3, 4]);
  assert.deepEqual(x.min({ axis: 1, keepdims: true }).toArray(), [[1], [2]]);
  assert.equal(x.argmax().item(), 1);
  assert.deepEqual(x.argmin({ axis: 0 }).toArray(), [0, 1]);
  assert.equal(x.any().item(), true);
  assert.equal(x.all({ axis: [0, 1] }).item(), true);
});

function throwsCode(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof nr.NumrError && e.code === code, message);
}

Deno.test("bad inputs raise typed errors", () => {
  const x = nr.ones([2, 3]);
  throwsCode(() => nr.sum(x, { axis: 2 }), "InvalidDimension");
  throwsCode(() => nr.sum(x, { axis: -3 }), "InvalidDimension");
  throwsCode(() => nr.mean(x, { axis: [0, 0] }), "InvalidDimension");
  throwsCode(() => nr.sum(x, { axis: [0, -2] }), "InvalidDimension");
  throwsCode(() => nr.max(x, { axis: 1.5 }), "InvalidDimension");
  throwsCode(() => nr.sum(nr.tensor(1), { axis: [0] }), "InvalidDimension");
  throwsCode(() => nr.argmax(nr.tensor(1), { axis: 1 }), "InvalidDimension");
  throwsCode(() => nr.argmax(x, { axis: 2 }), "InvalidDimension");
  throwsCode(() => nr.sum(x, { axis: "0" as unknown as number }), "InvalidArgument");
  throwsCode(() => nr.argmax(x, { axis: [0] as unknown as number }), "InvalidArgument");
  throwsCode(() => nr.max(nr.zeros([0, 3]), { axis: 0 }), "InvalidArgument");
  throwsCode(() => nr.min(nr.zeros([0])), "InvalidArgument");
  throwsCode(() => nr.argmax(nr.zeros([2, 0]), { axis: 1 }), "InvalidArgument");
  throwsCode(() => nr.argmin(nr.zeros([0, 0])), "InvalidArgument");
  throwsCode(() => nr.sum(x, { dtype: "f128" as nr.DType }), "InvalidArgument");
  throwsCode(() => nr.max(x, { dtype: "f64" } as nr.AxisOptions), "InvalidArgument");
  throwsCode(() => nr.any(x, { dtype: "bool" } as nr.AxisOptions), "InvalidArgument");
  throwsCode(() => nr.argmax(x, { indexDtype: "u8" as "i32" }), "InvalidArgument");
  throwsCode(() => nr.sum(x, { keepdims: 1 as unknown as boolean }), "InvalidArgument");
  throwsCode(() => nr.sum(x, 3 as unknown as nr.ReduceOptions), "InvalidArgument");
  throwsCode(() => nr.sum([1, 2] as unknown as nr.Tensor), "InvalidArgument");
  const d = nr.ones([2]);
  d.dispose();
  throwsCode(() => nr.sum(d), "Disposed");
});

Deno.test("every reduction × dtype has its CPU kernel", () => {
  for (const op of [...VALUE_OPS, "argmax", "argmin"]) {
    for (const dtype of ALL_DTYPES) assert.ok(hasKernel("reduce", op, dtype), `${op} ${dtype}`);
  }
});
