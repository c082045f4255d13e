// CUDA backend parity: every elementwise, cast, fill and reduction kernel the CUDA build has,
// on random shapes, layouts (transposed, flipped, stepped, offset, broadcast views of device
// memory) and special values, against the CPU backend; plus transfers, the allocator, graph
// capture, the GEMM and the error codes. Skips cleanly where no CUDA driver or device exists.
//
//   deno task test:cuda      (NUMR_CUDA_QUICK=1 runs fewer random cases, for compute-sanitizer)

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { assertBitsEqual, assertClose, TOLERANCE, type Tolerance } from "./_assert.ts";
import { LAYOUTS, randomShape, randomValues, Rng, withLayout } from "./_random.ts";
import { matmulParity } from "./_matmul_parity.ts";
import { gradParity } from "./_grad_parity.ts";
import { F32_VARIANTS } from "../src/runtime/cuda/gemm.ts";

// NUMR_CUDA_TEST_DEVICE=cpu runs the parity logic CPU against CPU (a check of the tests).
const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const ON_GPU = DEV !== "cpu";
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
const ROUNDS = QUICK ? 2 : 6;

function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name: `cuda: ${name}`, ignore: !AVAILABLE, fn });
}

/** A test that needs the GPU itself (skipped in the CPU self-check). */
function gpuTest(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name: `cuda: ${name}`, ignore: !AVAILABLE || !ON_GPU, fn });
}

function table(): Map<string, Set<string>> {
  return getBackend(DEV).kernels as unknown as Map<string, Set<string>>;
}

/** The real dtypes of a kernel (c64/c128 have their own test: tests/cuda_complex_test.ts). */
function dtypesOf(key: string): nr.DType[] {
  return [...(table().get(key) ?? [])].filter((d) => d !== "c64" && d !== "c128") as nr.DType[];
}

/** A CPU tensor and the same values on the GPU, both viewed with `layout`. */
function pair(
  rng: Rng,
  dtype: nr.DType,
  shape: readonly number[],
  layout: (typeof LAYOUTS)[number],
  options: { positive?: boolean; special?: boolean } = {},
): [nr.Tensor, nr.Tensor] {
  let base: nr.Tensor | undefined;
  const cpu = withLayout(
    (s) => {
      const n = s.reduce((a, b) => a * b, 1);
      base = nr.tensor(randomValues(rng, dtype, n, options), { dtype, shape: s });
      return base;
    },
    shape,
    layout,
  );
  const gpu = withLayout(() => base!.to(DEV), shape, layout);
  return [cpu, gpu];
}

/** Tolerance for comparing two implementations of a float function. */
function tolerance(dtype: nr.DType, transcendental: boolean): Tolerance {
  const t = TOLERANCE[dtype];
  if (!transcendental) return t;
  if (dtype === "f32") return { atol: 1e-5, rtol: 4e-6 };
  if (dtype === "f64") return { atol: 1e-12, rtol: 1e-13 };
  if (dtype === "f16") return { atol: 1e-2, rtol: 2e-3 };
  return t;
}

const EXACT_UNARY = new Set([
  "neg",
  "abs",
  "sign",
  "square",
  "recip",
  "floor",
  "ceil",
  "trunc",
  "round",
  "isnan",
  "isinf",
  "isfinite",
  "logicalNot",
  "sqrt",
]);

type AnyFn = (...args: unknown[]) => nr.Tensor;
const api = nr as unknown as Record<string, AnyFn>;

function compare(
  cpuRun: () => nr.Tensor,
  gpuRun: () => nr.Tensor,
  tol: Tolerance,
  message: string,
): void {
  let expected: nr.Tensor | undefined;
  let cpuError: unknown;
  try {
    expected = cpuRun();
  } catch (e) {
    cpuError = e;
  }
  if (cpuError !== undefined) {
    assert.throws(gpuRun, (e: unknown) => {
      assert.ok(e instanceof nr.NumrError, message);
      assert.equal(e.code, (cpuError as nr.NumrError).code, message);
      return true;
    });
    return;
  }
  const got = gpuRun();
  assert.equal(got.device, DEV, message);
  assertClose(got.to("cpu"), expected!, { ...tol, message });
}

gpuTest("driver, context and device name", () => {
  const t = nr.tensor([1, 2, 3], { device: DEV });
  assert.equal(t.device, "cuda:0");
  assert.deepEqual(t.toArray(), [1, 2, 3]);
  const u = nr.tensor([4, 5], { device: "cuda" });
  assert.deepEqual(u.toArray(), [4, 5]);
});

test("transfers of every dtype round-trip exactly, sync and async", async () => {
  const rng = new Rng(1);
  for (const dtype of nr.DTYPE_NAMES) {
    if (dtype === "c64" || dtype === "c128") continue;
    for (const shape of [[], [0], [1], [7], [3, 5], [1000]]) {
      const values = randomValues(rng, dtype, shape.reduce((a, b) => a * b, 1));
      const cpu = nr.tensor(values, { dtype, shape });
      const gpu = cpu.to(DEV);
      assert.deepEqual([...nr.toBytes(gpu)], [...nr.toBytes(cpu)], `${dtype} [${shape}]`);
      const data = await gpu.data();
      assert.deepEqual(
        Array.from(data as ArrayLike<unknown>),
        Array.from(cpu.dataSync() as ArrayLike<unknown>),
      );
      if (cpu.size === 1) assert.deepEqual(gpu.item(), cpu.item());
    }
  }
});

