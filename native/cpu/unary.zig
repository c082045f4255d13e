//! Unary elementwise kernels: `numr_unary_<op>_<dtype>(x, x_off, y, y_off, meta) i32`, one per
//! (op, input dtype), generated at comptime from the op table below.
//!
//! Real kernels run in blocks of a SIMD width: contiguous f64/f32/f16/bf16 blocks are loaded and
//! stored as vectors, strided blocks (and fp8, and the tail) are gathered into a vector first, so
//! every float op runs its vector code (vmath.zig) on any layout. Half formats compute in f32 and
//! round once, as NumPy and ml_dtypes do. Integer inputs of float functions were cast to a float
//! by the TS side, as NumPy does; ints only reach the sign-type ops (neg, abs, sign, square,
//! recip). Complex ops run per element (complex.zig), transcendental ones in f64.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const strided = @import("strided.zig");
const simd = @import("simd.zig");
const vm = @import("vmath.zig");
const cx = @import("complex.zig");

const Status = map.Status;

fn Child(comptime V: type) type {
    return @typeInfo(V).vector.child;
}

fn isSigned(comptime V: type) bool {
    return @typeInfo(Child(V)).int.signedness == .signed;
}

inline fn splat(comptime V: type, x: anytype) V {
    return @splat(@as(Child(V), x));
}

// ---------------------------------------------------------------------------------------------
// The ops. Each is a struct with any of:
//   real(V, x) -> V or bool vector   for float vectors (f32 or f64 lanes)
//   int(V, x) -> V                   for integer vectors
//   complex(T, z) -> Complex(T), T or bool    for one complex element
//   wide: bool                       compute c64 in f64 (transcendental functions)

/// A float function with a vector implementation and a complex one (or none). `real` is not
/// inline: one instance per vector type serves every dtype computing in it (f32 serves f32, f16,
/// bf16 and both fp8), which keeps the library small at no measurable cost.
fn FloatFn(comptime real_fn: anytype, comptime complex_fn: anytype) type {
    return struct {
        pub fn real(comptime V: type, x: V) V {
            return real_fn(V, x);
        }
        pub const complex = complex_fn;
        pub const wide = true;
    };
}

const Cbrt = struct {
    pub fn real(comptime V: type, x: V) V {
        return vm.cbrt(V, x);
    }
};

const Neg = struct {
    pub inline fn real(comptime V: type, x: V) V {
        return -x;
    }
    pub inline fn int(comptime V: type, x: V) V {
        return splat(V, 0) -% x;
    }
    pub fn complex(comptime T: type, z: cx.Complex(T)) cx.Complex(T) {
        return .init(-z.re, -z.im);
    }
};

const Abs = struct {
    pub inline fn real(comptime V: type, x: V) V {
        return @abs(x);
    }
    pub inline fn int(comptime V: type, x: V) V {
        // The most negative value wraps to itself, as in NumPy.
        return if (comptime isSigned(V)) @bitCast(@abs(x)) else x;
    }
    pub fn complex(comptime T: type, z: cx.Complex(T)) T {
        return cx.abs(T, z);
    }
    pub const wide = true;
};

const Sign = struct {
    pub inline fn real(comptime V: type, x: V) V {
        const T = Child(V);
        const negative = @select(T, x < splat(V, 0), splat(V, -1), splat(V, 0));
        const s = @select(T, x > splat(V, 0), splat(V, 1), negative);
        // NaN stays NaN; -0 gives +0.
        return @select(T, x != x, x, s);
    }
    pub inline fn int(comptime V: type, x: V) V {
        const I = Child(V);
        const pos = @select(I, x > splat(V, 0), splat(V, 1), splat(V, 0));
        if (comptime !isSigned(V)) return pos;
        return @select(I, x < splat(V, 0), splat(V, -1), pos);
    }
    pub const complex = cx.sign;
};

const Square = struct {
    pub inline fn real(comptime V: type, x: V) V {
        return x * x;
    }
    pub inline fn int(comptime V: type, x: V) V {
        return x *% x;
    }
    pub const complex = cx.square;
};

