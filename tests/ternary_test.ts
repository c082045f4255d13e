// Ternary ops against NumPy: where (any condition dtype), clamp (NumPy's clip, NaN rules, missing
// and out-of-range bounds) and mulAdd (one rounding, checked against a wider computation), every
// dtype, broadcasting of all three operands, every layout, weak scalars, errors.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType } from "../mod.ts";
import { assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, Rng } from "./_random.ts";
import {
  ALL,
  broadcastTriple,
  CASTS,
  COMPLEX,
  errorCode,
  INTS,
  operand,
  pyLiteral,
} from "./_elementwise.ts";

const oracle = Oracle.start();
const ML_DTYPES = ["bf16", "fp8e4m3", "fp8e5m2"];

Deno.test({
  name: "where matches NumPy for every dtype, condition dtype, broadcast and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(31);
    const condDTypes: DType[] = ["bool", "bool", "i32", "f32", "c64", "u8"];
    for (const dtype of ALL) {
      for (const layout of LAYOUTS) {
        const [sc, sa, sb] = broadcastTriple(rng);
        const c = operand(rng, rng.pick(condDTypes), sc, rng.pick(LAYOUTS));
        const a = operand(rng, dtype, sa, layout);
        const b = operand(rng, dtype, sb, rng.pick(LAYOUTS));
        const expected = await oracle.eval("np.where(c, a, b)", { c, a, b });
        const message = `${dtype} cond ${c.dtype}[${sc}] ${layout}[${sa}] [${sb}]`;
        assertClose(nr.where(c, a, b), expected, { message });
      }
    }
  },
});

Deno.test({
  name: "where takes JS scalars for any operand",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(32);
    const c = operand(rng, "bool", [3, 4], "transposed");
    for (const dtype of ["f32", "f16", "i32", "u8", "c128"] as DType[]) {
      const a = operand(rng, dtype, [4], "contiguous");
      for (const s of [0, 7, true]) {
        const lit = pyLiteral(s);
        assertClose(nr.where(c, a, s), await oracle.eval(`np.where(c, a, ${lit})`, { c, a }));
        assertClose(nr.where(c, s, a), await oracle.eval(`np.where(c, ${lit}, a)`, { c, a }));
      }
      assertClose(nr.where(true, a, 0), await oracle.eval("np.where(True, a, 0)", { a }));
      assertClose(nr.where(0, a, 1), await oracle.eval("np.where(0, a, 1)", { a }));
    }
    // Two JS numbers give the default float dtype (f32); NumPy gives f64.
    const expected = await oracle.eval("np.where(c, 1, 2.5).astype(np.float32)", { c });
    assertClose(nr.where(c, 1, 2.5), expected);
  },
});

Deno.test({
  name: "where promotes mixed value dtypes as NumPy",
  ignore: !CASTS,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(33);
    const pairs: [DType, DType][] = [["i8", "u8"], ["f16", "f32"], ["i32", "f32"], ["c64", "f64"]];
    for (const [da, db] of pairs) {
      const c = operand(rng, "bool", [6], "contiguous");
      const a = operand(rng, da, [6], "flipped");
      const b = operand(rng, db, [1], "contiguous");
      assertClose(nr.where(c, a, b), await oracle.eval("np.where(c, a, b)", { c, a, b }));
    }
  },
});

/** np.clip, with ml_dtypes results (NumPy clips those in f32) cast back. */
function clipExpr(dtype: DType, args: string): string {
  const e = `np.clip(${args})`;
  return ML_DTYPES.includes(dtype) ? `${e}.astype(DT['${dtype}'])` : e;
}

Deno.test({
  name: "clamp matches NumPy's clip for every dtype, broadcast and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(34);
    for (const dtype of ALL) {
      for (const layout of LAYOUTS) {
        const [sx, sl, sh] = broadcastTriple(rng);
        const x = operand(rng, dtype, sx, layout);
        const lo = operand(rng, dtype, sl, rng.pick(LAYOUTS));
        const hi = operand(rng, dtype, sh, rng.pick(LAYOUTS));
        const expected = await oracle.eval(clipExpr(dtype, "x, lo, hi"), { x, lo, hi });
        const message = `${dtype} ${layout}[${sx}] [${sl}] [${sh}]`;
        assertClose(nr.clamp(x, lo, hi), expected, { message });
      }
    }
  },
});

