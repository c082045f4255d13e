// The matmul family against NumPy: every dtype on random shapes (1xN, Nx1, empty dims, depths
// across the K blocks), every layout (transposed, negative-stride, stepped, offset, broadcast),
// batch broadcasting and 1-D operands; the GEMV paths; matmulBias with each activation;
// fp8Matmul; dot/vdot/inner/outer/tensordot/bmm; bit-identical results for 1 and 2 threads; and
// bad inputs. Float results are checked against NumPy's product in f64 (complex128 for complex)
// with an error bound that grows with K:
//   |y − ref| ≤ u_out·|ref| + 2·K·u_acc·(|a|@|b|) + tiny.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { type Layout, LAYOUTS, randomTensor, Rng } from "./_random.ts";

const FLOATS: nr.DType[] = ["f64", "f32", "f16", "bf16", "fp8e4m3", "fp8e5m2", "c64", "c128"];
const INTS: nr.DType[] = ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8", "bool"];

/** Unit roundoff of the accumulation (u_acc) and of the stored result (u_out) per dtype. */
const ROUNDING: Partial<Record<nr.DType, [number, number]>> = {
  f64: [2 ** -53, 2 ** -53],
  c128: [2 ** -53, 2 ** -53],
  f32: [2 ** -24, 2 ** -24],
  c64: [2 ** -24, 2 ** -24],
  f16: [2 ** -24, 2 ** -11],
  bf16: [2 ** -24, 2 ** -8],
  fp8e4m3: [2 ** -24, 2 ** -4],
  fp8e5m2: [2 ** -24, 2 ** -3],
};

/** Smallest normal of the output dtype (subnormal outputs round absolutely). */
const TINY: Partial<Record<nr.DType, number>> = {
  f16: 2 ** -14,
  bf16: 1e-38,
  fp8e4m3: 2 ** -6,
  fp8e5m2: 2 ** -14,
};

const oracle = Oracle.start();

/** NumPy's reference in f64/c128 (int64 for ints), with the same expression as `expr`. */
function wide(name: string, d: nr.DType): string {
  if (d === "c64" || d === "c128") return `${name}.astype(np.complex128)`;
  if (FLOATS.includes(d)) return `${name}.astype(np.float64)`;
  return name;
}

/**
 * Checks a float result `y` of `expr` (written with names a, b) against NumPy in f64 with the
 * K-scaled bound; `absExpr` is the same expression on |a|, |b| (the error scale).
 */
async function checkFloat(
  y: nr.Tensor,
  inputs: Record<string, nr.Tensor>,
  expr: (w: (n: string) => string) => string,
  k: number,
  outDtype: nr.DType,
  message: string,
): Promise<void> {
  const d = inputs.a.dtype;
  const [uAcc, uOut] = ROUNDING[outDtype] ?? ROUNDING[d]!;
  const tiny = TINY[outDtype] ?? 1e-300;
  const ref = expr((n) => wide(n, inputs[n].dtype));
  const abs = expr((n) => `np.abs(${wide(n, inputs[n].dtype)})`);
  const yw = outDtype === "c64" || outDtype === "c128"
    ? "y.astype(np.complex128)"
    : "y.astype(np.float64)";
  const ratio = await oracle.eval(
    `(lambda r, s: float(np.max(np.abs(${yw} - r) / ` +
      `(${uOut} * np.abs(r) + ${2 * Math.max(k, 1) * uAcc} * s + ${tiny}), initial=0)))` +
      `(np.asarray(${ref}), np.asarray(${abs}))`,
    { ...inputs, y },
  );
  const r = ratio.item() as number;
  assert.ok(r <= 1, `${message}: error ${r} times the bound`);
}

async function checkExact(
  y: nr.Tensor,
  inputs: Record<string, nr.Tensor>,
  expr: string,
  message: string,
): Promise<void> {
  const expected = await oracle.eval(expr, inputs);
  assert.equal(y.dtype, expected.dtype, `dtype ${message}`);
  assertBitsEqual(y, expected, message);
}

function sizePick(rng: Rng): number {
  return rng.pick([0, 1, 1, 2, 3, 5, 8, 9, 15, 16, 17, 31, 33, 47, 49, 64, 97, 130]);
}

function input(rng: Rng, d: nr.DType, shape: number[], layout: Layout): nr.Tensor {
  return randomTensor(rng, d, shape, layout, { special: false, scale: 2 });
}

/** NumPy's matmul of the inputs with numr's dtype rule (i8 x i8 -> i32). */
function npMatmul(d: nr.DType): string {
  return d === "i8" ? "a.astype(np.int32) @ b.astype(np.int32)" : "a @ b";
}

