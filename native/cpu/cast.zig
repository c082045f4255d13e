//! Cast kernels: `numr_cast_<src>_<dst>(x, x_off, y, y_off, meta) i32` converts any strided input
//! into any strided output, for all 17 × 17 dtype pairs, with NumPy's `astype` semantics on x86-64:
//!
//! - float → int truncates toward zero. NaN, ±Inf and out-of-range values give what the x86
//!   `cvtt` instructions of NumPy's scalar loops give: i64 and i32 get INT_MIN; i16, i8, u16, u8
//!   go through i32 and wrap; u32 goes through i64 and wraps; u64 converts x ≥ 2^63 as
//!   `cvtt(x − 2^63) ^ 2^63`. fp8 sources follow ml_dtypes instead: NaN → 0, ±Inf saturate.
//! - int → int wraps (two's complement); bool → x is 0 or 1; x → bool is `x != 0` (NaN is true;
//!   a complex is true when either part is non-zero).
//! - complex → real keeps the real part; real → complex has imaginary part 0.
//! - float narrowing rounds to nearest even, once. A source wider than f32 (f64, i64, u64, i32,
//!   u32) going to f16/bf16/fp8 is first rounded to f32 with round-to-odd, which keeps the
//!   final rounding exact (ml_dtypes rounds f64 → bf16/fp8 twice, through f32; numr does not).
//! - fp8 E4M3FN overflow, ±Inf and NaN give NaN; fp8 E5M2 overflow gives ±Inf (ml_dtypes).
//! - same-dtype casts copy the raw bits (NaN payloads included).

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const simd = @import("simd.zig");
const strided = @import("strided.zig");

const Kernel = map.KernelFn;

/// The raw bits of one element, copied by same-dtype casts without touching float registers.
fn Raw(comptime d: dt.DType) type {
    return switch (d) {
        .c128 => extern struct { lo: u64, hi: u64 },
        else => std.meta.Int(.unsigned, 8 * @sizeOf(dt.Storage(d))),
    };
}

fn ComponentDType(comptime d: dt.DType) dt.DType {
    return if (d == .c64) .f32 else .f64;
}

fn bitsOf(comptime T: type) u16 {
    return @typeInfo(T).int.bits;
}

fn isNarrowFloat(comptime d: dt.DType) bool {
    return switch (d) {
        .f16, .bf16, .fp8e4m3, .fp8e5m2 => true,
        else => false,
    };
}

fn isFp8(comptime d: dt.DType) bool {
    return d == .fp8e4m3 or d == .fp8e5m2;
}

/// Converts one element of dtype `src` to dtype `dst` (see the file comment for the rules).
pub inline fn convert(
    comptime src: dt.DType,
    comptime dst: dt.DType,
    x: dt.Storage(src),
) dt.Storage(dst) {
    if (comptime src == dst) return x;
    if (comptime dst == .bool) return @intFromBool(isNonZero(src, x));
    if (comptime dt.isComplex(src)) {
        const c = comptime ComponentDType(src);
        if (comptime dt.isComplex(dst)) {
            const dc = comptime ComponentDType(dst);
            return .{ .re = convert(c, dc, x.re), .im = convert(c, dc, x.im) };
        }
        return convert(c, dst, x.re);
    }
    if (comptime dt.isComplex(dst)) return .{ .re = convert(src, ComponentDType(dst), x), .im = 0 };
    if (comptime src == .bool) return fromBool(dst, x != 0);
    if (comptime dt.isInt(src)) {
        if (comptime dt.isInt(dst)) return wrapInt(dt.Storage(dst), x);
        return intToFloat(dst, x);
    }
    const v = dt.load(src, x);
    if (comptime dt.isInt(dst)) return floatToInt(src, dt.Storage(dst), v);
    return floatToFloat(dst, v);
}

inline fn isNonZero(comptime src: dt.DType, x: dt.Storage(src)) bool {
    if (comptime dt.isComplex(src)) return x.re != 0 or x.im != 0;
    if (comptime dt.isFloat(src)) return dt.load(src, x) != 0;
    return x != 0;
}

inline fn fromBool(comptime dst: dt.DType, b: bool) dt.Storage(dst) {
    if (comptime dt.isInt(dst)) return @intFromBool(b);
    return dt.store(dst, if (b) 1 else 0);
}

