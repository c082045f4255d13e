// Indexing ops against NumPy: gather/scatter/scatterReduce (torch semantics written with
// np.take_along_axis and ufunc.at), takeAlongAxis/putAlongAxis, gatherNd/scatterNd,
// indexSelect, embeddingLookup, indexPut, maskedSelect/maskedFill, bincount, sliceAssign,
// nonzero/argwhere: every dtype, every index dtype, random shapes (0-d, empty, size-1), layouts,
// negative and duplicate indices, and every error.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual, assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { type Layout, LAYOUTS, randomShape, randomTensor, Rng, withLayout } from "./_random.ts";

const ALL = nr.DTYPE_NAMES;
const INDEX_DTYPES: nr.DType[] = ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8"];
const HALF = new Set<nr.DType>(["f16", "bf16", "fp8e4m3", "fp8e5m2"]);

function isUnsigned(d: nr.DType): boolean {
  return nr.DTYPES[d].kind === "uint";
}

/** Random index values in [-n, n) (signed) or [0, n) (unsigned) for a dim of size n. */
function indexValues(rng: Rng, dtype: nr.DType, count: number, n: number): (number | bigint)[] {
  const lo = isUnsigned(dtype) ? 0 : -n;
  const info = nr.DTYPES[dtype];
  const out: (number | bigint)[] = [];
  for (let i = 0; i < count; i++) {
    let v = n === 0 ? 0 : rng.int(lo, n - 1);
    v = Math.max(Math.min(v, info.max), info.min);
    out.push(dtype === "i64" || dtype === "u64" ? BigInt(v) : v);
  }
  return out;
}

function randomIndex(
  rng: Rng,
  dtype: nr.DType,
  shape: readonly number[],
  n: number,
  layout: Layout = "contiguous",
): nr.Tensor {
  const make = (s: readonly number[]) => {
    const size = s.reduce((a, b) => a * b, 1);
    return nr.tensor(indexValues(rng, dtype, size, n) as number[], { dtype, shape: s });
  };
  return withLayout(make, shape, layout);
}

function py(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The NumPy tuple of index grids of torch's along-axis ops: index i at `ax`, aranges elsewhere. */
const GRIDS = (ax: number) =>
  `tuple(i.astype(np.int64) if d == ${ax} else ` +
  `np.arange(n).reshape([-1 if e == d else 1 for e in range(i.ndim)]) ` +
  `for d, n in enumerate(i.shape))`;

function randomSub(rng: Rng, shape: readonly number[], axis: number): number[] {
  return shape.map((n, d) => (d === axis ? rng.int(0, 4) : rng.int(Math.min(n, 1), n)));
}

function valueOptions(d: nr.DType) {
  // fp8e4m3 has no infinities; sums of specials make NaN/Inf noise that still must match.
  return { special: !HALF.has(d) };
}

Deno.test("gather and takeAlongAxis match NumPy for every dtype, index dtype, layout", async () => {
  const o = Oracle.start();
  const rng = new Rng(11);
  try {
    for (const dtype of ALL) {
      for (let trial = 0; trial < 6; trial++) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 5 });
        if (shape.length === 0) shape.push(rng.int(1, 4));
        const axis = rng.int(0, shape.length - 1);
        const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS), valueOptions(dtype));
        const idt = rng.pick(INDEX_DTYPES);
        const ishape = randomSub(rng, shape, axis);
        const n = shape[axis];
        if (n === 0 && ishape[axis] > 0) ishape[axis] = 0;
        const i = randomIndex(rng, idt, ishape, n, rng.pick(LAYOUTS));
        const ax = rng.next() < 0.5 ? axis : axis - shape.length;
        const msg = `${dtype} x${py(shape)} axis ${ax} index ${idt}${py(ishape)}`;
        const got = nr.gather(x, ax, i);
        const sl =
          `tuple(slice(None) if d == ${axis} else slice(0, s) for d, s in enumerate(i.shape))`;
        const want = await o.eval(
          `np.take_along_axis(x[${sl}], i.astype(np.int64), axis=${axis})`,
          { x, i },
        );
        assertBitsEqual(got, want, msg);
        // takeAlongAxis with a broadcast index (size 1 off the axis).
        const bshape = shape.map((s, d) => (d === axis ? ishape[axis] : rng.next() < 0.5 ? 1 : s));
        const bi = randomIndex(rng, idt, bshape, n);
        const got2 = nr.takeAlongAxis(x, bi, ax);
        const want2 = await o.eval(`np.take_along_axis(x, i.astype(np.int64), axis=${axis})`, {
          x,
          i: bi,
        });
        assertBitsEqual(got2, want2, `takeAlongAxis ${msg}`);
      }
    }
  } finally {
    await o.close();
  }
});

