//! Binary arithmetic kernels: `numr_binary_<op>_<dtype>(a, a_off, b, b_off, y, y_off, meta) i32`.
//! Both inputs and the output share one dtype (TS promotes and casts first). Ints wrap, bool add
//! and mul are logical or/and, half formats compute in f32, and every op gives NumPy's answer
//! for special values (see fmath.zig).

const std = @import("std");
const dt = @import("dtype.zig");
const complex = @import("complex.zig");
const fmath = @import("fmath.zig");
const nary = @import("nary.zig");

pub const floats = [_]dt.DType{ .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2 };
pub const ints = [_]dt.DType{ .i64, .i32, .i16, .i8, .u64, .u32, .u16, .u8 };
pub const complexes = [_]dt.DType{ .c64, .c128 };
pub const reals = floats ++ ints;
pub const numerics = reals ++ complexes;
pub const everything = numerics ++ [_]dt.DType{.bool};

const OpFn = fn (comptime dt.DType) type;

/// One row per op: the op's builder (dtype → op struct) and the dtypes it is exported for.
pub const Entry = struct { name: []const u8, Op: OpFn, dtypes: []const dt.DType };

fn Add(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            return vector(a, b);
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (comptime dt.isComplex(d)) return .{ .re = a.re + b.re, .im = a.im + b.im };
            if (d == .bool) return a | b;
            if (comptime dt.isInt(d)) return a +% b;
            return a + b;
        }
    };
}

fn Sub(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            return vector(a, b);
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (comptime dt.isComplex(d)) return .{ .re = a.re - b.re, .im = a.im - b.im };
            if (comptime dt.isInt(d)) return a -% b;
            return a - b;
        }
    };
}

fn Mul(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            return vector(a, b);
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (comptime dt.isComplex(d)) return fmath.cmul(a, b);
            if (d == .bool) return a & b;
            if (comptime dt.isInt(d)) return a *% b;
            return a * b;
        }
    };
}

fn Div(comptime d: dt.DType) type {
    return struct {
        pub const complex_vector = true;
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            if (comptime dt.isComplex(d)) return fmath.cdiv(a, b);
            return a / b;
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (comptime dt.isComplex(d)) return fmath.cdivVec(a, b);
            return a / b;
        }
    };
}

fn FloorDiv(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            if (comptime dt.isInt(d)) return fmath.intFloorDivide(C, a, b);
            return fmath.floorDivide(C, a, b);
        }
    };
}

fn Mod(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            if (comptime dt.isInt(d)) return fmath.intRemainder(C, a, b);
            return fmath.remainder(C, a, b);
        }
    };
}

fn IntPow(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            return fmath.intPow(C, a, b);
        }
        /// NumPy raises for a negative integer exponent.
        pub inline fn invalid(a: C, b: C) bool {
            _ = a;
            return b < 0;
        }
    };
}

fn FloatPow(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            if (comptime dt.isComplex(d)) return fmath.cpow(a, b);
            // f32 and the half formats go through the f64 pow and round once.
            return @floatCast(fmath.pow(a, b));
        }
    };
}

fn Pow(comptime d: dt.DType) type {
    return if (dt.isSignedInt(d)) IntPow(d) else if (dt.isUnsignedInt(d)) struct {
        pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
            return fmath.intPow(dt.Compute(d), a, b);
        }
    } else FloatPow(d);
}

fn Atan2(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            return @floatCast(std.math.atan2(@as(f64, a), @as(f64, b)));
        }
    };
}

fn Hypot(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        pub inline fn scalar(a: C, b: C) C {
            // Not std.math.hypot: Zig 0.15's returns NaN for f64 beyond about 6e177 or with both
            // operands below about 1e-154.
            return complex.hypot(C, a, b);
        }
    };
}

/// maximum/minimum (NaN-propagating) and fmax/fmin (NaN-ignoring), NumPy's loops for each kind:
/// floats `isnan(a) || a > b ? a : b` (ties give b, as NumPy's SIMD loop), complex
/// lexicographic with NaN, ints and bool plain.
pub fn Extremum(comptime greater: bool, comptime propagate: bool) fn (comptime dt.DType) type {
    return struct {
        fn Op(comptime d: dt.DType) type {
            return struct {
                pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
                    if (comptime dt.isComplex(d)) return complexScalar(a, b);
                    return vector(a, b);
                }

                inline fn complexScalar(a: dt.Compute(d), b: dt.Compute(d)) dt.Compute(d) {
                    const ordered = if (greater) fmath.cGreaterEq(a, b) else fmath.cLessEq(a, b);
                    if (propagate) return if (fmath.cIsNan(a) or ordered) a else b;
                    return if (fmath.cIsNan(b) or ordered) a else b;
                }

                pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
                    const T = @TypeOf(a);
                    if (d == .bool) return if (greater) a | b else a & b;
                    if (comptime dt.isInt(d)) return if (greater) @max(a, b) else @min(a, b);
                    if (comptime @typeInfo(T) == .vector) {
                        const E = @typeInfo(T).vector.child;
                        if (propagate) {
                            const wins = if (greater) a > b else a < b;
                            return @select(E, wins, a, @select(E, a != a, a, b));
                        }
                        const wins = if (greater) a >= b else a <= b;
                        return @select(E, wins, a, @select(E, b != b, a, b));
                    }
                    if (propagate) return if (a != a or (if (greater) a > b else a < b)) a else b;
                    return if (b != b or (if (greater) a >= b else a <= b)) a else b;
                }
            };
        }
    }.Op;
}

pub const entries = [_]Entry{
    .{ .name = "add", .Op = Add, .dtypes = &everything },
    .{ .name = "sub", .Op = Sub, .dtypes = &numerics },
    .{ .name = "mul", .Op = Mul, .dtypes = &everything },
    .{ .name = "div", .Op = Div, .dtypes = &(floats ++ complexes) },
    .{ .name = "floorDiv", .Op = FloorDiv, .dtypes = &reals },
    .{ .name = "mod", .Op = Mod, .dtypes = &reals },
    .{ .name = "pow", .Op = Pow, .dtypes = &numerics },
    .{ .name = "atan2", .Op = Atan2, .dtypes = &floats },
    .{ .name = "hypot", .Op = Hypot, .dtypes = &floats },
    .{ .name = "maximum", .Op = Extremum(true, true), .dtypes = &everything },
    .{ .name = "minimum", .Op = Extremum(false, true), .dtypes = &everything },
    .{ .name = "fmax", .Op = Extremum(true, false), .dtypes = &everything },
    .{ .name = "fmin", .Op = Extremum(false, false), .dtypes = &everything },
};

/// "binary <op> <dtype>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = nary.manifestOf("binary", entries);

comptime {
    @setEvalBranchQuota(100_000);
    for (entries) |e| {
        for (e.dtypes) |d| {
            const K = nary.Nary(&.{ d, d }, d, e.Op(d));
            const f = nary.export2(K);
            @export(&f, .{ .name = "numr_binary_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
}

test "int pow reports a negative exponent" {
    const K = nary.Nary(&.{ .i32, .i32 }, .i32, Pow(.i32));
    var a = [_]i32{ 2, 3 };
    var b = [_]i32{ 3, -1 };
    var y: [2]i32 = undefined;
    const meta = [_]f64{ 1, 2, 1, 1, 1 };
    const status = K.execute(.{ &a, &b, &y }, .{ 0, 0, 0 }, &meta);
    try std.testing.expectEqual(@as(i32, 4), status);
}