/// Integer → integer: sign- or zero-extend to 64 bits, keep the low bits.
inline fn wrapInt(comptime D: type, x: anytype) D {
    const S = @TypeOf(x);
    const wide: u64 = if (comptime @typeInfo(S).int.signedness == .signed)
        @bitCast(@as(i64, x))
    else
        @as(u64, x);
    const UD = std.meta.Int(.unsigned, bitsOf(D));
    return @bitCast(@as(UD, @truncate(wide)));
}

inline fn intToFloat(comptime dst: dt.DType, x: anytype) dt.Storage(dst) {
    if (comptime dst == .f64 or dst == .f32) return @floatFromInt(x);
    return dt.store(dst, intToF32Odd(x));
}

/// An integer rounded to f32 with round-to-odd: truncated to 24 significant bits, with the last
/// bit set when anything was dropped. Rounding that to a format of ≤ 22 bits is then exact.
pub inline fn intToF32Odd(x: anytype) f32 {
    const S = @TypeOf(x);
    if (comptime bitsOf(S) <= 24) return @floatFromInt(x);
    const negative = if (comptime @typeInfo(S).int.signedness == .signed) x < 0 else false;
    const wide: u64 = if (comptime @typeInfo(S).int.signedness == .signed)
        @bitCast(@as(i64, x))
    else
        @as(u64, x);
    const magnitude: u64 = if (negative) 0 -% wide else wide;
    const width: u32 = 64 - @as(u32, @clz(magnitude));
    var f: f32 = undefined;
    if (width <= 24) {
        f = @floatFromInt(magnitude);
    } else {
        const shift: u6 = @intCast(width - 24);
        const dropped = magnitude & ((@as(u64, 1) << shift) - 1);
        const kept = (magnitude >> shift) | @intFromBool(dropped != 0);
        const scale: f32 = @bitCast((@as(u32, 127) + shift) << 23);
        f = @as(f32, @floatFromInt(kept)) * scale;
    }
    return if (negative) -f else f;
}

/// An f64 rounded to f32 with round-to-odd (see `intToF32Odd`); NaN and exact values pass.
pub inline fn f64ToF32Odd(v: f64) f32 {
    const y: f32 = @floatCast(v);
    const back: f64 = y;
    if (back == v or v != v) return y;
    var bits: u32 = @bitCast(y);
    // Round-to-nearest went away from zero: step back toward zero to truncate.
    if (@abs(back) > @abs(v)) bits -= 1;
    return @bitCast(bits | 1);
}

inline fn floatToFloat(comptime dst: dt.DType, v: anytype) dt.Storage(dst) {
    if (comptime dst == .f64 or dst == .f32) return @floatCast(v);
    const v32: f32 = if (comptime @TypeOf(v) == f64) f64ToF32Odd(v) else v;
    return dt.store(dst, v32);
}

/// x86 `cvtt` into I: truncation toward zero, INT_MIN for NaN and out-of-range values.
inline fn cvtt(comptime I: type, v: anytype) I {
    const F = @TypeOf(v);
    const lo: F = comptime -std.math.ldexp(@as(F, 1), bitsOf(I) - 1);
    if (v >= lo and v < -lo) return @intFromFloat(v);
    return std.math.minInt(I);
}

inline fn floatToInt(comptime src: dt.DType, comptime D: type, v: anytype) D {
    const F = @TypeOf(v);
    if (comptime isFp8(src)) {
        // ml_dtypes converts fp8 NaN to 0 and saturates infinities.
        if (v != v) return 0;
        if (std.math.isInf(v)) return if (v > 0) std.math.maxInt(D) else std.math.minInt(D);
    }
    if (comptime D == i64 or D == i32) return cvtt(D, v);
    if (comptime D == u32) return wrapInt(D, cvtt(i64, v));
    if (comptime D == u64) {
        const two63: F = comptime std.math.ldexp(@as(F, 1), 63);
        if (v >= two63) return @as(u64, @bitCast(cvtt(i64, v - two63))) ^ (@as(u64, 1) << 63);
        return @bitCast(cvtt(i64, v));
    }
    return wrapInt(D, cvtt(i32, v));
}

// ---- vector paths for contiguous runs ----

