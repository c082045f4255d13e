// Shape ops against NumPy: cat stack split chunk repeat tile repeatInterleave pad roll flatten,
// every dtype, random shapes (0-d, empty, size-1) and every input layout; copies are bit-exact.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { Tensor } from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { assertCode, canCast, py, pyTuple } from "./_py.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";
import type { Storage } from "../src/runtime/storage.ts";

const DTYPES = nr.DTYPE_NAMES;

/** A fill value of each kind of dtype, exactly representable in all of them. */
function sampleValue(dtype: nr.DType): nr.Element {
  const kind = nr.DTYPES[dtype].kind;
  if (kind === "bool") return true;
  if (kind === "complex") return { re: 1.5, im: -2 };
  if (dtype === "i64" || dtype === "u64") return 7n;
  if (kind === "int" || kind === "uint") return 7;
  return 2.5;
}

function names(xs: readonly Tensor[]): Record<string, Tensor> {
  return Object.fromEntries(xs.map((x, i) => [`x${i}`, x]));
}

function list(xs: readonly Tensor[]): string {
  return `[${xs.map((_, i) => `x${i}`).join(", ")}]`;
}

async function withOracle(fn: (o: Oracle) => Promise<void>): Promise<void> {
  const oracle = Oracle.start();
  try {
    await fn(oracle);
  } finally {
    await oracle.close();
  }
}

Deno.test("cat() matches np.concatenate for every dtype and layout", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(11);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const base = randomShape(rng, { maxDims: 3 });
        if (base.length === 0) base.push(rng.int(0, 4));
        const axis = rng.int(-base.length, base.length - 1);
        const a = axis < 0 ? axis + base.length : axis;
        const count = rng.int(1, 3);
        const xs = Array.from({ length: count }, () => {
          const s = [...base];
          s[a] = rng.pick([0, 1, 2, 3, 5]);
          return randomTensor(rng, dtype, s, rng.pick([layout, "contiguous"]));
        });
        const expected = await o.eval(`np.concatenate(${list(xs)}, axis=${axis})`, names(xs));
        assertBitsEqual(nr.cat(xs, axis), expected, `cat ${dtype} ${layout} axis ${axis}`);
      }
    }
  });
});

Deno.test("stack() matches np.stack for every dtype, incl. 0-d inputs", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(12);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3 });
        const axis = rng.int(-shape.length - 1, shape.length);
        const xs = Array.from(
          { length: rng.int(1, 3) },
          () => randomTensor(rng, dtype, shape, layout),
        );
        const expected = await o.eval(`np.stack(${list(xs)}, axis=${axis})`, names(xs));
        assertBitsEqual(nr.stack(xs, axis), expected, `stack ${dtype} ${layout} [${shape}]`);
      }
    }
  });
});

Deno.test("cat() and stack() promote mixed dtypes like NumPy", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(13);
    for (let trial = 0; trial < 60; trial++) {
      const da = rng.pick(DTYPES);
      const db = rng.pick(DTYPES);
      const a = randomTensor(rng, da, [2, 3], "contiguous", { special: false });
      const b = randomTensor(rng, db, [1, 3], "transposed", { special: false });
      const out = nr.promoteTypes(da, db);
      if (!canCast(da, out) || !canCast(db, out)) {
        // Until the cast kernels between dtypes land, a clean error rather than wrong data.
        assertCode(() => nr.cat([a, b]), "UnsupportedDType");
        continue;
      }
      const got = nr.cat([a, b]);
      assert.equal(got.dtype, out);
      // NumPy + ml_dtypes cannot promote some bf16/fp8 pairs (numr's lattice can, see
      // promotion.ts): cast to the promoted dtype first, as NumPy does internally.
      const to = `DT["${out}"]`;
      const cat = `np.concatenate([a.astype(${to}), b.astype(${to})])`;
      assertBitsEqual(got, await o.eval(cat, { a, b }), `${da}+${db}`);
      const c = randomTensor(rng, db, [2, 3]);
      const stack = `np.stack([a.astype(${to}), c.astype(${to})], 1)`;
      assertBitsEqual(nr.stack([a, c], 1), await o.eval(stack, { a, c }));
    }
  });
});

