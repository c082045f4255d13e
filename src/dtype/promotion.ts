// Type promotion (NumPy 2, NEP 50): the result dtype of mixing two dtypes, or a dtype and a JS
// scalar.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPES, getDefaultFloat } from "./dtypes.ts";

/** A JS value that takes part in an op as a weak scalar. */
export type Scalar = number | boolean | bigint;

const INT_BITS: Partial<Record<DType, number>> = {
  i8: 8,
  i16: 16,
  i32: 32,
  i64: 64,
  u8: 8,
  u16: 16,
  u32: 32,
  u64: 64,
};

// Rank of the real float types. f16 and bf16 share a rank: mixing them gives f32.
const FLOAT_RANK: Partial<Record<DType, number>> = {
  fp8e4m3: 0,
  fp8e5m2: 0,
  f16: 1,
  bf16: 1,
  f32: 2,
  f64: 3,
};

function promoteInts(a: DType, b: DType): DType {
  const ka = DTYPES[a].kind;
  const kb = DTYPES[b].kind;
  const ba = INT_BITS[a]!;
  const bb = INT_BITS[b]!;
  if (ka === kb) return ba >= bb ? a : b;
  const [s, sBits, uBits] = ka === "int" ? [a, ba, bb] : [b, bb, ba];
  // A signed type holds an unsigned one only when it is wider; u64 fits no signed type.
  if (sBits > uBits) return s;
  if (uBits === 64) return "f64";
  return `i${uBits * 2}` as DType;
}

function promoteFloats(a: DType, b: DType): DType {
  if (a === b) return a;
  const ra = FLOAT_RANK[a]!;
  const rb = FLOAT_RANK[b]!;
  if (ra !== rb) return ra > rb ? a : b;
  // Same rank, different formats: the two fp8s fit exactly in f16; f16 and bf16 meet at f32.
  return ra === 0 ? "f16" : "f32";
}

// The smallest float that holds every value of an integer type (NumPy's rule).
function floatForInt(d: DType): DType | undefined {
  const bits = INT_BITS[d];
  if (bits === undefined || bits === 8) return undefined;
  return bits === 16 ? "f32" : "f64";
}

function promoteReal(a: DType, b: DType): DType {
  const ka = DTYPES[a].kind;
  const kb = DTYPES[b].kind;
  if (ka === "bool") return b;
  if (kb === "bool") return a;
  const fa = ka === "float";
  const fb = kb === "float";
  if (fa && fb) return promoteFloats(a, b);
  if (!fa && !fb) return promoteInts(a, b);
  const [f, i] = fa ? [a, b] : [b, a];
  const need = floatForInt(i);
  return need === undefined ? f : promoteFloats(f, need);
}

/**
 * The dtype two tensor dtypes promote to: NumPy 2's `result_type`, extended to bf16 and fp8 by
 * one lattice where ml_dtypes raises or disagrees with itself: fp8 with f16 → f16, fp8 with bf16
 * → bf16, e4m3 with e5m2 → f16, f16 with bf16 → f32; bf16/fp8 with 16-bit ints → f32, with 32-
 * and 64-bit ints → f64, with 8-bit ints and bool → themselves.
 *
 * @example
 * ```ts
 * import { promoteTypes } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(promoteTypes("i32", "u32"), "i64");
 * assert.equal(promoteTypes("f16", "bf16"), "f32");
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = DTYPES[a].kind === "complex";
  const cb = DTYPES[b].kind === "complex";
  if (!ca && !cb) return promoteReal(a, b);
  const ra = ca ? (a === "c64" ? "f32" : "f64") : a;
  const rb = cb ? (b === "c64" ? "f32" : "f64") : b;
  const r = promoteReal(ra, rb);
  return r === "f64" ? "c128" : "c64";
}

/**
 * The dtype a tensor of dtype `d` gets when mixed with a JS scalar (NEP 50 weak scalars). An
 * integer-valued number or a bigint acts like a Python int: it never widens an int tensor (and
 * must fit it), and turns a bool tensor into i64. A fractional number (or NaN, ±Inf) acts like a
 * Python float: it turns an int or bool tensor into the default float dtype (f32 unless changed;
 * NumPy's is f64). A boolean never changes anything, and no scalar widens a float or complex
 * tensor, bf16 and fp8 included.
 *
 * @throws {NumrError} `InvalidArgument` when an integer scalar does not fit the int dtype (as
 * NumPy's OverflowError: `u8` with 300 or -1, `bool` with 2^63).
 * @example
 * ```ts
 * import { resultTypeWithScalar } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resultTypeWithScalar("u8", 3), "u8");
 * assert.equal(resultTypeWithScalar("i32", 0.5), "f32");
 * assert.equal(resultTypeWithScalar("bool", 2), "i64");
 * assert.throws(() => resultTypeWithScalar("u8", 300), /out of range for u8/);
 * ```
 */
export function resultTypeWithScalar(d: DType, s: Scalar, op = "promote"): DType {
  if (typeof s === "boolean") return d;
  const kind = DTYPES[d].kind;
  if (kind === "float" || kind === "complex") return d;
  const integral = typeof s === "bigint" || Number.isInteger(s);
  if (!integral) return getDefaultFloat();
  // A Python int with a bool array takes NumPy's default int.
  const target: DType = kind === "bool" ? "i64" : d;
  const bits = BigInt(INT_BITS[target]!);
  const unsigned = DTYPES[target].kind === "uint";
  const lo = unsigned ? 0n : -(1n << (bits - 1n));
  const hi = unsigned ? (1n << bits) - 1n : (1n << (bits - 1n)) - 1n;
  const v = typeof s === "bigint" ? s : BigInt(s);
  if (v < lo || v > hi) {
    throw new NumrError("InvalidArgument", `Scalar ${v} is out of range for ${target}`, {
      op,
      dtypes: [d],
    });
  }
  return target;
}

/**
 * The dtype a JS scalar gets on its own (as a 0-d tensor): booleans are bool, bigints i64, and
 * numbers the default float dtype.
 *
 * @example
 * ```ts
 * import { scalarDType } from "./promotion.ts";
 * import assert from "node:assert/strict";
 * assert.equal(scalarDType(true), "bool");
 * assert.equal(scalarDType(2n), "i64");
 * ```
 */
export function scalarDType(s: Scalar): DType {
  if (typeof s === "boolean") return "bool";
  if (typeof s === "bigint") return "i64";
  return getDefaultFloat();
}
