// Helpers shared by the elementwise tests (binary, compare, ternary): dtype groups, broadcastable
// random shapes, Python literals for JS scalars, and whether cast kernels between dtypes exist.

import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { hasKernel } from "../src/runtime/cpu/kernels.ts";
import {
  type Layout,
  LAYOUTS,
  randomShape,
  randomTensor,
  type Rng,
  type ValueOptions,
} from "./_random.ts";

/** All 17 dtypes. */
export const ALL: readonly DType[] = nr.DTYPE_NAMES;
/** Real floats. */
export const FLOATS: readonly DType[] = ["f64", "f32", "f16", "bf16", "fp8e4m3", "fp8e5m2"];
/** Signed and unsigned ints. */
export const INTS: readonly DType[] = ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8"];
/** Complex dtypes. */
export const COMPLEX: readonly DType[] = ["c64", "c128"];
/** Real numeric dtypes. */
export const REALS: readonly DType[] = [...FLOATS, ...INTS];
/** Numeric dtypes, complex included. */
export const NUMERIC: readonly DType[] = [...REALS, ...COMPLEX];

/**
 * True once cast kernels between different dtypes exist (they come from the cast branch); tests
 * of paths that cast are skipped until then.
 */
export const CASTS: boolean = hasKernel("cast", "i32", "f64") && hasKernel("cast", "bool", "i8");

/** A Python literal for a JS scalar (integral numbers are Python ints, as in numr). */
export function pyLiteral(s: number | bigint | boolean): string {
  if (typeof s === "boolean") return s ? "True" : "False";
  if (typeof s === "bigint") return s.toString();
  if (Number.isNaN(s)) return "float('nan')";
  if (s === Infinity) return "float('inf')";
  if (s === -Infinity) return "-float('inf')";
  if (Object.is(s, -0)) return "-0.0";
  if (Number.isInteger(s)) return BigInt(s).toString();
  return String(s);
}

/** Two shapes that broadcast together (size-1 dims, missing leading dims, 0-d, empty). */
export function broadcastPair(rng: Rng): [number[], number[]] {
  const full = randomShape(rng);
  const derive = () => {
    const drop = rng.next() < 0.3 ? rng.int(0, full.length) : 0;
    return full.slice(drop).map((d) => (rng.next() < 0.25 ? 1 : d));
  };
  return [derive(), derive()];
}

/** Three shapes that broadcast together. */
export function broadcastTriple(rng: Rng): [number[], number[], number[]] {
  const full = randomShape(rng);
  const derive = () => {
    const drop = rng.next() < 0.3 ? rng.int(0, full.length) : 0;
    return full.slice(drop).map((d) => (rng.next() < 0.25 ? 1 : d));
  };
  return [derive(), derive(), derive()];
}

/** Layout pairs: every layout for the first operand, then every layout for the second. */
export function layoutPairs(rng: Rng): [Layout, Layout][] {
  return [
    ...LAYOUTS.map((l) => [l, rng.pick(LAYOUTS)] as [Layout, Layout]),
    ...LAYOUTS.map((l) => [rng.pick(LAYOUTS), l] as [Layout, Layout]),
  ];
}

/** A random tensor of `shape` (any layout; broadcast layouts need a non-empty shape). */
export function operand(
  rng: Rng,
  dtype: DType,
  shape: readonly number[],
  layout: Layout,
  options: ValueOptions = {},
): Tensor {
  return randomTensor(rng, dtype, shape, layout, options);
}

/** Runs `f` and returns the NumrError code it threw (or "none"). */
export function errorCode(f: () => unknown): string {
  try {
    f();
    return "none";
  } catch (e) {
    if (e instanceof nr.NumrError) return e.code;
    throw e;
  }
}
