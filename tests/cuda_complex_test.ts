// CUDA complex parity: every c64/c128 kernel of the CUDA build (casts, fill, arithmetic, unary
// math, comparisons, ternary, reductions, scans, index families, complex/polar/angle) against
// the CPU backend, on random shapes (0-d and empty included), strided views, broadcasting and a
// grid of special values (NaN/±Inf/±0 in either part). Arithmetic, comparisons, casts and
// extremes must match bit for bit (NaN payloads aside); transcendental functions and sums match
// within a tolerance relative to the modulus of the expected value. Skips without a CUDA device.
//
//   deno test -A tests/cuda_complex_test.ts   (NUMR_CUDA_QUICK=1: fewer, smaller cases)
//   NUMR_CUDA_TEST_DEVICE=cpu runs the same logic CPU against CPU (a check of the test).

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { LAYOUTS, randomShape, randomValues, Rng, withLayout } from "./_random.ts";

const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
const ROUNDS = QUICK ? 2 : 5;
const MAXDIM = QUICK ? 5 : 8;
const COMPLEX = ["c64", "c128"] as const;
type CDType = (typeof COMPLEX)[number];

function test(name: string, fn: () => void): void {
  Deno.test({ name: `cuda complex: ${name}`, ignore: !AVAILABLE, fn });
}

type AnyFn = (...args: unknown[]) => nr.Tensor;
const api = nr as unknown as Record<string, AnyFn>;

/** Tolerance relative to the modulus of each expected element (0 = bit-exact). */
interface CTol {
  atol: number;
  rtol: number;
}
const EXACT: CTol = { atol: 0, rtol: 0 };
const MATH: Record<CDType, CTol> = {
  c64: { atol: 1e-30, rtol: 2e-6 },
  c128: { atol: 1e-300, rtol: 1e-12 },
};
const SUM: Record<CDType, CTol> = {
  c64: { atol: 1e-5, rtol: 2e-6 },
  c128: { atol: 1e-11, rtol: 1e-12 },
};

const sameBits = (a: number, e: number) => Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));

/**
 * Compares two tensors of any dtype. Complex elements: NaN where NaN, the same infinities, and
 * finite parts within atol + rtol·|expected| (|·| the complex modulus); rtol 0 asks for the same
 * bits. Other dtypes (bool, ints, floats): the same values (NaN matches NaN).
 */
function assertMatch(actual: nr.Tensor, expected: nr.Tensor, tol: CTol, message: string): void {
  assert.equal(actual.dtype, expected.dtype, `dtype ${message}`);
  assert.deepEqual([...actual.shape], [...expected.shape], `shape ${message}`);
  const a = Array.from(actual.to("cpu").dataSync() as ArrayLike<number | bigint | boolean>);
  const e = Array.from(expected.dataSync() as ArrayLike<number | bigint | boolean>);
  const complex = expected.dtype === "c64" || expected.dtype === "c128";
  const step = complex ? 2 : 1;
  for (let i = 0; i < e.length; i += step) {
    const at = `element ${i / step}: got ${a.slice(i, i + step)}, expected ${
      e.slice(i, i + step)
    } (${message})`;
    if (!complex || tol.rtol === 0) {
      for (let k = 0; k < step; k++) {
        const x = a[i + k], y = e[i + k];
        const ok = typeof y === "number" ? sameBits(x as number, y) : x === y;
        if (!ok) assert.fail(at);
      }
      continue;
    }
    const er = e[i] as number, ei = e[i + 1] as number;
    const mod = Math.hypot(er, ei);
    for (let k = 0; k < 2; k++) {
      const x = a[i + k] as number, y = e[i + k] as number;
      if (Number.isNaN(y) || !Number.isFinite(y)) {
        if (!sameBits(x, y) && !(Number.isNaN(x) && Number.isNaN(y))) assert.fail(at);
        continue;
      }
      if (!Number.isFinite(x)) assert.fail(at);
      const scale = Number.isFinite(mod) ? mod : Math.abs(y);
      if (Math.abs(x - y) > tol.atol + tol.rtol * scale) assert.fail(at);
    }
  }
}