/// True when a contiguous (src, dst) run has a vector conversion that gives the same bits as
/// `convert`: float ↔ float, ints of ≤ 32 bits ↔ floats, int ↔ int, bool ↔ anything
/// vectorizable. 64-bit ints into floats stay scalar: vector u64 → float lowerings differ by CPU.
fn hasVector(comptime src: dt.DType, comptime dst: dt.DType) bool {
    if (!simd.vectorizable(src) or !simd.vectorizable(dst) or src == dst) return false;
    if (src == .bool or dst == .bool) return true;
    const fs = dt.isFloat(src);
    const fd = dt.isFloat(dst);
    if (fs and fd) return true;
    if (!fs and !fd) return true;
    if (!fs) return bitsOf(dt.Compute(src)) <= 32;
    return bitsOf(dt.Compute(dst)) <= 32 and dst != .u32;
}

fn vectorLanes(comptime src: dt.DType, comptime dst: dt.DType) usize {
    return @min(simd.lanes(dt.Compute(src)), simd.lanes(dt.Compute(dst)));
}

inline fn convertVector(
    comptime src: dt.DType,
    comptime dst: dt.DType,
    comptime n: usize,
    v: @Vector(n, dt.Compute(src)),
) @Vector(n, dt.Compute(dst)) {
    const CS = dt.Compute(src);
    const CD = dt.Compute(dst);
    const zero_s: @Vector(n, CS) = @splat(0);
    const one_d: @Vector(n, CD) = @splat(1);
    const zero_d: @Vector(n, CD) = @splat(0);
    if (comptime dst == .bool) return @select(CD, v != zero_s, one_d, zero_d);
    if (comptime src == .bool) return @select(CD, v != zero_s, one_d, zero_d);
    const fs = comptime dt.isFloat(src);
    const fd = comptime dt.isFloat(dst);
    const narrow = comptime isNarrowFloat(dst);
    if (comptime fs and fd) {
        return if (CS == f64 and narrow) f64ToF32OddVector(n, v) else @floatCast(v);
    }
    if (comptime !fs and fd) {
        if (comptime !narrow or bitsOf(CS) <= 24) return @floatFromInt(v);
        // ≤ 32-bit ints are exact in f64; round-to-odd from there, as the scalar path does.
        return f64ToF32OddVector(n, @as(@Vector(n, f64), @floatFromInt(v)));
    }
    if (comptime !fs and !fd) return wrapVector(CD, n, v);
    return wrapVector(CD, n, cvttVector(i32, n, v));
}

/// `f64ToF32Odd` on a vector.
inline fn f64ToF32OddVector(comptime n: usize, v: @Vector(n, f64)) @Vector(n, f32) {
    const y: @Vector(n, f32) = @floatCast(v);
    const back: @Vector(n, f64) = @floatCast(y);
    const bits: @Vector(n, u32) = @bitCast(y);
    const ones: @Vector(n, u32) = @splat(1);
    const zeros: @Vector(n, u32) = @splat(0);
    const away = @select(u32, @abs(back) > @abs(v), ones, zeros);
    const odd = (bits - away) | ones;
    const keep = @select(bool, back == v, @as(@Vector(n, bool), @splat(true)), v != v);
    return @bitCast(@select(u32, keep, bits, odd));
}

inline fn wrapVector(comptime D: type, comptime n: usize, v: anytype) @Vector(n, D) {
    const S = @typeInfo(@TypeOf(v)).vector.child;
    const W = if (@typeInfo(S).int.signedness == .signed) i64 else u64;
    const wide: @Vector(n, u64) = @bitCast(@as(@Vector(n, W), v));
    const UD = std.meta.Int(.unsigned, bitsOf(D));
    return @bitCast(@as(@Vector(n, UD), @truncate(wide)));
}

inline fn cvttVector(comptime I: type, comptime n: usize, v: anytype) @Vector(n, I) {
    const F = @typeInfo(@TypeOf(v)).vector.child;
    const lo: @Vector(n, F) = @splat(comptime -std.math.ldexp(@as(F, 1), bitsOf(I) - 1));
    const none: @Vector(n, bool) = @splat(false);
    const in_range = @select(bool, v >= lo, v < -lo, none);
    const safe = @select(F, in_range, v, @as(@Vector(n, F), @splat(0)));
    const converted: @Vector(n, I) = @intFromFloat(safe);
    return @select(I, in_range, converted, @as(@Vector(n, I), @splat(std.math.minInt(I))));
}

// ---- kernels ----

