//! Cast kernels: `numr_cast_<src>_<dst>(x, x_off, y, y_off, meta) i32` converts any strided
//! input into any strided output. Same-dtype casts are plain strided copies.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");

fn Identity(comptime d: dt.DType) type {
    _ = d;
    return struct {
        pub inline fn scalar(x: anytype) @TypeOf(x) {
            return x;
        }
        pub inline fn vector(comptime n: usize, x: anytype) @TypeOf(x) {
            _ = n;
            return x;
        }
    };
}

pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (dt.all) |d| s = s ++ "cast " ++ @tagName(d) ++ " " ++ @tagName(d) ++ "\n";
    break :blk s;
};

comptime {
    for (dt.all) |d| {
        const f = map.unaryKernel(d, d, Identity(d));
        @export(&f, .{ .name = "numr_cast_" ++ @tagName(d) ++ "_" ++ @tagName(d) });
    }
}
