// Views against NumPy: reshape (view exactly when NumPy's is), transpose/permute, squeeze,
// unsqueeze, broadcastTo/expand, narrow, slice (Python semantics), flip, contiguous and clone;
// storage sharing, writes through views, and the errors of each.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { assertCode, py, pyTuple } from "./_py.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";

const DTYPES = nr.DTYPE_NAMES;

async function withOracle(fn: (o: Oracle) => Promise<void>): Promise<void> {
  const oracle = Oracle.start();
  try {
    await fn(oracle);
  } finally {
    await oracle.close();
  }
}

/** The whole storage under a view, as a flat tensor sharing it. */
function storageOf(x: Tensor): Tensor {
  return x.view([x.storage.byteLength / x.itemsize], [1], 0);
}

/** Python that rebuilds `x`'s exact layout over `base` (its flat storage) with as_strided. */
function strided(x: Tensor): string {
  const bytes = x.strides.map((s) => s * x.itemsize);
  // as_strided cannot take the ml_dtypes types; an unsigned int of the same width has the same
  // layout, and only the layout decides whether NumPy's reshape is a view.
  const same = `{1: 'u1', 2: 'u2', 4: 'u4', 8: 'u8', 16: 'c16'}[base.itemsize]`;
  return `np.lib.stride_tricks.as_strided(base.view(${same})[${x.offset}:], ` +
    `${pyTuple([...x.shape])}, ${pyTuple(bytes)})`;
}

/** A random shape with the same number of elements as `shape`, perhaps with one -1. */
function refactor(rng: Rng, shape: readonly number[]): number[] {
  const primes: number[] = [];
  for (let d of shape) {
    for (let p = 2; d > 1; p++) {
      while (d % p === 0) {
        primes.push(p);
        d /= p;
      }
    }
  }
  const out: number[] = [];
  for (const p of primes) {
    if (out.length > 0 && rng.next() < 0.5) out[rng.int(0, out.length - 1)] *= p;
    else out.push(p);
  }
  for (let i = rng.int(0, 2); i > 0; i--) out.splice(rng.int(0, out.length), 0, 1);
  if (out.length > 0 && rng.next() < 0.4) out[rng.int(0, out.length - 1)] = -1;
  return out;
}

Deno.test("reshape() matches NumPy and is a view exactly when NumPy's is", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(21);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        for (let trial = 0; trial < 3; trial++) {
          const shape = randomShape(rng, { allowEmpty: false });
          const x = randomTensor(rng, dtype, shape, layout);
          const target = refactor(rng, shape);
          const base = storageOf(x);
          const expr = `(x.reshape(${pyTuple(target)}), np.asarray(np.shares_memory(` +
            `${strided(x)}.reshape(${pyTuple(target)}), base)))`;
          const answer = await o.run(expr, { x, base });
          if (answer.error !== undefined) throw new Error(`${expr}: ${answer.error}`);
          const [values, shares] = answer.results;
          const got = nr.reshape(x, target);
          const where = `${dtype} ${layout} [${shape}] -> [${target}]`;
          assertBitsEqual(got, values, where);
          assert.equal(got.storage === x.storage, shares.item(), `view? ${where}`);
        }
      }
    }
  });
});

Deno.test("reshape() views share storage and see writes; copies do not", () => {
  const x = nr.arange(12, { dtype: "i32" });
  const v = x.reshape(3, -1);
  assert.deepEqual(v.shape, [3, 4]);
  assert.equal(v.storage, x.storage);
  v.slice(1).fill(-1);
  assert.deepEqual(x.toArray(), [0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11]);
  const t = v.transpose();
  const c = t.reshape(-1);
  assert.notEqual(c.storage, x.storage, "a transposed tensor reshapes by copying");
  assert.deepEqual(c.toArray(), [0, -1, 8, 1, -1, 9, 2, -1, 10, 3, -1, 11]);
  const split = t.reshape(2, 2, 3);
  assert.equal(split.storage, x.storage, "splitting one axis of a transposed tensor is a view");
  assert.deepEqual(nr.zeros([0, 3]).reshape(3, 0, 2).shape, [3, 0, 2]);
  assert.deepEqual(nr.zeros([0, 3]).reshape(-1).shape, [0]);
  assert.deepEqual(nr.tensor(5).reshape([]).shape, []);
  assert.deepEqual(nr.tensor(5).reshape(1, 1).toArray(), [[5]]);
});

