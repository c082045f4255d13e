//! Matmul kernels: `numr_matmul_matmul_<dtype>(a, a_off, b, b_off, bias, bias_off, c, c_off,
//! meta) i32` computes, for every batch index, C = act(alpha · A·B (+ C) (+ bias)) with the GEMM
//! engine (gemm.zig), or with a streaming GEMV when one side is a vector. C and the bias have the
//! compute type of the input dtype (f32 for f16/bf16/fp8, i32 for i8).
//!
//! meta: [nb, batch shape (nb), a/b/c batch strides (3·nb), m, n, k, a_rs, a_cs, b_rs, b_cs,
//! c_rs, c_cs, bias_stride, alpha, accumulate, has_bias, activation]. Strides are in elements.

const std = @import("std");
const dt = @import("dtype.zig");
const gemm = @import("gemm.zig");
const map = @import("map.zig");
const pool = @import("pool.zig");
const strided = @import("strided.zig");

const Status = map.Status;

/// Input dtypes with a matmul kernel. c64/c128 run as real GEMMs on the f32/f64 kernels.
pub const dtypes = [_]dt.DType{ .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2, .i64, .i32, .i8 };

const tail_len = 14;

const MatmulFn = fn (
    ?*anyopaque,
    f64,
    ?*anyopaque,
    f64,
    ?*anyopaque,
    f64,
    ?*anyopaque,
    f64,
    [*]const f64,
) callconv(.c) i32;

/// A whole, finite f64 within ±2^53 as an isize; null otherwise.
fn whole(x: f64) ?isize {
    if (!(x > -9.0e15 and x < 9.0e15) or x != @trunc(x)) return null;
    return @intFromFloat(x);
}

fn count(x: f64) ?usize {
    const v = whole(x) orelse return null;
    return if (v < 0) null else @intCast(v);
}

/// Everything but the pointers, decoded and checked.
fn Call(comptime d: dt.DType) type {
    const T = gemm.ComputeOf(d);
    return struct {
        batch: strided.Layout(3),
        prob: gemm.Problem(d),
        has_bias: bool,

        fn decode(meta: [*]const f64) ?@This() {
            const batch = strided.Layout(3).decode(meta) orelse return null;
            const t = meta + 1 + batch.ndim * 4;
            var self: @This() = .{ .batch = batch, .prob = undefined, .has_bias = t[12] != 0 };
            const act = count(t[13]) orelse return null;
            if (act > 5) return null;
            self.prob = .{
                .m = count(t[0]) orelse return null,
                .n = count(t[1]) orelse return null,
                .k = count(t[2]) orelse return null,
                .a = .{ .addr = 0, .rs = whole(t[3]) orelse return null, .cs = undefined },
                .b = .{ .addr = 0, .rs = whole(t[5]) orelse return null, .cs = undefined },
                .c = .{ .addr = 0, .rs = whole(t[7]) orelse return null, .cs = undefined },
                .alpha = if (@typeInfo(T) == .float) @floatCast(t[10]) else 1,
                .ep = .{
                    .bias_stride = whole(t[9]) orelse return null,
                    .accumulate = t[11] != 0,
                    .bias = null,
                    .activation = @enumFromInt(act),
                },
            };
            self.prob.a.cs = whole(t[4]) orelse return null;
            self.prob.b.cs = whole(t[6]) orelse return null;
            self.prob.c.cs = whole(t[8]) orelse return null;
            if (@typeInfo(T) != .float and act > 1) return null;
            return self;
        }
    };
}

fn kernelFor(comptime d: dt.DType) MatmulFn {
    const S = dt.Storage(d);
    const T = gemm.ComputeOf(d);
    return struct {
        fn kernel(
            a: ?*anyopaque,
            a_off: f64,
            b: ?*anyopaque,
            b_off: f64,
            bias: ?*anyopaque,
            bias_off: f64,
            c: ?*anyopaque,
            c_off: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            var call = Call(d).decode(meta) orelse return @intFromEnum(Status.bad_layout);
            const p = &call.prob;
            if (call.batch.size == 0 or p.m == 0 or p.n == 0) return @intFromEnum(Status.ok);
            if (c == null) return @intFromEnum(Status.null_pointer);
            if (p.k > 0 and (a == null or b == null)) return @intFromEnum(Status.null_pointer);
            if (!(a_off >= 0 and b_off >= 0 and c_off >= 0 and bias_off >= 0)) {
                return @intFromEnum(Status.bad_argument);
            }
            if (call.has_bias) {
                if (bias == null) return @intFromEnum(Status.null_pointer);
                p.ep.bias = @ptrFromInt(strided.elementAddr(bias, bias_off, @sizeOf(T)));
            }
            const bases = [3]usize{
                if (a == null) 0 else strided.elementAddr(a, a_off, @sizeOf(S)),
                if (b == null) 0 else strided.elementAddr(b, b_off, @sizeOf(S)),
                strided.elementAddr(c, c_off, @sizeOf(T)),
            };
            const ok = runBatch(d, &call, bases);
            return @intFromEnum(if (ok) Status.ok else Status.out_of_memory);
        }
    }.kernel;
}

