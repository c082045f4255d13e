// Cumulative ops and logsumexp against NumPy/SciPy: every op × every accepted dtype on random
// shapes, layouts and axes (flattened, negative, 0-d, empty), special values, the dtype option,
// long scans checked for accuracy, results that do not depend on the thread count or on the
// layout, and bad inputs.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { SCAN_OPS, type ScanName } from "../src/ops/cumulative.ts";
import { assertBitsEqual, assertClose } from "./_assert.ts";
import { errorCode } from "./_elementwise.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";

const SCANS = Object.keys(SCAN_OPS) as ScanName[];

function accepted(op: ScanName): nr.DType[] {
  return nr.DTYPE_NAMES.filter((d) => SCAN_OPS[op].input(d) !== undefined);
}

// Python helpers bound around each request.
// R: NumPy flattens without an axis. WIDE: the dtype numr accumulates floats in, or wider
// (f64 for real floats, c128 for complex), so the reference rounds once, as numr does. SUM:
// cumsum/cumprod computed wide and cast to NumPy's own result dtype.
const HELPERS = "R = lambda x, a: (x.reshape(-1), 0) if a is None or x.ndim == 0 else (x, a)\n" +
  "WIDE = lambda v: np.complex128 if v.dtype.kind == 'c' else " +
  "(np.float64 if v.dtype.kind in 'fV' else v.dtype)\n" +
  "SUM = lambda f: lambda x, a: (lambda v, ax: f(v.astype(WIDE(v)), axis=ax)" +
  ".astype(f(v[..., :0] if v.ndim else v, axis=ax).dtype))(*R(x, a))\n" +
  "ACC = lambda f: lambda x, a: (lambda v, ax: f.accumulate(v, axis=ax))(*R(x, a))\n" +
  "OUTF = lambda v: v.dtype if v.dtype.kind in 'fV' else (np.float16 if v.itemsize == 1 else " +
  "(np.float32 if v.itemsize == 2 else np.float64))\n" +
  "LCSE = lambda x, a: (lambda v, ax: np.logaddexp.accumulate(v.astype(np.float64), axis=ax)" +
  ".astype(OUTF(v)))(*R(x, a))\n";

const REFERENCE: Record<ScanName, string> = {
  cumsum: "SUM(np.cumsum)",
  cumprod: "SUM(np.cumprod)",
  cummax: "ACC(np.maximum)",
  cummin: "ACC(np.minimum)",
  logcumsumexp: "LCSE",
};

/** Runs Python `code` (defining F) and evaluates `F(x_i, a_i)` for every case in one request. */
async function reference(
  oracle: Oracle,
  op: ScanName,
  cases: { x: nr.Tensor; axis: number | undefined }[],
): Promise<nr.Tensor[]> {
  const bound: Record<string, nr.Tensor> = {};
  const calls = cases.map((c, i) => {
    bound[`x${i}`] = c.x;
    return `F(x${i}, ${c.axis === undefined ? "None" : c.axis})`;
  });
  // Definitions run through exec in a fresh scope, then the tuple is evaluated there.
  const program = `${HELPERS}F = ${REFERENCE[op]}\nOUT = (${calls.join(", ")},)`;
  const expr = `(lambda g: (exec(${JSON.stringify(program)}, g), g['OUT'])[1])(dict(globals()))`;
  const answer = await oracle.run(expr, bound);
  if (answer.error !== undefined) throw new Error(`NumPy failed on ${op}: ${answer.error}`);
  return answer.results;
}

function call(op: ScanName, x: nr.Tensor, axis: number | undefined): nr.Tensor {
  const f = (nr as unknown as Record<ScanName, (t: nr.Tensor, o: nr.ScanOptions) => nr.Tensor>)[op];
  return f(x, axis === undefined ? {} : { axis });
}

/** Tolerances where numr (accumulating wider) and the wide reference may round differently. */
function compareScan(op: ScanName, actual: nr.Tensor, expected: nr.Tensor, message: string): void {
  const exact = op === "cummax" || op === "cummin" ||
    nr.DTYPES[expected.dtype].kind !== "float" && nr.DTYPES[expected.dtype].kind !== "complex";
  // NumPy's f16 maximum loop keeps the earlier of two equal values, its other float loops the
  // later one (maximum(0, -0) is 0 for f16, -0 for f32): numr takes the later one for every
  // dtype, so f16 signed zeros are compared as equal.
  if (exact && !((op === "cummax" || op === "cummin") && expected.dtype === "f16")) {
    assertBitsEqual(actual, expected, message);
    return;
  }
  // Half formats accumulate in f32 (the reference in f64): after the final rounding they differ
  // by at most one unit in the last place of the result, hence relative tolerances of one ulp.
  const ulp: Partial<Record<nr.DType, number>> = {
    f16: 2 ** -10,
    bf16: 2 ** -7,
    fp8e4m3: 2 ** -3,
    fp8e5m2: 2 ** -2,
  };
  const rtol = ulp[expected.dtype];
  assertClose(actual, expected, rtol === undefined ? { message } : { message, rtol });
}

