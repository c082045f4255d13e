//! Scalar math for the elementwise families, written to give NumPy's answers: Python-style floor
//! division and remainder (NumPy's npy_divmod), integer power, an accurate f64 pow, and complex
//! arithmetic with NumPy's formulas (naive product, Smith's quotient, lexicographic order).

const std = @import("std");
const complex = @import("complex.zig");

// ---- floor division and remainder ----

/// Floor quotient and remainder of two floats, as NumPy's `npy_divmod`: the remainder takes the
/// sign of the divisor and the quotient is snapped to the integer nearest `(a - mod) / b`.
/// The caller handles `b == 0`.
pub inline fn divmod(comptime T: type, a: T, b: T) struct { div: T, mod: T } {
    var mod = @rem(a, b);
    var div = (a - mod) / b;
    // NaN counts as non-zero here, as in C.
    if (mod != 0) {
        if ((b < 0) != (mod < 0)) {
            mod += b;
            div -= 1;
        }
    } else {
        mod = std.math.copysign(@as(T, 0), b);
    }
    var floordiv: T = undefined;
    if (div != 0) {
        floordiv = @floor(div);
        if (div - floordiv > 0.5) floordiv += 1;
    } else {
        floordiv = std.math.copysign(@as(T, 0), a / b);
    }
    return .{ .div = floordiv, .mod = mod };
}

/// `a // b` for floats (NumPy's npy_floor_divide): division by zero gives a / b (±inf or NaN).
pub inline fn floorDivide(comptime T: type, a: T, b: T) T {
    if (b == 0) return a / b;
    return divmod(T, a, b).div;
}

/// `a % b` for floats (NumPy's npy_remainder): the sign of the divisor; NaN for b == 0.
pub inline fn remainder(comptime T: type, a: T, b: T) T {
    if (b == 0) return @rem(a, b);
    return divmod(T, a, b).mod;
}

/// `a // b` for integers with NumPy's edge cases: division by zero gives 0, and MIN // -1 wraps
/// to MIN.
pub inline fn intFloorDivide(comptime T: type, a: T, b: T) T {
    if (b == 0) return 0;
    if (comptime @typeInfo(T).int.signedness == .signed) {
        if (b == -1) return 0 -% a;
        return @divFloor(a, b);
    }
    return a / b;
}

/// `a % b` for integers (sign of the divisor), 0 when b == 0 as NumPy gives.
pub inline fn intRemainder(comptime T: type, a: T, b: T) T {
    if (b == 0) return 0;
    if (comptime @typeInfo(T).int.signedness == .signed) {
        if (b == -1) return 0;
        return @mod(a, b);
    }
    return a % b;
}

/// Integer power with wrap-around (NumPy's loop); the caller rejects negative exponents.
pub inline fn intPow(comptime T: type, base: T, exponent: T) T {
    var result: T = 1;
    var b = base;
    var e = exponent;
    // At most one iteration per exponent bit.
    while (e > 0) {
        if (e & 1 != 0) result *%= b;
        e >>= 1;
        if (e != 0) b *%= b;
    }
    return result;
}

// ---- pow for f64 ----
//
// pow(x, y) = exp(y * log(x)) with log(x) carried as a double-double (about 2^-69 relative near
// x = 1, better elsewhere) and exp evaluated from a double-double argument, so the result is
// within a few hundredths of an ulp before the final rounding: exact results such as 2^10 or
// 4^0.5 come out exact, and the rest match glibc's correctly rounded pow to the last bit nearly
// always. Tables are computed at comptime in f128.

const DD = struct { hi: f64, lo: f64 };

const table_size = 64;

/// ln 2 in f128 from 2·atanh(1/3).
const ln2_f128: f128 = blk: {
    @setEvalBranchQuota(100_000);
    break :blk 2 * atanhSeries(1.0 / 3.0);
};

fn atanhSeries(t: f128) f128 {
    // sum t^(2j+1)/(2j+1) until the terms fall below 2^-120 of the first.
    var sum: f128 = 0;
    var power: f128 = t;
    const t2 = t * t;
    var j: u32 = 0;
    while (j < 200) : (j += 1) {
        const term = power / @as(f128, @floatFromInt(2 * j + 1));
        sum += term;
        if (@abs(term) < 1e-37 * @abs(t)) break;
        power *= t2;
    }
    return sum;
}

