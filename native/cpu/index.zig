//! Indexed kernels: gather and scatter through an index tensor, and nonzero. Every public
//! indexing op (gather, scatter, scatterReduce, gatherNd, scatterNd, indexSelect, indexPut,
//! maskedSelect, embeddingLookup, takeAlongAxis, NumPy advanced indexing, …) lowers to these.
//!
//! gather:  `numr_gather_<I>_<dtype>(y, y_off, idx, idx_off, x, x_off, meta) i32`
//! scatter: `numr_scatter_<I>_<dtype>(src, src_off, idx, idx_off, y, y_off, meta) i32`
//!
//! Both walk one iteration shape with three operands: a direct operand (gather: the output y;
//! scatter: the updates src), the index operand, and the indexed operand (gather: the source x;
//! scatter: the target y). The indexed element of iteration position i is
//!
//!     indexed[base(i) + Σ_k resolve(idx[ibase(i) + k·cstride], size_k) · kstride_k]
//!
//! where base(i) and ibase(i) come from the operands' strides over the iteration shape (0 along
//! dims an operand does not walk) and k runs over the M index components. I is the index storage
//! (i32 or i64; u32/u64 arrive reinterpreted with the `unsigned` flag; narrower ints are widened
//! by TS). A signed index v in [-size, size) means v mod size (NumPy's rule); anything else stops
//! the kernel with status `index_out_of_bounds` and the first bad index in iteration order is
//! reported in the descriptor, so an out-of-range index can never read or write out of bounds.
//!
//! meta: `[Layout(3)..., M, cstride, mode, flags, size_0..size_{M-1}, kstride_0..kstride_{M-1},
//! report_value, report_component]` (the report slots are written by the kernel).
//! Scatter modes: 0 assign, 1 sum, 2 prod, 3 max, 4 min (NaN propagates; complex orders
//! lexicographically, as NumPy's maximum). Flags: 1 unsigned indices, 2 include self, 4 (gather)
//! only check the indices, reading and writing nothing (an empty output whose index is not empty
//! still reports a bad index, as NumPy does).
//! Scatter runs on one thread in iteration order (the last duplicate wins for assign), after a
//! pass that validates every index, so a bad index leaves the target untouched.
//!
//! nonzero: `numr_nonzero_<I>_<dtype>(x, x_off, y, y_off, meta) i32` with meta `[mode, ndim,
//! shape..., strides..., capacity, count]`: mode 0 counts the non-zero elements of x into
//! `count`; mode 1 writes the multi-index of each (row-major order) as rows of y ([capacity,
//! ndim] of I), and fails rather than write more than `capacity` rows.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const strided = @import("strided.zig");

/// Status of a kernel that met an index out of range (reported in the descriptor).
pub const index_out_of_bounds: i32 = 5;

/// Most index components (dims indexed at once) a descriptor may carry.
pub const components_max = 64;

const Mode = enum(u8) { assign = 0, sum = 1, prod = 2, max = 3, min = 4 };

const flag_unsigned: u32 = 1;
const flag_include_self: u32 = 2;
/// Gather only checks the indices (for an empty output whose index is not empty).
const flag_check_only: u32 = 4;

