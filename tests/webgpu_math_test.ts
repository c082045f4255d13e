// Strict accuracy of the WebGPU transcendental functions: f32 and c64 results against the CPU's
// (within 1-2 ulps of the correctly rounded value) over wide argument ranges, in f32 ulps.
// WGSL's builtins (hardware approximations on NVIDIA: sin/cos of large arguments, exp near
// ±88, log near 1, cancellation in sinh/cosh/expm1/log1p) would miss these bounds by orders of
// magnitude, so the test fails if the shaders fall back to them. Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { Rng } from "./_random.ts";
import { HAS_GPU, toGpu } from "./_webgpu.ts";

const ignore = !HAS_GPU;
const N = 4096;

/** Orders f32 values so that adjacent floats differ by 1. */
function ord(x: number): number {
  const i = new Int32Array(new Float32Array([x]).buffer)[0];
  return i < 0 ? -2147483648 - i : i;
}

/** Distance in f32 ulps (0 when both are NaN, Infinity when only one is, or for ±0 vs ∓0). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0 || b === 0) {
    return Object.is(a, b) ? 0 : a === b ? Infinity : Math.abs(ord(a) - ord(b));
  }
  return Math.abs(ord(a) - ord(b));
}

/** The f32 ulp of |v| (normal range). */
function ulpOf(v: number): number {
  const a = Math.max(Math.abs(v), 2 ** -126);
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1e-30, -1e-30, 3e38, -3e38, 1, -1];

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();
const logUniform = (rng: Rng, lo: number, hi: number) =>
  Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
const signed = (rng: Rng, v: number) => (rng.next() < 0.5 ? -v : v);

/** N arguments: a mix of generators, then the special values. */
function args(rng: Rng, gens: ((rng: Rng) => number)[]): Float32Array {
  const xs = new Float32Array(N + SPECIAL.length);
  for (let i = 0; i < N; i++) xs[i] = gens[i % gens.length](rng);
  xs.set(SPECIAL, N);
  return xs;
}

type Gen = (rng: Rng) => number;
const u = (lo: number, hi: number): Gen => (rng) => uniform(rng, lo, hi);
const lu = (lo: number, hi: number): Gen => (rng) => logUniform(rng, lo, hi);
const slu = (lo: number, hi: number): Gen => (rng) => signed(rng, logUniform(rng, lo, hi));
/** Values near the f32 neighbours of k pi/2 (hard cases of the argument reduction). */
const nearPio2 = (kmax: number): Gen => (rng) => {
  const k = Math.floor(logUniform(rng, 1, kmax));
  return Math.fround(k * Math.PI / 2) + rng.int(-3, 3) * ulpOf(k * Math.PI / 2);
};
/** Subnormal f32 arguments by their bits. */
const subnormal: Gen = (rng) => rng.int(1, 0x7fffff) * 2 ** -149;

/** f32 unary ops: argument generators and the tolerance in ulps. */
const UNARY: Record<string, { gens: Gen[]; tol: number }> = {
  sin: { gens: [u(-10, 10), u(-1e4, 1e4), slu(1e4, 3e38), nearPio2(1e6), slu(1e-6, 1)], tol: 2 },
  cos: { gens: [u(-10, 10), u(-1e4, 1e4), slu(1e4, 3e38), nearPio2(1e6), slu(1e-6, 1)], tol: 2 },
  tan: { gens: [u(-10, 10), u(-1e4, 1e4), slu(1e4, 3e38), nearPio2(1e6), slu(1e-6, 1)], tol: 3 },
  exp: { gens: [u(-87, 88.7), u(85, 88.72), u(-87.3, -80), slu(1e-8, 1)], tol: 2 },
  exp2: { gens: [u(-126, 127.99), u(120, 127.99), slu(1e-8, 1)], tol: 2 },
  expm1: { gens: [u(-20, 88.7), slu(1e-8, 0.35), u(-1, 1), u(80, 88.7)], tol: 2 },
  log: { gens: [lu(1e-38, 3e38), u(0.99, 1.01), u(0.5, 2), subnormal], tol: 2 },
  log2: { gens: [lu(1e-38, 3e38), u(0.99, 1.01), u(0.5, 2), subnormal], tol: 2 },
  log10: { gens: [lu(1e-38, 3e38), u(0.99, 1.01), u(0.5, 2), subnormal], tol: 2 },
  log1p: { gens: [lu(1e-8, 3e38), slu(1e-8, 0.5), u(-0.999, 1), lu(1, 1e4)], tol: 2 },
  sinh: { gens: [u(-89, 89), slu(1e-6, 1), u(-12, 12), u(88, 89.4)], tol: 3 },
  cosh: { gens: [u(-89, 89), slu(1e-6, 1), u(-12, 12), u(88, 89.4)], tol: 3 },
  tanh: { gens: [u(-10, 10), slu(1e-6, 1), u(-1, 1)], tol: 3 },
  asin: { gens: [u(-1, 1), slu(1e-6, 1), u(0.99, 1), u(-1, -0.99)], tol: 3 },
  acos: { gens: [u(-1, 1), slu(1e-6, 1), u(0.99, 1), u(-1, -0.99)], tol: 3 },
  atan: { gens: [slu(1e-6, 1e20), u(-3, 3)], tol: 3 },
  asinh: { gens: [slu(1e-6, 1e30), u(-3, 3)], tol: 3 },
  acosh: { gens: [lu(1, 1e30), u(1, 3), u(1, 1.01)], tol: 3 },
  atanh: { gens: [u(-1, 1), slu(1e-6, 0.5), u(0.99, 1), u(-1, -0.99)], tol: 3 },
};