Deno.test("transpose() and permute() match NumPy and are views", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(22);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 5 });
        const x = randomTensor(rng, dtype, shape, layout);
        const perm = [...shape.keys()].sort(() => rng.next() - 0.5);
        const p = nr.permute(x, perm);
        assert.equal(p.storage, x.storage);
        assertBitsEqual(p, await o.eval(`np.transpose(x, ${pyTuple(perm)})`, { x }));
        assertBitsEqual(x.permute(), await o.eval("np.transpose(x)", { x }), "reversed");
        if (shape.length >= 2) {
          const a = rng.int(-shape.length, shape.length - 1);
          const b = rng.int(-shape.length, shape.length - 1);
          assertBitsEqual(x.transpose(a, b), await o.eval(`np.swapaxes(x, ${a}, ${b})`, { x }));
          assertBitsEqual(x.transpose(), await o.eval("np.swapaxes(x, -2, -1)", { x }));
        } else {
          assertBitsEqual(x.transpose(), x, "0-d and 1-d transpose to themselves");
        }
      }
    }
  });
});

Deno.test("squeeze(), unsqueeze() and broadcastTo() match NumPy", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(23);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 4 });
        const x = randomTensor(rng, dtype, shape, layout);
        assertBitsEqual(x.squeeze(), await o.eval("np.squeeze(x)", { x }), "squeeze all");
        const ones = shape.map((
          d,
          i,
        ) => (d === 1 ? i - (rng.next() < 0.5 ? shape.length : 0) : NaN))
          .filter((i) => !Number.isNaN(i));
        const sq = nr.squeeze(x, ones);
        assert.equal(sq.storage, x.storage);
        assertBitsEqual(sq, await o.eval(`np.squeeze(x, axis=${pyTuple(ones)})`, { x }));
        const axis = rng.int(-shape.length - 1, shape.length);
        const un = nr.unsqueeze(x, axis);
        assert.equal(un.storage, x.storage);
        assertBitsEqual(un, await o.eval(`np.expand_dims(x, ${axis})`, { x }), "unsqueeze");
        const target = [
          ...Array.from({ length: rng.int(0, 2) }, () => rng.int(0, 3)),
          ...shape.map((d) => (d === 1 ? rng.int(0, 3) : d)),
        ];
        const b = x.expand(target);
        assert.equal(b.storage, x.storage);
        assertBitsEqual(b, await o.eval(`np.broadcast_to(x, ${pyTuple(target)})`, { x }));
      }
    }
  });
});

function pySlice(spec: nr.SliceSpec): string {
  if (spec === null) return ":";
  if (typeof spec === "number") return String(spec);
  return `${py(spec[0])}:${py(spec[1])}:${py(spec[2])}`;
}

