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
    out_of_memory = 5,
};

/// The C signature of every one-input, one-output kernel (unary, cast).
pub const KernelFn = fn (?*anyopaque, f64, ?*anyopaque, f64, [*]const f64) callconv(.c) i32;

/// The entry point shared by every one-input, one-output kernel: checks the layout, pointers
/// and offsets, then walks the elements (in parallel when there are many) with `Inner.run`.
/// When `Inner` also has `one(x: X) Y`, transposing layouts take the cache-blocked tile walk.
pub fn entry(comptime X: type, comptime Y: type, comptime Inner: type) KernelFn {
    return struct {
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
            if (!(x_off >= 0 and y_off >= 0)) return @intFromEnum(Status.bad_argument);
            const bases = [2]usize{
                strided.elementAddr(x, x_off, @sizeOf(X)),
                strided.elementAddr(y, y_off, @sizeOf(Y)),
            };
            if (comptime @hasDecl(Inner, "one")) {
                const edge = comptime strided.tileEdge(@max(@sizeOf(X), @sizeOf(Y)));
                if (strided.tilePlan(&layout, edge)) |plan| {
                    strided.walkTiles(X, Y, &layout, &plan, bases, Inner.one);
                    return @intFromEnum(Status.ok);
                }
            }
            strided.walk(2, .{ X, Y }, &layout, bases, {}, Inner.run);
            return @intFromEnum(Status.ok);
        }
    }.kernel;
}

/// Element `i` (in elements, may be negative) of a strided pointer.
pub const ptrAt = strided.ptrAt;
/// Pointer to element `i` (in elements, may be negative) of a strided pointer.
pub const ptrAtMut = strided.ptrAtMut;
