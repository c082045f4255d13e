// Sorting against NumPy: sort/argsort (stable both ways), topk, partition/argpartition, unique
// and searchsorted, for every dtype on random shapes (0-d, empty, size-1), layouts and axes, with
// NaN/±Inf/-0 ties and many duplicates; 1M-element rows (the parallel path) for any thread
// count; and every error code.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual, assertClose } from "./_assert.ts";
import { errorCode } from "./_elementwise.ts";
import { Oracle } from "./_oracle.ts";
import { type Layout, LAYOUTS, randomShape, randomTensor, Rng, withLayout } from "./_random.ts";

const ALL = nr.DTYPE_NAMES;
const o = Oracle.start();
addEventListener("unload", () => o.close());

/** NumPy has no sort for bf16/fp8: compare their values exactly as f32 instead. */
function key(name: string): string {
  return `(${name}.astype(np.float32) if ${name}.dtype in ` +
    `(DT['bf16'], DT['fp8e4m3'], DT['fp8e5m2']) else ${name})`;
}

/** NumPy expression for the stable order of `a` along `ax` (descending too, still stable). */
function pyOrder(descending: boolean): string {
  if (!descending) return `np.argsort(${key("a")}, axis=ax, kind='stable')`;
  return `(a.shape[ax] - 1 - np.flip(np.argsort(np.flip(${key("a")}, ax), axis=ax, ` +
    `kind='stable'), ax))`;
}

/** Values from a small set (many ties), with NaN, ±0 and ±Inf for floats. */
function dupTensor(rng: Rng, dtype: nr.DType, shape: readonly number[], layout: Layout) {
  const kind = nr.DTYPES[dtype].kind;
  const pool = kind === "float" || kind === "complex"
    ? [-2, -1, -0, 0, 1, 2, NaN, Infinity, -Infinity, -NaN]
    : [0, 1, 2, 3];
  const make = (s: readonly number[]) => {
    const n = s.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, () => {
      if (kind === "complex") return { re: rng.pick(pool), im: rng.pick(pool) };
      if (kind === "bool") return rng.next() < 0.5;
      if (dtype === "i64" || dtype === "u64") return BigInt(rng.pick(pool));
      return rng.pick(pool);
    });
    return nr.tensor(values as nr.Element[], { dtype, shape: s });
  };
  return withLayout(make, shape, layout);
}

function randomInput(rng: Rng, dtype: nr.DType, layout: Layout): nr.Tensor {
  const shape = randomShape(rng, { maxDims: 3, maxDim: 40 });
  if (layout === "broadcast" && shape.length === 0) shape.push(3);
  return rng.next() < 0.5
    ? dupTensor(rng, dtype, shape, layout)
    : randomTensor(rng, dtype, shape, layout);
}

/** A random axis for x: null (flatten), or an int (negative half the time). */
function randomAxis(rng: Rng, x: nr.Tensor): number | null {
  if (rng.next() < 0.15) return null;
  if (x.ndim === 0) return rng.pick([0, -1]);
  const a = rng.int(0, x.ndim - 1);
  return rng.next() < 0.5 ? a : a - x.ndim;
}

/** Python prologue binding `a` (the array the op sorts) and `ax` for axis and x. */
function pyTarget(x: nr.Tensor, axis: number | null): { a: string; ax: string; back: string } {
  if (axis === null || x.ndim === 0) {
    return {
      a: "x.reshape(-1)",
      ax: "0",
      back: x.ndim === 0 && axis !== null ? ".reshape(())" : "",
    };
  }
  return { a: "x", ax: String(axis), back: "" };
}

