// WebGPU throughput of numr on the current adapter: add, copy and sum of 16M f32 (whole and over
// each axis of 4096×4096), f32 matmul through
// the backend method. Each workload queues `--iters` launches and awaits one `data()` at the end;
// the time of that whole batch (nothing subtracted) divided by the launches is reported.
//
//   DENO_WEBGPU_BACKEND=vulkan deno run -A bench/webgpu/bench.ts [--sizes 4096,8192] [--n 16777216]
//
// Prints one JSON line per workload (peer "numr-webgpu", median_ms per launch, GB/s or TFLOP/s).

import * as nr from "../../mod.ts";
import { getBackend } from "../../src/runtime/backend.ts";

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const N = Number(arg("n", String(1 << 24)));
const SIZES = arg("sizes", "4096,8192").split(",").map(Number);
const ITERS = Number(arg("iters", "20"));
const REPS = Number(arg("reps", "3"));
// Elementwise launches are short: enough of them that the final wait (~10 ms) is amortised.
const EW_ITERS = Number(arg("ew-iters", "400"));

const info = await nr.webgpu();
console.log(JSON.stringify({ id: "_meta", peer: "numr-webgpu", info }));

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s / 4294967296 * 2 - 1;
  }
  return a;
}

function gpu(n: number, shape: number[]): nr.Tensor {
  return nr.tensor(rand(n), { dtype: "f32", device: "webgpu" }).reshape(shape);
}

/** Times `iters` queued launches of `f`, awaiting the last result once; median over reps. */
async function time(
  id: string,
  f: () => nr.Tensor,
  work: { bytes?: number; flops?: number },
  iters = ITERS,
): Promise<void> {
  await f().data(); // warm-up: pipeline compile, pool
  const ms: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    let last: nr.Tensor | null = null;
    for (let i = 0; i < iters; i++) {
      last?.dispose();
      last = f();
    }
    // One wait: the first element of the last result (a one-element view, not the whole output).
    await nr.narrow(last!.reshape([-1]), 0, 0, 1).data();
    ms.push((performance.now() - t0) / iters);
    last!.dispose();
  }
  ms.sort((a, b) => a - b);
  const med = ms[Math.floor(ms.length / 2)];
  const out: Record<string, unknown> = {
    id,
    peer: "numr-webgpu",
    median_ms: +med.toFixed(4),
    min_ms: +ms[0].toFixed(4),
    iters,
  };
  if (work.bytes) out.gbs = +(work.bytes / med / 1e6).toFixed(1);
  if (work.flops) out.tflops = +(work.flops / med / 1e9).toFixed(2);
  console.log(JSON.stringify(out));
}

{
  const a = gpu(N, [N]);
  const b = gpu(N, [N]);
  await time(`add_f32_${N}`, () => nr.add(a, b), { bytes: 12 * N }, EW_ITERS);
  await time(`copy_f32_${N}`, () => nr.clone(a), { bytes: 8 * N }, EW_ITERS);
  for (const n of [N >> 4, N >> 2]) {
    const x = gpu(n, [n]);
    const z = gpu(n, [n]);
    await time(`add_f32_${n}`, () => nr.add(x, z), { bytes: 12 * n }, EW_ITERS);
    x.dispose();
    z.dispose();
  }
  await time(`sum_f32_${N}`, () => nr.sum(a), { bytes: 4 * N }, EW_ITERS);
  // Axis reductions of a square matrix: rows (inner, contiguous) and columns (outer).
  const side = Math.round(Math.sqrt(N));
  const m = nr.narrow(a, 0, 0, side * side).reshape([side, side]);
  for (const axis of [1, 0]) {
    await time(`sum_axis${axis}_f32_${side}x${side}`, () => nr.sum(m, { axis }), {
      bytes: 4 * side * side,
    }, EW_ITERS);
  }
  // Check: the GPU sum against a float64 host sum.
  const host = await a.data() as Float32Array;
  let ref = 0;
  for (let i = 0; i < N; i++) ref += host[i];
  const s = nr.sum(a);
  console.log(JSON.stringify({ id: "check_sum", gpu: (await s.data())[0], f64: ref }));
  a.dispose();
  b.dispose();
}

const backend = getBackend("webgpu");
for (const n of SIZES) {
  const a = gpu(n * n, [1, n, n]);
  const b = gpu(n * n, [1, n, n]);
  const mm = (): nr.Tensor => {
    const y = nr.empty([1, n, n], { dtype: "f32", device: "webgpu" });
    backend.matmul(a, b, y, {});
    return y;
  };
  await time(`matmul_f32_${n}`, mm, { flops: 2 * n ** 3 }, n >= 8192 ? 5 : ITERS);
  // Spot check of a few entries against a host dot product.
  const y = mm();
  const yd = await y.data() as Float32Array;
  const ah = await a.data() as Float32Array;
  const bh = await b.data() as Float32Array;
  let worst = 0;
  for (const [i, j] of [[0, 0], [n - 1, n - 1], [n >> 1, 7]]) {
    let ref = 0;
    for (let k = 0; k < n; k++) ref += ah[i * n + k] * bh[k * n + j];
    worst = Math.max(worst, Math.abs(yd[i * n + j] - ref));
  }
  console.log(JSON.stringify({ id: `check_matmul_${n}`, max_abs_err: worst }));
  y.dispose();
  a.dispose();
  b.dispose();
}