/// The index part of a descriptor.
const Index = struct {
    m: usize,
    cstride: isize,
    mode: Mode,
    unsigned: bool,
    include_self: bool,
    check_only: bool,
    sizes: [components_max]usize,
    kstrides: [components_max]isize,
    report: [*]f64,

    fn decode(meta: [*]f64, at: usize) ?Index {
        var self: Index = undefined;
        const m = meta[at];
        if (!(m >= 0 and m <= components_max)) return null;
        self.m = @intFromFloat(m);
        const cs = meta[at + 1];
        if (!(cs > -9.0e15 and cs < 9.0e15)) return null;
        self.cstride = @intFromFloat(cs);
        const mode = meta[at + 2];
        if (!(mode >= 0 and mode <= 4)) return null;
        self.mode = @enumFromInt(@as(u8, @intFromFloat(mode)));
        const flags_f = meta[at + 3];
        if (!(flags_f >= 0 and flags_f < 8)) return null;
        const flags: u32 = @intFromFloat(flags_f);
        self.unsigned = flags & flag_unsigned != 0;
        self.include_self = flags & flag_include_self != 0;
        self.check_only = flags & flag_check_only != 0;
        for (0..self.m) |k| {
            const s = meta[at + 4 + k];
            const st = meta[at + 4 + self.m + k];
            if (!(s >= 0 and s < 9.0e15)) return null;
            if (!(st > -9.0e15 and st < 9.0e15)) return null;
            self.sizes[k] = @intFromFloat(s);
            self.kstrides[k] = @intFromFloat(st);
        }
        self.report = meta + at + 4 + 2 * self.m;
        return self;
    }
};

/// The position of index `raw` along a dim of `size`, or null when it is out of range.
inline fn resolve(comptime I: type, raw: I, size: usize, unsigned: bool) ?isize {
    if (unsigned) {
        const U = std.meta.Int(.unsigned, @bitSizeOf(I));
        const u: U = @bitCast(raw);
        if (u >= size) return null;
        return @intCast(u);
    }
    const v: i64 = raw;
    const s: i64 = @intCast(size);
    const w = if (v < 0) v + s else v;
    if (w < 0 or w >= s) return null;
    return @intCast(w);
}

/// Element offset (in indexed-operand elements) selected by the index components at `ip`, or
/// null (with the bad component in `bad`) when one is out of range.
inline fn offsetOf(comptime I: type, ix: *const Index, ip: usize, bad: *usize) ?isize {
    var off: isize = 0;
    for (0..ix.m) |k| {
        const kk: isize = @intCast(k);
        const p: *const I = @ptrFromInt(strided.offsetAddr(ip, kk * ix.cstride, @sizeOf(I)));
        const w = resolve(I, p.*, ix.sizes[k], ix.unsigned) orelse {
            bad.* = k;
            return null;
        };
        off += w * ix.kstrides[k];
    }
    return off;
}

inline fn step(addr: usize, stride: isize, j: usize, comptime T: type) usize {
    return strided.offsetAddr(addr, stride * @as(isize, @intCast(j)), @sizeOf(T));
}

/// Finds the first out-of-range index in iteration order and writes it to the report slots.
fn reportFirstBad(
    comptime T: type,
    comptime I: type,
    layout: *const strided.Layout(3),
    bases: [3]usize,
    ix: *const Index,
) void {
    const Ctx = struct {
        ix: *const Index,
        done: *bool,
        fn run(ctx: @This(), ptrs: [3]usize, strides: [3]isize, len: usize) void {
            if (ctx.done.*) return;
            for (0..len) |j| {
                var bad: usize = 0;
                const ip = step(ptrs[1], strides[1], j, I);
                if (offsetOf(I, ctx.ix, ip, &bad) == null) {
                    const kk: isize = @intCast(bad);
                    const p: *const I = @ptrFromInt(
                        strided.offsetAddr(ip, kk * ctx.ix.cstride, @sizeOf(I)),
                    );
                    const U = std.meta.Int(.unsigned, @bitSizeOf(I));
                    ctx.ix.report[0] = if (ctx.ix.unsigned)
                        @floatFromInt(@as(U, @bitCast(p.*)))
                    else
                        @floatFromInt(p.*);
                    ctx.ix.report[1] = @floatFromInt(bad);
                    ctx.done.* = true;
                    return;
                }
            }
        }
    };
    var done = false;
    strided.walkRange(3, .{ T, I, T }, layout, bases, 0, layout.size, Ctx{
        .ix = ix,
        .done = &done,
    }, Ctx.run);
}

const GatherFn = fn (?*anyopaque, f64, ?*anyopaque, f64, ?*anyopaque, f64, [*]f64) callconv(.c) i32;