/** Runs on both devices; the same error code when the CPU throws. */
function parity(cpuRun: () => nr.Tensor, gpuRun: () => nr.Tensor, tol: CTol, message: string) {
  let expected: nr.Tensor | undefined;
  let cpuError: unknown;
  try {
    expected = cpuRun();
  } catch (e) {
    cpuError = e;
  }
  if (cpuError !== undefined) {
    assert.throws(gpuRun, (e: unknown) => {
      assert.ok(e instanceof nr.NumrError, `${message}: ${e}`);
      assert.equal(e.code, (cpuError as nr.NumrError).code, message);
      return true;
    });
    return;
  }
  const got = gpuRun();
  assert.equal(got.device, DEV, message);
  assertMatch(got, expected!, tol, message);
}

/** A CPU tensor and the same values on the device, both viewed with `layout`. */
function pair(
  rng: Rng,
  dtype: nr.DType,
  shape: readonly number[],
  layout: (typeof LAYOUTS)[number],
  options: { special?: boolean; scale?: number; values?: nr.Element[] } = {},
): [nr.Tensor, nr.Tensor] {
  let base: nr.Tensor | undefined;
  const cpu = withLayout(
    (s) => {
      const n = s.reduce((a, b) => a * b, 1);
      const values = options.values === undefined
        ? randomValues(rng, dtype, n, options)
        : Array.from({ length: n }, () => rng.pick(options.values!));
      base = nr.tensor(values, { dtype, shape: s });
      return base;
    },
    shape,
    layout,
  );
  const gpu = withLayout(() => base!.to(DEV), shape, layout);
  return [cpu, gpu];
}

/** Few distinct parts, so comparisons and extremes see ties, signed zeros and NaN. */
const TIE_PARTS = [0, -0, 1, -1, 2, NaN, Infinity, -Infinity];
function tieValues(rng: Rng, n: number): nr.Element[] {
  return Array.from({ length: n }, () => ({ re: rng.pick(TIE_PARTS), im: rng.pick(TIE_PARTS) }));
}

/** NaN/±Inf/±0 and assorted magnitudes in both parts (the WebGPU complex test's grid, more). */
const GRID_PARTS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2,
  1e-30,
  7,
  -30,
  100,
  1e10,
  -1e30,
  Infinity,
  -Infinity,
  NaN,
  0.9,
  1.1,
  710,
  -710,
  1e16,
  3e-8,
  1e-310,
];
function specialGrid(dtype: CDType): nr.Tensor {
  const re: number[] = [];
  const im: number[] = [];
  for (const a of GRID_PARTS) {
    for (const b of GRID_PARTS) {
      re.push(a);
      im.push(b);
    }
  }
  const part = dtype === "c64" ? "f32" : "f64";
  return nr.complex(nr.tensor(re, { dtype: part }), nr.tensor(im, { dtype: part }));
}

const EXACT_UNARY = [
  "neg",
  "conj",
  "abs",
  "square",
  "recip",
  "sign",
  "round",
  "isnan",
  "isinf",
  "isfinite",
  "logicalNot",
];
const MATH_UNARY = [
  "sqrt",
  "rsqrt",
  "exp",
  "exp2",
  "expm1",
  "log",
  "log2",
  "log10",
  "log1p",
  "sin",
  "cos",
  "tan",
  "sinh",
  "cosh",
  "tanh",
  "asin",
  "acos",
  "atan",
  "asinh",
  "acosh",
  "atanh",
  "angle",
];

test("unary ops on random shapes, strided views and the special-value grid", () => {
  const rng = new Rng(101);
  for (const dtype of COMPLEX) {
    const grid = specialGrid(dtype);
    const gridDev = grid.to(DEV);
    for (const op of [...EXACT_UNARY, ...MATH_UNARY]) {
      const tol = EXACT_UNARY.includes(op) ? EXACT : MATH[dtype];
      parity(() => api[op](grid), () => api[op](gridDev), tol, `${op} ${dtype} grid`);
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: MAXDIM });
        const [c, g] = pair(rng, dtype, shape, layout);
        parity(() => api[op](c), () => api[op](g), tol, `${op} ${dtype} ${layout} [${shape}]`);
      }
    }
    // real/imag are views of device memory; angle also in degrees.
    const [c, g] = pair(rng, dtype, [4, 5], "transposed");
    parity(() => nr.real(c), () => nr.real(g), EXACT, `real ${dtype}`);
    parity(() => nr.imag(c), () => nr.imag(g), EXACT, `imag ${dtype}`);
    parity(
      () => nr.angle(c, { deg: true }),
      () => nr.angle(g, { deg: true }),
      EXACT,
      `angle deg ${dtype}`,
    );
  }
});

