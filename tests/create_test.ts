// Creation against NumPy: tensor() (nesting, dtype inference, typed arrays), zeros ones full
// empty and *Like, arange, linspace, eye, fill, fromBytes, reading back (toArray item dataSync
// data) for every dtype, and setDefaultFloat.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Element, NestedArray } from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { assertCode, py, pyList, pyTuple } from "./_py.ts";
import { LAYOUTS, randomShape, randomTensor, randomValues, Rng } from "./_random.ts";

const DTYPES = nr.DTYPE_NAMES;

async function withOracle(fn: (o: Oracle) => Promise<void>): Promise<void> {
  const oracle = Oracle.start();
  try {
    await fn(oracle);
  } finally {
    await oracle.close();
  }
}

/** Nests flat values into `shape` (row-major). */
function nest(flat: readonly Element[], shape: readonly number[]): NestedArray {
  if (shape.length === 0) return flat[0];
  let i = 0;
  const build = (d: number): NestedArray[] =>
    Array.from(
      { length: shape[d] },
      () => (d === shape.length - 1 ? flat[i++] : build(d + 1)) as NestedArray,
    );
  return build(0);
}

function sampleValue(dtype: nr.DType): Element {
  const kind = nr.DTYPES[dtype].kind;
  if (kind === "bool") return true;
  if (kind === "complex") return { re: 1.5, im: -2 };
  if (dtype === "i64" || dtype === "u64") return 7n;
  if (kind === "int" || kind === "uint") return 7;
  return 2.5;
}

