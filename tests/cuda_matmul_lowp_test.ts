// CUDA matmul for the integer and fp8 dtypes against the CPU backend: i8 -> i32, i32 and i64
// exact with wrap-around, the small ints through i64, fp8 e4m3/e5m2 (matmul, matmulBias and
// fp8Matmul with scales and f32/f16/bf16 outputs) within a tolerance that grows with K. Shapes
// with tails (M, N, K off the tile sizes), 1 x N and N x 1, batched and broadcast batches,
// transposed views (each of the tensor-core, transposed-B and SIMT kernels), bias + relu, and
// bad inputs. Skips cleanly where no CUDA driver or device exists.
//
//   deno test -A tests/cuda_matmul_lowp_test.ts   (NUMR_CUDA_QUICK=1: fewer shapes, for memcheck)

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { assertClose } from "./_assert.ts";
import { Rng } from "./_random.ts";

// NUMR_CUDA_TEST_DEVICE=cpu runs the parity logic CPU against CPU (a check of the tests).
const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const ON_GPU = DEV !== "cpu";
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";

function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name: `cuda lowp: ${name}`, ignore: !AVAILABLE, fn });
}

function gpuTest(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name: `cuda lowp: ${name}`, ignore: !AVAILABLE || !ON_GPU, fn });
}

type Fp8 = "fp8e4m3" | "fp8e5m2";

/** Random values of an integer dtype over its whole range (i64/u64 as bigints). */
function ints(rng: Rng, dtype: nr.DType, shape: number[], range?: number): nr.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const info = nr.DTYPES[dtype];
  const values: nr.Element[] = Array.from({ length: n }, () => {
    if (dtype === "bool") return rng.next() < 0.5;
    if (dtype === "i64" || dtype === "u64") {
      const v = BigInt(Math.floor(rng.next() * 2 ** 32)) << 32n |
        BigInt(Math.floor(rng.next() * 2 ** 32));
      return dtype === "u64" ? v : BigInt.asIntN(64, v);
    }
    const lo = range === undefined ? Number(info.min) : -range;
    const hi = range === undefined ? Number(info.max) : range;
    return rng.int(Math.max(lo, Number(info.min)), Math.min(hi, Number(info.max)));
  });
  return nr.tensor(values, { dtype, shape });
}

/** Random fp8 values (normal · 2, rounded to the format). */
function fp8(rng: Rng, dtype: Fp8, shape: number[]): nr.Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = Array.from({ length: n }, () => rng.normal() * 2);
  return nr.tensor(v, { dtype: "f32", shape }).astype(dtype);
}

/** `f` on the CPU and on the device (inputs copied there), results on the host. */
async function both(
  inputs: nr.Tensor[],
  f: (...xs: nr.Tensor[]) => nr.Tensor,
): Promise<[nr.Tensor, nr.Tensor]> {
  const want = f(...inputs);
  const got = await nr.toAsync(f(...inputs.map((x) => x.to(DEV))), "cpu");
  return [got, want];
}

function assertExact(got: nr.Tensor, want: nr.Tensor, what: string): void {
  assert.equal(got.dtype, want.dtype, what);
  assert.deepEqual(got.shape, want.shape, what);
  const [g, w] = [got.dataSync(), want.dataSync()];
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) assert.fail(`${what}: element ${i}: ${g[i]} != ${w[i]}`);
  }
}

/**
 * The operand pairs of one (M, N, K) case: contiguous (tensor cores), b as a transposed view of
 * [N, K] (transposed-B kernel), a as a transposed view of [K, M] (SIMT kernel).
 */
function layouts(a: nr.Tensor, b: nr.Tensor): [string, nr.Tensor, nr.Tensor][] {
  const bt = b.transpose().contiguous().transpose();
  const at = a.transpose().contiguous().transpose();
  return [["contiguous", a, b], ["b transposed", a, bt], ["a transposed", at, b]];
}

// (M, N, K): tile multiples, tails, vectors, K off the 16-multiple of the tensor-core kernels.
const SHAPES: [number, number, number][] = QUICK
  ? [[128, 128, 64], [200, 136, 80], [1, 40, 48], [7, 9, 13]]
  : [
    [128, 128, 64],
    [200, 264, 144],
    [130, 72, 1040],
    [1, 40, 48],
    [40, 1, 48],
    [33, 24, 16],
    [7, 9, 13],
    [65, 129, 200],
    [1, 1, 32],
  ];

