// NumPy indexing (getItem/setItem, t.get/t.set) against NumPy: random index expressions mixing
// integers, slices (negative steps too), None, Ellipsis, integer arrays (tensors and JS arrays,
// every int dtype) and boolean masks, on random shapes and layouts, for reading (x[idx]) and
// assignment (x[idx] = v, compared on the whole array), including NumPy's placement rule for
// separated advanced indices and every error NumPy raises.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { type Layout, randomShape, randomTensor, Rng } from "./_random.ts";

const INDEX_DTYPES: nr.DType[] = ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8"];

interface Expr {
  /** The numr index entries. */
  items: nr.Index[];
  /** The Python index tuple. */
  py: string;
  /** Tensors the Python expression refers to. */
  inputs: Record<string, nr.Tensor>;
}

function indexArray(rng: Rng, shape: number[], n: number): nr.Tensor {
  const dtype = rng.pick(INDEX_DTYPES);
  const unsigned = nr.DTYPES[dtype].kind === "uint";
  const size = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: size }, () => {
    const v = n === 0 ? 0 : rng.int(unsigned ? 0 : -n, n - 1);
    return dtype === "i64" || dtype === "u64" ? BigInt(v) : v;
  });
  return nr.tensor(vals as number[], { dtype, shape });
}

/** A random index expression for shape; sometimes invalid (NumPy must raise then too). */
function randomExpr(rng: Rng, shape: readonly number[], sloppy: boolean): Expr {
  const items: nr.Index[] = [];
  const py: string[] = [];
  const inputs: Record<string, nr.Tensor> = {};
  let d = 0;
  let ellipsis = false;
  // One broadcast shape for the integer arrays of this expression.
  const b = randomShape(rng, { maxDims: 2, maxDim: 3 });
  const count = rng.int(0, shape.length + 2);
  for (let k = 0; k < count; k++) {
    const r = rng.next();
    const n = shape[d] ?? 1;
    if (r < 0.08) {
      items.push(null);
      py.push("None");
    } else if (r < 0.14 && !ellipsis) {
      ellipsis = true;
      items.push("...");
      py.push("...");
      d = Math.max(d, shape.length - (count - k - 1));
    } else if (d >= shape.length && !sloppy) {
      continue;
    } else if (r < 0.35) {
      const v = sloppy && rng.next() < 0.15
        ? rng.int(-n - 2, n + 2)
        : rng.int(-n, Math.max(n - 1, -n));
      if (n === 0 && !sloppy) continue;
      items.push(v);
      py.push(String(v));
      d++;
    } else if (r < 0.6) {
      const pick = () => (rng.next() < 0.3 ? null : rng.int(-n - 2, n + 2));
      const start = pick();
      const stop = pick();
      const step = rng.pick([null, 1, 2, 3, -1, -2]);
      if (rng.next() < 0.5) items.push(nr.s(start, stop, step));
      else {
        const f = (v: number | null) => (v === null ? "" : String(v));
        items.push(`${f(start)}:${f(stop)}${step === null ? "" : ":" + step}`);
      }
      const f = (v: number | null) => (v === null ? "None" : String(v));
      py.push(`slice(${f(start)}, ${f(stop)}, ${f(step)})`);
      d++;
    } else if (r < 0.85) {
      const ashape = b.map((s) => (rng.next() < 0.3 ? 1 : s)).slice(rng.int(0, b.length));
      const t = indexArray(rng, ashape, n);
      const name = `i${k}`;
      inputs[name] = t;
      items.push(rng.next() < 0.25 ? (t.toArray() as nr.IndexArray) : t);
      py.push(name);
      d++;
    } else if (r < 0.92) {
      const v = rng.next() < 0.7;
      items.push(v);
      py.push(v ? "True" : "False");
    } else {
      const k2 = Math.min(rng.int(1, 2), Math.max(shape.length - d, 1));
      const mshape = shape.slice(d, d + k2);
      if (sloppy && rng.next() < 0.2 && mshape.length > 0) mshape[0] += 1;
      while (mshape.length < k2) mshape.push(1);
      const m = randomTensor(rng, "bool", mshape);
      const name = `m${k}`;
      inputs[name] = m;
      items.push(m);
      py.push(name);
      d += k2;
    }
  }
  return { items, py: `(${py.join(", ")}${py.length === 1 ? "," : ""})`, inputs };
}

const READ_LAYOUTS: Layout[] = [
  "contiguous",
  "transposed",
  "flipped",
  "stepped",
  "offset",
  "broadcast",
];
const WRITE_LAYOUTS: Layout[] = ["contiguous", "transposed", "flipped", "stepped", "offset"];