fn expSeries(x: f128) f128 {
    var sum: f128 = 1;
    var term: f128 = 1;
    var k: u32 = 1;
    while (k < 200) : (k += 1) {
        term = term * x / @as(f128, @floatFromInt(k));
        sum += term;
        if (@abs(term) < 1e-37) break;
    }
    return sum;
}

/// ln 2 split so that k·ln2_hi is exact for |k| < 2^21.
const ln2_hi: f64 = blk: {
    const full: f64 = @floatCast(ln2_f128);
    const bits: u64 = @bitCast(full);
    break :blk @bitCast(bits & 0xffff_ffff_ffe0_0000);
};
const ln2_lo: f64 = @floatCast(ln2_f128 - ln2_hi);

/// log(c_i) for the centers c_i = 0.5 + i/64, as double-doubles.
const log_table: [table_size]DD = blk: {
    @setEvalBranchQuota(10_000_000);
    var t: [table_size]DD = undefined;
    for (0..table_size) |i| {
        const c: f128 = 0.5 + @as(f128, @floatFromInt(i)) / 64.0;
        const v: f128 = if (i == 0) 0 else 2 * atanhSeries((c - 1) / (c + 1));
        const hi: f64 = @floatCast(v);
        t[i] = .{ .hi = hi, .lo = @floatCast(v - hi) };
    }
    break :blk t;
};

/// 2^(j/64) as double-doubles.
const exp_table: [table_size]DD = blk: {
    @setEvalBranchQuota(10_000_000);
    var t: [table_size]DD = undefined;
    for (0..table_size) |j| {
        const v = expSeries(ln2_f128 * @as(f128, @floatFromInt(j)) / 64.0);
        const hi: f64 = @floatCast(v);
        t[j] = .{ .hi = hi, .lo = @floatCast(v - hi) };
    }
    break :blk t;
};

inline fn twoSum(a: f64, b: f64) DD {
    const s = a + b;
    const bb = s - a;
    return .{ .hi = s, .lo = (a - (s - bb)) + (b - bb) };
}

/// log(x) as a double-double, for finite x > 0.
fn logDD(x: f64) DD {
    var bits: u64 = @bitCast(x);
    var k: i32 = 0;
    if (bits < 0x0010_0000_0000_0000) {
        // Subnormal: scale into the normal range first.
        bits = @bitCast(x * 0x1p54);
        k = -54;
    }
    k += @as(i32, @intCast(bits >> 52)) - 1023;
    var m: f64 = @bitCast((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if (m > std.math.sqrt2) {
        m *= 0.5;
        k += 1;
    }
    // m in [0.707, 1.415); the nearest center c is exact, and c = 1 for m near 1, so log(x)
    // keeps its relative accuracy there.
    const i: usize = @intFromFloat(@round((m - 0.5) * 64));
    std.debug.assert(i >= 13 and i <= 59);
    const c = 0.5 + @as(f64, @floatFromInt(i)) / 64.0;
    const num = m - c; // exact (Sterbenz)
    const den = twoSum(m, c);
    const f_hi = num / den.hi;
    const residual = @mulAdd(f64, -f_hi, den.hi, num);
    const f_lo = (residual - f_hi * den.lo) / den.hi;
    // log(m / c) = 2 atanh(f) = 2f + 2f^3/3 + 2f^5/5 + ...; |f| < 0.0056.
    const z = f_hi * f_hi;
    const poly = z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 +
        z * (2.0 / 9.0 + z * (2.0 / 11.0)))));
    const kf: f64 = @floatFromInt(k);
    const lc = log_table[i];
    const s1 = twoSum(kf * ln2_hi, lc.hi);
    const s2 = twoSum(s1.hi, 2 * f_hi);
    const small = kf * ln2_lo + lc.lo + (f_hi * poly + 2 * f_lo);
    const lo = s1.lo + s2.lo + small;
    return twoSum(s2.hi, lo);
}

