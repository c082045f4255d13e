// Unary ops against NumPy: every op × every accepted dtype (values, dtype rules), random shapes
// and layouts, special values and domain edges, big trigonometric arguments, large inputs that
// run on several threads, and bad inputs.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { UNARY_OPS, type UnaryName, unaryPlan } from "../src/ops/unary.ts";
import { assertBitsEqual, assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomShape, randomTensor, Rng, type ValueOptions } from "./_random.ts";

const OPS = Object.keys(UNARY_OPS) as UnaryName[];
const FLOATS: nr.DType[] = ["f64", "f32", "f16", "bf16", "fp8e4m3", "fp8e5m2"];

/** NumPy's name for each op (a Python expression in `x`). */
const NUMPY: Record<UnaryName, string> = {
  neg: "np.negative(x)",
  abs: "np.abs(x)",
  sign: "np.sign(x)",
  sqrt: "np.sqrt(x)",
  rsqrt: "RSQRT(x)",
  cbrt: "np.cbrt(x)",
  square: "np.square(x)",
  exp: "np.exp(x)",
  exp2: "np.exp2(x)",
  expm1: "np.expm1(x)",
  log: "np.log(x)",
  log2: "np.log2(x)",
  log10: "np.log10(x)",
  // NumPy's complex log1p is log|1 + z|, which loses small z; scipy's is accurate, like numr's.
  log1p: "(scipy.special.log1p(x) if x.dtype.kind == 'c' else np.log1p(x))",
  sin: "np.sin(x)",
  cos: "np.cos(x)",
  tan: "np.tan(x)",
  asin: "np.arcsin(x)",
  acos: "np.arccos(x)",
  atan: "np.arctan(x)",
  sinh: "np.sinh(x)",
  cosh: "np.cosh(x)",
  tanh: "np.tanh(x)",
  asinh: "np.arcsinh(x)",
  acosh: "np.arccosh(x)",
  atanh: "np.arctanh(x)",
  floor: "np.floor(x)",
  ceil: "np.ceil(x)",
  round: "ROUND(x)",
  trunc: "np.trunc(x)",
  recip: "np.reciprocal(x)",
  isnan: "np.isnan(x)",
  isinf: "np.isinf(x)",
  isfinite: "np.isfinite(x)",
};

// Python helpers, bound as lambdas around each request.
// RSQRT: 1 / sqrt(x), computed in f32 for half formats and small ints (numr rounds once, where
// `1 / np.sqrt(x)` in f16 would round twice), then cast to the dtype NumPy's sqrt gives.
const RSQRT = "lambda x: (lambda t: (1 / np.sqrt(x.astype(np.float32) if t.itemsize < 4 " +
  "else x.astype(t))).astype(t))(np.sqrt(x).dtype)";
// ROUND: half away from zero (np.round rounds half to even). The trunc/where form is exact:
// x + copysign(0.5, x) would round 0.49999999999999994 up to 1. Ints are copies and bool gives
// f16 as np.round does; complex rounds both parts.
const ROUND_REAL =
  "lambda v: np.where(np.abs(v - np.trunc(v)) >= 0.5, np.trunc(v) + np.sign(v), np.trunc(v))" +
  ".astype(v.dtype)";
const ROUND = `lambda x: (lambda R: np.round(x) if x.dtype.kind in 'iub' else ` +
  `(np.stack([R(x.real), R(x.imag)], -1).view(x.dtype)[..., 0] if x.dtype.kind == 'c' ` +
  `else R(x)))(${ROUND_REAL})`;

/**
 * Ops whose c64 results numr computes in f64 and rounds once. NumPy computes them in f32, with
 * errors that grow with the argument (exp2(z) rounds z ln 2 in f32 first), so their reference
 * is NumPy's c128 result rounded to c64.
 */
const WIDE_COMPLEX = new Set<UnaryName>(
  OPS.filter((op) =>
    !["neg", "sign", "square", "recip", "round", "isnan", "isinf", "isfinite"].includes(op)
  ),
);

