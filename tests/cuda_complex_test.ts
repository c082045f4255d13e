// CUDA complex parity: every c64/c128 kernel of the CUDA build (casts, fill, arithmetic, unary
// math, comparisons, ternary, reductions, scans, index families, complex/polar/angle) against
// the CPU backend, on random shapes (0-d and empty included), strided views, broadcasting and a
// grid of special values (NaN/±Inf/±0 in either part).
//
// What must match, and why:
// - Bit for bit (NaN payloads aside): arithmetic (add sub mul div square recip), abs, sign,
//   round, extremes, comparisons, logical ops, where/clamp/mulAdd, casts, fill, copies, index
//   families, cummax/cummin, max/min/argmax/argmin, and pow by a small integer exponent (it
//   multiplies). These are exact IEEE operations in a fixed order on both backends.
// - Within 4 ulp (of the result type, at the scale of the larger finite part of the expected
//   element; 8 for expm1, tan and tanh, whose formulas combine several rounded functions with a
//   cancellation or a quotient): transcendental functions (exp log sqrt trig hyperbolic
//   inverse..., angle, polar, pow by other exponents). The CPU calls Zig's libm (fdlibm/musl
//   ports), CUDA calls libdevice; both are within 1-2 ulp of the true value but round
//   differently (e.g. atan(0.5) and cos/sin differ in the last bit). The first H100 run saw at
//   most 2 ulp (c128; c64 results, computed in f64 and rounded once, were identical), 3 for
//   expm1 and 4 for tan/tanh. The special values still match exactly: NaN where the CPU has
//   NaN, infinities with the same sign, zeros with the same sign.
// - pow(a, b) = exp(b log a) amplifies those ulps by |b log a| and |b arg a|, so its allowance
//   grows with them (powSlack); once they exceed ~1e14 the phase of the result is noise on both
//   backends and only the NaN pattern must agree.
// - Sums, products, means and cumsum/cumprod: a tolerance relative to the modulus (CUDA adds in
//   another order).
// Every mismatch of a test is collected and reported together (up to 30 lines).
//
//   deno test -A tests/cuda_complex_test.ts   (NUMR_CUDA_QUICK=1: fewer, smaller cases)
//   NUMR_CUDA_TEST_DEVICE=cpu runs the same logic CPU against CPU (a check of the test).
//   NUMR_CUDA_ULP_REPORT=1 prints the largest ulp difference seen per op.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { LAYOUTS, randomShape, randomValues, Rng, withLayout } from "./_random.ts";

const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
const REPORT = Deno.env.get("NUMR_CUDA_ULP_REPORT") === "1";
const ROUNDS = QUICK ? 2 : 5;
const MAXDIM = QUICK ? 5 : 8;
const COMPLEX = ["c64", "c128"] as const;
type CDType = (typeof COMPLEX)[number];

/** Mismatches of the running test: the first MAX_LINES lines, and how many in all. */
const MAX_LINES = 30;
let lines: string[] = [];
let mismatches = 0;
/** Largest ulp difference and count of differing elements per op (NUMR_CUDA_ULP_REPORT). */
const seen = new Map<string, { ulps: number; differ: number; elements: number }>();

function fail(line: string): void {
  mismatches++;
  if (lines.length < MAX_LINES) lines.push(line);
}

function test(name: string, fn: () => void): void {
  Deno.test({
    name: `cuda complex: ${name}`,
    ignore: !AVAILABLE,
    fn: () => {
      lines = [];
      mismatches = 0;
      seen.clear();
      try {
        fn();
      } catch (e) {
        fail(`threw: ${e instanceof Error ? e.stack ?? e.message : e}`);
      }
      if (REPORT && seen.size > 0) {
        const rows = [...seen].map(([op, s]) =>
          `  ${op}: max ${s.ulps.toPrecision(3)} ulp, ${s.differ}/${s.elements} differ`
        );
        console.log(`ulp report (${name}):\n${rows.join("\n")}`);
      }
      if (mismatches > 0) {
        const more = mismatches > lines.length ? ` (first ${lines.length} shown)` : "";
        assert.fail(`${mismatches} mismatches${more}:\n${lines.join("\n")}`);
      }
    },
  });
}

