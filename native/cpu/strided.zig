//! The strided walker every elementwise kernel uses: N operands that share one (coalesced) shape,
//! each with its own strides, walked in row-major order as runs along the last dimension.
//!
//! Layout descriptors arrive from TS as f64 arrays (JS numbers cross the FFI without bigints):
//! `[ndim, shape[0..ndim], strides of operand 0, strides of operand 1, ...]`, strides in elements.

const std = @import("std");
const pool = @import("pool.zig");

pub const ndim_max = 16;

/// Elements per task below which a kernel stays on the calling thread. About 32 µs of
/// memory-bound work on one core; below it a wake-up of the pool costs more than it gains.
pub const grain_elements = 1 << 15;

/// A decoded layout for N operands.
/// A dim count of a layout descriptor (an integer in [0, ndim_max]), or null.
pub fn decodeCount(v: f64) ?usize {
    if (!(v >= 0 and v <= ndim_max and v == @floor(v))) return null;
    return @intFromFloat(v);
}

/// A size or element count of a layout descriptor (an integer in [0, 9e15)), or null.
pub fn decodeSize(v: f64) ?usize {
    if (!(v >= 0 and v < 9.0e15 and v == @floor(v))) return null;
    return @intFromFloat(v);
}

/// A stride of a layout descriptor (an integer in (-9e15, 9e15)), or null.
pub fn decodeStride(v: f64) ?isize {
    if (!(v > -9.0e15 and v < 9.0e15 and v == @floor(v))) return null;
    return @intFromFloat(v);
}

pub fn Layout(comptime N: usize) type {
    return struct {
        ndim: usize,
        shape: [ndim_max]usize,
        strides: [N][ndim_max]isize,
        size: usize,

        const Self = @This();

        /// Decodes `meta`; returns null when the descriptor is malformed.
        pub fn decode(meta: [*]const f64) ?Self {
            var self: Self = undefined;
            const nd_f = meta[0];
            if (!(nd_f >= 0 and nd_f <= ndim_max)) return null;
            self.ndim = @intFromFloat(nd_f);
            self.size = 1;
            for (0..self.ndim) |d| {
                const s = meta[1 + d];
                if (!(s >= 0 and s < 9.0e15)) return null;
                self.shape[d] = @intFromFloat(s);
                self.size *= self.shape[d];
            }
            for (0..N) |k| {
                for (0..self.ndim) |d| {
                    const st = meta[1 + self.ndim * (1 + k) + d];
                    if (!(st > -9.0e15 and st < 9.0e15)) return null;
                    self.strides[k][d] = @intFromFloat(st);
                }
            }
            return self;
        }

        /// Length of the innermost run (1 for a 0-d layout).
        pub fn innerLen(self: *const Self) usize {
            return if (self.ndim == 0) 1 else self.shape[self.ndim - 1];
        }

        /// Stride of operand k along the innermost dimension.
        pub fn innerStride(self: *const Self, k: usize) isize {
            return if (self.ndim == 0) 0 else self.strides[k][self.ndim - 1];
        }
    };
}

/// Calls `inner(ctx, ptrs, strides, len)` for every run in the linear index range
/// `[begin, end)`. `ptrs[k]` points at operand k's element for the run's first index, typed T[k].
pub fn walkRange(
    comptime N: usize,
    comptime Types: [N]type,
    layout: *const Layout(N),
    bases: [N]usize,
    begin: usize,
    end: usize,
    ctx: anytype,
    comptime inner: anytype,
) void {
    if (begin >= end) return;
    const nd = layout.ndim;
    var inner_strides: [N]isize = undefined;
    for (0..N) |k| inner_strides[k] = layout.innerStride(k);
    if (nd <= 1) {
        var ptrs: [N]usize = undefined;
        inline for (0..N) |k| {
            const step = inner_strides[k] * @as(isize, @intCast(begin));
            ptrs[k] = offsetAddr(bases[k], step, @sizeOf(Types[k]));
        }
        inner(ctx, ptrs, inner_strides, end - begin);
        return;
    }
    // Multi-index of `begin`, and the address of each operand there.
    var index: [ndim_max]usize = undefined;
    var addr: [N]usize = bases;
    var rest = begin;
    var d: usize = nd;
    while (d > 0) {
        d -= 1;
        index[d] = rest % layout.shape[d];
        rest /= layout.shape[d];
        inline for (0..N) |k| {
            const step = layout.strides[k][d] * @as(isize, @intCast(index[d]));
            addr[k] = offsetAddr(addr[k], step, @sizeOf(Types[k]));
        }
    }
    const last = nd - 1;
    var pos = begin;
    while (pos < end) {
        const len = @min(layout.shape[last] - index[last], end - pos);
        inner(ctx, addr, inner_strides, len);
        pos += len;
        if (pos >= end) break;
        // Step to the start of the next run: carry through the outer dimensions.
        inline for (0..N) |k| {
            const back = layout.strides[k][last] * @as(isize, @intCast(index[last]));
            addr[k] = offsetAddr(addr[k], -back, @sizeOf(Types[k]));
        }
        index[last] = 0;
        var e: usize = last;
        while (e > 0) {
            e -= 1;
            index[e] += 1;
            inline for (0..N) |k| {
                addr[k] = offsetAddr(addr[k], layout.strides[k][e], @sizeOf(Types[k]));
            }
            if (index[e] < layout.shape[e]) break;
            inline for (0..N) |k| {
                const back = layout.strides[k][e] * @as(isize, @intCast(index[e]));
                addr[k] = offsetAddr(addr[k], -back, @sizeOf(Types[k]));
            }
            index[e] = 0;
        }
    }
}

