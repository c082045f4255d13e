// Element formatters for printing, after NumPy's arrayprint: one formatter per tensor is built from
// every value shown, so all elements share one notation, one digit count and one width. Floats
// print the shortest digits that round-trip in their own dtype, capped at `precision` digits.

import {
  bf16FromNumber,
  bf16ToNumber,
  fp8e4m3FromNumber,
  fp8e4m3ToNumber,
  fp8e5m2FromNumber,
  fp8e5m2ToNumber,
} from "../dtype/convert.ts";
import { type DType, DTYPES } from "../dtype/dtypes.ts";
import type { Complex, Element } from "../dtype/values.ts";

/** Turns one element into its text; every element of a tensor gets the same width. */
export type ElementFormatter = (value: Element) => string;

/** Rounds a JS number to the nearest value of a real float dtype. */
type Rounder = (x: number) => number;

const ROUND: Partial<Record<DType, Rounder>> = {
  f64: (x) => x,
  f32: Math.fround,
  f16: Math.f16round,
  bf16: (x) => bf16ToNumber(bf16FromNumber(x)),
  fp8e4m3: (x) => fp8e4m3ToNumber(fp8e4m3FromNumber(x)),
  fp8e5m2: (x) => fp8e5m2ToNumber(fp8e5m2FromNumber(x)),
};

/**
 * Decimal digits a dtype holds (NumPy's `finfo(dtype).precision`); values of 10^this and above
 * print in scientific notation, where positional digits would be made up.
 */
const DECIMAL_PRECISION: Partial<Record<DType, number>> = {
  f64: 15,
  f32: 6,
  f16: 3,
  bf16: 2,
  fp8e4m3: 1,
  fp8e5m2: 1,
};

/** A non-negative decimal: `digits` with the decimal point after `point` of them. */
interface Decimal {
  digits: string;
  point: number;
}

const ZERO: Decimal = { digits: "0", point: 1 };

const F64 = new Float64Array(1);
const BITS = new BigUint64Array(F64.buffer);

/** The exact decimal value of a finite double ≥ 0 (every double is a finite decimal). */
function exactDecimal(x: number): Decimal {
  F64[0] = x;
  const bits = BITS[0];
  const field = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let e = field === 0 ? -1074 : field - 1075;
  if (field !== 0) mantissa |= 1n << 52n;
  if (mantissa === 0n) return ZERO;
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    e++;
  }
  if (e >= 0) {
    const digits = (mantissa << BigInt(e)).toString();
    return { digits, point: digits.length };
  }
  const digits = (mantissa * 5n ** BigInt(-e)).toString();
  return { digits, point: digits.length + e };
}

/**
 * `x` (> 0, finite) rounded half-to-even on its exact value, keeping either `fraction` digits
 * after the decimal point or `significant` digits in all (NumPy's Dragon4 cut-off).
 */
function roundExact(x: number, keep: { fraction?: number; significant?: number }): Decimal {
  const { digits, point } = exactDecimal(x);
  const k = keep.significant ?? point + keep.fraction!;
  if (k >= digits.length) return { digits: digits.replace(/0+$/, "") || "0", point };
  if (k < 0) return ZERO;
  let head = digits.slice(0, k);
  const rest = digits.slice(k);
  const odd = head.length > 0 && Number(head[head.length - 1]) % 2 === 1;
  const up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || odd));
  if (up) head = head === "" ? "1" : (BigInt(head) + 1n).toString();
  if (head === "") return ZERO;
  const trimmed = head.replace(/0+$/, "") || "0";
  return trimmed === "0" ? ZERO : { digits: trimmed, point: head.length + point - k };
}

/**
 * The shortest digits that round back to `x` (> 0, finite) in the dtype of `round`; of two
 * equally short and near candidates, the even one (as Dragon4 and JS's own shortest digits do).
 */
function shortest(x: number, round: Rounder, isF64: boolean): Decimal {
  if (isF64) {
    const [mantissa, exponent] = x.toExponential().split("e");
    return { digits: mantissa.replace(".", ""), point: Number(exponent) + 1 };
  }
  for (let significant = 1; significant < 17; significant++) {
    const d = roundExact(x, { significant });
    if (round(Number(`0.${d.digits}e${d.point}`)) === x) return d;
  }
  return roundExact(x, { significant: 17 });
}

/** Integer and fraction digits of a decimal in positional notation. */
function positionalParts(d: Decimal): [string, string] {
  if (d === ZERO || d.digits === "0") return ["0", ""];
  const { digits, point } = d;
  if (point <= 0) return ["0", "0".repeat(-point) + digits];
  if (point >= digits.length) return [digits + "0".repeat(point - digits.length), ""];
  return [digits.slice(0, point), digits.slice(point)];
}

/** Mantissa digits (before, after the point) and decimal exponent in scientific notation. */
function scientificParts(d: Decimal): [string, string, number] {
  if (d === ZERO || d.digits === "0") return ["0", "", 0];
  return [d.digits[0], d.digits.slice(1), d.point - 1];
}

