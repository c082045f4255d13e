//! Kernels between complex numbers and their parts: `conj` and `angle` (unary signature, complex
//! in), `complex` and `polar` (binary signature, two real parts in, complex out). The real and
//! imaginary parts themselves are views (src/ops/complex.ts) and need no kernel.

const std = @import("std");
const dt = @import("dtype.zig");
const nary = @import("nary.zig");

/// The real component dtype of a complex dtype.
fn partOf(comptime c: dt.DType) dt.DType {
    return if (c == .c64) .f32 else .f64;
}

fn Conj(comptime c: dt.DType) type {
    return struct {
        pub inline fn scalar(z: dt.Compute(c)) dt.Compute(c) {
            return .{ .re = z.re, .im = -z.im };
        }
    };
}

/// atan2(im, re), evaluated in f64 and rounded once for c64.
fn Angle(comptime c: dt.DType) type {
    const F = dt.Compute(partOf(c));
    return struct {
        pub inline fn scalar(z: dt.Compute(c)) F {
            return @floatCast(std.math.atan2(@as(f64, z.im), @as(f64, z.re)));
        }
    };
}

fn Make(comptime f: dt.DType) type {
    const C = dt.Compute(if (f == .f32) .c64 else .c128);
    return struct {
        pub inline fn scalar(re: dt.Compute(f), im: dt.Compute(f)) C {
            return .{ .re = re, .im = im };
        }
    };
}

/// r·cos(θ) + i·r·sin(θ) (torch.polar), evaluated in f64 and rounded once for c64.
fn Polar(comptime f: dt.DType) type {
    const C = dt.Compute(if (f == .f32) .c64 else .c128);
    return struct {
        pub inline fn scalar(r: dt.Compute(f), theta: dt.Compute(f)) C {
            const r64: f64 = r;
            const t64: f64 = theta;
            return .{ .re = @floatCast(r64 * @cos(t64)), .im = @floatCast(r64 * @sin(t64)) };
        }
    };
}

const complexes = [_]dt.DType{ .c64, .c128 };
const parts = [_]dt.DType{ .f32, .f64 };

/// Every exported kernel, one "family op dtype" line each (the dtype is the input's).
pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (complexes) |c| s = s ++ "unary conj " ++ @tagName(c) ++ "\n";
    for (complexes) |c| s = s ++ "unary angle " ++ @tagName(c) ++ "\n";
    for (parts) |f| s = s ++ "binary complex " ++ @tagName(f) ++ "\n";
    for (parts) |f| s = s ++ "binary polar " ++ @tagName(f) ++ "\n";
    break :blk s;
};

comptime {
    @setEvalBranchQuota(100_000);
    for (complexes) |c| {
        const conj = nary.export1(nary.Nary(&.{c}, c, Conj(c)));
        @export(&conj, .{ .name = "numr_unary_conj_" ++ @tagName(c) });
        const angle = nary.export1(nary.Nary(&.{c}, partOf(c), Angle(c)));
        @export(&angle, .{ .name = "numr_unary_angle_" ++ @tagName(c) });
    }
    for (parts) |f| {
        const out: dt.DType = if (f == .f32) .c64 else .c128;
        const make = nary.export2(nary.Nary(&.{ f, f }, out, Make(f)));
        @export(&make, .{ .name = "numr_binary_complex_" ++ @tagName(f) });
        const polar = nary.export2(nary.Nary(&.{ f, f }, out, Polar(f)));
        @export(&polar, .{ .name = "numr_binary_polar_" ++ @tagName(f) });
    }
}

test "complex and conj" {
    const K = nary.Nary(&.{ .f64, .f64 }, .c128, Make(.f64));
    var re = [_]f64{ 1, 2 };
    var im = [_]f64{ 3, -4 };
    var z: [2]dt.C128 = undefined;
    const meta = [_]f64{ 1, 2, 1, 1, 1 };
    try std.testing.expectEqual(@as(i32, 0), K.execute(.{ &re, &im, &z }, .{ 0, 0, 0 }, &meta));
    try std.testing.expectEqual(@as(f64, -4), z[1].im);
    try std.testing.expectEqual(@as(f64, 4), Conj(.c128).scalar(z[1]).im);
}
