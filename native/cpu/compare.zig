//! Comparison and logical kernels with bool output:
//! `numr_compare_<op>_<dtype>(a, a_off, b, b_off, y, y_off, meta) i32` for eq ne lt le gt ge
//! logicalAnd logicalOr logicalXor, and `numr_unary_logicalNot_<dtype>(x, x_off, y, y_off, meta)`.
//! NaN compares false except in ne; complex values order lexicographically as in NumPy; the
//! logical ops test truthiness (non-zero, NaN counts as true).

const std = @import("std");
const dt = @import("dtype.zig");
const fmath = @import("fmath.zig");
const nary = @import("nary.zig");
const binary = @import("binary.zig");

const Relation = enum { eq, ne, lt, le, gt, ge };

fn Compare(comptime rel: Relation) fn (comptime dt.DType) type {
    return struct {
        fn Op(comptime d: dt.DType) type {
            return struct {
                pub const complex_vector = rel == .eq or rel == .ne;
                pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) bool {
                    if (comptime dt.isComplex(d)) {
                        return switch (rel) {
                            .eq => a.re == b.re and a.im == b.im,
                            .ne => a.re != b.re or a.im != b.im,
                            .lt => fmath.cLess(a, b),
                            .le => fmath.cLessEq(a, b),
                            .gt => fmath.cGreater(a, b),
                            .ge => fmath.cGreaterEq(a, b),
                        };
                    }
                    return vector(a, b);
                }
                pub inline fn vector(a: anytype, b: @TypeOf(a)) Result(@TypeOf(a)) {
                    if (comptime dt.isComplex(d)) {
                        return switch (rel) {
                            .eq => (a.re == b.re) & (a.im == b.im),
                            .ne => (a.re != b.re) | (a.im != b.im),
                            else => @compileError("complex orderings have no vector form"),
                        };
                    }
                    return switch (rel) {
                        .eq => a == b,
                        .ne => a != b,
                        .lt => a < b,
                        .le => a <= b,
                        .gt => a > b,
                        .ge => a >= b,
                    };
                }
            };
        }
    }.Op;
}

/// bool for scalars, a bool vector for vectors (complex vectors included).
fn Result(comptime T: type) type {
    return switch (@typeInfo(T)) {
        .vector => |v| @Vector(v.len, bool),
        .@"struct" => if (@hasField(T, "re") and @typeInfo(@FieldType(T, "re")) == .vector)
            @Vector(@typeInfo(@FieldType(T, "re")).vector.len, bool)
        else
            bool,
        else => bool,
    };
}

/// Truthiness of a compute value or vector: non-zero (NaN is non-zero).
inline fn truthy(comptime d: dt.DType, x: anytype) Result(@TypeOf(x)) {
    if (comptime dt.isComplex(d)) return x.re != 0 or x.im != 0;
    const zero: @TypeOf(x) = if (@typeInfo(@TypeOf(x)) == .vector) @splat(0) else 0;
    return x != zero;
}

const Logic = enum { @"and", @"or", xor };

fn Logical(comptime logic: Logic) fn (comptime dt.DType) type {
    return struct {
        fn Op(comptime d: dt.DType) type {
            return struct {
                pub inline fn scalar(a: dt.Compute(d), b: dt.Compute(d)) bool {
                    const ta = truthy(d, a);
                    const tb = truthy(d, b);
                    return switch (logic) {
                        .@"and" => ta and tb,
                        .@"or" => ta or tb,
                        .xor => ta != tb,
                    };
                }
                pub inline fn vector(a: anytype, b: @TypeOf(a)) Result(@TypeOf(a)) {
                    const R = Result(@TypeOf(a));
                    const ta = truthy(d, a);
                    const tb = truthy(d, b);
                    const all_true: R = @splat(true);
                    const all_false: R = @splat(false);
                    return switch (logic) {
                        .@"and" => @select(bool, ta, tb, all_false),
                        .@"or" => @select(bool, ta, all_true, tb),
                        .xor => ta != tb,
                    };
                }
            };
        }
    }.Op;
}

fn LogicalNot(comptime d: dt.DType) type {
    return struct {
        pub inline fn scalar(x: dt.Compute(d)) bool {
            return !truthy(d, x);
        }
        pub inline fn vector(x: anytype) Result(@TypeOf(x)) {
            const zero: @TypeOf(x) = @splat(0);
            return x == zero;
        }
    };
}

const all = &binary.everything;

const entries = [_]binary.Entry{
    .{ .name = "eq", .Op = Compare(.eq), .dtypes = all },
    .{ .name = "ne", .Op = Compare(.ne), .dtypes = all },
    .{ .name = "lt", .Op = Compare(.lt), .dtypes = all },
    .{ .name = "le", .Op = Compare(.le), .dtypes = all },
    .{ .name = "gt", .Op = Compare(.gt), .dtypes = all },
    .{ .name = "ge", .Op = Compare(.ge), .dtypes = all },
    .{ .name = "logicalAnd", .Op = Logical(.@"and"), .dtypes = all },
    .{ .name = "logicalOr", .Op = Logical(.@"or"), .dtypes = all },
    .{ .name = "logicalXor", .Op = Logical(.xor), .dtypes = all },
};

const unary_entries = [_]binary.Entry{
    .{ .name = "logicalNot", .Op = LogicalNot, .dtypes = all },
};

/// "compare <op> <dtype>" lines, plus the logicalNot kernels, which have the unary signature.
pub const manifest: []const u8 = nary.manifestOf("compare", entries) ++
    nary.manifestOf("unary", unary_entries);

comptime {
    @setEvalBranchQuota(100_000);
    for (entries) |e| {
        for (e.dtypes) |d| {
            const f = nary.export2(nary.Nary(&.{ d, d }, .bool, e.Op(d)));
            @export(&f, .{ .name = "numr_compare_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
    for (unary_entries) |e| {
        for (e.dtypes) |d| {
            const f = nary.export1(nary.Nary(&.{d}, .bool, e.Op(d)));
            @export(&f, .{ .name = "numr_unary_" ++ e.name ++ "_" ++ @tagName(d) });
        }
    }
}

test "complex ordering is lexicographic with NaN" {
    const Lt = Compare(.lt)(.c128);
    const nan = std.math.nan(f64);
    try std.testing.expect(Lt.scalar(.{ .re = 1, .im = 2 }, .{ .re = 1, .im = 3 }));
    try std.testing.expect(!Lt.scalar(.{ .re = 1, .im = nan }, .{ .re = 2, .im = 0 }));
    try std.testing.expect(Lt.scalar(.{ .re = 1, .im = 5 }, .{ .re = 2, .im = 0 }));
}
