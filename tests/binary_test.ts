// Binary arithmetic against NumPy: every op × dtype, broadcasting, every layout of both operands,
// weak JS scalars, mixed-dtype promotion, special values, int wrap and division by zero, errors.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { binaryComputeDType, type BinaryName } from "../src/ops/binary.ts";
import { assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import type { ValueOptions } from "./_random.ts";
import { Rng } from "./_random.ts";
import {
  ALL,
  broadcastPair,
  CASTS,
  COMPLEX,
  errorCode,
  INTS,
  layoutPairs,
  NUMERIC,
  operand,
  pyLiteral,
  REALS,
} from "./_elementwise.ts";

type BinaryFn = (a: nr.Operand, b: nr.Operand) => Tensor;

interface Case {
  /** NumPy ufunc name. */
  np: string;
  /** dtypes the op accepts (a same-dtype pair of each is tested). */
  dtypes: readonly DType[];
  /** Value options for the second operand, per dtype kind. */
  b?: (d: DType) => ValueOptions;
  /** Value options for the first operand. */
  a?: (d: DType) => ValueOptions;
}

const isInt = (d: DType) => INTS.includes(d);
const isComplex = (d: DType) => COMPLEX.includes(d);

const CASES: Record<BinaryName, Case> = {
  add: { np: "add", dtypes: ALL },
  sub: { np: "subtract", dtypes: NUMERIC },
  mul: { np: "multiply", dtypes: ALL },
  div: { np: "true_divide", dtypes: ALL },
  floorDiv: { np: "floor_divide", dtypes: [...REALS, "bool"] },
  mod: { np: "remainder", dtypes: [...REALS, "bool"] },
  pow: {
    np: "power",
    dtypes: ALL,
    // NumPy raises on negative integer exponents; complex pow of infinities is implementation
    // defined (glibc's cpow), so complex values stay finite.
    a: (d) => (isComplex(d) ? { special: false, scale: 1.5 } : {}),
    b: (d) => isInt(d) ? { positive: true } : isComplex(d) ? { special: false, scale: 1.5 } : {},
  },
  atan2: { np: "arctan2", dtypes: [...REALS, "bool"] },
  hypot: { np: "hypot", dtypes: [...REALS, "bool"] },
  maximum: { np: "maximum", dtypes: ALL },
  minimum: { np: "minimum", dtypes: ALL },
  fmax: { np: "fmax", dtypes: ALL },
  fmin: { np: "fmin", dtypes: ALL },
};

const NAMES = Object.keys(CASES) as BinaryName[];

function fn(name: string): BinaryFn {
  return (nr as unknown as Record<string, BinaryFn>)[name];
}

/** True when the op on this dtype needs a cast kernel (int division, bool floorDiv, ...). */
function needsCast(name: BinaryName, d: DType): boolean {
  return binaryComputeDType(name, d) !== d;
}

const oracle = Oracle.start();
let skipped = 0;

Deno.test({
  name: "binary ops match NumPy for every dtype, broadcast and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const rng = new Rng(7);
    for (const name of NAMES) {
      const c = CASES[name];
      await t.step(name, async () => {
        for (const dtype of c.dtypes) {
          if (needsCast(name, dtype) && !CASTS) {
            skipped++;
            continue;
          }
          for (const [la, lb] of layoutPairs(rng)) {
            const [sa, sb] = broadcastPair(rng);
            const a = operand(rng, dtype, sa, la, c.a?.(dtype));
            const b = operand(rng, dtype, sb, lb, c.b?.(dtype));
            // NumPy's complex64 pow runs in single precision (cpowf); numr evaluates it in f64
            // and rounds once, so c64 is checked against the complex128 result.
            const expr = name === "pow" && dtype === "c64"
              ? "np.power(a.astype(np.complex128), b.astype(np.complex128)).astype(np.complex64)"
              : `np.${c.np}(a, b)`;
            const expected = await oracle.eval(expr, { a, b });
            const message = `${name} ${dtype} ${la}[${sa}] ${lb}[${sb}]`;
            assertClose(fn(name)(a, b), expected, { message });
          }
        }
      });
    }
  },
});

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3, 1e30, -1e-30, 65504, 7];