Deno.test("split() and chunk() give views that match np.split / np.array_split", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(14);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3 });
        if (shape.length === 0) shape.push(rng.int(0, 9));
        const axis = rng.int(-shape.length, shape.length - 1);
        const n = shape[axis < 0 ? axis + shape.length : axis];
        const x = randomTensor(rng, dtype, shape, layout);
        const check = async (parts: Tensor[], expr: string) => {
          const answer = await o.run(expr, { x });
          if (answer.error !== undefined) throw new Error(answer.error);
          assert.equal(parts.length, answer.results.length, expr);
          parts.forEach((p, i) => {
            assert.equal(p.storage, x.storage, `${expr}: piece ${i} is a view`);
            assertBitsEqual(p, answer.results[i], `${expr} piece ${i} ${dtype} ${layout}`);
          });
        };
        // An integer size is torch.split: cut points every `size` elements.
        const size = rng.int(1, 4);
        const cuts = [];
        for (let c = size; c < n; c += size) cuts.push(c);
        await check(
          nr.split(x, size, axis),
          n === 0 ? `[x]` : `np.split(x, [${cuts.join(", ")}], axis=${axis})`,
        );
        const indices = Array.from({ length: rng.int(0, 4) }, () => rng.int(-n - 2, n + 2));
        await check(
          nr.split(x, indices, axis),
          `np.split(x, [${indices.join(", ")}], axis=${axis})`,
        );
        const chunks = rng.int(1, 6);
        await check(nr.chunk(x, chunks, axis), `np.array_split(x, ${chunks}, axis=${axis})`);
      }
    }
  });
});

Deno.test("chunk() sizes follow np.array_split (10 into 4 is 3, 3, 2, 2)", () => {
  const x = nr.arange(10);
  assert.deepEqual(nr.chunk(x, 4).map((p) => p.shape[0]), [3, 3, 2, 2]);
  assert.deepEqual(nr.chunk(x, 12).map((p) => p.shape[0]), [...Array(10).fill(1), 0, 0]);
  assert.deepEqual(nr.split(x, 4).map((p) => p.shape[0]), [4, 4, 2]);
  assert.deepEqual(x.chunk(2).map((p) => p.toArray()), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
});

Deno.test("repeat() and tile() match np.tile for every dtype and layout", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(15);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 4 });
        const x = randomTensor(rng, dtype, shape, layout);
        const reps = Array.from(
          { length: shape.length + rng.int(0, 2) },
          () => rng.pick([0, 1, 1, 2, 3]),
        );
        const expected = await o.eval(`np.tile(x, ${pyTuple(reps)})`, { x });
        assertBitsEqual(nr.repeat(x, reps), expected, `repeat ${dtype} ${layout} ${reps}`);
        const short = Array.from({ length: rng.int(0, 3) }, () => rng.pick([0, 1, 2, 3]));
        const tileExpected = await o.eval(`np.tile(x, ${pyTuple(short)})`, { x });
        assertBitsEqual(nr.tile(x, short), tileExpected, `tile ${dtype} ${layout} ${short}`);
        const r = rng.int(0, 3);
        assertBitsEqual(nr.tile(x, r), await o.eval(`np.tile(x, ${r})`, { x }), `tile ${r}`);
      }
    }
  });
});

Deno.test("repeat() is PyTorch's Tensor.repeat", () => {
  const x = nr.tensor([[1, 2]], { dtype: "i32" });
  assert.deepEqual(x.repeat(2, 1).toArray(), [[1, 2], [1, 2]]);
  assert.deepEqual(x.repeat([3, 2, 1]).shape, [3, 2, 2]);
  assert.deepEqual(nr.repeat(nr.tensor(5), []).toArray(), 5);
  const y = nr.repeat(x, [1, 1]);
  assert.notEqual(y.storage, x.storage, "always a copy");
});

Deno.test("repeatInterleave() matches np.repeat", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(16);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 5 });
        const x = randomTensor(rng, dtype, shape, layout);
        const r = rng.int(0, 3);
        assertBitsEqual(
          nr.repeatInterleave(x, r),
          await o.eval(`np.repeat(x, ${r})`, { x }),
          `repeatInterleave ${dtype} ${layout} ${r}`,
        );
        if (shape.length === 0) continue;
        const axis = rng.int(-shape.length, shape.length - 1);
        const n = shape[axis < 0 ? axis + shape.length : axis];
        const counts = Array.from({ length: n }, () => rng.int(0, 3));
        assertBitsEqual(
          x.repeatInterleave(counts, { axis }),
          await o.eval(`np.repeat(x, [${counts.join(", ")}], axis=${axis})`, { x }),
          `repeatInterleave ${dtype} ${layout} [${counts}] axis ${axis}`,
        );
        assertBitsEqual(
          nr.repeatInterleave(x, [r], { axis }),
          await o.eval(`np.repeat(x, [${r}], axis=${axis})`, { x }),
        );
        const flatCounts = Array.from({ length: x.size }, () => rng.int(0, 2));
        assertBitsEqual(
          nr.repeatInterleave(x, flatCounts),
          await o.eval(`np.repeat(x, [${flatCounts.join(", ")}])`, { x }),
        );
      }
    }
  });
});

