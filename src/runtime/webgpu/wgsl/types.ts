// The WGSL view of the dtype table: how each dtype numr runs on WebGPU is stored (raw 32-bit
// words, sub-word lanes, word pairs) and which WGSL type it computes in. Every kernel template
// reads and writes elements only through the functions rendered here, so no template names a
// dtype.

import type { DType } from "../../../dtype/dtypes.ts";

/** The WGSL type an element is computed in. */
export type ComputeType = "f32" | "i32" | "u32" | "bool" | "vec2<f32>" | "vec2<u32>";

/** How a dtype lives on the GPU and computes there. */
export interface WgslType {
  /** The dtype. */
  readonly dtype: DType;
  /** WGSL compute type (f16/bf16 compute in f32, i8/i16 in i32, u8/u16 in u32). */
  readonly compute: ComputeType;
  /** Bits per element in storage: 8, 16, 32 or 64. */
  readonly bits: 8 | 16 | 32 | 64;
  /** The raw type one element's bits are carried in (u32, or vec2<u32> for 64-bit dtypes). */
  readonly raw: "u32" | "vec2<u32>";
  /** WGSL turning `raw` bits into the compute type (`$` is the raw expression). */
  readonly unpack: string;
  /** WGSL turning a compute value (`$`) into raw bits (zero-extended for sub-word dtypes). */
  readonly pack: string;
}

function t(
  dtype: DType,
  compute: ComputeType,
  bits: 8 | 16 | 32 | 64,
  unpack: string,
  pack: string,
): WgslType {
  return { dtype, compute, bits, raw: bits === 64 ? "vec2<u32>" : "u32", unpack, pack };
}

/**
 * The dtypes the WebGPU backend runs. f16 and bf16 compute in f32 and round once on store, as the
 * CPU kernels do (so results match bit for bit where the f32 operation is exact), which also
 * makes them independent of the adapter's `shader-f16` feature. f64, c128 and fp8 are absent:
 * WGSL has no f64, and fp8 has no kernels yet.
 */
export const WGSL_TYPES: Partial<Record<DType, WgslType>> = {
  f32: t("f32", "f32", 32, "bitcast<f32>($)", "bitcast<u32>($)"),
  i32: t("i32", "i32", 32, "bitcast<i32>($)", "bitcast<u32>($)"),
  u32: t("u32", "u32", 32, "$", "$"),
  f16: t("f16", "f32", 16, "f16_to_f32($)", "f32_to_f16($)"),
  bf16: t("bf16", "f32", 16, "bitcast<f32>(($) << 16u)", "f32_to_bf16($)"),
  i16: t("i16", "i32", 16, "(bitcast<i32>(($) << 16u) >> 16u)", "(bitcast<u32>($) & 0xffffu)"),
  u16: t("u16", "u32", 16, "$", "(($) & 0xffffu)"),
  i8: t("i8", "i32", 8, "(bitcast<i32>(($) << 24u) >> 24u)", "(bitcast<u32>($) & 0xffu)"),
  u8: t("u8", "u32", 8, "$", "(($) & 0xffu)"),
  bool: t("bool", "bool", 8, "(($) != 0u)", "select(0u, 1u, $)"),
  c64: t("c64", "vec2<f32>", 64, "bitcast<vec2<f32>>($)", "bitcast<vec2<u32>>($)"),
  i64: t("i64", "vec2<u32>", 64, "$", "$"),
  u64: t("u64", "vec2<u32>", 64, "$", "$"),
};

/** The WGSL row of a dtype, or undefined when WebGPU does not run it. */
export function wgslType(d: DType): WgslType | undefined {
  return WGSL_TYPES[d];
}

/** Applies a `$` template to an expression. */
export function apply(template: string, expr: string): string {
  return template.replaceAll("$", expr);
}

/**
 * Helpers every kernel may call: exact f16/bf16 rounding (round to nearest even, overflow to
 * ±Inf, NaN kept quiet), NaN and infinity tests on the bits (WGSL lets compilers assume finite
 * floats, so `x != x` is not a reliable NaN test), 64-bit integer words.
 */
export const PRELUDE = `
fn f16_to_f32(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    // Zero or subnormal: m * 2^-24, exact in f32.
    let v = f32(m) * 5.9604644775390625e-8;
    return bitcast<f32>(bitcast<u32>(v) | s);
  }
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}
fn f32_to_f16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  let s = (b >> 16u) & 0x8000u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return s | 0x7e00u | ((a >> 13u) & 0x3ffu); }
  if (a >= 0x477ff000u) { return s | 0x7c00u; }
  if (a < 0x38800000u) {
    // Subnormal or zero in f16: shift the full mantissa, round to nearest even.
    if (a < 0x33000000u) { return s; }
    let e = a >> 23u;
    let m = (a & 0x7fffffu) | 0x800000u;
    let shift = 126u - e;
    let q = m >> shift;
    let rem = m & ((1u << shift) - 1u);
    let half = 1u << (shift - 1u);
    var r = q;
    if (rem > half || (rem == half && (q & 1u) == 1u)) { r = q + 1u; }
    return s | r;
  }
  let r = a + 0xfffu + ((a >> 13u) & 1u);
  return s | ((r - 0x38000000u) >> 13u);
}
fn f32_to_bf16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return (b >> 16u) | 0x40u; }
  return (b + 0x7fffu + ((b >> 16u) & 1u)) >> 16u;
}
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nan_f32() -> f32 { return bitcast<f32>(0x7fc00000u); }
fn inf_f32() -> f32 { return bitcast<f32>(0x7f800000u); }
fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn mul32x32(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (p00 & 0xffffu) | (mid << 16u);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(lo, hi);
}
fn mul64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let p = mul32x32(a.x, b.x);
  return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
}
fn i64_from_i32(v: i32) -> vec2<u32> {
  return vec2<u32>(bitcast<u32>(v), select(0u, 0xffffffffu, v < 0));
}
fn lt_i64(a: vec2<u32>, b: vec2<u32>) -> bool {
  let ah = bitcast<i32>(a.y); let bh = bitcast<i32>(b.y);
  return ah < bh || (ah == bh && a.x < b.x);
}
fn lt_u64(a: vec2<u32>, b: vec2<u32>) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
fn i64_to_f32(v: vec2<u32>) -> f32 {
  let neg = bitcast<i32>(v.y) < 0;
  var m = v;
  if (neg) { m = add64(~v, vec2<u32>(1u, 0u)); }
  let r = f32(m.y) * 4294967296.0 + f32(m.x);
  return select(r, -r, neg);
}
fn u64_to_f32(v: vec2<u32>) -> f32 { return f32(v.y) * 4294967296.0 + f32(v.x); }
`;