Deno.test({
  name: "binary ops match NumPy on every pair of special float values",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const n = SPECIAL.length;
    for (const dtype of ["f64", "f32", "f16", "bf16", "fp8e5m2"] as DType[]) {
      const a = nr.tensor(SPECIAL.flatMap((x) => SPECIAL.map(() => x)), { dtype, shape: [n * n] });
      const b = nr.tensor(SPECIAL.flatMap(() => SPECIAL), { dtype, shape: [n * n] });
      for (const name of NAMES) {
        const expected = await oracle.eval(`np.${CASES[name].np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${dtype}` });
      }
    }
  },
});

Deno.test({
  name: "binary ops on complex special values match NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const parts = [NaN, Infinity, 0, -0, 1, -2.5];
    const values = parts.flatMap((re) => parts.map((im) => ({ re, im })));
    const n = values.length;
    for (const dtype of COMPLEX) {
      const a = nr.tensor(values.flatMap((x) => values.map(() => x)), { dtype, shape: [n * n] });
      const b = nr.tensor(values.flatMap(() => values), { dtype, shape: [n * n] });
      for (const name of ["add", "sub", "mul", "div", "maximum", "minimum", "fmax", "fmin"]) {
        const c = CASES[name as BinaryName];
        const expected = await oracle.eval(`np.${c.np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${dtype}` });
      }
    }
  },
});

function intEdges(dtype: DType): bigint[] {
  const bits = BigInt(nr.DTYPES[dtype].bytes * 8);
  const signed = nr.DTYPES[dtype].kind === "int";
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const small = signed ? [-7n, -2n, -1n, 0n, 1n, 2n, 7n] : [0n, 1n, 2n, 7n];
  return [min, min + 1n, ...small, max - 1n, max];
}

Deno.test({
  name: "int ops wrap on overflow and divide by zero as NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    for (const dtype of INTS) {
      const edges = intEdges(dtype);
      const n = edges.length;
      const big = dtype === "i64" || dtype === "u64";
      const values = (xs: bigint[]) => xs.map((x) => (big ? x : Number(x)));
      const a = nr.tensor(values(edges.flatMap((x) => edges.map(() => x))), {
        dtype,
        shape: [n * n],
      });
      const b = nr.tensor(values(edges.flatMap(() => edges)), { dtype, shape: [n * n] });
      for (const name of ["add", "sub", "mul", "floorDiv", "mod", "maximum", "minimum"]) {
        const expected = await oracle.eval(`np.${CASES[name as BinaryName].np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${dtype}` });
      }
      const exps = [0n, 1n, 2n, 3n, 7n, 31n, 63n, 64n, 65n];
      const e = nr.tensor(values(edges.flatMap(() => exps)), { dtype, shape: [n * exps.length] });
      const base = nr.tensor(values(edges.flatMap((x) => exps.map(() => x))), {
        dtype,
        shape: [n * exps.length],
      });
      const expected = await oracle.eval("np.power(a, b)", { a: base, b: e });
      assertClose(nr.pow(base, e), expected, { message: `pow ${dtype}` });
    }
  },
});

Deno.test({
  name: "an integer to a negative integer power raises as in NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    for (const dtype of ["i8", "i32", "i64"] as DType[]) {
      const a = nr.tensor([2, 3, 1], { dtype });
      const b = nr.tensor([1, -1, 2], { dtype });
      const answer = await oracle.run("np.power(a, b)", { a, b });
      assert.ok(answer.error?.startsWith("ValueError"));
      assert.throws(() => nr.pow(a, b), /negative integer powers/);
      assert.equal(errorCode(() => nr.pow(a, -1)), "InvalidArgument");
      assert.equal(errorCode(() => nr.pow(a.transpose(0, 0), b.flip())), "InvalidArgument");
    }
  },
});