const UFUNC: Record<string, string> = {
  sum: "np.add",
  prod: "np.multiply",
  max: "np.maximum",
  min: "np.minimum",
};
const IDENTITY: Record<string, string> = { sum: "0", prod: "1", max: "s", min: "s" };

Deno.test("scatter and scatterReduce match NumPy (ufunc.at) with duplicates", async () => {
  const o = Oracle.start();
  const rng = new Rng(12);
  try {
    for (const dtype of ALL) {
      for (let trial = 0; trial < 6; trial++) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 4 });
        if (shape.length === 0) shape.push(rng.int(1, 4));
        const axis = rng.int(0, shape.length - 1);
        const n = shape[axis];
        const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS), valueOptions(dtype));
        const idt = rng.pick(INDEX_DTYPES);
        const ishape = randomSub(rng, shape, axis);
        if (n === 0) ishape[axis] = 0;
        const i = randomIndex(rng, idt, ishape, n, rng.pick(LAYOUTS));
        const sshape = ishape.map((s) => s + rng.int(0, 1));
        const src = randomTensor(rng, dtype, sshape, rng.pick(LAYOUTS), valueOptions(dtype));
        const g = GRIDS(axis);
        const sv = `src[tuple(slice(0, n) for n in i.shape)]`;
        const msg = `${dtype} x${py(shape)} axis ${axis} index ${idt}${py(ishape)}`;
        const got = nr.scatter(x, axis, i, src);
        const want = await o.eval(
          `(lambda y, g, s: (y.__setitem__(g, s), y)[1])(x.copy(), ${g}, ${sv})`,
          { x, i, src },
        );
        assertBitsEqual(got, want, `scatter ${msg}`);
        const reduce = rng.pick(["sum", "prod", "max", "min", "mean"] as const);
        if (reduce === "mean" && dtype === "bool") continue;
        const includeSelf = rng.next() < 0.5;
        const got2 = nr.scatterReduce(x, axis, i, src, reduce, { includeSelf });
        let expr: string;
        if (reduce === "mean") {
          const isInt = ["int", "uint"].includes(nr.DTYPES[dtype].kind);
          const divide = isInt ? "np.floor_divide" : "np.true_divide";
          expr = `(lambda y, c, g, s: (` +
            (includeSelf ? "" : `y.__setitem__(g, 0), c.__setitem__(g, 0), `) +
            `np.add.at(y, g, s), np.add.at(c, g, 1), ` +
            `np.where(c == 0, x, ${divide}(y, np.maximum(c, 1)).astype(x.dtype)))[-1])` +
            `(x.copy(), np.ones(x.shape, np.int64), ${g}, ${sv})`;
        } else {
          const init = includeSelf ? "" : `y.__setitem__(g, ${IDENTITY[reduce]}), `;
          expr = `(lambda y, g, s: (${init}${UFUNC[reduce]}.at(y, g, s), y)[-1])` +
            `(x.copy(), ${g}, ${sv})`;
        }
        const want2 = await o.eval(expr, { x, i, src });
        const tol = HALF.has(dtype) && (reduce === "mean" || reduce === "sum" || reduce === "prod")
          ? { atol: 0.5, rtol: 0.25 }
          : {};
        assertClose(got2, want2, {
          ...tol,
          message: `scatterReduce ${reduce} self=${includeSelf} ${msg}`,
        });
      }
    }
  } finally {
    await o.close();
  }
});