type AnyFn = (...args: unknown[]) => nr.Tensor;
const api = nr as unknown as Record<string, AnyFn>;

/** How a result may differ from the CPU's (see the header). */
type CTol =
  | { kind: "exact" }
  | { kind: "ulp"; ulps: number }
  | { kind: "sum"; atol: number; rtol: number };
const EXACT: CTol = { kind: "exact" };
/** Allowed ulp difference of the transcendental functions (libdevice against Zig's libm). */
const MATH: CTol = { kind: "ulp", ulps: 4 };
/** expm1, tan and tanh combine several rounded functions with a cancellation or a quotient. */
const MATH_WIDE: CTol = { kind: "ulp", ulps: 8 };
const SUM: Record<CDType, CTol> = {
  c64: { kind: "sum", atol: 1e-5, rtol: 2e-6 },
  c128: { kind: "sum", atol: 1e-11, rtol: 1e-12 },
};
/** Relative slack at which pow's phase carries no information (see powSlack). */
const PHASE_FREE = 0.25;

const sameBits = (a: number, e: number) => Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));

/** The spacing of `bits`-bit floats at |x| (the smallest subnormal for 0 and subnormals). */
function ulp(x: number, bits: 32 | 64): number {
  const mant = bits === 32 ? 23 : 52;
  const minExp = bits === 32 ? -126 : -1022;
  const ax = Math.abs(x);
  if (!Number.isFinite(ax)) return Infinity;
  if (ax === 0) return 2 ** (minExp - mant);
  let e = Math.floor(Math.log2(ax));
  if (2 ** e > ax) e--;
  else if (2 ** (e + 1) <= ax) e++;
  return 2 ** (Math.max(e, minExp) - mant);
}

const MAX_FINITE = { 32: 3.4028234663852886e38, 64: Number.MAX_VALUE };

/**
 * Checks one element (1 or 2 parts) under `tol`; returns a description of the mismatch or "".
 * `slack` widens the ulp allowance by slack·scale (pow); at PHASE_FREE or more only the NaN
 * pattern must agree.
 */
function checkElement(
  a: number[],
  e: number[],
  tol: CTol,
  bits: 32 | 64,
  slack: number,
  tag: string,
): string {
  if (tol.kind === "exact" || slack < 0) {
    for (let k = 0; k < e.length; k++) if (!sameBits(a[k], e[k])) return "bits differ";
    return "";
  }
  for (let k = 0; k < e.length; k++) {
    if (Number.isNaN(a[k]) !== Number.isNaN(e[k])) return "NaN pattern differs";
  }
  if (tol.kind === "sum") {
    const mod = Math.hypot(...e);
    for (let k = 0; k < e.length; k++) {
      const x = a[k], y = e[k];
      if (Number.isNaN(y)) continue;
      if (!Number.isFinite(y) || !Number.isFinite(x)) {
        if (!Object.is(x, y)) return "infinities differ";
        continue;
      }
      const scale = Number.isFinite(mod) ? mod : Math.abs(y);
      if (Math.abs(x - y) > tol.atol + tol.rtol * scale) return "beyond the sum tolerance";
    }
    return "";
  }
  if (slack >= PHASE_FREE) return "";
  // The scale of the element: its larger finite part.
  let scale = 0;
  for (const y of e) if (Number.isFinite(y)) scale = Math.max(scale, Math.abs(y));
  const unit = ulp(scale, bits);
  const bound = tol.ulps * unit + 2 * slack * scale;
  const stat = seen.get(tag) ?? { ulps: 0, differ: 0, elements: 0 };
  seen.set(tag, stat);
  stat.elements++;
  let differs = false;
  for (let k = 0; k < e.length; k++) {
    const x = a[k], y = e[k];
    if (Number.isNaN(y)) continue;
    if (!sameBits(x, y)) differs = true;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (Object.is(x, y)) continue;
      // pow: a result at the edge of overflow may round to infinity on one side only.
      const finite = Number.isFinite(x) ? x : y;
      const edge = slack > 0 && Math.abs(finite) >= MAX_FINITE[bits] / 4;
      if (Number.isFinite(x) === Number.isFinite(y) || !edge) return "infinities differ";
      continue;
    }
    if (x === 0 && y === 0 && !Object.is(x, y)) return "zero signs differ";
    const d = Math.abs(x - y);
    stat.ulps = Math.max(stat.ulps, d / unit);
    if (d > bound) return `${(d / unit).toPrecision(3)} ulp apart (allowed ${bound / unit})`;
  }
  if (differs) stat.differ++;
  return "";
}