Deno.test("tensor() infers shapes and dtypes from JS values", () => {
  assert.equal(nr.tensor([1, 2]).dtype, "f32");
  assert.equal(nr.tensor([true, false]).dtype, "bool");
  assert.equal(nr.tensor([1n, -2n]).dtype, "i64");
  assert.equal(nr.tensor([{ re: 1, im: 2 }]).dtype, "c64");
  assert.equal(nr.tensor([1, true]).dtype, "f32");
  assert.equal(nr.tensor([1n, true]).dtype, "i64");
  assert.equal(nr.tensor([1, { re: 0, im: 1 }]).dtype, "c64");
  assert.equal(nr.tensor(3).dtype, "f32");
  assert.deepEqual(nr.tensor(3).shape, []);
  assert.deepEqual(nr.tensor([]).shape, [0]);
  assert.equal(nr.tensor([]).dtype, "f32");
  assert.deepEqual(nr.tensor([[]]).shape, [1, 0]);
  assert.deepEqual(nr.tensor([[[1], [2]], [[3], [4]]]).shape, [2, 2, 1]);
  assert.deepEqual(nr.tensor([[1, 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(nr.tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(nr.tensor(7, { shape: [1, 1] }).toArray(), [[7]]);
  assert.deepEqual(nr.tensor([true, false], { dtype: "i8" }).toArray(), [1, 0]);
  assert.deepEqual(nr.tensor([1.7, -1.7, 300], { dtype: "u8" }).toArray(), [1, 255, 44]);
  assert.deepEqual(nr.tensor([2 ** 53], { dtype: "i64" }).toArray(), [2n ** 53n]);
});

Deno.test("tensor() keeps the dtype of typed arrays, also as rows", () => {
  const cases: [ArrayBufferView, nr.DType][] = [
    [new Float64Array([1, 2]), "f64"],
    [new Float32Array([1, 2]), "f32"],
    [new Float16Array([1, 2]), "f16"],
    [new Int32Array([1, 2]), "i32"],
    [new Int16Array([1, 2]), "i16"],
    [new Int8Array([1, 2]), "i8"],
    [new Uint32Array([1, 2]), "u32"],
    [new Uint16Array([1, 2]), "u16"],
    [new Uint8Array([1, 2]), "u8"],
    [new Uint8ClampedArray([1, 2]), "u8"],
    [new BigInt64Array([1n, 2n]), "i64"],
    [new BigUint64Array([1n, 2n]), "u64"],
  ];
  for (const [data, dtype] of cases) {
    const t = nr.tensor(data);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.shape, [2]);
    const rows = nr.tensor([data, data]);
    assert.equal(rows.dtype, dtype, `rows of ${data.constructor.name}`);
    assert.deepEqual(rows.shape, [2, 2]);
  }
  const src = new Int16Array([1, 2, 3, 4, 5, 6]);
  const t = nr.tensor(src, { shape: [2, 3] });
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  src[0] = 99;
  assert.equal(t.toArray().toString(), "1,2,3,4,5,6", "tensor() copies its data");
  assert.deepEqual(nr.tensor(new Float64Array([1.5, -2.5]), { dtype: "i32" }).toArray(), [1, -2]);
  assert.deepEqual(
    nr.tensor(new Float32Array([1, 2, 3, 4]), { dtype: "c64", shape: [2] })
      .toArray(),
    [{ re: 1, im: 2 }, { re: 3, im: 4 }],
  );
  assert.deepEqual(nr.tensor(new Uint8Array(8).subarray(2, 5)).shape, [3]);
  assert.equal(nr.tensor([new Float32Array([1]), [2]]).dtype, "f32", "mixed rows infer");
  assert.equal(nr.tensor([new Int32Array([1]), new Int8Array([2])]).dtype, "f32");
});

Deno.test("tensor() with a dtype matches np.array for every dtype", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(31);
    for (const dtype of DTYPES) {
      for (let trial = 0; trial < 4; trial++) {
        const shape = randomShape(rng, { maxDims: 3, maxDim: 4 });
        const flat = randomValues(rng, dtype, shape.reduce((a, b) => a * b, 1));
        const data = nest(flat, shape);
        // Nested JS arrays cannot spell a size-0 axis after another one: give the shape.
        const empty = flat.length === 0 ? { shape } : {};
        const got = nr.tensor(data as nr.TensorData, { dtype, ...empty });
        const literal = shape.length === 0 ? py(flat[0]) : pyList(data);
        const expr = `np.array(${literal}, dtype=DT['${dtype}']).reshape(${pyTuple(shape)})`;
        assertBitsEqual(got, await o.eval(expr), `${dtype} [${shape}]`);
      }
    }
    // Across kinds: numbers into ints truncate, into bool test != 0; bools and bigints widen.
    const numbers = [0, 1.75, -1.75, 100.5, -0, 3];
    for (const dtype of DTYPES) {
      if (nr.DTYPES[dtype].kind === "uint") continue;
      const expr = `np.array(${pyList(numbers)}).astype(DT['${dtype}'])`;
      assertBitsEqual(nr.tensor(numbers, { dtype }), await o.eval(expr), `numbers -> ${dtype}`);
      const bools = [true, false, true];
      const bexpr = `np.array(${pyList(bools)}, dtype=DT['${dtype}'])`;
      assertBitsEqual(nr.tensor(bools, { dtype }), await o.eval(bexpr), `bools -> ${dtype}`);
    }
  });
});

Deno.test("tensor() rejects ragged and non-numeric data", () => {
  const e = assertCode(() => nr.tensor([[1, 2], [3]]), "ShapeMismatch", "tensor");
  assert.match(e.message, /ragged/);
  assertCode(() => nr.tensor([[1], [2, 3]]), "ShapeMismatch", "tensor");
  assertCode(() => nr.tensor([1, [2]]), "ShapeMismatch", "tensor");
  assertCode(() => nr.tensor([[1, 2], 3] as nr.TensorData), "ShapeMismatch", "tensor");
  assertCode(() => nr.tensor([1, 2, 3], { shape: [2, 2] }), "ShapeMismatch", "tensor");
  assertCode(() => nr.tensor(new Float32Array(3), { shape: [2] }), "ShapeMismatch", "tensor");
  assertCode(() => nr.tensor(["a"] as unknown as nr.TensorData), "InvalidArgument", "tensor");
  assertCode(() => nr.tensor([null] as unknown as nr.TensorData), "InvalidArgument", "tensor");
  assertCode(() => nr.tensor([1], { dtype: "f8" as nr.DType }), "InvalidArgument", "tensor");
  assertCode(() => nr.tensor([1], { shape: [-1] }), "InvalidArgument", "tensor");
  assertCode(() => nr.tensor(new DataView(new ArrayBuffer(4))), "InvalidArgument", "tensor");
});

Deno.test("zeros ones full empty and *Like match NumPy for every dtype", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(32);
    for (const dtype of DTYPES) {
      const shape = randomShape(rng);
      const s = pyTuple(shape);
      const dt = `DT['${dtype}']`;
      assertBitsEqual(nr.zeros(shape, { dtype }), await o.eval(`np.zeros(${s}, ${dt})`));
      assertBitsEqual(nr.ones(shape, { dtype }), await o.eval(`np.ones(${s}, ${dt})`));
      const v = sampleValue(dtype);
      assertBitsEqual(nr.full(shape, v, { dtype }), await o.eval(`np.full(${s}, ${py(v)}, ${dt})`));
      const e = nr.empty(shape, { dtype });
      assert.deepEqual([e.dtype, e.shape], [dtype, shape]);
      const x = randomTensor(rng, dtype, shape, rng.pick(LAYOUTS));
      assertBitsEqual(nr.zerosLike(x), await o.eval("np.zeros_like(x)", { x }));
      assertBitsEqual(nr.onesLike(x), await o.eval("np.ones_like(x)", { x }));
      assertBitsEqual(nr.fullLike(x, v), await o.eval(`np.full_like(x, ${py(v)})`, { x }));
      assert.deepEqual([nr.emptyLike(x).dtype, nr.emptyLike(x).shape], [dtype, shape]);
      assert.equal(nr.zerosLike(x, { dtype: "i16" }).dtype, "i16");
      if (nr.DTYPES[dtype].kind === "float") {
        for (const special of [NaN, Infinity, -Infinity, -0]) {
          assertBitsEqual(
            nr.full([2], special, { dtype }),
            await o.eval(`np.full((2,), ${py(special)}, ${dt})`),
            `full ${special} ${dtype}`,
          );
        }
      }
    }
  });
  assert.equal(nr.full([1], 2).dtype, "f32");
  assert.equal(nr.full([1], true).dtype, "bool");
  assert.equal(nr.full([1], 2n).dtype, "i64");
  assert.equal(nr.full([1], { re: 1, im: 1 }).dtype, "c64");
  assertCode(() => nr.zeros([2, -1]), "InvalidArgument", "full");
  assertCode(() => nr.zeros([1.5]), "InvalidArgument", "full");
  assertCode(() => nr.full([2], "x" as unknown as Element), "InvalidArgument", "full");
  assertCode(() => nr.empty([2], { dtype: "f128" as nr.DType }), "InvalidArgument", "empty");
});

