//! The dtypes of numr as Zig types: storage types, compute types, and exact conversions for the
//! formats Zig has no native type for (bf16, fp8 E4M3FN, fp8 E5M2, complex).

const std = @import("std");

/// bfloat16 bits. Arithmetic happens in f32.
pub const BF16 = extern struct { bits: u16 };
/// fp8 E4M3FN bits (no infinities; 0x7f/0xff are NaN). Arithmetic happens in f32.
pub const E4M3 = extern struct { bits: u8 };
/// fp8 E5M2 bits (IEEE-like, with infinities). Arithmetic happens in f32.
pub const E5M2 = extern struct { bits: u8 };
/// complex64: interleaved f32 pair.
pub const C64 = extern struct { re: f32, im: f32 };
/// complex128: interleaved f64 pair.
pub const C128 = extern struct { re: f64, im: f64 };
/// bool is stored as one byte, 0 or 1.
pub const Bool = u8;

comptime {
    std.debug.assert(@sizeOf(BF16) == 2);
    std.debug.assert(@sizeOf(E4M3) == 1);
    std.debug.assert(@sizeOf(E5M2) == 1);
    std.debug.assert(@sizeOf(C64) == 8);
    std.debug.assert(@sizeOf(C128) == 16);
}

/// The dtype tags, in the order of the TS dtype table. The names are the exported symbol suffixes.
pub const DType = enum {
    f64,
    f32,
    f16,
    bf16,
    fp8e4m3,
    fp8e5m2,
    i64,
    i32,
    i16,
    i8,
    u64,
    u32,
    u16,
    u8,
    bool,
    c64,
    c128,
};

pub const all = std.enums.values(DType);

/// Storage type of a dtype.
pub fn Storage(comptime d: DType) type {
    return switch (d) {
        .f64 => f64,
        .f32 => f32,
        .f16 => f16,
        .bf16 => BF16,
        .fp8e4m3 => E4M3,
        .fp8e5m2 => E5M2,
        .i64 => i64,
        .i32 => i32,
        .i16 => i16,
        .i8 => i8,
        .u64 => u64,
        .u32 => u32,
        .u16 => u16,
        .u8 => u8,
        .bool => Bool,
        .c64 => C64,
        .c128 => C128,
    };
}

/// The type arithmetic happens in: half and fp8 formats widen to f32, everything else is itself.
pub fn Compute(comptime d: DType) type {
    return switch (d) {
        .f16, .bf16, .fp8e4m3, .fp8e5m2 => f32,
        else => Storage(d),
    };
}

pub fn isFloat(comptime d: DType) bool {
    return switch (d) {
        .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2 => true,
        else => false,
    };
}

pub fn isComplex(comptime d: DType) bool {
    return d == .c64 or d == .c128;
}

pub fn isSignedInt(comptime d: DType) bool {
    return switch (d) {
        .i64, .i32, .i16, .i8 => true,
        else => false,
    };
}

pub fn isUnsignedInt(comptime d: DType) bool {
    return switch (d) {
        .u64, .u32, .u16, .u8 => true,
        else => false,
    };
}

pub fn isInt(comptime d: DType) bool {
    return isSignedInt(d) or isUnsignedInt(d);
}

/// Component float type of a complex dtype.
pub fn Component(comptime d: DType) type {
    return switch (d) {
        .c64 => f32,
        .c128 => f64,
        else => @compileError("not complex"),
    };
}

/// Loads one element and widens it to its compute type.
pub inline fn load(comptime d: DType, x: Storage(d)) Compute(d) {
    return switch (d) {
        .f16 => @floatCast(x),
        .bf16 => bf16ToF32(x.bits),
        .fp8e4m3 => e4m3_table[x.bits],
        .fp8e5m2 => e5m2ToF32(x.bits),
        else => x,
    };
}

/// Narrows a compute value to the storage type, rounding to nearest even.
pub inline fn store(comptime d: DType, x: Compute(d)) Storage(d) {
    return switch (d) {
        .f16 => @floatCast(x),
        .bf16 => .{ .bits = f32ToBf16(x) },
        .fp8e4m3 => .{ .bits = f32ToE4m3(x) },
        .fp8e5m2 => .{ .bits = f32ToE5m2(x) },
        else => x,
    };
}

pub inline fn bf16ToF32(bits: u16) f32 {
    return @bitCast(@as(u32, bits) << 16);
}

pub inline fn f32ToBf16(x: f32) u16 {
    const bits: u32 = @bitCast(x);
    if (std.math.isNan(x)) return @as(u16, @truncate(bits >> 16)) | 0x0040;
    const lsb = (bits >> 16) & 1;
    return @truncate((bits +% 0x7fff +% lsb) >> 16);
}

/// E5M2 is the top byte of an f16, so widening goes through f16 exactly.
pub inline fn e5m2ToF32(bits: u8) f32 {
    const h: f16 = @bitCast(@as(u16, bits) << 8);
    return @floatCast(h);
}