const NP_MODE: Record<nr.PadMode, string> = {
  constant: "constant",
  reflect: "reflect",
  replicate: "edge",
  edge: "edge",
  symmetric: "symmetric",
  wrap: "wrap",
};

Deno.test("pad() matches np.pad in every mode, incl. widths past the axis", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(17);
    const modes = Object.keys(NP_MODE) as nr.PadMode[];
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        for (const mode of modes) {
          const shape = randomShape(rng, {
            maxDims: 3,
            maxDim: 4,
            allowEmpty: mode === "constant",
          });
          const x = randomTensor(rng, dtype, shape, layout);
          const pairs = shape.map(() => [rng.int(0, 6), rng.int(0, 6)]);
          const form = shape.length === 0 ? 1 : rng.int(0, 3);
          const width: nr.PadWidth = form === 0
            ? pairs
            : form === 1
            ? pairs[0]?.[0] ?? 2
            : form === 2
            ? pairs[0] ?? [1, 2]
            : [pairs[0] ?? [1, 2]];
          const pyWidth = pyTuple(width as number | readonly unknown[]);
          const value = sampleValue(dtype);
          const extra = mode === "constant" ? `, constant_values=${py(value)}` : "";
          const expr = `np.pad(x, ${pyWidth}, mode='${NP_MODE[mode]}'${extra})`;
          const expected = await o.eval(expr, { x });
          const got = nr.pad(x, width, mode === "constant" ? { mode, value } : { mode });
          assertBitsEqual(got, expected, `${expr} ${dtype} ${layout} [${shape}]`);
        }
      }
    }
  });
});

Deno.test("pad() defaults to zeros and matches worked examples", () => {
  const x = nr.tensor([1, 2, 3], { dtype: "i32" });
  assert.deepEqual(x.pad(2).toArray(), [0, 0, 1, 2, 3, 0, 0]);
  assert.deepEqual(nr.pad(x, 7, { mode: "reflect" }).toArray(), [
    2,
    3,
    2,
    1,
    2,
    3,
    2,
    1,
    2,
    3,
    2,
    1,
    2,
    3,
    2,
    1,
    2,
  ]);
  assert.deepEqual(nr.pad(nr.tensor([4], { dtype: "i32" }), 2, { mode: "reflect" }).toArray(), [
    4,
    4,
    4,
    4,
    4,
  ]);
  assert.deepEqual(nr.pad(nr.tensor(1), 3).toArray(), 1);
});

Deno.test("roll() matches np.roll for every dtype and layout", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(18);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3 });
        const x = randomTensor(rng, dtype, shape, layout);
        const s = rng.int(-20, 20);
        assertBitsEqual(nr.roll(x, s), await o.eval(`np.roll(x, ${s})`, { x }), `roll ${s}`);
        if (shape.length === 0) continue;
        const k = rng.int(1, 3);
        const axes = Array.from({ length: k }, () => rng.int(-shape.length, shape.length - 1));
        const shifts = Array.from({ length: k }, () => rng.int(-9, 9));
        const expr = `np.roll(x, ${pyTuple(shifts)}, axis=${pyTuple(axes)})`;
        assertBitsEqual(x.roll(shifts, axes), await o.eval(expr, { x }), `${expr} ${dtype}`);
        const one = rng.int(-9, 9);
        const expr2 = `np.roll(x, ${one}, axis=${pyTuple(axes)})`;
        assertBitsEqual(nr.roll(x, one, axes), await o.eval(expr2, { x }), expr2);
      }
    }
  });
});

Deno.test("flatten() matches reshape and is a view when possible", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(19);
    for (const layout of LAYOUTS) {
      const shape = randomShape(rng, { maxDims: 4 });
      const x = randomTensor(rng, "f32", shape, layout);
      const start = shape.length === 0 ? 0 : rng.int(0, shape.length - 1);
      const end = shape.length === 0 ? -1 : rng.int(start, shape.length - 1);
      const got = x.flatten(start, end);
      const expr = shape.length === 0
        ? "x.reshape(1)"
        : `x.reshape(x.shape[:${start}] + (-1,) + x.shape[${end + 1}:]) if x.size else ` +
          `x.reshape(x.shape[:${start}] + (int(np.prod(x.shape[${start}:${end + 1}])),) + ` +
          `x.shape[${end + 1}:])`;
      assertBitsEqual(got, await o.eval(expr, { x }), `flatten ${layout} [${shape}]`);
      if (layout === "contiguous") assert.equal(got.storage, x.storage);
    }
  });
});

