// f64 GEMM on the CUDA backend: the m8n8k4 tensor-core kernel (numr_gemm_dmma_f64, the f64
// default for unit-stride layouts), its variants and the SIMT fallback against the CPU f64 GEMM:
// tails, odd shapes (fall back), transposed and offset views, broadcast batches, the epilogue.
// Skips cleanly where no CUDA driver or device exists.
//
//   deno test -A tests/cuda_dmma_test.ts   (NUMR_CUDA_QUICK=1 skips the 2048² case)

import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { assertClose } from "./_assert.ts";
import { randomValues, Rng } from "./_random.ts";
import { F64_VARIANTS } from "../src/runtime/cuda/gemm.ts";

const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV !== "cpu" && nr.cudaAvailable();
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
const VARIANTS = [undefined, "simt", ...F64_VARIANTS];

function gelu(v: nr.Tensor): nr.Tensor {
  const c = v.add(v.mul(v).mul(v).mul(0.044715)).mul(0.7978845608028654).tanh();
  return v.mul(0.5).mul(c.add(1));
}

Deno.test({
  name: "cuda: f64 matmul: dmma, its variants and simt match the CPU (tails, views, epilogue)",
  ignore: !AVAILABLE,
  fn() {
    const rng = new Rng(61);
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(DEV) as any;
    const rand = (shape: number[]) =>
      nr.tensor(
        randomValues(rng, "f64", shape.reduce((x, y) => x * y, 1), { special: false }),
        { shape, dtype: "f64" },
      );
    // [m, n, k, batch, transpose a, transpose b, bias + gelu + alpha, broadcast b, offset a].
    // Odd K or N, transposed and 8-byte aligned views fall back to the SIMT kernel.
    type Case = [number, number, number, number, boolean, boolean, boolean, boolean, boolean];
    const cases: Case[] = [
      [1, 1, 1, 1, false, false, false, false, false],
      [127, 129, 131, 1, false, false, false, false, false],
      [128, 132, 140, 1, false, false, false, false, false],
      [257, 260, 36, 1, false, false, true, false, false],
      [257, 260, 36, 2, false, false, true, false, false],
      [130, 66, 18, 3, false, false, false, true, false],
      [2, 2, 2, 1, false, false, true, false, false],
      [129, 256, 24, 3, false, false, false, false, false],
      [65, 68, 72, 2, true, false, true, false, false],
      [65, 68, 72, 2, false, true, false, false, false],
      [70, 64, 32, 1, false, false, false, false, true],
      [100, 100, 0, 1, false, false, true, false, false],
    ];
    for (const [m, n, k, batch, ta, tb, epi, bcast, off] of cases) {
      const aS = rand(ta ? [batch, k, m] : [batch, m, k + (off ? 1 : 0)]);
      const bS = rand(tb ? [bcast ? 1 : batch, n, k] : [bcast ? 1 : batch, k, n]);
      const view = (t: nr.Tensor) => {
        const v = ta ? t.permute([0, 2, 1]) : t;
        return off ? v.narrow(2, 1, k) : v;
      };
      const bview = (t: nr.Tensor) => {
        const v = tb ? t.permute([0, 2, 1]) : t;
        return bcast ? v.broadcastTo([batch, k, n]) : v;
      };
      const a = view(aS);
      const b = bview(bS);
      const bias = rand([n]);
      let ref = nr.matmul(a, b);
      if (epi) ref = gelu(ref.mul(0.5).add(bias));
      const ad = view(aS.to(DEV));
      const bd = bview(bS.to(DEV));
      const biasD = bias.to(DEV);
      for (const variant of VARIANTS) {
        const y = nr.empty([batch, m, n], { dtype: "f64", device: DEV });
        backend.gemm(ad, bd, y, {
          variant,
          activation: epi ? "gelu" : "none",
          alpha: epi ? 0.5 : 1,
          bias: epi ? biasD : undefined,
        });
        assertClose(y.to("cpu"), ref, {
          atol: 1e-13 * Math.max(k, 1) * 9,
          rtol: 1e-12,
          message: `${m}x${n}x${k} batch ${batch} ta=${ta} tb=${tb} bcast=${bcast} off=${off} ` +
            `${variant ?? "default"}`,
        });
        y.dispose();
      }
    }
    // The public matmul takes the same path.
    const a = rand([96, 40]), b = rand([40, 80]);
    assertClose(nr.matmul(a.to(DEV), b.to(DEV)).to("cpu"), nr.matmul(a, b), {
      atol: 1e-13 * 40 * 9,
      rtol: 1e-12,
      message: "public matmul",
    });
    if (QUICK) return;
    // 2048 square against the CPU f64 GEMM.
    const s = 2048;
    const A = nr.arange(s * s, { dtype: "f64" }).mul(0.37).sin().reshape([s, s]);
    const B = nr.arange(s * s, { dtype: "f64" }).mul(0.71).cos().reshape([s, s]);
    const ref = nr.matmul(A, B);
    const Ad = A.to(DEV), Bd = B.to(DEV);
    for (const variant of VARIANTS) {
      const y = nr.empty([s, s], { dtype: "f64", device: DEV });
      backend.gemm(Ad, Bd, y, { variant });
      assertClose(y.to("cpu"), ref, {
        atol: 1e-13 * s,
        rtol: 1e-12,
        message: `2048 ${variant ?? "default"}`,
      });
      y.dispose();
    }
  },
});