Deno.test("matmul() matches NumPy for every dtype, shape and layout", async () => {
  const rng = new Rng(4);
  for (const d of [...FLOATS, ...INTS]) {
    for (let trial = 0; trial < 8; trial++) {
      const [m, n, k] = [sizePick(rng), sizePick(rng), sizePick(rng)];
      const la = rng.pick(LAYOUTS);
      const lb = rng.pick(LAYOUTS);
      const a = input(rng, d, [m, k], la);
      const b = input(rng, d, [k, n], lb);
      const y = nr.matmul(a, b);
      const msg = `${d} [${m}, ${k}] ${la} @ [${k}, ${n}] ${lb}`;
      if (FLOATS.includes(d)) {
        assert.equal(y.dtype, d, msg);
        await checkFloat(y, { a, b }, (w) => `${w("a")} @ ${w("b")}`, k, d, msg);
      } else {
        await checkExact(y, { a, b }, npMatmul(d), msg);
      }
    }
  }
});

Deno.test("matmul() covers several K, M and N blocks, GEMV and 1-D operands", async () => {
  const rng = new Rng(5);
  const cases: [number[], number[]][] = [
    [[200, 1100], [1100, 70]], // K over two KC blocks, M over two MC blocks
    [[129, 600], [600, 100]],
    [[1, 900], [900, 300]], // row vector: GEMV on Bᵀ
    [[300, 800], [800, 1]], // column vector: GEMV
    [[600], [600, 50]], // 1-D left
    [[50, 600], [600]], // 1-D right
    [[700], [700]], // 1-D both: 0-d result
    [[1, 1], [1, 1]],
    [[3, 0], [0, 4]], // K = 0: zeros
    [[0, 5], [5, 3]],
  ];
  for (const d of ["f32", "f64"] as nr.DType[]) {
    for (const [sa, sb] of cases) {
      const pairs: [Layout, Layout][] = d === "f32"
        ? [["contiguous", "contiguous"], ["transposed", "flipped"]]
        : [["stepped", "transposed"]];
      for (const [la, lb] of pairs) {
        const a = input(rng, d, sa, la);
        const b = input(rng, d, sb, lb);
        const y = nr.matmul(a, b);
        const expected = await oracle.eval("a @ b", { a, b });
        assert.deepEqual([...y.shape], [...expected.shape], `shape ${sa} @ ${sb}`);
        const k = sa[sa.length - 1];
        const msg = `${d} ${la} [${sa}] @ ${lb} [${sb}]`;
        await checkFloat(y, { a, b }, (w) => `${w("a")} @ ${w("b")}`, k, d, msg);
      }
    }
  }
});

Deno.test("matmul() broadcasts batch dims as NumPy", async () => {
  const rng = new Rng(6);
  const cases: [number[], number[]][] = [
    [[3, 1, 4, 5], [2, 5, 6]],
    [[2, 3, 7], [7, 2]],
    [[7], [4, 7, 3]],
    [[4, 2, 7], [7]],
    [[0, 2, 3], [3, 4]],
    [[5, 1, 3, 4], [1, 6, 4, 2]],
    [[64, 12, 20], [64, 20, 9]], // many small products, one per thread
    [[300, 4, 5], [300, 5, 3]], // tiny products: no packing
    [[40, 70, 30], [30, 66]],
  ];
  for (const d of ["f32", "f64", "c64", "i32"] as nr.DType[]) {
    for (const [sa, sb] of cases) {
      const a = input(rng, d, sa, rng.pick(LAYOUTS));
      const b = input(rng, d, sb, rng.pick(LAYOUTS));
      const y = nr.matmul(a, b);
      const msg = `${d} [${sa}] @ [${sb}]`;
      if (d === "i32") await checkExact(y, { a, b }, "a @ b", msg);
      else await checkFloat(y, { a, b }, (w) => `${w("a")} @ ${w("b")}`, sa.at(-1)!, d, msg);
    }
  }
});

Deno.test("matmul() propagates NaN and Inf", async () => {
  const a = nr.tensor([[NaN, 1], [2, 3], [Infinity, 0]], { dtype: "f32" });
  const b = nr.tensor([[1, 2], [3, 4]], { dtype: "f32" });
  const expected = await oracle.eval("a @ b", { a, b });
  assertBitsEqual(nr.matmul(a, b), expected);
});

