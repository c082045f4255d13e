// Hopper GEMM variants (native/cuda/gemm90.cu): the cp.async wgmma kernel and the TMA +
// warp-specialised kernels (one block per tile and persistent) for bf16 and f16, and the fp8 TMA
// kernel, against an f64 reference (the i8 TMA kernel exactly against the CPU) on awkward
// shapes: tails in M, N and K, K below one 64-wide box, 1 x 8 x 8, batches,
// more tiles than SMs (persistent blocks loop), strided rows and offsets, a broadcast batch
// (falls back to the cp.async kernel), with and without bias + gelu + alpha. Other devices run
// the default kernel for every variant name (fallback). Skips cleanly without a CUDA driver.
//
//   deno test -A tests/cuda_gemm90_test.ts   (NUMR_CUDA_QUICK=1: the small shapes only)

import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { assertClose } from "./_assert.ts";
import { randomValues, Rng } from "./_random.ts";

// NUMR_CUDA_TEST_DEVICE=cpu runs the same checks on the CPU backend (a check of the test).
const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
/** Variant names per dtype (undefined: the default, the TMA kernel on Hopper). */
const VARIANTS: Record<string, (string | undefined)[]> = {
  f16: [undefined, "wgmma", "tma1", "tma128s6"],
  bf16: [undefined, "wgmma", "tma1", "tma128s6", "tma128s5", "tma256", "tma256x128"],
};

/** f64 reference of a [batch, m, k] @ [batch, k, n] product (row-major Float64Arrays). */
function reference(
  a: Float64Array,
  b: Float64Array,
  batch: number,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    for (let i = 0; i < m; i++) {
      const row = out.subarray((z * m + i) * n, (z * m + i + 1) * n);
      for (let p = 0; p < k; p++) {
        const x = a[(z * m + i) * k + p];
        const bo = (z * k + p) * n;
        for (let j = 0; j < n; j++) row[j] += x * b[bo + j];
      }
    }
  }
  return out;
}

function gelu(v: number): number {
  return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
}

interface Case {
  m: number;
  n: number;
  k: number;
  batch: number;
  /** Extra elements per row of A (a strided view of a wider buffer, offset by 8). */
  pad?: number;
  /** B shared by every batch (batch stride 0). */
  broadcast?: boolean;
}

const CASES: Case[] = [
  { m: 128, n: 256, k: 64, batch: 1 },
  { m: 200, n: 264, k: 136, batch: 2 },
  { m: 1, n: 8, k: 8, batch: 1 },
  { m: 129, n: 24, k: 72, batch: 2 },
  { m: 257, n: 264, k: 8, batch: 1 },
  { m: 70, n: 136, k: 200, batch: 3, pad: 16 },
  { m: 96, n: 200, k: 48, batch: 2, broadcast: true },
  ...(QUICK ? [] : [
    { m: 300, n: 520, k: 1000, batch: 1 },
    // More tiles than SMs (132 on the H100): 2 x 17 (BN 256) or 2 x 33 (BN 128) x 4 batches.
    { m: 136, n: 4104, k: 72, batch: 4 },
  ]),
];

