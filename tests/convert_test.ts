// JS-side conversions against ml_dtypes: bf16/fp8 decoding of every bit pattern, encoding of
// random doubles (ties, subnormals, overflow, NaN) rounded once, and JS values written into
// tensors exactly as the cast kernels convert the same values.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import {
  bf16FromNumber,
  bf16ToNumber,
  fp8e4m3FromNumber,
  fp8e4m3ToNumber,
  fp8e5m2FromNumber,
  fp8e5m2ToNumber,
} from "../src/dtype/convert.ts";
import { assertBitsEqual } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { Rng } from "./_random.ts";

const REF = "__import__('numr_cast_ref')";

interface Format {
  dtype: DType;
  bits: number;
  encode: (x: number) => number;
  decode: (bits: number) => number;
}

const FORMATS: Format[] = [
  { dtype: "bf16", bits: 16, encode: bf16FromNumber, decode: bf16ToNumber },
  { dtype: "fp8e4m3", bits: 8, encode: fp8e4m3FromNumber, decode: fp8e4m3ToNumber },
  { dtype: "fp8e5m2", bits: 8, encode: fp8e5m2FromNumber, decode: fp8e5m2ToNumber },
];

function patterns(f: Format): Tensor {
  const n = 1 << f.bits;
  const bytes = f.bits === 8
    ? new Uint8Array(n).map((_, i) => i)
    : new Uint8Array(new Uint16Array(n).map((_, i) => i).buffer);
  return nr.fromBytes(bytes, f.dtype, [n]);
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

Deno.test("convert: decoding every bf16 and fp8 bit pattern matches ml_dtypes", async () => {
  const oracle = Oracle.start();
  try {
    for (const f of FORMATS) {
      const want = (await oracle.eval("x.astype(np.float64)", { x: patterns(f) })).dataSync();
      for (let b = 0; b < 1 << f.bits; b++) {
        const got = f.decode(b);
        assert.ok(sameNumber(got, want[b] as number), `${f.dtype} 0x${b.toString(16)}: ${got}`);
      }
    }
  } finally {
    await oracle.close();
  }
});

/** Doubles around every rounding midpoint of a format, plus random bit patterns and extremes. */
function encodeCases(f: Format, rng: Rng): number[] {
  const grid: number[] = [];
  for (let b = 0; b < 1 << (f.bits - 1); b++) {
    const v = f.decode(b);
    if (Number.isFinite(v)) grid.push(v);
  }
  grid.sort((a, b) => a - b);
  const top = grid[grid.length - 1];
  grid.push(top + (top - grid[grid.length - 2]));
  const out: number[] = [0, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, 5e-324, 1e-300];
  for (let i = 0; i + 1 < grid.length; i++) {
    const lo = grid[i];
    const hi = grid[i + 1];
    const mid = (lo + hi) / 2;
    const d = hi - lo;
    for (const v of [mid, mid + d * 2 ** -30, mid - d * 2 ** -30, mid + d * 2 ** -52, lo, hi]) {
      out.push(v, -v);
    }
    out.push(lo + d * rng.next(), -(lo + d * rng.next()));
  }
  const f64 = new Float64Array(1);
  const words = new Uint32Array(f64.buffer);
  for (let i = 0; i < 20000; i++) {
    words[0] = rng.int(0, 2 ** 32 - 1);
    words[1] = rng.int(0, 2 ** 32 - 1);
    out.push(f64[0]);
    // Magnitudes near the format's range, where rounding happens.
    out.push(rng.normal() * 2 ** rng.int(-30, 20));
  }
  return out;
}

Deno.test("convert: doubles encode into bf16 and fp8 with one rounding", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(21);
    for (const f of FORMATS) {
      const values = encodeCases(f, rng);
      const x = nr.tensor(values, { dtype: "f64" });
      // Single rounding: round-to-odd into f32, then ml_dtypes' (single) f32 rounding.
      const want = nr.toBytes(await oracle.eval(`${REF}.narrow_exact(x, '${f.dtype}')`, { x }));
      const wantBits = f.bits === 8 ? want : new Uint16Array(want.buffer);
      for (let i = 0; i < values.length; i++) {
        const got = f.encode(values[i]);
        const expected = wantBits[i];
        if (got === expected) continue;
        // NaN payloads may differ; NaN-ness may not.
        assert.ok(
          Number.isNaN(f.decode(got)) && Number.isNaN(f.decode(expected)),
          `${f.dtype}(${values[i]}): 0x${got.toString(16)} vs 0x${expected.toString(16)}`,
        );
      }
      // The Zig kernel (f64 → target) agrees bit for bit on every non-NaN value.
      const kernel = nr.toBytes(x.astype(f.dtype));
      const kernelBits = f.bits === 8 ? kernel : new Uint16Array(kernel.buffer);
      for (let i = 0; i < values.length; i++) {
        if (Number.isNaN(values[i])) continue;
        assert.equal(kernelBits[i], f.encode(values[i]), `${f.dtype} kernel at ${values[i]}`);
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("convert: f32 values encode exactly as ml_dtypes does", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(4);
    const words = new Uint32Array(50000).map(() => rng.int(0, 2 ** 32 - 1));
    const x = nr.fromBytes(new Uint8Array(words.buffer), "f32", [words.length]);
    const values = x.dataSync() as Float32Array;
    for (const f of FORMATS) {
      const want = nr.toBytes(await oracle.eval(`x.astype(DT['${f.dtype}'])`, { x }));
      const wantBits = f.bits === 8 ? want : new Uint16Array(want.buffer);
      for (let i = 0; i < values.length; i++) {
        const got = f.encode(values[i]);
        if (got !== wantBits[i]) {
          assert.ok(Number.isNaN(values[i]), `${f.dtype}(${values[i]}): 0x${got.toString(16)}`);
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("convert: known values", () => {
  assert.equal(bf16FromNumber(1), 0x3f80);
  assert.equal(bf16FromNumber(-0), 0x8000);
  assert.equal(bf16FromNumber(Infinity), 0x7f80);
  assert.equal(bf16FromNumber(1e39), 0x7f80);
  assert.equal(bf16FromNumber(3.3895313892515355e38), 0x7f7f);
  assert.equal(bf16FromNumber(NaN) & 0x7fc0, 0x7fc0);
  assert.equal(bf16ToNumber(bf16FromNumber(1 + 2 ** -8 + 2 ** -30)), 1 + 2 ** -7);
  assert.equal(bf16ToNumber(bf16FromNumber(2 ** -134 + 2 ** -170)), 2 ** -133);
  assert.equal(fp8e4m3ToNumber(fp8e4m3FromNumber(464)), 448);
  assert.ok(Number.isNaN(fp8e4m3ToNumber(fp8e4m3FromNumber(464.0001))));
  assert.ok(Number.isNaN(fp8e4m3ToNumber(fp8e4m3FromNumber(-Infinity))));
  assert.equal(fp8e4m3FromNumber(-Infinity), 0xff);
  assert.equal(fp8e4m3ToNumber(fp8e4m3FromNumber(1 + 2 ** -4 + 2 ** -40)), 1.125);
  assert.equal(fp8e4m3ToNumber(fp8e4m3FromNumber(2 ** -10)), 0);
  assert.equal(fp8e4m3ToNumber(fp8e4m3FromNumber(2 ** -10 + 2 ** -40)), 2 ** -9);
  assert.equal(fp8e5m2ToNumber(fp8e5m2FromNumber(61440)), Infinity);
  assert.equal(fp8e5m2ToNumber(fp8e5m2FromNumber(61439.99)), 57344);
  assert.equal(fp8e5m2ToNumber(fp8e5m2FromNumber(-1e10)), -Infinity);
  assert.ok(Number.isNaN(fp8e5m2ToNumber(fp8e5m2FromNumber(NaN))));
});

const EDGES = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0.5,
  -1.5,
  255.5,
  -129.7,
  70000.5,
  3e9,
  -3e9,
  2 ** 31,
  2 ** 32 + 5,
  5e18,
  2 ** 63,
  -(2 ** 63),
  1e19,
  2 ** 64,
  1e300,
  65520,
  1 + 2 ** -8 + 2 ** -30,
  2 ** -134 + 2 ** -170,
  2 ** -25 + 2 ** -60,
];

Deno.test("convert: JS numbers become any dtype exactly as an f64 tensor casts", () => {
  const rng = new Rng(8);
  const values = [...EDGES];
  for (let i = 0; i < 2000; i++) values.push(rng.normal() * 10 ** rng.int(-10, 25));
  const asF64 = nr.tensor(values, { dtype: "f64" });
  for (const dtype of nr.DTYPE_NAMES) {
    assertBitsEqual(nr.tensor(values, { dtype }), asF64.astype(dtype), `numbers -> ${dtype}`);
    const complex = values.map((re, i) => ({ re, im: values[(i * 5) % values.length] }));
    const asC128 = nr.tensor(complex, { dtype: "c128" });
    assertBitsEqual(nr.tensor(complex, { dtype }), asC128.astype(dtype), `complex -> ${dtype}`);
    const bools = values.map((v) => v > 0);
    const asBool = nr.tensor(bools, { dtype: "bool" });
    assertBitsEqual(nr.tensor(bools, { dtype }), asBool.astype(dtype), `bool -> ${dtype}`);
  }
});

Deno.test("convert: JS bigints become any dtype exactly as an i64/u64 tensor casts", () => {
  const rng = new Rng(9);
  const signed: bigint[] = [0n, -1n, 1n << 62n, -(1n << 63n), (1n << 63n) - 1n];
  signed.push((1n << 60n) + (1n << 52n) + 1n, -((1n << 24n) + (1n << 16n) + 1n));
  for (let i = 0; i < 2000; i++) {
    const hi = BigInt(rng.int(0, 2 ** 32 - 1));
    const lo = BigInt(rng.int(0, 2 ** 32 - 1));
    signed.push(BigInt.asIntN(64, (hi << 32n) | lo) >> BigInt(rng.int(0, 60)));
  }
  const unsigned = signed.map((v) => BigInt.asUintN(64, v));
  for (const dtype of nr.DTYPE_NAMES) {
    const fromI64 = nr.tensor(signed, { dtype: "i64" }).astype(dtype);
    assertBitsEqual(nr.tensor(signed, { dtype }), fromI64, `i64 bigints -> ${dtype}`);
    const fromU64 = nr.tensor(unsigned, { dtype: "u64" }).astype(dtype);
    assertBitsEqual(nr.tensor(unsigned, { dtype }), fromU64, `u64 bigints -> ${dtype}`);
  }
});