Deno.test("arange() matches np.arange bit for bit, incl. negative, fractional steps", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(33);
    const steps = [1, 2, 3, -1, -2, 0.5, -0.5, 0.1, 0.3, -0.7, 0.25, 1 / 3, 1.5, -2.5];
    const dtypes = DTYPES.filter((d) => d !== "bool");
    for (const dtype of dtypes) {
      const kind = nr.DTYPES[dtype].kind;
      const small = dtype.startsWith("fp8");
      for (let trial = 0; trial < 12; trial++) {
        const step = rng.pick(steps);
        let start = rng.int(-20, 20) * rng.pick([1, 0.5, 0.1, 1 / 3]);
        let stop = start + step * rng.int(-2, small ? 12 : 40) + rng.pick([0, 0.01, -0.3, 0.5]);
        if (kind === "uint") [start, stop] = [Math.abs(start), Math.abs(stop)];
        if (kind === "uint" && step < 0 && stop > start) [start, stop] = [stop, start];
        const got = nr.arange(start, stop, step, { dtype });
        const expr = `np.arange(${py(start)}, ${py(stop)}, ${py(step)}, dtype=DT['${dtype}'])`;
        const answer = await o.run(expr);
        if (answer.error !== undefined) {
          assert.fail(`${expr}: NumPy raised ${answer.error}`);
        }
        assertBitsEqual(got, answer.results[0], expr);
      }
    }
    assertBitsEqual(
      nr.arange(0, 2, 1, { dtype: "bool" }),
      await o.eval("np.arange(0, 2, dtype=bool)"),
    );
    assertBitsEqual(nr.arange(5), await o.eval("np.arange(5, dtype=np.float32)"));
    assertBitsEqual(nr.arange(2, 5), await o.eval("np.arange(2, 5, dtype=np.float32)"));
    assertBitsEqual(
      nr.arange(2, -5, { dtype: "i32" }),
      await o.eval("np.arange(2, -5, dtype=np.int32)"),
    );
    assertBitsEqual(
      nr.arange(0.5, 5, 1.5, { dtype: "i32" }),
      await o.eval("np.arange(0.5, 5, 1.5, dtype=np.int32)"),
    );
  });
  assert.deepEqual(nr.arange(10, 0).shape, [0]);
  assert.deepEqual(nr.arange(1, 1.1, 0.1).shape, [2], "NumPy's length: ceil(1.0000000000000009)");
  assertCode(() => nr.arange(0, 3, 1, { dtype: "bool" }), "InvalidArgument", "arange");
  assertCode(() => nr.arange(0, 3, 0), "InvalidArgument", "arange");
  assertCode(() => nr.arange(0, Infinity), "InvalidArgument", "arange");
  assertCode(() => nr.arange(NaN), "InvalidArgument", "arange");
  assertCode(() => nr.arange(3, { dtype: "x" as nr.DType }), "InvalidArgument", "arange");
});