Deno.test({
  name: "clamp with scalar, missing and out-of-range bounds matches NumPy",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(35);
    const bounds: [number | undefined, number | undefined][] = [
      [0, 1],
      [-1, 1],
      [2, -2],
      [undefined, 1],
      [0, undefined],
      [undefined, undefined],
      [NaN, 1],
      [0, NaN],
    ];
    for (const dtype of ["f64", "f32", "f16", "bf16", "c64", "i32", "i8", "u8", "u64"] as DType[]) {
      const x = operand(rng, dtype, [40], rng.pick(LAYOUTS));
      for (const [lo, hi] of bounds) {
        const fractional = [lo, hi].some((b) => b !== undefined && !Number.isInteger(b));
        if (fractional && INTS.includes(dtype)) continue; // int + NaN promotes to a float
        const lit = (b: number | undefined) => (b === undefined ? "None" : pyLiteral(b));
        const expr = clipExpr(dtype, `x, ${lit(lo)}, ${lit(hi)}`);
        const answer = await oracle.run(expr, { x });
        if (answer.error !== undefined) {
          // NumPy: "Python integer -2 out of bounds for uint8".
          assert.equal(errorCode(() => nr.clamp(x, lo, hi)), "InvalidArgument", expr);
          continue;
        }
        assertClose(nr.clamp(x, lo, hi), answer.results[0], { message: `${dtype} ${expr}` });
      }
    }
    // NumPy drops integer bounds beyond an int dtype's range instead of raising.
    const u = nr.tensor([0, 5, 255], { dtype: "u8" });
    assertClose(nr.clamp(u, -1, 300), await oracle.eval("np.clip(u, -1, 300)", { u }));
    assertClose(nr.clamp(u, 3, 300), await oracle.eval("np.clip(u, 3, 300)", { u }));
    assertClose(nr.clamp(u, -5, 4), await oracle.eval("np.clip(u, -5, 4)", { u }));
    assert.equal(errorCode(() => nr.clamp(u, 300, 400)), "InvalidArgument");
    assert.equal(
      (await oracle.run("np.clip(u, 300, 400)", { u })).error?.split(":")[0],
      "OverflowError",
    );
    const i = nr.tensor([-5n, 0n, 2n ** 62n], { dtype: "i64" });
    assertClose(nr.clamp(i, -(2n ** 63n), 2n ** 63n - 1n), i);
    assert.equal(nr.clamp(nr.tensor([true, false]), true, undefined).dtype, "bool");
  },
});

/** NumPy's a * b + c computed wider than `dtype` and rounded once to it. */
function mulAddExpr(dtype: DType): string {
  if (INTS.includes(dtype) || COMPLEX.includes(dtype)) return "a * b + c";
  if (dtype === "bool") return "np.logical_or(np.logical_and(a, b), c)";
  const wide = dtype === "f64" ? "np.longdouble" : "np.float64";
  const w = (x: string) => `${x}.astype(${wide})`;
  return `(${w("a")} * ${w("b")} + ${w("c")}).astype(DT['${dtype}'])`;
}

Deno.test({
  name: "mulAdd rounds once and matches NumPy for every dtype, broadcast and layout",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(36);
    for (const dtype of ALL) {
      for (const layout of LAYOUTS) {
        const [sa, sb, sc] = broadcastTriple(rng);
        const a = operand(rng, dtype, sa, layout);
        const b = operand(rng, dtype, sb, rng.pick(LAYOUTS));
        const c = operand(rng, dtype, sc, rng.pick(LAYOUTS));
        const expected = await oracle.eval(mulAddExpr(dtype), { a, b, c });
        const message = `${dtype} ${layout}[${sa}] [${sb}] [${sc}]`;
        assertClose(nr.mulAdd(a, b, c), expected, { message });
      }
    }
    // One rounding: (1 + 2^-27)^2 - 1 keeps the 2^-54 term that a separate multiply loses.
    const e = 1 + 2 ** -27;
    const x = nr.tensor([e], { dtype: "f64" });
    assert.equal(nr.mulAdd(x, x, -1).item(), 2 ** -26 + 2 ** -54);
    assert.equal(nr.add(nr.mul(x, x), -1).item(), 2 ** -26);
  },
});