fn decodeAll(meta: [*]f64, layout: *strided.Layout(3), ix: *Index) bool {
    layout.* = strided.Layout(3).decode(meta) orelse return false;
    ix.* = Index.decode(meta, 1 + layout.ndim * 4) orelse return false;
    return true;
}

/// A walk that only checks indices and stops at the first bad one.
fn Checker(comptime I: type) type {
    return struct {
        ix: *const Index,
        failed: *bool,

        fn run(ctx: @This(), ptrs: [3]usize, strides: [3]isize, len: usize) void {
            if (ctx.failed.*) return;
            for (0..len) |j| {
                var bad: usize = 0;
                if (offsetOf(I, ctx.ix, step(ptrs[1], strides[1], j, I), &bad) == null) {
                    ctx.failed.* = true;
                    return;
                }
            }
        }
    };
}

fn gatherKernel(comptime d: dt.DType, comptime I: type) GatherFn {
    const T = dt.Storage(d);
    return struct {
        const Check = Checker(I);
        const check = Check.run;

        const Ctx = struct {
            ix: *const Index,
            failed: *std.atomic.Value(bool),
        };

        fn run(ctx: Ctx, ptrs: [3]usize, strides: [3]isize, len: usize) void {
            if (ctx.failed.load(.monotonic)) return;
            for (0..len) |j| {
                var bad: usize = 0;
                const off = offsetOf(I, ctx.ix, step(ptrs[1], strides[1], j, I), &bad) orelse {
                    ctx.failed.store(true, .monotonic);
                    return;
                };
                const xa = strided.offsetAddr(step(ptrs[2], strides[2], j, T), off, @sizeOf(T));
                const yp: *T = @ptrFromInt(step(ptrs[0], strides[0], j, T));
                yp.* = @as(*const T, @ptrFromInt(xa)).*;
            }
        }

        fn kernel(
            y: ?*anyopaque,
            y_off: f64,
            idx: ?*anyopaque,
            idx_off: f64,
            x: ?*anyopaque,
            x_off: f64,
            meta: [*]f64,
        ) callconv(.c) i32 {
            var layout: strided.Layout(3) = undefined;
            var ix: Index = undefined;
            if (!decodeAll(meta, &layout, &ix)) return @intFromEnum(map.Status.bad_layout);
            if (layout.size == 0) return @intFromEnum(map.Status.ok);
            if (ix.check_only) {
                if (ix.m > 0 and idx == null) return @intFromEnum(map.Status.null_pointer);
                if (!(idx_off >= 0)) return @intFromEnum(map.Status.bad_argument);
                const b = basesOf(y, 0, idx, idx_off, x, 0);
                var found = false;
                strided.walkRange(3, .{ T, I, T }, &layout, b, 0, layout.size, Check{
                    .ix = &ix,
                    .failed = &found,
                }, check);
                if (!found) return @intFromEnum(map.Status.ok);
                reportFirstBad(T, I, &layout, b, &ix);
                return index_out_of_bounds;
            }
            if (y == null or (ix.m > 0 and idx == null)) {
                return @intFromEnum(map.Status.null_pointer);
            }
            if (!(y_off >= 0 and idx_off >= 0 and x_off >= 0)) {
                return @intFromEnum(map.Status.bad_argument);
            }
            for (0..ix.m) |k| if (ix.sizes[k] == 0) {
                // Every index is out of range of an empty dim.
                reportFirstBad(T, I, &layout, basesOf(y, y_off, idx, idx_off, x, x_off), &ix);
                return index_out_of_bounds;
            };
            if (x == null) return @intFromEnum(map.Status.null_pointer);
            const bases = basesOf(y, y_off, idx, idx_off, x, x_off);
            var failed = std.atomic.Value(bool).init(false);
            strided.walk(3, .{ T, I, T }, &layout, bases, Ctx{ .ix = &ix, .failed = &failed }, run);
            if (failed.load(.monotonic)) {
                reportFirstBad(T, I, &layout, bases, &ix);
                return index_out_of_bounds;
            }
            return @intFromEnum(map.Status.ok);
        }

        fn basesOf(
            y: ?*anyopaque,
            y_off: f64,
            idx: ?*anyopaque,
            idx_off: f64,
            x: ?*anyopaque,
            x_off: f64,
        ) [3]usize {
            return .{
                strided.elementAddr(y, y_off, @sizeOf(T)),
                strided.elementAddr(idx, idx_off, @sizeOf(I)),
                strided.elementAddr(x, x_off, @sizeOf(T)),
            };
        }
    }.kernel;
}

