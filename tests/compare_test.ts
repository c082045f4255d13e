// Comparisons and logical ops against NumPy: every op × dtype, broadcasting, every layout of both
// operands, NaN and complex ordering, exact int-vs-scalar and u64-vs-signed answers, mixed dtypes,
// weak scalars, errors.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, Rng } from "./_random.ts";
import {
  ALL,
  broadcastPair,
  CASTS,
  errorCode,
  layoutPairs,
  operand,
  pyLiteral,
} from "./_elementwise.ts";

type BinaryFn = (a: nr.Operand, b: nr.Operand) => Tensor;

const COMPARE: Record<string, string> = {
  eq: "equal",
  ne: "not_equal",
  lt: "less",
  le: "less_equal",
  gt: "greater",
  ge: "greater_equal",
};
const LOGICAL: Record<string, string> = {
  logicalAnd: "logical_and",
  logicalOr: "logical_or",
  logicalXor: "logical_xor",
};
const ALL_OPS = { ...COMPARE, ...LOGICAL };

function fn(name: string): BinaryFn {
  return (nr as unknown as Record<string, BinaryFn>)[name];
}

const oracle = Oracle.start();

Deno.test({
  name: "comparisons and logical ops match NumPy for every dtype, broadcast and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const rng = new Rng(21);
    for (const [name, np] of Object.entries(ALL_OPS)) {
      await t.step(name, async () => {
        for (const dtype of ALL) {
          for (const [la, lb] of layoutPairs(rng)) {
            const [sa, sb] = broadcastPair(rng);
            const a = operand(rng, dtype, sa, la);
            // Equal values are the interesting case for eq/le/ge: draw b partly from a.
            const b = rng.next() < 0.3 ? a : operand(rng, dtype, sb, lb);
            const expected = await oracle.eval(`np.${np}(a, b)`, { a, b });
            const message = `${name} ${dtype} ${la}[${sa}] ${lb}[${b.shape}]`;
            assertClose(fn(name)(a, b), expected, { message });
          }
        }
      });
    }
  },
});

Deno.test({
  name: "logicalNot matches NumPy for every dtype and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(22);
    for (const dtype of ALL) {
      for (const layout of LAYOUTS) {
        const [shape] = broadcastPair(rng);
        const x = operand(rng, dtype, shape, layout);
        const expected = await oracle.eval("np.logical_not(x)", { x });
        assertClose(nr.logicalNot(x), expected, { message: `${dtype} ${layout} [${shape}]` });
        assertClose(x.logicalNot(), expected);
      }
    }
  },
});

Deno.test({
  name: "comparisons of special values and complex ordering match NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const reals = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2.5, 65504];
    const n = reals.length;
    for (const dtype of ["f64", "f32", "f16", "bf16", "fp8e5m2", "fp8e4m3"] as DType[]) {
      const a = nr.tensor(reals.flatMap((x) => reals.map(() => x)), { dtype, shape: [n * n] });
      const b = nr.tensor(reals.flatMap(() => reals), { dtype, shape: [n * n] });
      for (const [name, np] of Object.entries(ALL_OPS)) {
        const expected = await oracle.eval(`np.${np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${dtype}` });
      }
    }
    const parts = [NaN, Infinity, 0, -0, 1, 2];
    const values = parts.flatMap((re) => parts.map((im) => ({ re, im })));
    const m = values.length;
    for (const dtype of ["c64", "c128"] as DType[]) {
      const a = nr.tensor(values.flatMap((x) => values.map(() => x)), { dtype, shape: [m * m] });
      const b = nr.tensor(values.flatMap(() => values), { dtype, shape: [m * m] });
      for (const [name, np] of Object.entries(ALL_OPS)) {
        const expected = await oracle.eval(`np.${np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${dtype}` });
      }
    }
  },
});

const INT_SCALARS: (number | bigint)[] = [
  0,
  1,
  -1,
  2.5,
  -0.5,
  127,
  128,
  255,
  256,
  -129,
  300,
  1e20,
  -1e20,
  NaN,
  Infinity,
  -Infinity,
  2n ** 63n,
  -(2n ** 63n),
  2n ** 64n - 1n,
  2n ** 64n,
  2n ** 63n - 1n,
];