test("unary kernels match the CPU on every dtype and layout", () => {
  const rng = new Rng(2);
  for (const [key] of table()) {
    if (!key.startsWith("unary:")) continue;
    const op = key.slice(6);
    if (typeof api[op] !== "function") continue;
    for (const dtype of dtypesOf(key)) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 9 });
        const [c, g] = pair(rng, dtype, shape, layout);
        const tol = tolerance(dtype, !EXACT_UNARY.has(op));
        compare(() => api[op](c), () => api[op](g), tol, `${op} ${dtype} ${layout} [${shape}]`);
      }
    }
  }
});

test("binary and compare kernels match the CPU, with broadcasting", () => {
  const rng = new Rng(3);
  for (const [key] of table()) {
    const family = key.split(":")[0];
    if (family !== "binary" && family !== "compare") continue;
    const op = key.split(":")[1];
    if (typeof api[op] !== "function") continue;
    for (const dtype of dtypesOf(key)) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 8 });
        // b broadcasts along a random subset of dims.
        const bShape = shape.map((d) => (rng.next() < 0.3 ? 1 : d));
        const positive = op === "pow";
        const [ca, ga] = pair(rng, dtype, shape, layout, {});
        const [cb, gb] = pair(rng, dtype, bShape, LAYOUTS[(r + 1) % LAYOUTS.length], {
          positive,
        });
        const exact = ["add", "sub", "mul", "maximum", "minimum", "fmax", "fmin"].includes(op) ||
          family === "compare";
        compare(
          () => api[op](ca, cb),
          () => api[op](ga, gb),
          tolerance(dtype, !exact),
          `${op} ${dtype} ${layout} [${shape}] [${bShape}]`,
        );
      }
    }
  }
});

test("ternary kernels match the CPU", () => {
  const rng = new Rng(4);
  for (const op of ["where", "clamp", "mulAdd"]) {
    for (const dtype of dtypesOf(`ternary:${op}`)) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 8 });
        const [ca, ga] = pair(rng, op === "where" ? "bool" : dtype, shape, layout);
        const [cb, gb] = pair(rng, dtype, shape, LAYOUTS[(r + 2) % LAYOUTS.length]);
        const [cc, gc] = pair(rng, dtype, shape.map((d) => (rng.next() < 0.5 ? 1 : d)), layout);
        compare(
          () => api[op](ca, cb, cc),
          () => api[op](ga, gb, gc),
          TOLERANCE[dtype],
          `${op} ${dtype} ${layout} [${shape}]`,
        );
      }
    }
  }
});

test("casts between every pair of real dtypes are bit-exact", () => {
  const rng = new Rng(5);
  for (const from of dtypesOf("cast:f64").length ? nr.DTYPE_NAMES : []) {
    const targets = dtypesOf(`cast:${from}`);
    for (const to of targets) {
      for (let r = 0; r < (QUICK ? 1 : 3); r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 9 });
        const [c, g] = pair(rng, from, shape, layout, { special: true });
        const expected = nr.cast(c, to);
        const got = nr.cast(g, to);
        assert.deepEqual(
          [...nr.toBytes(got)],
          [...nr.toBytes(expected)],
          `cast ${from} -> ${to} ${layout} [${shape}]`,
        );
      }
    }
  }
});

test("fill writes every dtype, on strided views too", () => {
  for (const dtype of dtypesOf("fill:fill")) {
    const value = dtype === "bool" ? 1 : dtype.startsWith("u") ? 7 : -3;
    const a = nr.full([3, 5], value, { dtype, device: DEV });
    const b = nr.full([3, 5], value, { dtype });
    assert.deepEqual([...nr.toBytes(a)], [...nr.toBytes(b)], dtype);
  }
});

const REDUCTIONS = ["sum", "prod", "mean", "max", "min", "argmax", "argmin", "any", "all"];