Deno.test("shape ops throw NumrError codes that name the op and shapes", () => {
  const a = nr.zeros([2, 3]);
  const b = nr.zeros([2, 4]);
  const e = assertCode(() => nr.cat([a, b]), "ShapeMismatch", "cat");
  assert.match(e.message, /\[2, 3\].*\[2, 4\]/);
  assertCode(() => nr.cat([a, nr.zeros([2, 3, 1])]), "ShapeMismatch", "cat");
  assertCode(() => nr.cat([]), "InvalidArgument", "cat", false);
  assertCode(() => nr.cat([nr.tensor(1), nr.tensor(2)]), "InvalidArgument", "cat");
  assertCode(() => nr.cat([a, a], 2), "InvalidDimension", "cat");
  assertCode(() => nr.cat([a, 1 as unknown as Tensor]), "InvalidArgument", "cat", false);
  assertCode(() => nr.stack([a, b]), "ShapeMismatch", "stack");
  assertCode(() => nr.stack([a, a], 3), "InvalidDimension", "stack");
  assertCode(() => nr.split(a, 0), "InvalidArgument", "split");
  assertCode(() => nr.split(a, [1.5]), "InvalidArgument", "split");
  assertCode(() => nr.split(a, 1, 2), "InvalidDimension", "split");
  assertCode(() => nr.chunk(a, 0), "InvalidArgument", "chunk");
  assertCode(() => nr.repeat(a, [2]), "InvalidArgument", "repeat");
  assertCode(() => nr.repeat(a, [1, -1]), "InvalidArgument", "repeat");
  assertCode(() => nr.tile(a, 1.5), "InvalidArgument", "tile");
  assertCode(
    () => nr.repeatInterleave(a, [1, 2], { axis: 1 }),
    "ShapeMismatch",
    "repeatInterleave",
  );
  assertCode(() => nr.repeatInterleave(a, -1), "InvalidArgument", "repeatInterleave");
  assertCode(() => nr.pad(a, -1), "InvalidArgument", "pad");
  assertCode(() => nr.pad(a, [[1, 1], [1, 1], [1, 1]]), "ShapeMismatch", "pad");
  assertCode(() => nr.pad(a, 1, { mode: "mirror" as nr.PadMode }), "InvalidArgument", "pad");
  assertCode(() => nr.pad(nr.zeros([0, 2]), 1, { mode: "reflect" }), "InvalidArgument", "pad");
  assertCode(() => nr.roll(a, 0.5), "InvalidArgument", "roll");
  assertCode(() => nr.roll(a, [1, 2, 3], [0, 1]), "BroadcastError", "roll");
  assertCode(() => nr.roll(a, 1, 2), "InvalidDimension", "roll");
  assertCode(() => nr.flatten(a, 3), "InvalidDimension", "flatten");
  const gone = nr.zeros([2, 3]);
  gone.dispose();
  assertCode(() => nr.cat([a, gone]), "Disposed");
  assertCode(() => nr.pad(gone, 1), "Disposed");
});

Deno.test("cat() refuses tensors on different devices", () => {
  // A stand-in storage on another device: the check happens before any memory is touched.
  const fake = {
    device: "webgpu",
    byteLength: 24,
    freed: false,
    retain() {
      return this;
    },
    release() {},
  } as unknown as Storage;
  const other = new Tensor(fake, "f32", [2, 3]);
  assertCode(() => nr.cat([nr.zeros([2, 3]), other]), "DeviceMismatch", "cat");
  assertCode(() => nr.stack([nr.zeros([2, 3]), other]), "DeviceMismatch", "stack");
});

Deno.test("NumPy rejects what shape ops reject", async () => {
  await withOracle(async (o) => {
    const x = nr.zeros([0, 2]);
    for (
      const expr of [
        "np.pad(x, 1, mode='reflect')",
        "np.concatenate([np.zeros(()), np.zeros(())])",
        "np.concatenate([np.zeros((2, 3)), np.zeros((2, 4))])",
        "np.repeat(np.zeros(3), [1, 2])",
        "np.roll(np.zeros(3), [1, 2, 3], axis=[0, 0])",
      ]
    ) {
      assert.ok((await o.run(expr, { x })).error !== undefined, expr);
    }
  });
});