test("i8 @ i8 -> i32 exact (tensor cores, transposed B, SIMT; tails, vectors)", async () => {
  const rng = new Rng(1);
  for (const [m, n, k] of SHAPES) {
    const [a, b] = [ints(rng, "i8", [m, k]), ints(rng, "i8", [k, n])];
    for (const [name, x, w] of layouts(a, b)) {
      const [got, want] = await both([x, w], nr.matmul);
      assertExact(got, want, `i8 ${m}x${n}x${k} ${name}`);
    }
  }
});

test("i8 sums wrap mod 2^32 as the CPU's i32 accumulation", async () => {
  const k = 140_000; // 127 · 127 · k > 2^31
  const a = nr.full([8, k], 127, { dtype: "i8" });
  const b = nr.full([k, 8], 127, { dtype: "i8" });
  const bn = nr.full([k, 8], -128, { dtype: "i8" });
  for (const [name, x, w] of [...layouts(a, b), ["negative", a, bn] as const]) {
    const [got, want] = await both([x, w], nr.matmul);
    assertExact(got, want, `i8 wrap ${name}`);
    assert.equal(got.dtype, "i32");
    const term = name === "negative" ? 127 * -128 : 127 * 127;
    assert.equal(want.dataSync()[0], (term * k) | 0);
  }
});

test("i8 batched, broadcast batches, 1-D operands, matmulBias + relu", async () => {
  const rng = new Rng(2);
  const cases: [number[], number[]][] = [
    [[3, 40, 32], [3, 32, 24]],
    [[2, 1, 17, 48], [3, 48, 16]],
    [[48], [2, 48, 8]],
    [[5, 48], [48]],
  ];
  for (const [sa, sb] of cases) {
    const [got, want] = await both([ints(rng, "i8", sa), ints(rng, "i8", sb)], nr.matmul);
    assertExact(got, want, `i8 [${sa}] @ [${sb}]`);
  }
  const [a, b] = [ints(rng, "i8", [37, 64]), ints(rng, "i8", [64, 40])];
  for (const bias of [ints(rng, "i8", [40]), ints(rng, "i32", [40], 200_000)]) {
    for (const activation of [undefined, "relu"] as const) {
      for (const [name, x, w] of layouts(a, b)) {
        const [got, want] = await both(
          [x, w, bias],
          (p, q, c) => nr.matmulBias(p, q, c, { activation }),
        );
        assertExact(got, want, `i8 matmulBias ${bias.dtype} ${activation} ${name}`);
      }
    }
  }
  const [got, want] = await both(
    [ints(rng, "i8", [3, 20, 48]), ints(rng, "i8", [3, 48, 16])],
    nr.bmm,
  );
  assertExact(got, want, "i8 bmm");
});

test("i32 and i64 wrap like NumPy (large values, any layout)", async () => {
  const rng = new Rng(3);
  for (const dtype of ["i32", "i64"] as const) {
    for (const [m, n, k] of SHAPES.slice(0, QUICK ? 3 : 6)) {
      const [a, b] = [ints(rng, dtype, [m, k]), ints(rng, dtype, [k, n])];
      for (const [name, x, w] of layouts(a, b)) {
        const [got, want] = await both([x, w], nr.matmul);
        assertExact(got, want, `${dtype} ${m}x${n}x${k} ${name}`);
      }
    }
    const [a, b] = [ints(rng, dtype, [2, 3, 19, 21]), ints(rng, dtype, [3, 21, 5])];
    const [got, want] = await both([a, b], nr.matmul);
    assertExact(got, want, `${dtype} batched`);
    const bias = ints(rng, dtype, [5]);
    const [gb, wb] = await both(
      [a, b, bias],
      (p, q, c) => nr.matmulBias(p, q, c, { activation: "relu" }),
    );
    assertExact(gb, wb, `${dtype} matmulBias relu`);
  }
});

test("small ints and bool through i64 (u8 i16 u16 u32 u64 bool)", async () => {
  const rng = new Rng(4);
  for (const dtype of ["u8", "i16", "u16", "u32", "u64", "bool"] as const) {
    const [a, b] = [ints(rng, dtype, [2, 13, 33]), ints(rng, dtype, [33, 7])];
    const [got, want] = await both([a, b], nr.matmul);
    assertExact(got, want, `${dtype} matmul`);
    const [gd, wd] = await both([ints(rng, dtype, [40]), ints(rng, dtype, [40])], nr.dot);
    assertExact(gd, wd, `${dtype} dot`);
  }
});