test("reductions match the CPU over random axes, short and long", () => {
  const rng = new Rng(6);
  for (const op of REDUCTIONS) {
    for (const dtype of dtypesOf(`reduce:${op}`)) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 9, allowEmpty: false });
        const inexact = ["sum", "prod", "mean"].includes(op);
        // Sums of huge values of both signs cancel differently in another order: special values
        // only for exact reductions (NaN/Inf in sums are checked below).
        const [c, g] = pair(rng, dtype, shape, layout, { special: !inexact && r % 2 === 0 });
        const arg = op === "argmax" || op === "argmin";
        const axis = shape.length === 0 ? undefined : rng.int(0, shape.length - 1);
        const keepdims = rng.next() < 0.5;
        const opts = arg ? { axis, keepdims } : {
          axis: rng.next() < 0.3 ? undefined : axis,
          keepdims,
        };
        const tol = inexact ? tolerance(dtype, true) : TOLERANCE[dtype];
        compare(
          () => api[op](c, opts),
          () => api[op](g, opts),
          { ...tol, rtol: inexact ? Math.max(tol.rtol, 1e-12) : tol.rtol },
          `${op} ${dtype} ${layout} [${shape}] ${JSON.stringify(opts)}`,
        );
      }
    }
  }
  // NaN and infinities in sums and products.
  for (const values of [[1, NaN, 2], [Infinity, 1], [Infinity, -Infinity], [-Infinity, 3]]) {
    const c = nr.tensor(values, { dtype: "f32" });
    for (const op of ["sum", "prod", "mean", "max", "argmin"]) {
      compare(() => api[op](c), () => api[op](c.to(DEV)), TOLERANCE.f32, `${op} [${values}]`);
    }
  }
  // Long reductions take the split-block path.
  for (const dtype of ["f32", "f64", "i32", "bf16"] as nr.DType[]) {
    for (const shape of [[100003], [3, 40000], [40000, 3]]) {
      const [c, g] = pair(rng, dtype, shape, "contiguous", { special: false });
      for (const op of ["sum", "max", "argmin", "mean"]) {
        for (const axis of [undefined, 0, shape.length - 1]) {
          compare(
            () => api[op](c, { axis }),
            () => api[op](g, { axis }),
            op === "sum" || op === "mean" ? { atol: 1e-3, rtol: 1e-4 } : TOLERANCE[dtype],
            `${op} ${dtype} [${shape}] axis ${axis}`,
          );
        }
      }
    }
  }
});

test("views and copies: contiguous(), slices, transposes of device tensors", () => {
  const x = nr.arange(24, { dtype: "f32" }).reshape([2, 3, 4]);
  const g = x.to(DEV);
  assert.deepEqual(g.transpose().toArray(), x.transpose().toArray());
  assert.deepEqual(g.flip().contiguous().toArray(), x.flip().contiguous().toArray());
  assert.deepEqual(g.slice([0, 2], [1, 3, 1]).toArray(), x.slice([0, 2], [1, 3, 1]).toArray());
});

gpuTest("allocator caches blocks and counts them; dispose returns memory", () => {
  const before = nr.cudaMemoryStats(DEV);
  for (let i = 0; i < 10; i++) {
    using t = nr.zeros([1000], { device: DEV });
    assert.equal(t.size, 1000);
  }
  const after = nr.cudaMemoryStats(DEV);
  assert.ok(after.cacheHits >= before.cacheHits + 8, "reused cached blocks");
  assert.ok(after.allocated <= before.allocated + 4096);
  nr.cudaEmptyCache(DEV);
  assert.equal(nr.cudaMemoryStats(DEV).cached, 0);
});

gpuTest("errors: device mismatch, unsupported dtype, domain error, out of memory", () => {
  const g = nr.tensor([1, 2], { device: DEV });
  const c = nr.tensor([1, 2]);
  assert.throws(() => nr.add(g, c), (e: unknown) => (e as nr.NumrError).code === "DeviceMismatch");
  const i = nr.tensor([2, 3], { dtype: "i32", device: DEV });
  const n = nr.tensor([1, -1], { dtype: "i32", device: DEV });
  assert.throws(() => nr.pow(i, n), (e: unknown) => (e as nr.NumrError).code === "InvalidArgument");
  assert.deepEqual(nr.pow(i, nr.tensor([2, 2], { dtype: "i32", device: DEV })).toArray(), [4, 9]);
  // (Skipped under compute-sanitizer, which reports the driver's out-of-memory result.)
  if (!QUICK) {
    assert.throws(
      () => nr.empty([1e6, 1e6], { device: DEV }),
      (e: unknown) => (e as nr.NumrError).code === "OutOfMemory",
    );
  }
});

gpuTest("graph capture replays the captured ops on new input values", () => {
  const x = nr.tensor([1, 2, 3, 4], { device: DEV });
  const g = nr.captureGraph(() => x.mul(2).add(1).sum(), { device: DEV });
  assert.equal(g.recorded, true);
  assert.equal(g.outputs.item(), 24);
  // Write new values into x in place (a fill is a kernel, so it is not part of the graph).
  getBackend(DEV).fill(x, 10);
  g.replay();
  assert.equal(g.outputs.item(), 84);
  g.dispose();
  assert.equal(g.outputs.item(), 84);
  assert.throws(
    () => nr.captureGraph(() => nr.tensor([1, 2], { device: DEV }), { device: DEV }),
    (e: unknown) => (e as nr.NumrError).code === "InvalidArgument",
  );
});

gpuTest("matmul kernels match the CPU (f32, f64, f16, bf16; strided operands)", () => {
  const rng = new Rng(8);
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  for (const dtype of ["f32", "f64", "f16", "bf16"] as nr.DType[]) {
    if (!table().has(`gemm:${dtype === "f64" ? "simt" : "simt"}`) && !table().size) continue;
    for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [64, 64, 64], [130, 70, 200], [257, 129, 64]]) {
      const a = nr.tensor(randomValues(rng, "f64", m * k, { special: false }), {
        shape: [m, k],
        dtype: "f64",
      });
      const b = nr.tensor(randomValues(rng, "f64", k * n, { special: false }), {
        shape: [k, n],
        dtype: "f64",
      });
      const ad = nr.cast(a, dtype);
      const bd = nr.cast(b, dtype);
      // Reference in f64 from the rounded inputs.
      const ref = naiveMatmul(nr.cast(ad, "f64"), nr.cast(bd, "f64"), m, n, k);
      const y = nr.empty([m, n], { dtype, device: DEV });
      backend.gemm(ad.to(DEV), bd.to(DEV), y);
      const got = nr.cast(y.to("cpu"), "f64");
      const tol = dtype === "f64" ? 1e-10 : dtype === "f32" ? 1e-4 : 3e-2;
      assertClose(got, ref, {
        atol: tol * Math.sqrt(k) * 3,
        rtol: tol,
        message: `${dtype} ${m}x${n}x${k}`,
      });
    }
  }
});