/**
 * Compares two tensors of any dtype element by element (complex: both parts together) and
 * records every mismatch: at most 3 lines per call, and the count.
 */
function assertMatch(
  actual: nr.Tensor,
  expected: nr.Tensor,
  tol: CTol,
  message: string,
  slack?: Float64Array,
): void {
  if (actual.dtype !== expected.dtype || actual.shape.join() !== expected.shape.join()) {
    fail(
      `${message}: got ${actual.dtype} [${actual.shape}], expected ${expected.dtype} ` +
        `[${expected.shape}]`,
    );
    return;
  }
  const a = Array.from(actual.to("cpu").dataSync() as ArrayLike<number | bigint | boolean>);
  const e = Array.from(expected.dataSync() as ArrayLike<number | bigint | boolean>);
  const complex = expected.dtype === "c64" || expected.dtype === "c128";
  const float = complex || expected.dtype === "f32" || expected.dtype === "f64";
  const bits = expected.dtype === "c64" || expected.dtype === "f32" ? 32 : 64;
  const step = complex ? 2 : 1;
  const tag = `${message.split(" ")[0]} ${expected.dtype}`;
  let bad = 0;
  for (let i = 0; i < e.length; i += step) {
    const x = a.slice(i, i + step), y = e.slice(i, i + step);
    const why = float
      ? checkElement(x as number[], y as number[], tol, bits, slack?.[i / step] ?? 0, tag)
      : (x[0] === y[0] ? "" : "values differ");
    if (why === "") continue;
    bad++;
    if (bad <= 3) fail(`${message}: element ${i / step}: got ${x}, expected ${y}: ${why}`);
  }
  if (bad > 3) fail(`${message}: ... ${bad - 3} more elements`);
}

/** Runs on both devices; the same error code when the CPU throws. */
function parity(
  cpuRun: () => nr.Tensor,
  gpuRun: () => nr.Tensor,
  tol: CTol,
  message: string,
  slack?: Float64Array,
): void {
  let expected: nr.Tensor | undefined;
  let cpuError: unknown;
  try {
    expected = cpuRun();
  } catch (e) {
    cpuError = e;
  }
  let got: nr.Tensor;
  try {
    got = gpuRun();
  } catch (e) {
    if (cpuError === undefined) return fail(`${message}: threw ${e}`);
    const same = e instanceof nr.NumrError &&
      e.code === (cpuError as nr.NumrError).code;
    if (!same) fail(`${message}: threw ${e}, the CPU ${cpuError}`);
    return;
  }
  if (cpuError !== undefined) return fail(`${message}: no error, the CPU threw ${cpuError}`);
  if (got.device !== DEV) return fail(`${message}: result on ${got.device}`);
  assertMatch(got, expected!, tol, message, slack);
}

/** Same bytes, or a mismatch with the first differing byte. */
function sameBytes(got: nr.Tensor, expected: nr.Tensor, message: string): void {
  const a = nr.toBytes(got), e = nr.toBytes(expected);
  if (got.device !== DEV) return fail(`${message}: result on ${got.device}`);
  if (a.length !== e.length) return fail(`${message}: ${a.length} bytes, expected ${e.length}`);
  let bad = 0, first = -1;
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) fail(`${message}: ${bad} bytes differ, the first at byte ${first}`);
}

/**
 * pow's allowance per element of pow(a, b) (a, b broadcast): -1 where it must be exact (b 0
 * or a small integer, a 0), else the relative error that 8 ulp of f64 in log|a| and arg a
 * become in exp(b log a): 8·eps·(|Re b log|a|| + |Im b arg a| + |Re b arg a| + |Im b log|a||).
 * Special values make the result NaN or exact on both backends, so they get 0.
 */
