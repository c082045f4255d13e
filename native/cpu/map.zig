//! Elementwise map kernels built at comptime: one input, one output, a scalar function on the
//! compute type, and an optional vector function used on contiguous runs.

const std = @import("std");
const dt = @import("dtype.zig");
const strided = @import("strided.zig");
const simd = @import("simd.zig");

/// Status codes returned by every exported kernel. TS turns a non-zero status into a NumrError.
/// `domain_error`: an element is outside the op's domain (e.g. an integer to a negative power).
pub const Status = enum(i32) {
    ok = 0,
    bad_layout = 1,
    null_pointer = 2,
    bad_argument = 3,
    domain_error = 4,
};

/// Builds `fn(x, x_off, y, y_off, meta) i32` computing `y = f(x)` elementwise.
/// `Op` provides `scalar(In) Out` over compute types, and optionally
/// `vector(comptime n, @Vector(n, In)) @Vector(n, Out)`.
pub fn unaryKernel(
    comptime in: dt.DType,
    comptime out: dt.DType,
    comptime Op: type,
) fn (?*anyopaque, f64, ?*anyopaque, f64, [*]const f64) callconv(.c) i32 {
    const X = dt.Storage(in);
    const Y = dt.Storage(out);
    const Inner = struct {
        fn run(_: void, ptrs: [2]usize, strides: [2]isize, len: usize) void {
            const xp: [*]const X = @ptrFromInt(ptrs[0]);
            const yp: [*]Y = @ptrFromInt(ptrs[1]);
            if (strides[0] == 1 and strides[1] == 1) {
                contiguous(xp, yp, len);
                return;
            }
            var xi: isize = 0;
            var yi: isize = 0;
            for (0..len) |_| {
                const xv = dt.load(in, ptrAt(X, xp, xi));
                ptrAtMut(Y, yp, yi).* = dt.store(out, Op.scalar(xv));
                xi += strides[0];
                yi += strides[1];
            }
        }

        inline fn contiguous(xp: [*]const X, yp: [*]Y, len: usize) void {
            var i: usize = 0;
            const vectorize = comptime (@hasDecl(Op, "vector") and simd.vectorizable(in) and
                simd.vectorizable(out));
            if (vectorize) {
                const n = comptime simd.lanes(dt.Compute(in));
                while (i + n <= len) : (i += n) {
                    const v = simd.loadVec(in, n, xp + i);
                    simd.storeVec(out, n, yp + i, Op.vector(n, v));
                }
            }
            while (i < len) : (i += 1) yp[i] = dt.store(out, Op.scalar(dt.load(in, xp[i])));
        }

        fn kernel(
            x: ?*anyopaque,
            x_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            const layout = strided.Layout(2).decode(meta) orelse
                return @intFromEnum(Status.bad_layout);
            if (layout.size == 0) return @intFromEnum(Status.ok);
            if (x == null or y == null) return @intFromEnum(Status.null_pointer);
            const bases = [2]usize{
                strided.elementAddr(x, x_off, @sizeOf(X)),
                strided.elementAddr(y, y_off, @sizeOf(Y)),
            };
            strided.walk(2, .{ X, Y }, &layout, bases, {}, run);
            return @intFromEnum(Status.ok);
        }
    };
    return Inner.kernel;
}

pub inline fn ptrAt(comptime T: type, p: [*]const T, i: isize) T {
    const addr = strided.offsetAddr(@intFromPtr(p), i, @sizeOf(T));
    return @as(*const T, @ptrFromInt(addr)).*;
}

pub inline fn ptrAtMut(comptime T: type, p: [*]T, i: isize) *T {
    const addr = strided.offsetAddr(@intFromPtr(p), i, @sizeOf(T));
    return @ptrFromInt(addr);
}