gpuTest("matmul on transposed views, batches, bias and activation", () => {
  const rng = new Rng(9);
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  for (const dtype of ["f32", "bf16"] as nr.DType[]) {
    const [m, n, k] = [67, 40, 24];
    const a = nr.cast(
      nr.tensor(randomValues(rng, "f64", 2 * m * k, { special: false }), { shape: [2, k, m] }),
      dtype,
    );
    const b = nr.cast(
      nr.tensor(randomValues(rng, "f64", 2 * k * n, { special: false }), { shape: [2, k, n] }),
      dtype,
    );
    const bias = nr.cast(nr.tensor(randomValues(rng, "f64", n, { special: false })), dtype);
    const at = a.permute([0, 2, 1]);
    const y = nr.empty([2, m, n], { dtype, device: DEV });
    backend.gemm(a.to(DEV).permute([0, 2, 1]), b.to(DEV), y, {
      bias: bias.to(DEV),
      activation: "relu",
      alpha: 0.5,
    });
    for (let i = 0; i < 2; i++) {
      const ai = nr.cast(at.slice([i, i + 1]).reshape([m, k]).contiguous(), "f64");
      const bi = nr.cast(b.slice([i, i + 1]).reshape([k, n]).contiguous(), "f64");
      const ref = naiveMatmul(ai, bi, m, n, k).mul(0.5).add(nr.cast(bias, "f64")).maximum(0);
      const got = nr.cast(y.slice([i, i + 1]).reshape([m, n]).to("cpu"), "f64");
      const tol = dtype === "f32" ? 1e-4 : 5e-2;
      assertClose(got, ref, { atol: tol * 4, rtol: tol, message: `${dtype} batch ${i}` });
    }
  }
});

gpuTest("GEMV path (M == 1 or N == 1): matvec, vecmat, both layouts, odd K, epilogue", () => {
  const rng = new Rng(12);
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  const gelu = (v: nr.Tensor) => {
    const c = v.add(v.mul(v).mul(v).mul(0.044715)).mul(0.7978845608028654).tanh();
    return v.mul(0.5).mul(c.add(1));
  };
  // [m, n, k, transpose a, transpose b]: a/b stored as [k, m] / [n, k] and viewed transposed.
  const cases: [number, number, number, boolean, boolean][] = [
    [300, 1, 257, false, false], // y = A x, rows kernel, scalar loads (odd K)
    [256, 1, 512, false, false], // rows kernel, 16-byte loads
    [1, 300, 257, false, false], // x B, cols kernel
    [1, 129, 96, false, true], // x Bᵀ view: rows kernel over B
    [77, 1, 33, true, false], // Aᵀ view (column-major A): cols kernel
    [1, 1, 1001, false, false],
    [40, 1, 1, false, false],
  ];
  for (const dtype of ["f32", "f64", "bf16"] as nr.DType[]) {
    for (const [m, n, k, ta, tb] of cases) {
      const rand = (len: number, shape: number[]) =>
        nr.cast(nr.tensor(randomValues(rng, "f64", len, { special: false }), { shape }), dtype);
      const aS = rand(2 * m * k, ta ? [2, k, m] : [2, m, k]);
      const bS = rand(2 * k * n, tb ? [2, n, k] : [2, k, n]);
      const a = ta ? aS.permute([0, 2, 1]) : aS;
      const b = tb ? bS.permute([0, 2, 1]) : bS;
      const bias = rand(n, [n]);
      for (const activation of ["none", "gelu"] as const) {
        const withBias = activation === "gelu";
        const run = () => {
          const y = nr.empty([2, m, n], { dtype, device: DEV });
          const ad = ta ? aS.to(DEV).permute([0, 2, 1]) : aS.to(DEV);
          const bd = tb ? bS.to(DEV).permute([0, 2, 1]) : bS.to(DEV);
          backend.gemm(ad, bd, y, {
            activation,
            alpha: withBias ? 0.5 : 1,
            bias: withBias ? bias.to(DEV) : undefined,
          });
          return y.to("cpu");
        };
        const y = run();
        assertBitsEqual(run(), y); // fixed reduction order
        for (let i = 0; i < 2; i++) {
          const ai = nr.cast(a.slice([i, i + 1]).reshape([m, k]).contiguous(), "f64");
          const bi = nr.cast(b.slice([i, i + 1]).reshape([k, n]).contiguous(), "f64");
          let ref = naiveMatmul(ai, bi, m, n, k);
          if (withBias) ref = gelu(ref.mul(0.5).add(nr.cast(bias, "f64")));
          const got = nr.cast(y.slice([i, i + 1]).reshape([m, n]), "f64");
          const tol = dtype === "f64" ? 1e-10 : dtype === "f32" ? 1e-4 : 3e-2;
          assertClose(got, ref, {
            atol: tol * Math.sqrt(k) * 3,
            rtol: tol,
            message: `${dtype} ${m}x${n}x${k} ta=${ta} tb=${tb} ${activation} batch ${i}`,
          });
        }
      }
    }
  }
});