function powSlack(a: nr.Tensor, b: nr.Tensor | number): Float64Array {
  const bt = typeof b === "number" ? nr.tensor(b, { dtype: a.dtype }) : b;
  const shape = nr.broadcastShapes([a.shape, bt.shape]);
  const av = nr.cast(nr.broadcastTo(a, shape), "c128").dataSync() as Float64Array;
  const bv = nr.cast(nr.broadcastTo(bt, shape), "c128").dataSync() as Float64Array;
  const out = new Float64Array(av.length / 2);
  for (let i = 0; i < out.length; i++) {
    const ar = av[2 * i], ai = av[2 * i + 1], br = bv[2 * i], bi = bv[2 * i + 1];
    const integer = bi === 0 && Number.isInteger(br) && Math.abs(br) < 100;
    if (integer || (ar === 0 && ai === 0) || (br === 0 && bi === 0)) {
      out[i] = -1;
      continue;
    }
    const la = Math.log(Math.hypot(ar, ai)), arg = Math.atan2(ai, ar);
    if (![la, arg, br, bi].every(Number.isFinite)) continue;
    const c = Math.abs(br * la) + Math.abs(bi * arg) + Math.abs(br * arg) + Math.abs(bi * la);
    out[i] = 8 * Number.EPSILON * c;
  }
  return out;
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
      const tol = EXACT_UNARY.includes(op)
        ? EXACT
        : ["expm1", "tan", "tanh"].includes(op)
        ? MATH_WIDE
        : MATH;
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
      MATH,
      `angle deg ${dtype}`,
    );
  }
});

test("binary arithmetic, extremes and pow with broadcasting and mixed layouts", () => {
  const rng = new Rng(102);
  const exact = ["add", "sub", "mul", "div", "maximum", "minimum", "fmax", "fmin"];
  for (const dtype of COMPLEX) {
    for (const op of [...exact, "pow"]) {
      const tol = op === "pow" ? MATH : EXACT;
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
          op === "pow" ? powSlack(ca, cb) : undefined,
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
        op === "pow" ? powSlack(grid, rev) : undefined,
      );
      parity(
        () => api[op](grid, 2),
        () => api[op](grid.to(DEV), 2),
        tol,
        `${op} ${dtype} grid, 2`,
        op === "pow" ? powSlack(grid, 2) : undefined,
      );
    }
    // Small integer powers multiply, others go through exp(b log a).
    const [ca, ga] = pair(rng, dtype, [40], "contiguous", { special: false, scale: 1 });
    for (const p of [0, 1, 2, 3, -1, -2, 5, 0.5, -7]) {
      parity(() => nr.pow(ca, p), () => nr.pow(ga, p), MATH, `pow ${dtype} ^${p}`, powSlack(ca, p));
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
          sameBytes(nr.cast(g, to), nr.cast(c, to), `cast ${from} -> ${to} ${layout} [${shape}]`);
        }
      }
    }
    for (
      const value of [{ re: 1.5, im: -2 }, { re: NaN, im: -0 }, 3, { re: -Infinity, im: 1e-40 }]
    ) {
      const a = nr.full([3, 5], value, { dtype, device: DEV });
      const b = nr.full([3, 5], value, { dtype });
      sameBytes(a, b, `full ${dtype} ${JSON.stringify(value)}`);
    }
    const strided = nr.zeros([4, 6], { dtype, device: DEV });
    getBackend(DEV).fill(strided.transpose().slice([1, 5, 2]), { re: 7, im: -1 });
    const strided0 = nr.zeros([4, 6], { dtype });
    getBackend("cpu").fill(strided0.transpose().slice([1, 5, 2]), { re: 7, im: -1 });
    sameBytes(strided, strided0, `strided fill ${dtype}`);
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
      parity(() => nr.polar(cr, ci), () => nr.polar(gr, gi), MATH, `polar ${p}`);
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
          const sum = SUM[dtype] as { atol: number; rtol: number };
          const tol: CTol = inexact ? { kind: "sum", atol: sum.atol * 100, rtol: sum.rtol } : EXACT;
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