/// The reductions of scatter on the compute type of `d`.
fn Reduce(comptime d: dt.DType) type {
    const C = dt.Compute(d);
    return struct {
        inline fn isNan(a: C) bool {
            if (comptime dt.isComplex(d)) return a.re != a.re or a.im != a.im;
            if (comptime dt.isFloat(d)) return a != a;
            return false;
        }

        /// NumPy's complex `a >= b` (lexicographic).
        inline fn cge(a: C, b: C) bool {
            return a.re > b.re or (a.re == b.re and a.im >= b.im);
        }

        inline fn cle(a: C, b: C) bool {
            return a.re < b.re or (a.re == b.re and a.im <= b.im);
        }

        inline fn apply(comptime mode: Mode, acc: C, v: C) C {
            switch (mode) {
                .assign => return v,
                .sum => {
                    if (comptime dt.isComplex(d)) {
                        return .{ .re = acc.re + v.re, .im = acc.im + v.im };
                    }
                    if (comptime d == .bool) return @intFromBool(acc != 0 or v != 0);
                    if (comptime dt.isInt(d)) return acc +% v;
                    return acc + v;
                },
                .prod => {
                    if (comptime dt.isComplex(d)) return .{
                        .re = acc.re * v.re - acc.im * v.im,
                        .im = acc.re * v.im + acc.im * v.re,
                    };
                    if (comptime d == .bool) return @intFromBool(acc != 0 and v != 0);
                    if (comptime dt.isInt(d)) return acc *% v;
                    return acc * v;
                },
                .max => {
                    if (comptime dt.isComplex(d)) return if (cge(acc, v) or isNan(acc)) acc else v;
                    if (comptime dt.isFloat(d)) return if (acc >= v or acc != acc) acc else v;
                    return @max(acc, v);
                },
                .min => {
                    if (comptime dt.isComplex(d)) return if (cle(acc, v) or isNan(acc)) acc else v;
                    if (comptime dt.isFloat(d)) return if (acc <= v or acc != acc) acc else v;
                    return @min(acc, v);
                },
            }
        }

        /// The value a target starts from when `include self` is off: the identity of sum and
        /// prod; for max/min (idempotent) any of the values scattered there.
        inline fn start(comptime mode: Mode, v: C) C {
            return switch (mode) {
                .sum, .prod => blk: {
                    const one = mode == .prod;
                    if (comptime dt.isComplex(d)) {
                        break :blk .{ .re = if (one) 1 else 0, .im = 0 };
                    }
                    break :blk if (one) 1 else 0;
                },
                else => v,
            };
        }
    };
}