fn makeE4m3Table() [256]f32 {
    @setEvalBranchQuota(100_000);
    var table: [256]f32 = undefined;
    for (0..256) |b| {
        const sign: f32 = if (b & 0x80 != 0) -1.0 else 1.0;
        const e: i32 = @intCast((b >> 3) & 0xf);
        const m: f32 = @floatFromInt(b & 0x7);
        const v: f32 = if (e == 0)
            m / 8.0 * std.math.pow(f32, 2.0, -6.0)
        else if (e == 15 and (b & 7) == 7)
            std.math.nan(f32)
        else
            (1.0 + m / 8.0) * std.math.pow(f32, 2.0, @floatFromInt(e - 7));
        table[b] = sign * v;
    }
    return table;
}

pub const e4m3_table: [256]f32 = makeE4m3Table();

/// Rounds an f32 to a small float with `man` mantissa bits and exponent bias `bias`, to nearest
/// even, on the magnitude bits. Returns the magnitude code; the caller handles sign and overflow.
inline fn roundMini(abs_bits: u32, comptime man: u5, comptime bias: i32) u32 {
    const exp_f32: i32 = @intCast(abs_bits >> 23);
    // Smallest normal exponent of the small format, expressed as an f32 exponent.
    const min_normal_exp: i32 = 127 - bias + 1;
    if (exp_f32 < min_normal_exp) {
        // Subnormal in the target: scale so that the target's subnormal step is one unit.
        const x: f32 = @bitCast(abs_bits);
        const min_exponent: f32 = @floatFromInt(1 - bias - @as(i32, man));
        const step = comptime std.math.pow(f32, 2.0, min_exponent);
        const q = @round(x / step);
        // @round is half away from zero; fix ties to even.
        const r = x / step;
        const qi: u32 = @intFromFloat(q);
        const tie = (q - r) == 0.5 or (r - q) == 0.5;
        return if (tie and (qi & 1) == 1) qi - 1 else qi;
    }
    const shift: u5 = 23 - man;
    const lsb = (abs_bits >> shift) & 1;
    const rounded = abs_bits + ((@as(u32, 1) << (shift - 1)) - 1) + lsb;
    const rebased = rounded - (@as(u32, @intCast(127 - bias)) << 23);
    return rebased >> shift;
}

/// f32 → E4M3FN, round to nearest even; overflow, ±Inf and NaN give NaN (as ml_dtypes and PyTorch).
pub inline fn f32ToE4m3(x: f32) u8 {
    const bits: u32 = @bitCast(x);
    const sign: u8 = @truncate((bits >> 24) & 0x80);
    const abs_bits = bits & 0x7fff_ffff;
    if (abs_bits >= 0x7f80_0000) return sign | 0x7f;
    const code = roundMini(abs_bits, 3, 7);
    if (code > 0x7e) return sign | 0x7f;
    return sign | @as(u8, @truncate(code));
}

/// f32 → E5M2, round to nearest even; overflow gives ±Inf, NaN stays NaN.
pub inline fn f32ToE5m2(x: f32) u8 {
    const bits: u32 = @bitCast(x);
    const sign: u8 = @truncate((bits >> 24) & 0x80);
    const abs_bits = bits & 0x7fff_ffff;
    if (abs_bits > 0x7f80_0000) return sign | 0x7e;
    if (abs_bits == 0x7f80_0000) return sign | 0x7c;
    const code = roundMini(abs_bits, 2, 15);
    if (code >= 0x7c) return sign | 0x7c;
    return sign | @as(u8, @truncate(code));
}

test "bf16 round trip and rounding" {
    try std.testing.expectEqual(@as(u16, 0x3f80), f32ToBf16(1.0));
    try std.testing.expectEqual(@as(f32, 1.0), bf16ToF32(f32ToBf16(1.00390625)));
    try std.testing.expectEqual(@as(f32, 1.0078125), bf16ToF32(f32ToBf16(1.005859375)));
}

test "fp8 e4m3 rounding and overflow" {
    try std.testing.expectEqual(@as(f32, 448), e4m3_table[f32ToE4m3(464)]);
    try std.testing.expect(std.math.isNan(e4m3_table[f32ToE4m3(465)]));
    try std.testing.expectEqual(@as(f32, 288), e4m3_table[f32ToE4m3(300)]);
    try std.testing.expectEqual(@as(u8, 0), f32ToE4m3(1e-10));
    try std.testing.expectEqual(@as(u8, 1), f32ToE4m3(std.math.pow(f32, 2, -9)));
}

test "fp8 e5m2 rounding and overflow" {
    try std.testing.expectEqual(@as(f32, 1024), e5m2ToF32(f32ToE5m2(1000)));
    try std.testing.expectEqual(@as(u8, 0x7c), f32ToE5m2(61440));
    try std.testing.expectEqual(@as(f32, 57344), e5m2ToF32(f32ToE5m2(57343)));
}