function tryRun<T>(f: () => T): { value?: T; error?: unknown } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: e };
  }
}

function describe(x: nr.Tensor, e: Expr): string {
  return `x${JSON.stringify(x.shape)} ${x.dtype} [${e.py}]`;
}

Deno.test("x[idx] matches NumPy on random index expressions", async () => {
  const o = Oracle.start();
  const rng = new Rng(21);
  let compared = 0;
  let errors = 0;
  try {
    for (let trial = 0; trial < 500; trial++) {
      const dtype = trial < 170
        ? nr.DTYPE_NAMES[trial % 17]
        : rng.pick(["f32", "i32", "f64"] as nr.DType[]);
      const shape = randomShape(rng, { maxDims: 4, maxDim: 5 });
      const x = randomTensor(rng, dtype, shape, rng.pick(READ_LAYOUTS));
      const e = randomExpr(rng, shape, trial % 4 === 3);
      const want = await o.run(`x[${e.py}]`, { x, ...e.inputs });
      const got = tryRun(() => x.get(...e.items));
      if (want.error !== undefined) {
        errors++;
        assert.ok(
          got.error instanceof nr.NumrError,
          `NumPy raised ${want.error}, numr did not: ${describe(x, e)}`,
        );
        continue;
      }
      if (got.error !== undefined) throw new Error(`${describe(x, e)}: ${got.error}`);
      assertBitsEqual(got.value!, want.results[0], describe(x, e));
      compared++;
    }
    assert.ok(compared > 300, `only ${compared} compared`);
    assert.ok(errors > 10, `only ${errors} errors`);
  } finally {
    await o.close();
  }
});

Deno.test("basic indexing returns views; advanced indexing copies", () => {
  const x = nr.arange(24, { dtype: "i32" }).reshape(2, 3, 4);
  const v = x.get(1, "::-1", null, nr.s(1, 3));
  assert.equal(v.storage, x.storage);
  assert.deepEqual(v.shape, [3, 1, 2]);
  const a = x.get([1, 0], "...", [0, 3]);
  assert.notEqual(a.storage, x.storage);
  assert.deepEqual(a.toArray(), [[12, 16, 20], [3, 7, 11]]);
  // Separated advanced indices go first (NumPy's rule); adjacent ones stay in place.
  assert.deepEqual(x.get(nr.s(), [0, 1], [0, 1]).shape, [2, 2]);
  assert.deepEqual(x.get([0, 1], nr.s(), [0, 1]).shape, [2, 3]);
  assert.deepEqual(x.get(0, nr.s(), [0, 1, 2]).shape, [3, 3]);
  assert.deepEqual(x.get(nr.s(), 0, [0, 1, 2]).shape, [2, 3]);
});

Deno.test("x[idx] = v matches NumPy on random expressions (whole array compared)", async () => {
  const o = Oracle.start();
  const rng = new Rng(22);
  let compared = 0;
  try {
    for (let trial = 0; trial < 400; trial++) {
      const dtype = trial < 170
        ? nr.DTYPE_NAMES[trial % 17]
        : rng.pick(["f32", "i32", "u8"] as nr.DType[]);
      const shape = randomShape(rng, { maxDims: 4, maxDim: 5 });
      const x = randomTensor(rng, dtype, shape, rng.pick(WRITE_LAYOUTS));
      const e = randomExpr(rng, shape, trial % 5 === 4);
      const target = await o.run(`x[${e.py}]`, { x, ...e.inputs });
      // The value: the indexed shape, or a broadcastable one (size-1 dims, fewer dims, a scalar).
      let vshape = target.error === undefined ? [...target.results[0].shape] : [2];
      const r = rng.next();
      if (r < 0.3) vshape = vshape.map((s) => (rng.next() < 0.5 ? 1 : s));
      else if (r < 0.45) vshape = vshape.slice(rng.int(0, vshape.length));
      else if (r < 0.55 && vshape.length > 0) vshape = [1, ...vshape];
      const vdtype = rng.next() < 0.8 ? dtype : rng.pick(["f64", "i32", "bool"] as nr.DType[]);
      const v = randomTensor(rng, vdtype, vshape, rng.pick(READ_LAYOUTS));
      const before = x.clone();
      const want = await o.run(
        `(lambda y: (y.__setitem__(${e.py}, v), y)[1])(x.copy())`,
        { x, v, ...e.inputs },
      );
      // NumPy's boolean fast path refuses values of 2+ dims that other paths broadcast.
      if (want.error?.includes("boolean array indexing assignment requires")) continue;
      const got = tryRun(() => x.set(v, ...e.items));
      if (want.error !== undefined) {
        assert.ok(
          got.error instanceof nr.NumrError,
          `NumPy raised ${want.error}: ${describe(x, e)}`,
        );
        // A failed assignment writes nothing.
        assertBitsEqual(x, before, `untouched after error ${describe(x, e)}`);
        continue;
      }
      if (got.error !== undefined) throw new Error(`${describe(x, e)} = ${vshape}: ${got.error}`);
      assertBitsEqual(x, want.results[0], `${describe(x, e)} = v${JSON.stringify(vshape)}`);
      compared++;
    }
    assert.ok(compared > 200, `only ${compared} compared`);
  } finally {
    await o.close();
  }
});

