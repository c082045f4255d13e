//! Cumulative (scan) kernels: `numr_scan_<op>_<dtype>(x, x_off, y, y_off, meta) i32` for cumsum,
//! cumprod, cummax, cummin and logcumsumexp along one axis.
//!
//! The descriptor `meta` (f64, written by src/runtime/cpu/scan.ts with kept dims coalesced) is
//!
//!   [nk, kept shape[nk], kept x strides[nk], kept y strides[nk], n, axis x stride, axis y stride]
//!
//! Every kept index is one independent scan of `n` elements. Strides are in elements.
//!
//! Output dtypes: cumsum/cumprod of bool and signed ints write i64, of unsigned ints u64 (as
//! NumPy); the other ops and every float or complex input keep the input dtype.
//!
//! Accumulation: half formats in f32, f32 in f64, complex in f64 pairs (each output rounds once),
//! ints in i64/u64 (wrapping, as NumPy). cummax/cummin follow np.maximum/np.minimum: NaN
//! propagates and complex numbers compare lexicographically.
//!
//! Determinism: inexact scans (float and complex sums and products, logcumsumexp) use one fixed
//! order for every layout and thread count. A scan is cut into blocks of `block` elements; inside
//! a block the running value starts from the block's first element; the output is
//! `carry ⊕ local`, where `carry` is the running combination of the earlier blocks' totals. A
//! single long scan runs its blocks in parallel in two passes (block totals, then the blocks
//! again from their carries), which does exactly the arithmetic of the one-pass loop. Exact scans
//! (ints, max/min) need no blocks.

const std = @import("std");
const dt = @import("dtype.zig");
const fmath = @import("fmath.zig");
const map = @import("map.zig");
const pool = @import("pool.zig");
const strided = @import("strided.zig");
const binary = @import("binary.zig");

const ndim_max = strided.ndim_max;
const Status = map.Status;

/// Elements per block of an inexact scan (see the file comment).
pub const block: usize = 8192;
/// Blocks handled per parallel pass of one long scan (their totals live on the stack).
const segment_blocks: usize = 256;
/// Columns the column-tiled path carries at once (accumulators on the stack).
const tile_columns: usize = 64;

pub const Kind = enum { cumsum, cumprod, cummax, cummin, logcumsumexp };

// ---- descriptor ----

const Meta = struct {
    nk: usize,
    kshape: [ndim_max]usize,
    kxs: [ndim_max]isize,
    kys: [ndim_max]isize,
    /// Number of independent scans (product of the kept shape).
    outputs: usize,
    /// Elements per scan.
    n: usize,
    axs: isize,
    ays: isize,

    fn decode(meta: [*]const f64) ?Meta {
        var m: Meta = undefined;
        m.nk = decodeCount(meta[0]) orelse return null;
        var at: usize = 1;
        m.outputs = 1;
        for (0..m.nk) |d| {
            m.kshape[d] = decodeSize(meta[at + d]) orelse return null;
            m.outputs = std.math.mul(usize, m.outputs, m.kshape[d]) catch return null;
        }
        at += m.nk;
        for (0..m.nk) |d| m.kxs[d] = decodeStride(meta[at + d]) orelse return null;
        at += m.nk;
        for (0..m.nk) |d| m.kys[d] = decodeStride(meta[at + d]) orelse return null;
        at += m.nk;
        m.n = decodeSize(meta[at]) orelse return null;
        m.axs = decodeStride(meta[at + 1]) orelse return null;
        m.ays = decodeStride(meta[at + 2]) orelse return null;
        return m;
    }

    /// Element offsets (x, y) of the first element of scan `o` (row-major over the kept dims
    /// `[0, dims)`).
    fn offsets(self: *const Meta, o: usize, dims: usize) [2]isize {
        var rest = o;
        var off = [2]isize{ 0, 0 };
        var d = dims;
        while (d > 0) {
            d -= 1;
            const i: isize = @intCast(rest % self.kshape[d]);
            rest /= self.kshape[d];
            off[0] += self.kxs[d] * i;
            off[1] += self.kys[d] * i;
        }
        std.debug.assert(rest == 0);
        return off;
    }
};