Deno.test("slice() and narrow() follow Python slicing: negative steps, clamping", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(24);
    const bound = (n: number) => rng.next() < 0.25 ? null : rng.int(-n - 3, n + 3);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        for (let trial = 0; trial < 4; trial++) {
          const shape = randomShape(rng, { maxDims: 4 });
          const x = randomTensor(rng, dtype, shape, layout);
          const specs: nr.SliceSpec[] = [];
          for (let i = 0; i < rng.int(0, shape.length); i++) {
            const n = shape[i];
            const r = rng.next();
            if (r < 0.2 && n > 0) specs.push(rng.int(-n, n - 1));
            else if (r < 0.3) specs.push(null);
            else {
              const step = rng.next() < 0.3 ? null : rng.pick([-3, -2, -1, 1, 2, 3]);
              specs.push([bound(n), bound(n), step]);
            }
          }
          const s = nr.slice(x, specs);
          assert.equal(s.storage, x.storage);
          const expr = `x[${specs.map(pySlice).join(", ")}${specs.length === 1 ? "," : ""}]`;
          assertBitsEqual(s, await o.eval(specs.length === 0 ? "x" : expr, { x }), expr);
        }
      }
    }
    const x = nr.arange(24, { dtype: "i16" }).reshape(2, 3, 4);
    for (let axis = -3; axis < 3; axis++) {
      const n = x.shape[axis < 0 ? axis + 3 : axis];
      for (let start = -n; start < n; start++) {
        const len = rng.int(0, n - (start < 0 ? start + n : start));
        const got = x.narrow(axis, start, len);
        assert.equal(got.storage, x.storage);
        const a = axis < 0 ? axis + 3 : axis;
        const s0 = start < 0 ? start + n : start;
        const idx = [":", ":", ":"];
        idx[a] = `${s0}:${s0 + len}`;
        assertBitsEqual(got, await o.eval(`x[${idx.join(", ")}]`, { x }), `narrow ${axis}`);
      }
    }
  });
});

Deno.test("flip() matches np.flip and is a view", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(25);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 4 });
        const x = randomTensor(rng, dtype, shape, layout);
        assertBitsEqual(x.flip(), await o.eval("np.flip(x)", { x }), "flip all");
        const axes = [...shape.keys()].filter(() => rng.next() < 0.5);
        const f = nr.flip(x, axes);
        assert.equal(f.storage, x.storage);
        assertBitsEqual(f, await o.eval(`np.flip(x, ${pyTuple(axes)})`, { x }), `flip ${axes}`);
      }
    }
  });
});

Deno.test("contiguous() and clone() copy only when they must, for every dtype and layout", () => {
  const rng = new Rng(26);
  for (const dtype of DTYPES) {
    for (const layout of LAYOUTS) {
      const shape = randomShape(rng, { maxDims: 4 });
      const x = randomTensor(rng, dtype, shape, layout);
      const c = x.contiguous();
      assert.ok(c.isContiguous);
      assertBitsEqual(c, x, `contiguous ${dtype} ${layout}`);
      assert.equal(c.storage === x.storage, x.isContiguous, `${layout} [${shape}]`);
      const k = x.clone();
      assert.notEqual(k.storage, x.storage);
      assert.ok(k.isContiguous && k.offset === 0);
      assertBitsEqual(k, x, `clone ${dtype} ${layout}`);
    }
  }
  // A contiguous block at an offset is already row-major: no copy (np.ascontiguousarray).
  const x = nr.arange(10).reshape(5, 2);
  const tail = x.narrow(0, 2, 3);
  assert.equal(tail.contiguous().storage, x.storage);
});

Deno.test("writes through views reach the base and every other view", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(27);
    for (const dtype of DTYPES) {
      const x = randomTensor(rng, dtype, [4, 5, 3]);
      const before = x.clone();
      const value = dtype === "bool" ? true : dtype === "i64" || dtype === "u64" ? 9n : 9;
      const view = x.permute(2, 0, 1).slice([null, null, -1], [1, 4, 2], [null, 3]);
      const other = x.reshape(20, 3);
      nr.fill(view, value);
      const expected = await o.eval(
        `(lambda b: (b.transpose(2, 0, 1).__setitem__((slice(None, None, -1), ` +
          `slice(1, 4, 2), slice(None, 3)), ${py(value)}), b)[1])(x.copy())`,
        { x: before },
      );
      assertBitsEqual(x, expected, `fill through a view ${dtype}`);
      assertBitsEqual(other, expected.reshape(20, 3), "another view sees the write");
      assertBitsEqual(before, before.clone(), "a clone is independent");
    }
  });
});

