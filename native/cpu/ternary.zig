//! Ternary kernels: `numr_ternary_<op>_<dtype>(a, a_off, b, b_off, c, c_off, y, y_off, meta) i32`.
//! - where(cond: bool, x, y): cond ? x : y.
//! - clamp(x, lo, hi): NumPy's clip, min(max(x, lo), hi), where a NaN in x, lo or hi gives NaN.
//! - mulAdd(a, b, c): a·b + c, one rounding (FMA) for real floats; ints wrap.

const std = @import("std");
const dt = @import("dtype.zig");
const fmath = @import("fmath.zig");
const nary = @import("nary.zig");
const binary = @import("binary.zig");

fn Where(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(cond: u8, a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            return if (cond != 0) a else b;
        }
        pub inline fn vector(cond: anytype, a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            const zero: @TypeOf(cond) = @splat(0);
            const take = cond != zero;
            if (comptime dt.isComplex(d)) {
                const T = dt.Component(d);
                return .{ .re = @select(T, take, a.re, b.re), .im = @select(T, take, a.im, b.im) };
            }
            return @select(@typeInfo(@TypeOf(a)).vector.child, take, a, b);
        }
    };
}

/// NumPy's clip loop: Min(Max(x, lo), hi) with Max(a, b) = isnan(a) || a > b ? a : b, so a NaN
/// in x survives and a NaN bound wins; complex orders lexicographically.
fn Clamp(comptime d: dt.DType) type {
    return struct {
        pub inline fn scalar(x: dt.Compute(d), lo: dt.Compute(d), hi: dt.Compute(d)) dt.Compute(d) {
            if (comptime dt.isComplex(d)) {
                const t = if (fmath.cIsNan(x) or lexGreater(x, lo)) x else lo;
                return if (fmath.cIsNan(t) or lexGreater(hi, t)) t else hi;
            }
            if (comptime dt.isFloat(d)) {
                const t = if (x != x or x > lo) x else lo;
                return if (t != t or t < hi) t else hi;
            }
            return @min(@max(x, lo), hi);
        }
        pub inline fn vector(x: anytype, lo: @TypeOf(x), hi: @TypeOf(x)) @TypeOf(x) {
            if (comptime !dt.isFloat(d)) return @min(@max(x, lo), hi);
            const E = @typeInfo(@TypeOf(x)).vector.child;
            const t = @select(E, x > lo, x, @select(E, x != x, x, lo));
            return @select(E, t < hi, t, @select(E, t != t, t, hi));
        }
    };
}

/// clip's complex order: by real part, then by imaginary part (no NaN rule of its own).
inline fn lexGreater(a: anytype, b: @TypeOf(a)) bool {
    return if (a.re == b.re) a.im > b.im else a.re > b.re;
}

fn MulAdd(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d), c: dt.Compute(d)) dt.Compute(d) {
            return vector(a, b, c);
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a), c: @TypeOf(a)) @TypeOf(a) {
            if (comptime dt.isComplex(d)) {
                // The plain formula, as NumPy's a * b + c (no fused rounding for complex).
                const p = fmath.cmul(a, b);
                return .{ .re = p.re + c.re, .im = p.im + c.im };
            }
            if (d == .bool) return (a & b) | c;
            if (comptime dt.isInt(d)) return a *% b +% c;
            return @mulAdd(@TypeOf(a), a, b, c);
        }
    };
}

const all = &binary.everything;

const Entry = struct { name: []const u8, Op: fn (comptime dt.DType) type, cond: bool };

const entries = [_]Entry{
    .{ .name = "where", .Op = Where, .cond = true },
    .{ .name = "clamp", .Op = Clamp, .cond = false },
    .{ .name = "mulAdd", .Op = MulAdd, .cond = false },
};

/// "ternary <op> <dtype>" lines; the dtype is the output's (where's condition is always bool).
pub const manifest: []const u8 = blk: {
    @setEvalBranchQuota(100_000);
    var s: []const u8 = "";
    for (entries) |e| {
        for (all) |d| s = s ++ "ternary " ++ e.name ++ " " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    @setEvalBranchQuota(100_000);
    for (entries) |e| {
        for (all) |d| {
            const first: dt.DType = if (e.cond) .bool else d;
            const f = nary.export3(nary.Nary(&.{ first, d, d }, d, e.Op(d)));
            @export(&f, .{ .name = "numr_ternary_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
}

test "clamp propagates NaN from x and from the bounds" {
    const C = Clamp(.f64);
    const nan = std.math.nan(f64);
    try std.testing.expect(std.math.isNan(C.scalar(nan, 0, 1)));
    try std.testing.expect(std.math.isNan(C.scalar(0.5, nan, 1)));
    try std.testing.expect(std.math.isNan(C.scalar(0.5, 0, nan)));
    try std.testing.expectEqual(@as(f64, 1), C.scalar(5, 0, 1));
    try std.testing.expectEqual(@as(f64, 2), C.scalar(1, 4, 2));
}