const inv_ln2_64: f64 = @floatCast(64.0 / ln2_f128);
const ln2_64_hi: f64 = ln2_hi / 64.0;
const ln2_64_lo: f64 = ln2_lo / 64.0;

/// exp(hi + lo) for a double-double argument (|lo| ≤ ulp(hi)).
fn expDD(hi: f64, lo: f64) f64 {
    if (hi > 709.8) return std.math.inf(f64);
    if (hi < -745.2) return 0;
    const kk = @round(hi * inv_ln2_64);
    const ki: i32 = @intFromFloat(kk);
    // k·ln2/64 is exact in the high part, so r_hi is exact.
    const r_hi = hi - kk * ln2_64_hi;
    const r_lo = lo - kk * ln2_64_lo;
    const r = twoSum(r_hi, r_lo);
    // expm1(r) for |r| < 0.0055: r + r^2/2 + ... to 2^-75.
    const x = r.hi;
    const p = x * x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 +
        x * (1.0 / 120.0 + x * (1.0 / 720.0 + x * (1.0 / 5040.0))))));
    const e_lo = r.lo * (1 + x) + p;
    const j: usize = @intCast(ki & (table_size - 1));
    const k: i32 = ki >> 6;
    const t = exp_table[j];
    // T(1 + e) = T_hi + (T_hi·x + (T_hi·e_lo + T_lo·(1 + e))).
    const tail = @mulAdd(f64, t.hi, x, t.hi * e_lo + t.lo * (1 + x + e_lo));
    const scaled = t.hi + tail;
    return std.math.ldexp(scaled, k);
}

fn isOddInteger(y: f64) bool {
    if (@abs(y) >= 0x1p53) return false;
    return @rem(y, 2) != 0 and @trunc(y) == y;
}

/// x^y for f64 with C99 Annex F special cases (those of glibc's pow, which NumPy calls).
pub fn pow(x: f64, y: f64) f64 {
    if (y == 0 or x == 1) return 1;
    if (std.math.isNan(x) or std.math.isNan(y)) return x + y;
    const y_integer = @trunc(y) == y;
    const y_odd = isOddInteger(y);
    if (std.math.isInf(y)) {
        const ax = @abs(x);
        if (ax == 1) return 1;
        return if ((ax < 1) == (y > 0)) 0 else std.math.inf(f64);
    }
    if (std.math.isInf(x) or x == 0) {
        // |x| is 0 or inf: the result is 0 or inf, with x's sign for odd integer y.
        const big = (x == 0) == (y < 0);
        const mag: f64 = if (big) std.math.inf(f64) else 0;
        return if (y_odd) std.math.copysign(mag, x) else mag;
    }
    var negate = false;
    if (x < 0) {
        if (!y_integer) return std.math.nan(f64);
        negate = y_odd;
    }
    const l = logDD(@abs(x));
    const p_hi = y * l.hi;
    if (!(@abs(p_hi) <= 746)) {
        const r: f64 = if (p_hi > 0) std.math.inf(f64) else 0;
        return if (negate) -r else r;
    }
    const p_lo = @mulAdd(f64, y, l.hi, -p_hi) + y * l.lo;
    const r = expDD(p_hi, p_lo);
    return if (negate) -r else r;
}

// ---- complex ----
//
// Complex helpers take any struct with `re` and `im` fields (dt.C64, dt.C128).

inline fn Component(comptime S: type) type {
    return @FieldType(S, "re");
}

/// NumPy's complex product (no special handling of infinities).
pub inline fn cmul(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    return .{ .re = a.re * b.re - a.im * b.im, .im = a.re * b.im + a.im * b.re };
}

/// NumPy's complex quotient (Smith's method, as in its divide loop).
pub inline fn cdiv(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    const br_abs = @abs(b.re);
    const bi_abs = @abs(b.im);
    if (br_abs >= bi_abs) {
        if (br_abs == 0 and bi_abs == 0) {
            // Division by zero gives a complex inf or nan.
            return .{ .re = a.re / br_abs, .im = a.im / br_abs };
        }
        const rat = b.im / b.re;
        const scl = 1.0 / (b.re + b.im * rat);
        return .{ .re = (a.re + a.im * rat) * scl, .im = (a.im - a.re * rat) * scl };
    }
    const rat = b.re / b.im;
    const scl = 1.0 / (b.im + b.re * rat);
    return .{ .re = (a.re * rat + a.im) * scl, .im = (a.im * rat - a.re) * scl };
}