Deno.test("linspace() matches np.linspace, incl. endpoint false and num 0 and 1", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(34);
    for (const dtype of DTYPES) {
      const kind = nr.DTYPES[dtype].kind;
      for (let trial = 0; trial < 8; trial++) {
        const num = rng.pick([0, 1, 2, 3, 5, 7, 50]);
        const endpoint = rng.next() < 0.5;
        const sign = kind === "uint" ? 1 : -1;
        let start = rng.int(sign * 10, 10) * rng.pick([1, 0.5, 0.3]);
        let stop = rng.int(sign * 10, 10) * rng.pick([1, 0.25, 0.7]);
        if (kind === "uint") [start, stop] = [Math.abs(start), Math.abs(stop)];
        const got = nr.linspace(start, stop, num, { dtype, endpoint });
        const expr = `np.linspace(${py(start)}, ${py(stop)}, ${num}, ` +
          `endpoint=${py(endpoint)}, dtype=DT['${dtype}'])`;
        assertBitsEqual(got, await o.eval(expr), expr);
      }
    }
    assertBitsEqual(nr.linspace(0, 1), await o.eval("np.linspace(0, 1, dtype=np.float32)"));
    assertBitsEqual(
      nr.linspace(2, 2, 4, { dtype: "f64" }),
      await o.eval("np.linspace(2, 2, 4)"),
    );
    assertBitsEqual(
      nr.linspace(0, 1e-320, 3, { dtype: "f64" }),
      await o.eval("np.linspace(0, 1e-320, 3)"),
      "a step that underflows",
    );
  });
  assertCode(() => nr.linspace(0, 1, -1), "InvalidArgument", "linspace");
  assertCode(() => nr.linspace(0, 1, 2.5), "InvalidArgument", "linspace");
});

Deno.test("eye() matches np.eye for every dtype and diagonal", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(35);
    for (const dtype of DTYPES) {
      for (let trial = 0; trial < 4; trial++) {
        const n = rng.int(0, 5);
        const m = rng.next() < 0.3 ? undefined : rng.int(0, 5);
        const k = rng.int(-6, 6);
        const got = nr.eye(n, { m, k, dtype });
        const expr = `np.eye(${n}, ${py(m ?? null)}, ${k}, dtype=DT['${dtype}'])`;
        assertBitsEqual(got, await o.eval(expr), expr);
      }
    }
    assertBitsEqual(nr.eye(3), await o.eval("np.eye(3, dtype=np.float32)"));
  });
  assertCode(() => nr.eye(-1), "InvalidArgument", "eye");
  assertCode(() => nr.eye(2, { m: 1.5 }), "InvalidArgument", "eye");
  assertCode(() => nr.eye(2, { k: 0.5 }), "InvalidArgument", "eye");
});