/** One request evaluating the op on every input: a tuple of results. */
function batchExpr(op: UnaryName, count: number): string {
  const names = Array.from({ length: count }, (_, i) => `x${i}`).join(", ");
  const f = `(lambda x: ${NUMPY[op]})`;
  const wide = WIDE_COMPLEX.has(op)
    ? `(lambda x: (lambda r: r.astype(np.complex64 if r.dtype == np.complex128 else np.float32))` +
      `(${f}(x.astype(np.complex128))) if x.dtype == np.complex64 else ${f}(x))`
    : f;
  const body = `(lambda RSQRT, ROUND: tuple(${wide}(v) for v in [${names}]))`;
  return `${body}(${RSQRT}, ${ROUND})`;
}

/** Ops whose result NumPy defines exactly (compared bit for bit, -0 included). */
const EXACT = new Set<UnaryName>([
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "floor",
  "ceil",
  "round",
  "trunc",
  "recip",
  "isnan",
  "isinf",
  "isfinite",
]);

/** Ops taking values in [-1, 1] get inputs of a smaller scale, so most land in the domain. */
function valueOptions(op: UnaryName): ValueOptions {
  if (op === "asin" || op === "acos" || op === "atanh") return { scale: 0.6 };
  if (op === "exp" || op === "exp2" || op === "sinh" || op === "cosh") return { scale: 20 };
  return {};
}

function accepted(op: UnaryName): nr.DType[] {
  return nr.DTYPE_NAMES.filter((d) => unaryPlan(op, d) !== undefined);
}

function call(op: UnaryName, x: nr.Tensor): nr.Tensor {
  return (nr as unknown as Record<UnaryName, (t: nr.Tensor) => nr.Tensor>)[op](x);
}

/**
 * Compares numr with NumPy on each input. Exact ops must match bit for bit on real results;
 * everything else within the dtype's tolerance (assertClose also checks dtype and shape).
 */
async function compare(
  oracle: Oracle,
  op: UnaryName,
  inputs: nr.Tensor[],
  label: string,
  atol?: Partial<Record<nr.DType, number>>,
): Promise<void> {
  const bound: Record<string, nr.Tensor> = {};
  inputs.forEach((t, i) => bound[`x${i}`] = t);
  const answer = await oracle.run(batchExpr(op, inputs.length), bound);
  if (answer.error !== undefined) {
    throw new Error(`NumPy failed on ${op} ${label}: ${answer.error}`);
  }
  inputs.forEach((x, i) => {
    const expected = answer.results[i];
    const actual = call(op, x);
    const message = `${op} ${x.dtype} [${x.shape}] ${label} #${i}`;
    const kind = nr.DTYPES[expected.dtype].kind;
    // ml_dtypes' sign keeps -0 for bf16 and fp8, NumPy's own floats (and numr) give +0.
    const mlSign = op === "sign" && (x.dtype === "bf16" || x.dtype.startsWith("fp8"));
    const exactReal = EXACT.has(op) && kind !== "complex" && !mlSign &&
      !(op === "abs" && nr.DTYPES[x.dtype].kind === "complex") &&
      !(op === "sign" && nr.DTYPES[x.dtype].kind === "complex");
    if (exactReal) assertBitsEqual(actual, expected, message);
    else assertClose(actual, expected, { message, atol: atol?.[expected.dtype] });
  });
}

Deno.test("unary ops match NumPy for every dtype on random shapes and layouts", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(1);
    for (const op of OPS) {
      for (const dtype of accepted(op)) {
        const inputs = LAYOUTS.map((layout) =>
          randomTensor(rng, dtype, randomShape(rng), layout, valueOptions(op))
        );
        await compare(oracle, op, inputs, "random");
      }
    }
  } finally {
    await oracle.close();
  }
});

/** Edge values: domain boundaries, overflow and underflow thresholds, specials, big arguments. */
const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  0.49999999999999994,
  -0.49999999999999994,
  2,
  -2,
  NaN,
  Infinity,
  -Infinity,
  1 - 2 ** -53,
  1 + 2 ** -52,
  -1 + 2 ** -53,
  1e-300,
  -1e-300,
  5e-324,
  1e-40,
  1e-8,
  -1e-8,
  3e-5,
  0.25,
  0.6,
  0.7,
  1.1,
  3,
  10,
  -10,
  20,
  22,
  30,
  88.72,
  88.73,
  89.4,
  -87.4,
  -103.9,
  -104,
  -149.5,
  709.78,
  709.79,
  710.47,
  710.48,
  -708.4,
  -745.1,
  -745.2,
  1023.9,
  1024,
  -1074.5,
  -1075.5,
  Math.PI / 2,
  Math.PI,
  -Math.PI / 2,
  3 * Math.PI / 2,
  1e6,
  -1e6,
  1647099.3,
  1e8,
  4.2e8,
  1e15,
  1e22,
  -1e22,
  1e30,
  1e300,
  -1e300,
  65504,
  65520,
  1.7e308,
];

