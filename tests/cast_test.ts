// Casts against NumPy + ml_dtypes: every (src, dst) pair of the 17 dtypes, random bit patterns
// and special values (NaN, ±Inf, −0, out-of-range, rounding ties, subnormals), every layout,
// 0-d and empty tensors, long runs (vector paths and threads), bit-exact same-dtype copies.
// The expected values come from tests/oracle/numr_cast_ref.py, which lists numr's deliberate
// deviations from NumPy (single rounding into bf16/fp8; one rule for float → u32 overflow).

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { kernel } from "../src/runtime/cpu/kernels.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { type Layout, LAYOUTS, randomShape, Rng, withLayout } from "./_random.ts";

const ALL = nr.DTYPE_NAMES;
const REF = "__import__('numr_cast_ref')";

/** Floats that sit on the edges of some conversion rule. */
const EDGE_FLOATS = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  0.5,
  -0.5,
  -0.9,
  -1.5,
  2.5,
  127.9,
  -128.9,
  255.5,
  256,
  32767.5,
  -32768.9,
  65504,
  65519.99,
  65520,
  70000.5,
  -70000.5,
  2 ** 31 - 0.5,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  4294967295.5,
  3e9,
  -3e9,
  2 ** 53 + 2,
  5e18,
  2 ** 63,
  -(2 ** 63),
  1e19,
  2 ** 64,
  1e30,
  -1e30,
  3.4028234663852886e38,
  3.4028235677973366e38,
  1e300,
  448,
  464,
  465,
  -480,
  57344,
  61440,
  1 + 2 ** -8,
  1 + 2 ** -8 + 2 ** -30,
  1 + 2 ** -11 + 2 ** -40,
  1 + 2 ** -4 + 2 ** -40,
  -(1 + 2 ** -3 + 2 ** -40),
  2 ** -9,
  2 ** -10 + 2 ** -40,
  2 ** -16,
  2 ** -17 + 2 ** -50,
  2 ** -24,
  2 ** -25,
  2 ** -25 + 2 ** -60,
  2 ** -126,
  2 ** -134 + 2 ** -170,
  2 ** -149,
  1e-300,
  5e-324,
];

/** Integers on the edges of float rounding and int wrapping. */
const EDGE_INTS = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  255n,
  256n,
  -129n,
  65504n,
  65519n,
  65520n,
  (1n << 24n) + (1n << 16n) + 1n,
  (1n << 24n) + 1n,
  (1n << 31n) - 1n,
  1n << 31n,
  -(1n << 31n),
  (1n << 32n) - 1n,
  (1n << 53n) + 1n,
  (1n << 60n) + (1n << 52n) + 1n,
  (1n << 63n) - 1n,
  -(1n << 63n),
  (1n << 63n) + (1n << 10n) + 1n,
  (1n << 63n) + 3n * (1n << 11n),
  (1n << 64n) - 1n,
];

function fillFloats(rng: Rng, out: Float64Array | Float32Array | Float16Array): void {
  const bits = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const width = out.BYTES_PER_ELEMENT;
  for (let i = 0; i < out.length; i++) {
    const r = rng.next();
    if (r < 0.3) out[i] = rng.pick(EDGE_FLOATS);
    else if (r < 0.5) out[i] = rng.normal() * 10 ** rng.int(0, 20);
    else if (r < 0.7) out[i] = rng.int(-70000, 70000) + rng.pick([0, 0.5, 0.25, -0.75]);
    else {
      for (let b = 0; b < width; b++) bits[i * width + b] = rng.int(0, 255);
    }
  }
}

/** Random raw storage for `count` elements of a dtype: random bits mixed with edge values. */
function randomBytes(rng: Rng, dtype: DType, count: number): Uint8Array {
  const info = nr.DTYPES[dtype];
  const buffer = new ArrayBuffer(count * info.bytes);
  const bytes = new Uint8Array(buffer);
  switch (dtype) {
    case "f64":
    case "c128":
      fillFloats(rng, new Float64Array(buffer));
      break;
    case "f32":
    case "c64":
      fillFloats(rng, new Float32Array(buffer));
      break;
    case "f16":
      fillFloats(rng, new Float16Array(buffer));
      break;
    case "bool":
      for (let i = 0; i < count; i++) bytes[i] = rng.int(0, 1);
      break;
    case "bf16":
    case "fp8e4m3":
    case "fp8e5m2": {
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
      const edges = nr.tensor(EDGE_FLOATS, { dtype });
      const edgeBytes = nr.toBytes(edges);
      for (let i = 0; i < count; i++) {
        if (rng.next() < 0.3) {
          const k = rng.int(0, EDGE_FLOATS.length - 1);
          bytes.set(edgeBytes.subarray(k * info.bytes, (k + 1) * info.bytes), i * info.bytes);
        }
      }
      break;
    }
    default: {
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
      const view = new DataView(buffer);
      const bits = BigInt(info.bytes * 8);
      for (let i = 0; i < count; i++) {
        const r = rng.next();
        if (r < 0.5) continue;
        const v = r < 0.8 ? rng.pick(EDGE_INTS) : BigInt(rng.int(-300, 300));
        const wrapped = BigInt.asUintN(Number(bits), v);
        for (let b = 0; b < info.bytes; b++) {
          view.setUint8(i * info.bytes + b, Number((wrapped >> BigInt(8 * b)) & 0xffn));
        }
      }
    }
  }
  return bytes;
}