const SCALARS: (number | bigint | boolean)[] = [3, 0, -2, 2.5, -0.5, NaN, Infinity, 1e10, true];

/** NumPy's answer for `op(t, s)` (or `op(s, t)`) with numr's scalar rules. */
function scalarExpr(np: string, t: Tensor, s: number | bigint | boolean, first: boolean): string {
  const kind = nr.DTYPES[t.dtype].kind;
  const fractional = typeof s === "number" && !Number.isInteger(s);
  // numr turns an int tensor and a fraction into the default float (f32); NumPy into f64.
  const weakToF32 = fractional && (kind === "int" || kind === "uint" || kind === "bool");
  // ml_dtypes widens bf16 and fp8 with a Python number to f32; numr keeps NEP 50 (weak).
  const mlDtype = ["bf16", "fp8e4m3", "fp8e5m2"].includes(t.dtype) && typeof s !== "boolean";
  const x = weakToF32 ? "a.astype(np.float32)" : "a";
  const lit = weakToF32
    ? `np.float32(${pyLiteral(s)})`
    : mlDtype
    ? `DT['${t.dtype}'].type(${pyLiteral(s)})`
    : pyLiteral(s);
  return first ? `np.${np}(${lit}, ${x})` : `np.${np}(${x}, ${lit})`;
}

Deno.test({
  name: "JS scalars are weak, on either side, as Python scalars in NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(11);
    for (const name of NAMES) {
      const c = CASES[name];
      for (
        const dtype of ["f64", "f32", "f16", "bf16", "i32", "u8", "i64", "bool", "c64"] as DType[]
      ) {
        if (!c.dtypes.includes(dtype)) continue;
        for (const s of SCALARS) {
          // Complex pow at infinities follows exp(b·log a), not C99 Annex G's cpow special cases.
          if (name === "pow" && dtype === "c64" && !(Math.abs(Number(s)) < 1e3)) continue;
          for (const first of [false, true]) {
            const a = operand(rng, dtype, [5], "contiguous", c.b?.(dtype));
            let ours: Tensor | string;
            try {
              ours = first ? fn(name)(s, a) : fn(name)(a, s);
            } catch (e) {
              if (!(e instanceof nr.NumrError)) throw e;
              // A cast kernel that is not there yet; anything else must be a NumPy error too.
              if (e.code === "UnsupportedDType" && !CASTS && /backend has no/.test(e.message)) {
                skipped++;
                continue;
              }
              ours = e.code;
            }
            const expr = scalarExpr(c.np, a, s, first);
            const answer = await oracle.run(expr, { a });
            const message = `${name}(${first ? `${s}, ${dtype}` : `${dtype}, ${s}`}) vs ${expr}`;
            if (answer.error !== undefined) {
              assert.equal(typeof ours, "string", `${message}: NumPy raised ${answer.error}`);
              continue;
            }
            assert.notEqual(typeof ours, "string", `${message}: numr raised ${ours}`);
            assertClose(ours as Tensor, answer.results[0], { message });
          }
        }
      }
    }
  },
});

const MIXED: [DType, DType][] = [
  ["i8", "u8"],
  ["i16", "u32"],
  ["u64", "i64"],
  ["i32", "f32"],
  ["u8", "f16"],
  ["f16", "bf16"],
  ["bf16", "f32"],
  ["fp8e4m3", "fp8e5m2"],
  ["fp8e4m3", "bf16"],
  ["bool", "i8"],
  ["bool", "f32"],
  ["c64", "f64"],
  ["c64", "i64"],
  ["u16", "i8"],
];