Deno.test("fill() writes in place through any view, for every dtype", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(36);
    for (const dtype of DTYPES) {
      const x = randomTensor(rng, dtype, [3, 4]);
      const before = x.clone();
      const v = sampleValue(dtype);
      const view = x.slice([null, null, -1], [1, null, 2]);
      assert.equal(nr.fill(view, v), undefined);
      const expr = `(lambda b: (b.__setitem__((slice(None, None, -1), slice(1, None, 2)), ` +
        `${py(v)}), b)[1])(x.copy())`;
      assertBitsEqual(x, await o.eval(expr, { x: before }), `fill ${dtype}`);
      const y = nr.zeros([2, 2], { dtype });
      assert.equal(y.fill(v), y, "Tensor.fill returns the tensor");
      assertBitsEqual(y, await o.eval(`np.full((2, 2), ${py(v)}, DT['${dtype}'])`));
    }
  });
  assertCode(() => nr.fill(nr.zeros([2]), "1" as unknown as Element), "InvalidArgument", "fill");
  nr.fill(nr.zeros([0]), 1);
});

Deno.test("fromBytes() and toBytes() round-trip every dtype", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(37);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng);
        const x = randomTensor(rng, dtype, shape, layout);
        const bytes = nr.toBytes(x);
        assert.equal(bytes.byteLength, x.size * x.itemsize);
        const padded = new Uint8Array(bytes.byteLength + 3);
        padded.set(bytes, 3);
        const back = nr.fromBytes(padded.subarray(3), dtype, shape);
        assertBitsEqual(back, x, `${dtype} ${layout}`);
        assertBitsEqual(back, await o.eval("x", { x }), "NumPy reads the same bytes");
      }
    }
  });
  assertCode(() => nr.fromBytes(new Uint8Array(3), "f32", [1]), "ShapeMismatch", "fromBytes");
  assertCode(() => nr.fromBytes(new Uint8Array(4), "x" as nr.DType, [1]), "InvalidArgument");
  assertCode(() => nr.fromBytes(new Uint8Array(4), "f32", [-1]), "InvalidArgument", "fromBytes");
});

/** The dataSync array each dtype reads into. */
const DATA_ARRAY: Record<nr.DType, string> = {
  f64: "Float64Array",
  f32: "Float32Array",
  f16: "Float16Array",
  bf16: "Float32Array",
  fp8e4m3: "Float32Array",
  fp8e5m2: "Float32Array",
  i64: "BigInt64Array",
  i32: "Int32Array",
  i16: "Int16Array",
  i8: "Int8Array",
  u64: "BigUint64Array",
  u32: "Uint32Array",
  u16: "Uint16Array",
  u8: "Uint8Array",
  bool: "Uint8Array",
  c64: "Float32Array",
  c128: "Float64Array",
};

function values(a: nr.DataArray): (number | bigint)[] {
  return Array.from(a as ArrayLike<number | bigint>);
}

function flatten(a: NestedArray): Element[] {
  return Array.isArray(a) ? a.flatMap(flatten) : [a];
}

