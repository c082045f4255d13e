// CUDA benchmarks side by side with PyTorch (deno task bench:cuda): elementwise add bandwidth
// against the device copy bandwidth, a tiny op's per-op cost, reductions and GEMM TFLOP/s.
// Prints a table; with --json PATH writes the numbers. --variants: only the f32 GEMM variants at
// 4096 next to PyTorch (TF32 off).

import * as nr from "../../mod.ts";
import { getBackend } from "../../src/runtime/backend.ts";
import { F32_VARIANTS, F64_VARIANTS } from "../../src/runtime/cuda/gemm.ts";
import { medianSeconds } from "./_timing.ts";

if (!nr.cudaAvailable()) {
  console.log("no CUDA device: skipped");
  Deno.exit(0);
}
const DEV = nr.cuda(0);
// deno-lint-ignore no-explicit-any
const backend = getBackend(DEV) as any;

/** Median seconds of `fn` (synchronised calls). */
function time(fn: () => void, reps = 30, warm = 3): number {
  return medianSeconds(DEV, fn, reps, warm);
}

/** PyTorch's numbers (torch_peer.py with `args`), {} when it fails. */
function torchPeer(args: string[] = []): Record<string, number> {
  try {
    const out = new Deno.Command("python3", {
      args: [new URL("./torch_peer.py", import.meta.url).pathname, ...args],
      stderr: "inherit",
    }).outputSync();
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  } catch (e) {
    console.error(`PyTorch peer failed: ${(e as Error).message}`);
    return {};
  }
}

// --variants: only the f32 GEMM at 4096, the default and every variant in interleaved rounds
// (best median per variant), then PyTorch (TF32 off) in the same call.
if (Deno.args.includes("--variants")) {
  const m = 4096;
  const A = nr.arange(m * m, { dtype: "f32" }).mul(1e-7).reshape([m, m]).to(DEV);
  const B = nr.arange(m * m, { dtype: "f32" }).mul(-1e-7).reshape([m, m]).to(DEV);
  const C = nr.empty([m, m], { dtype: "f32", device: DEV });
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (const variant of [undefined, ...F32_VARIANTS]) {
      const s = time(() => backend.gemm(A, B, C, { variant }), 10, 2);
      const tf = (2 * m ** 3) / s / 1e12;
      const key = variant ?? "default";
      best.set(key, Math.max(best.get(key) ?? 0, tf));
    }
  }
  const torch = torchPeer(["--gemm-f32"]);
  const ref = torch["gemm_f32_4096_TFLOPs"] ?? NaN;
  console.log(`device: ${backend.ctx.name}; PyTorch f32 4096 (TF32 off): ${ref.toFixed(2)}`);
  for (const [name, tf] of best) {
    console.log(
      `gemm f32 ${m} ${name.padEnd(22)} ${tf.toFixed(2).padStart(7)} TFLOP/s  ` +
        `${(tf / ref).toFixed(3)}x torch`,
    );
  }
  const jsonAt = Deno.args.indexOf("--json");
  if (jsonAt >= 0) {
    Deno.writeTextFileSync(
      Deno.args[jsonAt + 1],
      JSON.stringify({ numr: Object.fromEntries(best), torch }, null, 1),
    );
  }
  Deno.exit(0);
}