const decodeCount = strided.decodeCount;
const decodeSize = strided.decodeSize;
const decodeStride = strided.decodeStride;

inline fn addr(base: usize, elements: isize, comptime T: type) usize {
    return strided.offsetAddr(base, elements, @sizeOf(T));
}

inline fn loadAt(comptime T: type, a: usize) T {
    return @as(*align(1) const T, @ptrFromInt(a)).*;
}

inline fn storeAt(comptime T: type, a: usize, v: T) void {
    @as(*align(1) T, @ptrFromInt(a)).* = v;
}

// ---- ops ----

/// NumPy's dtype of cumsum/cumprod.
pub fn sumOut(comptime d: dt.DType) dt.DType {
    if (d == .bool or dt.isSignedInt(d)) return .i64;
    if (dt.isUnsignedInt(d)) return .u64;
    return d;
}

fn SumAcc(comptime d: dt.DType) type {
    if (dt.isComplex(d)) return dt.C128;
    return switch (sumOut(d)) {
        .i64 => i64,
        .u64 => u64,
        .f64, .f32 => f64,
        else => f32,
    };
}

/// One scan op on one dtype: `lift` an element into the accumulator, `merge(earlier, later)`,
/// `store` an accumulator as an output element.
fn Op(comptime kind: Kind, comptime d: dt.DType) type {
    return struct {
        pub const X = dt.Storage(d);
        pub const out = switch (kind) {
            .cumsum, .cumprod => sumOut(d),
            else => d,
        };
        pub const Y = dt.Storage(out);
        pub const Acc = switch (kind) {
            .cumsum, .cumprod => SumAcc(d),
            .cummax, .cummin => dt.Compute(d),
            .logcumsumexp => if (d == .f32) f64 else dt.Compute(d),
        };
        pub const exact = switch (kind) {
            .cumsum, .cumprod => @typeInfo(Acc) == .int,
            .cummax, .cummin => true,
            .logcumsumexp => false,
        };
        const Extreme = binary.Extremum(kind == .cummax, true)(d);

        pub inline fn lift(x: X) Acc {
            const c = dt.load(d, x);
            if (kind == .cummax or kind == .cummin) return c;
            if (comptime dt.isComplex(d)) return .{ .re = c.re, .im = c.im };
            return switch (@typeInfo(Acc)) {
                .int => @intCast(c),
                else => @floatCast(c),
            };
        }

        pub inline fn merge(a: Acc, b: Acc) Acc {
            switch (kind) {
                .cumsum => {
                    if (comptime dt.isComplex(d)) return .{ .re = a.re + b.re, .im = a.im + b.im };
                    return if (@typeInfo(Acc) == .int) a +% b else a + b;
                },
                .cumprod => {
                    if (comptime dt.isComplex(d)) return fmath.cmul(a, b);
                    return if (@typeInfo(Acc) == .int) a *% b else a * b;
                },
                .cummax, .cummin => return Extreme.scalar(a, b),
                .logcumsumexp => return logaddexp(Acc, a, b),
            }
        }

        pub inline fn store(a: Acc) Y {
            if (kind == .cummax or kind == .cummin) return dt.store(d, a);
            // c64 rounds each f64 part once.
            if (comptime dt.isComplex(d)) {
                return .{ .re = @floatCast(a.re), .im = @floatCast(a.im) };
            }
            if (@typeInfo(Acc) == .int) return a;
            return dt.store(out, @floatCast(a));
        }
    };
}

/// NumPy's npy_logaddexp: log(e^a + e^b) without overflow; equal arguments (infinities included)
/// give a + log 2, a NaN gives NaN.
inline fn logaddexp(comptime T: type, a: T, b: T) T {
    if (a == b) return a + std.math.ln2;
    const diff = a - b;
    if (diff > 0) return a + std.math.log1p(@exp(-diff));
    if (diff <= 0) return b + std.math.log1p(@exp(diff));
    return diff;
}

// ---- loops ----