Deno.test("matmul() gives bit-identical results for 1 and 2 threads", () => {
  const rng = new Rng(7);
  const before = nr.getCpuThreads();
  const cases: [nr.DType, number[], number[]][] = [
    ["f32", [333, 1030], [1030, 517]],
    ["f64", [260, 400], [400, 390]],
    ["f32", [48, 30, 40], [48, 40, 35]],
    ["f32", [2000, 300], [300]],
    ["f32", [300], [300, 2000]],
    ["c64", [100, 200], [200, 90]],
    ["i8", [120, 300], [300, 100]],
  ];
  try {
    for (const [d, sa, sb] of cases) {
      const a = input(rng, d, sa, "contiguous");
      const b = input(rng, d, sb, "transposed");
      nr.setCpuThreads(1);
      const y1 = nr.matmul(a, b);
      nr.setCpuThreads(2);
      const y2 = nr.matmul(a, b);
      assertBitsEqual(y2, y1, `${d} [${sa}] @ [${sb}]`);
    }
  } finally {
    nr.setCpuThreads(before);
  }
});

const ACTIVATION_PY: Record<string, (x: string) => string> = {
  none: (x) => x,
  relu: (x) => `np.maximum(${x}, 0)`,
  gelu: (x) => `(0.5 * ${x} * (1 + np.tanh(0.7978845608028654 * (${x} + 0.044715 * ${x} ** 3))))`,
  silu: (x) => `(${x} / (1 + np.exp(-${x})))`,
  sigmoid: (x) => `(1 / (1 + np.exp(-${x})))`,
  tanh: (x) => `np.tanh(${x})`,
};

Deno.test("matmulBias() fuses bias and activation as NumPy's composition", async () => {
  const rng = new Rng(8);
  for (const d of ["f32", "f64", "f16", "bf16"] as nr.DType[]) {
    for (const act of Object.keys(ACTIVATION_PY)) {
      const [m, n, k] = [sizePick(rng) + 1, sizePick(rng) + 1, sizePick(rng)];
      const a = input(rng, d, [2, m, k], rng.pick(LAYOUTS));
      const b = input(rng, d, [k, n], rng.pick(LAYOUTS));
      const bias = input(rng, d, [n], rng.pick(["contiguous", "flipped", "stepped"]));
      const options = act === "none" ? {} : { activation: act as nr.Activation };
      const y = nr.matmulBias(a, b, bias, options);
      assert.equal(y.dtype, d);
      const f = ACTIVATION_PY[act];
      // The activation's slope is at most ~1.1, so the product's error bound carries over; the
      // activation itself adds a few f32/f64 ulps (covered by the output rounding term).
      const msg = `${d} ${act} [2, ${m}, ${k}] @ [${k}, ${n}]`;
      const u = d === "f64" ? 2 ** -50 : 2 ** -21;
      const [uAcc, uOut] = ROUNDING[d]!;
      const ratio = await oracle.eval(
        `(lambda r, s: float(np.max(np.abs(y.astype(np.float64) - ${f("r")}) / ` +
          `(${Math.max(u, uOut)} * (np.abs(r) + 1) + ${2.2 * Math.max(k, 1) * uAcc} * s),` +
          ` initial=0)))(${wide("a", d)} @ ${wide("b", d)} + ${wide("bias", d)}, ` +
          `np.abs(${wide("a", d)}) @ np.abs(${wide("b", d)}) + np.abs(${wide("bias", d)}))`,
        { a, b, bias, y },
      );
      assert.ok((ratio.item() as number) <= 1, `${msg}: ${ratio.item()} times the bound`);
    }
  }
  for (const d of ["i32", "i8", "c128"] as nr.DType[]) {
    const a = input(rng, d, [5, 7], "transposed");
    const b = input(rng, d, [7, 3], "flipped");
    const bias = input(rng, d === "i8" ? "i32" : d, [3], "contiguous");
    const y = nr.matmulBias(a, b, bias);
    const msg = `${d} bias`;
    if (d === "c128") {
      await checkFloat(
        y,
        { a, b, bias },
        (w) => `${w("a")} @ ${w("b")} + ${w("bias")}`,
        7,
        d,
        msg,
      );
    } else await checkExact(y, { a, b, bias }, `(${npMatmul(d)}) + bias`, msg);
  }
});

Deno.test("fp8Matmul() scales, accumulates in f32 and writes the output dtype", async () => {
  const rng = new Rng(9);
  for (const [da, db] of [["fp8e4m3", "fp8e4m3"], ["fp8e5m2", "fp8e5m2"], ["fp8e5m2", "fp8e4m3"]]) {
    for (const out of ["f32", "f16", "bf16"] as const) {
      const a = input(rng, da as nr.DType, [4, 13, 37], "contiguous");
      const b = input(rng, db as nr.DType, [37, 11], "transposed");
      const y = nr.fp8Matmul(a, b, { scaleA: 0.25, scaleB: 3, outDtype: out });
      assert.equal(y.dtype, out);
      const msg = `${da} x ${db} -> ${out}`;
      await checkFloat(y, { a, b }, (w) => `0.75 * (${w("a")} @ ${w("b")})`, 37, out, msg);
    }
  }
});