Deno.test({
  name: "mulAdd with JS scalars keeps the tensor dtype",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const rng = new Rng(37);
    for (const dtype of ["f32", "f16", "i32", "u8"] as DType[]) {
      const a = operand(rng, dtype, [3, 5], "flipped");
      const b = operand(rng, dtype, [5], "contiguous");
      const c = nr.full([], 3, { dtype });
      const expected = await oracle.eval(mulAddExpr(dtype), { a, b, c });
      assertClose(nr.mulAdd(a, b, 3), expected, { message: dtype });
      assert.equal(nr.mulAdd(a, 2, 1).dtype, dtype);
    }
  },
});

Deno.test("ternary ops broadcast 0-d and empty operands", () => {
  assert.deepEqual(nr.where(nr.tensor(true), nr.tensor(1), nr.tensor(2)).shape, []);
  assert.deepEqual(nr.where(nr.zeros([0, 2], { dtype: "bool" }), 1, nr.ones([2])).shape, [0, 2]);
  assert.deepEqual(nr.clamp(nr.zeros([3, 0]), 0, nr.ones([1, 1])).shape, [3, 0]);
  assert.deepEqual(nr.mulAdd(nr.ones([2, 1]), nr.ones([3]), nr.tensor(1)).shape, [2, 3]);
});

Deno.test("ternary ops reject bad inputs with typed errors", () => {
  const a = nr.ones([2, 3]);
  let err: nr.NumrError | undefined;
  try {
    nr.where(nr.ones([2, 3], { dtype: "bool" }), a, nr.ones([4]));
  } catch (e) {
    err = e as nr.NumrError;
  }
  assert.equal(err?.code, "BroadcastError");
  assert.match(err!.message, /\[2, 3\]/);
  assert.match(err!.message, /\[4\]/);
  assert.equal(errorCode(() => nr.mulAdd(a, a, nr.ones([5]))), "BroadcastError");
  assert.equal(errorCode(() => nr.clamp(a, nr.ones([3]), nr.ones([2]))), "BroadcastError");
  for (const bad of ["x", {}, [1]]) {
    const b = bad as unknown as number;
    assert.equal(errorCode(() => nr.where(a, b, a)), "InvalidArgument");
    assert.equal(errorCode(() => nr.where(b, a, a)), "InvalidArgument");
    assert.equal(errorCode(() => nr.clamp(a, b, 1)), "InvalidArgument");
    assert.equal(errorCode(() => nr.mulAdd(a, a, b)), "InvalidArgument");
  }
  const gone = nr.ones([3]);
  gone.dispose();
  assert.equal(errorCode(() => nr.where(gone, a, a)), "Disposed");
  assert.equal(errorCode(() => nr.clamp(gone, 0, 1)), "Disposed");
  assert.equal(errorCode(() => nr.mulAdd(a, gone, 1)), "Disposed");
  // A JS integer beyond u8 is an error, as in NumPy's arithmetic.
  const u = nr.tensor([1], { dtype: "u8" });
  assert.equal(errorCode(() => nr.mulAdd(u, 300, 1)), "InvalidArgument");
});

Deno.test("ternary methods forward to the functions", () => {
  const a = nr.tensor([-1, 0.5, 3], { dtype: "f64" });
  assert.deepEqual(a.clamp(0, 1).toArray(), [0, 0.5, 1]);
  assert.deepEqual(a.clamp(null, 1).toArray(), [-1, 0.5, 1]);
  assert.deepEqual(a.mulAdd(2, 1).toArray(), [-1, 2, 7]);
});

Deno.test({
  name: "ternary: close the oracle",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await oracle.close();
  },
});