gpuTest("GEMV vecmat with long K: split-K partials summed in a fixed order", () => {
  const rng = new Rng(21);
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  // [k, n, batch]: x [batch, 1, k] @ B [batch, k, n] (row-major B: the cols kernel, K split).
  const cases: [number, number, number][] = QUICK
    ? [[4096, 7, 2], [4096, 4099, 1], [100000, 7, 1]]
    : [[4096, 7, 2], [4096, 4096, 1], [4096, 4099, 2], [100000, 7, 1], [100000, 129, 1]];
  const dtypes: nr.DType[] = QUICK ? ["f32", "bf16"] : ["f32", "f64", "bf16", "f16"];
  const uniform = (len: number, shape: number[]) => {
    const v = new Float64Array(len);
    for (let i = 0; i < len; i++) v[i] = 2 * rng.next() - 1;
    return nr.tensor(v, { shape, dtype: "f64" });
  };
  for (const [k, n, batch] of cases) {
    const x64 = uniform(batch * k, [batch, 1, k]);
    const b64 = uniform(batch * k * n, [batch, k, n]);
    const bias64 = uniform(n, [n]);
    for (const dtype of dtypes) {
      const x = nr.cast(x64, dtype), b = nr.cast(b64, dtype), bias = nr.cast(bias64, dtype);
      const xd = x.to(DEV), bd = b.to(DEV), biasd = bias.to(DEV);
      const run = () => {
        const y = nr.empty([batch, 1, n], { dtype, device: DEV });
        backend.gemm(xd, bd, y, { alpha: 0.5, bias: biasd });
        const out = y.to("cpu");
        y.dispose();
        return out;
      };
      const y = run();
      assertBitsEqual(run(), y); // fixed split and summation order
      const ref = nr.matmul(nr.cast(x, "f64"), nr.cast(b, "f64")).mul(0.5)
        .add(nr.cast(bias, "f64"));
      const tol = dtype === "f64" ? 1e-12 : dtype === "f32" ? 1e-6 : 1e-2;
      assertClose(nr.cast(y, "f64"), ref, {
        atol: tol * Math.sqrt(k) * 4,
        rtol: dtype === "f64" || dtype === "f32" ? tol * 10 : tol,
        message: `${dtype} vecmat k=${k} n=${n} batch=${batch}`,
      });
      for (const t of [xd, bd, biasd]) t.dispose();
    }
  }
});

gpuTest(
  "f32 matmul: every kernel variant matches the CPU (tails, views, epilogue, batches)",
  () => {
    const rng = new Rng(13);
    // deno-lint-ignore no-explicit-any
    const backend = getBackend(DEV) as any;
    const gelu = (v: nr.Tensor) => {
      const c = v.add(v.mul(v).mul(v).mul(0.044715)).mul(0.7978845608028654).tanh();
      return v.mul(0.5).mul(c.add(1));
    };
    const variants = [undefined, ...F32_VARIANTS];
    // [m, n, k, batch, transpose a, transpose b, bias + gelu]; layouts the float4 kernels don't
    // take (odd N or K, transposed views) must fall back to the general kernel for any variant.
    const cases: [number, number, number, number, boolean, boolean, boolean][] = [
      [1, 1, 1, 1, false, false, false],
      [127, 129, 131, 1, false, false, false],
      [1, 4, 4, 1, false, false, false],
      [127, 132, 140, 1, false, false, true],
      [257, 260, 36, 2, false, false, true],
      [129, 256, 24, 3, false, false, false],
      [65, 68, 72, 2, true, false, true],
      [65, 68, 72, 2, false, true, false],
    ];
    for (const [m, n, k, batch, ta, tb, epi] of cases) {
      const rand = (shape: number[]) =>
        nr.cast(
          nr.tensor(
            randomValues(rng, "f64", shape.reduce((x, y) => x * y, 1), { special: false }),
            {
              shape,
            },
          ),
          "f32",
        );
      const aS = rand(ta ? [batch, k, m] : [batch, m, k]);
      const bS = rand(tb ? [batch, n, k] : [batch, k, n]);
      const a = ta ? aS.permute([0, 2, 1]) : aS;
      const b = tb ? bS.permute([0, 2, 1]) : bS;
      const bias = rand([n]);
      let ref = nr.matmul(nr.cast(a, "f64"), nr.cast(b, "f64"));
      if (epi) ref = gelu(ref.mul(0.5).add(nr.cast(bias, "f64")));
      const ad = ta ? aS.to(DEV).permute([0, 2, 1]) : aS.to(DEV);
      const bd = tb ? bS.to(DEV).permute([0, 2, 1]) : bS.to(DEV);
      const biasD = bias.to(DEV);
      for (const variant of variants) {
        const y = nr.empty([batch, m, n], { dtype: "f32", device: DEV });
        backend.gemm(ad, bd, y, {
          variant,
          activation: epi ? "gelu" : "none",
          alpha: epi ? 0.5 : 1,
          bias: epi ? biasD : undefined,
        });
        assertClose(nr.cast(y.to("cpu"), "f64"), ref, {
          atol: 1e-4 * Math.sqrt(k) * 9,
          rtol: 1e-4,
          message: `${m}x${n}x${k} batch ${batch} ta=${ta} tb=${tb} ${variant ?? "default"}`,
        });
      }
    }
    if (QUICK) return;
    // 4096 square against the CPU f32 GEMM.
    const s = 4096;
    const a = nr.arange(s * s, { dtype: "f32" }).mul(0.37).sin().reshape([s, s]);
    const b = nr.arange(s * s, { dtype: "f32" }).mul(0.71).cos().reshape([s, s]);
    const ref = nr.matmul(a, b);
    const ad = a.to(DEV), bd = b.to(DEV);
    for (const variant of variants) {
      const y = nr.empty([s, s], { dtype: "f32", device: DEV });
      backend.gemm(ad, bd, y, { variant });
      assertClose(y.to("cpu"), ref, {
        atol: 2e-3,
        rtol: 1e-4,
        message: `4096 ${variant ?? "default"}`,
      });
      y.dispose();
    }
  },
);