/// One strided scan and its position: x and y addresses of element 0 and the strides.
const Line = struct { xa: usize, xs: isize, ya: usize, ys: isize };

fn Loops(comptime O: type) type {
    return struct {
        /// Scans elements [begin, end) of a line, `begin` block-aligned. `carry` combines every
        /// block before `begin` (null at the line's start). Returns the carry after `end`.
        fn span(l: Line, begin: usize, end: usize, carry_in: ?O.Acc) ?O.Acc {
            var carry = carry_in;
            var i = begin;
            while (i < end) {
                const stop = if (O.exact) end else @min(end, (i / block + 1) * block);
                var xa = addr(l.xa, l.xs * @as(isize, @intCast(i)), O.X);
                var ya = addr(l.ya, l.ys * @as(isize, @intCast(i)), O.Y);
                var local = O.lift(loadAt(O.X, xa));
                if (carry) |c| {
                    storeAt(O.Y, ya, O.store(O.merge(c, local)));
                    for (i + 1..stop) |_| {
                        xa = addr(xa, l.xs, O.X);
                        ya = addr(ya, l.ys, O.Y);
                        local = O.merge(local, O.lift(loadAt(O.X, xa)));
                        storeAt(O.Y, ya, O.store(O.merge(c, local)));
                    }
                    carry = O.merge(c, local);
                } else {
                    storeAt(O.Y, ya, O.store(local));
                    for (i + 1..stop) |_| {
                        xa = addr(xa, l.xs, O.X);
                        ya = addr(ya, l.ys, O.Y);
                        local = O.merge(local, O.lift(loadAt(O.X, xa)));
                        storeAt(O.Y, ya, O.store(local));
                    }
                    carry = local;
                }
                i = stop;
            }
            return carry;
        }

        /// The combination of elements [begin, end) of a line (one block), as `span` forms it.
        fn total(l: Line, begin: usize, end: usize) O.Acc {
            std.debug.assert(begin < end);
            var xa = addr(l.xa, l.xs * @as(isize, @intCast(begin)), O.X);
            var local = O.lift(loadAt(O.X, xa));
            for (begin + 1..end) |_| {
                xa = addr(xa, l.xs, O.X);
                local = O.merge(local, O.lift(loadAt(O.X, xa)));
            }
            return local;
        }

        /// Independent lines `[begin, end)` of the kept index space, one after another.
        const Rows = struct {
            m: *const Meta,
            xb: usize,
            yb: usize,
            fn body(self: *const Rows, begin: usize, end: usize) void {
                for (begin..end) |o| {
                    const off = self.m.offsets(o, self.m.nk);
                    const l = Line{
                        .xa = addr(self.xb, off[0], O.X),
                        .xs = self.m.axs,
                        .ya = addr(self.yb, off[1], O.Y),
                        .ys = self.m.ays,
                    };
                    _ = span(l, 0, self.m.n, null);
                }
            }
        };

        /// Tiles of `tile_columns` neighbouring lines along the innermost kept dim, which x walks
        /// with stride 1: each step along the axis reads one contiguous run. Per element, the
        /// arithmetic is that of `span`.
        const Columns = struct {
            m: *const Meta,
            xb: usize,
            yb: usize,
            tiles: usize,
            fn body(self: *const Columns, begin: usize, end: usize) void {
                for (begin..end) |t| self.tile(t);
            }
            fn tile(self: *const Columns, t: usize) void {
                const m = self.m;
                const last = m.nk - 1;
                const width = m.kshape[last];
                const col0 = (t % self.tiles) * tile_columns;
                const w = @min(tile_columns, width - col0);
                const off = m.offsets(t / self.tiles, last);
                const c0: isize = @intCast(col0);
                const xa = addr(self.xb, off[0] + c0 * m.kxs[last], O.X);
                const ya = addr(self.yb, off[1] + c0 * m.kys[last], O.Y);
                var local: [tile_columns]O.Acc = undefined;
                var carry: [tile_columns]O.Acc = undefined;
                var has_carry = false;
                for (0..m.n) |i| {
                    const ii: isize = @intCast(i);
                    const xr = addr(xa, m.axs * ii, O.X);
                    const yr = addr(ya, m.ays * ii, O.Y);
                    const fresh = !O.exact and i % block == 0;
                    if (i == 0 or fresh) {
                        if (i != 0) {
                            for (0..w) |j| {
                                carry[j] = if (has_carry) O.merge(carry[j], local[j]) else local[j];
                            }
                            has_carry = true;
                        }
                        for (0..w) |j| local[j] = O.lift(loadAt(O.X, xcol(xr, m, j)));
                    } else {
                        for (0..w) |j| {
                            local[j] = O.merge(local[j], O.lift(loadAt(O.X, xcol(xr, m, j))));
                        }
                    }
                    if (has_carry) {
                        for (0..w) |j| {
                            storeAt(O.Y, ycol(yr, m, j), O.store(O.merge(carry[j], local[j])));
                        }
                    } else {
                        for (0..w) |j| storeAt(O.Y, ycol(yr, m, j), O.store(local[j]));
                    }
                }
            }
            inline fn xcol(row: usize, m: *const Meta, j: usize) usize {
                return addr(row, m.kxs[m.nk - 1] * @as(isize, @intCast(j)), O.X);
            }
            inline fn ycol(row: usize, m: *const Meta, j: usize) usize {
                return addr(row, m.kys[m.nk - 1] * @as(isize, @intCast(j)), O.Y);
            }
        };

        /// One long line, its blocks spread over the pool: block totals, their running
        /// combination, then every block again from its carry (segments of `segment_blocks`).
        const Long = struct {
            l: Line,
            base: usize,
            count: usize,
            n: usize,
            totals: *[segment_blocks]O.Acc,
            carries: *[segment_blocks]O.Acc,
            first_has_carry: bool,

            fn bounds(self: *const Long, k: usize) [2]usize {
                const begin = self.base + k * block;
                return .{ begin, @min(self.n, begin + block) };
            }
            fn totalsBody(self: *const Long, begin: usize, end: usize) void {
                for (begin..end) |k| {
                    const b = self.bounds(k);
                    self.totals[k] = total(self.l, b[0], b[1]);
                }
            }
            fn scanBody(self: *const Long, begin: usize, end: usize) void {
                for (begin..end) |k| {
                    const b = self.bounds(k);
                    const carry: ?O.Acc = if (k == 0 and !self.first_has_carry)
                        null
                    else
                        self.carries[k];
                    _ = span(self.l, b[0], b[1], carry);
                }
            }
        };

        fn long(l: Line, n: usize) void {
            var totals: [segment_blocks]O.Acc = undefined;
            var carries: [segment_blocks]O.Acc = undefined;
            var carry: ?O.Acc = null;
            var base: usize = 0;
            while (base < n) {
                const count = @min(segment_blocks, (n - base + block - 1) / block);
                var task = Long{
                    .l = l,
                    .base = base,
                    .count = count,
                    .n = n,
                    .totals = &totals,
                    .carries = &carries,
                    .first_has_carry = carry != null,
                };
                pool.parallelRange(Long, &task, count, 1, Long.totalsBody);
                for (0..count) |k| {
                    if (carry) |c| {
                        carries[k] = c;
                        carry = O.merge(c, totals[k]);
                    } else {
                        carry = totals[k];
                    }
                }
                pool.parallelRange(Long, &task, count, 1, Long.scanBody);
                base += count * block;
            }
        }
    };
}