Deno.test("views throw NumrError codes that name the op and shapes", () => {
  const x = nr.zeros([2, 3]);
  const e = assertCode(() => x.reshape(4, 2), "ShapeMismatch", "reshape");
  assert.match(e.message, /\[2, 3\]/);
  assertCode(() => x.reshape(-1, -1), "InvalidArgument", "reshape");
  assertCode(() => x.reshape(-2, 3), "InvalidArgument", "reshape");
  assertCode(() => x.reshape(4, -1), "ShapeMismatch", "reshape");
  assertCode(() => nr.zeros([0, 3]).reshape(0, -1), "ShapeMismatch", "reshape");
  assertCode(() => x.transpose(0, 2), "InvalidDimension", "transpose");
  assertCode(() => x.permute(0, 0), "InvalidDimension", "permute");
  assertCode(() => x.permute(0), "InvalidDimension", "permute");
  assertCode(() => x.squeeze(0), "InvalidArgument", "squeeze");
  assertCode(() => x.squeeze(5), "InvalidDimension", "squeeze");
  assertCode(() => x.unsqueeze(3), "InvalidDimension", "unsqueeze");
  assertCode(() => x.unsqueeze(-4), "InvalidDimension", "unsqueeze");
  assertCode(() => x.broadcastTo([3, 3]), "BroadcastError", "broadcastTo");
  assertCode(() => x.broadcastTo([3]), "BroadcastError", "broadcastTo");
  assertCode(() => x.broadcastTo([2, -3]), "InvalidArgument", "broadcastTo");
  assertCode(() => x.narrow(1, 2, 2), "IndexOutOfBounds", "narrow");
  assertCode(() => x.narrow(1, -4, 1), "IndexOutOfBounds", "narrow");
  assertCode(() => x.narrow(2, 0, 1), "InvalidDimension", "narrow");
  assertCode(() => x.slice(2), "IndexOutOfBounds", "slice");
  assertCode(() => x.slice(null, -4), "IndexOutOfBounds", "slice");
  assertCode(() => x.slice([0, 2, 0]), "InvalidArgument", "slice");
  assertCode(() => x.slice([0.5, 2]), "InvalidArgument", "slice");
  assertCode(() => x.slice(0, 0, 0), "InvalidArgument", "slice");
  assertCode(() => x.flip([0, 0]), "InvalidDimension", "flip");
  assertCode(() => x.flip(2), "InvalidDimension", "flip");
  const gone = nr.zeros([2]);
  gone.dispose();
  assertCode(() => gone.reshape(1, 2), "Disposed");
  assertCode(() => gone.contiguous(), "Disposed");
});

Deno.test("NumPy raises where views raise", async () => {
  await withOracle(async (o) => {
    const x = nr.zeros([2, 3]);
    for (
      const expr of [
        "x.reshape(4, 2)",
        "x.reshape(-1, -1)",
        "np.zeros((0, 3)).reshape(0, -1)",
        "np.squeeze(x, 0)",
        "np.broadcast_to(x, (3, 3))",
        "x[2]",
        "x[0:2:0]",
        "np.flip(x, (0, 0))",
        "np.expand_dims(x, 3)",
      ]
    ) {
      assert.ok((await o.run(expr, { x })).error !== undefined, expr);
    }
  });
});

Deno.test("a hand-made view that leaves its storage throws before any kernel sees it", () => {
  const base = nr.zeros([2, 3], { dtype: "i32" });
  const bad: [number[], number[], number][] = [
    [[2, 3], [3, 1], 1], // one past the end
    [[4], [2], 0], // stride walks past the end
    [[3], [-1], 1], // negative stride walks before the start
    [[2], [1], -1], // negative offset
    [[2, 2], [1], 0], // sizes and strides disagree
    [[2.5], [1], 0], // fractional size
  ];
  for (const [shape, strides, offset] of bad) {
    assert.throws(
      () => base.view(shape, strides, offset),
      (e: unknown) => e instanceof nr.NumrError && e.code === "InvalidArgument",
      `view(${JSON.stringify([shape, strides, offset])})`,
    );
  }
  // In bounds, including negative strides and empty views, is fine.
  assert.deepEqual(base.view([3], [-1], 2).toArray(), [0, 0, 0]);
  assert.deepEqual(base.view([0, 100], [1000, 1000], 5).shape, [0, 100]);
});