/// `cdiv` on complex vectors: both of Smith's branches, then a per-lane select, so every lane
/// gets exactly the scalar result (NaN lanes take the second branch, as in the scalar code).
pub inline fn cdivVec(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    const V = @TypeOf(a.re);
    const T = @typeInfo(V).vector.child;
    const one: V = @splat(1);
    const zero: V = @splat(0);
    const br_abs = @abs(b.re);
    const bi_abs = @abs(b.im);
    // |b.re| >= |b.im|: divide by b.re (by zero when both are zero).
    const rat1 = b.im / b.re;
    const scl1 = one / (b.re + b.im * rat1);
    const both_zero = (br_abs == zero) & (bi_abs == zero);
    const re1 = @select(T, both_zero, a.re / br_abs, (a.re + a.im * rat1) * scl1);
    const im1 = @select(T, both_zero, a.im / br_abs, (a.im - a.re * rat1) * scl1);
    const rat2 = b.re / b.im;
    const scl2 = one / (b.im + b.re * rat2);
    const re2 = (a.re * rat2 + a.im) * scl2;
    const im2 = (a.im * rat2 - a.re) * scl2;
    const first = br_abs >= bi_abs;
    return .{ .re = @select(T, first, re1, re2), .im = @select(T, first, im1, im2) };
}

/// NumPy's nc_quot: the plain formula, used by its integer-power path.
inline fn cquotNaive(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    const d = b.re * b.re + b.im * b.im;
    return .{ .re = (a.re * b.re + a.im * b.im) / d, .im = (a.im * b.re - a.re * b.im) / d };
}

/// Complex power as NumPy's nc_pow: b = 0 gives 1, a = 0 gives 0 (Re b > 0) or nan, small
/// integer exponents multiply (so infinities behave like repeated products), the rest
/// exp(b·log a) evaluated in f64.
pub fn cpow(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    const S = @TypeOf(a);
    const T = Component(S);
    if (b.re == 0 and b.im == 0) return .{ .re = 1, .im = 0 };
    if (a.re == 0 and a.im == 0) {
        if (b.re > 0) return .{ .re = 0, .im = 0 };
        return .{ .re = std.math.nan(T), .im = std.math.nan(T) };
    }
    if (b.im == 0 and b.re == @trunc(b.re) and @abs(b.re) < 100) {
        const n: i32 = @intFromFloat(b.re);
        if (n == 1) return a;
        if (n == 2) return cmul(a, a);
        if (n == 3) return cmul(a, cmul(a, a));
        var m: u32 = @abs(n);
        var acc: S = .{ .re = 1, .im = 0 };
        var p = a;
        // At most 7 iterations (|n| < 100).
        while (true) {
            if (m & 1 != 0) acc = cmul(acc, p);
            m >>= 1;
            if (m == 0) break;
            p = cmul(p, p);
        }
        if (n < 0) return cquotNaive(S{ .re = 1, .im = 0 }, acc);
        return acc;
    }
    const ar: f64 = a.re;
    const ai: f64 = a.im;
    // complex.zig's hypot and log: Zig 0.15's std.math.hypot returns NaN for f64 beyond about
    // 6e177 or with both parts below about 1e-154 (its rescaled squares overflow or vanish), and
    // its @log loses bits on subnormal arguments.
    const log_abs = complex.log1(complex.hypot(f64, ar, ai));
    const arg = std.math.atan2(ai, ar);
    const br: f64 = b.re;
    const bi: f64 = b.im;
    const zr = br * log_abs - bi * arg;
    const zi = br * arg + bi * log_abs;
    const mag = @exp(zr);
    if (zi == 0) return .{ .re = @floatCast(mag), .im = @floatCast(zi) };
    return .{ .re = @floatCast(mag * @cos(zi)), .im = @floatCast(mag * @sin(zi)) };
}

pub inline fn cIsNan(a: anytype) bool {
    return std.math.isNan(a.re) or std.math.isNan(a.im);
}