test("binary arithmetic, extremes and pow with broadcasting and mixed layouts", () => {
  const rng = new Rng(102);
  const exact = ["add", "sub", "mul", "div", "maximum", "minimum", "fmax", "fmin"];
  for (const dtype of COMPLEX) {
    for (const op of [...exact, "pow"]) {
      const tol = op === "pow" ? MATH[dtype] : EXACT;
      for (let r = 0; r < ROUNDS + 1; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: MAXDIM });
        const bShape = shape.map((d) => (rng.next() < 0.3 ? 1 : d));
        const ties = r % 3 === 2;
        const opts = ties ? { values: tieValues(rng, 64) } : {};
        const [ca, ga] = pair(rng, dtype, shape, layout, opts);
        const [cb, gb] = pair(rng, dtype, bShape, LAYOUTS[(r + 1) % LAYOUTS.length], opts);
        parity(
          () => api[op](ca, cb),
          () => api[op](ga, gb),
          tol,
          `${op} ${dtype} ${layout} [${shape}] [${bShape}]`,
        );
      }
      // A scalar operand, and the grid against itself reversed.
      const grid = specialGrid(dtype);
      const rev = grid.flip();
      parity(
        () => api[op](grid, rev),
        () => api[op](grid.to(DEV), grid.to(DEV).flip()),
        tol,
        `${op} ${dtype} grid`,
      );
      parity(
        () => api[op](grid, 2),
        () => api[op](grid.to(DEV), 2),
        tol,
        `${op} ${dtype} grid, 2`,
      );
    }
    // Small integer powers multiply, others go through exp(b log a).
    const [ca, ga] = pair(rng, dtype, [40], "contiguous", { special: false, scale: 1 });
    for (const p of [0, 1, 2, 3, -1, -2, 5, 0.5, -7]) {
      parity(() => nr.pow(ca, p), () => nr.pow(ga, p), MATH[dtype], `pow ${dtype} ^${p}`);
    }
  }
});

test("comparisons and logical ops order lexicographically with NaN", () => {
  const rng = new Rng(103);
  const ops = ["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"];
  for (const dtype of COMPLEX) {
    for (const op of ops) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: MAXDIM });
        const bShape = shape.map((d) => (rng.next() < 0.3 ? 1 : d));
        const opts = r % 2 === 0 ? { values: tieValues(rng, 64) } : {};
        const [ca, ga] = pair(rng, dtype, shape, layout, opts);
        const [cb, gb] = pair(rng, dtype, bShape, LAYOUTS[(r + 2) % LAYOUTS.length], opts);
        parity(
          () => api[op](ca, cb),
          () => api[op](ga, gb),
          EXACT,
          `${op} ${dtype} ${layout} [${shape}] [${bShape}]`,
        );
      }
    }
  }
});

test("where, clamp and mulAdd", () => {
  const rng = new Rng(104);
  for (const dtype of COMPLEX) {
    for (let r = 0; r < ROUNDS + 2; r++) {
      const layout = LAYOUTS[r % LAYOUTS.length];
      const shape = randomShape(rng, { maxDim: MAXDIM });
      const opts = r % 2 === 0 ? { values: tieValues(rng, 64) } : {};
      const [cc, gc] = pair(rng, "bool", shape, layout);
      const [ca, ga] = pair(rng, dtype, shape, LAYOUTS[(r + 1) % LAYOUTS.length], opts);
      const bShape = shape.map((d) => (rng.next() < 0.5 ? 1 : d));
      const [cb, gb] = pair(rng, dtype, bShape, layout, opts);
      const [cd, gd] = pair(rng, dtype, bShape, LAYOUTS[(r + 2) % LAYOUTS.length], opts);
      const at = `${dtype} ${layout} [${shape}] [${bShape}]`;
      parity(() => nr.where(cc, ca, cb), () => nr.where(gc, ga, gb), EXACT, `where ${at}`);
      parity(() => nr.clamp(ca, cb, cd), () => nr.clamp(ga, gb, gd), EXACT, `clamp ${at}`);
      parity(() => nr.mulAdd(ca, cb, cd), () => nr.mulAdd(ga, gb, gd), EXACT, `mulAdd ${at}`);
    }
  }
});