Deno.test({
  name: "int and bool tensors compare with any JS number exactly, as NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(23);
    for (const dtype of ["bool", "i8", "u8", "i16", "u32", "i64", "u64"] as DType[]) {
      const x = operand(rng, dtype, [12], rng.pick(["contiguous", "flipped", "stepped"]));
      for (const s of INT_SCALARS) {
        for (const [name, np] of Object.entries(COMPARE)) {
          for (const first of [false, true]) {
            const lit = pyLiteral(s);
            const expr = first ? `np.${np}(${lit}, x)` : `np.${np}(x, ${lit})`;
            const answer = await oracle.run(expr, { x });
            const actual = first ? fn(name)(s, x) : fn(name)(x, s);
            // NumPy special-cases only int dtypes: bool against an integer beyond int64 raises
            // there, while numr answers exactly.
            if (answer.error !== undefined && dtype === "bool") continue;
            assert.equal(answer.error, undefined, `${expr} on ${dtype}`);
            assertClose(actual, answer.results![0], { message: `${expr} on ${dtype}` });
          }
        }
      }
    }
  },
});

Deno.test({
  name: "u64 against signed ints compares exactly, as NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const u = nr.tensor([0n, 1n, 2n ** 63n, 2n ** 63n - 1n, 2n ** 64n - 1n, 5n], { dtype: "u64" });
    const i = nr.tensor([-1n, 1n, 2n ** 63n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 5n], {
      dtype: "i64",
    });
    for (const [name, np] of Object.entries(COMPARE)) {
      for (const [a, b, expr] of [[u, i, `np.${np}(u, i)`], [i, u, `np.${np}(i, u)`]] as const) {
        const expected = await oracle.eval(expr, { u, i });
        assertClose(fn(name)(a, b), expected, { message: expr });
      }
    }
  },
});

Deno.test({
  name: "u64 against narrower signed ints compares exactly",
  ignore: !CASTS,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const u = nr.tensor([0n, 1n, 200n, 2n ** 64n - 1n], { dtype: "u64" });
    const i = nr.tensor([-1, 1, 100, -128], { dtype: "i8" });
    for (const [name, np] of Object.entries(COMPARE)) {
      const expected = await oracle.eval(`np.${np}(u, i)`, { u, i });
      assertClose(fn(name)(u, i), expected, { message: name });
    }
  },
});

Deno.test({
  name: "float and complex tensors compare with weak JS scalars as NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(24);
    const scalars = [0, 1, -2, 2.5, 1e10, NaN, Infinity, -Infinity, true];
    for (const dtype of ["f64", "f32", "f16", "bf16", "fp8e4m3", "c64"] as DType[]) {
      const x = operand(rng, dtype, [15], "contiguous");
      for (const s of scalars) {
        for (const [name, np] of Object.entries(ALL_OPS)) {
          // ml_dtypes widens bf16 and fp8 with a Python number to f32; numr keeps NEP 50.
          const ml = ["bf16", "fp8e4m3"].includes(dtype) && typeof s !== "boolean";
          const lit = ml ? `DT['${dtype}'].type(${pyLiteral(s)})` : pyLiteral(s);
          const expected = await oracle.eval(`np.${np}(x, ${lit})`, { x });
          assertClose(fn(name)(x, s), expected, { message: `${name}(${dtype}, ${s})` });
        }
      }
    }
  },
});

Deno.test({
  name: "logical ops on mixed dtypes use each operand's own truthiness, as NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(25);
    const pairs: [DType, DType][] = [
      ["f32", "i8"],
      ["c64", "bool"],
      ["u64", "f16"],
      ["bool", "i32"],
      ["bf16", "fp8e5m2"],
      ["f64", "c128"],
    ];
    for (const [da, db] of pairs) {
      const [sa, sb] = broadcastPair(rng);
      const a = operand(rng, da, sa, "contiguous");
      const b = operand(rng, db, sb, "flipped");
      for (const [name, np] of Object.entries(LOGICAL)) {
        const expected = await oracle.eval(`np.${np}(a, b)`, { a, b });
        assertClose(fn(name)(a, b), expected, { message: `${name} ${da} ${db}` });
      }
    }
    // A tiny JS number is true even next to an f16 tensor it would round to zero in.
    const h = nr.tensor([1, 0], { dtype: "f16" });
    for (const [name, np] of Object.entries(LOGICAL)) {
      for (const s of [1e-10, 0, NaN, true, false, 3n]) {
        const expected = await oracle.eval(`np.${np}(h, ${pyLiteral(s)})`, { h });
        assertClose(fn(name)(h, s), expected, { message: `${name}(f16, ${s})` });
        assertClose(fn(name)(s, h), expected, { message: `${name}(${s}, f16)` });
      }
    }
    assert.equal(nr.logicalAnd(2, NaN).item(), true);
    assert.equal(nr.logicalXor(0n, false).item(), false);
    assert.equal(nr.logicalNot(0).item(), true);
  },
});