gpuTest("tensor-core matmul kernels (wgmma on Hopper, mma.sync) with tails and epilogues", () => {
  const rng = new Rng(11);
  // deno-lint-ignore no-explicit-any
  const backend = getBackend(DEV) as any;
  const hopper = backend.ctx?.computeCapability === 90;
  const shapes = [[128, 256, 64], [200, 264, 136], [300, 520, 1000], [1, 8, 8], [129, 24, 72]];
  for (const dtype of ["bf16", "f16"] as nr.DType[]) {
    for (const [m, n, k] of shapes) {
      const rand = (len: number, shape: number[]) =>
        nr.cast(nr.tensor(randomValues(rng, "f64", len, { special: false }), { shape }), dtype);
      const a = rand(2 * m * k, [2, m, k]);
      const b = rand(2 * k * n, [2, k, n]);
      const bias = rand(n, [n]);
      const variants: (string | undefined)[] = [undefined, "mma"];
      if (hopper && dtype === "bf16") variants.push("wgmma256s4", "wgmma128s3b2");
      for (const variant of variants) {
        for (const activation of ["none", "gelu"] as const) {
          const y = nr.empty([2, m, n], { dtype, device: DEV });
          const withBias = activation === "gelu";
          backend.gemm(a.to(DEV), b.to(DEV), y, {
            variant,
            activation,
            alpha: withBias ? 0.5 : 1,
            bias: withBias ? bias.to(DEV) : undefined,
          });
          for (let i = 0; i < 2; i++) {
            const ai = nr.cast(a.slice([i, i + 1]).reshape([m, k]), "f64");
            const bi = nr.cast(b.slice([i, i + 1]).reshape([k, n]), "f64");
            let ref = naiveMatmul(ai, bi, m, n, k);
            if (withBias) {
              const v = ref.mul(0.5).add(nr.cast(bias, "f64"));
              const c = v.add(v.mul(v).mul(v).mul(0.044715)).mul(0.7978845608028654).tanh();
              ref = v.mul(0.5).mul(c.add(1));
            }
            const got = nr.cast(y.slice([i, i + 1]).reshape([m, n]).to("cpu"), "f64");
            assertClose(got, ref, {
              atol: 3e-2 * Math.sqrt(k),
              rtol: 3e-2,
              message: `${dtype} ${m}x${n}x${k} ${variant ?? "default"} ${activation} batch ${i}`,
            });
          }
        }
      }
    }
  }
});

test("scans match the CPU bit for bit (cumsum, cumprod, cummax, cummin, logcumsumexp)", () => {
  const rng = new Rng(10);
  for (const op of ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]) {
    for (const dtype of dtypesOf(`scan:${op}`)) {
      for (let r = 0; r < ROUNDS; r++) {
        const layout = LAYOUTS[r % LAYOUTS.length];
        const shape = randomShape(rng, { maxDim: 9 });
        if (shape.length === 0) shape.push(5);
        const [c, g] = pair(rng, dtype, shape, layout, { special: r % 2 === 0 });
        const axis = rng.int(0, shape.length - 1);
        const exact = op !== "logcumsumexp";
        compare(
          () => api[op](c, { axis }),
          () => api[op](g, { axis }),
          exact ? { atol: 0, rtol: 0 } : tolerance(dtype, true),
          `${op} ${dtype} ${layout} [${shape}] axis ${axis}`,
        );
      }
    }
  }
  // A scan longer than one 8192-element block.
  const [c, g] = pair(rng, "f32", [20000], "contiguous", { special: false });
  compare(() => nr.cumsum(c), () => nr.cumsum(g), { atol: 0, rtol: 0 }, "cumsum 20000");
});

