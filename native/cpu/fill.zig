//! Fill kernels: `numr_fill_fill_<dtype>(y, y_off, value, meta) i32` writes one element (given as
//! raw storage bits at `value`) into every element of a strided output.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const strided = @import("strided.zig");

const FillFn = fn (?*anyopaque, f64, ?*const anyopaque, [*]const f64) callconv(.c) i32;

fn fillKernel(comptime d: dt.DType) FillFn {
    const T = dt.Storage(d);
    return struct {
        fn run(value: T, ptrs: [1]usize, strides: [1]isize, len: usize) void {
            const yp: [*]T = @ptrFromInt(ptrs[0]);
            if (strides[0] == 1) {
                @memset(yp[0..len], value);
                return;
            }
            var yi: isize = 0;
            for (0..len) |_| {
                map.ptrAtMut(T, yp, yi).* = value;
                yi += strides[0];
            }
        }

        fn kernel(
            y: ?*anyopaque,
            y_off: f64,
            value: ?*const anyopaque,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            const layout = strided.Layout(1).decode(meta) orelse
                return @intFromEnum(map.Status.bad_layout);
            if (layout.size == 0) return @intFromEnum(map.Status.ok);
            if (y == null or value == null) return @intFromEnum(map.Status.null_pointer);
            const v: T = @as(*align(1) const T, @ptrCast(value.?)).*;
            const bases = [1]usize{strided.elementAddr(y, y_off, @sizeOf(T))};
            strided.walk(1, .{T}, &layout, bases, v, run);
            return @intFromEnum(map.Status.ok);
        }
    }.kernel;
}

pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (dt.all) |d| s = s ++ "fill fill " ++ @tagName(d) ++ "\n";
    break :blk s;
};

comptime {
    for (dt.all) |d| {
        const f = fillKernel(d);
        @export(&f, .{ .name = "numr_fill_fill_" ++ @tagName(d) });
    }
}