fn castKernel(comptime src: dt.DType, comptime dst: dt.DType) Kernel {
    const same = src == dst;
    const X = if (same) Raw(src) else dt.Storage(src);
    const Y = if (same) Raw(dst) else dt.Storage(dst);
    const Inner = struct {
        pub inline fn one(x: X) Y {
            return if (comptime same) x else convert(src, dst, x);
        }

        pub fn run(_: void, ptrs: [2]usize, strides: [2]isize, len: usize) void {
            const xp: [*]const X = @ptrFromInt(ptrs[0]);
            const yp: [*]Y = @ptrFromInt(ptrs[1]);
            if (strides[0] == 1 and strides[1] == 1) return contiguous(xp, yp, len);
            var xi: isize = 0;
            var yi: isize = 0;
            for (0..len) |_| {
                map.ptrAtMut(Y, yp, yi).* = one(map.ptrAt(X, xp, xi));
                xi += strides[0];
                yi += strides[1];
            }
        }

        fn contiguous(xp: [*]const X, yp: [*]Y, len: usize) void {
            if (comptime same) {
                @memcpy(yp[0..len], xp[0..len]);
                return;
            }
            var i: usize = 0;
            if (comptime hasVector(src, dst)) {
                const n = comptime vectorLanes(src, dst);
                while (i + n <= len) : (i += n) {
                    const v = simd.loadVec(src, n, xp + i);
                    simd.storeVec(dst, n, yp + i, convertVector(src, dst, n, v));
                }
            }
            while (i < len) : (i += 1) yp[i] = one(xp[i]);
        }
    };
    return map.entry(X, Y, Inner);
}

/// "cast <src> <dst>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = blk: {
    @setEvalBranchQuota(10_000);
    var s: []const u8 = "";
    for (dt.all) |a| {
        for (dt.all) |b| s = s ++ "cast " ++ @tagName(a) ++ " " ++ @tagName(b) ++ "\n";
    }
    break :blk s;
};

comptime {
    @setEvalBranchQuota(10_000);
    for (dt.all) |a| {
        for (dt.all) |b| {
            const f = castKernel(a, b);
            @export(&f, .{ .name = "numr_cast_" ++ @tagName(a) ++ "_" ++ @tagName(b) });
        }
    }
}

test "round-to-odd keeps the final rounding single" {
    // 1 + 2^-8 + 2^-30 is just above a bf16 tie: through plain f32 it would round down to 1.
    const v: f64 = 1.0 + std.math.ldexp(@as(f64, 1), -8) + std.math.ldexp(@as(f64, 1), -30);
    try std.testing.expectEqual(@as(u16, 0x3f81), convert(.f64, .bf16, v).bits);
    // 2^24 + 2^16 + 1 is just above a bf16 tie too.
    const i: i64 = (1 << 24) + (1 << 16) + 1;
    try std.testing.expectEqual(@as(f32, 16908288), dt.load(.bf16, convert(.i64, .bf16, i)));
    try std.testing.expectEqual(@as(u16, 0xff80), convert(.f64, .bf16, -1e300).bits);
    // Just above half the smallest bf16 subnormal: f32 alone would make it a tie, rounding to 0.
    const tiny = std.math.ldexp(@as(f64, 1), -134) + std.math.ldexp(@as(f64, 1), -170);
    try std.testing.expectEqual(@as(u16, 0x0001), convert(.f64, .bf16, tiny).bits);
}

test "float to int follows x86 cvtt" {
    const nan = std.math.nan(f64);
    try std.testing.expectEqual(std.math.minInt(i32), convert(.f64, .i32, nan));
    try std.testing.expectEqual(@as(i16, 4464), convert(.f64, .i16, 70000.5));
    try std.testing.expectEqual(@as(u32, 0), convert(.f64, .u32, nan));
    try std.testing.expectEqual(@as(u64, 1 << 63), convert(.f64, .u64, nan));
    try std.testing.expectEqual(@as(u64, 10_000_000_000_000_000_000), convert(.f64, .u64, 1e19));
    try std.testing.expectEqual(@as(u8, 255), convert(.f32, .u8, -1.5));
    try std.testing.expectEqual(@as(i8, 127), convert(.fp8e5m2, .i8, .{ .bits = 0x7c }));
    try std.testing.expectEqual(@as(i32, 0), convert(.fp8e4m3, .i32, .{ .bits = 0x7f }));
}