function randomAxis(rng: Rng, ndim: number): number | undefined {
  if (rng.next() < 0.2) return undefined;
  if (ndim === 0) return rng.pick([0, -1]);
  return rng.int(-ndim, ndim - 1);
}

Deno.test("scans match NumPy for every dtype on random shapes, layouts and axes", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(7);
    for (const op of SCANS) {
      for (const dtype of accepted(op)) {
        const cases = [...LAYOUTS, ...LAYOUTS].map((layout) => {
          const shape = randomShape(rng, { maxDims: 3, maxDim: 9 });
          const scale = op === "cumprod" ? 1.2 : 3;
          const x = randomTensor(rng, dtype, shape, layout, { scale });
          return { x, axis: randomAxis(rng, shape.length) };
        });
        const expected = await reference(oracle, op, cases);
        cases.forEach((c, i) => {
          const message = `${op} ${dtype} [${c.x.shape}] axis ${c.axis} #${i}`;
          compareScan(op, call(op, c.x, c.axis), expected[i], message);
        });
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("scans handle NaN, infinities and signed zeros as NumPy", async () => {
  const oracle = Oracle.start();
  try {
    const values = [0, -0, NaN, 1, Infinity, -Infinity, -0, 2, -Infinity, 3];
    for (const op of SCANS) {
      for (const dtype of ["f64", "f32", "f16", "bf16"] as nr.DType[]) {
        const cases = [
          { x: nr.tensor(values, { dtype }), axis: 0 },
          { x: nr.tensor([-0, -0, -0], { dtype }), axis: 0 },
          { x: nr.tensor([-Infinity, -Infinity, 1, Infinity, Infinity], { dtype }), axis: 0 },
          { x: nr.tensor([[Infinity, 1], [-Infinity, NaN]], { dtype }), axis: 1 },
        ];
        const expected = await reference(oracle, op, cases);
        cases.forEach((c, i) => {
          const message = `${op} ${dtype} specials #${i}`;
          compareScan(op, call(op, c.x, c.axis), expected[i], message);
        });
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("cummax and cummin order complex numbers lexicographically, NaN wins", async () => {
  const oracle = Oracle.start();
  try {
    const z = (re: number, im: number) => ({ re, im });
    const values = [z(1, 5), z(1, 6), z(2, -1), z(1, 9), z(NaN, 0), z(5, 5)];
    for (const dtype of ["c64", "c128"] as nr.DType[]) {
      const x = nr.tensor(values, { dtype });
      for (const op of ["cummax", "cummin"] as const) {
        const [expected] = await reference(oracle, op, [{ x, axis: 0 }]);
        assertBitsEqual(call(op, x, 0), expected, `${op} ${dtype}`);
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("cumsum and cumprod take NumPy's dtype option", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(11);
    const pairs: [nr.DType, nr.DType][] = [
      ["i32", "i8"],
      ["i8", "i32"],
      ["u8", "u16"],
      ["bool", "bool"],
      ["f64", "i32"],
      ["i64", "f64"],
      ["f32", "f64"],
      ["u32", "i64"],
      ["i16", "u64"],
      ["c64", "c128"],
    ];
    for (const op of ["cumsum", "cumprod"] as const) {
      for (const [from, to] of pairs) {
        const x = randomTensor(rng, from, [3, 5], "transposed", { special: false, scale: 2 });
        const expected = await oracle.eval(`np.${op}(x, axis=1, dtype=DT['${to}'])`, { x });
        const actual = nr[op](x, { axis: 1, dtype: to });
        assertClose(actual, expected, { message: `${op} ${from} → ${to}` });
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("long f32 scans stay accurate (1M elements)", async () => {
  const oracle = Oracle.start();
  try {
    const n = 1 << 20;
    const ones = nr.ones([n], { dtype: "f32" });
    const c = nr.cumsum(ones).dataSync() as Float32Array;
    // Every partial sum of ones is an integer below 2^24, exact in f32; NumPy's f32 cumsum
    // sticks at 2^24 = 16777216 only past 16M, and an f32 accumulator is exact here too, so the
    // check is that blocking loses nothing.
    for (let i = 0; i < n; i += 997) assert.equal(c[i], i + 1);
    assert.equal(c[n - 1], n);

    const rng = new Rng(3);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = rng.normal() + 0.1;
    const x = nr.tensor(values);
    // Reference: NumPy's cumsum in f64 (sequential), rounded to f32. numr adds in f64 too, in
    // blocks: both f64 results are within n·eps64·Σ|x| ≈ 2.3e-10·Σ|x| of the exact sum, far
    // below half an f32 ulp of the result, so the two f32 results differ by at most one f32
    // rounding step: rtol 2^-23 with an absolute term of 1e-9·Σ|x| for cancellation.
    const expected = await oracle.eval(
      "np.cumsum(x.astype(np.float64)).astype(np.float32)",
      { x },
    );
    const abs = await oracle.eval("np.cumsum(np.abs(x.astype(np.float64)))", { x });
    const a = nr.cumsum(x).dataSync() as Float32Array;
    const e = expected.dataSync() as Float32Array;
    const s = abs.dataSync() as Float64Array;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const err = Math.abs(a[i] - e[i]);
      const bound = 2 ** -23 * Math.abs(e[i]) + 1e-9 * s[i];
      worst = Math.max(worst, err / bound);
      if (err > bound) assert.fail(`element ${i}: ${a[i]} vs ${e[i]}`);
    }
    assert.ok(worst <= 1);
    // The f32 sequential sum NumPy gives for f32 input drifts by many ulps over 1M steps.
    const numpyF32 = await oracle.eval("np.cumsum(x)", { x });
    const drift = Math.abs((numpyF32.dataSync() as Float32Array)[n - 1] - e[n - 1]);
    assert.ok(drift >= Math.abs(a[n - 1] - e[n - 1]));
  } finally {
    await oracle.close();
  }
});

Deno.test("scan results do not depend on the thread count or the layout", () => {
  const before = nr.getCpuThreads();
  const rng = new Rng(5);
  const cases: { x: nr.Tensor; axis: number }[] = [];
  for (const dtype of ["f32", "f64", "f16", "c64", "i32"] as nr.DType[]) {
    const long = randomTensor(rng, dtype, [100_003], "contiguous", { special: false });
    cases.push({ x: long, axis: 0 });
    cases.push({ x: long.flip(), axis: 0 });
    const rows = randomTensor(rng, dtype, [3, 40_000], "contiguous", { special: false });
    cases.push({ x: rows, axis: 1 });
    // The same scans with the axis outermost in memory (the column-tiled path).
    cases.push({ x: rows.transpose().contiguous().transpose(), axis: 1 });
  }
  try {
    for (const op of SCANS) {
      for (const c of cases) {
        if (SCAN_OPS[op].input(c.x.dtype) !== c.x.dtype) continue;
        nr.setCpuThreads(1);
        const one = call(op, c.x, c.axis);
        nr.setCpuThreads(2);
        const two = call(op, c.x, c.axis);
        nr.setCpuThreads(4);
        const four = call(op, c.x, c.axis);
        const message = `${op} ${c.x.dtype} [${c.x.shape}]`;
        assertBitsEqual(two, one, message);
        assertBitsEqual(four, one, message);
      }
      // Row path and column path give the same bits.
      for (let i = 2; i < cases.length; i += 4) {
        if (SCAN_OPS[op].input(cases[i].x.dtype) !== cases[i].x.dtype) continue;
        const rowWise = call(op, cases[i].x, 1);
        const columnWise = call(op, cases[i + 1].x, 1);
        assertBitsEqual(columnWise, rowWise, `${op} ${cases[i].x.dtype} layouts`);
      }
    }
  } finally {
    nr.setCpuThreads(before);
  }
});

Deno.test("logsumexp matches SciPy on random shapes, axes and special values", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(9);
    const dtypes = nr.DTYPE_NAMES.filter((d) => nr.DTYPES[d].kind !== "complex");
    for (const dtype of dtypes) {
      for (const layout of LAYOUTS) {
        // Empty reductions are checked below (SciPy 1.17 fails on some empty multi-axis cases).
        const shape = randomShape(rng, { maxDims: 3, allowEmpty: false });
        const x = randomTensor(rng, dtype, shape, layout, { scale: 20 });
        const axis = shape.length === 0 || rng.next() < 0.3
          ? undefined
          : rng.next() < 0.5
          ? rng.int(-shape.length, shape.length - 1)
          : [...shape.keys()].filter(() => rng.next() < 0.5);
        // SciPy gives shape [1] for a 0-d input with keepdims (NumPy's reductions keep 0-d).
        const keepdims = shape.length > 0 && rng.next() < 0.5;
        const out = nr.DTYPES[dtype].kind === "float" ? dtype : "f64";
        const py = axis === undefined
          ? "None"
          : Array.isArray(axis)
          ? `(${axis.map((a) => `${a},`).join("")})`
          : axis;
        const keep = keepdims ? "True" : "False";
        const expected = await oracle.eval(
          `scipy.special.logsumexp(x.astype(np.float64), axis=${py}, keepdims=${keep})` +
            `.astype(DT['${out}'])`,
          { x },
        );
        const actual = nr.logsumexp(x, { axis, keepdims });
        const message = `logsumexp ${dtype} [${shape}] axis ${axis} keepdims ${keepdims}`;
        assertClose(actual, expected, { message, anyDType: true });
        assert.equal(actual.dtype, out, message);
      }
    }
    const specials: number[][] = [
      [-Infinity, -Infinity],
      [Infinity, -Infinity, 1],
      [Infinity, Infinity],
      [NaN, 1],
      [Infinity, NaN],
      [1000, 1000],
      [-1000, -1000.5],
    ];
    for (const values of specials) {
      const x = nr.tensor(values, { dtype: "f64" });
      const expected = await oracle.eval("scipy.special.logsumexp(x)", { x });
      assertClose(nr.logsumexp(x), expected, { message: `[${values}]` });
    }
    const empty = nr.zeros([0, 3], { dtype: "f32" });
    assert.deepEqual(nr.logsumexp(empty, { axis: 0 }).toArray(), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(nr.logsumexp(empty, { axis: 1 }).shape, [0]);
  } finally {
    await oracle.close();
  }
});

Deno.test("scans on empty, 0-d and size-1 inputs have NumPy's shapes", () => {
  assert.deepEqual(nr.cumsum(nr.tensor(3)).shape, [1]);
  assert.deepEqual(nr.cumsum(nr.tensor(3), { axis: 0 }).toArray(), [3]);
  assert.deepEqual(nr.cumsum(nr.zeros([0, 3]), { axis: 1 }).shape, [0, 3]);
  assert.deepEqual(nr.cumsum(nr.zeros([2, 0]), { axis: 0 }).shape, [2, 0]);
  assert.deepEqual(nr.cumsum(nr.zeros([2, 0])).shape, [0]);
  assert.deepEqual(nr.cumprod(nr.ones([1, 1])).toArray(), [1]);
  assert.equal(nr.cumsum(nr.tensor([true, true])).dtype, "i64");
  assert.equal(nr.cumsum(nr.tensor([1], { dtype: "u8" })).dtype, "u64");
  assert.equal(nr.logcumsumexp(nr.tensor([1], { dtype: "i8" })).dtype, "f16");
  const x = nr.tensor([[1, 2], [3, 4]]);
  assert.deepEqual(x.cumsum({ axis: 1 }).toArray(), [[1, 3], [3, 7]]);
  assert.deepEqual(x.cummin({ axis: 0 }).toArray(), [[1, 2], [1, 2]]);
  assert.deepEqual(x.cummax().toArray(), [1, 2, 3, 4]);
  assert.equal(x.logsumexp().shape.length, 0);
});

Deno.test("scans reject bad inputs with typed errors", () => {
  const x = nr.tensor([[1, 2], [3, 4]]);
  const z = nr.tensor([{ re: 1, im: 2 }], { dtype: "c64" });
  const bad = (f: () => unknown) => errorCode(f);
  assert.equal(bad(() => nr.cumsum(x, { axis: 2 })), "InvalidDimension");
  assert.equal(bad(() => nr.cumsum(x, { axis: -3 })), "InvalidDimension");
  assert.equal(bad(() => nr.cumsum(x, { axis: 0.5 })), "InvalidDimension");
  assert.equal(bad(() => nr.cumsum(nr.tensor(1), { axis: 1 })), "InvalidDimension");
  assert.equal(bad(() => nr.cumsum(x, { axis: [0] as unknown as number })), "InvalidArgument");
  assert.equal(bad(() => nr.cumsum(x, { dtype: "f7" as nr.DType })), "InvalidArgument");
  assert.equal(
    bad(() => nr.cummax(x, { dtype: "f32" } as unknown as nr.ScanOptions)),
    "InvalidArgument",
  );
  assert.equal(bad(() => nr.cumsum(x, 3 as unknown as nr.ScanOptions)), "InvalidArgument");
  assert.equal(bad(() => nr.cumsum([1, 2] as unknown as nr.Tensor)), "InvalidArgument");
  assert.equal(bad(() => nr.logcumsumexp(z)), "UnsupportedDType");
  assert.equal(bad(() => nr.logsumexp(z)), "UnsupportedDType");
  assert.equal(bad(() => nr.logsumexp(x, { axis: [0, 0] })), "InvalidDimension");
  assert.equal(bad(() => nr.logsumexp(x, { axis: 5 })), "InvalidDimension");
  assert.equal(
    bad(() => nr.logsumexp(x, { keepdims: 1 as unknown as boolean })),
    "InvalidArgument",
  );
  const d = nr.tensor([1, 2]);
  d.dispose();
  assert.equal(bad(() => nr.cumsum(d)), "Disposed");
  assert.equal(bad(() => nr.logsumexp(d)), "Disposed");
});