Deno.test("dot, vdot, inner, outer, tensordot and bmm match NumPy", async () => {
  const rng = new Rng(10);
  const cases: [string, (a: nr.Tensor, b: nr.Tensor) => nr.Tensor, string, number[], number[]][] = [
    ["dot", nr.dot, "np.dot(A, B)", [5], [5]],
    ["dot", nr.dot, "np.dot(A, B)", [4, 5], [5, 3]],
    ["dot", nr.dot, "np.dot(A, B)", [2, 4, 5], [5]],
    ["dot", nr.dot, "np.dot(A, B)", [2, 4, 5], [3, 5, 2]],
    ["dot", nr.dot, "np.dot(A, B)", [], [3, 2]],
    ["vdot", nr.vdot, "np.vdot(A, B)", [3, 4], [2, 6]],
    ["inner", nr.inner, "np.inner(A, B)", [2, 3, 4], [5, 4]],
    ["inner", nr.inner, "np.inner(A, B)", [4], [4]],
    ["outer", nr.outer, "np.outer(A, B)", [2, 3], [4]],
    ["tensordot", (a, b) => nr.tensordot(a, b, 2), "np.tensordot(A, B, 2)", [2, 3, 4], [3, 4, 5]],
    [
      "tensordot",
      (a, b) => nr.tensordot(a, b, [[0, 2], [2, 0]]),
      "np.tensordot(A, B, ([0, 2], [2, 0]))",
      [3, 4, 5],
      [5, 2, 3],
    ],
    ["tensordot", (a, b) => nr.tensordot(a, b, 0), "np.tensordot(A, B, 0)", [2, 3], [4]],
    ["bmm", nr.bmm, "A @ B", [6, 3, 4], [6, 4, 5]],
  ];
  for (const d of ["f64", "c128", "i64"] as nr.DType[]) {
    for (const [name, f, expr, sa, sb] of cases) {
      const a = input(rng, d, sa, sa.length > 1 ? "transposed" : "flipped");
      const b = input(rng, d, sb, "contiguous");
      const y = f(a, b);
      const msg = `${name} ${d} [${sa}] [${sb}]`;
      const plain = expr.replace("A", "a").replace("B", "b");
      const expected = await oracle.eval(plain, { a, b });
      assert.deepEqual([...y.shape], [...expected.shape], msg);
      const wrap = (w: (n: string) => string) => expr.replace("A", w("a")).replace("B", w("b"));
      if (d === "i64") await checkExact(y, { a, b }, plain, msg);
      else await checkFloat(y, { a, b }, wrap, 6, d, msg);
    }
  }
});

Deno.test("matmul family rejects bad inputs with the right codes", () => {
  const code = (f: () => unknown, c: string, re?: RegExp) =>
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof nr.NumrError, String(e));
      assert.equal(e.code, c, e.message);
      if (re !== undefined) assert.match(e.message, re);
      return true;
    });
  const a = nr.ones([2, 3]);
  const b = nr.ones([4, 5]);
  code(() => nr.matmul(a, b), "ShapeMismatch", /\[2, 3\] with \[4, 5\]/);
  code(() => nr.matmul(nr.ones([2, 2, 3]), nr.ones([3, 3, 2])), "ShapeMismatch", /batch/);
  code(() => nr.matmul(nr.tensor(1), a), "ShapeMismatch");
  code(() => nr.matmul(a, nr.ones([3, 2], { dtype: "f64" })), "DTypeMismatch", /f32 and f64/);
  code(() => nr.bmm(a, nr.ones([3, 2])), "ShapeMismatch");
  code(() => nr.matmulBias(a, nr.ones([3, 4]), nr.ones([3])), "ShapeMismatch", /\[4\]/);
  code(() => nr.matmulBias(a, nr.ones([3, 4]), nr.ones([4], { dtype: "f64" })), "DTypeMismatch");
  const bad = { activation: "swish" as nr.Activation };
  code(() => nr.matmulBias(a, nr.ones([3, 4]), nr.ones([4]), bad), "InvalidArgument");
  const ai = nr.ones([2, 3], { dtype: "i32" });
  const bi = nr.ones([3, 4], { dtype: "i32" });
  const gelu = { activation: "gelu" as const };
  code(() => nr.matmulBias(ai, bi, nr.ones([4], { dtype: "i32" }), gelu), "UnsupportedDType");
  code(() => nr.fp8Matmul(a, nr.ones([3, 4])), "UnsupportedDType");
  code(() => nr.vdot(a, nr.ones([7])), "ShapeMismatch");
  code(() => nr.tensordot(a, b, 1), "ShapeMismatch");
  code(() => nr.tensordot(a, b, [[5], [0]]), "InvalidDimension");
});

Deno.test({
  name: "matmul oracle shuts down",
  fn: async () => {
    await oracle.close();
  },
});