function exponentText(e: number, digits: number): string {
  return (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(Math.max(digits, 2), "0");
}

/**
 * NumPy's FloatingFormat in its default mode (`floatmode="maxprec"`, no `suppress`): positional
 * unless the magnitudes need scientific notation; left padding aligns the decimal points.
 */
class FloatFormat {
  readonly #round: Rounder;
  readonly #exactF64: boolean;
  readonly #sign: "-" | "+";
  #precision: number;
  #scientific = false;
  #padLeft = 0;
  #padRight = 0;
  #expSize = -1;
  #minDigits = 0;

  constructor(values: readonly number[], dtype: DType, precision: number, sign: "-" | "+") {
    this.#round = ROUND[dtype] ?? ((x) => x);
    this.#exactF64 = dtype === "f64";
    this.#sign = sign;
    this.#precision = precision;
    const finite = values.filter(Number.isFinite);
    let max = 0;
    let min = Infinity;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a === 0) continue;
      if (a > max) max = a;
      if (a < min) min = a;
    }
    if (max > 0) {
      // NumPy compares in the dtype itself (NEP 50: the Python floats are weak).
      const r = this.#round;
      const cutoff = r(10 ** Math.min(8, DECIMAL_PRECISION[dtype] ?? 15));
      this.#scientific = max >= cutoff || min < r(1e-4) || r(max / min) > 1000;
    }
    if (finite.length > 0 && this.#scientific) {
      let frac = 0;
      let intLen = 0;
      for (const v of finite) {
        const [int, f, e] = scientificParts(this.#decimal(v));
        frac = Math.max(frac, f.length);
        intLen = Math.max(intLen, int.length + this.#signText(v).length);
        this.#expSize = Math.max(this.#expSize, exponentText(e, 2).length - 1);
      }
      this.#precision = frac;
      this.#minDigits = frac;
      this.#padLeft = intLen;
      this.#padRight = this.#expSize + 2 + frac;
    } else if (finite.length > 0) {
      for (const v of finite) {
        const [int, f] = positionalParts(this.#decimal(v));
        this.#padLeft = Math.max(this.#padLeft, int.length + this.#signText(v).length);
        this.#padRight = Math.max(this.#padRight, f.length);
      }
    }
    if (finite.length !== values.length) {
      const negInf = sign !== "-" || values.some((v) => v === -Infinity);
      const offset = this.#padRight + 1;
      this.#padLeft = Math.max(this.#padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
    }
  }

  #signText(v: number): string {
    if (v < 0 || Object.is(v, -0)) return "-";
    return this.#sign === "+" ? "+" : "";
  }

  /**
   * The digits of |v|: the shortest that round-trip, cut at the precision; in scientific
   * notation, more digits of the exact value up to `#minDigits` (Dragon4's `min_digits`).
   */
  #decimal(v: number): Decimal {
    const a = Math.abs(v);
    if (a === 0) return ZERO;
    const d = shortest(a, this.#round, this.#exactF64);
    if (this.#scientific) {
      const after = d.digits.length - 1;
      if (after > this.#precision || after < this.#minDigits) {
        return roundExact(a, { significant: this.#precision + 1 });
      }
    } else if (d.digits.length - d.point > this.#precision) {
      return roundExact(a, { fraction: this.#precision });
    }
    return d;
  }

  format(v: number): string {
    if (!Number.isFinite(v)) {
      const text = Number.isNaN(v)
        ? (this.#sign === "+" ? "+" : "") + "nan"
        : (v < 0 ? "-" : this.#sign === "+" ? "+" : "") + "inf";
      return text.padStart(this.#padLeft + this.#padRight + 1);
    }
    const sign = this.#signText(v);
    if (this.#scientific) {
      const [int, frac, e] = scientificParts(this.#decimal(v));
      const mantissa = (sign + int).padStart(this.#padLeft) + "." +
        frac.padEnd(this.#minDigits, "0");
      return mantissa + "e" + exponentText(e, this.#expSize);
    }
    const [int, frac] = positionalParts(this.#decimal(v));
    return (sign + int).padStart(this.#padLeft) + "." + frac.padEnd(this.#padRight);
  }
}

function intFormatter(values: readonly Element[]): ElementFormatter {
  let width = 0;
  for (const v of values) width = Math.max(width, String(v).length);
  return (v) => String(v).padStart(width);
}

function boolFormatter(zeroDim: boolean): ElementFormatter {
  // Padded so that "true" and "false" line up, except in a 0-d tensor (NumPy's " True").
  const yes = zeroDim ? "true" : " true";
  return (v) => (v ? yes : "false");
}

function complexFormatter(
  values: readonly Element[],
  dtype: DType,
  precision: number,
): ElementFormatter {
  const part = dtype === "c64" ? "f32" : "f64";
  const cs = values as readonly Complex[];
  const re = new FloatFormat(cs.map((c) => c.re), part, precision, "-");
  const im = new FloatFormat(cs.map((c) => c.im), part, precision, "+");
  return (v) => {
    const c = v as Complex;
    const i = im.format(c.im);
    const end = i.trimEnd().length;
    return re.format(c.re) + i.slice(0, end) + "j" + i.slice(end);
  };
}

/**
 * The formatter for the elements of one tensor, fitted to the values shown (`zeroDim` for a 0-d
 * tensor, which prints its element without padding).
 *
 * @example
 * ```ts
 * import { elementFormatter } from "./format_element.ts";
 * import assert from "node:assert/strict";
 * const f = elementFormatter("f32", [1.5, -10, 0.25], 8, false);
 * assert.deepEqual([1.5, -10, 0.25].map(f), ["  1.5 ", "-10.  ", "  0.25"]);
 * ```
 */
export function elementFormatter(
  dtype: DType,
  values: readonly Element[],
  precision: number,
  zeroDim: boolean,
): ElementFormatter {
  switch (DTYPES[dtype].kind) {
    case "bool":
      return boolFormatter(zeroDim);
    case "int":
    case "uint":
      return intFormatter(values);
    case "complex":
      return complexFormatter(values, dtype, precision);
    case "float": {
      const f = new FloatFormat(values as readonly number[], dtype, precision, "-");
      return (v) => f.format(v as number);
    }
  }
}