const rows: [string, number, string][] = [];
// --only lowp: just the 8-bit GEMM rows (and the same rows of the PyTorch peer); --only half:
// just the bf16/f16 GEMM rows with every variant; --only gemv: just the matvec/vecmat rows;
// --only f64: just the f64 GEMM rows (the dmma default, "simt" = the old SIMT kernel, every dmma
// variant); --only half,lowp: both.
const onlyAt = Deno.args.indexOf("--only");
const ONLY = onlyAt >= 0 ? Deno.args[onlyAt + 1] : undefined;
const only = (part: string) => ONLY?.split(",").includes(part) ?? false;
const all = ONLY === undefined;
const n = all ? 1 << 24 : 1;
if (all) {
  const x = nr.arange(n, { dtype: "f32" }).to(DEV);
  const z = nr.arange(n, { dtype: "f32" }).mul(0.5).to(DEV);
  const y = nr.empty([n], { dtype: "f32", device: DEV });
  // Several launches per timing so launch gaps do not count.
  const R = 20;
  const add = time(() => {
    for (let i = 0; i < R; i++) backend.binary("add", x, z, y);
  }) / R;
  rows.push(["add f32 16M (GB/s)", (3 * 4 * n) / add / 1e9, "numr"]);
  const copy = time(() => {
    for (let i = 0; i < R; i++) backend.cast(x, y);
  }) / R;
  rows.push(["copy f32 16M, numr kernel (GB/s)", (2 * 4 * n) / copy / 1e9, "numr"]);
  const h = nr.empty([n], { dtype: "f16", device: DEV });
  const hx = nr.cast(x, "f16");
  const addh = time(() => {
    for (let i = 0; i < R; i++) backend.binary("add", hx, hx, h);
  }) / R;
  rows.push(["add f16 16M (GB/s)", (3 * 2 * n) / addh / 1e9, "numr"]);
  const xs = x.reshape([4096, 4096]).transpose();
  const tr = time(() => {
    for (let i = 0; i < R; i++) backend.unary("neg", xs, y.reshape([4096, 4096]));
  }) / R;
  rows.push(["neg f32 of a transposed 4096² view (GB/s)", (2 * 4 * n) / tr / 1e9, "numr"]);
  const sum = time(() => {
    for (let i = 0; i < R; i++) x.sum().dispose();
  }) / R;
  rows.push(["sum f32 16M (GB/s)", (4 * n) / sum / 1e9, "numr"]);
  const rowsum = time(() => {
    for (let i = 0; i < R; i++) x.reshape([4096, 4096]).sum({ axis: 1 }).dispose();
  }) / R;
  rows.push(["sum f32 4096² axis 1 (GB/s)", (4 * n) / rowsum / 1e9, "numr"]);

  const sq = x.reshape([4096, 4096]);
  const cum0 = time(() => {
    for (let i = 0; i < 5; i++) nr.cumsum(sq, { axis: 0 }).dispose();
  }) / 5;
  rows.push(["cumsum f32 4096² axis 0 (GB/s)", (8 * n) / cum0 / 1e9, "numr"]);
  const cum1 = time(() => {
    for (let i = 0; i < 5; i++) nr.cumsum(sq, { axis: 1 }).dispose();
  }) / 5;
  rows.push(["cumsum f32 4096² axis 1 (GB/s)", (8 * n) / cum1 / 1e9, "numr"]);
  const rowsIdx = nr.tensor(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 4096), {
    dtype: "i32",
    device: DEV,
  });
  const take = time(() => {
    for (let i = 0; i < 5; i++) nr.indexSelect(sq, 0, rowsIdx).dispose();
  }) / 5;
  rows.push([
    "indexSelect 4096 rows of 4096² f32 (GB/s, incl. sync)",
    (8 * n) / take / 1e9,
    "numr",
  ]);

  const t = nr.tensor([1], { device: DEV });
  const K = 5000;
  const tiny = time(
    () => {
      for (let i = 0; i < K; i++) t.add(1).dispose();
    },
    5,
    1,
  ) / K;
  rows.push(["tiny add (µs per op, enqueue incl. alloc)", tiny * 1e6, "numr"]);
  const rt = time(
    () => {
      for (let i = 0; i < 200; i++) t.add(1).item();
    },
    5,
    1,
  ) / 200;
  rows.push(["tiny add + item() round trip (µs)", rt * 1e6, "numr"]);
  const tg = nr.captureGraph(() => {
    let u = t;
    for (let i = 0; i < 100; i++) u = u.add(1);
    return u;
  }, { device: DEV });
  const graph = time(() => tg.replay(), 20, 2) / 100;
  rows.push(["tiny add inside a replayed graph (µs per op)", graph * 1e6, "numr"]);
}
const HALF_VARIANTS = ["mma", "wgmma", "tma", "tma1", "tma128s6"];
if (all || only("half") || only("f64")) {
  const gemms = [["f32", 4096], ["f64", 4096], ["bf16", 8192], ["f16", 8192]] as const;
  const picked = gemms.filter(([d]) =>
    all || (only("half") && (d === "bf16" || d === "f16")) || (only("f64") && d === "f64")
  );
  for (const [dtype, m] of picked) {
    try {
      const A = nr.cast(nr.arange(m * m, { dtype: "f32" }).mul(1e-7).reshape([m, m]), dtype).to(
        DEV,
      );
      const B = nr.cast(nr.arange(m * m, { dtype: "f32" }).mul(-1e-7).reshape([m, m]), dtype).to(
        DEV,
      );
      const C = nr.empty([m, m], { dtype, device: DEV });
      const s = time(() => backend.gemm(A, B, C), 10, 5);
      rows.push([`gemm ${dtype} ${m} (TFLOP/s)`, (2 * m ** 3) / s / 1e12, "numr"]);
      const variants = dtype === "f32"
        ? F32_VARIANTS
        : dtype === "bf16"
        ? [...HALF_VARIANTS, "tma128s5", "tma256", "tma256x128", "wgmma128s3b2"]
        : dtype === "f16"
        ? HALF_VARIANTS
        : dtype === "f64"
        ? ["simt", ...F64_VARIANTS.filter((v) => v !== "dmma")]
        : [];
      for (const variant of variants) {
        const sv = time(() => backend.gemm(A, B, C, { variant }), 10, 3);
        rows.push([
          `gemm ${dtype} ${m} variant ${variant} (TFLOP/s)`,
          (2 * m ** 3) / sv / 1e12,
          "numr",
        ]);
      }
    } catch (e) {
      rows.push([
        `gemm ${dtype} ${m} (TFLOP/s)`,
        NaN,
        `numr: ${(e as Error).message.slice(0, 60)}`,
      ]);
    }
  }
}