const Recip = struct {
    pub inline fn real(comptime V: type, x: V) V {
        return splat(V, 1) / x;
    }
    /// NumPy's integer reciprocal is the C conversion of 1.0 / x: 1 and -1 map to themselves,
    /// everything else truncates to 0, and 1 / 0 = inf converts (on x86) to the most negative
    /// i32/i64, which narrower types truncate to 0.
    pub inline fn int(comptime V: type, x: V) V {
        const I = Child(V);
        const zero_result: I = if (I == i32 or I == i64) std.math.minInt(I) else 0;
        var r = @select(I, x == splat(V, 1), splat(V, 1), splat(V, 0));
        if (comptime isSigned(V)) r = @select(I, x == splat(V, -1), splat(V, -1), r);
        return @select(I, x == splat(V, 0), splat(V, zero_result), r);
    }
    pub const complex = cx.recip;
};

const Sqrt = FloatFn(struct {
    inline fn f(comptime V: type, x: V) V {
        return @sqrt(x);
    }
}.f, cx.sqrt);

const Rsqrt = FloatFn(struct {
    inline fn f(comptime V: type, x: V) V {
        return splat(V, 1) / @sqrt(x);
    }
}.f, cx.rsqrt);

const Round = struct {
    pub inline fn real(comptime V: type, x: V) V {
        return vm.roundHalfAway(V, x);
    }
    pub const complex = cx.round;
};

fn Rounding(comptime mode: enum { floor, ceil, trunc }) type {
    return struct {
        pub inline fn real(comptime V: type, x: V) V {
            return switch (mode) {
                .floor => @floor(x),
                .ceil => @ceil(x),
                .trunc => @trunc(x),
            };
        }
    };
}

fn Predicate(comptime kind: enum { nan, inf, finite }) type {
    return struct {
        pub inline fn real(comptime V: type, x: V) @Vector(@typeInfo(V).vector.len, bool) {
            const inf = splat(V, std.math.inf(Child(V)));
            return switch (kind) {
                .nan => x != x,
                .inf => @abs(x) == inf,
                .finite => @abs(x) < inf,
            };
        }
        pub fn complex(comptime T: type, z: cx.Complex(T)) bool {
            return switch (kind) {
                .nan => std.math.isNan(z.re) or std.math.isNan(z.im),
                .inf => std.math.isInf(z.re) or std.math.isInf(z.im),
                .finite => std.math.isFinite(z.re) and std.math.isFinite(z.im),
            };
        }
    };
}

/// One row per op: its name and its struct. The dtypes follow from the struct's declarations.
const Entry = struct { name: []const u8, Op: type };

const entries = [_]Entry{
    .{ .name = "neg", .Op = Neg },
    .{ .name = "abs", .Op = Abs },
    .{ .name = "sign", .Op = Sign },
    .{ .name = "sqrt", .Op = Sqrt },
    .{ .name = "rsqrt", .Op = Rsqrt },
    .{ .name = "cbrt", .Op = Cbrt },
    .{ .name = "square", .Op = Square },
    .{ .name = "exp", .Op = FloatFn(vm.exp, cx.exp) },
    .{ .name = "exp2", .Op = FloatFn(vm.exp2, cx.exp2) },
    .{ .name = "expm1", .Op = FloatFn(vm.expm1, cx.expm1) },
    .{ .name = "log", .Op = FloatFn(vm.log, cx.log) },
    .{ .name = "log2", .Op = FloatFn(vm.log2, cx.log2) },
    .{ .name = "log10", .Op = FloatFn(vm.log10, cx.log10) },
    .{ .name = "log1p", .Op = FloatFn(vm.log1p, cx.log1p) },
    .{ .name = "sin", .Op = FloatFn(vm.sin, cx.sin) },
    .{ .name = "cos", .Op = FloatFn(vm.cos, cx.cos) },
    .{ .name = "tan", .Op = FloatFn(vm.tan, cx.tan) },
    .{ .name = "asin", .Op = FloatFn(vm.asin, cx.asin) },
    .{ .name = "acos", .Op = FloatFn(vm.acos, cx.acos) },
    .{ .name = "atan", .Op = FloatFn(vm.atan, cx.atan) },
    .{ .name = "sinh", .Op = FloatFn(vm.sinh, cx.sinh) },
    .{ .name = "cosh", .Op = FloatFn(vm.cosh, cx.cosh) },
    .{ .name = "tanh", .Op = FloatFn(vm.tanh, cx.tanh) },
    .{ .name = "asinh", .Op = FloatFn(vm.asinh, cx.asinh) },
    .{ .name = "acosh", .Op = FloatFn(vm.acosh, cx.acosh) },
    .{ .name = "atanh", .Op = FloatFn(vm.atanh, cx.atanh) },
    .{ .name = "floor", .Op = Rounding(.floor) },
    .{ .name = "ceil", .Op = Rounding(.ceil) },
    .{ .name = "round", .Op = Round },
    .{ .name = "trunc", .Op = Rounding(.trunc) },
    .{ .name = "recip", .Op = Recip },
    .{ .name = "isnan", .Op = Predicate(.nan) },
    .{ .name = "isinf", .Op = Predicate(.inf) },
    .{ .name = "isfinite", .Op = Predicate(.finite) },
};