Deno.test({
  name: "mixed dtypes promote as NumPy (ml_dtypes for bf16 and fp8)",
  ignore: !CASTS,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(5);
    for (const [da, db] of MIXED) {
      const r = nr.promoteTypes(da, db);
      for (const name of NAMES) {
        const c = CASES[name];
        if (!c.dtypes.includes(r)) continue;
        const [sa, sb] = broadcastPair(rng);
        const a = operand(
          rng,
          da,
          sa,
          rng.pick(["contiguous", "transposed", "flipped"]),
          c.b?.(da),
        );
        const b = operand(rng, db, sb, rng.pick(["contiguous", "stepped", "broadcast"]), c.b?.(db));
        // Where NumPy has no common dtype for two ml_dtypes types (its ufuncs then fall back to
        // f32), compare in numr's promoted dtype.
        const promotable = (await oracle.run("np.zeros((), np.result_type(a, b))", { a, b }))
          .error === undefined;
        const expr = promotable
          ? `np.${c.np}(a, b)`
          : `np.${c.np}(a.astype(DT['${r}']), b.astype(DT['${r}']))`;
        const answer = await oracle.run(expr, { a, b });
        assert.equal(answer.error, undefined, `${name} ${da} ${db}: ${answer.error}`);
        assertClose(fn(name)(a, b), answer.results![0], { message: `${name} ${da} ${db}` });
      }
    }
  },
});

Deno.test({
  name: "large tensors take the threaded SIMD paths and match NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(3);
    // 66820 elements: more than two grains of the thread pool, so two threads split the work.
    const shape = [260, 257];
    for (const dtype of ["f32", "f64", "f16", "bf16", "i32", "i8", "u64", "bool"] as DType[]) {
      const a = operand(rng, dtype, shape, "contiguous");
      const b = operand(rng, dtype, shape, "contiguous");
      const s = operand(rng, dtype, [], "contiguous");
      const row = operand(rng, dtype, [257], "contiguous");
      const name = rng.pick(["add", "mul", "maximum", "fmin"] as BinaryName[]);
      const np = CASES[name].np;
      const cases: [Tensor, Tensor, string, Record<string, Tensor>][] = [
        [a, b, `np.${np}(a, b)`, { a, b }],
        [a, s, `np.${np}(a, s)`, { a, s }],
        [s, a, `np.${np}(s, a)`, { a, s }],
        [a, row, `np.${np}(a, row)`, { a, row }],
        [a.transpose(), b.transpose(), `np.${np}(a.T, b.T)`, { a, b }],
      ];
      for (const [x, y, expr, inputs] of cases) {
        const expected = await oracle.eval(expr, inputs);
        assertClose(fn(name)(x, y), expected, { message: `${name} ${dtype} ${expr}` });
      }
    }
  },
});

Deno.test("binary results do not depend on the thread count", () => {
  const rng = new Rng(9);
  const a = operand(rng, "f32", [1000, 129], "contiguous");
  const b = operand(rng, "f32", [129], "contiguous");
  const before = nr.getCpuThreads();
  try {
    nr.setCpuThreads(1);
    const one = nr.hypot(a, b).dataSync();
    nr.setCpuThreads(3);
    const three = nr.hypot(a, b).dataSync();
    assert.deepEqual(three, one);
  } finally {
    nr.setCpuThreads(before);
  }
});

Deno.test("binary ops broadcast 0-d, empty and size-1 operands", () => {
  const zero = nr.tensor(2, { dtype: "i32" });
  assert.deepEqual(nr.add(zero, zero).shape, []);
  assert.equal(nr.add(zero, zero).item(), 4);
  assert.deepEqual(nr.mul(nr.zeros([0, 3]), nr.ones([3])).shape, [0, 3]);
  assert.deepEqual(nr.mul(nr.zeros([2, 0]), nr.ones([1, 1])).shape, [2, 0]);
  assert.deepEqual(nr.sub(nr.ones([1, 3]), nr.ones([4, 1])).shape, [4, 3]);
  assert.deepEqual(nr.add(1, 2).toArray(), 3);
});