pub inline fn offsetAddr(addr: usize, elements: isize, elem_size: usize) usize {
    const bytes = elements * @as(isize, @intCast(elem_size));
    return @bitCast(@as(isize, @bitCast(addr)) +% bytes);
}

/// Runs `walkRange` over the whole layout, in parallel when it is large.
pub fn walk(
    comptime N: usize,
    comptime Types: [N]type,
    layout: *const Layout(N),
    bases: [N]usize,
    ctx: anytype,
    comptime inner: anytype,
) void {
    const Ctx = @TypeOf(ctx);
    const Task = struct {
        layout: *const Layout(N),
        bases: [N]usize,
        ctx: Ctx,
        fn body(self: *const @This(), begin: usize, end: usize) void {
            walkRange(N, Types, self.layout, self.bases, begin, end, self.ctx, inner);
        }
    };
    const task = Task{ .layout = layout, .bases = bases, .ctx = ctx };
    pool.parallelRange(Task, &task, layout.size, grain_elements, Task.body);
}

/// The address of element `offset` of a storage that starts at `base`.
pub inline fn elementAddr(base: ?*anyopaque, offset: f64, elem_size: usize) usize {
    const off: isize = @intFromFloat(offset);
    return offsetAddr(@intFromPtr(base), off, elem_size);
}

// ---- blocked walk for transposing copies ----

/// Input stride (elements) along the last dimension from which `tilePlan` blocks the walk.
pub const tile_min_stride = 16;

/// Tile edge (elements) of the blocked walk: a tile of either operand stays within L2 even when
/// its rows alias to the same cache sets (power-of-two strides).
pub fn tileEdge(comptime elem_size: usize) usize {
    return if (elem_size <= 8) 64 else 32;
}

/// How `walkTiles` splits a 2-operand layout: tiles over dimension `p` (where the input walks
/// most closely) and the last dimension; the other dimensions form an outer loop.
pub const TilePlan = struct {
    p: usize,
    tiles_p: usize,
    tiles_l: usize,
    count: usize,
};

/// A plan when the output runs contiguously along the last dimension while the input jumps
/// at least `tile_min_stride` elements there and walks some other dimension ≥ 4× more closely.
pub fn tilePlan(layout: *const Layout(2), edge: usize) ?TilePlan {
    const nd = layout.ndim;
    if (nd < 2 or layout.size == 0) return null;
    const last = nd - 1;
    if (layout.strides[1][last] != 1) return null;
    const xl = @abs(layout.strides[0][last]);
    if (xl < tile_min_stride) return null;
    var p: usize = 0;
    for (1..last) |d| {
        if (@abs(layout.strides[0][d]) < @abs(layout.strides[0][p])) p = d;
    }
    if (@abs(layout.strides[0][p]) * 4 > xl) return null;
    const tiles_p = (layout.shape[p] + edge - 1) / edge;
    const tiles_l = (layout.shape[last] + edge - 1) / edge;
    const outer = layout.size / (layout.shape[p] * layout.shape[last]);
    return .{ .p = p, .tiles_p = tiles_p, .tiles_l = tiles_l, .count = outer * tiles_p * tiles_l };
}