const float_dtypes = [_]dt.DType{ .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2 };
const int_dtypes = [_]dt.DType{ .i64, .i32, .i16, .i8, .u64, .u32, .u16, .u8 };
const complex_dtypes = [_]dt.DType{ .c64, .c128 };

/// The input dtypes an op has kernels for.
fn dtypesOf(comptime Op: type) []const dt.DType {
    var list: []const dt.DType = &.{};
    if (@hasDecl(Op, "real")) list = list ++ &float_dtypes;
    if (@hasDecl(Op, "int")) list = list ++ &int_dtypes;
    if (@hasDecl(Op, "complex")) list = list ++ &complex_dtypes;
    return list;
}

/// The component float type a complex op computes in for input dtype d.
fn ComplexCompute(comptime Op: type, comptime d: dt.DType) type {
    const wide = @hasDecl(Op, "wide") and Op.wide;
    return if (wide) f64 else dt.Component(d);
}

/// The output dtype of an op on input dtype d.
fn outputOf(comptime Op: type, comptime d: dt.DType) dt.DType {
    if (comptime dt.isComplex(d)) {
        const T = ComplexCompute(Op, d);
        const R = @TypeOf(Op.complex(T, cx.Complex(T).init(0, 0)));
        if (R == bool) return .bool;
        if (R == T) return if (d == .c64) .f32 else .f64;
        return d;
    }
    if (comptime dt.isFloat(d)) {
        const V = @Vector(4, f32);
        if (@typeInfo(@TypeOf(Op.real(V, @as(V, @splat(0))))).vector.child == bool) return .bool;
    }
    return d;
}

// ---------------------------------------------------------------------------------------------
// Kernel builders

const KernelFn = map.KernelFn;

/// Vector kernel for real inputs: `f(n, vector of compute(in)) -> vector of compute(out)`.
fn vectorKernel(comptime in: dt.DType, comptime out: dt.DType, comptime Op: type) KernelFn {
    const X = dt.Storage(in);
    const Y = dt.Storage(out);
    const CI = dt.Compute(in);
    const CO = dt.Compute(out);
    const n = comptime simd.lanes(CI);
    const Inner = struct {
        inline fn apply(v: @Vector(n, CI)) @Vector(n, CO) {
            const V = @Vector(n, CI);
            if (comptime dt.isFloat(in)) {
                const r = Op.real(V, v);
                if (comptime Child(@TypeOf(r)) == bool) {
                    return @select(u8, r, splat(@Vector(n, u8), 1), splat(@Vector(n, u8), 0));
                }
                return r;
            }
            return Op.int(V, v);
        }

        pub fn run(_: void, ptrs: [2]usize, strides: [2]isize, len: usize) void {
            const xp: [*]const X = @ptrFromInt(ptrs[0]);
            const yp: [*]Y = @ptrFromInt(ptrs[1]);
            var i: usize = 0;
            const contiguous = strides[0] == 1 and strides[1] == 1;
            if (comptime simd.vectorizable(in) and simd.vectorizable(out)) {
                if (contiguous) {
                    while (i + n <= len) : (i += n) {
                        simd.storeVec(out, n, yp + i, apply(simd.loadVec(in, n, xp + i)));
                    }
                }
            }
            // Strided runs, fp8 and the tail: gather a block, run it as a vector, scatter it.
            while (i < len) {
                const count = @min(n, len - i);
                var block: [n]CI = @splat(0);
                const first: isize = @intCast(i);
                for (0..count) |k| {
                    const at = (first + @as(isize, @intCast(k))) * strides[0];
                    block[k] = dt.load(in, map.ptrAt(X, xp, at));
                }
                const r: [n]CO = apply(block);
                for (0..count) |k| {
                    const at = (first + @as(isize, @intCast(k))) * strides[1];
                    map.ptrAtMut(Y, yp, at).* = dt.store(out, r[k]);
                }
                i += count;
            }
        }
    };
    return map.entry(X, Y, Inner);
}