function randomRaw(rng: Rng, dtype: DType, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return nr.fromBytes(randomBytes(rng, dtype, n), dtype, shape);
}

/** A random tensor seen through a layout (same views as tests/_random.ts randomTensor). */
function randomSource(rng: Rng, dtype: DType, shape: readonly number[], layout: Layout): Tensor {
  return withLayout((s) => randomRaw(rng, dtype, s), shape, layout);
}

function pyList(dtypes: readonly DType[]): string {
  return `[${dtypes.map((d) => `'${d}'`).join(", ")}]`;
}

async function expectedCasts(oracle: Oracle, x: Tensor): Promise<Tensor[]> {
  const answer = await oracle.run(`${REF}.cast_all(x, ${pyList(ALL)})`, { x });
  if (answer.error !== undefined) throw new Error(`oracle: ${answer.error}`);
  return answer.results;
}

function rawBytes(t: Tensor): Uint8Array {
  return nr.toBytes(t);
}

Deno.test("cast: every (src, dst) pair matches NumPy in every layout", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(7);
    for (const layout of LAYOUTS) {
      for (const src of ALL) {
        for (let rep = 0; rep < 2; rep++) {
          const shape = randomShape(rng, { maxDim: 9 });
          const x = randomSource(rng, src, shape, layout);
          const expected = await expectedCasts(oracle, x);
          ALL.forEach((dst, k) => {
            const y = nr.cast(x, dst);
            assertBitsEqual(y, expected[k], `${src} -> ${dst} ${layout} [${shape}]`);
          });
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("cast: edge values of every pair match NumPy", async () => {
  const oracle = Oracle.start();
  try {
    const sources: Tensor[] = [];
    for (const src of ALL) {
      if (nr.DTYPES[src].kind === "int" || nr.DTYPES[src].kind === "uint") {
        sources.push(nr.tensor(EDGE_INTS, { dtype: src }));
      } else if (src === "bool") {
        sources.push(nr.tensor([true, false], { dtype: src }));
      } else if (nr.DTYPES[src].kind === "complex") {
        const re = EDGE_FLOATS;
        sources.push(
          nr.tensor(re.map((v, i) => ({ re: v, im: EDGE_FLOATS[(i * 7) % re.length] })), {
            dtype: src,
          }),
        );
      } else {
        sources.push(nr.tensor(EDGE_FLOATS, { dtype: src }));
      }
    }
    for (const x of sources) {
      const expected = await expectedCasts(oracle, x);
      ALL.forEach((dst, k) => {
        assertBitsEqual(nr.cast(x, dst), expected[k], `${x.dtype} -> ${dst} edges`);
      });
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("cast: long contiguous runs (vector paths, threads) match the strided path", () => {
  const rng = new Rng(11);
  // Longer than two thread-pool grains, and not a multiple of any vector width.
  const n = 70001;
  for (const src of ALL) {
    const base = randomRaw(rng, src, [2 * n + 3]);
    const strided = base.slice([1, 1 + 2 * n, 2]);
    const contiguous = strided.contiguous();
    const shifted = base.slice([1, n + 1]); // contiguous, starting one element in
    for (const dst of ALL) {
      const message = `${src} -> ${dst}`;
      assert.deepEqual(
        rawBytes(nr.cast(contiguous, dst)),
        rawBytes(nr.cast(strided, dst)),
        message,
      );
      const viaStrides = nr.cast(base.slice([1, n + 1]).flip().flip(), dst);
      assert.deepEqual(rawBytes(nr.cast(shifted, dst)), rawBytes(viaStrides), message);
    }
  }
});

Deno.test("cast: same-dtype casts copy the raw bits in every layout", () => {
  const rng = new Rng(3);
  for (const dtype of ALL) {
    for (const layout of LAYOUTS) {
      const shape = randomShape(rng, { maxDim: 9 });
      const x = randomSource(rng, dtype, shape, layout);
      const y = nr.cast(x, dtype);
      assert.notEqual(y.storage, x.storage, `${dtype} ${layout}: a copy`);
      assert.deepEqual(rawBytes(y), rawBytes(x), `${dtype} ${layout} [${shape}]`);
      assert.deepEqual([...y.shape], [...x.shape]);
      assert.equal(y.isContiguous, true);
    }
    // Signalling NaNs and NaN payloads survive (floats never pass through float registers).
    const bytes = new Uint8Array(nr.DTYPES[dtype].bytes * 64).map((_, i) => (i * 37 + 11) & 0xff);
    if (dtype !== "bool") {
      const x = nr.fromBytes(bytes, dtype, [64]);
      assert.deepEqual(rawBytes(nr.cast(x, dtype)), bytes, `${dtype} payloads`);
    }
  }
  const snan = nr.fromBytes(
    new Uint8Array(new Uint32Array([0x7f800001, 0xffa00000]).buffer),
    "f32",
    [
      2,
    ],
  );
  assert.deepEqual([...new Uint32Array(rawBytes(snan.astype("f32")).buffer)], [
    0x7f800001,
    0xffa00000,
  ]);
});

Deno.test("cast: 0-d and empty tensors of every pair", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(5);
    for (const src of ALL) {
      const scalar = randomRaw(rng, src, []);
      const expected = await expectedCasts(oracle, scalar);
      for (const [k, dst] of ALL.entries()) {
        const y = nr.cast(scalar, dst);
        assert.deepEqual([...y.shape], []);
        assertBitsEqual(y, expected[k], `${src} -> ${dst} 0-d`);
        for (const shape of [[0], [3, 0], [0, 2, 4]]) {
          const e = nr.cast(nr.zeros(shape, { dtype: src }), dst);
          assert.equal(e.dtype, dst);
          assert.deepEqual([...e.shape], shape);
          assert.equal(e.size, 0);
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("cast: the astype method, and bad arguments", () => {
  const x = nr.tensor([1.7, -1.7, 300.5, NaN], { dtype: "f64" });
  assert.deepEqual(x.astype("i32").toArray(), [1, -1, 300, -2147483648]);
  assert.deepEqual(x.astype("u8").toArray(), [1, 255, 44, 0]);
  assert.deepEqual(x.astype("bool").toArray(), [true, true, true, true]);
  assert.deepEqual(x.astype("c64").toArray(), [
    { re: 1.7000000476837158, im: 0 },
    { re: -1.7000000476837158, im: 0 },
    { re: 300.5, im: 0 },
    { re: NaN, im: 0 },
  ]);
  assert.deepEqual(nr.tensor([{ re: 2.5, im: -1 }]).astype("i8").toArray(), [2]);
  assert.deepEqual(nr.tensor([{ re: 0, im: -1 }]).astype("bool").toArray(), [true]);
  assert.deepEqual(nr.tensor([true, false]).astype("bf16").toArray(), [1, 0]);
  for (const src of ALL) {
    const t = nr.ones([2, 3], { dtype: src });
    for (const dst of ALL) assertBitsEqual(t.astype(dst), nr.cast(t, dst), `${src} ${dst}`);
  }
  assert.throws(() => x.astype("f128" as DType), { name: "NumrError", code: "InvalidArgument" });
  assert.throws(() => nr.cast(x, "" as DType), /Unknown dtype/);
  const gone = nr.tensor([1, 2]);
  gone.dispose();
  assert.throws(() => gone.astype("i32"), { name: "NumrError", code: "Disposed" });
});

Deno.test("cast: a missing cast kernel names both dtypes", () => {
  assert.throws(() => kernel("cast", "f32", "f8" as DType), (e: nr.NumrError) => {
    assert.equal(e.code, "UnsupportedDType");
    assert.match(e.message, /no cast kernel from f32 to f8/);
    return true;
  });
  assert.throws(() => kernel("unary", "exp", "i8"), /no exp kernel for i8/);
});

Deno.test("cast: NumPy's own results where numr deliberately differs", async () => {
  const oracle = Oracle.start();
  try {
    // ml_dtypes rounds f64 → bf16/fp8 twice (through f32); numr rounds once.
    const tie = nr.tensor([1 + 2 ** -8 + 2 ** -30], { dtype: "f64" });
    const ml = await oracle.eval("x.astype(DT['bf16'])", { x: tie });
    assert.equal(ml.item(), 1);
    assert.equal(tie.astype("bf16").item(), 1 + 2 ** -7);
    const tie8 = nr.tensor([1 + 2 ** -4 + 2 ** -40], { dtype: "f64" });
    assert.equal((await oracle.eval("x.astype(DT['fp8e4m3'])", { x: tie8 })).item(), 1);
    assert.equal(tie8.astype("fp8e4m3").item(), 1.125);
    const big = nr.tensor([(1n << 60n) + (1n << 52n) + 1n], { dtype: "i64" });
    assert.equal((await oracle.eval("x.astype(DT['bf16'])", { x: big })).item(), 2 ** 60);
    assert.equal(big.astype("bf16").item(), 2 ** 60 + 2 ** 53);
    // NumPy's float → u32 overflow depends on its loop: contiguous and strided disagree.
    const nan = nr.tensor(new Array(16).fill(NaN), { dtype: "f64" });
    const [contig, strided] = (await oracle.run(
      "(x.astype(np.uint32), np.repeat(x, 2)[::2].astype(np.uint32))",
      { x: nan },
    )).results!;
    assert.equal(contig.dataSync()[0], 2 ** 31);
    assert.equal(strided.dataSync()[0], 0);
    assert.equal(nan.astype("u32").dataSync()[0], 0);
  } finally {
    await oracle.close();
  }
});

/** Every bit pattern of a 1- or 2-byte dtype, as a tensor. */
function allPatterns(dtype: DType): Tensor {
  const n = 1 << (8 * nr.DTYPES[dtype].bytes);
  const bytes = new Uint8Array(n * nr.DTYPES[dtype].bytes);
  if (n === 256) bytes.forEach((_, i) => (bytes[i] = i));
  else new Uint16Array(bytes.buffer).forEach((_, i, a) => (a[i] = i));
  return nr.fromBytes(bytes, dtype, [n]);
}

Deno.test("cast: every bit pattern of f16, bf16 and fp8 into every dtype", async () => {
  const oracle = Oracle.start();
  try {
    for (const src of ["f16", "bf16", "fp8e4m3", "fp8e5m2"] as DType[]) {
      const x = allPatterns(src);
      const expected = await expectedCasts(oracle, x);
      ALL.forEach((dst, k) => assertBitsEqual(nr.cast(x, dst), expected[k], `${src} -> ${dst}`));
    }
  } finally {
    await oracle.close();
  }
});

/**
 * f32 and f64 values at, just below and just above every rounding midpoint of a narrow format
 * (and its overflow threshold and subnormals), plus random f32 bit patterns.
 */
function tieValues(target: DType, rng: Rng): number[] {
  const grid = allPatterns(target).astype("f64").dataSync() as Float64Array;
  const finite = [...new Set([...grid].filter((v) => Number.isFinite(v) && v >= 0))].sort((a, b) =>
    a - b
  );
  // One more step past the largest finite value, so the overflow midpoint is included.
  const top = finite[finite.length - 1];
  finite.push(top + (top - finite[finite.length - 2]));
  const out: number[] = [];
  for (let i = 0; i + 1 < finite.length; i++) {
    const mid = (finite[i] + finite[i + 1]) / 2;
    for (const v of [mid, mid * (1 + 2 ** -40), mid * (1 - 2 ** -40), mid * (1 + 2 ** -20)]) {
      out.push(v, -v);
    }
  }
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < 4096; i++) {
    u32[0] = rng.int(0, 2 ** 32 - 1);
    out.push(f32[0]);
  }
  return out;
}

Deno.test("cast: rounding ties into f16, bf16 and fp8 from f32, f64 and c128", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(13);
    for (const dst of ["f16", "bf16", "fp8e4m3", "fp8e5m2"] as DType[]) {
      const values = tieValues(dst, rng);
      for (const src of ["f64", "f32", "c128", "c64"] as DType[]) {
        const x = nr.tensor(values, { dtype: src });
        const expected = await oracle.eval(`${REF}.cast(x, '${dst}')`, { x });
        assertBitsEqual(nr.cast(x, dst), expected, `${src} -> ${dst} ties`);
        // The strided (scalar) path as well.
        const strided = x.reshape(-1, 2).transpose().contiguous().transpose();
        const want = expected.reshape(-1, 2);
        assertBitsEqual(nr.cast(strided, dst), want, `${src} -> ${dst} ties, strided`);
      }
    }
  } finally {
    await oracle.close();
  }
});