test("casts to and from every dtype are bit-exact; fill, eye and copies", () => {
  const rng = new Rng(105);
  for (const dtype of COMPLEX) {
    for (const other of nr.DTYPE_NAMES) {
      for (const [from, to] of [[dtype, other], [other, dtype]] as [nr.DType, nr.DType][]) {
        for (let r = 0; r < (QUICK ? 1 : 2); r++) {
          const layout = LAYOUTS[r % LAYOUTS.length];
          const shape = randomShape(rng, { maxDim: MAXDIM });
          const [c, g] = pair(rng, from, shape, layout, { special: true });
          const expected = nr.cast(c, to);
          const got = nr.cast(g, to);
          assert.equal(got.device, DEV);
          assert.deepEqual(
            [...nr.toBytes(got)],
            [...nr.toBytes(expected)],
            `cast ${from} -> ${to} ${layout} [${shape}]`,
          );
        }
      }
    }
    for (
      const value of [{ re: 1.5, im: -2 }, { re: NaN, im: -0 }, 3, { re: -Infinity, im: 1e-40 }]
    ) {
      const a = nr.full([3, 5], value, { dtype, device: DEV });
      const b = nr.full([3, 5], value, { dtype });
      assert.deepEqual([...nr.toBytes(a)], [...nr.toBytes(b)], `full ${dtype} ${value}`);
    }
    const strided = nr.zeros([4, 6], { dtype, device: DEV });
    getBackend(DEV).fill(strided.transpose().slice([1, 5, 2]), { re: 7, im: -1 });
    const strided0 = nr.zeros([4, 6], { dtype });
    getBackend("cpu").fill(strided0.transpose().slice([1, 5, 2]), { re: 7, im: -1 });
    assert.deepEqual([...nr.toBytes(strided)], [...nr.toBytes(strided0)], `strided fill ${dtype}`);
    assertMatch(nr.eye(4, { dtype, device: DEV }), nr.eye(4, { dtype }), EXACT, `eye ${dtype}`);
    assertMatch(nr.ones([2, 3], { dtype, device: DEV }), nr.ones([2, 3], { dtype }), EXACT, "ones");
    const [c, g] = pair(rng, dtype, [3, 4, 5], "transposed");
    parity(() => c.contiguous(), () => g.contiguous(), EXACT, `contiguous ${dtype}`);
    parity(() => c.clone(), () => g.clone(), EXACT, `clone ${dtype}`);
    parity(() => c.reshape([60]), () => g.reshape([60]), EXACT, `reshape ${dtype}`);
    // complex and polar from real parts (f32 -> c64, f64 -> c128, ints -> c128).
    const part = dtype === "c64" ? "f32" : "f64";
    for (const p of [part, "i32"] as nr.DType[]) {
      const [cr, gr] = pair(rng, p, [5, 7], "flipped");
      const [ci, gi] = pair(rng, p, [7], "stepped");
      parity(() => nr.complex(cr, ci), () => nr.complex(gr, gi), EXACT, `complex ${p}`);
      parity(() => nr.polar(cr, ci), () => nr.polar(gr, gi), EXACT, `polar ${p}`);
    }
  }
});

const REDUCTIONS = ["sum", "prod", "mean", "max", "min", "argmax", "argmin", "any", "all"];

test("reductions over random axes, empty and long rows", () => {
  const rng = new Rng(106);
  for (const dtype of COMPLEX) {
    for (const op of REDUCTIONS) {
      const inexact = op === "sum" || op === "prod" || op === "mean";
      for (let r = 0; r < ROUNDS + 2; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        // Products stay short (long ones overflow differently in another order).
        const shape = randomShape(rng, { maxDim: op === "prod" ? 3 : MAXDIM });
        const opts = !inexact && r % 2 === 0
          ? { values: tieValues(rng, 64) }
          : { special: !inexact, scale: 1 };
        const [c, g] = pair(rng, dtype, shape, layout, opts);
        const arg = op === "argmax" || op === "argmin";
        const axis = shape.length === 0 ? undefined : rng.int(0, shape.length - 1);
        const keepdims = rng.next() < 0.5;
        const o = arg
          ? { axis, keepdims }
          : { axis: rng.next() < 0.3 ? undefined : axis, keepdims };
        parity(
          () => api[op](c, o),
          () => api[op](g, o),
          inexact ? SUM[dtype] : EXACT,
          `${op} ${dtype} ${layout} [${shape}] ${JSON.stringify(o)}`,
        );
      }
      // NaN and infinities in sums, products and extremes.
      for (const vals of [[1, NaN, 2], [Infinity, 1], [Infinity, -Infinity], [-Infinity, 3]]) {
        const c = nr.complex(nr.tensor(vals), nr.tensor(vals.map((v) => -v)));
        const x = nr.cast(c, dtype);
        parity(() => api[op](x), () => api[op](x.to(DEV)), SUM[dtype], `${op} ${dtype} [${vals}]`);
      }
      // Long rows take the split-block path.
      const n = QUICK ? 9000 : 100003;
      for (const shape of [[n], [3, Math.ceil(n / 3)]]) {
        if (op === "prod") continue;
        const opts = inexact ? { special: false, scale: 1 } : { values: tieValues(rng, 64) };
        const [c, g] = pair(rng, dtype, shape, "contiguous", opts);
        for (const axis of [undefined, shape.length - 1]) {
          const tol = inexact ? { atol: SUM[dtype].atol * 100, rtol: SUM[dtype].rtol } : EXACT;
          parity(() => api[op](c, { axis }), () => api[op](g, { axis }), tol, `${op} long`);
        }
      }
    }
  }
});