Deno.test("putAlongAxis matches np.put_along_axis", async () => {
  const o = Oracle.start();
  const rng = new Rng(13);
  try {
    for (const dtype of ALL) {
      const shape = [rng.int(1, 4), rng.int(1, 4)];
      const axis = rng.int(0, 1);
      const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS), valueOptions(dtype));
      const ishape = shape.map((s, d) => (d === axis ? rng.int(0, 3) : rng.next() < 0.5 ? 1 : s));
      const idt = rng.pick(INDEX_DTYPES);
      const i = randomIndex(rng, idt, ishape, shape[axis]);
      const v = randomTensor(rng, dtype, [1], "contiguous");
      const got = nr.putAlongAxis(x, i, v.reshape([1, -1]), axis);
      const want = await o.eval(
        `(lambda y: (np.put_along_axis(y, i.astype(np.int64), v.reshape(1, -1), axis=${axis}), ` +
          `y)[1])(x.copy())`,
        { x, i, v },
      );
      assertBitsEqual(got, want, `${dtype} ${py(shape)} ${py(ishape)}`);
    }
  } finally {
    await o.close();
  }
});

Deno.test("gatherNd, scatterNd, indexSelect, embeddingLookup, indexPut match NumPy", async () => {
  const o = Oracle.start();
  const rng = new Rng(14);
  try {
    for (const dtype of ALL) {
      for (let trial = 0; trial < 4; trial++) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 4, allowEmpty: false });
        if (shape.length === 0) shape.push(3);
        const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS), valueOptions(dtype));
        const idt = rng.pick(INDEX_DTYPES);
        const m = rng.int(0, shape.length);
        const lead = randomShape(rng, { maxDims: 2, maxDim: 3 });
        // gatherNd: one component per indexed dim, each in range of its own dim.
        const comps = shape.slice(0, m).map((n) => randomIndex(rng, idt, lead, n));
        const indices = comps.length > 0
          ? nr.stack(comps, -1)
          : nr.zeros([...lead, 0], { dtype: idt });
        const msg = `${dtype} x${py(shape)} M=${m} ${idt}${py(lead)}`;
        const got = nr.gatherNd(x, indices);
        const want = await o.eval(
          m === 0
            ? `np.broadcast_to(x, i.shape[:-1] + x.shape)`
            : `x[tuple(np.moveaxis(i.astype(np.int64), -1, 0))]`,
          { x, i: indices },
        );
        assertBitsEqual(got, want, `gatherNd ${msg}`);
        const ushape = [...lead, ...shape.slice(m)];
        const upd = randomTensor(rng, dtype, ushape, rng.pick(LAYOUTS), valueOptions(dtype));
        const got2 = nr.scatterNd(x, indices, upd);
        const want2 = await o.eval(
          m === 0
            ? (upd.size === 0 ? `x` : `u.reshape(-1, *x.shape)[-1]`)
            : `(lambda y: (y.__setitem__(tuple(np.moveaxis(i.astype(np.int64), -1, 0)), u), ` +
              `y)[1])(x.copy())`,
          { x, i: indices, u: upd },
        );
        assertBitsEqual(got2, want2, `scatterNd ${msg}`);
        // indexSelect (np.take) with an index of any rank, and embeddingLookup.
        const axis = rng.int(0, shape.length - 1);
        const ti = randomIndex(rng, idt, lead, shape[axis], rng.pick(LAYOUTS));
        const got3 = nr.indexSelect(x, axis - (rng.next() < 0.5 ? shape.length : 0), ti);
        const want3 = await o.eval(`np.take(x, i.astype(np.int64), axis=${axis})`, { x, i: ti });
        assertBitsEqual(got3, want3, `indexSelect axis ${axis} ${msg}`);
        const ei = randomIndex(rng, idt, lead, shape[0]);
        assertBitsEqual(
          nr.embeddingLookup(x, ei),
          await o.eval(`np.take(x, i.astype(np.int64), axis=0)`, { x, i: ei }),
          `embeddingLookup ${msg}`,
        );
        // indexPut, assigning and accumulating (np.add.at).
        if (m === 0) continue;
        const accumulate = rng.next() < 0.5;
        const cs = `(${comps.map((_, k) => `c${k}`).join(", ")}${comps.length === 1 ? "," : ""})`;
        const got4 = nr.indexPut(x, comps, upd, { accumulate });
        const want4 = await o.eval(
          accumulate
            ? `(lambda y: (np.add.at(y, tuple(c.astype(np.int64) for c in ${cs}), u), y)[1])` +
              `(x.copy())`
            : `(lambda y: (y.__setitem__(tuple(c.astype(np.int64) for c in ${cs}), u), y)[1])` +
              `(x.copy())`,
          { x, u: upd, ...Object.fromEntries(comps.map((c, k) => [`c${k}`, c])) },
        ).catch(() => undefined);
        if (want4 !== undefined) {
          assertClose(got4, want4, {
            ...(HALF.has(dtype) ? { atol: 0.5, rtol: 0.25 } : {}),
            message: `indexPut acc=${accumulate} ${msg}`,
          });
        }
      }
    }
  } finally {
    await o.close();
  }
});