/// Per-element kernel for complex inputs, computed in `ComplexCompute(Op, in)`.
fn complexKernel(comptime in: dt.DType, comptime out: dt.DType, comptime Op: type) KernelFn {
    const X = dt.Storage(in);
    const Y = dt.Storage(out);
    const T = ComplexCompute(Op, in);
    const Inner = struct {
        inline fn apply(v: X) Y {
            const z = cx.Complex(T).init(v.re, v.im);
            const r = Op.complex(T, z);
            const R = @TypeOf(r);
            if (R == bool) return @intFromBool(r);
            if (R == T) return @floatCast(r);
            return .{ .re = @floatCast(r.re), .im = @floatCast(r.im) };
        }

        pub fn run(_: void, ptrs: [2]usize, strides: [2]isize, len: usize) void {
            const xp: [*]const X = @ptrFromInt(ptrs[0]);
            const yp: [*]Y = @ptrFromInt(ptrs[1]);
            if (strides[0] == 1 and strides[1] == 1) {
                for (0..len) |i| yp[i] = apply(xp[i]);
                return;
            }
            var xi: isize = 0;
            var yi: isize = 0;
            for (0..len) |_| {
                map.ptrAtMut(Y, yp, yi).* = apply(map.ptrAt(X, xp, xi));
                xi += strides[0];
                yi += strides[1];
            }
        }
    };
    return map.entry(X, Y, Inner);
}

fn kernelOf(comptime Op: type, comptime d: dt.DType) KernelFn {
    const out = outputOf(Op, d);
    if (comptime dt.isComplex(d)) return complexKernel(d, out, Op);
    return vectorKernel(d, out, Op);
}

/// "unary <op> <dtype>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = blk: {
    @setEvalBranchQuota(100_000);
    var s: []const u8 = "";
    for (entries) |e| {
        for (dtypesOf(e.Op)) |d| s = s ++ "unary " ++ e.name ++ " " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    @setEvalBranchQuota(100_000);
    for (entries) |e| {
        for (dtypesOf(e.Op)) |d| {
            const f = kernelOf(e.Op, d);
            @export(&f, .{ .name = "numr_unary_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
}

test "output dtypes" {
    try std.testing.expectEqual(dt.DType.f32, outputOf(Abs, .c64));
    try std.testing.expectEqual(dt.DType.bool, outputOf(Predicate(.nan), .f16));
    try std.testing.expectEqual(dt.DType.bool, outputOf(Predicate(.inf), .c128));
    try std.testing.expectEqual(dt.DType.c64, outputOf(Sqrt, .c64));
    try std.testing.expectEqual(dt.DType.i8, outputOf(Neg, .i8));
}

test "a strided f16 exp matches the contiguous one" {
    const f = kernelOf(FloatFn(vm.exp, cx.exp), .f16);
    var src: [40]f16 = undefined;
    for (&src, 0..) |*v, i| v.* = @floatCast(@as(f32, @floatFromInt(i)) * 0.1 - 2);
    var dst_c: [40]f16 = undefined;
    var dst_s: [20]f16 = undefined;
    const meta_c = [_]f64{ 1, 40, 1, 1 };
    const meta_s = [_]f64{ 1, 20, 2, 1 };
    try std.testing.expectEqual(@as(i32, 0), f(&src, 0, &dst_c, 0, &meta_c));
    try std.testing.expectEqual(@as(i32, 0), f(&src, 0, &dst_s, 0, &meta_s));
    for (0..20) |i| try std.testing.expectEqual(dst_c[2 * i], dst_s[i]);
}