test("indexing: gather, take, scatter, scatterReduce, nonzero, masks, bad indices", () => {
  const rng = new Rng(11);
  for (const dtype of ["f32", "f64", "bf16", "i64", "i8", "u16", "bool"] as nr.DType[]) {
    for (const indexDtype of ["i32", "i64", "u32"] as nr.DType[]) {
      const [c, g] = pair(rng, dtype, [6, 5], "transposed");
      const idxValues = Array.from({ length: 12 }, () => rng.int(indexDtype === "u32" ? 0 : -6, 5));
      const ic = nr.tensor(idxValues, { dtype: indexDtype, shape: [3, 4] });
      const ig = ic.to(DEV);
      const tag = `${dtype} ${indexDtype}`;
      compare(
        () => nr.gather(c, 1, ic.slice([0, 3], [0, 4])),
        () => nr.gather(g, 1, ig.slice([0, 3], [0, 4])),
        TOLERANCE[dtype],
        `gather ${tag}`,
      );
      compare(
        () => nr.indexSelect(c, 0, ic.reshape([12])),
        () => nr.indexSelect(g, 0, ig.reshape([12])),
        TOLERANCE[dtype],
        `indexSelect ${tag}`,
      );
      const [sc, sg] = pair(rng, dtype, [3, 4], "contiguous");
      compare(
        () => nr.scatter(c, 1, ic, sc),
        () => nr.scatter(g, 1, ig, sg),
        TOLERANCE[dtype],
        `scatter ${tag}`,
      );
      if (dtype !== "bool") {
        for (const reduce of ["sum", "prod", "max", "min"] as const) {
          compare(
            () => nr.scatterReduce(c, 1, ic, sc, reduce),
            () => nr.scatterReduce(g, 1, ig, sg, reduce),
            TOLERANCE[dtype],
            `scatterReduce ${reduce} ${tag}`,
          );
        }
      }
    }
    const [c, g] = pair(rng, dtype, [4, 1, 7], "stepped", { special: true });
    const nc = nr.nonzero(c);
    const ng = nr.nonzero(g);
    assert.equal(ng.length, nc.length);
    for (let d = 0; d < nc.length; d++) assertClose(ng[d].to("cpu"), nc[d], { message: dtype });
    const mask = nr.gt(nr.cast(c, "f32"), 0);
    compare(
      () => nr.maskedSelect(c, mask),
      () => nr.maskedSelect(g, mask.to(DEV)),
      TOLERANCE[dtype],
      `maskedSelect ${dtype}`,
    );
  }
  // An index out of range is reported as IndexOutOfBounds and never followed.
  const x = nr.arange(10, { dtype: "f32" }).to(DEV);
  for (const bad of [[1, 10], [-11, 0], [3, 99]]) {
    const i = nr.tensor(bad, { dtype: "i64", device: DEV });
    assert.throws(
      () => nr.indexSelect(x, 0, i),
      (e: unknown) => (e as nr.NumrError).code === "IndexOutOfBounds",
    );
    const before = x.toArray();
    assert.throws(
      () => nr.scatter(x, 0, i, 5),
      (e: unknown) => (e as nr.NumrError).code === "IndexOutOfBounds",
    );
    assert.deepEqual(x.toArray(), before);
  }
});

function naiveMatmul(a: nr.Tensor, b: nr.Tensor, m: number, n: number, k: number): nr.Tensor {
  const av = a.dataSync() as Float64Array;
  const bv = b.dataSync() as Float64Array;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = av[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] += x * bv[p * n + j];
    }
  }
  return nr.tensor(out, { shape: [m, n], dtype: "f64" });
}

Deno.test({
  name: "cuda: without a driver the backend reports BackendUnavailable",
  ignore: AVAILABLE,
  fn() {
    assert.throws(
      () => nr.zeros([2], { device: DEV }),
      (e: unknown) => (e as nr.NumrError).code === "BackendUnavailable",
    );
  },
});

// ---- sorting ----

/** Bytes of a tensor (on the CPU, contiguous) for bit-for-bit comparisons. */
function bits(t: nr.Tensor): Uint8Array {
  return nr.toBytes(t.to("cpu"));
}

function assertSameBits(got: nr.Tensor, want: nr.Tensor, message: string): void {
  assert.equal(got.device, DEV, message);
  assert.equal(got.dtype, want.dtype, message);
  assert.deepEqual([...got.shape], [...want.shape], message);
  assert.deepEqual(bits(got), bits(want), message);
}

const SORT_DTYPES: nr.DType[] = [
  "f64",
  "f32",
  "f16",
  "bf16",
  "fp8e4m3",
  "fp8e5m2",
  "i64",
  "i32",
  "i16",
  "i8",
  "u64",
  "u32",
  "u16",
  "u8",
  "bool",
];

