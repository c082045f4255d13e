//! Unary elementwise kernels: `numr_unary_<op>_<dtype>(x, x_off, y, y_off, meta) i32`.
//! Float ops run on f64/f32/f16/bf16/fp8 (half formats compute in f32); the TS side casts ints
//! to a float first, as NumPy does. Sign-type ops also run on ints.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");

const float_dtypes = [_]dt.DType{ .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2 };
const signed_dtypes = [_]dt.DType{ .i64, .i32, .i16, .i8 };
const numeric_dtypes = float_dtypes ++ signed_dtypes ++ [_]dt.DType{ .u64, .u32, .u16, .u8 };

const Neg = struct {
    pub inline fn scalar(x: anytype) @TypeOf(x) {
        const T = @TypeOf(x);
        if (comptime @typeInfo(T) == .float) return -x;
        return 0 -% x;
    }
    pub inline fn vector(comptime n: usize, x: anytype) @TypeOf(x) {
        _ = n;
        const T = @typeInfo(@TypeOf(x)).vector.child;
        const zero: @TypeOf(x) = @splat(0);
        return if (comptime @typeInfo(T) == .float) -x else zero -% x;
    }
};

const Exp = struct {
    pub inline fn scalar(x: anytype) @TypeOf(x) {
        return @exp(x);
    }
};

const Sqrt = struct {
    pub inline fn scalar(x: anytype) @TypeOf(x) {
        return @sqrt(x);
    }
    pub inline fn vector(comptime n: usize, x: anytype) @TypeOf(x) {
        _ = n;
        return @sqrt(x);
    }
};

/// One row per (op, dtypes): the op's struct and the dtypes it is exported for.
const Entry = struct { name: []const u8, Op: type, dtypes: []const dt.DType };

const entries = [_]Entry{
    .{ .name = "neg", .Op = Neg, .dtypes = &numeric_dtypes },
    .{ .name = "exp", .Op = Exp, .dtypes = &float_dtypes },
    .{ .name = "sqrt", .Op = Sqrt, .dtypes = &float_dtypes },
};

/// "unary <op> <dtype>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (entries) |e| {
        for (e.dtypes) |d| s = s ++ "unary " ++ e.name ++ " " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    for (entries) |e| {
        for (e.dtypes) |d| {
            const f = map.unaryKernel(d, d, e.Op);
            @export(&f, .{ .name = "numr_unary_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
}