fn scatterKernel(comptime d: dt.DType, comptime I: type) GatherFn {
    const T = dt.Storage(d);
    const R = Reduce(d);
    return struct {
        fn Pass(comptime mode: Mode, comptime init: bool) type {
            return struct {
                fn run(ix: *const Index, ptrs: [3]usize, strides: [3]isize, len: usize) void {
                    for (0..len) |j| {
                        var bad: usize = 0;
                        const ip = step(ptrs[1], strides[1], j, I);
                        // Validated before: never null here.
                        const off = offsetOf(I, ix, ip, &bad) orelse unreachable;
                        const row = step(ptrs[2], strides[2], j, T);
                        const yp: *T = @ptrFromInt(strided.offsetAddr(row, off, @sizeOf(T)));
                        const sp: *const T = @ptrFromInt(step(ptrs[0], strides[0], j, T));
                        const v = dt.load(d, sp.*);
                        if (init) {
                            yp.* = dt.store(d, R.start(mode, v));
                        } else if (mode == .assign) {
                            yp.* = sp.*;
                        } else {
                            yp.* = dt.store(d, R.apply(mode, dt.load(d, yp.*), v));
                        }
                    }
                }
            };
        }

        const Validate = Checker(I);
        const validate = Validate.run;

        fn kernel(
            src: ?*anyopaque,
            src_off: f64,
            idx: ?*anyopaque,
            idx_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]f64,
        ) callconv(.c) i32 {
            var layout: strided.Layout(3) = undefined;
            var ix: Index = undefined;
            if (!decodeAll(meta, &layout, &ix)) return @intFromEnum(map.Status.bad_layout);
            if (layout.size == 0) return @intFromEnum(map.Status.ok);
            if (src == null or (ix.m > 0 and idx == null)) {
                return @intFromEnum(map.Status.null_pointer);
            }
            if (!(y_off >= 0 and idx_off >= 0 and src_off >= 0)) {
                return @intFromEnum(map.Status.bad_argument);
            }
            const bases = [3]usize{
                strided.elementAddr(src, src_off, @sizeOf(T)),
                strided.elementAddr(idx, idx_off, @sizeOf(I)),
                strided.elementAddr(y, y_off, @sizeOf(T)),
            };
            var failed = false;
            const n = layout.size;
            strided.walkRange(3, .{ T, I, T }, &layout, bases, 0, n, Validate{
                .ix = &ix,
                .failed = &failed,
            }, validate);
            if (failed) {
                reportFirstBad(T, I, &layout, bases, &ix);
                return index_out_of_bounds;
            }
            if (y == null) return @intFromEnum(map.Status.null_pointer);
            switch (ix.mode) {
                inline else => |mode| {
                    const Types = .{ T, I, T };
                    const start = Pass(mode, true).run;
                    if (mode != .assign and !ix.include_self) {
                        strided.walkRange(3, Types, &layout, bases, 0, n, &ix, start);
                    }
                    strided.walkRange(3, Types, &layout, bases, 0, n, &ix, Pass(mode, false).run);
                },
            }
            return @intFromEnum(map.Status.ok);
        }
    }.kernel;
}

const NonzeroFn = fn (?*anyopaque, f64, ?*anyopaque, f64, [*]f64) callconv(.c) i32;

/// Most dims nonzero walks (NumPy's limit).
const nonzero_ndim_max = 64;