Deno.test("set writes through views and handles overlap like NumPy", () => {
  const base = nr.arange(10, { dtype: "i32" });
  const view = base.get("::-2"); // 9 7 5 3 1
  view.set(0, [0, -1]);
  assert.deepEqual(base.toArray(), [0, 0, 2, 3, 4, 5, 6, 7, 8, 0]);
  // Overlapping source: the value is read before anything is written.
  const x = nr.arange(5, { dtype: "i32" });
  x.set(x.get("::-1"), nr.s());
  assert.deepEqual(x.toArray(), [4, 3, 2, 1, 0]);
  const y = nr.arange(5, { dtype: "i32" });
  y.set(y.get([4, 3, 2, 1, 0]), y);
  assert.deepEqual(y.toArray(), [4, 3, 2, 1, 0]);
  // Scalars and JS arrays as values; casting to the tensor's dtype.
  const z = nr.zeros([2, 2], { dtype: "u8" });
  z.set([[1.9, 2]], "...");
  z.set(true, 1, 1);
  assert.deepEqual(z.toArray(), [[1, 2], [1, 1]]);
});

Deno.test("indexing errors match NumPy's", async () => {
  const o = Oracle.start();
  const x = nr.arange(6, { dtype: "f32" }).reshape(2, 3);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof nr.NumrError) return e.code;
      throw e;
    }
    return "none";
  };
  try {
    const cases: [string, nr.Index[], string, Record<string, nr.Tensor>][] = [
      ["0, 0, 0", [0, 0, 0], "IndexOutOfBounds", {}],
      ["2", [2], "IndexOutOfBounds", {}],
      ["-3", [-3], "IndexOutOfBounds", {}],
      ["0, 3", [0, 3], "IndexOutOfBounds", {}],
      ["[0, 2]", [[0, 2]], "IndexOutOfBounds", {}],
      ["f", [nr.tensor([0.0])], "DTypeMismatch", { f: nr.tensor([0.0]) }],
      ["m", [nr.zeros([3], { dtype: "bool" })], "ShapeMismatch", {
        m: nr.zeros([3], { dtype: "bool" }),
      }],
      ["..., ...", ["...", "..."], "InvalidArgument", {}],
      ["0.5", [0.5], "InvalidArgument", {}],
      ["[0.5]", [[0.5]], "InvalidArgument", {}],
      ["[[0, 1], [0, 1, 2]]", [[0, 1], [0, 1, 2]], "BroadcastError", {}],
      ["'a'", ["a"], "InvalidArgument", {}],
      ["{}", [{} as never], "InvalidArgument", {}],
    ];
    for (const [py, items, expected, inputs] of cases) {
      const want = await o.run(`x[${py}]`, { x, ...inputs });
      assert.ok(want.error !== undefined, `NumPy accepted x[${py}]`);
      assert.equal(code(() => x.get(...items)), expected, `x[${py}]: NumPy ${want.error}`);
      assert.equal(code(() => x.clone().set(1, ...items)), expected, `x[${py}] = 1`);
    }
    const setCases: [string, nr.Tensor][] = [["x[0]", nr.zeros([2])], [
      "x[[0, 1]]",
      nr.zeros([3, 3]),
    ]];
    for (const [py, v] of setCases) {
      const want = await o.run(`(lambda y: y.__setitem__(${py.slice(1)}, v))(x.copy())`, { x, v });
      assert.ok(want.error !== undefined);
    }
    assert.equal(code(() => x.clone().set(nr.zeros([2]), 0)), "BroadcastError");
    assert.equal(code(() => x.clone().set(nr.zeros([3, 3]), [0, 1])), "BroadcastError");
    const d = nr.zeros([2]);
    d.dispose();
    assert.equal(code(() => d.get(0)), "Disposed");
  } finally {
    await o.close();
  }
});