/** NumPy's stable order of x (indices as int32) and the values in that order. */
async function expectedSort(x: nr.Tensor, axis: number | null, descending: boolean) {
  const t = pyTarget(x, axis);
  const expr = `(lambda a, ax: (lambda i: (i.astype(np.int32)${t.back}, ` +
    `np.take_along_axis(a, i, axis=ax)${t.back}))(${pyOrder(descending)}))(${t.a}, ${t.ax})`;
  const r = await o.run(expr, { x });
  if (r.error !== undefined) throw new Error(`${expr}: ${r.error}`);
  return r.results;
}

Deno.test("sort and argsort match NumPy's stable sort for every dtype, layout, axis", async () => {
  const rng = new Rng(11);
  for (const dtype of ALL) {
    for (let c = 0; c < 12; c++) {
      const layout = LAYOUTS[c % LAYOUTS.length];
      const x = randomInput(rng, dtype, layout);
      const axis = randomAxis(rng, x);
      const descending = rng.next() < 0.5;
      const [idx, vals] = await expectedSort(x, axis, descending);
      const what = `${dtype} [${x.shape}] ${layout} axis ${axis} desc ${descending}`;
      assertBitsEqual(nr.argsort(x, { axis, descending }), idx, what);
      assertBitsEqual(nr.sort(x, { axis, descending }), vals, what);
      if (c === 0) {
        const i64 = nr.argsort(x, { axis, descending, indexDtype: "i64" });
        assert.equal(i64.dtype, "i64");
        assertBitsEqual(i64.astype("i32"), idx, what);
      }
    }
  }
});

Deno.test("sorting rows of every length takes every path (insertion, radix, merge)", async () => {
  const rng = new Rng(5);
  for (const dtype of ["f32", "f64", "i16", "u8", "bf16", "c64", "i64"] as nr.DType[]) {
    for (const n of [1, 2, 31, 32, 33, 257, 3000]) {
      const x = rng.next() < 0.5
        ? dupTensor(rng, dtype, [3, n], "contiguous")
        : randomTensor(rng, dtype, [3, n]);
      for (const descending of [false, true]) {
        const [idx, vals] = await expectedSort(x, -1, descending);
        const what = `${dtype} n=${n} desc ${descending}`;
        assertBitsEqual(nr.argsort(x, { descending }), idx, what);
        assertBitsEqual(nr.sort(x, { descending }), vals, what);
      }
    }
  }
});

function bigInput(rng: Rng, dtype: nr.DType, n: number, dups: boolean): nr.Tensor {
  if (dups) return dupTensor(rng, dtype, [n], "contiguous");
  return randomTensor(rng, dtype, [n], "contiguous", { special: true });
}

