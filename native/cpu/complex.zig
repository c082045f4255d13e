//! Complex elementary functions on one element, generic over the component float T.
//!
//! The algorithms are the C99 Annex G ones of FreeBSD's msun (which NumPy's npymath carries):
//! Kahan's ctanh, the scaled cexp that avoids spurious overflow, and the Hull, Fairgrieve and
//! Tang casinh/cacos with their special-value rules. The unary kernels evaluate c64 functions
//! with T = f64 and round once, so c64 results are at least as accurate as NumPy's.

const std = @import("std");
const math = std.math;
const vm = @import("vmath.zig");

/// A complex number with components of type T.
pub fn Complex(comptime T: type) type {
    return struct {
        re: T,
        im: T,

        const Self = @This();

        pub inline fn init(re: T, im: T) Self {
            return .{ .re = re, .im = im };
        }
    };
}

inline fn isFinite(x: anytype) bool {
    return math.isFinite(x);
}

/// Scalar forms of the vector functions. Zig 0.15's compiler-rt log, log2 and log10 lose
/// accuracy on subnormal f64 arguments (the low word of the rescaled input is dropped), so the
/// log family here runs vmath's code on one lane.
fn one(comptime f: anytype, x: anytype) @TypeOf(x) {
    const V = @Vector(1, @TypeOf(x));
    return f(V, @as(V, @splat(x)))[0];
}

/// The natural logarithm of one float, accurate on subnormals too (see `one`).
pub fn log1(x: anytype) @TypeOf(x) {
    return one(vm.log, x);
}

/// x * 2^n. Zig 0.15's std.math.ldexp returns a tiny nonzero value for a zero x, so zeros
/// (whose scaling is exact anyway) are passed through here.
fn ldexp(x: anytype, n: i32) @TypeOf(x) {
    return if (x == 0) x else math.ldexp(x, n);
}