Deno.test({
  name: "comparisons of mixed dtypes promote first, as NumPy",
  ignore: !CASTS,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(26);
    const pairs: [DType, DType][] = [
      ["i8", "u8"],
      ["i32", "f32"],
      ["f16", "f64"],
      ["f16", "bf16"],
      ["fp8e4m3", "fp8e5m2"],
      ["bool", "i16"],
      ["c64", "f64"],
      ["u32", "i64"],
    ];
    for (const [da, db] of pairs) {
      const [sa, sb] = broadcastPair(rng);
      const a = operand(rng, da, sa, "transposed");
      const b = operand(rng, db, sb, "contiguous");
      const r = nr.promoteTypes(da, db);
      for (const [name, np] of Object.entries(COMPARE)) {
        const promotable = (await oracle.run("np.zeros((), np.result_type(a, b))", { a, b }))
          .error === undefined;
        const expr = promotable
          ? `np.${np}(a, b)`
          : `np.${np}(a.astype(DT['${r}']), b.astype(DT['${r}']))`;
        const answer = await oracle.run(expr, { a, b });
        assertClose(fn(name)(a, b), answer.results![0], { message: `${name} ${da} ${db}` });
      }
    }
  },
});

Deno.test("comparisons broadcast 0-d, empty and size-1 operands", () => {
  assert.deepEqual(nr.lt(nr.tensor(1), nr.tensor(2)).shape, []);
  assert.equal(nr.lt(nr.tensor(1), nr.tensor(2)).item(), true);
  assert.deepEqual(nr.eq(nr.zeros([0, 3]), nr.ones([3])).shape, [0, 3]);
  assert.deepEqual(nr.ge(nr.ones([1, 3]), nr.ones([4, 1])).shape, [4, 3]);
  assert.deepEqual(nr.lt(nr.zeros([2, 0], { dtype: "u8" }), 300).shape, [2, 0]);
  assert.deepEqual(nr.logicalNot(nr.zeros([0])).shape, [0]);
  assert.equal(nr.eq(1, 1).item(), true);
});

Deno.test("comparisons and logical ops reject bad inputs with typed errors", () => {
  const a = nr.ones([2, 3]);
  for (const name of Object.keys(ALL_OPS)) {
    let err: nr.NumrError | undefined;
    try {
      fn(name)(a, nr.ones([2]));
    } catch (e) {
      err = e as nr.NumrError;
    }
    assert.equal(err?.code, "BroadcastError", name);
    assert.match(err!.message, /\[2, 3\]/);
    for (const bad of ["x", null, undefined, {}, [1]]) {
      assert.equal(errorCode(() => fn(name)(a, bad as unknown as number)), "InvalidArgument");
    }
    const gone = nr.ones([3]);
    gone.dispose();
    assert.equal(errorCode(() => fn(name)(gone, a)), "Disposed", name);
    assert.equal(errorCode(() => fn(name)(gone, 1)), "Disposed", name);
  }
  assert.equal(errorCode(() => nr.logicalNot("x" as unknown as number)), "InvalidArgument");
  const gone = nr.ones([3]);
  gone.dispose();
  assert.equal(errorCode(() => nr.logicalNot(gone)), "Disposed");
});

Deno.test("comparison methods forward to the functions", () => {
  const a = nr.tensor([1, 2, 3], { dtype: "i32" });
  assert.deepEqual(a.eq(2).toArray(), [false, true, false]);
  assert.deepEqual(a.ne(2).toArray(), [true, false, true]);
  assert.deepEqual(a.lt(2).toArray(), [true, false, false]);
  assert.deepEqual(a.le(2).toArray(), [true, true, false]);
  assert.deepEqual(a.gt(2).toArray(), [false, false, true]);
  assert.deepEqual(a.ge(2).toArray(), [false, true, true]);
  assert.deepEqual(a.logicalAnd(a.gt(1)).toArray(), [false, true, true]);
  assert.deepEqual(a.logicalOr(0).toArray(), [true, true, true]);
  assert.deepEqual(a.logicalXor(a.gt(2)).toArray(), [true, true, false]);
});

Deno.test({
  name: "compare: close the oracle",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await oracle.close();
  },
});