/// One matrix product of a batch at the given base addresses.
fn one(
    comptime d: dt.DType,
    template: *const gemm.Problem(d),
    bases: [3]usize,
    parallel: bool,
) bool {
    var prob = template.*;
    prob.a.addr = bases[0];
    prob.b.addr = bases[1];
    prob.c.addr = bases[2];
    if (gemv(d, &prob, parallel)) return true;
    if (small(d, &prob)) return true;
    return gemm.run(d, &prob, parallel);
}

// ---- small products: no packing ----

/// Products this small skip packing: each row of C is a few vectors kept in registers while A's
/// row and B's rows stream (B rows contiguous). Packing two panels and padding a 6x64 tile would
/// cost more than the product itself (bmm of many 8x8 or 16x16 matrices).
fn small(comptime d: dt.DType, prob: *const gemm.Problem(d)) bool {
    const T = gemm.ComputeOf(d);
    if (dt.Storage(d) != T) return false;
    const L = gemm.vector_bytes / @sizeOf(T);
    if (prob.n > 4 * L or prob.k > 64 or prob.m > 64 or prob.k == 0) return false;
    if (prob.b.cs != 1 or prob.c.cs != 1) return false;
    switch ((prob.n + L - 1) / L) {
        inline 1...4 => |nv| smallRows(d, nv, prob),
        else => unreachable,
    }
    return true;
}

fn smallRows(comptime d: dt.DType, comptime nv: usize, prob: *const gemm.Problem(d)) void {
    const T = gemm.ComputeOf(d);
    // Four rows at a time: four independent FMA chains hide the FMA latency.
    const rows_max = 4;
    var i: usize = 0;
    while (i < prob.m) : (i += rows_max) {
        const rows = @min(rows_max, prob.m - i);
        var tile: [rows_max][nv * (gemm.vector_bytes / @sizeOf(T))]T = undefined;
        smallTile(d, nv, rows_max, prob, i, rows, &tile);
        for (0..rows) |r| smallStore(d, nv, prob, i + r, &tile[r]);
    }
}

/// tile[r][j] = sum_p A[i + r, p] · B[p, j] for r < rows (later rows repeat the last one).
fn smallTile(
    comptime d: dt.DType,
    comptime nv: usize,
    comptime rows_max: usize,
    prob: *const gemm.Problem(d),
    i: usize,
    rows: usize,
    tile: *[rows_max][nv * (gemm.vector_bytes / @sizeOf(T_(d)))]T_(d),
) void {
    const T = gemm.ComputeOf(d);
    const L = gemm.vector_bytes / @sizeOf(T);
    const V = @Vector(L, T);
    const K = gemm.Kernel(T);
    const full = prob.n / L;
    var acc: [rows_max][nv]V = @splat(@splat(@splat(0)));
    var tail: [rows_max][L]T = @splat(@splat(0));
    var a_addr: [rows_max]usize = undefined;
    for (0..rows_max) |r| a_addr[r] = @intFromPtr(prob.a.at(i + @min(r, rows - 1), 0));
    const a_step = prob.a.cs * @sizeOf(T);
    const b_step = prob.b.rs * @sizeOf(T);
    var b_addr = @intFromPtr(prob.b.at(0, 0));
    for (0..prob.k) |_| {
        const row: [*]const T = @ptrFromInt(b_addr);
        var bv: [nv]V = undefined;
        inline for (0..nv) |j| {
            if (j < full) bv[j] = row[j * L ..][0..L].*;
        }
        inline for (0..rows_max) |r| {
            var x = @as(*const T, @ptrFromInt(a_addr[r])).*;
            if (prob.alpha != 1) x = K.madd1(x, prob.alpha, 0);
            const av: V = @splat(x);
            inline for (0..nv) |j| {
                if (j < full) acc[r][j] = K.madd(av, bv[j], acc[r][j]);
            }
            for (full * L..prob.n, 0..) |j, t| tail[r][t] = K.madd1(x, row[j], tail[r][t]);
            a_addr[r] = @bitCast(@as(isize, @bitCast(a_addr[r])) +% a_step);
        }
        b_addr = @bitCast(@as(isize, @bitCast(b_addr)) +% b_step);
    }
    inline for (0..rows_max) |r| {
        inline for (0..nv) |j| tile[r][j * L ..][0..L].* = acc[r][j];
        for (full * L..prob.n, 0..) |j, t| tile[r][j] = tail[r][t];
    }
}

