//! SIMD helpers: the vector width of the CPU this library was built for, and vector loads and
//! stores that widen half-precision storage to f32 compute vectors.

const std = @import("std");
const builtin = @import("builtin");
const dt = @import("dtype.zig");

/// Bytes in one native vector register (32 for AVX2, 64 for AVX-512, 16 for NEON/SSE).
pub const vector_bytes: usize = std.simd.suggestVectorLength(u8) orelse 16;

/// Lanes of a vector of T that fill one register (at least 4). Two registers' worth is used in
/// loops, so that a load and an op can overlap.
pub fn lanes(comptime T: type) usize {
    const per_register: usize = vector_bytes / @sizeOf(T);
    const at_least_four: usize = if (per_register < 4) 4 else per_register;
    return at_least_four * 2;
}

/// True when a dtype's contiguous loads can be vectorised by `loadVec`/`storeVec`.
pub fn vectorizable(comptime d: dt.DType) bool {
    return switch (d) {
        .f64, .f32, .f16, .bf16, .i64, .i32, .i16, .i8, .u64, .u32, .u16, .u8, .bool => true,
        .fp8e4m3, .fp8e5m2, .c64, .c128 => false,
    };
}

/// Loads `n` contiguous elements of dtype `d` as a vector of its compute type.
pub inline fn loadVec(
    comptime d: dt.DType,
    comptime n: usize,
    p: [*]const dt.Storage(d),
) @Vector(n, dt.Compute(d)) {
    switch (d) {
        .f16 => {
            const h: @Vector(n, f16) = p[0..n].*;
            return @floatCast(h);
        },
        .bf16 => {
            const raw: *const [n]u16 = @ptrCast(p);
            const bits: @Vector(n, u32) = @as(@Vector(n, u16), raw.*);
            return @bitCast(bits << @splat(16));
        },
        else => return p[0..n].*,
    }
}

/// Stores a compute vector into `n` contiguous elements of dtype `d`, rounding to nearest even.
pub inline fn storeVec(
    comptime d: dt.DType,
    comptime n: usize,
    p: [*]dt.Storage(d),
    v: @Vector(n, dt.Compute(d)),
) void {
    switch (d) {
        .f16 => p[0..n].* = @as(@Vector(n, f16), @floatCast(v)),
        .bf16 => {
            const bits: @Vector(n, u32) = @bitCast(v);
            const lsb = (bits >> @splat(16)) & @as(@Vector(n, u32), @splat(1));
            const rounded = (bits +% @as(@Vector(n, u32), @splat(0x7fff)) +% lsb) >> @splat(16);
            const nan_bits = (bits >> @splat(16)) | @as(@Vector(n, u32), @splat(0x40));
            const is_nan = v != v;
            const out: @Vector(n, u16) = @truncate(@select(u32, is_nan, nan_bits, rounded));
            const raw: *[n]u16 = @ptrCast(p);
            raw.* = out;
        },
        else => p[0..n].* = v,
    }
}

test "bf16 vector store matches the scalar rounding" {
    const src = [_]f32{ 1.0, 1.00390625, 1.005859375, -3.5, 1e30, -0.0, 7.0, 0.1 } ** 2;
    var dst: [16]dt.BF16 = undefined;
    const v: @Vector(16, f32) = src;
    storeVec(.bf16, 16, &dst, v);
    for (src, dst) |s, d| try std.testing.expectEqual(dt.f32ToBf16(s), d.bits);
}