/** Tolerance of an fp8 product in f32: f32 rounding of K terms of size |a||b| (plus output). */
function fp8Tol(a: nr.Tensor, b: nr.Tensor, k: number, out: nr.DType) {
  const max = (t: nr.Tensor) => nr.abs(t.astype("f32")).max().item() as number;
  const scale = max(a) * max(b);
  const rtol = out === "f32" ? 1e-5 : out === "f16" ? 2 ** -10 : out === "bf16" ? 2 ** -7 : 0;
  return { atol: 4 * k * 2 ** -23 * scale + 1e-6, rtol };
}

/** One fp8 ulp (relative) of the output dtype for fp8 outputs. */
function fp8OutTol(dtype: Fp8, k: number, scale: number) {
  return {
    atol: 4 * k * 2 ** -23 * scale + 2 ** -9,
    rtol: dtype === "fp8e4m3" ? 2 ** -3 : 2 ** -2,
  };
}

function close(got: nr.Tensor, want: nr.Tensor, tol: { atol: number; rtol: number }, what: string) {
  assert.equal(got.dtype, want.dtype, what);
  assertClose(got.astype("f64"), want.astype("f64"), { ...tol, message: what });
}

for (const dtype of ["fp8e4m3", "fp8e5m2"] as const) {
  test(`${dtype}: fp8Matmul f32/f16/bf16 with scales and plain matmul (all kernels)`, async () => {
    const rng = new Rng(dtype === "fp8e4m3" ? 5 : 6);
    for (const [m, n, k] of SHAPES) {
      const [a, b] = [fp8(rng, dtype, [m, k]), fp8(rng, dtype, [k, n])];
      for (const [name, x, w] of layouts(a, b)) {
        const tol = fp8Tol(a, b, k, "f32");
        const [got, want] = await both([x, w], (p, q) => nr.fp8Matmul(p, q));
        close(got, want, tol, `${dtype} ${m}x${n}x${k} ${name}`);
        const [gm, wm] = await both([x, w], nr.matmul);
        close(gm, wm, fp8OutTol(dtype, k, tol.atol), `${dtype} matmul ${m}x${n}x${k} ${name}`);
      }
    }
    const [a, b] = [fp8(rng, dtype, [70, 96]), fp8(rng, dtype, [96, 56])];
    for (const outDtype of ["f32", "f16", "bf16"] as const) {
      const options = { scaleA: 0.25, scaleB: 3, outDtype };
      for (const [name, x, w] of layouts(a, b)) {
        const [got, want] = await both([x, w], (p, q) => nr.fp8Matmul(p, q, options));
        const tol = fp8Tol(a, b, 96, outDtype);
        close(got, want, { ...tol, atol: tol.atol * 0.75 }, `${dtype} -> ${outDtype} ${name}`);
      }
    }
  });

  test(`${dtype}: batched, broadcast, 1-D, matmulBias + activations`, async () => {
    const rng = new Rng(dtype === "fp8e4m3" ? 7 : 8);
    const cases: [number[], number[]][] = [
      [[3, 40, 32], [3, 32, 24]],
      [[2, 1, 17, 48], [3, 48, 16]],
      [[48], [2, 48, 8]],
      [[5, 48], [48]],
    ];
    for (const [sa, sb] of cases) {
      const [a, b] = [fp8(rng, dtype, sa), fp8(rng, dtype, sb)];
      const [got, want] = await both([a, b], (p, q) => nr.fp8Matmul(p, q, { scaleA: 2 }));
      close(got, want, fp8Tol(a, b, 48, "f32"), `${dtype} [${sa}] @ [${sb}]`);
    }
    const [a, b, bias] = [
      fp8(rng, dtype, [37, 64]),
      fp8(rng, dtype, [64, 40]),
      fp8(rng, dtype, [40]),
    ];
    const acts = ["relu", "gelu", "silu", "sigmoid", "tanh"] as const;
    for (const activation of QUICK ? acts.slice(0, 2) : acts) {
      for (const [name, x, w] of layouts(a, b)) {
        const [got, want] = await both(
          [x, w, bias],
          (p, q, c) => nr.matmulBias(p, q, c, { activation }),
        );
        const tol = fp8OutTol(dtype, 64, fp8Tol(a, b, 64, "f32").atol);
        close(got, want, tol, `${dtype} matmulBias ${activation} ${name}`);
      }
    }
  });
}

