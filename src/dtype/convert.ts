// Scalar conversions between JS numbers and the bit patterns of bf16 and the two fp8 formats.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The 32 bits of `x` rounded to f32 with round-to-odd: truncated toward zero, with the last bit
 * set when the truncation dropped anything. Rounding that once more, to nearest even, into any
 * format with at most 22 significant bits (bf16, f16, fp8) gives the correctly rounded result;
 * plain round-to-nearest through f32 would round twice (1 + 2^-8 + 2^-30 would become 1 in bf16).
 */
function f32BitsRoundToOdd(x: number): number {
  f32[0] = x;
  let bits = u32[0];
  const y = f32[0];
  if (y === x || Number.isNaN(x)) return bits;
  // Round-to-nearest went away from zero: one step back toward zero truncates.
  if (Math.abs(y) > Math.abs(x)) bits = (bits - 1) >>> 0;
  return (bits | 1) >>> 0;
}

/**
 * Rounds a number to the nearest bf16 (round to nearest even, directly from the double: no
 * double rounding through f32) and returns its 16 bits. NaN becomes a quiet NaN with its sign
 * kept; overflow becomes ±Inf.
 *
 * @example
 * ```ts
 * import { bf16FromNumber, bf16ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(bf16ToNumber(bf16FromNumber(1.00390625)), 1);
 * assert.equal(bf16ToNumber(bf16FromNumber(1 + 2 ** -8 + 2 ** -30)), 1.0078125);
 * ```
 */
export function bf16FromNumber(x: number): number {
  const bits = f32BitsRoundToOdd(x);
  if (Number.isNaN(x)) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  const lsb = (bits >>> 16) & 1;
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff;
}

/**
 * Widens the 16 bits of a bf16 to a number.
 *
 * @example
 * ```ts
 * import { bf16ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(bf16ToNumber(0x3f80), 1);
 * ```
 */
export function bf16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** The layout of a small float format: exponent bits, mantissa bits, what it does at the top. */
interface MiniFloat {
  readonly exponentBits: number;
  readonly mantissaBits: number;
  /** E4M3FN has no infinities: the all-ones exponent holds numbers, except mantissa all-ones. */
  readonly hasInfinity: boolean;
}

const E4M3: MiniFloat = { exponentBits: 4, mantissaBits: 3, hasInfinity: false };
const E5M2: MiniFloat = { exponentBits: 5, mantissaBits: 2, hasInfinity: true };

function miniFloatDecodeTable(fmt: MiniFloat): Float64Array {
  const table = new Float64Array(256);
  const bias = (1 << (fmt.exponentBits - 1)) - 1;
  const expMax = (1 << fmt.exponentBits) - 1;
  const manMask = (1 << fmt.mantissaBits) - 1;
  for (let b = 0; b < 256; b++) {
    const sign = b & 0x80 ? -1 : 1;
    const e = (b >> fmt.mantissaBits) & expMax;
    const m = b & manMask;
    let v: number;
    if (e === 0) v = (m / (1 << fmt.mantissaBits)) * 2 ** (1 - bias);
    else if (e === expMax && fmt.hasInfinity) v = m === 0 ? Infinity : NaN;
    else if (e === expMax && m === manMask) v = NaN;
    else v = (1 + m / (1 << fmt.mantissaBits)) * 2 ** (e - bias);
    table[b] = sign * v;
  }
  return table;
}

const E4M3_TABLE = miniFloatDecodeTable(E4M3);
const E5M2_TABLE = miniFloatDecodeTable(E5M2);

// Encoding: the finite values of each format, sorted, so that rounding is a binary search
// followed by round-to-nearest-even between the two neighbours.
function positiveCodes(table: Float64Array): { values: number[]; codes: number[] } {
  const pairs: [number, number][] = [];
  for (let b = 0; b < 128; b++) if (Number.isFinite(table[b])) pairs.push([table[b], b]);
  pairs.sort((a, b) => a[0] - b[0]);
  return { values: pairs.map((p) => p[0]), codes: pairs.map((p) => p[1]) };
}

const E4M3_POS = positiveCodes(E4M3_TABLE);
const E5M2_POS = positiveCodes(E5M2_TABLE);

function encodeMini(
  x: number,
  pos: { values: number[]; codes: number[] },
  nanCode: number,
  overflowCode: number,
): number {
  if (Number.isNaN(x)) return nanCode;
  const sign = x < 0 || Object.is(x, -0) ? 0x80 : 0;
  const a = Math.abs(x);
  const { values, codes } = pos;
  const last = values.length - 1;
  const top = values[last];
  // Past the largest finite value by at least half an ulp of the top binade, the value overflows.
  const halfUlp = (top - values[last - 1]) / 2;
  // A tie at the boundary rounds to even: the top code when its mantissa is even, else overflow.
  const boundary = top + halfUlp;
  if (a > boundary || (a === boundary && (codes[last] & 1) === 1)) return sign | overflowCode;
  if (a >= top) return sign | codes[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - values[lo];
  const dHi = values[hi] - a;
  let pick = lo;
  if (dHi < dLo) pick = hi;
  else if (dHi === dLo) pick = (codes[lo] & 1) === 0 ? lo : hi;
  return sign | codes[pick];
}

/**
 * Rounds a number to the nearest fp8 E4M3FN (round to nearest even) and returns its 8 bits.
 * E4M3FN has no infinity: overflow and ±Inf become NaN (0x7f/0xff), as in ml_dtypes and PyTorch.
 *
 * @example
 * ```ts
 * import { fp8e4m3FromNumber, fp8e4m3ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fp8e4m3ToNumber(fp8e4m3FromNumber(300)), 288);
 * ```
 */
export function fp8e4m3FromNumber(x: number): number {
  return encodeMini(x, E4M3_POS, x < 0 ? 0xff : 0x7f, 0x7f);
}

/**
 * Widens the 8 bits of an fp8 E4M3FN to a number.
 *
 * @example
 * ```ts
 * import { fp8e4m3ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fp8e4m3ToNumber(0x7e), 448);
 * ```
 */
export function fp8e4m3ToNumber(bits: number): number {
  return E4M3_TABLE[bits & 0xff];
}

/**
 * Rounds a number to the nearest fp8 E5M2 (round to nearest even) and returns its 8 bits.
 * Overflow becomes ±Inf, NaN stays NaN.
 *
 * @example
 * ```ts
 * import { fp8e5m2FromNumber, fp8e5m2ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fp8e5m2ToNumber(fp8e5m2FromNumber(1000)), 1024);
 * ```
 */
export function fp8e5m2FromNumber(x: number): number {
  return encodeMini(x, E5M2_POS, x < 0 ? 0xfe : 0x7e, 0x7c);
}

/**
 * Widens the 8 bits of an fp8 E5M2 to a number.
 *
 * @example
 * ```ts
 * import { fp8e5m2ToNumber } from "./convert.ts";
 * import assert from "node:assert/strict";
 * assert.equal(fp8e5m2ToNumber(0x7c), Infinity);
 * ```
 */
export function fp8e5m2ToNumber(bits: number): number {
  return E5M2_TABLE[bits & 0xff];
}