Deno.test("maskedSelect, maskedFill, nonzero and argwhere match NumPy", async () => {
  const o = Oracle.start();
  const rng = new Rng(15);
  try {
    for (const dtype of ALL) {
      for (let trial = 0; trial < 4; trial++) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 5 });
        const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS), valueOptions(dtype));
        const mshape = shape.map((s) => (rng.next() < 0.3 ? 1 : s));
        const mask = randomTensor(rng, "bool", mshape, rng.pick(LAYOUTS));
        const msg = `${dtype} ${py(shape)} mask ${py(mshape)}`;
        const got = nr.maskedSelect(x, mask);
        const want = await o.eval(
          `np.broadcast_to(x, np.broadcast_shapes(x.shape, m.shape))` +
            `[np.broadcast_to(m, np.broadcast_shapes(x.shape, m.shape))]`,
          { x, m: mask },
        );
        assertBitsEqual(got, want, `maskedSelect ${msg}`);
        const fill = randomTensor(rng, dtype, [], "contiguous");
        const got2 = nr.maskedFill(x, mask, fill);
        const want2 = await o.eval(`np.where(m, v, x)`, { x, m: mask, v: fill });
        assertBitsEqual(got2, want2, `maskedFill ${msg}`);
        // Sparse inputs give non-zeros and zeros (NaN and -0 included among the values).
        const indexDtype = rng.pick(["i32", "i64"] as const);
        const got3 = nr.argwhere(x, { indexDtype });
        assert.equal(got3.dtype, indexDtype);
        const want3 = await o.eval(`np.argwhere(x)`, { x });
        assertClose(got3, want3, { anyDType: true, message: `argwhere ${msg}` });
        if (shape.length > 0) {
          const cols = nr.nonzero(x);
          const want4 = (await o.run(`np.nonzero(x)`, { x })).results!;
          assert.equal(cols.length, want4.length);
          cols.forEach((c, k) => {
            assert.equal(c.dtype, "i32");
            assertClose(c, want4[k], { anyDType: true, message: `nonzero ${k} ${msg}` });
          });
        }
      }
    }
    // Zeros mixed in, so that the count is neither 0 nor everything.
    const z = nr.tensor([[0, -0, 1], [NaN, 0, 2]]);
    assert.deepEqual(nr.argwhere(z).toArray(), [[0, 2], [1, 0], [1, 2]]);
    assert.deepEqual(nr.argwhere(nr.tensor(5)).shape, [1, 0]);
    assert.deepEqual(nr.argwhere(nr.tensor(0)).shape, [0, 0]);
    const c = nr.tensor([{ re: 0, im: 0 }, { re: 0, im: 1 }], { dtype: "c64" });
    assert.deepEqual(nr.nonzero(c)[0].toArray(), [1]);
  } finally {
    await o.close();
  }
});

Deno.test("bincount matches np.bincount", async () => {
  const o = Oracle.start();
  const rng = new Rng(16);
  try {
    for (const dtype of [...INDEX_DTYPES, "bool"] as nr.DType[]) {
      for (const n of [0, 1, 7]) {
        const vals = dtype === "bool"
          ? Array.from({ length: n }, () => rng.next() < 0.5)
          : indexValues(rng, dtype, n, 6).map((
            v,
          ) => (typeof v === "bigint" ? v < 0n ? -v : v : Math.abs(v)));
        const x = nr.tensor(vals as number[], { dtype, shape: [n] });
        const minlength = rng.int(0, 8);
        const w = randomTensor(rng, rng.pick(["f32", "f64", "i32", "f16"] as nr.DType[]), [n]);
        assertBitsEqual(
          nr.bincount(x, { minlength }),
          await o.eval(`np.bincount(x, minlength=${minlength})`, { x }),
          `${dtype} n=${n}`,
        );
        assertClose(
          nr.bincount(x, { weights: w, minlength }),
          await o.eval(`np.bincount(x, weights=w, minlength=${minlength})`, { x, w }),
          // NumPy returns i64 for empty x even with weights; numr keeps f64.
          { message: `${dtype} weights ${w.dtype} n=${n}`, anyDType: n === 0 },
        );
      }
    }
  } finally {
    await o.close();
  }
});