fn T_(comptime d: dt.DType) type {
    return gemm.ComputeOf(d);
}

/// Writes row i of C from its sums with the epilogue (old C, bias, activation).
fn smallStore(
    comptime d: dt.DType,
    comptime nv: usize,
    prob: *const gemm.Problem(d),
    i: usize,
    row: *[nv * (gemm.vector_bytes / @sizeOf(T_(d)))]T_(d),
) void {
    const T = gemm.ComputeOf(d);
    const L = gemm.vector_bytes / @sizeOf(T);
    const V = @Vector(L, T);
    const ep = &prob.ep;
    const out: [*]T = @ptrCast(prob.c.at(i, 0));
    if (ep.accumulate or ep.bias != null) {
        for (0..prob.n) |j| {
            var v = row[j];
            if (ep.accumulate) v = gemm.add(v, out[j]);
            if (ep.bias) |bias| {
                v = gemm.add(v, strided.ptrAt(T, bias, @as(isize, @intCast(j)) * ep.bias_stride));
            }
            row[j] = v;
        }
    }
    if (ep.activation != .none) {
        inline for (0..nv) |j| {
            const v: V = row[j * L ..][0..L].*;
            row[j * L ..][0..L].* = gemm.activate(V, v, ep.activation);
        }
    }
    @memcpy(out[0..prob.n], row[0..prob.n]);
}

/// Runs every product of the batch: small products are spread over the pool one per task, each
/// single-threaded; large ones run one after another, each on the whole pool.
fn runBatch(comptime d: dt.DType, call: *const Call(d), bases: [3]usize) bool {
    const p = &call.prob;
    const count_total = call.batch.size;
    const madds = p.m *| p.n *| @max(p.k, 1);
    if (count_total == 1) return one(d, p, bases, true);
    const per_task = madds < 256 * 256 * 256;
    const Ctx = struct {
        call: *const Call(d),
        bases: [3]usize,
        failed: std.atomic.Value(bool) = std.atomic.Value(bool).init(false),
        fn range(ctx: *const @This(), begin: usize, end: usize) void {
            for (begin..end) |index| {
                const at = batchBases(d, &ctx.call.batch, ctx.bases, index);
                if (!one(d, &ctx.call.prob, at, false)) {
                    @constCast(&ctx.failed).store(true, .release);
                }
            }
        }
    };
    var ctx = Ctx{ .call = call, .bases = bases };
    if (per_task and madds *| count_total < 4 * 1024 * 1024) {
        // A few microseconds of work in all: waking the pool costs more than it saves.
        ctx.range(0, count_total);
        return !ctx.failed.load(.acquire);
    }
    if (per_task) {
        // Tasks of at least ~32k multiply-adds keep the pool's per-task cost small.
        const grain = @max(1, (32 * 1024) / madds);
        pool.parallelRange(Ctx, &ctx, count_total, grain, Ctx.range);
        return !ctx.failed.load(.acquire);
    }
    for (0..count_total) |index| {
        if (!one(d, p, batchBases(d, &call.batch, bases, index), true)) return false;
    }
    return true;
}

/// Base addresses of batch item `index` (row-major over the batch shape).
fn batchBases(
    comptime d: dt.DType,
    batch: *const strided.Layout(3),
    bases: [3]usize,
    index: usize,
) [3]usize {
    const S = dt.Storage(d);
    const sizes = [3]usize{ @sizeOf(S), @sizeOf(S), @sizeOf(gemm.ComputeOf(d)) };
    var out = bases;
    var rest = index;
    var dim = batch.ndim;
    while (dim > 0) {
        dim -= 1;
        const i: isize = @intCast(rest % batch.shape[dim]);
        rest /= batch.shape[dim];
        inline for (0..3) |k| {
            out[k] = strided.offsetAddr(out[k], i * batch.strides[k][dim], sizes[k]);
        }
    }
    return out;
}

// ---- GEMV: one side is a vector ----