Deno.test({
  name: "cuda gemm90: wgmma and TMA variants match an f64 reference (tails, batches, epilogue)",
  ignore: !AVAILABLE,
  fn() {
    const dev = DEV;
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(dev) as any;
    const rng = new Rng(90);
    for (const { m, n, k, batch, pad = 0, broadcast = false } of CASES) {
      const bb = broadcast ? 1 : batch;
      const aw = k + pad;
      const av = randomValues(rng, "f64", batch * m * aw + 8, { special: false }) as number[];
      const bv = randomValues(rng, "f64", bb * k * n, { special: false }) as number[];
      const biasv = randomValues(rng, "f64", n, { special: false }) as number[];
      for (const dtype of ["bf16", "f16"] as const) {
        // Round through the dtype so the reference sees the same inputs.
        const aFull = nr.cast(nr.tensor(av, { dtype: "f64" }), dtype);
        const aCpu = aFull.slice([8, 8 + batch * m * aw]).reshape([batch, m, aw])
          .slice(null, null, [0, k]);
        const bCpu = nr.cast(nr.tensor(bv, { dtype: "f64", shape: [bb, k, n] }), dtype);
        const biasCpu = nr.cast(nr.tensor(biasv, { dtype: "f64" }), dtype);
        const a64 = nr.cast(aCpu, "f64").contiguous().dataSync() as Float64Array;
        let b64 = nr.cast(bCpu, "f64").dataSync() as Float64Array;
        if (broadcast) {
          const rep = new Float64Array(batch * k * n);
          for (let z = 0; z < batch; z++) rep.set(b64, z * k * n);
          b64 = rep;
        }
        const bias64 = nr.cast(biasCpu, "f64").dataSync() as Float64Array;
        const plain = reference(a64, b64, batch, m, n, k);
        const epi = plain.map((v, i) => gelu(0.5 * v + bias64[i % n]));
        const aFullDev = aFull.to(dev);
        const a = aFullDev.slice([8, 8 + batch * m * aw]).reshape([batch, m, aw])
          .slice(null, null, [0, k]);
        const b0 = bCpu.to(dev);
        const b = broadcast ? b0.broadcastTo([batch, k, n]) : b0;
        const bias = biasCpu.to(dev);
        for (const variant of VARIANTS[dtype]) {
          for (const withEpi of [false, true]) {
            let y: nr.Tensor;
            if (dev === "cpu") {
              // The CPU's matmul (alpha 0.5 folded into a: exact for these dtypes).
              y = withEpi
                ? nr.matmulBias(a.mul(0.5), b, bias, { activation: "gelu" })
                : nr.matmul(a, b);
            } else {
              y = nr.empty([batch, m, n], { dtype, device: dev });
              backend.gemm(a, b, y, {
                variant,
                activation: withEpi ? "gelu" : "none",
                alpha: withEpi ? 0.5 : 1,
                bias: withEpi ? bias : undefined,
              });
            }
            const got = nr.cast(y.to("cpu"), "f64");
            const want = nr.tensor(withEpi ? epi : plain, { shape: [batch, m, n] });
            assertClose(got, want, {
              atol: 3e-2 * Math.sqrt(k),
              rtol: 3e-2,
              message: `${dtype} ${batch}x${m}x${n}x${k} pad ${pad} broadcast ${broadcast} ` +
                `${variant ?? "default"} epilogue ${withEpi}`,
            });
            y.dispose();
          }
        }
      }
    }
  },
});

// fp8 (e4m3, e5m2) with B a transposed view (unit K stride: the layout wgmma reads for fp8):
// the TMA kernel (default on Hopper), its one-block-per-tile launch and the mma.sync kernel.
const FP8_CASES: Case[] = [
  { m: 128, n: 128, k: 128, batch: 1 },
  { m: 200, n: 264, k: 144, batch: 2 },
  { m: 1, n: 16, k: 32, batch: 1 },
  { m: 129, n: 40, k: 48, batch: 1 },
  { m: 70, n: 136, k: 400, batch: 3, pad: 32 },
  { m: 96, n: 200, k: 64, batch: 2, broadcast: true },
  ...(QUICK ? [] : [{ m: 136, n: 4104, k: 64, batch: 4 }]),
];