test("scans along every axis", () => {
  const rng = new Rng(107);
  for (const dtype of COMPLEX) {
    for (const op of ["cumsum", "cumprod", "cummax", "cummin"]) {
      const exact = op === "cummax" || op === "cummin";
      for (let r = 0; r < ROUNDS + 1; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: op === "cumprod" ? 4 : MAXDIM });
        const opts = exact && r % 2 === 0
          ? { values: tieValues(rng, 64) }
          : { special: exact, scale: 1 };
        const [c, g] = pair(rng, dtype, shape, layout, opts);
        const axis = shape.length === 0 ? undefined : rng.int(0, shape.length - 1);
        parity(
          () => api[op](c, { axis }),
          () => api[op](g, { axis }),
          exact ? EXACT : SUM[dtype],
          `${op} ${dtype} ${layout} [${shape}] axis ${axis}`,
        );
      }
    }
  }
});

test("index families move complex elements: gather, scatter, nonzero, masks", () => {
  const rng = new Rng(108);
  for (const dtype of COMPLEX) {
    for (let r = 0; r < ROUNDS; r++) {
      const layout = LAYOUTS[r % LAYOUTS.length];
      const [c, g] = pair(rng, dtype, [5, 6], layout, { values: tieValues(rng, 16) });
      const at = `${dtype} ${layout}`;
      const idx = nr.tensor([4, 0, -1, 2, 2], { dtype: r % 2 ? "i64" : "i32" });
      const gi = idx.to(DEV);
      parity(() => nr.indexSelect(c, 1, idx), () => nr.indexSelect(g, 1, gi), EXACT, `sel ${at}`);
      const along = nr.tensor([[0, 4, 1], [2, 2, 3], [1, 0, 0], [4, 4, 4], [3, 1, 2]], {
        dtype: "i64",
      });
      const ga = along.to(DEV);
      parity(() => nr.gather(c, 1, along), () => nr.gather(g, 1, ga), EXACT, `gather ${at}`);
      const src = nr.cast(nr.tensor(randomValues(rng, dtype, 15), { dtype, shape: [5, 3] }), dtype);
      const gs = src.to(DEV);
      parity(
        () => nr.scatter(c, 1, along, src),
        () => nr.scatter(g, 1, ga, gs),
        EXACT,
        `scatter ${at}`,
      );
      for (const reduce of ["sum", "prod", "max", "min"] as const) {
        for (const includeSelf of [true, false]) {
          parity(
            () => nr.scatterReduce(c, 1, along, src, reduce, { includeSelf }),
            () => nr.scatterReduce(g, 1, ga, gs, reduce, { includeSelf }),
            EXACT,
            `scatterReduce ${reduce} ${includeSelf} ${at}`,
          );
        }
      }
      parity(() => nr.nonzero(c)[1], () => nr.nonzero(g)[1], EXACT, `nonzero ${at}`);
      const mask = nr.ne(nr.real(c), 0);
      parity(
        () => nr.maskedSelect(c, mask),
        () => nr.maskedSelect(g, mask.to(DEV)),
        EXACT,
        `maskedSelect ${at}`,
      );
      parity(
        () => nr.maskedFill(c, mask, 3),
        () => nr.maskedFill(g, mask.to(DEV), 3),
        EXACT,
        `maskedFill ${at}`,
      );
      parity(
        () => nr.indexPut(c, [idx], nr.tensor(1, { dtype })),
        () => nr.indexPut(g, [gi], nr.tensor(1, { dtype, device: DEV })),
        EXACT,
        `indexPut ${at}`,
      );
    }
  }
});