/** NumPy's order of two numbers: NaN last, -0 equal to +0. */
function compare(a: number | bigint, b: number | bigint): number {
  if (typeof a === "bigint" || typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checks in JS that idx is a stable sort of x (ties in increasing index) and vals = x[idx]. */
function assertStableSorted(x: nr.Tensor, idx: nr.Tensor, vals: nr.Tensor, desc: boolean) {
  const xs = x.dataSync() as ArrayLike<number | bigint>;
  const is = idx.dataSync() as Int32Array;
  const vs = vals.dataSync() as ArrayLike<number | bigint>;
  const seen = new Uint8Array(xs.length);
  for (let p = 0; p < is.length; p++) {
    const i = is[p];
    if (seen[i] !== 0) assert.fail(`index ${i} repeats`);
    seen[i] = 1;
    if (!Object.is(vs[p], xs[i]) && !(vs[p] !== vs[p] && xs[i] !== xs[i])) {
      assert.fail(`value at ${p}: ${vs[p]} != x[${i}] = ${xs[i]}`);
    }
    if (p === 0) continue;
    const c = compare(xs[is[p - 1]], xs[i]) * (desc ? -1 : 1);
    if (c > 0 || (c === 0 && is[p - 1] > i)) {
      assert.fail(`order at ${p}: ${xs[is[p - 1]]}, ${xs[i]}`);
    }
  }
}

Deno.test("1M-element rows match NumPy and do not depend on the thread count", async () => {
  const rng = new Rng(7);
  const threads = nr.getCpuThreads();
  try {
    // The benchmark case against NumPy itself (NumPy compares, so only x travels back).
    const x = randomTensor(rng, "f32", [1 << 20]);
    const ok = await o.eval(
      "np.asarray(np.array_equal(i, np.argsort(x, kind='stable')) and " +
        "np.array_equal(v.view(np.uint32), x[i].view(np.uint32)))",
      { x, i: nr.argsort(x), v: nr.sort(x) },
    );
    assert.equal(ok.item(), true);
    const cases: [nr.DType, boolean, boolean][] = [
      ["f32", true, true],
      ["f64", false, true],
      ["i32", true, false],
      ["u8", false, false],
      ["f16", true, true],
      ["i64", false, false],
    ];
    for (const [dtype, dups, descending] of cases) {
      const x = bigInput(rng, dtype, 1 << 18, dups);
      const what = `${dtype} dups ${dups} desc ${descending}`;
      nr.setCpuThreads(1);
      const [i1, v1] = [nr.argsort(x, { descending }), nr.sort(x, { descending })];
      nr.setCpuThreads(2);
      const [i2, v2] = [nr.argsort(x, { descending }), nr.sort(x, { descending })];
      assertStableSorted(x, i2, v2, descending);
      assertBitsEqual(i1, i2, what);
      assertBitsEqual(v1, v2, what);
    }
    // A strided row (every third element, reversed) takes the same path.
    const t = x.slice([null, null, -3]);
    assertStableSorted(t, nr.argsort(t), nr.sort(t), false);
  } finally {
    nr.setCpuThreads(threads);
  }
});

async function expectedTopk(x: nr.Tensor, k: number, axis: number, largest: boolean) {
  const t = pyTarget(x, axis);
  if (k === 0) t.back = "";
  const expr = `(lambda a, ax: (lambda i: (np.take_along_axis(a, i, axis=ax)${t.back}, ` +
    `i.astype(np.int32)${t.back}))(np.take(${pyOrder(largest)}, range(${k}), axis=ax)))` +
    `(${t.a}, ${t.ax})`;
  const r = await o.run(expr, { x });
  if (r.error !== undefined) throw new Error(`${expr}: ${r.error}`);
  return r.results;
}

Deno.test("topk is the first k of the stable order (NaN largest, lower index first)", async () => {
  const rng = new Rng(3);
  for (const dtype of ALL) {
    for (let c = 0; c < 6; c++) {
      const layout = LAYOUTS[c % LAYOUTS.length];
      const x = randomInput(rng, dtype, layout);
      if (x.ndim === 0 && c % 2 === 0) continue;
      const axis = x.ndim === 0 ? -1 : rng.int(-x.ndim, x.ndim - 1);
      const n = x.ndim === 0 ? 1 : x.shape[axis < 0 ? axis + x.ndim : axis];
      const k = rng.int(0, n);
      const largest = rng.next() < 0.7;
      const [values, indices] = await expectedTopk(x, k, axis, largest);
      const r = nr.topk(x, k, { axis, largest });
      const what = `${dtype} [${x.shape}] ${layout} k ${k} axis ${axis} largest ${largest}`;
      assertBitsEqual(r.indices, indices, what);
      assertBitsEqual(r.values, values, what);
    }
  }
  // Long rows take the histogram selection, with ties and NaNs at the threshold.
  for (const dtype of ["f32", "f64", "i64", "u8", "bf16", "c128"] as nr.DType[]) {
    for (const dups of [false, true]) {
      const x = bigInput(rng, dtype, 100_000, dups);
      for (
        const [k, largest] of [[100, true], [1, false], [5000, true], [100_000, false]] as const
      ) {
        const [values, indices] = await expectedTopk(x, k, 0, largest);
        const r = nr.topk(x, k, { largest, indexDtype: "i64" });
        const what = `${dtype} dups ${dups} k ${k} largest ${largest}`;
        assertBitsEqual(r.indices.astype("i32"), indices, what);
        assertBitsEqual(r.values, values, what);
      }
    }
  }
});

Deno.test("partition and argpartition put the k-th element in place", async () => {
  const rng = new Rng(9);
  for (const dtype of ALL) {
    for (let c = 0; c < 4; c++) {
      const x = randomInput(rng, dtype, LAYOUTS[c % LAYOUTS.length]);
      const axis = randomAxis(rng, x);
      const t = pyTarget(x, axis);
      const n = axis === null || x.ndim === 0 ? x.size : x.shape[axis < 0 ? axis + x.ndim : axis];
      if (n === 0) continue;
      const kth = rng.next() < 0.5 ? rng.int(-n, n - 1) : [rng.int(0, n - 1), rng.int(0, n - 1)];
      const p = nr.partition(x, kth, { axis });
      const i = nr.argpartition(x, kth, { axis });
      const ks = (typeof kth === "number" ? [kth] : kth).map((k) => (k < 0 ? k + n : k));
      // Property (NumPy's contract): at each kth the sorted element; before it exactly the kth
      // smallest (as a multiset); argpartition is a permutation that gives the same.
      const expr = `(lambda a, ax, p, i: all(` +
        `np.array_equal(np.take(p, [k], ax), np.take(s, [k], ax), equal_nan=True) and ` +
        `np.array_equal(np.sort(${key("np.take(p, range(k), ax)")}, ax, kind='stable'), ` +
        `${key("np.take(s, range(k), ax)")}, equal_nan=True) ` +
        `for s in [np.take_along_axis(a, ${pyOrder(false)}, ax)] for k in ${
          JSON.stringify(ks)
        }) and ` +
        `np.array_equal(np.sort(i, ax), np.argsort(np.zeros(a.shape), ax, kind='stable')) and ` +
        `np.array_equal(np.take_along_axis(a, i.astype(np.int64), ax), p, equal_nan=True))` +
        `(${t.a}, ${t.ax}, p.reshape(${t.a}.shape), i.reshape(${t.a}.shape))`;
      const ok = await o.eval(expr, { x, p, i });
      assert.equal(ok.item(), true, `${dtype} [${x.shape}] kth ${kth} axis ${axis}`);
    }
  }
});

Deno.test("unique along an axis matches NumPy (rows sorted lexicographically)", async () => {
  const rng = new Rng(29);
  const shapes = [[7, 3], [5, 2, 3], [4, 6], [1, 4], [0, 3], [3, 0], [9]];
  for (const dtype of ["f32", "f64", "i32", "u8", "bool", "c64", "f16", "i64"] as const) {
    for (const shape of shapes) {
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const n = shape.reduce((a, b) => a * b, 1);
        const raw = Array.from({ length: n }, () => Math.floor(rng.next() * 2));
        const x = nr.tensor(raw, { dtype: "f64" }).reshape(shape).astype(dtype);
        const what = `${dtype} [${shape}] axis ${axis}`;
        const e = await o.run(
          `(lambda r: (r[0], r[1].astype(np.int32).reshape(-1), r[2].astype(np.int32)))` +
            `(np.unique(x, axis=${axis}, return_inverse=True, return_counts=True))`,
          { x },
        );
        const u = nr.unique(x, { axis, returnInverse: true, returnCounts: true });
        assertBitsEqual(u.values, e.results![0], what);
        assertBitsEqual(u.inverse!, e.results![1], what);
        assertBitsEqual(u.counts!, e.results![2], what);
      }
    }
  }
});

Deno.test("unique matches NumPy (NaNs collapse, inverse has x's shape, counts)", async () => {
  const rng = new Rng(13);
  for (const dtype of ALL) {
    for (let c = 0; c < 5; c++) {
      const x = randomInput(rng, dtype, LAYOUTS[c % LAYOUTS.length]);
      const [values, inverse, counts] = (await o.run(
        `(lambda r: (r[0].astype(x.dtype), r[1].astype(np.int32), r[2].astype(np.int32)))` +
          `(np.unique(${key("x")}, return_inverse=True, return_counts=True))`,
        { x },
      )).results!;
      const what = `${dtype} [${x.shape}]`;
      const u = nr.unique(x, { returnInverse: true, returnCounts: true });
      // ±0 tie: NumPy keeps whichever its sort put first; compare values numerically.
      assertClose(u.values, values, { atol: 0, rtol: 0, message: what });
      assertBitsEqual(u.inverse!, inverse, what);
      assertBitsEqual(u.counts!, counts, what);
      assertClose(nr.unique(x).values, values, { atol: 0, rtol: 0, message: what });
    }
  }
  const big = dupTensor(rng, "f32", [1 << 20], "contiguous");
  const u = nr.unique(big, { returnCounts: true, indexDtype: "i64" });
  const e = (await o.run("np.unique(x, return_counts=True)", { x: big })).results!;
  assertClose(u.values, e[0], { atol: 0, rtol: 0 });
  assertBitsEqual(u.counts!, e[1]);
});

Deno.test("searchsorted matches NumPy (sides, sorter, N-D rows, NaN)", async () => {
  const rng = new Rng(17);
  for (const dtype of ALL) {
    for (let c = 0; c < 4; c++) {
      const raw = dupTensor(rng, dtype, [rng.int(0, 12)], "contiguous");
      const s = nr.sort(raw);
      const v = randomInput(rng, dtype, LAYOUTS[c % LAYOUTS.length]);
      const side = c % 2 === 0 ? "left" : "right";
      const e = await o.eval(
        `np.searchsorted(${key("s")}, ${key("v")}, side='${side}').astype(np.int32)`,
        { s, v },
      );
      const what = `${dtype} m ${s.size} [${v.shape}] ${side}`;
      assertBitsEqual(nr.searchsorted(s, v, { side }), e, what);
      const sorter = nr.argsort(raw);
      assertBitsEqual(nr.searchsorted(raw, v, { side, sorter }), e, `${what} sorter`);
    }
    // N-D: one search per row (PyTorch), rows of sorted picked by values' leading dims.
    const s = nr.sort(dupTensor(rng, dtype, [3, 2, 7], "transposed"));
    const v = dupTensor(rng, dtype, [3, 2, 5], "flipped");
    const e = await o.eval(
      `np.array([np.searchsorted(${key("a")}, ${key("b")}, side='right') for a, b in ` +
        `zip(s.reshape(-1, 7), v.reshape(-1, 5))]).reshape(v.shape).astype(np.int64)`,
      { s, v },
    );
    assertBitsEqual(nr.searchsorted(s, v, { side: "right", indexDtype: "i64" }), e, `${dtype} N-D`);
  }
  const s = nr.tensor([1, 2, 3], { dtype: "i32" });
  assert.equal(nr.searchsorted(s, 2.5).item(), 2);
  assert.equal(s.searchsorted(nr.tensor([0.5, 3.5])).toArray().toString(), "0,3");
});

Deno.test("methods on Tensor and edge shapes", () => {
  const x = nr.tensor([[3, 1, 2], [0, 5, 4]], { dtype: "i16" });
  assert.deepEqual(x.sort().toArray(), [[1, 2, 3], [0, 4, 5]]);
  assert.deepEqual(x.argsort({ axis: 0 }).toArray(), [[1, 0, 0], [0, 1, 1]]);
  assert.deepEqual(x.topk(1).values.toArray(), [[3], [5]]);
  assert.deepEqual(x.partition(0, { axis: null }).shape, [6]);
  assert.deepEqual(x.argpartition(1).shape, [2, 3]);
  assert.deepEqual(x.unique().values.toArray(), [0, 1, 2, 3, 4, 5]);
  const z = nr.tensor(4);
  assert.equal(z.sort().item(), 4);
  assert.equal(z.argsort().item(), 0);
  assert.equal(nr.topk(z, 1).values.item(), 4);
  assert.deepEqual(nr.topk(z, 0).values.shape, [0]);
  const e = nr.zeros([2, 0, 3]);
  assert.deepEqual(nr.sort(e, { axis: 1 }).shape, [2, 0, 3]);
  assert.deepEqual(nr.argsort(e, { axis: null }).shape, [0]);
  assert.deepEqual(nr.topk(e, 0, { axis: 1 }).indices.shape, [2, 0, 3]);
  assert.deepEqual(nr.unique(e, { returnInverse: true }).inverse!.shape, [2, 0, 3]);
});

Deno.test("bad inputs raise the documented codes", () => {
  const x = nr.tensor([[1, 2], [3, 4]]);
  assert.equal(errorCode(() => nr.sort(x, { axis: 2 })), "InvalidDimension");
  assert.equal(errorCode(() => nr.argsort(x, { axis: -3 })), "InvalidDimension");
  assert.equal(errorCode(() => nr.sort(nr.tensor(1), { axis: 1 })), "InvalidDimension");
  assert.equal(errorCode(() => nr.sort(x, { axis: 0.5 })), "InvalidDimension");
  assert.equal(
    errorCode(() => nr.sort(x, { descending: 1 as unknown as boolean })),
    "InvalidArgument",
  );
  assert.equal(errorCode(() => nr.argsort(x, { indexDtype: "u8" as "i32" })), "InvalidArgument");
  assert.equal(errorCode(() => nr.sort([1, 2] as unknown as nr.Tensor)), "InvalidArgument");
  assert.equal(errorCode(() => nr.topk(x, 3)), "InvalidArgument");
  assert.equal(errorCode(() => nr.topk(x, -1)), "InvalidArgument");
  assert.equal(errorCode(() => nr.topk(x, 1.5)), "InvalidArgument");
  assert.equal(errorCode(() => nr.topk(x, 1, { axis: 5 })), "InvalidDimension");
  assert.equal(errorCode(() => nr.partition(x, 2)), "InvalidArgument");
  assert.equal(errorCode(() => nr.partition(x, -3)), "InvalidArgument");
  assert.equal(errorCode(() => nr.argpartition(x, [0, 7], { axis: null })), "InvalidArgument");
  assert.equal(errorCode(() => nr.partition(nr.zeros([0]), 0)), "InvalidArgument");
  const s = nr.tensor([1, 2, 3]);
  assert.equal(errorCode(() => nr.searchsorted(nr.tensor(1), s)), "InvalidArgument");
  assert.equal(
    errorCode(() => nr.searchsorted(s, s, { side: "middle" as "left" })),
    "InvalidArgument",
  );
  assert.equal(
    errorCode(() => nr.searchsorted(nr.zeros([2, 3]), nr.zeros([3, 1]))),
    "ShapeMismatch",
  );
  const bad = nr.tensor([0, 3, 1], { dtype: "i32" });
  assert.equal(errorCode(() => nr.searchsorted(s, s, { sorter: bad })), "IndexOutOfBounds");
  assert.equal(
    errorCode(() => nr.searchsorted(s, s, { sorter: nr.tensor([0, 1]) })),
    "DTypeMismatch",
  );
  assert.equal(
    errorCode(() => nr.searchsorted(s, s, { sorter: nr.tensor([0, 1], { dtype: "i32" }) })),
    "ShapeMismatch",
  );
  assert.equal(errorCode(() => nr.unique(x, { axis: 5 })), "InvalidDimension");
  const d = nr.tensor([1, 2]);
  d.dispose();
  assert.equal(errorCode(() => nr.sort(d)), "Disposed");
});