test("fp8Matmul of e4m3 x e5m2 (widened to f16 on both backends)", async () => {
  const rng = new Rng(9);
  const [a, b] = [fp8(rng, "fp8e4m3", [33, 48]), fp8(rng, "fp8e5m2", [48, 20])];
  for (const outDtype of ["f32", "bf16"] as const) {
    const [got, want] = await both([a, b], (p, q) => nr.fp8Matmul(p, q, { outDtype }));
    close(got, want, fp8Tol(a, b, 48, outDtype), `mixed fp8 -> ${outDtype}`);
  }
});

gpuTest("i8 and fp8 tensor-core kernels equal the SIMT kernel", () => {
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  const rng = new Rng(10);
  for (const dtype of ["i8", "fp8e4m3", "fp8e5m2"] as const) {
    const [m, n, k] = [96, 80, 128];
    const a = (dtype === "i8" ? ints(rng, dtype, [m, k]) : fp8(rng, dtype, [m, k])).to(DEV);
    const b = (dtype === "i8" ? ints(rng, dtype, [k, n]) : fp8(rng, dtype, [k, n])).to(DEV);
    const out = dtype === "i8" ? "i32" : "f32";
    const [y1, y2] = [0, 1].map(() => nr.empty([m, n], { dtype: out, device: DEV }));
    backend.gemm(a, b, y1);
    backend.gemm(a, b, y2, { variant: "simt" });
    const [h1, h2] = [y1.to("cpu"), y2.to("cpu")];
    if (dtype === "i8") assertExact(h1, h2, "i8 mma8 vs simt");
    else close(h1, h2, { atol: 1e-3, rtol: 1e-5 }, `${dtype} mma8 vs simt`);
  }
});

test("bad inputs", () => {
  const d = (dtype: nr.DType, shape: number[]) => nr.zeros(shape, { dtype }).to(DEV);
  const code = (fn: () => unknown, c: string) =>
    assert.throws(fn, (e: unknown) => e instanceof nr.NumrError && e.code === c);
  code(() => nr.matmul(d("i8", [2, 3]), d("i32", [3, 2])), "DTypeMismatch");
  code(() => nr.matmul(d("i8", [2, 3]), d("i8", [4, 2])), "ShapeMismatch");
  code(() => nr.fp8Matmul(d("f32", [2, 3]), d("f32", [3, 2])), "UnsupportedDType");
  code(
    // deno-lint-ignore no-explicit-any
    () => nr.fp8Matmul(d("fp8e4m3", [2, 3]), d("fp8e4m3", [3, 2]), { outDtype: "f64" as any }),
    "UnsupportedDType",
  );
  code(
    () => nr.fp8Matmul(d("fp8e4m3", [2, 3]), d("fp8e4m3", [3, 2]), { scaleA: Infinity }),
    "InvalidArgument",
  );
  code(
    () => nr.matmulBias(d("i8", [2, 3]), d("i8", [3, 2]), d("i8", [2]), { activation: "gelu" }),
    "UnsupportedDType",
  );
  code(() => nr.matmulBias(d("i8", [2, 3]), d("i8", [3, 2]), d("i8", [3])), "ShapeMismatch");
  code(() => nr.matmulBias(d("i8", [2, 3]), d("i8", [3, 2]), d("i16", [2])), "DTypeMismatch");
  if (ON_GPU) {
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(DEV) as any;
    // The GEMM writes i8 products as i32 and fp8 ones as f32: other outputs are refused.
    code(() => backend.gemm(d("i8", [2, 3]), d("i8", [3, 2]), d("i8", [2, 2])), "UnsupportedDType");
    code(
      () => backend.gemm(d("fp8e4m3", [2, 3]), d("fp8e5m2", [3, 2]), d("f32", [2, 2])),
      "UnsupportedDType",
    );
    code(
      () =>
        backend.gemm(d("i8", [2, 3]), d("i8", [3, 2]), d("i32", [2, 2]), { bias: d("i8", [2]) }),
      "ShapeMismatch",
    );
  }
});