/**
 * Absolute tolerances for the edge values: far below the defaults, so that tiny results (near
 * underflow, near zeros of sin) are compared relatively. NumPy's complex log1p loses tiny
 * values (it computes log|1 + z|), hence the looser complex bounds.
 */
const EDGE_ATOL: Partial<Record<nr.DType, number>> = {
  f64: 1e-307,
  f32: 1e-37,
  c128: 1e-290,
  c64: 1e-30,
};

Deno.test("unary ops match NumPy on special values, domain edges and big arguments", async () => {
  const oracle = Oracle.start();
  try {
    for (const op of OPS) {
      for (const dtype of [...FLOATS, "c64", "c128"] as nr.DType[]) {
        if (unaryPlan(op, dtype) === undefined) continue;
        const values = nr.DTYPES[dtype].kind === "complex"
          ? EDGES.flatMap((re, i) => [
            { re, im: 0 },
            { re: 0, im: re },
            { re, im: EDGES[(i * 7 + 3) % EDGES.length] },
          ])
          : EDGES;
        const x = nr.tensor(values, { dtype });
        await compare(oracle, op, [x], "edges", EDGE_ATOL);
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("complex unary ops match NumPy on the C99 special-value grid", async () => {
  // Every pair of these as (re, im): signed zeros, infinities, NaN, huge, subnormal, near 1.
  const parts = [
    0,
    -0,
    1,
    -1,
    2.5,
    -0.5,
    Infinity,
    -Infinity,
    NaN,
    1e308,
    -1e300,
    1e-310,
    0.9,
    1e10,
  ];
  const values = parts.flatMap((re) => parts.map((im) => ({ re, im })));
  const oracle = Oracle.start();
  try {
    for (const dtype of ["c128", "c64"] as const) {
      const x = nr.tensor(values, { dtype });
      for (const op of OPS) {
        if (unaryPlan(op, dtype) === undefined) continue;
        await compare(oracle, op, [x], "special grid", { c128: 1e-300, c64: 1e-40 });
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("unary ops match NumPy on integer and bool edge values", async () => {
  const oracle = Oracle.start();
  try {
    for (const dtype of ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8", "bool"] as const) {
      const info = nr.DTYPES[dtype];
      const values: nr.Element[] = dtype === "bool"
        ? [true, false]
        : dtype === "i64" || dtype === "u64"
        ? [
          0n,
          1n,
          2n,
          3n,
          100n,
          ...(dtype === "i64" ? [-1n, -2n, -(2n ** 63n), 2n ** 63n - 1n] : [
            2n ** 64n - 1n,
            2n ** 63n,
          ]),
        ]
        : [0, 1, 2, 3, 100, info.max, info.min, ...(info.min < 0 ? [-1, -2, info.min + 1] : [])];
      const x = nr.tensor(values, { dtype });
      for (const op of OPS) {
        if (unaryPlan(op, dtype) === undefined) continue;
        await compare(oracle, op, [x], "int edges");
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("unary ops match NumPy on large inputs split over threads", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(7);
    const cases: [UnaryName, nr.DType][] = [
      ["exp", "f32"],
      ["log", "f64"],
      ["sin", "f32"],
      ["tanh", "f64"],
      ["expm1", "bf16"],
      ["sqrt", "f16"],
      ["neg", "i16"],
      ["abs", "c64"],
      ["isnan", "f32"],
      ["atan", "c128"],
    ];
    for (const [op, dtype] of cases) {
      const contiguous = randomTensor(rng, dtype, [70001], "contiguous", valueOptions(op));
      const strided = randomTensor(rng, dtype, [300, 257], "transposed", valueOptions(op));
      await compare(oracle, op, [contiguous, strided], "large");
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("unary result dtypes follow NumPy for every op and dtype", () => {
  // The comparisons above check dtypes as well; this pins the rules that differ between ops.
  const cases: [UnaryName, nr.DType, nr.DType][] = [
    ["exp", "i8", "f16"],
    ["exp", "u16", "f32"],
    ["exp", "i32", "f64"],
    ["exp", "bool", "f16"],
    ["abs", "c64", "f32"],
    ["abs", "c128", "f64"],
    ["abs", "bool", "bool"],
    ["square", "bool", "i8"],
    ["recip", "bool", "i8"],
    ["round", "bool", "f16"],
    ["round", "i16", "i16"],
    ["floor", "u8", "u8"],
    ["floor", "bool", "bool"],
    ["isnan", "i64", "bool"],
    ["isfinite", "c64", "bool"],
    ["sqrt", "c64", "c64"],
    ["neg", "u32", "u32"],
  ];
  for (const [op, input, output] of cases) {
    const x = nr.zeros([2], { dtype: input });
    assert.equal(call(op, x).dtype, output, `${op} ${input}`);
  }
});

Deno.test("unary Tensor methods match the functions", () => {
  const x = nr.tensor([0.25, -1.5, 3], { dtype: "f64" });
  for (const op of OPS) {
    const method = (x as unknown as Record<UnaryName, () => nr.Tensor>)[op].call(x);
    assertBitsEqual(method, call(op, x), op);
  }
});

Deno.test("unary ops reject unsupported dtypes naming op and dtype", () => {
  const cases: [UnaryName, nr.DType][] = [
    ["neg", "bool"],
    ["sign", "bool"],
    ["cbrt", "c64"],
    ["floor", "c128"],
    ["ceil", "c64"],
    ["trunc", "c128"],
  ];
  for (const [op, dtype] of cases) {
    const x = nr.zeros([3], { dtype });
    assert.throws(() => call(op, x), (e: unknown) => {
      assert.ok(e instanceof nr.NumrError);
      assert.equal(e.code, "UnsupportedDType");
      assert.equal(e.op, op);
      assert.match(e.message, new RegExp(`${op} does not support ${dtype}`));
      return true;
    });
  }
});

Deno.test("unary ops reject disposed tensors and non-tensors", () => {
  // Int inputs too: the check comes before the cast to a float, so the error names the op.
  for (const dtype of ["f32", "i32"] as const) {
    const x = nr.tensor([1, 2], { dtype });
    x.dispose();
    for (const op of OPS) {
      assert.throws(() => call(op, x), (e: unknown) => {
        assert.ok(e instanceof nr.NumrError);
        assert.equal(e.code, "Disposed");
        assert.equal(e.op, op);
        assert.match(e.message, new RegExp(`used after dispose\\(\\) in ${op}\\b`));
        return true;
      }, `${op} ${dtype}`);
    }
  }
  for (const op of OPS) {
    assert.throws(
      () => call(op, [1, 2] as unknown as nr.Tensor),
      (e: unknown) => e instanceof nr.NumrError && e.code === "InvalidArgument",
    );
  }
});

Deno.test("unary ops on empty and 0-d tensors keep the shape", () => {
  for (const op of OPS) {
    for (const shape of [[0], [2, 0, 3], []]) {
      const x = nr.ones(shape, { dtype: "f32" });
      const y = call(op, x);
      assert.deepEqual([...y.shape], shape, `${op} [${shape}]`);
    }
  }
});

Deno.test("unary results keep the memory order of transposed inputs", () => {
  const base = nr.arange(0, 24, 1, { dtype: "f64" }).reshape([2, 3, 4]);
  const x = base.permute([2, 0, 1]);
  for (const op of ["exp", "floor", "neg"] as const) {
    const y = call(op, x);
    assert.deepEqual([...y.shape], [4, 2, 3]);
    assert.deepEqual([...y.strides], [1, 12, 4], op);
    assertBitsEqual(y, call(op, x.contiguous()), op);
  }
  const ints = nr.arange(0, 6, 1, { dtype: "i32" }).reshape([2, 3]).transpose();
  const copied = nr.floor(ints);
  assert.deepEqual([...copied.strides], [1, 3]);
  assert.deepEqual(copied.toArray(), [[0, 3], [1, 4], [2, 5]]);
});