Deno.test("toArray() item() dataSync() data() read every dtype as NumPy does", async () => {
  await withOracle(async (o) => {
    const rng = new Rng(38);
    for (const dtype of DTYPES) {
      const kind = nr.DTYPES[dtype].kind;
      for (const layout of LAYOUTS) {
        const shape = randomShape(rng, { maxDims: 3 });
        const x = randomTensor(rng, dtype, shape, layout);
        // NumPy widens to f64 / c128 / i64 / u64 / u8 exactly; the JS values must agree.
        const wide = kind === "complex"
          ? "np.complex128"
          : kind === "float"
          ? "np.float64"
          : dtype === "u64"
          ? "np.uint64"
          : kind === "bool"
          ? "np.uint8"
          : "np.int64";
        const ref = values((await o.eval(`x.astype(${wide})`, { x })).dataSync());
        const data = x.dataSync();
        assert.equal(data.constructor.name, DATA_ARRAY[dtype], dtype);
        assert.equal(data.length, x.size * nr.DTYPES[dtype].lanes);
        const asNumbers = (v: Element): (number | bigint)[] =>
          typeof v === "object" ? [v.re, v.im] : typeof v === "boolean" ? [v ? 1 : 0] : [v];
        const arr = x.toArray();
        const flat = flatten(arr).flatMap(asNumbers);
        const same = (a: number | bigint, b: number | bigint) =>
          typeof a === "bigint" || typeof b === "bigint"
            ? BigInt(a) === BigInt(b)
            : Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
        flat.forEach((v, i) => assert.ok(same(v, ref[i]), `toArray ${dtype} ${layout} ${i}`));
        values(data).forEach((v, i) =>
          assert.ok(same(v, ref[i]), `dataSync ${dtype} ${layout} ${i}: ${v} vs ${ref[i]}`)
        );
        assert.deepEqual(values(await x.data()), values(data));
        assert.deepEqual(await x.array(), arr);
        if (x.size > 0) {
          const idx = shape.map((d) => rng.int(0, d - 1));
          const one = x.slice(...idx);
          const at = idx.reduce((acc, k, d) => acc * shape[d] + k, 0);
          assert.deepEqual(one.item(), flatten(arr)[at], `item ${dtype} ${layout}`);
          if (shape.length === 0) assert.deepEqual(x.item(), arr);
        }
        if (kind === "bool") assert.ok(flatten(arr).every((v) => typeof v === "boolean"));
        if (dtype === "i64" || dtype === "u64") {
          assert.ok(flatten(arr).every((v) => typeof v === "bigint"));
        }
      }
    }
  });
  assertCode(() => nr.zeros([2]).item(), "ShapeMismatch", "item");
  assertCode(() => nr.zeros([0]).item(), "ShapeMismatch", "item");
  const gone = nr.zeros([1]);
  gone.dispose();
  assertCode(() => gone.toArray(), "Disposed");
  assertCode(() => gone.dataSync(), "Disposed");
});

Deno.test("setDefaultFloat() changes what plain numbers become", () => {
  try {
    nr.setDefaultFloat("f64");
    assert.equal(nr.getDefaultFloat(), "f64");
    assert.equal(nr.tensor([1.5]).dtype, "f64");
    assert.equal(nr.tensor([{ re: 1, im: 0 }]).dtype, "c128");
    assert.equal(nr.full([1], 2).dtype, "f64");
    assert.equal(nr.zeros([1]).dtype, "f64");
    assert.equal(nr.empty([1]).dtype, "f64");
    assert.equal(nr.arange(3).dtype, "f64");
    assert.equal(nr.linspace(0, 1, 3).dtype, "f64");
    assert.equal(nr.eye(2).dtype, "f64");
    assert.equal(nr.tensor([1n]).dtype, "i64", "bigints are not affected");
    assert.equal(nr.tensor(new Float32Array(1)).dtype, "f32", "typed arrays are not affected");
    nr.setDefaultFloat("f16");
    assert.equal(nr.tensor([0.1]).dtype, "f16");
    assert.equal(nr.tensor([{ re: 1, im: 0 }]).dtype, "c64");
    assertCode(() => nr.setDefaultFloat("i32"), "InvalidArgument", "setDefaultFloat");
    assertCode(() => nr.setDefaultFloat("c64"), "InvalidArgument", "setDefaultFloat");
    assert.equal(nr.getDefaultFloat(), "f16", "a rejected dtype changes nothing");
  } finally {
    nr.setDefaultFloat("f32");
  }
  assert.equal(nr.tensor([1]).dtype, "f32");
});
