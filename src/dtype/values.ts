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

function toBigInt(v: Element, unsigned: boolean): bigint {
  if (typeof v === "bigint") return unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
  const n = toNumber(v);
  if (!Number.isFinite(n)) return 0n;
  const i = BigInt(Math.trunc(n));
  return unsigned ? BigInt.asUintN(64, i) : BigInt.asIntN(64, i);
}

/** Encodes one JS value into raw storage at element index `i` (NumPy conversion rules for ints). */
export function writeElement(dtype: DType, view: StorageArray, i: number, v: Element): void {
  switch (dtype) {
    case "bf16":
      view[i] = bf16FromNumber(toNumber(v));
      return;
    case "fp8e4m3":
      view[i] = fp8e4m3FromNumber(toNumber(v));
      return;
    case "fp8e5m2":
      view[i] = fp8e5m2FromNumber(toNumber(v));
      return;
    case "i64":
    case "u64":
      view[i] = toBigInt(v, dtype === "u64");
      return;
    case "bool":
      view[i] = isTruthy(v) ? 1 : 0;
      return;
    case "c64":
    case "c128": {
      const c = typeof v === "object" ? v : { re: toNumber(v), im: 0 };
      view[2 * i] = c.re;
      view[2 * i + 1] = c.im;
      return;
    }
    default: {
      const n = toNumber(v);
      // Typed arrays wrap integers modulo 2^k and turn NaN into 0, as NumPy's astype does.
      view[i] = DTYPES[dtype].kind === "float" ? n : Number.isFinite(n) ? Math.trunc(n) : 0;
    }
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