fn nonzeroKernel(comptime d: dt.DType, comptime I: type) NonzeroFn {
    const T = dt.Storage(d);
    return struct {
        inline fn isNonzero(v: T) bool {
            if (comptime dt.isComplex(d)) return v.re != 0 or v.im != 0;
            return dt.load(d, v) != 0;
        }

        fn kernel(
            x: ?*anyopaque,
            x_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]f64,
        ) callconv(.c) i32 {
            const mode = meta[0];
            if (!(mode == 0 or mode == 1)) return @intFromEnum(map.Status.bad_argument);
            const nd_f = meta[1];
            if (!(nd_f >= 0 and nd_f <= nonzero_ndim_max)) {
                return @intFromEnum(map.Status.bad_layout);
            }
            const nd: usize = @intFromFloat(nd_f);
            var shape: [nonzero_ndim_max]usize = undefined;
            var strides: [nonzero_ndim_max]isize = undefined;
            var size: usize = 1;
            for (0..nd) |k| {
                const s = meta[2 + k];
                const st = meta[2 + nd + k];
                if (!(s >= 0 and s < 9.0e15)) return @intFromEnum(map.Status.bad_layout);
                if (!(st > -9.0e15 and st < 9.0e15)) return @intFromEnum(map.Status.bad_layout);
                shape[k] = @intFromFloat(s);
                strides[k] = @intFromFloat(st);
                size *= shape[k];
            }
            const cap_f = meta[2 + 2 * nd];
            if (!(cap_f >= 0 and cap_f < 9.0e15)) return @intFromEnum(map.Status.bad_argument);
            const capacity: usize = @intFromFloat(cap_f);
            const count_slot = meta + 2 + 2 * nd + 1;
            count_slot[0] = 0;
            if (size == 0) return @intFromEnum(map.Status.ok);
            if (x == null) return @intFromEnum(map.Status.null_pointer);
            if (!(x_off >= 0 and y_off >= 0)) return @intFromEnum(map.Status.bad_argument);
            const write = mode == 1;
            if (write and capacity > 0 and y == null) return @intFromEnum(map.Status.null_pointer);
            var addr = strided.elementAddr(x, x_off, @sizeOf(T));
            const yp: [*]I = if (write and capacity > 0)
                @ptrFromInt(strided.elementAddr(y, y_off, @sizeOf(I)))
            else
                undefined;
            var index: [nonzero_ndim_max]usize = @splat(0);
            var count: usize = 0;
            const last_len = if (nd == 0) 1 else shape[nd - 1];
            const last_stride = if (nd == 0) 0 else strides[nd - 1];
            while (true) {
                // One run along the last dim.
                for (0..last_len) |j| {
                    const p: *const T = @ptrFromInt(step(addr, last_stride, j, T));
                    if (!isNonzero(p.*)) continue;
                    if (write) {
                        if (count >= capacity) return @intFromEnum(map.Status.bad_argument);
                        const row = yp + count * nd;
                        for (0..nd) |k| row[k] = @intCast(index[k]);
                        if (nd > 0) row[nd - 1] = @intCast(j);
                    }
                    count += 1;
                }
                if (nd <= 1) break;
                // Carry into the outer dims.
                var e: usize = nd - 1;
                var done = true;
                while (e > 0) {
                    e -= 1;
                    index[e] += 1;
                    addr = strided.offsetAddr(addr, strides[e], @sizeOf(T));
                    if (index[e] < shape[e]) {
                        done = false;
                        break;
                    }
                    const back = strides[e] * @as(isize, @intCast(index[e]));
                    addr = strided.offsetAddr(addr, -back, @sizeOf(T));
                    index[e] = 0;
                }
                if (done) break;
            }
            if (write and count != capacity) return @intFromEnum(map.Status.bad_argument);
            count_slot[0] = @floatFromInt(count);
            return @intFromEnum(map.Status.ok);
        }
    }.kernel;
}

const index_types = .{ .{ "i32", i32 }, .{ "i64", i64 } };

pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (.{ "gather", "scatter", "nonzero" }) |family| {
        for (index_types) |it| {
            for (dt.all) |d| s = s ++ family ++ " " ++ it[0] ++ " " ++ @tagName(d) ++ "\n";
        }
    }
    break :blk s;
};

comptime {
    for (index_types) |it| {
        for (dt.all) |d| {
            const suffix = "_" ++ it[0] ++ "_" ++ @tagName(d);
            const g = gatherKernel(d, it[1]);
            @export(&g, .{ .name = "numr_gather" ++ suffix });
            const s = scatterKernel(d, it[1]);
            @export(&s, .{ .name = "numr_scatter" ++ suffix });
            const z = nonzeroKernel(d, it[1]);
            @export(&z, .{ .name = "numr_nonzero" ++ suffix });
        }
    }
}

test "resolve wraps negatives and rejects out of range" {
    try std.testing.expectEqual(@as(?isize, 2), resolve(i32, -1, 3, false));
    try std.testing.expectEqual(@as(?isize, null), resolve(i32, -4, 3, false));
    try std.testing.expectEqual(@as(?isize, null), resolve(i32, 3, 3, false));
    try std.testing.expectEqual(@as(?isize, null), resolve(i32, -1, 3, true));
    try std.testing.expectEqual(@as(?isize, 1), resolve(i64, 1, 3, true));
}