Deno.test("sliceAssign returns a new tensor with a region replaced", () => {
  const x = nr.arange(12, { dtype: "i32" }).reshape(3, 4);
  const out = nr.sliceAssign(x, [nr.s(1), nr.s(null, null, 2)], nr.tensor([[-1, -2]]));
  assert.deepEqual(out.toArray(), [[0, 1, 2, 3], [-1, 5, -2, 7], [-1, 9, -2, 11]]);
  assert.deepEqual(x.get(1).toArray(), [4, 5, 6, 7]);
});

Deno.test("scatter with duplicates: the last write wins for any thread count", () => {
  const n = 200_000;
  const x = nr.zeros([10], { dtype: "i32" });
  const idx = nr.tensor(Array.from({ length: n }, (_, i) => i % 10), { dtype: "i32" });
  const src = nr.arange(n, { dtype: "i32" });
  const before = nr.getCpuThreads();
  try {
    const results = [1, 2, 4].map((t) => {
      nr.setCpuThreads(t);
      return nr.scatter(x, 0, idx, src).toArray();
    });
    const want = Array.from({ length: 10 }, (_, i) => n - 10 + i);
    for (const r of results) assert.deepEqual(r, want);
    const big = nr.arange(n, { dtype: "f32" });
    const gi = nr.tensor(Array.from({ length: n }, (_, i) => (i * 7919) % n - n), { dtype: "i64" });
    nr.setCpuThreads(1);
    const g1 = nr.gather(big, 0, gi);
    nr.setCpuThreads(4);
    assertBitsEqual(nr.gather(big, 0, gi), g1);
  } finally {
    nr.setCpuThreads(before);
  }
});

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof nr.NumrError) return e.code;
    throw e;
  }
  return "none";
}

Deno.test("bad indices throw IndexOutOfBounds naming op, value, axis and size", () => {
  const x = nr.arange(6, { dtype: "f32" }).reshape(2, 3);
  const i = (v: number[], dtype: nr.DType = "i32") => nr.tensor(v, { dtype });
  const cases: [string, () => unknown, RegExp][] = [
    [
      "gather",
      () => nr.gather(x, 1, nr.tensor([[0, 3]], { dtype: "i64" })),
      /Index 3 .*axis 1 .*size 3/,
    ],
    ["gather", () => nr.gather(x, 1, nr.tensor([[0, -4]], { dtype: "i8" })), /Index -4 /],
    [
      "takeAlongAxis",
      () => nr.takeAlongAxis(x, nr.tensor([[2], [0]], { dtype: "u8" }), 0),
      /Index 2 .*axis 0 .*size 2/,
    ],
    ["scatter", () => nr.scatter(x, 0, nr.tensor([[0, 5, 0]], { dtype: "u64" }), 1), /Index 5 /],
    ["scatterReduce", () => nr.scatterReduce(x, 1, i([9, 0]).reshape(1, 2), x, "sum"), /Index 9 /],
    ["indexSelect", () => nr.indexSelect(x, 1, i([0, 1, 2, 3])), /Index 3 .*axis 1/],
    ["embeddingLookup", () => nr.embeddingLookup(x, i([2])), /Index 2 .*axis 0/],
    ["gatherNd", () => nr.gatherNd(x, i([1, 3]).reshape(1, 2)), /Index 3 .*axis 1/],
    ["scatterNd", () => nr.scatterNd(x, i([-3, 0]).reshape(1, 2), 1), /Index -3 .*axis 0/],
    ["indexPut", () => nr.indexPut(x, [i([0]), i([7])], 1), /Index 7 .*axis 1/],
    ["bincount", () => nr.bincount(i([1, -1])), /non-negative/],
    ["getItem", () => x.get(2), /Index 2 .*axis 0/],
    ["getItem", () => x.get(0, [0, 4]), /Index 4 .*axis 1/],
    ["getItem", () => x.get(0, 0, 0), /Too many indices/],
    [
      "u32 huge",
      () => nr.indexSelect(x, 0, nr.tensor([4294967295], { dtype: "u32" })),
      /4294967295/,
    ],
  ];
  for (const [name, f, re] of cases) {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof nr.NumrError, `${name} did not throw`);
    const expected = name === "bincount" ? "InvalidArgument" : "IndexOutOfBounds";
    assert.equal(err.code, expected, `${name}: ${err.message}`);
    assert.match(err.message, re, name);
  }
  // A failed scatter or assignment leaves its target untouched.
  const y = nr.zeros([3], { dtype: "i32" });
  assert.throws(() => y.set(7, [0, 1, 3]), /out of bounds/);
  assert.deepEqual(y.toArray(), [0, 0, 0]);
});