/** Compares GPU and CPU f32 results; returns the largest distance in ulps. */
function compare(
  label: string,
  xs: ArrayLike<number>,
  cpu: ArrayLike<number>,
  gpu: ArrayLike<number>,
  tol: (i: number) => number,
  argOf: (i: number) => string = (i) => `${xs[i]}`,
): number {
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) {
    const d = ulps(gpu[i], cpu[i]);
    if (d > tol(i)) {
      assert.fail(`${label}(${argOf(i)}): GPU ${gpu[i]} vs CPU ${cpu[i]} (${d} ulps > ${tol(i)})`);
    }
    worst = Math.max(worst, d);
  }
  return worst;
}

async function both(x: Tensor, f: (t: Tensor) => Tensor): Promise<[Float32Array, Float32Array]> {
  const cpu = f(x).dataSync() as Float32Array;
  const g = f(toGpu(x));
  const gpu = (await g.data()) as Float32Array;
  g.dispose();
  return [cpu, gpu];
}

Deno.test({
  name: "webgpu math: f32 transcendentals within a few ulps of the CPU on wide ranges",
  ignore,
  async fn() {
    const rng = new Rng(5);
    const report: string[] = [];
    for (const [op, { gens, tol }] of Object.entries(UNARY)) {
      const xs = args(rng, gens);
      const x = nr.tensor(xs, { dtype: "f32" });
      // deno-lint-ignore no-explicit-any
      const [cpu, gpu] = await both(x, (nr as any)[op]);
      report.push(`${op} ${compare(op, xs, cpu, gpu, () => tol)}`);
    }
    // pow: exp2(y log2 x) in f32 carries |y log2 x| f32 roundings of its exponent.
    const a = new Float32Array(N);
    const b = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      a[i] = logUniform(rng, 1e-3, 1e3);
      b[i] = uniform(rng, -6, 6);
    }
    const bt = nr.tensor(b, { dtype: "f32" });
    const [cpu, gpu] = await both(
      nr.tensor(a, { dtype: "f32" }),
      (t) => nr.pow(t, t.device === "cpu" ? bt : toGpu(bt)),
    );
    const tol = (i: number) => 3 + 3 * Math.abs(b[i] * Math.log2(a[i]));
    report.push(`pow ${compare("pow", a, cpu, gpu, tol, (i) => `${a[i]}, ${b[i]}`)}`);
    console.log(`max ulps: ${report.join(", ")}`);
  },
});

/** c64 ops: generators of the real and imaginary parts, tolerance in ulps of max(|re|, |im|). */
const COMPLEX: Record<string, { re: Gen[]; im: Gen[]; tol: number }> = {
  exp: { re: [u(-80, 80), u(-5, 5)], im: [u(-1e4, 1e4), slu(1e4, 1e30), u(-4, 4)], tol: 4 },
  log: { re: [slu(1e-10, 1e30), u(-3, 3)], im: [slu(1e-10, 1e30), u(-3, 3)], tol: 4 },
  sin: { re: [u(-1e4, 1e4), u(-4, 4)], im: [u(-80, 80), u(-2, 2)], tol: 4 },
  cos: { re: [u(-1e4, 1e4), u(-4, 4)], im: [u(-80, 80), u(-2, 2)], tol: 4 },
  tan: { re: [u(-1e4, 1e4), u(-2, 2)], im: [u(-20, 20), u(-1, 1)], tol: 8 },
  sinh: { re: [u(-80, 80), u(-2, 2)], im: [u(-1e4, 1e4), u(-4, 4)], tol: 4 },
  cosh: { re: [u(-80, 80), u(-2, 2)], im: [u(-1e4, 1e4), u(-4, 4)], tol: 4 },
  tanh: { re: [u(-20, 20), u(-1, 1)], im: [u(-1e4, 1e4), u(-2, 2)], tol: 8 },
  expm1: { re: [u(-20, 80), slu(1e-6, 0.3)], im: [u(-1e4, 1e4), slu(1e-6, 0.3)], tol: 6 },
  log1p: { re: [slu(1e-6, 0.4), u(-0.9, 30)], im: [slu(1e-6, 0.4), u(-30, 30)], tol: 6 },
  asin: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
  acos: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
  atan: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
  asinh: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
  acosh: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
  atanh: { re: [u(-3, 3), slu(1e-6, 1e10)], im: [u(-3, 3), slu(1e-6, 1e10)], tol: 6 },
};