fn Kernel(comptime kind: Kind, comptime d: dt.DType) type {
    const O = Op(kind, d);
    const L = Loops(O);
    return struct {
        fn run(
            x: ?*anyopaque,
            x_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            const m = Meta.decode(meta) orelse return @intFromEnum(Status.bad_layout);
            if (m.outputs == 0 or m.n == 0) return @intFromEnum(Status.ok);
            if (x == null or y == null) return @intFromEnum(Status.null_pointer);
            if (!(x_off >= 0 and y_off >= 0)) return @intFromEnum(Status.bad_argument);
            const xb = strided.elementAddr(x, x_off, @sizeOf(O.X));
            const yb = strided.elementAddr(y, y_off, @sizeOf(O.Y));
            // The two-pass long scan reads every element twice and each pass is bound by the
            // latency of its running combination, so it gains from 3 threads on (measured: with
            // 2 threads it is 2.4x slower than the one-pass loop). Both give the same bits.
            const threads = pool.threadCount();
            if (m.n >= 2 * block and m.outputs < 4 * threads and threads > 2) {
                for (0..m.outputs) |o| {
                    const off = m.offsets(o, m.nk);
                    L.long(.{
                        .xa = addr(xb, off[0], O.X),
                        .xs = m.axs,
                        .ya = addr(yb, off[1], O.Y),
                        .ys = m.ays,
                    }, m.n);
                }
                return @intFromEnum(Status.ok);
            }
            const grain = @max(1, strided.grain_elements / m.n);
            const inner_contiguous = m.nk > 0 and m.kxs[m.nk - 1] == 1 and m.axs != 1 and
                m.axs != -1;
            if (inner_contiguous) {
                const width = m.kshape[m.nk - 1];
                const tiles = (width + tile_columns - 1) / tile_columns;
                const task = L.Columns{ .m = &m, .xb = xb, .yb = yb, .tiles = tiles };
                const count = (m.outputs / width) * tiles;
                const tile_grain = @max(1, grain / tile_columns);
                pool.parallelRange(L.Columns, &task, count, tile_grain, L.Columns.body);
                return @intFromEnum(Status.ok);
            }
            const task = L.Rows{ .m = &m, .xb = xb, .yb = yb };
            pool.parallelRange(L.Rows, &task, m.outputs, grain, L.Rows.body);
            return @intFromEnum(Status.ok);
        }
    };
}