// 8-bit tensor cores (m16n8k32): i8 -> i32 (TOPS) and fp8 e4m3 -> f32 (TFLOP/s), B row-major
// [K, N] (transposed in shared memory) and B as the transposed view of [N, K] (direct loads).
for (const dtype of all || only("lowp") ? ["i8", "fp8e4m3"] as const : []) {
  const m = 8192;
  const unit = dtype === "i8" ? "TOPS" : "TFLOP/s";
  try {
    const src = (sign: number) => {
      const t = nr.arange(m * m, { dtype: "f32" }).to(DEV);
      const v = nr.cast(t.mul(sign * 7e-3).sin().mul(3).reshape([m, m]), dtype);
      t.dispose();
      return v;
    };
    const A = src(1);
    const B = src(-1);
    const C = nr.empty([m, m], { dtype: dtype === "i8" ? "i32" : "f32", device: DEV });
    const s = time(() => backend.gemm(A, B, C), 10, 3);
    rows.push([`gemm ${dtype} ${m} (${unit})`, (2 * m ** 3) / s / 1e12, "numr"]);
    const Bt = B.transpose();
    const st = time(() => backend.gemm(A, Bt, C), 10, 3);
    rows.push([
      `gemm ${dtype} ${m}, B a transposed view (${unit})`,
      (2 * m ** 3) / st / 1e12,
      "numr",
    ]);
    // The same layout on the mma.sync kernel (the default is the TMA kernel on Hopper).
    const sm = time(() => backend.gemm(A, Bt, C, { variant: "mma8t" }), 10, 3);
    rows.push([
      `gemm ${dtype} ${m}, B transposed, variant mma8t (${unit})`,
      (2 * m ** 3) / sm / 1e12,
      "numr",
    ]);
  } catch (e) {
    rows.push([`gemm ${dtype} ${m} (${unit})`, NaN, `numr: ${(e as Error).message.slice(0, 60)}`]);
  }
}

// GEMV (memory-bound): bytes = matrix + vectors; "tiled" forces the GEMM kernel for comparison.
// --only gemv: just these rows (and PyTorch's).
if (all || only("gemv")) {
  const m = 4096;
  for (const dtype of ["f32", "bf16"] as const) {
    const A = nr.cast(nr.arange(m * m, { dtype: "f32" }).mul(1e-7).reshape([m, m]), dtype).to(DEV);
    const x = nr.cast(nr.arange(m, { dtype: "f32" }).mul(1e-3).reshape([m, 1]), dtype).to(DEV);
    const xr = x.reshape([1, m]);
    const y = nr.empty([m, 1], { dtype, device: DEV });
    const yr = nr.empty([1, m], { dtype, device: DEV });
    const bytes = nr.DTYPES[dtype].bytes * (m * m + 2 * m);
    const sv = time(() => backend.gemm(A, x, y), 200, 10);
    rows.push([`matvec ${dtype} ${m}x${m} (GB/s)`, bytes / sv / 1e9, "numr"]);
    const sh = time(() => backend.gemm(xr, A, yr), 200, 10);
    rows.push([`vecmat ${dtype} ${m}x${m} (GB/s)`, bytes / sh / 1e9, "numr"]);
    if (dtype === "f32") {
      const st = time(() => backend.gemm(A, x, y, { variant: "tiled" }), 50, 5);
      rows.push([`matvec f32 ${m}x${m} tiled GEMM kernel (GB/s)`, bytes / st / 1e9, "numr"]);
    }
  }
}

const torch = torchPeer(all ? [] : [ONLY!]);
console.log(`device: ${backend.ctx.name}, ${backend.ctx.smCount} SMs`);
for (const [name, v, who] of rows) {
  console.log(`${name.padEnd(48)} ${v.toFixed(2).padStart(10)}  ${who}`);
}
console.log("PyTorch:", JSON.stringify(torch));
const jsonAt = Deno.args.indexOf("--json");
if (jsonAt >= 0) {
  Deno.writeTextFileSync(Deno.args[jsonAt + 1], JSON.stringify({ numr: rows, torch }, null, 1));
}