Deno.test({
  name: "cuda gemm90: fp8 TMA kernel matches an f64 reference (B transposed, tails, epilogue)",
  ignore: !AVAILABLE || DEV === "cpu",
  fn() {
    const dev = DEV;
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(dev) as any;
    const rng = new Rng(91);
    for (const { m, n, k, batch, pad = 0, broadcast = false } of FP8_CASES) {
      const bb = broadcast ? 1 : batch;
      const aw = k + pad;
      const av = randomValues(rng, "f64", batch * m * aw + 16, { special: false }) as number[];
      const bv = randomValues(rng, "f64", bb * n * k, { special: false }) as number[];
      const biasv = randomValues(rng, "f64", n, { special: false }) as number[];
      for (const dtype of ["fp8e4m3", "fp8e5m2"] as const) {
        const aFull = nr.cast(nr.tensor(av, { dtype: "f64" }), dtype);
        const aCpu = aFull.slice([16, 16 + batch * m * aw]).reshape([batch, m, aw])
          .slice(null, null, [0, k]);
        // B stored [bb, n, k] (rows of K), used as its [bb, k, n] transposed view.
        const btCpu = nr.cast(nr.tensor(bv, { dtype: "f64", shape: [bb, n, k] }), dtype);
        const a64 = nr.cast(aCpu, "f64").contiguous().dataSync() as Float64Array;
        let b64 = nr.cast(btCpu.transpose(1, 2), "f64").contiguous().dataSync() as Float64Array;
        if (broadcast) {
          const rep = new Float64Array(batch * k * n);
          for (let z = 0; z < batch; z++) rep.set(b64, z * k * n);
          b64 = rep;
        }
        const bias64 = new Float64Array(new Float32Array(biasv));
        const plain = reference(a64, b64, batch, m, n, k);
        const epi = plain.map((v, i) => gelu(0.5 * v + bias64[i % n]));
        const a = aFull.to(dev).slice([16, 16 + batch * m * aw]).reshape([batch, m, aw])
          .slice(null, null, [0, k]);
        const b0 = btCpu.to(dev).transpose(1, 2);
        const b = broadcast ? b0.broadcastTo([batch, k, n]) : b0;
        const bias = nr.tensor(biasv, { dtype: "f32" }).to(dev);
        for (const variant of [undefined, "tma8x1", "mma8t"]) {
          for (const withEpi of [false, true]) {
            const y = nr.empty([batch, m, n], { dtype: "f32", device: dev });
            backend.gemm(a, b, y, {
              variant,
              activation: withEpi ? "gelu" : "none",
              alpha: withEpi ? 0.5 : 1,
              bias: withEpi ? bias : undefined,
            });
            const got = nr.cast(y.to("cpu"), "f64");
            const want = nr.tensor(withEpi ? epi : plain, { shape: [batch, m, n] });
            // Hopper's fp8 wgmma accumulates with fewer bits than f32 (about 2^-13 relative
            // per addition seen here): the tolerance scales with the typical sum size.
            assertClose(got, want, {
              atol: 2e-3 * 9 * Math.sqrt(k),
              rtol: 2e-3,
              message: `${dtype} ${batch}x${m}x${n}x${k} pad ${pad} broadcast ${broadcast} ` +
                `${variant ?? "default"} epilogue ${withEpi}`,
            });
            y.dispose();
          }
        }
      }
    }
  },
});

// i8 TMA kernel (numr_gemm_tma8_i8: s32 wgmma, B a transposed view) against the CPU's exact i32
// products: tails, a strided/offset A, batches, a broadcast B, the 1 x 8 x 8 fallback (K below
// the 16-multiple), sums that wrap mod 2^32 at large K, bias (wrapping) + relu; alpha is ignored.
const I8_CASES: Case[] = [
  { m: 128, n: 128, k: 128, batch: 1 },
  { m: 200, n: 264, k: 144, batch: 2 },
  { m: 1, n: 8, k: 8, batch: 1 },
  { m: 1, n: 16, k: 32, batch: 1 },
  { m: 129, n: 40, k: 48, batch: 1 },
  { m: 70, n: 136, k: 400, batch: 3, pad: 32 },
  { m: 33, n: 72, k: 16, batch: 2, pad: 16 },
  { m: 96, n: 200, k: 64, batch: 2, broadcast: true },
  ...(QUICK ? [] : [{ m: 136, n: 4104, k: 64, batch: 4 }, { m: 300, n: 520, k: 1040, batch: 1 }]),
];

/** Random i8 values over the whole range. */
function i8Values(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.int(-128, 127));
}