/// Writes `y = one(x)` over a layout planned by `tilePlan`, tile by tile (8×8 blocks inside a
/// tile), tiles spread over the pool. Every output element is written once from its own input
/// element, so the result does not depend on the thread count.
pub fn walkTiles(
    comptime X: type,
    comptime Y: type,
    layout: *const Layout(2),
    plan: *const TilePlan,
    bases: [2]usize,
    comptime one: fn (X) callconv(.@"inline") Y,
) void {
    const edge = comptime tileEdge(@max(@sizeOf(X), @sizeOf(Y)));
    const Task = struct {
        layout: *const Layout(2),
        plan: *const TilePlan,
        bases: [2]usize,

        fn body(self: *const @This(), begin: usize, end: usize) void {
            for (begin..end) |t| self.tile(t);
        }

        fn tile(self: *const @This(), t: usize) void {
            const l = self.layout;
            const last = l.ndim - 1;
            const p = self.plan.p;
            const bl = t % self.plan.tiles_l;
            var rest = t / self.plan.tiles_l;
            const bp = rest % self.plan.tiles_p;
            rest /= self.plan.tiles_p;
            const row0 = bp * edge;
            const col0 = bl * edge;
            const xsp = l.strides[0][p];
            const xsl = l.strides[0][last];
            const ysp = l.strides[1][p];
            var xa = self.bases[0];
            var ya = self.bases[1];
            var d: usize = last;
            while (d > 0) {
                d -= 1;
                if (d == p) continue;
                const i: isize = @intCast(rest % l.shape[d]);
                rest /= l.shape[d];
                xa = offsetAddr(xa, l.strides[0][d] * i, @sizeOf(X));
                ya = offsetAddr(ya, l.strides[1][d] * i, @sizeOf(Y));
            }
            const row0s: isize = @intCast(row0);
            const col0s: isize = @intCast(col0);
            xa = offsetAddr(xa, xsp * row0s + xsl * col0s, @sizeOf(X));
            ya = offsetAddr(ya, ysp * row0s + col0s, @sizeOf(Y));
            const ni = @min(edge, l.shape[p] - row0);
            const nj = @min(edge, l.shape[last] - col0);
            const xp: [*]const X = @ptrFromInt(xa);
            const yp: [*]Y = @ptrFromInt(ya);
            var j: usize = 0;
            while (j < nj) : (j += 8) {
                var i: usize = 0;
                while (i < ni) : (i += 8) {
                    if (i + 8 <= ni and j + 8 <= nj) {
                        block(xp, yp, xsp, xsl, ysp, i, j);
                    } else {
                        for (i..@min(i + 8, ni)) |ii| {
                            const iis: isize = @intCast(ii);
                            for (j..@min(j + 8, nj)) |jj| {
                                const jjs: isize = @intCast(jj);
                                const xi = xsp * iis + xsl * jjs;
                                const yi = ysp * iis + jjs;
                                ptrAtMut(Y, yp, yi).* = one(ptrAt(X, xp, xi));
                            }
                        }
                    }
                }
            }
        }

        inline fn block(
            xp: [*]const X,
            yp: [*]Y,
            xsp: isize,
            xsl: isize,
            ysp: isize,
            i: usize,
            j: usize,
        ) void {
            var buf: [8][8]X = undefined;
            const is: isize = @intCast(i);
            const js: isize = @intCast(j);
            for (0..8) |jj| {
                const col = xsl * (js + @as(isize, @intCast(jj)));
                for (0..8) |ii| {
                    buf[jj][ii] = ptrAt(X, xp, xsp * (is + @as(isize, @intCast(ii))) + col);
                }
            }
            for (0..8) |ii| {
                const row = ysp * (is + @as(isize, @intCast(ii))) + js;
                for (0..8) |jj| {
                    ptrAtMut(Y, yp, row + @as(isize, @intCast(jj))).* = one(buf[jj][ii]);
                }
            }
        }
    };
    const task = Task{ .layout = layout, .plan = plan, .bases = bases };
    const grain = @max(1, grain_elements / (edge * edge));
    pool.parallelRange(Task, &task, plan.count, grain, Task.body);
}

pub inline fn ptrAt(comptime T: type, p: [*]const T, i: isize) T {
    return @as(*const T, @ptrFromInt(offsetAddr(@intFromPtr(p), i, @sizeOf(T)))).*;
}

pub inline fn ptrAtMut(comptime T: type, p: [*]T, i: isize) *T {
    return @ptrFromInt(offsetAddr(@intFromPtr(p), i, @sizeOf(T)));
}

test "walkRange visits a transposed 2x3 in row-major order" {
    const meta = [_]f64{ 2, 2, 3, 1, 2 };
    const layout = Layout(1).decode(&meta).?;
    var data = [_]i32{ 0, 1, 2, 3, 4, 5 };
    const Ctx = struct { out: *[6]i32, n: *usize };
    var out: [6]i32 = undefined;
    var n: usize = 0;
    const inner = struct {
        fn f(ctx: Ctx, ptrs: [1]usize, strides: [1]isize, len: usize) void {
            for (0..len) |i| {
                const step = strides[0] * @as(isize, @intCast(i));
                const p: *const i32 = @ptrFromInt(offsetAddr(ptrs[0], step, 4));
                ctx.out[ctx.n.*] = p.*;
                ctx.n.* += 1;
            }
        }
    }.f;
    walkRange(1, .{i32}, &layout, .{@intFromPtr(&data)}, 0, 6, Ctx{ .out = &out, .n = &n }, inner);
    try std.testing.expectEqualSlices(i32, &.{ 0, 2, 4, 1, 3, 5 }, &out);
}