/** Normwise distance of complex results in ulps of the larger part of the CPU's. */
function cdist(g: number, c: number, cr: number, ci: number): number {
  if (!Number.isFinite(c) || !Number.isFinite(g)) return ulps(g, c);
  return Math.abs(g - c) / ulpOf(Math.max(Math.abs(cr), Math.abs(ci)));
}

function ccompare(
  label: string,
  cpu: Float32Array,
  gpu: Float32Array,
  tol: (i: number) => number,
  argOf: (i: number) => string,
): number {
  let worst = 0;
  for (let i = 0; i < cpu.length / 2; i++) {
    const [cr, ci, gr, gi] = [cpu[2 * i], cpu[2 * i + 1], gpu[2 * i], gpu[2 * i + 1]];
    const d = Math.max(cdist(gr, cr, cr, ci), cdist(gi, ci, cr, ci));
    if (d > tol(i)) {
      assert.fail(
        `${label}(${argOf(i)}): GPU ${gr}${gi >= 0 ? "+" : ""}${gi}j vs CPU ${cr}${
          ci >= 0 ? "+" : ""
        }${ci}j (${d.toFixed(1)} ulps > ${tol(i)})`,
      );
    }
    worst = Math.max(worst, d);
  }
  return Math.round(worst * 10) / 10;
}

Deno.test({
  name: "webgpu math: c64 transcendentals within a few ulps of the CPU on wide ranges",
  ignore,
  async fn() {
    const rng = new Rng(6);
    const report: string[] = [];
    const n = N / 4;
    for (const [op, { re, im, tol }] of Object.entries(COMPLEX)) {
      const xr = new Float32Array(n);
      const xi = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        xr[i] = re[i % re.length](rng);
        xi[i] = im[Math.floor(i / re.length) % im.length](rng);
      }
      const z = nr.complex(nr.tensor(xr, { dtype: "f32" }), nr.tensor(xi, { dtype: "f32" }));
      // deno-lint-ignore no-explicit-any
      const [cpu, gpu] = await both(z, (nr as any)[op]);
      assert.equal(cpu.length, 2 * n);
      report.push(`${op} ${ccompare(op, cpu, gpu, () => tol, (i) => `${xr[i]}+${xi[i]}j`)}`);
    }
    // pow: the exponent b log a and its f32 roundings scale the error.
    const ar = new Float32Array(n);
    const ai = new Float32Array(n);
    const br = new Float32Array(n);
    const bi = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      ar[i] = uniform(rng, -5, 5);
      ai[i] = uniform(rng, -5, 5);
      br[i] = uniform(rng, -4, 4) + 0.25;
      bi[i] = uniform(rng, -2, 2);
    }
    const za = nr.complex(nr.tensor(ar, { dtype: "f32" }), nr.tensor(ai, { dtype: "f32" }));
    const zb = nr.complex(nr.tensor(br, { dtype: "f32" }), nr.tensor(bi, { dtype: "f32" }));
    const [cpu, gpu] = await both(za, (t) => nr.pow(t, t.device === "cpu" ? zb : toGpu(zb)));
    const tol = (i: number) => {
      const la = Math.log(Math.hypot(ar[i], ai[i]));
      const arg = Math.atan2(ai[i], ar[i]);
      return 6 + 3 * (Math.abs(br[i] * la - bi[i] * arg) + Math.abs(br[i] * arg + bi[i] * la));
    };
    const label = (i: number) => `${ar[i]}+${ai[i]}j, ${br[i]}+${bi[i]}j`;
    report.push(`pow ${ccompare("pow", cpu, gpu, tol, label)}`);
    console.log(`max ulps: ${report.join(", ")}`);
  },
});