Deno.test("binary ops reject bad inputs with typed errors", () => {
  const a = nr.ones([2, 3]);
  const err = (() => {
    try {
      nr.add(a, nr.ones([4]));
    } catch (e) {
      return e as nr.NumrError;
    }
  })();
  assert.equal(err?.code, "BroadcastError");
  assert.match(err!.message, /\[2, 3\]/);
  assert.match(err!.message, /\[4\]/);
  assert.equal(errorCode(() => nr.sub(nr.tensor([true]), nr.tensor([false]))), "UnsupportedDType");
  assert.equal(errorCode(() => nr.sub(nr.tensor([true]), true)), "UnsupportedDType");
  for (const name of ["floorDiv", "mod", "atan2", "hypot"]) {
    const c = nr.tensor([{ re: 1, im: 1 }], { dtype: "c64" });
    assert.equal(errorCode(() => fn(name)(c, c)), "UnsupportedDType", name);
  }
  const gone = nr.ones([2]);
  gone.dispose();
  assert.equal(errorCode(() => nr.add(gone, a)), "Disposed");
  assert.equal(errorCode(() => nr.add(a, gone)), "Disposed");
  for (const bad of ["x", null, undefined, {}, [1, 2]]) {
    assert.equal(errorCode(() => nr.add(a, bad as unknown as number)), "InvalidArgument");
    assert.equal(errorCode(() => nr.mul(bad as unknown as number, a)), "InvalidArgument");
  }
  // NumPy: "Python integer 300 out of bounds for uint8".
  assert.equal(errorCode(() => nr.add(nr.tensor([1], { dtype: "u8" }), 300)), "InvalidArgument");
  assert.equal(
    errorCode(() => nr.floorDiv(nr.tensor([1], { dtype: "u8" }), -1)),
    "InvalidArgument",
  );
});

Deno.test("binary methods and the seed's scalar names forward to the functions", () => {
  const a = nr.tensor([1, 2, 4], { dtype: "f64" });
  assert.deepEqual(a.add(1).toArray(), [2, 3, 5]);
  assert.deepEqual(a.sub(1).toArray(), [0, 1, 3]);
  assert.deepEqual(a.mul(2).toArray(), [2, 4, 8]);
  assert.deepEqual(a.div(2).toArray(), [0.5, 1, 2]);
  assert.deepEqual(a.floorDiv(3).toArray(), [0, 0, 1]);
  assert.deepEqual(a.mod(3).toArray(), [1, 2, 1]);
  assert.deepEqual(a.pow(2).toArray(), [1, 4, 16]);
  assert.deepEqual(a.maximum(2).toArray(), [2, 2, 4]);
  assert.deepEqual(a.minimum(2).toArray(), [1, 2, 2]);
  assert.deepEqual(a.fmax(NaN).toArray(), [1, 2, 4]);
  assert.deepEqual(a.fmin(NaN).toArray(), [1, 2, 4]);
  assert.deepEqual(a.hypot(0).toArray(), [1, 2, 4]);
  assert.deepEqual(a.atan2(1).toArray(), [Math.atan2(1, 1), Math.atan2(2, 1), Math.atan2(4, 1)]);
  assert.deepEqual(nr.addScalar(a, 1).toArray(), [2, 3, 5]);
  assert.deepEqual(nr.subScalar(a, 1).toArray(), [0, 1, 3]);
  assert.deepEqual(nr.rsubScalar(a, 1).toArray(), [0, -1, -3]);
  assert.deepEqual(nr.mulScalar(a, 2).toArray(), [2, 4, 8]);
  assert.deepEqual(nr.divScalar(a, 4).toArray(), [0.25, 0.5, 1]);
  assert.deepEqual(nr.powScalar(a, 0.5).toArray(), [1, Math.SQRT2, 2]);
});

Deno.test({
  name: "binary: close the oracle",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await oracle.close();
    if (skipped > 0) console.log(`binary: ${skipped} cases skipped until cast kernels exist`);
  },
});
