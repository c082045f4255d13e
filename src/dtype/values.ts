// Moving JS values in and out of raw dtype storage: numbers, bigints, booleans and complex pairs.

import {
  bf16FromNumber,
  bf16ToNumber,
  fp8e4m3FromNumber,
  fp8e4m3ToNumber,
  fp8e5m2FromNumber,
  fp8e5m2ToNumber,
} from "./convert.ts";
import { type DType, DTYPES, type StorageArray } from "./dtypes.ts";

/** A complex number as JS sees it. */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/** One element as JS sees it: number, bigint (i64/u64), boolean (bool) or complex. */
export type Element = number | bigint | boolean | Complex;

/** The typed array a dtype's values are read into by `dataSync`. */
export type DataArray =
  | Float64Array
  | Float32Array
  | Float16Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

/** A typed-array view of `count` elements of a dtype's raw storage, from element `offset`. */
export function storageView(
  dtype: DType,
  buffer: ArrayBuffer,
  offset = 0,
  count?: number,
): StorageArray {
  const info = DTYPES[dtype];
  const lanes = info.lanes;
  const length = count === undefined ? undefined : count * lanes;
  return new info.array(buffer, offset * info.bytes, length);
}

function toNumber(v: Element): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  return v.re;
}

/**
 * A bigint rounded to a double with round-to-odd (53 significant bits, the last one set when
 * bits were dropped), so that one more rounding into f32/f16/bf16/fp8 is correctly rounded.
 */
function bigintToNumberOdd(v: bigint): number {
  const negative = v < 0n;
  let m = negative ? -v : v;
  const width = m.toString(2).length;
  if (width > 53) {
    const shift = BigInt(width - 53);
    const dropped = m & ((1n << shift) - 1n);
    m = ((m >> shift) | (dropped === 0n ? 0n : 1n)) << shift;
  }
  const n = Number(m);
  return negative ? -n : n;
}

/** The number a value becomes in a float dtype: bigints round once, into the target itself. */
function toFloatSource(dtype: DType, v: Element): number {
  if (typeof v !== "bigint" || dtype === "f64" || dtype === "c128") return toNumber(v);
  return bigintToNumberOdd(v);
}

const TWO_63 = 2 ** 63;
const INT64_MIN = -(1n << 63n);

// Float → int follows the cast kernels (x86 `cvtt`, as NumPy's astype on x86-64): truncation
// toward zero; NaN and out-of-range give INT_MIN of 64 or 32 bits; narrower ints go through i32
// and wrap, u32 through i64; u64 converts x ≥ 2^63 as cvtt(x − 2^63) ^ 2^63.
function cvtt64(n: number): bigint {
  return n >= -TWO_63 && n < TWO_63 ? BigInt(Math.trunc(n)) : INT64_MIN;
}

function cvtt32(n: number): number {
  return n >= -(2 ** 31) && n < 2 ** 31 ? Math.trunc(n) : -(2 ** 31);
}

function numberToInt(dtype: DType, n: number): number | bigint {
  switch (dtype) {
    case "i64":
      return cvtt64(n);
    case "u64":
      return BigInt.asUintN(64, n >= TWO_63 ? cvtt64(n - TWO_63) ^ INT64_MIN : cvtt64(n));
    case "u32":
      return Number(BigInt.asUintN(32, cvtt64(n)));
    default:
      // i32 as is; i16, i8, u16, u8 wrap when the typed array stores the i32.
      return cvtt32(n);
  }
}

/** Integer storage for a value: bigints and booleans wrap exactly, numbers follow `cvtt`. */
function toIntStorage(dtype: DType, v: Element): number | bigint {
  const wide = dtype === "i64" || dtype === "u64";
  if (typeof v === "bigint") {
    const bits = DTYPES[dtype].bytes * 8;
    const signed = DTYPES[dtype].kind === "int";
    const w = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
    return wide ? w : Number(w);
  }
  if (typeof v === "boolean") return wide ? BigInt(v) : Number(v);
  return numberToInt(dtype, toNumber(v));
}

/**
 * Encodes one JS value into raw storage at element index `i`, exactly as casting the value's own
 * tensor would (a number is an f64, a bigint an i64/u64): floats round once to nearest even,
 * floats into ints truncate (NaN and overflow as NumPy's astype on x86-64), ints wrap.
 */
export function writeElement(dtype: DType, view: StorageArray, i: number, v: Element): void {
  switch (dtype) {
    case "bf16":
      view[i] = bf16FromNumber(toFloatSource(dtype, v));
      return;
    case "fp8e4m3":
      view[i] = fp8e4m3FromNumber(toFloatSource(dtype, v));
      return;
    case "fp8e5m2":
      view[i] = fp8e5m2FromNumber(toFloatSource(dtype, v));
      return;
    case "bool":
      view[i] = isTruthy(v) ? 1 : 0;
      return;
    case "c64":
    case "c128": {
      const c = typeof v === "object" ? v : { re: toFloatSource(dtype, v), im: 0 };
      view[2 * i] = c.re;
      view[2 * i + 1] = c.im;
      return;
    }
    case "f64":
    case "f32":
    case "f16":
      view[i] = toFloatSource(dtype, v);
      return;
    default:
      view[i] = toIntStorage(dtype, v);
  }
}

function isTruthy(v: Element): boolean {
  if (typeof v === "object") return v.re !== 0 || v.im !== 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  return v;
}

/** Decodes the element at index `i` of raw storage into its JS value. */
export function readElement(dtype: DType, view: StorageArray, i: number): Element {
  switch (dtype) {
    case "bf16":
      return bf16ToNumber(view[i] as number);
    case "fp8e4m3":
      return fp8e4m3ToNumber(view[i] as number);
    case "fp8e5m2":
      return fp8e5m2ToNumber(view[i] as number);
    case "bool":
      return view[i] !== 0;
    case "c64":
    case "c128":
      return { re: view[2 * i] as number, im: view[2 * i + 1] as number };
    default:
      return view[i];
  }
}

/**
 * Converts `count` contiguous raw elements into the array `dataSync` returns: the storage array
 * itself for natively typed dtypes, f32 values for bf16 and fp8, bytes 0/1 for bool.
 */
export function decodeData(dtype: DType, raw: StorageArray): DataArray {
  switch (dtype) {
    case "bf16": {
      const out = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = bf16ToNumber(raw[i] as number);
      return out;
    }
    case "fp8e4m3":
    case "fp8e5m2": {
      const decode = dtype === "fp8e4m3" ? fp8e4m3ToNumber : fp8e5m2ToNumber;
      const out = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = decode(raw[i] as number);
      return out;
    }
    default:
      return raw;
  }
}