/** Exact comparison of two i32 tensors. */
function assertI32(got: nr.Tensor, want: Int32Array, what: string): void {
  const g = got.dataSync() as Int32Array;
  if (g.length !== want.length) throw new Error(`${what}: ${g.length} != ${want.length} values`);
  for (let i = 0; i < want.length; i++) {
    if (g[i] !== want[i]) throw new Error(`${what}: element ${i}: ${g[i]} != ${want[i]}`);
  }
}

Deno.test({
  name: "cuda gemm90: i8 TMA kernel equals the CPU exactly (B transposed, tails, bias + relu)",
  ignore: !AVAILABLE || DEV === "cpu",
  fn() {
    const dev = DEV;
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(dev) as any;
    const rng = new Rng(93);
    for (const { m, n, k, batch, pad = 0, broadcast = false } of I8_CASES) {
      const bb = broadcast ? 1 : batch;
      const aw = k + pad;
      const aFull = nr.tensor(i8Values(rng, batch * m * aw + 16), { dtype: "i8" });
      const aCpu = aFull.slice([16, 16 + batch * m * aw]).reshape([batch, m, aw])
        .slice(null, null, [0, k]);
      // B stored [bb, n, k] (rows of K), used as its [bb, k, n] transposed view.
      const btCpu = nr.tensor(i8Values(rng, bb * n * k), { dtype: "i8", shape: [bb, n, k] });
      const bCpu = btCpu.transpose(1, 2);
      const plain = nr.matmul(aCpu, broadcast ? bCpu.broadcastTo([batch, k, n]) : bCpu)
        .dataSync() as Int32Array;
      const biasv = Array.from({ length: n }, () => rng.int(-(2 ** 31), 2 ** 31 - 1));
      const epi = plain.map((v, i) => Math.max((v + biasv[i % n]) | 0, 0));
      const a = aFull.to(dev).slice([16, 16 + batch * m * aw]).reshape([batch, m, aw])
        .slice(null, null, [0, k]);
      const b0 = btCpu.to(dev).transpose(1, 2);
      const b = broadcast ? b0.broadcastTo([batch, k, n]) : b0;
      const bias = nr.tensor(biasv, { dtype: "i32" }).to(dev);
      for (const variant of [undefined, "tma8x1", "mma8t"]) {
        for (const withEpi of [false, true]) {
          const y = nr.empty([batch, m, n], { dtype: "i32", device: dev });
          backend.gemm(a, b, y, {
            variant,
            activation: withEpi ? "relu" : "none",
            alpha: withEpi ? 0.5 : 1,
            bias: withEpi ? bias : undefined,
          });
          assertI32(
            y.to("cpu"),
            withEpi ? epi : plain,
            `i8 ${batch}x${m}x${n}x${k} pad ${pad} broadcast ${broadcast} ` +
              `${variant ?? "default"} epilogue ${withEpi}`,
          );
          y.dispose();
        }
      }
    }
  },
});

Deno.test({
  name: "cuda gemm90: i8 TMA sums wrap mod 2^32 at large K",
  ignore: !AVAILABLE || DEV === "cpu",
  fn() {
    const dev = DEV;
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(dev) as any;
    const k = QUICK ? 140_032 : 300_032; // 127 · 127 · k > 2^31
    for (const [x, w] of [[127, 127], [127, -128], [-128, -128]]) {
      const a = nr.full([130, k], x, { dtype: "i8", device: dev });
      const bt = nr.full([24, k], w, { dtype: "i8", device: dev });
      for (const variant of [undefined, "tma8x1"]) {
        const y = nr.empty([130, 24], { dtype: "i32", device: dev });
        backend.gemm(a, bt.transpose(), y, { variant });
        const want = new Int32Array(130 * 24).fill((x * w * k) | 0);
        assertI32(y.to("cpu"), want, `i8 wrap ${x}·${w}·${k} ${variant ?? "default"}`);
        y.dispose();
      }
      a.dispose();
      bt.dispose();
    }
  },
});
