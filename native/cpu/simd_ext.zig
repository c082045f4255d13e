//! Vector loads and stores beyond simd.zig, so elementwise kernels stream every dtype through
//! SIMD: fp8 (E4M3FN, E5M2) widened to f32 bit-exactly like the scalar conversions in dtype.zig
//! (round to nearest even; E4M3FN overflow and ±Inf give NaN, E5M2 overflow gives ±Inf), and
//! complex, split into a vector of real parts and a vector of imaginary parts.

const std = @import("std");
const dt = @import("dtype.zig");
const simd = @import("simd.zig");

fn U32(comptime n: usize) type {
    return @Vector(n, u32);
}

inline fn splat(comptime n: usize, v: u32) U32(n) {
    return @splat(v);
}

/// E5M2 is the top byte of an f16: widening goes through f16 exactly.
pub inline fn e5m2ToF32(comptime n: usize, raw: @Vector(n, u8)) @Vector(n, f32) {
    const wide: @Vector(n, u16) = raw;
    const h: @Vector(n, f16) = @bitCast(wide << @splat(8));
    return @floatCast(h);
}

/// E4M3FN → f32: normals rebias the exponent, subnormals scale the mantissa, 0x7f/0xff are NaN.
pub inline fn e4m3ToF32(comptime n: usize, raw: @Vector(n, u8)) @Vector(n, f32) {
    const b: U32(n) = raw;
    const sign = (b & splat(n, 0x80)) << splat(n, 24);
    const e = (b >> splat(n, 3)) & splat(n, 0xf);
    const m = b & splat(n, 0x7);
    const exponent = (e + splat(n, 120)) << splat(n, 23);
    const normal: @Vector(n, f32) = @bitCast(sign | exponent | (m << splat(n, 20)));
    const mf: @Vector(n, f32) = @floatFromInt(m);
    const sub_mag = mf * @as(@Vector(n, f32), @splat(1.0 / 512.0));
    const sub: @Vector(n, f32) = @bitCast(@as(U32(n), @bitCast(sub_mag)) | sign);
    const nan: @Vector(n, f32) = @splat(std.math.nan(f32));
    const is_nan = (b & splat(n, 0x7f)) == splat(n, 0x7f);
    return @select(f32, is_nan, nan, @select(f32, e == splat(n, 0), sub, normal));
}

/// Rounds |x| (given as bits) to a small float with `man` mantissa bits and bias `bias`, to
/// nearest even; returns the magnitude code (the caller handles overflow, Inf and NaN).
inline fn roundMini(
    comptime n: usize,
    abs_bits: U32(n),
    comptime man: u5,
    comptime bias: u32,
) U32(n) {
    const min_normal_exp: u32 = 127 - bias + 1;
    // Subnormal targets: scale so the target's subnormal step is 1, then round to an integer by
    // the 2^23 trick (exact, round to nearest even for values below 2^22).
    const is_sub = (abs_bits >> splat(n, 23)) < splat(n, min_normal_exp);
    // Only subnormal lanes go through the float path (others would overflow the conversion).
    const x: @Vector(n, f32) = @bitCast(@select(u32, is_sub, abs_bits, splat(n, 0)));
    const inv_step: f32 = comptime std.math.pow(f32, 2.0, @floatFromInt(bias - 1 + man));
    const magic: @Vector(n, f32) = @splat(8388608.0);
    const q = (x * @as(@Vector(n, f32), @splat(inv_step)) + magic) - magic;
    const sub_code: U32(n) = @intFromFloat(q);
    const shift: u5 = 23 - man;
    const lsb = (abs_bits >> splat(n, shift)) & splat(n, 1);
    const rounded = abs_bits +% splat(n, (@as(u32, 1) << (shift - 1)) - 1) +% lsb;
    const rebased = rounded -% splat(n, (127 - bias) << 23);
    const normal_code = rebased >> splat(n, shift);
    return @select(u32, is_sub, sub_code, normal_code);
}

/// f32 → E4M3FN, round to nearest even; overflow, ±Inf and NaN give NaN.
pub inline fn f32ToE4m3(comptime n: usize, v: @Vector(n, f32)) @Vector(n, u8) {
    const bits: U32(n) = @bitCast(v);
    const sign = (bits >> splat(n, 24)) & splat(n, 0x80);
    const abs_bits = bits & splat(n, 0x7fff_ffff);
    const special = abs_bits >= splat(n, 0x7f80_0000);
    const code = roundMini(n, @select(u32, special, splat(n, 0), abs_bits), 3, 7);
    const nan_code = @select(u32, code > splat(n, 0x7e), splat(n, 0x7f), code);
    const out = sign | @select(u32, special, splat(n, 0x7f), nan_code);
    return @truncate(out);
}

/// f32 → E5M2, round to nearest even; overflow gives ±Inf, NaN stays NaN.
pub inline fn f32ToE5m2(comptime n: usize, v: @Vector(n, f32)) @Vector(n, u8) {
    const bits: U32(n) = @bitCast(v);
    const sign = (bits >> splat(n, 24)) & splat(n, 0x80);
    const abs_bits = bits & splat(n, 0x7fff_ffff);
    const special = abs_bits >= splat(n, 0x7f80_0000);
    const code = roundMini(n, @select(u32, special, splat(n, 0), abs_bits), 2, 15);
    const finite = @select(u32, code >= splat(n, 0x7c), splat(n, 0x7c), code);
    const is_nan = abs_bits > splat(n, 0x7f80_0000);
    const nan_or_inf = @select(u32, is_nan, splat(n, 0x7e), splat(n, 0x7c));
    const out = sign | @select(u32, special, nan_or_inf, finite);
    return @truncate(out);
}