Deno.test("other bad inputs throw their codes", () => {
  const x = nr.arange(6, { dtype: "f32" }).reshape(2, 3);
  const i32 = nr.tensor([[0]], { dtype: "i32" });
  assert.equal(code(() => nr.gather(x, 0, nr.tensor([[0.0]]))), "DTypeMismatch");
  assert.equal(code(() => nr.gather(x, 0, nr.tensor([0], { dtype: "i32" }))), "ShapeMismatch");
  assert.equal(code(() => nr.gather(x, 2, i32)), "InvalidDimension");
  assert.equal(code(() => nr.gather(x, 0, nr.zeros([1, 4], { dtype: "i32" }))), "ShapeMismatch");
  assert.equal(
    code(() => nr.takeAlongAxis(x, nr.zeros([1, 2], { dtype: "i32" }), 0)),
    "BroadcastError",
  );
  assert.equal(code(() => nr.scatter(x, 0, i32, nr.zeros([1]))), "ShapeMismatch");
  assert.equal(code(() => nr.scatterReduce(x, 0, i32, 1, "avg" as never)), "InvalidArgument");
  assert.equal(
    code(() =>
      nr.scatterReduce(
        nr.zeros([2], { dtype: "bool" }),
        0,
        nr.tensor([0], { dtype: "i32" }),
        true,
        "mean",
      )
    ),
    "UnsupportedDType",
  );
  assert.equal(code(() => nr.gatherNd(x, nr.zeros([1, 3], { dtype: "i32" }))), "InvalidArgument");
  assert.equal(code(() => nr.gatherNd(x, nr.zeros([], { dtype: "i32" }))), "InvalidArgument");
  assert.equal(
    code(() => nr.scatterNd(x, nr.zeros([2, 1], { dtype: "i32" }), nr.zeros([4, 3]))),
    "BroadcastError",
  );
  assert.equal(code(() => nr.maskedSelect(x, nr.zeros([2, 3], { dtype: "u8" }))), "DTypeMismatch");
  assert.equal(code(() => nr.maskedSelect(x, nr.zeros([4], { dtype: "bool" }))), "BroadcastError");
  assert.equal(
    code(() => nr.maskedFill(x, nr.zeros([4, 2, 3], { dtype: "bool" }), 1)),
    "BroadcastError",
  );
  assert.equal(code(() => nr.nonzero(nr.tensor(1))), "InvalidArgument");
  assert.equal(code(() => nr.argwhere(x, { indexDtype: "u8" as never })), "InvalidArgument");
  assert.equal(code(() => nr.bincount(x)), "InvalidArgument");
  assert.equal(code(() => nr.bincount(nr.zeros([3]))), "DTypeMismatch");
  assert.equal(
    code(() => nr.bincount(nr.zeros([3], { dtype: "i32" }), { minlength: -1 })),
    "InvalidArgument",
  );
  assert.equal(
    code(() => nr.bincount(nr.zeros([3], { dtype: "i32" }), { weights: nr.zeros([2]) })),
    "ShapeMismatch",
  );
  assert.equal(code(() => nr.gather("x" as never, 0, i32)), "InvalidArgument");
  const d = nr.zeros([2]);
  d.dispose();
  assert.equal(code(() => nr.indexSelect(d, 0, nr.tensor([0], { dtype: "i32" }))), "Disposed");
  assert.equal(code(() => nr.indexSelect(x, 0, d)), "Disposed");
});