/// NumPy's complex orderings of its comparison and maximum loops: lexicographic, and a NaN
/// imaginary part spoils a decision made on the real parts.
/// True when neither imaginary part is NaN, so the real parts may decide an ordering.
inline fn imagOrdered(a: anytype, b: @TypeOf(a)) bool {
    return !std.math.isNan(a.im) and !std.math.isNan(b.im);
}
pub inline fn cLess(a: anytype, b: @TypeOf(a)) bool {
    return (a.re < b.re and imagOrdered(a, b)) or (a.re == b.re and a.im < b.im);
}
pub inline fn cLessEq(a: anytype, b: @TypeOf(a)) bool {
    return (a.re < b.re and imagOrdered(a, b)) or (a.re == b.re and a.im <= b.im);
}
pub inline fn cGreater(a: anytype, b: @TypeOf(a)) bool {
    return (a.re > b.re and imagOrdered(a, b)) or (a.re == b.re and a.im > b.im);
}
pub inline fn cGreaterEq(a: anytype, b: @TypeOf(a)) bool {
    return (a.re > b.re and imagOrdered(a, b)) or (a.re == b.re and a.im >= b.im);
}

test "pow is exact where the result is representable" {
    try std.testing.expectEqual(@as(f64, 1024), pow(2, 10));
    try std.testing.expectEqual(@as(f64, 2), pow(4, 0.5));
    try std.testing.expectEqual(@as(f64, 0.125), pow(0.5, 3));
    try std.testing.expectEqual(@as(f64, -27), pow(-3, 3));
    try std.testing.expectEqual(@as(f64, 1e-300), pow(10, -300));
    try std.testing.expect(std.math.isNan(pow(-8, 1.0 / 3.0)));
    try std.testing.expectEqual(std.math.inf(f64), pow(0, -1));
    try std.testing.expectEqual(-std.math.inf(f64), pow(-0.0, -1));
    try std.testing.expectEqual(@as(f64, 1), pow(-1, std.math.inf(f64)));
    try std.testing.expectEqual(std.math.inf(f64), pow(10, 400));
    try std.testing.expectEqual(@as(f64, 0), pow(10, -400));
}

test "complex pow of huge and tiny bases stays finite" {
    const C = struct { re: f64, im: f64 };
    const half: C = .{ .re = 0.5, .im = 0 };
    const big = cpow(C{ .re = 1e200, .im = 1e200 }, half);
    try std.testing.expectApproxEqRel(@as(f64, 1.09868411346781e100), big.re, 1e-12);
    const small = cpow(C{ .re = 1e-310, .im = 1e-310 }, half);
    try std.testing.expectApproxEqRel(@as(f64, 1.0986841134678035e-155), small.re, 1e-12);
}

test "pow near one keeps its relative accuracy" {
    const r = pow(1 + 1e-10, 1e10);
    try std.testing.expectEqual(@as(f64, 2.7182820532347876), r);
}

test "float divmod follows Python" {
    try std.testing.expectEqual(@as(f64, -4), floorDivide(f64, -7, 2));
    try std.testing.expectEqual(@as(f64, 1), remainder(f64, -7, 2));
    try std.testing.expectEqual(@as(f64, -1), remainder(f64, 7, -2));
    try std.testing.expectEqual(@as(f64, -1), floorDivide(f64, -1, std.math.inf(f64)));
    try std.testing.expectEqual(std.math.inf(f64), remainder(f64, -1, std.math.inf(f64)));
    try std.testing.expect(std.math.isNan(remainder(f64, 1, 0)));
}

test "int divmod edge cases" {
    try std.testing.expectEqual(@as(i8, -128), intFloorDivide(i8, -128, -1));
    try std.testing.expectEqual(@as(i8, 0), intRemainder(i8, -128, -1));
    try std.testing.expectEqual(@as(i8, 0), intFloorDivide(i8, 5, 0));
    try std.testing.expectEqual(@as(i8, -4), intFloorDivide(i8, 7, -2));
    try std.testing.expectEqual(@as(i8, -1), intRemainder(i8, 7, -2));
    try std.testing.expectEqual(@as(u8, 139), intPow(u8, 3, 7));
}