/// A complex vector: n real parts and n imaginary parts.
pub fn ComplexVec(comptime T: type, comptime n: usize) type {
    return struct { re: @Vector(n, T), im: @Vector(n, T) };
}

/// The vector type a dtype computes in: `@Vector(n, Compute(d))`, or a ComplexVec.
pub fn Vec(comptime d: dt.DType, comptime n: usize) type {
    if (dt.isComplex(d)) return ComplexVec(dt.Component(d), n);
    return @Vector(n, dt.Compute(d));
}

/// Lanes of a vector step for a dtype (two registers of its compute or component type).
pub fn lanes(comptime d: dt.DType) usize {
    return simd.lanes(if (dt.isComplex(d)) dt.Component(d) else dt.Compute(d));
}

/// Even (real) or odd (imaginary) lane indices of 2n interleaved components.
fn half(comptime n: usize, comptime odd: bool) @Vector(n, i32) {
    var m: [n]i32 = undefined;
    for (&m, 0..) |*x, i| x.* = @intCast(2 * i + @intFromBool(odd));
    return m;
}

/// Interleaving indices: re[0], im[0], re[1], im[1], ... (negative indices pick from `im`).
fn interleave(comptime n: usize) @Vector(2 * n, i32) {
    var m: [2 * n]i32 = undefined;
    for (0..n) |i| {
        m[2 * i] = @intCast(i);
        m[2 * i + 1] = ~@as(i32, @intCast(i));
    }
    return m;
}

/// `simd.loadVec`, extended to fp8 and complex.
pub inline fn loadVec(
    comptime d: dt.DType,
    comptime n: usize,
    p: [*]const dt.Storage(d),
) Vec(d, n) {
    switch (d) {
        .fp8e4m3, .fp8e5m2 => {
            const raw: *const [n]u8 = @ptrCast(p);
            const v: @Vector(n, u8) = raw.*;
            return if (d == .fp8e4m3) e4m3ToF32(n, v) else e5m2ToF32(n, v);
        },
        .c64, .c128 => {
            const T = dt.Component(d);
            const raw: *const [2 * n]T = @ptrCast(p);
            const v: @Vector(2 * n, T) = raw.*;
            return .{
                .re = @shuffle(T, v, undefined, half(n, false)),
                .im = @shuffle(T, v, undefined, half(n, true)),
            };
        },
        else => return simd.loadVec(d, n, p),
    }
}

/// `simd.storeVec`, extended to fp8 and complex.
pub inline fn storeVec(
    comptime d: dt.DType,
    comptime n: usize,
    p: [*]dt.Storage(d),
    v: Vec(d, n),
) void {
    switch (d) {
        .fp8e4m3, .fp8e5m2 => {
            const raw: *[n]u8 = @ptrCast(p);
            raw.* = if (d == .fp8e4m3) f32ToE4m3(n, v) else f32ToE5m2(n, v);
        },
        .c64, .c128 => {
            const T = dt.Component(d);
            const raw: *[2 * n]T = @ptrCast(p);
            raw.* = @shuffle(T, v.re, v.im, interleave(n));
        },
        else => simd.storeVec(d, n, p, v),
    }
}

fn sameFloat(a: f32, b: f32) bool {
    if (std.math.isNan(a) or std.math.isNan(b)) return std.math.isNan(a) and std.math.isNan(b);
    return @as(u32, @bitCast(a)) == @as(u32, @bitCast(b));
}

test "fp8 vector loads match the scalar tables for every code" {
    var codes: [256]u8 = undefined;
    for (&codes, 0..) |*c, i| c.* = @intCast(i);
    const v: @Vector(256, u8) = codes;
    const a: [256]f32 = e4m3ToF32(256, v);
    const b: [256]f32 = e5m2ToF32(256, v);
    for (0..256) |i| {
        const ea = dt.e4m3_table[i];
        const eb = dt.e5m2ToF32(@intCast(i));
        try std.testing.expect(sameFloat(a[i], ea));
        try std.testing.expect(sameFloat(b[i], eb));
    }
}

test "fp8 vector stores match the scalar rounding" {
    var prng = std.Random.DefaultPrng.init(42);
    const random = prng.random();
    const n = 64;
    for (0..4000) |round| {
        var xs: [n]f32 = undefined;
        for (&xs, 0..) |*x, i| {
            const bits = random.int(u32);
            // Mix raw bit patterns (all exponents, NaN, Inf) with values near the fp8 range.
            const scale = std.math.pow(f32, 2, @floatFromInt(random.intRangeAtMost(i32, -20, 18)));
            const near = (random.float(f32) - 0.5) * scale;
            x.* = if ((i + round) % 2 == 0) @bitCast(bits) else near;
        }
        const v: @Vector(n, f32) = xs;
        const a: [n]u8 = f32ToE4m3(n, v);
        const b: [n]u8 = f32ToE5m2(n, v);
        for (xs, 0..) |x, i| {
            try std.testing.expectEqual(dt.f32ToE4m3(x), a[i]);
            try std.testing.expectEqual(dt.f32ToE5m2(x), b[i]);
        }
    }
}

test "complex vectors round-trip through load and store" {
    var src: [16]dt.C64 = undefined;
    for (&src, 0..) |*c, i| c.* = .{ .re = @floatFromInt(i), .im = -@as(f32, @floatFromInt(i)) };
    const v = loadVec(.c64, 16, &src);
    try std.testing.expectEqual(@as(f32, 3), v.re[3]);
    try std.testing.expectEqual(@as(f32, -5), v.im[5]);
    var dst: [16]dt.C64 = undefined;
    storeVec(.c64, 16, &dst, v);
    for (src, dst) |a, b| try std.testing.expectEqual(a, b);
}