test("sort, argsort, topk, partition match the CPU bit for bit", () => {
  const rng = new Rng(601);
  for (const dtype of SORT_DTYPES) {
    for (let round = 0; round < ROUNDS; round++) {
      const shape = randomShape(rng, { maxDims: 3, maxDim: 40 });
      const layout = LAYOUTS[round % LAYOUTS.length];
      const [c, g] = pair(rng, dtype, shape, layout, { special: true });
      const axis = shape.length === 0 ? undefined : rng.int(0, shape.length - 1);
      const descending = round % 2 === 1;
      const m = `${dtype} [${shape}] ${layout} axis ${axis} desc ${descending}`;
      assertSameBits(nr.sort(g, { axis, descending }), nr.sort(c, { axis, descending }), m);
      const indexDtype = round % 3 === 0 ? "i64" : "i32";
      assertSameBits(
        nr.argsort(g, { axis, descending, indexDtype }),
        nr.argsort(c, { axis, descending, indexDtype }),
        m,
      );
      if (shape.length > 0 && shape[axis!] > 0) {
        const k = rng.int(1, shape[axis!]);
        const tg = nr.topk(g, k, { axis, largest: !descending });
        const tc = nr.topk(c, k, { axis, largest: !descending });
        assertSameBits(tg.values, tc.values, `topk ${k} ${m}`);
        assertSameBits(tg.indices, tc.indices, `topk ${k} ${m}`);
        const kth = rng.int(0, shape[axis!] - 1);
        assertSameBits(nr.partition(g, kth, { axis }), nr.partition(c, kth, { axis }), m);
      }
    }
  }
});

test("sort of long rows (multi-pass network) and many short rows", () => {
  const rng = new Rng(602);
  const cases: [nr.DType, number[], number][] = [
    ["f32", [70001], 0],
    ["f64", [3, 5000], 1],
    ["i32", [4100, 3], 0],
    ["bf16", [2, 9000], 1],
    ["u8", [20000], 0],
    ["f32", [1000, 7], 1],
    ["i64", [33, 2049], 1],
  ];
  for (const [dtype, shape, axis] of QUICK ? cases.slice(0, 3) : cases) {
    for (const descending of [false, true]) {
      const [c, g] = pair(rng, dtype, shape, "contiguous", { special: true });
      const m = `${dtype} [${shape}] axis ${axis} desc ${descending}`;
      assertSameBits(nr.sort(g, { axis, descending }), nr.sort(c, { axis, descending }), m);
      assertSameBits(nr.argsort(g, { axis, descending }), nr.argsort(c, { axis, descending }), m);
      const k = Math.min(100, shape[axis]);
      const tg = nr.topk(g, k, { axis, largest: descending });
      const tc = nr.topk(c, k, { axis, largest: descending });
      assertSameBits(tg.values, tc.values, `topk ${m}`);
      assertSameBits(tg.indices, tc.indices, `topk ${m}`);
    }
  }
});

test("searchsorted and unique match the CPU", () => {
  const rng = new Rng(603);
  for (const dtype of SORT_DTYPES) {
    for (let round = 0; round < ROUNDS; round++) {
      const m = rng.int(0, 300);
      const [sc0] = pair(rng, dtype, [m], "contiguous", { special: true });
      const sc = nr.sort(sc0);
      const sg = sc.to(DEV);
      const vshape = randomShape(rng, { maxDims: 2, maxDim: 20 });
      const [vc, vg] = pair(rng, dtype, vshape, LAYOUTS[round % LAYOUTS.length], {
        special: true,
      });
      for (const side of ["left", "right"] as const) {
        const msg = `${dtype} m ${m} [${vshape}] ${side}`;
        assertSameBits(nr.searchsorted(sg, vg, { side }), nr.searchsorted(sc, vc, { side }), msg);
        const sorter = nr.argsort(sc0);
        assertSameBits(
          nr.searchsorted(sc0.to(DEV), vg, { side, sorter: sorter.to(DEV), indexDtype: "i64" }),
          nr.searchsorted(sc0, vc, { side, sorter, indexDtype: "i64" }),
          `sorter ${msg}`,
        );
      }
      // N-d sorted: one search per row.
      const rows = rng.int(1, 4);
      const [rc, rg] = pair(rng, dtype, [rows, 50], "contiguous", { special: true });
      const [wc, wg] = pair(rng, dtype, [rows, 9], "transposed", { special: true });
      assertSameBits(
        nr.searchsorted(nr.sort(rg, { axis: 1 }), wg),
        nr.searchsorted(nr.sort(rc, { axis: 1 }), wc),
        `rows ${dtype}`,
      );
      const ushape = randomShape(rng, { maxDims: 2, maxDim: 60 });
      const [uc, ug] = pair(rng, dtype, ushape, LAYOUTS[round % LAYOUTS.length], {
        special: true,
      });
      const opts = { returnInverse: true, returnCounts: true, indexDtype: "i64" as const };
      const a = nr.unique(ug, round % 2 === 0 ? opts : {});
      const b = nr.unique(uc, round % 2 === 0 ? opts : {});
      assertSameBits(a.values, b.values, `unique ${dtype} [${ushape}]`);
      if (round % 2 === 0) {
        assertSameBits(a.inverse!, b.inverse!, `unique inverse ${dtype}`);
        assertSameBits(a.counts!, b.counts!, `unique counts ${dtype}`);
      }
    }
  }
});

gpuTest(
  "public matmul family (NumPy semantics, bias + activations, complex, gradients)",
  async () => {
    await matmulParity(DEV, ["f32", "f64", "bf16", "f16", "c64"]);
  },
);

gpuTest("gradients of the differentiable ops match the CPU (f32)", async () => {
  const r = await gradParity(DEV);
  console.log(`cuda gradients: ${r.compared.length} ops compared, skipped:`, r.skipped);
  assert.ok(r.compared.length >= 60, `only ${r.compared.length} ops ran on ${DEV}`);
});
