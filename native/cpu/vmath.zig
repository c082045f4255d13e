//! Vector math: elementary functions on `@Vector(n, f32)` and `@Vector(n, f64)`, about 1 ulp
//! accurate, with NaN, ±inf, ±0, overflow, underflow and subnormals handled exactly.
//!
//! The algorithms are fdlibm's (as musl and Zig's std carry them), made branch-free: every lane
//! runs the same code and `@select` picks the branch a lane needs. Lanes that need rare, costly
//! work (trigonometric arguments beyond the Cody-Waite range) are finished by Zig's scalar
//! functions, which reduce any argument exactly. Zig's own `@exp` and friends on vectors are
//! per-lane library calls, which is why this file exists.

const std = @import("std");
const builtin = @import("builtin");

/// Whether the target has fused multiply-add. Without it `@mulAdd` is a slow library call (and
/// Zig 0.15's returns NaN when the product underflows), so `mad` falls back to a separate
/// multiply and add; the algorithms stay within ~1 ulp either way.
pub const has_fma = switch (builtin.cpu.arch) {
    .x86_64 => std.Target.x86.featureSetHas(builtin.cpu.features, .fma),
    .aarch64, .aarch64_be => true,
    else => false,
};

fn Child(comptime V: type) type {
    return @typeInfo(V).vector.child;
}

fn lenOf(comptime V: type) comptime_int {
    return @typeInfo(V).vector.len;
}

/// Unsigned integer vector with the float's bit layout.
fn UBits(comptime V: type) type {
    return @Vector(lenOf(V), if (Child(V) == f32) u32 else u64);
}

/// Signed integer vector of the float's width (exponents, quadrants).
fn IBits(comptime V: type) type {
    return @Vector(lenOf(V), if (Child(V) == f32) i32 else i64);
}

/// Format facts of f32 and f64.
fn Format(comptime T: type) type {
    return struct {
        const mant_bits = std.math.floatMantissaBits(T);
        const bias = (1 << (std.math.floatExponentBits(T) - 1)) - 1;
        const min_normal = std.math.floatMin(T);
        const max = std.math.floatMax(T);
    };
}

inline fn sp(comptime V: type, x: anytype) V {
    return @splat(@as(Child(V), x));
}

/// a * b + c, fused where the hardware has it.
pub inline fn mad(a: anytype, b: @TypeOf(a), c: @TypeOf(a)) @TypeOf(a) {
    if (comptime has_fma) return @mulAdd(@TypeOf(a), a, b, c);
    return a * b + c;
}

/// Horner evaluation of c[0] + c[1] x + ... + c[m] x^m.
inline fn poly(comptime V: type, x: V, comptime c: anytype) V {
    var acc: V = sp(V, c[c.len - 1]);
    comptime var i = c.len - 1;
    inline while (i > 0) {
        i -= 1;
        acc = mad(acc, x, sp(V, c[i]));
    }
    return acc;
}

inline fn toBits(x: anytype) UBits(@TypeOf(x)) {
    return @bitCast(x);
}

inline fn fromBits(comptime V: type, u: UBits(V)) V {
    return @bitCast(u);
}

inline fn isNan(x: anytype) @Vector(lenOf(@TypeOf(x)), bool) {
    return x != x;
}

/// |x| with the sign of s.
pub inline fn copysign(x: anytype, s: @TypeOf(x)) @TypeOf(x) {
    const V = @TypeOf(x);
    const sign_mask: UBits(V) = @splat(@as(Child(UBits(V)), 1) << (@bitSizeOf(Child(V)) - 1));
    return fromBits(V, (toBits(x) & ~sign_mask) | (toBits(s) & sign_mask));
}

/// 2^k for integer vectors k inside the normal exponent range.
inline fn pow2(comptime V: type, k: IBits(V)) V {
    const F = Format(Child(V));
    const biased: UBits(V) = @bitCast(k + @as(IBits(V), @splat(F.bias)));
    return fromBits(V, biased << @splat(F.mant_bits));
}

/// Clears the low `bits` bits of each lane (splits a value into a short head and a tail).
inline fn clearLow(x: anytype, comptime bits: comptime_int) @TypeOf(x) {
    const V = @TypeOf(x);
    const U = Child(UBits(V));
    const mask: UBits(V) = @splat(~((@as(U, 1) << bits) - 1));
    return fromBits(V, toBits(x) & mask);
}