/// y[i] = sum_p A[i, p] x[p] for a product with n == 1 or m == 1 (then A = Bᵀ, x = A's row).
/// Only for plain products (no bias, activation, scale or accumulation) of a type computed as
/// stored; returns false when the GEMM should run instead.
fn gemv(comptime d: dt.DType, prob: *const gemm.Problem(d), parallel: bool) bool {
    const T = gemm.ComputeOf(d);
    if (dt.Storage(d) != T or @typeInfo(T) != .float) return false;
    const ep = &prob.ep;
    if (ep.bias != null or ep.activation != .none or ep.accumulate or prob.alpha != 1) return false;
    if (prob.k == 0) return false;
    var v: Gemv(T) = undefined;
    if (prob.n == 1) {
        v = .{
            .rows = prob.m,
            .k = prob.k,
            .a = prob.a,
            .x = prob.b.addr,
            .xs = prob.b.rs,
            .y = prob.c.addr,
            .ys = prob.c.rs,
        };
    } else if (prob.m == 1) {
        const at = gemm.Matrix(T){ .addr = prob.b.addr, .rs = prob.b.cs, .cs = prob.b.rs };
        v = .{
            .rows = prob.n,
            .k = prob.k,
            .a = at,
            .x = prob.a.addr,
            .xs = prob.a.cs,
            .y = prob.c.addr,
            .ys = prob.c.cs,
        };
    } else return false;
    if (v.a.cs == 1 and v.xs == 1) {
        v.run(parallel, Gemv(T).dotRows);
        return true;
    }
    if (v.a.rs == 1) {
        v.run(parallel, Gemv(T).axpyRows);
        return true;
    }
    return false;
}

fn Gemv(comptime T: type) type {
    const L = gemm.vector_bytes / @sizeOf(T);
    const V = @Vector(L, T);
    return struct {
        const Self = @This();
        rows: usize,
        k: usize,
        a: gemm.Matrix(T),
        x: usize,
        xs: isize,
        y: usize,
        ys: isize,

        fn run(
            self: *const Self,
            parallel: bool,
            comptime body: fn (*const Self, usize, usize) void,
        ) void {
            // Chunks of at least 256 KiB of A keep the pool's overhead small.
            const grain = @max(4, (256 * 1024) / (self.k * @sizeOf(T)));
            if (!parallel) return body(self, 0, self.rows);
            pool.parallelRange(Self, self, self.rows, grain, body);
        }

        fn out(self: *const Self, i: usize) *T {
            const e = @as(isize, @intCast(i)) * self.ys;
            return @ptrFromInt(strided.offsetAddr(self.y, e, @sizeOf(T)));
        }

        /// Rows of A are contiguous: four rows at a time, each a dot product with x kept in L1.
        fn dotRows(self: *const Self, begin: usize, end: usize) void {
            const x: [*]const T = @ptrFromInt(self.x);
            var i = begin;
            while (i < end) : (i += 4) {
                const n_rows = @min(4, end - i);
                var rows: [4][*]const T = undefined;
                for (0..4) |r| rows[r] = @ptrCast(self.a.at(i + @min(r, n_rows - 1), 0));
                var acc: [4][2]V = @splat(@splat(@splat(0)));
                var p: usize = 0;
                while (p + 2 * L <= self.k) : (p += 2 * L) {
                    const x0: V = x[p..][0..L].*;
                    const x1: V = x[p + L ..][0..L].*;
                    inline for (0..4) |r| {
                        acc[r][0] = @mulAdd(V, rows[r][p..][0..L].*, x0, acc[r][0]);
                        acc[r][1] = @mulAdd(V, rows[r][p + L ..][0..L].*, x1, acc[r][1]);
                    }
                }
                for (0..n_rows) |r| {
                    var s = @reduce(.Add, acc[r][0] + acc[r][1]);
                    for (p..self.k) |q| s = @mulAdd(T, rows[r][q], x[q], s);
                    self.out(i + r).* = s;
                }
            }
        }

        /// Columns of A are contiguous: y[block] = sum_p x[p] · A[block, p], a block of 4
        /// vectors of rows held in registers while p streams.
        fn axpyRows(self: *const Self, begin: usize, end: usize) void {
            const block = 4 * L;
            var i = begin;
            while (i < end) : (i += block) {
                const len = @min(block, end - i);
                var acc: [4]V = @splat(@splat(0));
                const flat: *[block]T = @ptrCast(&acc);
                for (0..self.k) |p| {
                    const xe = @as(isize, @intCast(p)) * self.xs;
                    const xp = strided.ptrAt(T, @ptrFromInt(self.x), xe);
                    const col: [*]const T = @ptrCast(self.a.at(i, p));
                    if (len == block) {
                        const xv: V = @splat(xp);
                        inline for (0..4) |j| {
                            acc[j] = @mulAdd(V, col[j * L ..][0..L].*, xv, acc[j]);
                        }
                    } else {
                        for (0..len) |r| flat[r] = @mulAdd(T, col[r], xp, flat[r]);
                    }
                }
                for (0..len) |r| self.out(i + r).* = flat[r];
            }
        }
    };
}

pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (dtypes) |d| s = s ++ "matmul matmul " ++ @tagName(d) ++ "\n";
    break :blk s;
};

comptime {
    for (dtypes) |d| {
        const f = kernelFor(d);
        @export(&f, .{ .name = "numr_matmul_matmul_" ++ @tagName(d) });
    }
}