/// sqrt(x^2 + y^2) without overflow or underflow. f32 runs in f64, where the squares cannot
/// overflow; f64 scales far-out magnitudes by an exact power of two and corrects the rounded
/// square root with the fma residual of the sum of squares.
pub fn hypot(comptime T: type, x: T, y: T) T {
    const ax = @abs(x);
    const ay = @abs(y);
    if (math.isInf(ax) or math.isInf(ay)) return math.inf(T);
    // f32 squares are exact in f64, so the f64 sum is rounded once.
    if (T == f32) return @floatCast(@sqrt(@as(f64, ax) * ax + @as(f64, ay) * ay));
    // @max and @min drop a NaN operand, so NaN is answered first.
    if (math.isNan(ax) or math.isNan(ay)) return math.nan(T);
    var a = @max(ax, ay);
    var b = @min(ax, ay);
    var unscale: T = 1;
    if (a > 0x1p500) {
        a *= 0x1p-600;
        b *= 0x1p-600;
        unscale = 0x1p600;
    } else if (a < 0x1p-500) {
        a *= 0x1p600;
        b *= 0x1p600;
        unscale = 0x1p-600;
    }
    const b2 = b * b;
    const sum = vm.mad(a, a, b2);
    const r = @sqrt(sum);
    if (!vm.has_fma or r == 0 or math.isNan(r)) return r * unscale;
    // One Newton correction with the exact residual of r^2 against a^2 + b^2.
    const sum_error = @mulAdd(T, a, a, -(sum - b2)) + @mulAdd(T, b, b, -b2);
    const residual = @mulAdd(T, -r, r, sum) + sum_error;
    return (r + residual / (2 * r)) * unscale;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

/// |z| without overflow or underflow.
pub fn abs(comptime T: type, z: Complex(T)) T {
    return hypot(T, z.re, z.im);
}

/// z * z as NumPy's loop computes it: with hardware fma the real part is fma(x, x, -y^2) (NumPy's
/// SIMD loop fuses it too), without it x^2 - y^2, as NumPy's own non-fma builds give.
pub fn square(comptime T: type, z: Complex(T)) Complex(T) {
    return .init(vm.mad(z.re, z.re, -(z.im * z.im)), z.re * z.im + z.im * z.re);
}

/// 1 / z by Smith's method (0 gives NaN + NaN i, as in NumPy).
pub fn recip(comptime T: type, z: Complex(T)) Complex(T) {
    const a = z.re;
    const b = z.im;
    if (@abs(b) <= @abs(a)) {
        const r = b / a;
        const d = a + b * r;
        return .init(1 / d, -r / d);
    }
    const r = a / b;
    const d = a * r + b;
    return .init(r / d, -1 / d);
}

/// z / |z| (0 for 0), NumPy 2's complex sign.
pub fn sign(comptime T: type, z: Complex(T)) Complex(T) {
    const nan = math.nan(T);
    const m = hypot(T, z.re, z.im);
    if (math.isNan(m)) return .init(nan, nan);
    if (math.isInf(m)) {
        if (math.isInf(z.re)) {
            if (math.isInf(z.im)) return .init(nan, nan);
            return .init(if (z.re > 0) 1 else -1, 0);
        }
        return .init(0, if (z.im > 0) 1 else -1);
    }
    if (m == 0) return .init(0, 0);
    return .init(z.re / m, z.im / m);
}

// ---------------------------------------------------------------------------------------------
// Exponentials and logarithms

/// exp(x) (cos y + i sin y) * 2^expt for x where exp(x) alone would overflow.
fn scaledExp(comptime T: type, x: T, y: T, expt: i32) Complex(T) {
    const k: i32 = if (T == f32) 235 else 1799;
    const kln2: T = @as(T, @floatFromInt(k)) * math.ln2;
    const m = math.frexp(@exp(x - kln2));
    const c = math.frexp(@cos(y));
    const s = math.frexp(@sin(y));
    const e = expt + m.exponent + k;
    return .init(
        ldexp(m.significand * c.significand, e + c.exponent),
        ldexp(m.significand * s.significand, e + s.exponent),
    );
}

fn ScaledRange(comptime T: type) type {
    return struct {
        /// log(max): above it exp overflows, and the scaled form keeps the finite part (glibc
        /// does the same; FreeBSD starts at log(2 max)).
        const lower: T = if (T == f32) 88.72283 else 709.782712893384;
        /// log(2) + log(max) - log(smallest subnormal): above it every result overflows.
        const upper: T = if (T == f32) 192.69492 else 1454.9159319953251;
    };
}

/// e^z.
pub fn exp(comptime T: type, z: Complex(T)) Complex(T) {
    const r = z.re;
    const i = z.im;
    const nan = math.nan(T);
    if (isFinite(r)) {
        if (i == 0) return .init(@exp(r), i);
        if (r >= ScaledRange(T).lower and r <= ScaledRange(T).upper) return scaledExp(T, r, i, 0);
        const x = @exp(r);
        if (isFinite(i)) return .init(x * @cos(i), x * @sin(i));
        return .init(nan, math.copysign(nan, i));
    }
    if (math.isNan(r)) {
        if (i == 0) return z;
        return .init(r, math.copysign(nan, i));
    }
    if (r > 0) {
        if (i == 0) return z;
        if (isFinite(i)) return .init(r * @cos(i), r * @sin(i));
        return .init(r, nan);
    }
    if (isFinite(i)) {
        const x = @exp(r);
        return .init(x * @cos(i), x * @sin(i));
    }
    return .init(0, 0);
}

/// 2^z = e^(z ln 2).
pub fn exp2(comptime T: type, z: Complex(T)) Complex(T) {
    return exp(T, .init(z.re * math.ln2, z.im * math.ln2));
}

/// e^z - 1 (NumPy's formula: expm1(x) cos y - 2 sin^2(y/2) + i e^x sin y).
pub fn expm1(comptime T: type, z: Complex(T)) Complex(T) {
    const a = @sin(z.im / 2);
    return .init(one(vm.expm1, z.re) * @cos(z.im) - 2 * a * a, @exp(z.re) * @sin(z.im));
}

/// The principal logarithm, accurate near |z| = 1 (CPython's algorithm, with the x^2 + y^2 - 1
/// of the near-1 case computed in double length).
pub fn log(comptime T: type, z: Complex(T)) Complex(T) {
    const ax = @abs(z.re);
    const ay = @abs(z.im);
    const max = math.floatMax(T);
    const min = math.floatMin(T);
    if (math.isNan(ax) and isFinite(ay)) return .init(ax, math.nan(T));
    var rr: T = undefined;
    if (ax > max / 4 or ay > max / 4) {
        rr = log1(hypot(T, ax / 2, ay / 2)) + math.ln2;
    } else if (ax < min and ay < min) {
        if (ax > 0 or ay > 0) {
            const m = math.floatMantissaBits(T) + 1;
            rr = log1(hypot(T, ldexp(ax, m), ldexp(ay, m))) - @as(T, m) * math.ln2;
        } else {
            return .init(-math.inf(T), math.atan2(z.im, z.re));
        }
    } else {
        const h = hypot(T, ax, ay);
        if (0.71 <= h and h <= 1.73) {
            const am = @max(ax, ay);
            const an = @min(ax, ay);
            rr = one(vm.log1p, squaresMinusOne(T, am, an)) / 2;
        } else {
            rr = log1(h);
        }
    }
    return .init(rr, math.atan2(z.im, z.re));
}

/// am^2 + an^2 - 1 with the squares split into head and tail (exact products by fma; without
/// hardware fma the tails are dropped).
fn squaresMinusOne(comptime T: type, am: T, an: T) T {
    if (!vm.has_fma) return (am * am - 1) + an * an;
    const am2 = am * am;
    const am2_lo = @mulAdd(T, am, am, -am2);
    const an2 = an * an;
    const an2_lo = @mulAdd(T, an, an, -an2);
    return ((am2 - 1) + an2) + (am2_lo + an2_lo);
}

/// log2(z) = log(z) / ln 2.
pub fn log2(comptime T: type, z: Complex(T)) Complex(T) {
    const l = log(T, z);
    return .init(l.re * math.log2e, l.im * math.log2e);
}

/// log10(z) = log(z) / ln 10.
pub fn log10(comptime T: type, z: Complex(T)) Complex(T) {
    const l = log(T, z);
    return .init(l.re * math.log10e, l.im * math.log10e);
}

/// log(1 + z), accurate near 0 (NumPy loses the low bits there; this does not).
pub fn log1p(comptime T: type, z: Complex(T)) Complex(T) {
    const x = z.re;
    const y = z.im;
    if (isFinite(x) and isFinite(y) and @abs(x) < 0.5 and @abs(y) < 0.5) {
        // |1 + z|^2 - 1 = x (2 + x) + y^2, no cancellation against the 1.
        return .init(one(vm.log1p, x * (2 + x) + y * y) / 2, math.atan2(y, 1 + x));
    }
    return log(T, .init(1 + x, y));
}

/// The principal square root (Algorithm 312, CACM 10, with FreeBSD's special cases).
pub fn sqrt(comptime T: type, z: Complex(T)) Complex(T) {
    var a = z.re;
    var b = z.im;
    if (a == 0 and b == 0) return .init(0, b);
    if (math.isInf(b)) return .init(math.inf(T), b);
    if (math.isNan(a)) return .init(a, (b - b) / (b - b));
    if (math.isInf(a)) {
        if (math.signbit(a)) return .init(@abs(b - b), math.copysign(a, b));
        return .init(a, math.copysign(b - b, b));
    }
    // Scale to avoid overflow in hypot and in a + hypot, and (for tiny inputs) to keep
    // (a + hypot) / 2 from underflowing to 0.
    const thresh = math.floatMax(T) / (1 + math.sqrt2);
    const tiny = math.floatMin(T) * 4;
    const mant = math.floatMantissaBits(T) + 1;
    const even = mant + (mant & 1);
    var unscale: T = 1;
    if (@abs(a) >= thresh or @abs(b) >= thresh) {
        a *= 0.25;
        b *= 0.25;
        unscale = 2;
    } else if (@abs(a) < tiny and @abs(b) < tiny) {
        a = ldexp(a, even);
        b = ldexp(b, even);
        unscale = ldexp(@as(T, 1), -even / 2);
    }
    var result: Complex(T) = undefined;
    if (a >= 0) {
        const t = @sqrt((a + hypot(T, a, b)) * 0.5);
        result = .init(t, b / (2 * t));
    } else {
        const t = @sqrt((-a + hypot(T, a, b)) * 0.5);
        result = .init(@abs(b) / (2 * t), math.copysign(t, b));
    }
    return .init(result.re * unscale, result.im * unscale);
}

/// 1 / sqrt(z), divided as NumPy divides complex numbers (so 1 / 0 is inf + NaN i).
pub fn rsqrt(comptime T: type, z: Complex(T)) Complex(T) {
    const w = sqrt(T, z);
    const ar = @abs(w.re);
    const ai = @abs(w.im);
    if (ar >= ai) {
        if (ar == 0 and ai == 0) return .init(1 / ar, 0 / ai);
        const rat = w.im / w.re;
        const scl = 1 / (w.re + w.im * rat);
        return .init(scl, -rat * scl);
    }
    const rat = w.re / w.im;
    const scl = 1 / (w.im + w.re * rat);
    return .init(rat * scl, -scl);
}

// ---------------------------------------------------------------------------------------------
// Hyperbolic and trigonometric functions

fn HyperConsts(comptime T: type) type {
    return struct {
        /// Past this |x|, cosh(x) = sinh(x) = e^|x| / 2 to the last bit.
        const big: T = if (T == f32) 9.0 else 22.0;
        /// Half of max: squared it overflows.
        const huge: T = if (T == f32) 1.70141183e+38 else 8.9884656743115795e+307;
        /// Past this |x|, tanh(x) = ±1 and the imaginary part underflows gradually.
        const tanh_huge: T = if (T == f32) 11.0 else 22.0;
    };
}

/// cosh(z) = cosh x cos y + i sinh x sin y.
pub fn cosh(comptime T: type, z: Complex(T)) Complex(T) {
    const C = HyperConsts(T);
    const x = z.re;
    const y = z.im;
    const x_finite = isFinite(x);
    const y_finite = isFinite(y);
    if (x_finite and y_finite) {
        if (y == 0) return .init(one(vm.cosh, x), x * y);
        const ax = @abs(x);
        if (ax < C.big) return .init(one(vm.cosh, x) * @cos(y), one(vm.sinh, x) * @sin(y));
        if (ax < ScaledRange(T).lower) {
            const h = @exp(ax) * 0.5;
            return .init(h * @cos(y), math.copysign(h, x) * @sin(y));
        }
        if (ax < ScaledRange(T).upper) {
            const w = scaledExp(T, ax, y, -1);
            return .init(w.re, w.im * math.copysign(@as(T, 1), x));
        }
        const h = C.huge * x;
        return .init(h * h * @cos(y), h * @sin(y));
    }
    if (x == 0 and !y_finite) return .init(y - y, math.copysign(@as(T, 0), x * (y - y)));
    if (y == 0 and !x_finite) return .init(x * x, math.copysign(@as(T, 0), x) * y);
    if (x_finite and !y_finite) return .init(y - y, x * (y - y));
    if (math.isInf(x)) {
        if (!y_finite) return .init(x * x, x * (y - y));
        return .init((x * x) * @cos(y), x * @sin(y));
    }
    return .init((x * x) * (y - y), (x + x) * (y - y));
}

/// sinh(z) = sinh x cos y + i cosh x sin y.
pub fn sinh(comptime T: type, z: Complex(T)) Complex(T) {
    const C = HyperConsts(T);
    const x = z.re;
    const y = z.im;
    const x_finite = isFinite(x);
    const y_finite = isFinite(y);
    if (x_finite and y_finite) {
        if (y == 0) return .init(one(vm.sinh, x), y);
        const ax = @abs(x);
        if (ax < C.big) return .init(one(vm.sinh, x) * @cos(y), one(vm.cosh, x) * @sin(y));
        if (ax < ScaledRange(T).lower) {
            const h = @exp(ax) * 0.5;
            return .init(math.copysign(h, x) * @cos(y), h * @sin(y));
        }
        if (ax < ScaledRange(T).upper) {
            const w = scaledExp(T, ax, y, -1);
            return .init(w.re * math.copysign(@as(T, 1), x), w.im);
        }
        const h = C.huge * x;
        return .init(h * @cos(y), h * h * @sin(y));
    }
    if (x == 0 and !y_finite) return .init(math.copysign(@as(T, 0), x * (y - y)), y - y);
    if (y == 0 and !x_finite) {
        if (math.isNan(x)) return z;
        return .init(x, math.copysign(@as(T, 0), y));
    }
    if (x_finite and !y_finite) return .init(y - y, x * (y - y));
    if (!x_finite and !math.isNan(x)) {
        if (!y_finite) return .init(x * x, x * (y - y));
        return .init(x * @cos(y), math.inf(T) * @sin(y));
    }
    return .init((x * x) * (y - y), (x + x) * (y - y));
}

/// tanh(z) by Kahan's algorithm.
pub fn tanh(comptime T: type, z: Complex(T)) Complex(T) {
    const x = z.re;
    const y = z.im;
    if (!isFinite(x)) {
        if (math.isNan(x)) return .init(x, if (y == 0) y else x * y);
        const im = if (math.isInf(y)) y else @sin(y) * @cos(y);
        return .init(math.copysign(@as(T, 1), x), math.copysign(@as(T, 0), im));
    }
    if (!isFinite(y)) return .init(if (x == 0) x else y - y, y - y);
    if (@abs(x) >= HyperConsts(T).tanh_huge) {
        const e = @exp(-@abs(x));
        return .init(math.copysign(@as(T, 1), x), 4 * @sin(y) * @cos(y) * e * e);
    }
    const t = @tan(y);
    const beta = 1 + t * t;
    const s = one(vm.sinh, x);
    const rho = @sqrt(1 + s * s);
    const denom = 1 + beta * s * s;
    return .init((beta * rho * s) / denom, t / denom);
}

/// cos(z) = cosh(i z).
pub fn cos(comptime T: type, z: Complex(T)) Complex(T) {
    return cosh(T, .init(-z.im, z.re));
}

/// sin(z) = -i sinh(i z).
pub fn sin(comptime T: type, z: Complex(T)) Complex(T) {
    // glibc's choice for the unspecified sign: sin(±inf or NaN ± i inf) = NaN + i inf.
    if (!isFinite(z.re) and math.isInf(z.im)) return .init(z.re - z.re, math.inf(T));
    const w = sinh(T, .init(-z.im, z.re));
    return .init(w.im, -w.re);
}

/// tan(z) = -i tanh(i z).
pub fn tan(comptime T: type, z: Complex(T)) Complex(T) {
    const w = tanh(T, .init(-z.im, z.re));
    return .init(w.im, -w.re);
}

// ---------------------------------------------------------------------------------------------
// Inverse functions (Hull, Fairgrieve and Tang, as in FreeBSD's catrig.c)

fn InvConsts(comptime T: type) type {
    return struct {
        const eps = math.floatEps(T);
        const recip_eps = 1 / eps;
        const a_crossover: T = 10;
        const b_crossover: T = 0.6417;
        const four_sqrt_min: T = 4 * @sqrt(math.floatMin(T));
        const sqrt_min: T = @sqrt(math.floatMin(T));
        const quarter_sqrt_max: T = 0.25 * @sqrt(math.floatMax(T));
        const sqrt_6_eps: T = @sqrt(6 * eps);
        const sqrt_3_eps: T = @sqrt(3 * eps);
        const pio2: T = math.pi / 2.0;
    };
}

/// (hypot(a, b) - b) / 2 without cancellation, given h = hypot(a, b).
fn halfGap(comptime T: type, a: T, b: T, h: T) T {
    if (b < 0) return (h - b) / 2;
    if (b == 0) return a / 2;
    return a * a / (h + b) / 2;
}

fn HardWorkT(comptime T: type) type {
    return struct { rx: T, b_usable: bool, b: T, sqrt_a2my2: T, new_y: T };
}

/// The core of casinh and cacos for 0 <= x, y < 1/eps: Re(casinh(x + iy)), and either
/// B = y / A (when usable) or sqrt(A^2 - y^2) with y rescaled alike.
fn hardWork(comptime T: type, x: T, y: T) HardWorkT(T) {
    const C = InvConsts(T);
    var out: HardWorkT(T) = .{ .rx = 0, .b_usable = true, .b = 0, .sqrt_a2my2 = 0, .new_y = y };
    const R = hypot(T, x, y + 1);
    const S = hypot(T, x, y - 1);
    const A = @max((R + S) / 2, 1);
    if (A < C.a_crossover) {
        if (y == 1 and x < C.eps * C.eps / 128) {
            out.rx = @sqrt(x);
        } else if (x >= C.eps * @abs(y - 1)) {
            const am1 = halfGap(T, x, 1 + y, R) + halfGap(T, x, 1 - y, S);
            out.rx = one(vm.log1p, am1 + @sqrt(am1 * (A + 1)));
        } else if (y < 1) {
            out.rx = x / @sqrt((1 - y) * (1 + y));
        } else {
            out.rx = one(vm.log1p, (y - 1) + @sqrt((y - 1) * (y + 1)));
        }
    } else {
        out.rx = log1(A + @sqrt(A * A - 1));
    }
    if (y < C.four_sqrt_min) {
        out.b_usable = false;
        out.sqrt_a2my2 = A * (2 / C.eps);
        out.new_y = y * (2 / C.eps);
        return out;
    }
    out.b = y / A;
    if (out.b > C.b_crossover) {
        out.b_usable = false;
        if (y == 1 and x < C.eps / 128) {
            out.sqrt_a2my2 = @sqrt(x) * @sqrt((A + y) / 2);
        } else if (x >= C.eps * @abs(y - 1)) {
            const amy = halfGap(T, x, y + 1, R) + halfGap(T, x, y - 1, S);
            out.sqrt_a2my2 = @sqrt(amy * (A + y));
        } else if (y > 1) {
            out.sqrt_a2my2 = x * (4 / C.eps / C.eps) * y / @sqrt((y + 1) * (y - 1));
            out.new_y = y * (4 / C.eps / C.eps);
        } else {
            out.sqrt_a2my2 = @sqrt((1 - y) * (1 + y));
        }
    }
    return out;
}

/// log(z) for |z| beyond 1/eps, without overflow in hypot.
fn logLarge(comptime T: type, x: T, y: T) Complex(T) {
    const C = InvConsts(T);
    const ax = @max(@abs(x), @abs(y));
    const ay = @min(@abs(x), @abs(y));
    var rr: T = undefined;
    if (ax > math.floatMax(T) / 2) {
        rr = log1(hypot(T, x / math.e, y / math.e)) + 1;
    } else if (ax > C.quarter_sqrt_max or ay < C.sqrt_min) {
        rr = log1(hypot(T, x, y));
    } else {
        rr = log1(ax * ax + ay * ay) / 2;
    }
    return .init(rr, math.atan2(y, x));
}

/// Inverse hyperbolic sine.
pub fn asinh(comptime T: type, z: Complex(T)) Complex(T) {
    const C = InvConsts(T);
    const x = z.re;
    const y = z.im;
    const ax = @abs(x);
    const ay = @abs(y);
    if (math.isNan(x) or math.isNan(y)) {
        if (math.isInf(x)) return .init(x, y + y);
        if (math.isInf(y)) return .init(math.inf(T), x + x);
        if (y == 0) return .init(x + x, y);
        return .init(math.nan(T), math.nan(T));
    }
    if (ax > C.recip_eps or ay > C.recip_eps) {
        const w = if (!math.signbit(x)) logLarge(T, x, y) else logLarge(T, -x, -y);
        return .init(math.copysign(w.re + math.ln2, x), math.copysign(w.im, y));
    }
    if (x == 0 and y == 0) return z;
    if (ax < C.sqrt_6_eps / 4 and ay < C.sqrt_6_eps / 4) return z;
    const h = hardWork(T, ax, ay);
    const ry = if (h.b_usable) math.asin(h.b) else math.atan2(h.new_y, h.sqrt_a2my2);
    return .init(math.copysign(h.rx, x), math.copysign(ry, y));
}

/// Inverse cosine.
pub fn acos(comptime T: type, z: Complex(T)) Complex(T) {
    const C = InvConsts(T);
    const x = z.re;
    const y = z.im;
    const ax = @abs(x);
    const ay = @abs(y);
    if (math.isNan(x) or math.isNan(y)) {
        if (math.isInf(x)) return .init(y + y, -math.inf(T));
        if (math.isInf(y)) return .init(x + x, -y);
        if (x == 0) return .init(C.pio2, y + y);
        return .init(math.nan(T), math.nan(T));
    }
    if (ax > C.recip_eps or ay > C.recip_eps) {
        const w = logLarge(T, x, y);
        const rx = @abs(w.im);
        var ry = w.re + math.ln2;
        if (!math.signbit(y)) ry = -ry;
        return .init(rx, ry);
    }
    if (x == 1 and y == 0) return .init(0, -y);
    if (ax < C.sqrt_6_eps / 4 and ay < C.sqrt_6_eps / 4) return .init(C.pio2 - x, -y);
    const h = hardWork(T, ay, ax);
    var rx: T = undefined;
    if (h.b_usable) {
        rx = math.acos(if (!math.signbit(x)) h.b else -h.b);
    } else {
        rx = math.atan2(h.sqrt_a2my2, if (!math.signbit(x)) h.new_y else -h.new_y);
    }
    const ry = if (!math.signbit(y)) -h.rx else h.rx;
    return .init(rx, ry);
}

/// Inverse hyperbolic cosine: ±i acos(z), with the sign making the real part >= 0.
pub fn acosh(comptime T: type, z: Complex(T)) Complex(T) {
    const w = acos(T, z);
    if (math.isNan(w.re) and math.isNan(w.im)) return .init(w.im, w.re);
    if (math.isNan(w.re)) return .init(@abs(w.im), w.re);
    if (math.isNan(w.im)) return .init(w.im, w.re);
    return .init(@abs(w.im), math.copysign(w.re, z.im));
}

/// Inverse sine: i conj(asinh(i conj(z))).
pub fn asin(comptime T: type, z: Complex(T)) Complex(T) {
    const w = asinh(T, .init(z.im, z.re));
    return .init(w.im, w.re);
}

/// Re(1 / (x + iy)) without spurious underflow, for |z| beyond 1/eps.
fn realPartRecip(comptime T: type, x: T, y: T) T {
    const bits = math.floatMantissaBits(T) + 1;
    const cutoff = bits / 2 + 1;
    if (math.isInf(x)) return 1 / x;
    if (math.isInf(y)) return x / y / y;
    const ex = math.frexp(x).exponent;
    const ey = math.frexp(y).exponent;
    if (ex - ey >= cutoff) return 1 / x;
    if (ey - ex >= cutoff) return x / y / y;
    if (ex <= math.floatExponentMax(T) / 2 - cutoff) return x / (x * x + y * y);
    const scale = ldexp(@as(T, 1), -ex);
    const xs = x * scale;
    const ys = y * scale;
    return xs / (xs * xs + ys * ys) * scale;
}

/// Inverse hyperbolic tangent.
pub fn atanh(comptime T: type, z: Complex(T)) Complex(T) {
    const C = InvConsts(T);
    const x = z.re;
    const y = z.im;
    const ax = @abs(x);
    const ay = @abs(y);
    if (y == 0 and ax <= 1) return .init(one(vm.atanh, x), y);
    if (x == 0) return .init(x, math.atan(y));
    if (math.isNan(x) or math.isNan(y)) {
        if (math.isInf(x)) return .init(math.copysign(@as(T, 0), x), y + y);
        if (math.isInf(y)) return .init(math.copysign(@as(T, 0), x), math.copysign(C.pio2, y));
        return .init(math.nan(T), math.nan(T));
    }
    if (ax > C.recip_eps or ay > C.recip_eps) {
        return .init(realPartRecip(T, x, y), math.copysign(C.pio2, y));
    }
    if (ax < C.sqrt_3_eps / 2 and ay < C.sqrt_3_eps / 2) return z;
    var rx: T = undefined;
    if (ax == 1 and ay < C.eps) {
        rx = (math.ln2 - log1(ay)) / 2;
    } else {
        const d = ax - 1;
        const sum_squares = if (ay < C.sqrt_min) d * d else d * d + ay * ay;
        rx = one(vm.log1p, 4 * ax / sum_squares) / 4;
    }
    var ry: T = undefined;
    if (ax == 1) {
        ry = math.atan2(@as(T, 2), -ay) / 2;
    } else if (ay < C.eps) {
        ry = math.atan2(2 * ay, (1 - ax) * (1 + ax)) / 2;
    } else {
        ry = math.atan2(2 * ay, (1 - ax) * (1 + ax) - ay * ay) / 2;
    }
    return .init(math.copysign(rx, x), math.copysign(ry, y));
}

/// Inverse tangent: i conj(atanh(i conj(z))).
pub fn atan(comptime T: type, z: Complex(T)) Complex(T) {
    const w = atanh(T, .init(z.im, z.re));
    return .init(w.im, w.re);
}

// ---------------------------------------------------------------------------------------------
// Rounding and predicates

/// Rounds both parts half away from zero.
pub fn round(comptime T: type, z: Complex(T)) Complex(T) {
    return .init(roundHalfAway(T, z.re), roundHalfAway(T, z.im));
}

fn roundHalfAway(comptime T: type, x: T) T {
    const t = @trunc(x);
    if (@abs(x - t) >= 0.5) return t + math.copysign(@as(T, 1), x);
    return t;
}

test "sqrt and abs of subnormal values" {
    const C = Complex(f64);
    const r = sqrt(f64, C.init(5e-324, 0));
    try std.testing.expectEqual(@as(f64, 0), r.im);
    try std.testing.expectApproxEqRel(@as(f64, 2.2227587494850775e-162), r.re, 1e-15);
    try std.testing.expectEqual(@as(f64, 5e-324), abs(f64, C.init(5e-324, 0)));
    try std.testing.expectEqual(@as(f64, 1.4142135623730951e308), abs(f64, C.init(1e308, 1e308)));
    try std.testing.expect(math.isNan(abs(f64, C.init(math.nan(f64), 1))));
    try std.testing.expect(math.isInf(abs(f64, C.init(math.nan(f64), -math.inf(f64)))));
}

test "complex special values follow C99 Annex G" {
    const C = Complex(f64);
    const inf = math.inf(f64);
    const e = exp(f64, C.init(-inf, 1));
    try std.testing.expect(e.re == 0);
    const s = sqrt(f64, C.init(-4, 0));
    try std.testing.expectEqual(@as(f64, 2), s.im);
    const l = log(f64, C.init(0, 0));
    try std.testing.expect(l.re == -inf);
    const a = acos(f64, C.init(1, 0));
    try std.testing.expect(a.re == 0);
    const t = tanh(f64, C.init(inf, 3));
    try std.testing.expectEqual(@as(f64, 1), t.re);
}