/// Calls the scalar `f` on the lanes where `mask` is set and merges the results into `y`.
inline fn patch(
    comptime V: type,
    x: V,
    y: V,
    mask: @Vector(lenOf(V), bool),
    comptime f: anytype,
) V {
    if (!@reduce(.Or, mask)) return y;
    var out = y;
    inline for (0..lenOf(V)) |i| {
        if (mask[i]) out[i] = f(x[i]);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Exponentials

/// Taylor coefficients of e^(scale x): scale^k / k! for k = 0..degree, rounded from f128.
fn Taylor(
    comptime T: type,
    comptime degree: comptime_int,
    comptime scale: comptime_float,
) [degree + 1]T {
    var c: [degree + 1]T = undefined;
    var term: f128 = 1;
    for (0..degree + 1) |k| {
        if (k > 0) term = term * @as(f128, scale) / @as(f128, @floatFromInt(k));
        c[k] = @floatCast(term);
    }
    return c;
}

fn ExpConsts(comptime T: type) type {
    return if (T == f32) struct {
        const ln2_hi: f32 = 6.9314575195e-01;
        const ln2_lo: f32 = 1.4286067653e-06;
        // Lower bound: every result below rounds to 0; upper: every result above overflows,
        // even scaled by 1/2 (sinh and cosh use e^x / 2).
        const lo: f32 = -104.0;
        const hi: f32 = 90.0;
        const lo2: f32 = -151.0;
        const hi2: f32 = 130.0;
        const expm1_lo: f32 = -18.0;
        const degree = 7;
    } else struct {
        const ln2_hi: f64 = 6.93147180369123816490e-01;
        const ln2_lo: f64 = 1.90821492927058770002e-10;
        const lo: f64 = -746.0;
        const hi: f64 = 711.0;
        const lo2: f64 = -1076.0;
        const hi2: f64 = 1026.0;
        const expm1_lo: f64 = -40.0;
        const degree = 13;
    };
}

/// p * 2^k without intermediate overflow or double rounding for k in [-2 * bias - mant, 2 * bias].
inline fn scale2(comptime V: type, p: V, k: IBits(V)) V {
    const k1 = k >> @splat(1);
    return p * pow2(V, k1) * pow2(V, k - k1);
}

/// e^x * 2^shift (shift -1 gives e^x / 2 for sinh and cosh without early overflow).
pub fn expScaled(comptime V: type, x: V, comptime shift: comptime_int) V {
    const T = Child(V);
    const C = ExpConsts(T);
    const xc = @min(@max(x, sp(V, C.lo)), sp(V, C.hi));
    const kf = @round(xc * sp(V, std.math.log2e));
    var r = mad(kf, sp(V, -C.ln2_hi), xc);
    r = mad(kf, sp(V, -C.ln2_lo), r);
    const p = poly(V, r, comptime Taylor(T, C.degree, 1.0));
    const k: IBits(V) = @intFromFloat(kf);
    const y = scale2(V, p, k + @as(IBits(V), @splat(shift)));
    return @select(T, isNan(x), x, y);
}

/// e^x.
pub fn exp(comptime V: type, x: V) V {
    return expScaled(V, x, 0);
}

/// 2^x.
pub fn exp2(comptime V: type, x: V) V {
    const T = Child(V);
    const C = ExpConsts(T);
    const xc = @min(@max(x, sp(V, C.lo2)), sp(V, C.hi2));
    const kf = @round(xc);
    const r = xc - kf;
    const p = poly(V, r, comptime Taylor(T, C.degree, std.math.ln2));
    const k: IBits(V) = @intFromFloat(kf);
    const y = scale2(V, p, k);
    return @select(T, isNan(x), x, y);
}

/// e^x - 1, accurate near 0.
pub fn expm1(comptime V: type, x: V) V {
    const T = Child(V);
    const C = ExpConsts(T);
    const F = Format(T);
    const xc = @min(@max(x, sp(V, C.expm1_lo)), sp(V, C.hi));
    const kf = @round(xc * sp(V, std.math.log2e));
    const r_head = mad(kf, sp(V, -C.ln2_hi), xc);
    const r = mad(kf, sp(V, -C.ln2_lo), r_head);
    // The rounding error of the reduction, carried into p: 2^k p cancels against 2^k - 1 when
    // k = 1 or -1, and this keeps those results within about 1 ulp.
    const r_tail = mad(kf, sp(V, -C.ln2_lo), r_head - r);
    // p = e^r - 1 = r + r^2 (1/2 + r/6 + ...), plus r_tail e^r.
    const q = poly(V, r, comptime blk: {
        const t = Taylor(T, C.degree + 1, 1.0);
        break :blk t[2..].*;
    });
    const h = mad(r_tail, r + sp(V, 1), r * r * q);
    const p = r + h;
    const k: IBits(V) = @intFromFloat(kf);
    // Small k: 2^k p + (2^k - 1), where 2^k - 1 is exact. For k = 1 the sum cancels, so add the
    // exact 1 + 2r first and the small nonlinear part h after.
    const k_small = @min(k, @as(IBits(V), @splat(F.mant_bits + 1)));
    const two_k = pow2(V, k_small);
    const one_up = mad(sp(V, 2), h, mad(sp(V, 2), r, sp(V, 1)));
    const general = mad(two_k, p, two_k - sp(V, 1));
    const small = @select(T, k == sp(IBits(V), 1), one_up, general);
    // Large k: the -1 is below the rounding of 2^k (1 + p).
    const large = scale2(V, p + sp(V, 1), k);
    const y = @select(T, k > @as(IBits(V), @splat(F.mant_bits + 1)), large, small);
    // Keep -0 and NaN as they are.
    return @select(T, (x == sp(V, 0)) | isNan(x), x, y);
}

// ---------------------------------------------------------------------------------------------
// Logarithms

fn LogConsts(comptime T: type) type {
    return if (T == f32) struct {
        const ln2_hi: f32 = 6.9313812256e-01;
        const ln2_lo: f32 = 9.0580006145e-06;
        const lg = [_]f32{ 0xaaaaaa.0p-24, 0xccce13.0p-25, 0x91e9ee.0p-25, 0xf89e26.0p-26 };
        // bits(1.0) - bits(sqrt(2)/2) rounded, and the split point, as in fdlibm.
        const offset: u32 = 0x3F800000 - 0x3F3504F3;
        const base: u32 = 0x3F3504F3;
        const head_clear = 12;
        const ivln2_hi: f32 = 1.4428710938e+00;
        const ivln2_lo: f32 = -1.7605285393e-04;
        const ivln10_hi: f32 = 4.3432617188e-01;
        const ivln10_lo: f32 = -3.1689971365e-05;
        const log10_2_hi: f32 = 3.0102920532e-01;
        const log10_2_lo: f32 = 7.9034151668e-07;
    } else struct {
        const ln2_hi: f64 = 6.93147180369123816490e-01;
        const ln2_lo: f64 = 1.90821492927058770002e-10;
        const lg = [_]f64{
            6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
            2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
            1.479819860511658591e-01,
        };
        const offset: u64 = (0x3FF00000 - 0x3FE6A09E) << 32;
        const base: u64 = 0x3FE6A09E << 32;
        const head_clear = 32;
        const ivln2_hi: f64 = 1.44269504072144627571e+00;
        const ivln2_lo: f64 = 1.67517131648865118353e-10;
        const ivln10_hi: f64 = 4.34294481878168880939e-01;
        const ivln10_lo: f64 = 2.50829467116452752298e-11;
        const log10_2_hi: f64 = 3.01029995663611771306e-01;
        const log10_2_lo: f64 = 3.69423907715893078616e-13;
    };
}

/// The pieces of log(x) for finite x > 0: x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)),
/// and log(1 + f) = f - hfsq + tail.
fn LogParts(comptime V: type) type {
    return struct { k: V, f: V, hfsq: V, tail: V };
}

inline fn logParts(comptime V: type, x: V) LogParts(V) {
    const T = Child(V);
    const F = Format(T);
    const C = LogConsts(T);
    const sub = x < sp(V, F.min_normal);
    const scaled = @select(T, sub, x * sp(V, @as(T, 1 << (F.mant_bits + 2))), x);
    const k_sub = @select(Child(IBits(V)), sub, sp(IBits(V), -(F.mant_bits + 2)), sp(IBits(V), 0));
    const ix = toBits(scaled) +% @as(UBits(V), @splat(C.offset));
    const e: IBits(V) = @intCast(ix >> @splat(F.mant_bits));
    const k = e - @as(IBits(V), @splat(F.bias)) + k_sub;
    const mant_mask: UBits(V) = @splat((@as(Child(UBits(V)), 1) << F.mant_bits) - 1);
    const m = fromBits(V, (ix & mant_mask) +% @as(UBits(V), @splat(C.base)));
    const f = m - sp(V, 1);
    const hfsq = sp(V, 0.5) * f * f;
    const s = f / (sp(V, 2) + f);
    const z = s * s;
    const w = z * z;
    const R = if (T == f32)
        z * mad(w, sp(V, C.lg[2]), sp(V, C.lg[0])) + w * mad(w, sp(V, C.lg[3]), sp(V, C.lg[1]))
    else
        z * poly(V, w, .{ C.lg[0], C.lg[2], C.lg[4], C.lg[6] }) +
            w * poly(V, w, .{ C.lg[1], C.lg[3], C.lg[5] });
    return .{ .k = @floatFromInt(k), .f = f, .hfsq = hfsq, .tail = s * (hfsq + R) };
}

/// The result of a log-family function at x <= 0, +inf or NaN (y elsewhere).
inline fn logSpecial(comptime V: type, x: V, y: V) V {
    const T = Child(V);
    const inf = std.math.inf(T);
    const ok = (x > sp(V, 0)) & (x < sp(V, inf));
    const negative = @select(T, x < sp(V, 0), sp(V, std.math.nan(T)), x);
    const special = @select(T, x == sp(V, 0), sp(V, -inf), negative);
    return @select(T, ok, y, special);
}

inline fn logFinite(comptime V: type, x: V) V {
    const C = LogConsts(Child(V));
    const p = logParts(V, x);
    return p.tail + p.k * sp(V, C.ln2_lo) - p.hfsq + p.f + p.k * sp(V, C.ln2_hi);
}

/// Natural logarithm.
pub fn log(comptime V: type, x: V) V {
    return logSpecial(V, x, logFinite(V, x));
}

/// Base-2 logarithm (head/tail products keep it within 1 ulp).
pub fn log2(comptime V: type, x: V) V {
    const C = LogConsts(Child(V));
    const p = logParts(V, x);
    const hi = clearLow(p.f - p.hfsq, C.head_clear);
    const lo = p.f - hi - p.hfsq + p.tail;
    var val_hi = hi * sp(V, C.ivln2_hi);
    var val_lo = (lo + hi) * sp(V, C.ivln2_lo) + lo * sp(V, C.ivln2_hi);
    const w = p.k + val_hi;
    val_lo += (p.k - w) + val_hi;
    val_hi = w;
    return logSpecial(V, x, val_lo + val_hi);
}

/// Base-10 logarithm.
pub fn log10(comptime V: type, x: V) V {
    const C = LogConsts(Child(V));
    const p = logParts(V, x);
    const hi = clearLow(p.f - p.hfsq, C.head_clear);
    const lo = p.f - hi - p.hfsq + p.tail;
    var val_hi = hi * sp(V, C.ivln10_hi);
    const y = p.k * sp(V, C.log10_2_hi);
    var val_lo = p.k * sp(V, C.log10_2_lo) + (lo + hi) * sp(V, C.ivln10_lo) +
        lo * sp(V, C.ivln10_hi);
    const w = y + val_hi;
    val_lo += (y - w) + val_hi;
    val_hi = w;
    return logSpecial(V, x, val_lo + val_hi);
}

/// log(u) - c / u, where u = 1 + v was rounded and c = (u - 1) - v is its rounding error, so the
/// result is log(1 + v) to about 1 ulp. Specials follow u.
inline fn logCorrected(comptime V: type, u: V, c: V) V {
    const y = logFinite(V, u) - c / u;
    return logSpecial(V, u, y);
}

/// log(1 + x), accurate near 0.
pub fn log1p(comptime V: type, x: V) V {
    const u = sp(V, 1) + x;
    const c = (u - sp(V, 1)) - x;
    const y = logCorrected(V, u, c);
    return @select(Child(V), x == sp(V, 0), x, y);
}

// ---------------------------------------------------------------------------------------------
// Hyperbolic functions and their inverses

/// Hyperbolic tangent: an odd polynomial below 0.55 (scripts/vmath_coeffs.py), else
/// 1 - 2 / (e^2|x| + 1). A block whose lanes all fall on one side computes only that side.
pub fn tanh(comptime V: type, x: V) V {
    const T = Child(V);
    const a = @abs(x);
    const small = a < sp(V, 0.55);
    var y: V = undefined;
    if (@reduce(.And, small)) {
        y = tanhSmall(V, a);
    } else {
        // e^2|x| + 1 >= 4 here, so the division loses nothing; past 9 (f32) or 19 (f64) the
        // quotient is below the rounding of 1 and overflow to inf gives exactly 1.
        const big = sp(V, 1) - sp(V, 2) / (exp(V, sp(V, 2) * a) + sp(V, 1));
        y = if (@reduce(.Or, small)) @select(T, small, tanhSmall(V, a), big) else big;
    }
    return copysign(y, x);
}

inline fn tanhSmall(comptime V: type, a: V) V {
    const z = a * a;
    const tail = if (Child(V) == f32)
        poly(V, z, .{
            -0.33333333295025907178, 0.13333324200007313208,    -0.053964700445158305675,
            0.021818449128639905898, -0.0085263330578013298637, 0.0025263907105745137645,
        })
    else
        poly(V, z, .{
            -0.33333333333333332561,    0.13333333333332714826,      -0.053968253967434014504,
            0.021869488493666941903,    -0.0088632343978143548378,   0.0035921103786890238773,
            -0.0014556618301007160336,  0.00058893605200740577697,   -0.00023463474108872371445,
            0.000085113136855776715155, -0.000020602765376366341605,
        });
    return mad(a * z, tail, a);
}

/// Hyperbolic sine: its Taylor series below 1, else h - 1 / (4h) with h = e^|x| / 2 (no
/// cancellation past 1; h is scaled in the exponent, so it overflows only where sinh does).
pub fn sinh(comptime V: type, x: V) V {
    const T = Child(V);
    const a = @abs(x);
    const small = a < sp(V, 1);
    var y: V = undefined;
    if (@reduce(.And, small)) {
        y = sinhSmall(V, a);
    } else {
        const h = expScaled(V, a, -1);
        const big = h - sp(V, 0.25) / h;
        y = if (@reduce(.Or, small)) @select(T, small, sinhSmall(V, a), big) else big;
    }
    return copysign(y, x);
}

/// sinh(a) = a + a^3 (1/3! + a^2/5! + ...), to a^19 / 19! for f64 and a^11 / 11! for f32.
inline fn sinhSmall(comptime V: type, a: V) V {
    const T = Child(V);
    const series = comptime blk: {
        const terms = if (T == f32) 5 else 9;
        var c: [terms]T = undefined;
        var f: f128 = 6;
        for (0..terms) |k| {
            c[k] = @floatCast(1.0 / f);
            const m: f128 = @floatFromInt(2 * k + 4);
            f = f * m * (m + 1);
        }
        break :blk c;
    };
    const z = a * a;
    return mad(a * z, poly(V, z, series), a);
}

/// Hyperbolic cosine: h + 1 / (4h) with h = e^|x| / 2.
pub fn cosh(comptime V: type, x: V) V {
    const h = expScaled(V, @abs(x), -1);
    return h + sp(V, 0.25) / h;
}

/// Inverse hyperbolic sine.
pub fn asinh(comptime V: type, x: V) V {
    const T = Child(V);
    const a = @abs(x);
    const root = @sqrt(mad(a, a, sp(V, 1)));
    const huge = a >= sp(V, if (T == f32) 0x1p12 else 0x1p26);
    const big = a >= sp(V, 2);
    // |x| >= 2: log(2|x| + 1 / (sqrt(x^2 + 1) + |x|)); else log1p(|x| + x^2 / (sqrt(x^2 + 1) + 1)).
    const q = @select(T, big, sp(V, 1), a * a) / (root + @select(T, big, a, sp(V, 1)));
    const v = a + q;
    const u_small = sp(V, 1) + v;
    const u = @select(T, huge, a, @select(T, big, a + v, u_small));
    const c = @select(T, big, sp(V, 0), (u_small - sp(V, 1)) - v);
    const y = logCorrected(V, u, c) + @select(T, huge, sp(V, std.math.ln2), sp(V, 0));
    return copysign(y, x);
}

/// Inverse hyperbolic cosine (NaN below 1).
pub fn acosh(comptime V: type, x: V) V {
    const T = Child(V);
    const huge = x >= sp(V, if (T == f32) 0x1p12 else 0x1p26);
    const small = x < sp(V, 2);
    // x < 2: log1p(x - 1 + sqrt((x - 1)^2 + 2(x - 1))); else log(2x - 1 / (x + sqrt(x^2 - 1))).
    const xm1 = x - sp(V, 1);
    const v = xm1 + @sqrt(mad(xm1, xm1, sp(V, 2) * xm1));
    const u_small = sp(V, 1) + v;
    const u_mid = sp(V, 2) * x - sp(V, 1) / (x + @sqrt(mad(x, x, sp(V, -1))));
    const u = @select(T, small, u_small, @select(T, huge, x, u_mid));
    const c = @select(T, small, (u_small - sp(V, 1)) - v, sp(V, 0));
    const y = logCorrected(V, u, c) + @select(T, huge, sp(V, std.math.ln2), sp(V, 0));
    return @select(T, x < sp(V, 1), sp(V, std.math.nan(T)), y);
}

/// Inverse hyperbolic tangent: 0.5 log1p(2|x| + 2x^2 / (1 - |x|)) below 0.5, else
/// 0.5 log1p(2|x| / (1 - |x|)).
pub fn atanh(comptime V: type, x: V) V {
    const T = Child(V);
    const a = @abs(x);
    const small = a < sp(V, 0.5);
    const q = @select(T, small, sp(V, 2) * a * a, sp(V, 2) * a) / (sp(V, 1) - a);
    const v = @select(T, small, sp(V, 2) * a + q, q);
    const u = sp(V, 1) + v;
    const c = (u - sp(V, 1)) - v;
    const y = sp(V, 0.5) * logCorrected(V, u, c);
    return copysign(@select(T, a == sp(V, 0), a, y), x);
}

// ---------------------------------------------------------------------------------------------
// Roots

/// Real cube root (fdlibm: a bit-level first guess refined by a polynomial and a Newton step).
pub fn cbrt(comptime V: type, x: V) V {
    if (Child(V) == f32) return cbrt32(V, x);
    const U = UBits(V);
    const u_all = toBits(x);
    const sign = u_all & @as(U, @splat(1 << 63));
    const abs_bits = u_all & ~sign;
    const sub = abs_bits < @as(U, @splat(0x0010000000000000));
    const scaled = toBits(@abs(x) * sp(V, 0x1.0p54));
    // First guess: divide the high word's exponent by 3 (B1, B2 from fdlibm).
    const hx = @select(u64, sub, scaled, abs_bits) >> @splat(32);
    const bias = @select(u64, sub, sp(U, 696219795), sp(U, 715094163));
    const guess_hi = hx / sp(U, 3) + bias;
    var t = fromBits(V, sign | (guess_hi << @splat(32)));
    const r = (t * t) * (t / x);
    const head = poly(V, r, .{
        1.87595182427177009643, -1.88497979543377169875, 1.621429720105354466140,
    });
    const tail = mad(r, sp(V, 0.145996192886612446982), sp(V, -0.758397934778766047437));
    t = t * (head + ((r * r) * r) * tail);
    t = fromBits(V, (toBits(t) +% @as(U, @splat(0x80000000))) & @as(U, @splat(0xFFFFFFFFC0000000)));
    const s = t * t;
    var q = x / s;
    const w = t + t;
    q = (q - t) / (w + q);
    const y = mad(t, q, t);
    // 0, inf and NaN are their own cube roots.
    const special = (x == sp(V, 0)) | !(@abs(x) < sp(V, std.math.inf(f64)));
    return @select(f64, special, x, y);
}

fn cbrt32(comptime V: type, x: V) V {
    const n = lenOf(V);
    const D = @Vector(n, f64);
    const U = @Vector(n, u32);
    const u_all = toBits(x);
    const sign = u_all & @as(U, @splat(0x80000000));
    const abs_bits = u_all & ~sign;
    const sub = abs_bits < @as(U, @splat(0x00800000));
    const scaled = toBits(@abs(x) * sp(V, 0x1.0p24));
    const bias = @select(u32, sub, sp(U, 642849266), sp(U, 709958130));
    const h = @select(u32, sub, scaled, abs_bits) / sp(U, 3) + bias;
    const xd: D = @floatCast(x);
    var t: D = @floatCast(fromBits(V, sign | h));
    // Two Halley steps in f64 (musl's cbrtf).
    inline for (0..2) |_| {
        const r = t * t * t;
        t = t * (xd + xd + r) / (xd + r + r);
    }
    const y: V = @floatCast(t);
    const special = (x == sp(V, 0)) | !(@abs(x) < sp(V, std.math.inf(f32)));
    return @select(f32, special, x, y);
}

// ---------------------------------------------------------------------------------------------
// Trigonometric functions

/// Arguments (f64) below this use Cody-Waite reduction: |x| < 2^20 * pi/2, so fn * pio2_1 is exact.
const trig_medium_f64: f64 = 0x1.921fbp20;
/// Arguments (f32, reduced in f64) below this: |x| < 2^28 * pi/2.
const trig_medium_f32: f32 = 0x1.921fb6p28;

const pio2_1: f64 = 1.57079632673412561417e+00;
const pio2_1t: f64 = 6.07710050650619224932e-11;
const pio2_2: f64 = 6.07710050630396597660e-11;
const pio2_2t: f64 = 2.02226624879595063154e-21;
const pio2_3: f64 = 2.02226624871116645580e-21;
const pio2_3t: f64 = 8.47842766036889956997e-32;

/// x - n pi/2 as a double-double (y0 + y1) and the quadrant n, for |x| < trig_medium_f64:
/// fdlibm's medium reduction. Its second round runs for every lane; the third (for the rare
/// arguments within 2^-49 |x| of a multiple of pi/2) is selected per lane.
fn Reduced(comptime V: type) type {
    return struct { y0: V, y1: V, n: @Vector(lenOf(V), i64) };
}

inline fn reduce64(comptime V: type, x: V) Reduced(V) {
    const fn_ = @round(x * sp(V, 6.36619772367581382433e-01));
    const r1 = x - fn_ * sp(V, pio2_1);
    // Second round: good to 118 bits.
    var w = fn_ * sp(V, pio2_2);
    const r2 = r1 - w;
    const w2 = fn_ * sp(V, pio2_2t) - ((r1 - r2) - w);
    const y0_2 = r2 - w2;
    var r = r2;
    var wf = w2;
    var y0 = y0_2;
    // Third round: good to 151 bits, for the rare lanes with heavy cancellation.
    const third = @abs(y0_2) < @abs(x) * sp(V, 0x1p-49);
    if (@reduce(.Or, third)) {
        w = fn_ * sp(V, pio2_3);
        const r3 = r2 - w;
        const w3 = fn_ * sp(V, pio2_3t) - ((r2 - r3) - w);
        r = @select(f64, third, r3, r);
        wf = @select(f64, third, w3, wf);
        y0 = @select(f64, third, r3 - w3, y0);
    }
    const y1 = (r - y0) - wf;
    const finite = @select(f64, @abs(fn_) < sp(V, 0x1p30), fn_, sp(V, 0));
    return .{ .y0 = y0, .y1 = y1, .n = @intFromFloat(finite) };
}

/// fdlibm's __sin coefficients S1..S6.
const sin_coeffs = [_]f64{
    -1.66666666666666324348e-01, 8.33333333332248946124e-03,  -1.98412698298579493134e-04,
    2.75573137070700676789e-06,  -2.50507602534068634195e-08, 1.58969099521155010221e-10,
};
/// fdlibm's __cos coefficients C1..C6.
const cos_coeffs = [_]f64{
    4.16666666666666019037e-02,  -1.38888888888741095749e-03, 2.48015872894767294178e-05,
    -2.75573143513906633035e-07, 2.08757232129817482790e-09,  -1.13596475577881948265e-11,
};
/// fdlibm's __tan coefficients: T0, then T1 T3 .. T11, then T2 T4 .. T12.
const tan_first: f64 = 3.33333333333334091986e-01;
const tan_odd = [_]f64{
    1.33333333333201242699e-01, 2.18694882948595424599e-02, 3.59207910759131235356e-03,
    5.88041240820264096874e-04, 7.81794442939557092300e-05, -1.85586374855275456654e-05,
};
const tan_even = [_]f64{
    5.39682539762260521377e-02, 8.86323982359930005737e-03, 1.45620945432529025516e-03,
    2.46463134818469906812e-04, 7.14072491382608190305e-05, 2.59073051863633712884e-05,
};

/// Lanes whose quadrant has `bit` set.
inline fn bitSet(q: anytype, comptime bit: comptime_int) @Vector(lenOf(@TypeOf(q)), bool) {
    const Q = @TypeOf(q);
    return (q & sp(Q, bit)) != sp(Q, 0);
}

inline fn sinKernel(comptime V: type, x: V, y: V) V {
    const z = x * x;
    const w = z * z;
    const r = poly(V, z, sin_coeffs[1..4].*) + z * w * poly(V, z, sin_coeffs[4..6].*);
    const v = z * x;
    return x - ((z * (sp(V, 0.5) * y - v * r) - y) - v * sp(V, sin_coeffs[0]));
}

inline fn cosKernel(comptime V: type, x: V, y: V) V {
    const z = x * x;
    const w = z * z;
    const r = z * poly(V, z, cos_coeffs[0..3].*) + w * w * poly(V, z, cos_coeffs[3..6].*);
    const hz = sp(V, 0.5) * z;
    const one_minus = sp(V, 1) - hz;
    return one_minus + (((sp(V, 1) - one_minus) - hz) + (z * r - x * y));
}

fn scalarSin64(x: f64) f64 {
    return @sin(x);
}
fn scalarCos64(x: f64) f64 {
    return @cos(x);
}
fn scalarTan64(x: f64) f64 {
    return @tan(x);
}
fn scalarSin32(x: f32) f32 {
    return @floatCast(@sin(@as(f64, x)));
}
fn scalarCos32(x: f32) f32 {
    return @floatCast(@cos(@as(f64, x)));
}
fn scalarTan32(x: f32) f32 {
    return @floatCast(@tan(@as(f64, x)));
}

/// sin (cos when `cosine`) of f64 lanes.
fn sinCos64(comptime V: type, x: V, comptime cosine: bool) V {
    const red = reduce64(V, x);
    const s = sinKernel(V, red.y0, red.y1);
    const c = cosKernel(V, red.y0, red.y1);
    const q = red.n +% @as(@Vector(lenOf(V), i64), @splat(if (cosine) 1 else 0));
    const use_cos = bitSet(q, 1);
    const negate = bitSet(q, 2);
    const m = @select(f64, use_cos, c, s);
    var y = @select(f64, negate, -m, m);
    // sin keeps the sign of zero (the reduction turns -0 into +0); tiny arguments are exact.
    if (!cosine) y = @select(f64, @abs(x) < sp(V, 0x1p-26), x, y);
    const big = !(@abs(x) < sp(V, trig_medium_f64)) & !isNan(x);
    return patch(V, x, y, big, if (cosine) scalarCos64 else scalarSin64);
}

/// tan of f64 lanes: fdlibm's __tan on the reduced argument, branch-free.
fn tan64(comptime V: type, x: V) V {
    const red = reduce64(V, x);
    const odd = bitSet(red.n, 1);
    var xr = red.y0;
    var yr = red.y1;
    const big = @abs(xr) >= sp(V, 0.6744);
    const neg = xr < sp(V, 0);
    // Near pi/4 use tan(pi/4 - x) = (1 - tan x) / (1 + tan x).
    const xa = @select(f64, neg, -xr, xr);
    const ya = @select(f64, neg, -yr, yr);
    const pio4_hi = sp(V, 7.85398163397448278999e-01);
    const pio4_lo = sp(V, 3.06161699786838301793e-17);
    xr = @select(f64, big, (pio4_hi - xa) + (pio4_lo - ya), xr);
    yr = @select(f64, big, sp(V, 0), yr);
    const z = xr * xr;
    const w = z * z;
    var r = poly(V, w, tan_odd);
    const v = z * poly(V, w, tan_even);
    const s = z * xr;
    r = yr + z * (s * (r + v) + yr) + s * sp(V, tan_first);
    const wsum = xr + r;
    // One division serves both: w^2 / (w + s1) for big lanes, -1 / w for odd small ones.
    const s1 = @select(f64, odd, sp(V, -1), sp(V, 1));
    const quotient = @select(f64, big, wsum * wsum, sp(V, -1)) / @select(f64, big, wsum + s1, wsum);
    // Big lanes: s1 - 2 (x + (r - w^2 / (w + s1))), s1 = ±1 by parity.
    var vb = s1 - sp(V, 2) * (xr + (r - quotient));
    vb = @select(f64, neg, -vb, vb);
    // Odd small lanes: -1 / w with a head/tail correction.
    const w0 = clearLow(wsum, 32);
    const v0 = r - (w0 - xr);
    const a = quotient;
    const a0 = clearLow(a, 32);
    const inv = mad(a, mad(a0, v0, mad(a0, w0, sp(V, 1))), a0);
    var y = @select(f64, big, vb, @select(f64, odd, inv, wsum));
    y = @select(f64, @abs(x) < sp(V, 0x1p-27), x, y);
    const huge = !(@abs(x) < sp(V, trig_medium_f64)) & !isNan(x);
    return patch(V, x, y, huge, scalarTan64);
}

/// f32 trigonometry through f64, as musl does: reduction by n pi/2 in f64, short f64 kernels.
fn trig32(comptime V: type, x: V, comptime which: enum { sin, cos, tan }) V {
    const n = lenOf(V);
    const D = @Vector(n, f64);
    const xd: D = @floatCast(x);
    const fn_ = @round(xd * sp(D, 6.36619772367581382433e-01));
    // pi/2 in two parts; the first has 25 bits, so fn * pio2_1 is exact below 2^28.
    const pio2_1f = sp(D, 1.57079631090164184570e+00);
    const y = xd - fn_ * pio2_1f - fn_ * sp(D, 1.58932547735281966916e-08);
    const finite = @select(f64, @abs(fn_) < sp(D, 0x1p40), fn_, sp(D, 0));
    const q: @Vector(n, i64) = @intFromFloat(finite);
    const z = y * y;
    const w = z * z;
    var out: D = undefined;
    if (which == .tan) {
        const r = mad(z, sp(D, 0x1362b9bf971bcd.0p-59), sp(D, 0x185dadfcecf44e.0p-61));
        const t = mad(z, sp(D, 0x191df3908c33ce.0p-58), sp(D, 0x1b54c91d865afe.0p-57));
        const s = z * y;
        const u = mad(z, sp(D, 0x1112fd38999f72.0p-55), sp(D, 0x15554d3418c99f.0p-54));
        const r0 = (y + s * u) + (s * w) * (t + w * r);
        const odd = (q & @as(@Vector(n, i64), @splat(1))) != @as(@Vector(n, i64), @splat(0));
        out = @select(f64, odd, sp(D, -1) / r0, r0);
    } else {
        const s3 = z * y;
        // musl's __sindf and __cosdf.
        const S = [_]f64{
            -0x15555554cbac77.0p-55, 0x111110896efbb2.0p-59,
            -0x1a00f9e2cae774.0p-65, 0x16cd878c3b46a7.0p-71,
        };
        const C = [_]f64{
            -0x1ffffffd0c5e81.0p-54, 0x155553e1053a42.0p-57,
            -0x16c087e80f1e27.0p-62, 0x199342e0ee5069.0p-68,
        };
        const sin_v = (y + s3 * poly(D, z, S[0..2].*)) + s3 * w * poly(D, z, S[2..4].*);
        const cos_head = (sp(D, 1) + z * sp(D, C[0])) + w * sp(D, C[1]);
        const cos_v = cos_head + (w * z) * poly(D, z, C[2..4].*);
        const qq = q +% @as(@Vector(n, i64), @splat(if (which == .cos) 1 else 0));
        const use_cos = (qq & @as(@Vector(n, i64), @splat(1))) != @as(@Vector(n, i64), @splat(0));
        const negate = (qq & @as(@Vector(n, i64), @splat(2))) != @as(@Vector(n, i64), @splat(0));
        const m = @select(f64, use_cos, cos_v, sin_v);
        out = @select(f64, negate, -m, m);
    }
    var result: V = @floatCast(out);
    if (which != .cos) result = @select(f32, @abs(x) < sp(V, 0x1p-12), x, result);
    const huge = !(@abs(x) < sp(V, trig_medium_f32)) & !isNan(x);
    return patch(V, x, result, huge, switch (which) {
        .sin => scalarSin32,
        .cos => scalarCos32,
        .tan => scalarTan32,
    });
}

/// Sine.
pub fn sin(comptime V: type, x: V) V {
    return if (Child(V) == f32) trig32(V, x, .sin) else sinCos64(V, x, false);
}

/// Cosine.
pub fn cos(comptime V: type, x: V) V {
    return if (Child(V) == f32) trig32(V, x, .cos) else sinCos64(V, x, true);
}

/// Tangent.
pub fn tan(comptime V: type, x: V) V {
    return if (Child(V) == f32) trig32(V, x, .tan) else tan64(V, x);
}

// ---------------------------------------------------------------------------------------------
// Inverse trigonometric functions

/// fdlibm's rational approximation R(z) of (asin(sqrt z) - sqrt z) / sqrt z^3.
inline fn asinR(comptime V: type, z: V) V {
    if (Child(V) == f32) {
        const p = z * poly(V, z, .{ 1.6666586697e-01, -4.2743422091e-02, -8.6563630030e-03 });
        return p / mad(z, sp(V, -7.0662963390e-01), sp(V, 1));
    }
    const p = z * poly(V, z, .{
        1.66666666666666657415e-01,  -3.25565818622400915405e-01, 2.01212532134862925881e-01,
        -4.00555345006794114027e-02, 7.91534994289814532176e-04,  3.47933107596021167570e-05,
    });
    const q = poly(V, z, .{
        1.0,                         -2.40339491173441421878e+00, 2.02094576023350569471e+00,
        -6.88283971605453293030e-01, 7.70381505559019352791e-02,
    });
    return p / q;
}

fn PiConsts(comptime T: type) type {
    return if (T == f32) struct {
        const pio2_hi: f32 = 1.5707962513e+00;
        const pio2_lo: f32 = 7.5497894159e-08;
        const head_clear = 12;
    } else struct {
        const pio2_hi: f64 = 1.57079632679489655800e+00;
        const pio2_lo: f64 = 6.12323399573676603587e-17;
        const head_clear = 32;
    };
}

/// Inverse sine (NaN outside [-1, 1]).
pub fn asin(comptime V: type, x: V) V {
    const T = Child(V);
    const P = PiConsts(T);
    const a = @abs(x);
    const small = a < sp(V, 0.5);
    const z = sp(V, 0.5) * (sp(V, 1) - a);
    const r = asinR(V, @select(T, small, x * x, z));
    const s = @sqrt(z);
    // Near 1 the plain formula is accurate; between 0.5 and 0.975 (f64) split sqrt(z) into a head
    // and a tail so that pi/2 - 2 asin(sqrt z) keeps its low bits.
    const f_near = sp(V, if (T == f32) std.math.pi / 2.0 else P.pio2_hi) - sp(V, 2) * mad(s, r, s);
    const big = if (T == f32) f_near else blk: {
        const df = clearLow(s, P.head_clear);
        const c = (z - df * df) / (s + df);
        const half = sp(V, 0.5 * P.pio2_hi);
        const two = sp(V, 2);
        const f_mid = half - (two * s * r - (sp(V, P.pio2_lo) - two * c) - (half - two * df));
        break :blk @select(T, a >= sp(V, 0.975), f_near, f_mid);
    };
    const y = @select(T, small, mad(x, r, x), copysign(big, x));
    return @select(T, a > sp(V, 1), sp(V, std.math.nan(T)), y);
}

/// Inverse cosine (NaN outside [-1, 1]).
pub fn acos(comptime V: type, x: V) V {
    const T = Child(V);
    const P = PiConsts(T);
    const a = @abs(x);
    const small = a < sp(V, 0.5);
    const z = sp(V, 0.5) * (sp(V, 1) - a);
    const r = asinR(V, @select(T, small, x * x, z));
    const s = @sqrt(z);
    const y_small = sp(V, P.pio2_hi) - (x - (sp(V, P.pio2_lo) - x * r));
    const y_neg = sp(V, 2) * (sp(V, P.pio2_hi) - (s + (r * s - sp(V, P.pio2_lo))));
    const df = clearLow(s, P.head_clear);
    // At x = 1, s = df = 0 and the tail correction is 0 (not 0 / 0).
    const c = @select(T, s == sp(V, 0), sp(V, 0), (z - df * df) / (s + df));
    const y_pos = sp(V, 2) * (df + (r * s + c));
    const y = @select(T, small, y_small, @select(T, x < sp(V, 0), y_neg, y_pos));
    return @select(T, a > sp(V, 1), sp(V, std.math.nan(T)), y);
}

/// atan at 0.5, 1, 1.5 and inf, as head and tail (fdlibm's atanhi and atanlo).
const atan_hi_f64 = [_]f64{
    4.63647609000806093515e-01, 7.85398163397448278999e-01,
    9.82793723247329054082e-01, 1.57079632679489655800e+00,
};
const atan_lo_f64 = [_]f64{
    2.26987774529616870924e-17, 3.06161699786838301793e-17,
    1.39033110312309984516e-17, 6.12323399573676603587e-17,
};
const atan_hi_f32 = [_]f32{
    4.6364760399e-01, 7.8539812565e-01, 9.8279368877e-01, 1.5707962513e+00,
};
const atan_lo_f32 = [_]f32{
    5.0121582440e-09, 3.7748947079e-08, 3.4473217170e-08, 7.5497894159e-08,
};
/// fdlibm's aT coefficients, split into the even and odd powers of w = x^4.
const atan_even_f64 = [_]f64{
    3.33333333333329318027e-01, 1.42857142725034663711e-01, 9.09088713343650656196e-02,
    6.66107313738753120669e-02, 4.97687799461593236017e-02, 1.62858201153657823623e-02,
};
const atan_odd_f64 = [_]f64{
    -1.99999999998764832476e-01, -1.11111104054623557880e-01, -7.69187620504482999495e-02,
    -5.83357013379057348645e-02, -3.65315727442169155270e-02,
};

/// Inverse tangent: fdlibm's four intervals with per-lane constants.
pub fn atan(comptime V: type, x: V) V {
    const T = Child(V);
    const a = @abs(x);
    const hi_tab = if (T == f32) atan_hi_f32 else atan_hi_f64;
    const lo_tab = if (T == f32) atan_lo_f32 else atan_lo_f64;
    const in0 = a >= sp(V, 0.4375);
    const in1 = a >= sp(V, 0.6875);
    const in2 = a >= sp(V, 1.1875);
    const in3 = a >= sp(V, 2.4375);
    const zero = sp(V, 0);
    const one = sp(V, 1);
    // Numerator and denominator of the reduced argument per interval.
    var num = a;
    var den = one;
    var hi = zero;
    var lo = zero;
    num = @select(T, in0, sp(V, 2) * a - one, num);
    den = @select(T, in0, sp(V, 2) + a, den);
    hi = @select(T, in0, sp(V, hi_tab[0]), hi);
    lo = @select(T, in0, sp(V, lo_tab[0]), lo);
    num = @select(T, in1, a - one, num);
    den = @select(T, in1, a + one, den);
    hi = @select(T, in1, sp(V, hi_tab[1]), hi);
    lo = @select(T, in1, sp(V, lo_tab[1]), lo);
    num = @select(T, in2, a - sp(V, 1.5), num);
    den = @select(T, in2, mad(sp(V, 1.5), a, one), den);
    hi = @select(T, in2, sp(V, hi_tab[2]), hi);
    lo = @select(T, in2, sp(V, lo_tab[2]), lo);
    num = @select(T, in3, -one, num);
    den = @select(T, in3, a, den);
    hi = @select(T, in3, sp(V, hi_tab[3]), hi);
    lo = @select(T, in3, sp(V, lo_tab[3]), lo);
    const t = num / den;
    const z = t * t;
    const w = z * z;
    const S = if (T == f32)
        z * poly(V, w, .{ 3.3333328366e-01, 1.4253635705e-01, 6.1687607318e-02 }) +
            w * poly(V, w, .{ -1.9999158382e-01, -1.0648017377e-01 })
    else
        z * poly(V, w, atan_even_f64) + w * poly(V, w, atan_odd_f64);
    const y = hi - ((t * S - lo) - t);
    // Infinite arguments give t = -0 and hi = pi/2 already; NaN stays NaN.
    return @select(T, isNan(x), x, copysign(y, x));
}

// ---------------------------------------------------------------------------------------------
// Rounding

/// Rounds half away from zero: trunc(x) plus ±1 when the dropped fraction is at least one half.
pub fn roundHalfAway(comptime V: type, x: V) V {
    const T = Child(V);
    const t = @trunc(x);
    const up = @abs(x - t) >= sp(V, 0.5);
    return @select(T, up, t + copysign(sp(V, 1), x), t);
}

// ---------------------------------------------------------------------------------------------
// Tests: every function against Zig's scalar std.math (fdlibm) over a sweep, in ulps.

fn ulpDiff(comptime T: type, a: T, b: T) f64 {
    if (std.math.isNan(a) and std.math.isNan(b)) return 0;
    if (std.math.isNan(a) or std.math.isNan(b)) return std.math.inf(f64);
    if (a == b) return 0;
    if (std.math.isInf(a) or std.math.isInf(b)) return std.math.inf(f64);
    const spacing = std.math.floatEpsAt(T, @max(@abs(b), std.math.floatMin(T)));
    return @abs(@as(f64, a) - @as(f64, b)) / @as(f64, spacing);
}

const verbose = false;

fn checkSweep(
    comptime T: type,
    comptime f: anytype,
    comptime ref: anytype,
    lo: T,
    hi: T,
    ulps: f64,
) !void {
    const n = 16;
    const V = @Vector(n, T);
    var prng = std.Random.DefaultPrng.init(42);
    const rand = prng.random();
    var worst: f64 = 0;
    var worst_x: T = 0;
    for (0..4000) |_| {
        var xs: V = undefined;
        for (0..n) |i| xs[i] = lo + (hi - lo) * rand.float(T);
        const ys = f(V, xs);
        for (0..n) |i| {
            const e = ulpDiff(T, ys[i], ref(xs[i]));
            if (e > worst) {
                worst = e;
                worst_x = xs[i];
            }
        }
    }
    if (verbose) {
        const args = .{ @typeName(T), lo, hi, worst, worst_x };
        std.debug.print("{s} [{e}, {e}] worst {d:.2} ulp at {e}\n", args);
    }
    if (worst > ulps) {
        std.debug.print("{s} worst {d} ulp at {e}\n", .{ @typeName(T), worst, worst_x });
        return error.TooInaccurate;
    }
}

fn Refs(comptime T: type) type {
    return struct {
        fn exp(x: T) T {
            return if (T == f32) @floatCast(@exp(@as(f64, x))) else @exp(x);
        }
        fn exp2(x: T) T {
            return if (T == f32) @floatCast(@exp2(@as(f64, x))) else @exp2(x);
        }
        fn expm1(x: T) T {
            return if (T == f32) @floatCast(std.math.expm1(@as(f64, x))) else std.math.expm1(x);
        }
        fn log(x: T) T {
            return if (T == f32) @floatCast(@log(@as(f64, x))) else @log(x);
        }
        fn log2(x: T) T {
            return if (T == f32) @floatCast(@log2(@as(f64, x))) else @log2(x);
        }
        fn log10(x: T) T {
            return if (T == f32) @floatCast(@log10(@as(f64, x))) else @log10(x);
        }
        fn log1p(x: T) T {
            return if (T == f32) @floatCast(std.math.log1p(@as(f64, x))) else std.math.log1p(x);
        }
        fn sin(x: T) T {
            return if (T == f32) @floatCast(@sin(@as(f64, x))) else @sin(x);
        }
        fn cos(x: T) T {
            return if (T == f32) @floatCast(@cos(@as(f64, x))) else @cos(x);
        }
        fn tan(x: T) T {
            return if (T == f32) @floatCast(@tan(@as(f64, x))) else @tan(x);
        }
        fn tanh(x: T) T {
            return if (T == f32) @floatCast(std.math.tanh(@as(f64, x))) else std.math.tanh(x);
        }
        fn sinh(x: T) T {
            return if (T == f32) @floatCast(std.math.sinh(@as(f64, x))) else std.math.sinh(x);
        }
        fn cosh(x: T) T {
            return if (T == f32) @floatCast(std.math.cosh(@as(f64, x))) else std.math.cosh(x);
        }
        fn asinh(x: T) T {
            return if (T == f32) @floatCast(std.math.asinh(@as(f64, x))) else std.math.asinh(x);
        }
        fn acosh(x: T) T {
            return if (T == f32) @floatCast(std.math.acosh(@as(f64, x))) else std.math.acosh(x);
        }
        fn atanh(x: T) T {
            return if (T == f32) @floatCast(std.math.atanh(@as(f64, x))) else std.math.atanh(x);
        }
        fn asin(x: T) T {
            return if (T == f32) @floatCast(std.math.asin(@as(f64, x))) else std.math.asin(x);
        }
        fn acos(x: T) T {
            return if (T == f32) @floatCast(std.math.acos(@as(f64, x))) else std.math.acos(x);
        }
        fn atan(x: T) T {
            return if (T == f32) @floatCast(std.math.atan(@as(f64, x))) else std.math.atan(x);
        }
        fn cbrt(x: T) T {
            return if (T == f32) @floatCast(std.math.cbrt(@as(f64, x))) else std.math.cbrt(x);
        }
    };
}

test "vector math within 3 ulp of fdlibm" {
    inline for (.{ f32, f64 }) |T| {
        const R = Refs(T);
        const cases = .{
            .{ exp, R.exp, -745.0, 709.0 },       .{ exp, R.exp, -2.0, 2.0 },
            .{ exp2, R.exp2, -1074.0, 1023.0 },   .{ expm1, R.expm1, -3.0, 3.0 },
            .{ expm1, R.expm1, -50.0, 700.0 },    .{ log, R.log, 0.0, 4.0 },
            .{ log, R.log, 0.0, 1.0e30 },         .{ log2, R.log2, 0.0, 3.0 },
            .{ log10, R.log10, 0.0, 3.0 },        .{ log1p, R.log1p, -1.0, 3.0 },
            .{ log1p, R.log1p, -1.0e-3, 1.0e-3 }, .{ sin, R.sin, -10.0, 10.0 },
            .{ cos, R.cos, -10.0, 10.0 },         .{ tan, R.tan, -10.0, 10.0 },
            .{ sin, R.sin, -1.0e6, 1.0e6 },       .{ cos, R.cos, 1.0e6, 1.0e7 },
            .{ tanh, R.tanh, -5.0, 5.0 },         .{ tanh, R.tanh, -0.3, 0.3 },
            .{ sinh, R.sinh, -5.0, 5.0 },         .{ sinh, R.sinh, -80.0, 80.0 },
            .{ cosh, R.cosh, -5.0, 5.0 },         .{ asinh, R.asinh, -5.0, 5.0 },
            .{ asinh, R.asinh, -1.0e5, 1.0e5 },   .{ acosh, R.acosh, 1.0, 5.0 },
            .{ acosh, R.acosh, 1.0, 1.0e5 },      .{ atanh, R.atanh, -1.0, 1.0 },
            .{ asin, R.asin, -1.0, 1.0 },         .{ acos, R.acos, -1.0, 1.0 },
            .{ atan, R.atan, -4.0, 4.0 },         .{ atan, R.atan, -1.0e3, 1.0e3 },
            .{ cbrt, R.cbrt, -10.0, 10.0 },
        };
        inline for (cases) |c| {
            const lo: T = c[2];
            const hi: T = c[3];
            checkSweep(T, c[0], c[1], lo, hi, 3.0) catch |e| {
                std.debug.print("case {s} [{d}, {d}]\n", .{ @typeName(@TypeOf(c[0])), c[2], c[3] });
                return e;
            };
        }
    }
}