const all_dtypes = dt.all;
const real_floats = [_]dt.DType{ .f64, .f32, .f16, .bf16, .fp8e4m3, .fp8e5m2 };

const Entry = struct { kind: Kind, dtypes: []const dt.DType };

const entries = [_]Entry{
    .{ .kind = .cumsum, .dtypes = all_dtypes },
    .{ .kind = .cumprod, .dtypes = all_dtypes },
    .{ .kind = .cummax, .dtypes = all_dtypes },
    .{ .kind = .cummin, .dtypes = all_dtypes },
    .{ .kind = .logcumsumexp, .dtypes = &real_floats },
};

/// "scan <op> <dtype>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (entries) |e| {
        for (e.dtypes) |d| s = s ++ "scan " ++ @tagName(e.kind) ++ " " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    @setEvalBranchQuota(100_000);
    for (entries) |e| {
        for (e.dtypes) |d| {
            const f = &Kernel(e.kind, d).run;
            @export(f, .{ .name = "numr_scan_" ++ @tagName(e.kind) ++ "_" ++ @tagName(d) });
        }
    }
}

test "cumsum of f32 ones is exact past 2^24" {
    const n = 3 * block + 5;
    const x = try std.testing.allocator.alloc(f32, n);
    defer std.testing.allocator.free(x);
    const y = try std.testing.allocator.alloc(f32, n);
    defer std.testing.allocator.free(y);
    @memset(x, 1);
    const meta = [_]f64{ 0, n, 1, 1 };
    const status = Kernel(.cumsum, .f32).run(x.ptr, 0, y.ptr, 0, &meta);
    try std.testing.expectEqual(@as(i32, 0), status);
    for (y, 0..) |v, i| try std.testing.expectEqual(@as(f32, @floatFromInt(i + 1)), v);
}

test "logaddexp special values" {
    const inf = std.math.inf(f64);
    try std.testing.expectEqual(inf, logaddexp(f64, inf, inf));
    try std.testing.expectEqual(-inf, logaddexp(f64, -inf, -inf));
    try std.testing.expectEqual(inf, logaddexp(f64, inf, -inf));
    try std.testing.expect(std.math.isNan(logaddexp(f64, std.math.nan(f64), 1)));
}
