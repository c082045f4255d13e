//! Reduction kernels: `numr_reduce_<op>_<dtype>(x, x_off, y, y_off, meta) i32` for sum, prod,
//! mean, max, min, argmax, argmin, any and all, over any set of axes.
//!
//! The descriptor `meta` (f64, written by src/runtime/cpu/reduce.ts with dims coalesced) is
//!
//!   [param, nk, kept shape[nk], kept x strides[nk], kept y strides[nk],
//!           nr, reduced shape[nr], reduced x strides[nr]]
//!
//! Outputs are the kept index space in row-major order; each output reduces its reduced index
//! space in row-major order (argmax/argmin report that linear index). `param` is the byte width
//! of the index output (4 or 8) for argmax/argmin and 0 otherwise. Strides are in elements.
//!
//! Output dtypes: sum/prod of bool and signed ints write i64, of unsigned ints u64; mean of bool
//! and ints writes f64; floats and complex keep their dtype; max/min keep it; any/all write bool.
//!
//! Accumulation: half formats in f32, f32 and f64 in f64, complex in f64 pairs, ints in i64/u64
//! (wrapping, as NumPy). Mean of 8–32-bit ints sums exactly in i64; of i64/u64 in f64.
//!
//! Determinism: the result never depends on the thread count. Each output's reduced sequence is
//! cut into fixed leaves (a run segment of at most `leaf` elements, fixed per op and dtype); a
//! leaf is reduced by a fixed SIMD or scalar order, and inexact ops (float/complex sums,
//! products, means) combine leaves with a binary counter, i.e. a fixed pairwise tree over the
//! leaf sequence. Work is split across threads by outputs, or, for few long outputs, by aligned
//! power-of-two groups of leaves, which are exactly subtrees of that tree. Exact ops (ints,
//! max/min, arg*, any/all) merge associatively. When the kept innermost dim is contiguous and the
//! reduced dims are not, an output-vectorised path adds rows into per-column accumulators in the
//! reduced order (as NumPy does; f32 sums add each group of 8 rows in f32, then in f64), split
//! across threads by column tiles; the path depends only on the layout.

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const pool = @import("pool.zig");
const simd = @import("simd.zig");
const strided = @import("strided.zig");

const ndim_max = strided.ndim_max;
const Status = map.Status;

/// Partial results kept on the caller's stack when few outputs are split across threads.
const partials_max = 256;
/// Bytes of per-column accumulators in the output-vectorised path (fits L1 with room to spare).
const outer_bytes = 16 * 1024;
/// Rows the output-vectorised path adds per pass over its accumulators.
const outer_rows = 8;
/// Leaf length of exact ops: only the unit of work splitting.
const leaf_exact = 16 * 1024;
/// Leaf length of inexact ops on strided runs: sequential adds per leaf before pairwise merging.
const leaf_strided_inexact = 64;

pub const Kind = enum { sum, prod, mean, max, min, argmax, argmin, any, all };

// ---- descriptor ----

const Meta = struct {
    param: f64,
    nk: usize,
    kshape: [ndim_max]usize,
    kxs: [ndim_max]isize,
    kys: [ndim_max]isize,
    nr: usize,
    rshape: [ndim_max]usize,
    rxs: [ndim_max]isize,
    /// Number of outputs (product of the kept shape).
    outputs: usize,
    /// Elements reduced into each output (product of the reduced shape).
    length: usize,

    fn decode(meta: [*]const f64) ?Meta {
        var m: Meta = undefined;
        m.param = meta[0];
        if (!(m.param >= 0 and m.param <= 16)) return null;
        var at: usize = 1;
        m.nk = decodeCount(meta[at]) orelse return null;
        at += 1;
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
        m.nr = decodeCount(meta[at]) orelse return null;
        at += 1;
        m.length = 1;
        for (0..m.nr) |d| {
            m.rshape[d] = decodeSize(meta[at + d]) orelse return null;
            m.length = std.math.mul(usize, m.length, m.rshape[d]) catch return null;
        }
        at += m.nr;
        for (0..m.nr) |d| m.rxs[d] = decodeStride(meta[at + d]) orelse return null;
        return m;
    }
};

const decodeCount = strided.decodeCount;
const decodeSize = strided.decodeSize;
const decodeStride = strided.decodeStride;

/// Walks a row-major index space of `n` dims, tracking the element offset under N stride lists.
fn Walker(comptime N: usize) type {
    return struct {
        n: usize,
        shape: *const [ndim_max]usize,
        strides: [N]*const [ndim_max]isize,
        idx: [ndim_max]usize,
        off: [N]isize,

        const Self = @This();

        /// Starts at linear index `start`; every size must be non-zero.
        fn init(
            n: usize,
            shape: *const [ndim_max]usize,
            strides: [N]*const [ndim_max]isize,
            start: usize,
        ) Self {
            var self = Self{
                .n = n,
                .shape = shape,
                .strides = strides,
                .idx = undefined,
                .off = .{0} ** N,
            };
            var rest = start;
            var d = n;
            while (d > 0) {
                d -= 1;
                std.debug.assert(shape[d] > 0);
                self.idx[d] = rest % shape[d];
                rest /= shape[d];
                const i: isize = @intCast(self.idx[d]);
                inline for (0..N) |k| self.off[k] += strides[k][d] * i;
            }
            std.debug.assert(rest == 0);
            return self;
        }

        fn step(self: *Self) void {
            var d = self.n;
            while (d > 0) {
                d -= 1;
                self.idx[d] += 1;
                inline for (0..N) |k| self.off[k] += self.strides[k][d];
                if (self.idx[d] < self.shape[d]) return;
                const size: isize = @intCast(self.shape[d]);
                inline for (0..N) |k| self.off[k] -= self.strides[k][d] * size;
                self.idx[d] = 0;
            }
        }
    };
}

inline fn addr(base: usize, elements: isize, comptime T: type) usize {
    return strided.offsetAddr(base, elements, @sizeOf(T));
}

inline fn loadAt(comptime T: type, a: usize) T {
    return @as(*align(1) const T, @ptrFromInt(a)).*;
}

inline fn storeAt(comptime T: type, a: usize, v: T) void {
    @as(*align(1) T, @ptrFromInt(a)).* = v;
}

/// Asks for the cache lines of [a, a + bytes) to be loaded.
inline fn prefetch(a: usize, bytes: usize) void {
    var line: usize = 0;
    while (line < bytes) : (line += 64) prefetchLine(a + line);
}

inline fn prefetchLine(a: usize) void {
    @prefetch(@as([*]const u8, @ptrFromInt(a)), .{ .rw = .read, .locality = 3 });
}

// ---- conversions ----

fn isFloatType(comptime T: type) bool {
    return switch (@typeInfo(T)) {
        .float => true,
        .vector => |v| @typeInfo(v.child) == .float,
        else => false,
    };
}

/// Widens a scalar or vector to the accumulator type A (same shape).
inline fn conv(comptime A: type, x: anytype) A {
    const S = @TypeOf(x);
    if (S == A) return x;
    if (comptime isFloatType(A)) {
        return if (comptime isFloatType(S)) @floatCast(x) else @floatFromInt(x);
    }
    return @intCast(x);
}

/// Vector of W lanes with every lane set to v.
inline fn splat(comptime W: usize, comptime T: type, v: T) @Vector(W, T) {
    return @splat(v);
}

// ---- op rules shared with TS (src/ops/reduce.ts) ----

fn sumOut(comptime d: dt.DType) dt.DType {
    if (d == .bool or dt.isSignedInt(d)) return .i64;
    if (dt.isUnsignedInt(d)) return .u64;
    return d;
}

fn meanOut(comptime d: dt.DType) dt.DType {
    if (d == .bool or dt.isInt(d)) return .f64;
    return d;
}

/// Accumulator of real sums, products and means.
fn RealAcc(comptime d: dt.DType, comptime kind: Kind) type {
    if (kind == .mean and (d == .i64 or d == .u64)) return f64;
    if (d == .bool or dt.isSignedInt(d)) return i64;
    if (dt.isUnsignedInt(d)) return if (kind == .mean) i64 else u64;
    return switch (d) {
        .f64, .f32 => f64,
        else => f32,
    };
}

// ---- ops ----
//
// A "simple" op has a scalar accumulator equal to its SIMD lane type and is described by
// lift (element -> accumulator) and merge (earlier, later -> combined), scalar and vector.
// `Simple` builds the leaf and row functions from those. Other ops (arg*, complex) write their
// leaf functions themselves.

fn RealSum(comptime d: dt.DType, comptime kind: Kind) type {
    return struct {
        pub const in = d;
        pub const Acc = RealAcc(d, kind);
        pub const exact = @typeInfo(Acc) == .int;
        pub const has_identity = true;
        pub const vector = simd.vectorizable(d);
        const Y = dt.Storage(if (kind == .mean) meanOut(d) else sumOut(d));
        /// f32 sums along an outer axis add each group of `outer_rows` rows in f32, then in f64:
        /// the error stays below an f32 pairwise sum's for 256 rows or more, at half the work.
        pub const Group = if (d == .f32 and kind != .prod) f32 else void;

        pub inline fn init() Acc {
            // NumPy sums start from +0 (the sum of [-0.0] is 0.0).
            return if (kind == .prod) 1 else 0;
        }
        pub inline fn lift(x: dt.Compute(d)) Acc {
            return conv(Acc, x);
        }
        pub inline fn vlift(comptime W: usize, x: @Vector(W, dt.Compute(d))) @Vector(W, Acc) {
            return conv(@Vector(W, Acc), x);
        }
        pub inline fn merge(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (kind == .prod) return if (exact) a *% b else a * b;
            return if (exact) a +% b else a + b;
        }
        pub inline fn done(_: Acc) bool {
            return false;
        }
        pub fn outBytes(_: f64) ?usize {
            return @sizeOf(Y);
        }
        pub inline fn store(y: usize, a: Acc, count: usize, _: f64) void {
            if (kind != .mean) {
                const v: Y = switch (comptime sumOut(d)) {
                    .i64, .u64, .f64 => a,
                    .f32 => @floatCast(a),
                    else => dt.store(d, a),
                };
                storeAt(Y, y, v);
                return;
            }
            switch (comptime meanOut(d)) {
                .f64 => {
                    const s: f64 = if (@typeInfo(Acc) == .int) @floatFromInt(a) else a;
                    storeAt(f64, y, s / @as(f64, @floatFromInt(count)));
                },
                .f32 => storeAt(f32, y, @floatCast(a / @as(f64, @floatFromInt(count)))),
                else => storeAt(Y, y, dt.store(d, a / @as(f32, @floatFromInt(count)))),
            }
        }
    };
}

fn RealExtreme(comptime d: dt.DType, comptime is_max: bool) type {
    return struct {
        pub const in = d;
        pub const Acc = dt.Compute(d);
        pub const exact = true;
        pub const has_identity = false;
        pub const vector = simd.vectorizable(d);
        const float = @typeInfo(Acc) == .float;

        pub inline fn init() Acc {
            if (float) return if (is_max) -std.math.inf(Acc) else std.math.inf(Acc);
            return if (is_max) std.math.minInt(Acc) else std.math.maxInt(Acc);
        }
        pub inline fn lift(x: Acc) Acc {
            return x;
        }
        pub inline fn vlift(comptime W: usize, x: @Vector(W, Acc)) @Vector(W, Acc) {
            return x;
        }
        /// Keeps `a` (the earlier) unless `b` is strictly better or a NaN (the first NaN sticks).
        pub inline fn merge(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            if (!float) return if (is_max) @max(a, b) else @min(a, b);
            const better = if (is_max) b > a else b < a;
            if (@typeInfo(@TypeOf(a)) == .vector) {
                return @select(Acc, (better | (b != b)) & (a == a), b, a);
            }
            return if ((better or b != b) and a == a) b else a;
        }
        /// The contiguous loop's merge: a plain compare-select (one vmaxps), with NaNs found by
        /// a separate mask (`nan_mask`), since a NaN never wins the select.
        pub inline fn vfast(
            comptime W: usize,
            a: @Vector(W, Acc),
            b: @Vector(W, Acc),
        ) @Vector(W, Acc) {
            if (!float) return if (is_max) @max(a, b) else @min(a, b);
            return @select(Acc, if (is_max) b > a else b < a, b, a);
        }
        pub const nan_mask = float;
        pub inline fn done(a: Acc) bool {
            return float and a != a;
        }
        pub fn outBytes(_: f64) ?usize {
            return @sizeOf(dt.Storage(d));
        }
        pub inline fn store(y: usize, a: Acc, _: usize, _: f64) void {
            const v = if (float and a != a) std.math.nan(Acc) else a;
            storeAt(dt.Storage(d), y, dt.store(d, v));
        }
    };
}

fn RealTruth(comptime d: dt.DType, comptime is_any: bool) type {
    return struct {
        pub const in = d;
        /// 0 or 1; bytes vectorise better than bool vectors.
        pub const Acc = u8;
        pub const exact = true;
        pub const has_identity = true;
        pub const vector = simd.vectorizable(d);
        const C = dt.Compute(d);

        pub inline fn init() Acc {
            return @intFromBool(!is_any);
        }
        pub inline fn lift(x: C) Acc {
            return @intFromBool(x != 0);
        }
        pub inline fn vlift(comptime W: usize, x: @Vector(W, C)) @Vector(W, u8) {
            return @select(u8, x != splat(W, C, 0), splat(W, u8, 1), splat(W, u8, 0));
        }
        pub inline fn merge(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            return if (is_any) a | b else a & b;
        }
        pub inline fn done(a: Acc) bool {
            return a == @intFromBool(is_any);
        }
        pub fn outBytes(_: f64) ?usize {
            return 1;
        }
        pub inline fn store(y: usize, a: Acc, _: usize, _: f64) void {
            storeAt(u8, y, a);
        }
    };
}

/// Complex (f64-pair) accumulator.
const Cx = struct { re: f64, im: f64 };

fn ComplexSum(comptime d: dt.DType, comptime kind: Kind) type {
    return struct {
        pub const in = d;
        pub const Acc = Cx;
        pub const exact = false;
        pub const has_identity = true;
        pub const vector = false;
        const X = dt.Storage(d);
        const F = dt.Component(d);

        pub inline fn init() Acc {
            return if (kind == .prod) .{ .re = 1, .im = 0 } else .{ .re = 0, .im = 0 };
        }
        pub inline fn lift(x: X) Acc {
            return .{ .re = x.re, .im = x.im };
        }
        pub inline fn merge(a: Acc, b: Acc) Acc {
            if (kind == .prod) {
                return .{ .re = a.re * b.re - a.im * b.im, .im = a.re * b.im + a.im * b.re };
            }
            return .{ .re = a.re + b.re, .im = a.im + b.im };
        }
        pub inline fn done(_: Acc) bool {
            return false;
        }
        pub fn outBytes(_: f64) ?usize {
            return @sizeOf(X);
        }
        pub inline fn store(y: usize, a: Acc, count: usize, _: f64) void {
            var r = a;
            if (kind == .mean) {
                // NumPy divides a complex by the real count as by (n + 0j): the cross terms
                // multiply by zero, so an Inf or NaN in one part spreads to the other.
                const n: f64 = @floatFromInt(count);
                if (count == 0) {
                    r = .{ .re = a.re / n, .im = a.im / n };
                } else {
                    const scale = 1.0 / n;
                    r = .{ .re = (a.re + a.im * 0.0) * scale, .im = (a.im - a.re * 0.0) * scale };
                }
            }
            storeAt(X, y, .{ .re = @floatCast(r.re), .im = @floatCast(r.im) });
        }
    };
}

fn complexNan(x: anytype) bool {
    return x.re != x.re or x.im != x.im;
}

/// NumPy's lexicographic order on complex numbers: real part first, then imaginary.
fn lexBetter(comptime is_max: bool, b: anytype, a: @TypeOf(b)) bool {
    if (is_max) return b.re > a.re or (b.re == a.re and b.im > a.im);
    return b.re < a.re or (b.re == a.re and b.im < a.im);
}

fn ComplexExtreme(comptime d: dt.DType, comptime is_max: bool) type {
    return struct {
        pub const in = d;
        pub const Acc = dt.Storage(d);
        pub const exact = true;
        pub const has_identity = false;
        pub const vector = false;
        const F = dt.Component(d);

        pub inline fn init() Acc {
            const v = if (is_max) -std.math.inf(F) else std.math.inf(F);
            return .{ .re = v, .im = v };
        }
        pub inline fn lift(x: Acc) Acc {
            return x;
        }
        pub inline fn merge(a: Acc, b: Acc) Acc {
            if (complexNan(a)) return a;
            if (complexNan(b) or lexBetter(is_max, b, a)) return b;
            return a;
        }
        pub inline fn done(a: Acc) bool {
            return complexNan(a);
        }
        pub fn outBytes(_: f64) ?usize {
            return @sizeOf(Acc);
        }
        pub inline fn store(y: usize, a: Acc, _: usize, _: f64) void {
            storeAt(Acc, y, a);
        }
    };
}

fn ComplexTruth(comptime d: dt.DType, comptime is_any: bool) type {
    return struct {
        pub const in = d;
        pub const Acc = u8;
        pub const exact = true;
        pub const has_identity = true;
        pub const vector = false;

        pub inline fn init() Acc {
            return @intFromBool(!is_any);
        }
        pub inline fn lift(x: dt.Storage(d)) Acc {
            return @intFromBool(x.re != 0 or x.im != 0);
        }
        pub inline fn merge(a: Acc, b: Acc) Acc {
            return if (is_any) a | b else a & b;
        }
        pub inline fn done(a: Acc) bool {
            return a == @intFromBool(is_any);
        }
        pub fn outBytes(_: f64) ?usize {
            return 1;
        }
        pub inline fn store(y: usize, a: Acc, _: usize, _: f64) void {
            storeAt(u8, y, a);
        }
    };
}

/// Builds leaf and row functions for an op described by lift/merge (and vlift when `vector`).
fn Simple(comptime Base: type) type {
    return struct {
        pub const in = Base.in;
        pub const X = dt.Storage(in);
        pub const Acc = Base.Acc;
        pub const exact = Base.exact;
        pub const has_identity = Base.has_identity;
        pub const has_contig = Base.vector;
        /// Lanes of one SIMD accumulator: two registers of the wider of element and accumulator.
        pub const W = if (Base.vector)
            simd.lanes(if (@sizeOf(dt.Compute(in)) > @sizeOf(Acc)) dt.Compute(in) else Acc)
        else
            1;
        /// Accumulators per contiguous loop, to overlap the latency of the merges.
        const U = 4;
        /// Contiguous leaves of inexact ops give each lane 16 sequential adds, as NumPy's pairwise
        /// sum does; exact ops only need leaves for splitting work.
        pub const leaf_contig = if (exact) leaf_exact else 16 * W * U;
        pub const leaf_strided = if (exact) leaf_exact else leaf_strided_inexact;
        pub const outer_cap = outer_bytes / @sizeOf(Acc);
        pub const init = Base.init;
        pub const merge = Base.merge;
        pub const done = Base.done;
        pub const outBytes = Base.outBytes;
        pub const store = Base.store;
        const fast = @hasDecl(Base, "vfast");
        const grouped = @hasDecl(Base, "Group") and Base.Group != void;
        const check_nan = if (@hasDecl(Base, "nan_mask")) Base.nan_mask else false;

        inline fn element(a: usize) Acc {
            return Base.lift(dt.load(in, loadAt(X, a)));
        }

        pub fn leafStrided(acc: *Acc, p: usize, stride: isize, len: usize, _: i64) void {
            var a = acc.*;
            var q = p;
            for (0..len) |_| {
                a = Base.merge(a, element(q));
                q = addr(q, stride, X);
            }
            acc.* = a;
        }

        inline fn vmerge(a: @Vector(W, Acc), b: @Vector(W, Acc)) @Vector(W, Acc) {
            return if (fast) Base.vfast(W, a, b) else Base.merge(a, b);
        }

        pub fn leafContig(acc: *Acc, p: [*]const X, len: usize, _: i64) void {
            const V = @Vector(W, Acc);
            var va: [U]V = .{splat(W, Acc, Base.init())} ** U;
            var nan: @Vector(W, bool) = splat(W, bool, false);
            var i: usize = 0;
            while (i + W * U <= len) : (i += W * U) {
                inline for (0..U) |u| {
                    const x = simd.loadVec(in, W, p + i + u * W);
                    if (check_nan) nan = nan | (x != x);
                    va[u] = vmerge(va[u], Base.vlift(W, x));
                }
            }
            while (i + W <= len) : (i += W) {
                const x = simd.loadVec(in, W, p + i);
                if (check_nan) nan = nan | (x != x);
                va[0] = vmerge(va[0], Base.vlift(W, x));
            }
            // Fixed pairwise trees over the accumulators, then over the lanes.
            inline for (0..U / 2) |u| va[u] = vmerge(va[u], va[u + U / 2]);
            if (U == 4) va[0] = vmerge(va[0], va[1]);
            var lanes: [W]Acc = va[0];
            comptime var w = W;
            inline while (w > 1) : (w /= 2) {
                inline for (0..w / 2) |l| lanes[l] = Base.merge(lanes[l], lanes[l + w / 2]);
            }
            var a = lanes[0];
            if (check_nan and @reduce(.Or, nan)) a = std.math.nan(Acc);
            while (i < len) : (i += 1) a = Base.merge(a, Base.lift(dt.load(in, p[i])));
            acc.* = Base.merge(acc.*, a);
        }

        /// acc[j] = merge(...merge(acc[j], rows[0][j])..., rows[count-1][j]): up to `outer_rows`
        /// contiguous rows of the output-vectorised path, added in order with the accumulators
        /// held in registers across the rows.
        pub fn outerRows(
            acc: [*]Acc,
            rows: *const [outer_rows]usize,
            count: usize,
            ahead: *const [outer_rows]usize,
            n: usize,
            _: i64,
        ) void {
            var j: usize = 0;
            if (Base.vector) {
                while (j + W <= n) : (j += W) {
                    // Fetch the same columns of the next group of rows, a line per row and step.
                    if (comptime W * @sizeOf(X) >= 64) {
                        inline for (ahead) |row| prefetchLine(@intFromPtr(rowAt(row, j)));
                    }
                    var a: @Vector(W, Acc) = acc[j..][0..W].*;
                    if (grouped and count == outer_rows) {
                        // A full group is added in the element type first, then once into the
                        // wide accumulator.
                        var g: @Vector(W, Base.Group) = simd.loadVec(in, W, rowAt(rows[0], j));
                        inline for (rows[1..]) |row| g += simd.loadVec(in, W, rowAt(row, j));
                        a = Base.merge(a, Base.vlift(W, g));
                    } else if (count == outer_rows) {
                        inline for (rows) |row| a = Base.merge(a, vrow(row, j));
                    } else {
                        for (rows[0..count]) |row| a = Base.merge(a, vrow(row, j));
                    }
                    acc[j..][0..W].* = a;
                }
            }
            // The same order as the vector loop, so that a column's result does not depend on
            // where the tile (a thread's share) ends.
            while (j < n) : (j += 1) {
                var a = acc[j];
                if (grouped and count == outer_rows) {
                    var g: Base.Group = srow(rows[0], j);
                    for (rows[1..]) |row| g += srow(row, j);
                    a = Base.merge(a, Base.lift(g));
                } else {
                    for (rows[0..count]) |row| a = Base.merge(a, Base.lift(srow(row, j)));
                }
                acc[j] = a;
            }
        }

        inline fn rowAt(row: usize, j: usize) [*]const X {
            return @as([*]const X, @ptrFromInt(row)) + j;
        }

        /// W lifted elements of a row from column j, and one element.
        inline fn vrow(row: usize, j: usize) @Vector(W, Acc) {
            return Base.vlift(W, simd.loadVec(in, W, rowAt(row, j)));
        }

        inline fn srow(row: usize, j: usize) dt.Compute(in) {
            return dt.load(in, rowAt(row, j)[0]);
        }
    };
}

/// argmax/argmin: the first index of the extreme value; a NaN counts as the extreme (the first
/// NaN wins), as in NumPy. Complex dtypes use NumPy's lexicographic order.
fn ArgExtreme(comptime d: dt.DType, comptime is_max: bool) type {
    return struct {
        pub const in = d;
        pub const X = dt.Storage(d);
        const C = dt.Compute(d);
        const complex = dt.isComplex(d);
        const float = !complex and @typeInfo(C) == .float;
        pub const Acc = struct { v: C, i: i64 };
        pub const exact = true;
        pub const has_identity = false;
        pub const has_contig = simd.vectorizable(d);
        pub const W = if (has_contig) simd.lanes(C) else 1;
        pub const leaf_contig = leaf_exact;
        pub const leaf_strided = leaf_exact;
        pub const outer_cap = outer_bytes / @sizeOf(Acc);

        pub inline fn init() Acc {
            return .{ .v = undefined, .i = -1 };
        }

        inline fn isNan(v: C) bool {
            if (complex) return complexNan(v);
            return float and v != v;
        }

        inline fn better(b: C, a: C) bool {
            if (complex) return lexBetter(is_max, b, a);
            return if (is_max) b > a else b < a;
        }

        /// The better of two candidates regardless of order: NaN first, then value, ties to the
        /// smaller index.
        pub inline fn merge(a: Acc, b: Acc) Acc {
            if (a.i < 0) return b;
            if (b.i < 0) return a;
            const an = isNan(a.v);
            const bn = isNan(b.v);
            if (an or bn) {
                if (an and bn) return if (b.i < a.i) b else a;
                return if (an) a else b;
            }
            if (better(b.v, a.v)) return b;
            if (better(a.v, b.v)) return a;
            return if (b.i < a.i) b else a;
        }

        pub inline fn done(a: Acc) bool {
            return a.i >= 0 and isNan(a.v);
        }

        pub fn outBytes(param: f64) ?usize {
            if (param == 4) return 4;
            if (param == 8) return 8;
            return null;
        }

        pub inline fn store(y: usize, a: Acc, _: usize, param: f64) void {
            if (param == 4) storeAt(i32, y, @intCast(a.i)) else storeAt(i64, y, a.i);
        }

        /// Sequential update keeping the first extreme: NaN beats everything, ties keep `a`.
        inline fn feed(a: Acc, x: C, i: i64) Acc {
            if (a.i < 0) return .{ .v = x, .i = i };
            if (isNan(a.v)) return a;
            if (isNan(x) or better(x, a.v)) return .{ .v = x, .i = i };
            return a;
        }

        pub fn leafStrided(acc: *Acc, p: usize, stride: isize, len: usize, index0: i64) void {
            var a = acc.*;
            var q = p;
            for (0..len) |k| {
                a = feed(a, dt.load(d, loadAt(X, q)), index0 + @as(i64, @intCast(k)));
                q = addr(q, stride, X);
            }
            acc.* = a;
        }

        /// Elements per block of the contiguous search: a block is reduced to its extreme with
        /// plain SIMD compares and rescanned (from L1) only when it beats the running best.
        const block = 4096 / @sizeOf(X);
        const V = @Vector(W, C);
        const Mask = std.meta.Int(.unsigned, W);

        inline fn vbetter(b: V, a: V) @Vector(W, bool) {
            return if (is_max) b > a else b < a;
        }

        const Extreme = struct { m: C, nan: bool, improved: bool };

        /// Scans `n` contiguous elements for a NaN and for values strictly better than `best`;
        /// `m` is the block's extreme only when `improved`.
        fn blockExtreme(p: [*]const X, n: usize, best: C) Extreme {
            var e = Extreme{ .m = best, .nan = false, .improved = false };
            var i: usize = 0;
            if (n >= W) {
                const bv: V = @splat(best);
                var va: [4]V = .{bv} ** 4;
                var nan: @Vector(W, bool) = splat(W, bool, false);
                while (i + 4 * W <= n) : (i += 4 * W) {
                    inline for (0..4) |u| {
                        const x = simd.loadVec(d, W, p + i + u * W);
                        if (float) nan = nan | (x != x);
                        va[u] = @select(C, vbetter(x, va[u]), x, va[u]);
                    }
                }
                while (i + W <= n) : (i += W) {
                    const x = simd.loadVec(d, W, p + i);
                    if (float) nan = nan | (x != x);
                    va[0] = @select(C, vbetter(x, va[0]), x, va[0]);
                }
                e.nan = @reduce(.Or, nan);
                if (e.nan) return e;
                inline for (1..4) |u| va[0] = @select(C, vbetter(va[u], va[0]), va[u], va[0]);
                // Most blocks of a long search hold nothing better: one compare tells.
                if (@reduce(.Or, vbetter(va[0], bv))) {
                    e.m = laneExtreme(va[0]);
                    e.improved = true;
                }
            }
            while (i < n) : (i += 1) {
                const x = dt.load(d, p[i]);
                if (isNan(x)) {
                    e.nan = true;
                    return e;
                }
                if (better(x, e.m)) {
                    e.m = x;
                    e.improved = true;
                }
            }
            return e;
        }

        /// The extreme lane of a NaN-free vector, by a tree of rotations (log2(W) vector steps).
        inline fn laneExtreme(v: V) C {
            var cur = v;
            comptime var w = W;
            inline while (w > 1) : (w /= 2) {
                const rotate = comptime blk: {
                    var mask: [W]i32 = undefined;
                    for (&mask, 0..) |*lane, l| lane.* = @intCast((l + w / 2) % W);
                    break :blk mask;
                };
                const other = @shuffle(C, cur, undefined, rotate);
                cur = @select(C, vbetter(other, cur), other, cur);
            }
            return cur[0];
        }

        /// Index of the first element equal to `m`, or the first NaN when `nan`.
        fn firstIndex(p: [*]const X, n: usize, m: C, comptime nan: bool) usize {
            var i: usize = 0;
            const mv: V = @splat(m);
            while (i + W <= n) : (i += W) {
                const x = simd.loadVec(d, W, p + i);
                const hit: Mask = @bitCast(if (nan) x != x else x == mv);
                if (hit != 0) return i + @ctz(hit);
            }
            while (i < n) : (i += 1) {
                const x = dt.load(d, p[i]);
                if (if (nan) x != x else x == m) return i;
            }
            unreachable;
        }

        pub fn leafContig(acc: *Acc, p: [*]const X, len: usize, index0: i64) void {
            var a = acc.*;
            if (len == 0 or done(a)) return;
            if (a.i < 0) a = .{ .v = dt.load(d, p[0]), .i = index0 };
            var start: usize = 0;
            while (start < len and !isNan(a.v)) : (start += block) {
                const n = @min(block, len - start);
                const q = p + start;
                const e = blockExtreme(q, n, a.v);
                if (e.nan) {
                    const k = firstIndex(q, n, undefined, true);
                    a = .{ .v = dt.load(d, q[k]), .i = index0 + @as(i64, @intCast(start + k)) };
                } else if (e.improved) {
                    const k = firstIndex(q, n, e.m, false);
                    a = .{ .v = e.m, .i = index0 + @as(i64, @intCast(start + k)) };
                }
            }
            acc.* = a;
        }

        pub fn outerRow(acc: [*]Acc, row: [*]const X, n: usize, index: i64) void {
            for (0..n) |j| acc[j] = feed(acc[j], dt.load(d, row[j]), index);
        }
    };
}

/// Scalar-only ops (complex): leaf and row functions from lift/merge.
fn Scalar(comptime Base: type) type {
    return struct {
        pub const in = Base.in;
        pub const X = dt.Storage(in);
        pub const Acc = Base.Acc;
        pub const exact = Base.exact;
        pub const has_identity = Base.has_identity;
        pub const has_contig = false;
        pub const W = 1;
        pub const leaf_contig = if (exact) leaf_exact else leaf_strided_inexact;
        pub const leaf_strided = leaf_contig;
        pub const outer_cap = outer_bytes / @sizeOf(Acc);
        pub const init = Base.init;
        pub const merge = Base.merge;
        pub const done = Base.done;
        pub const outBytes = Base.outBytes;
        pub const store = Base.store;

        pub fn leafStrided(acc: *Acc, p: usize, stride: isize, len: usize, _: i64) void {
            var a = acc.*;
            var q = p;
            for (0..len) |_| {
                a = Base.merge(a, Base.lift(loadAt(X, q)));
                q = addr(q, stride, X);
            }
            acc.* = a;
        }

        pub fn outerRow(acc: [*]Acc, row: [*]const X, n: usize, _: i64) void {
            for (0..n) |j| acc[j] = Base.merge(acc[j], Base.lift(row[j]));
        }
    };
}

/// The op for (kind, dtype).
fn OpFor(comptime kind: Kind, comptime d: dt.DType) type {
    if (dt.isComplex(d)) {
        return switch (kind) {
            .sum, .prod, .mean => Scalar(ComplexSum(d, kind)),
            .max => Scalar(ComplexExtreme(d, true)),
            .min => Scalar(ComplexExtreme(d, false)),
            .argmax => ArgExtreme(d, true),
            .argmin => ArgExtreme(d, false),
            .any => Scalar(ComplexTruth(d, true)),
            .all => Scalar(ComplexTruth(d, false)),
        };
    }
    return switch (kind) {
        .sum, .prod, .mean => Simple(RealSum(d, kind)),
        .max => Simple(RealExtreme(d, true)),
        .min => Simple(RealExtreme(d, false)),
        .argmax => ArgExtreme(d, true),
        .argmin => ArgExtreme(d, false),
        .any => Simple(RealTruth(d, true)),
        .all => Simple(RealTruth(d, false)),
    };
}

// ---- drivers ----

/// A pairwise tree over a sequence of values pushed in order (a binary counter): value k is a
/// leaf; two subtrees of equal height merge as soon as both exist.
fn Counter(comptime Op: type) type {
    return struct {
        vals: [64]Op.Acc = undefined,
        levels: [64]u8 = undefined,
        n: usize = 0,

        const Self = @This();
        /// Level for the last, incomplete group of leaves: it never merges on push.
        const level_last: u8 = 255;

        fn push(self: *Self, value: Op.Acc, level: u8) void {
            var v = value;
            var lv = level;
            while (self.n > 0 and self.levels[self.n - 1] == lv) {
                self.n -= 1;
                v = Op.merge(self.vals[self.n], v);
                lv += 1;
            }
            std.debug.assert(self.n < self.vals.len);
            self.vals[self.n] = v;
            self.levels[self.n] = lv;
            self.n += 1;
        }

        fn flush(self: *const Self) Op.Acc {
            if (self.n == 0) return Op.init();
            var v = self.vals[self.n - 1];
            var k = self.n - 1;
            while (k > 0) {
                k -= 1;
                v = Op.merge(self.vals[k], v);
            }
            return v;
        }
    };
}

/// Per-output reduction state: a running accumulator for exact ops, a pairwise tree otherwise.
fn State(comptime Op: type) type {
    if (Op.exact) {
        return struct {
            acc: Op.Acc,
            fn init() @This() {
                return .{ .acc = Op.init() };
            }
            inline fn begin(self: *@This()) *Op.Acc {
                return &self.acc;
            }
            inline fn end(_: *@This()) void {}
            inline fn done(self: *const @This()) bool {
                return Op.done(self.acc);
            }
            fn result(self: *const @This()) Op.Acc {
                return self.acc;
            }
        };
    }
    return struct {
        counter: Counter(Op),
        leaf: Op.Acc,
        fn init() @This() {
            return .{ .counter = .{}, .leaf = undefined };
        }
        inline fn begin(self: *@This()) *Op.Acc {
            self.leaf = Op.init();
            return &self.leaf;
        }
        inline fn end(self: *@This()) void {
            self.counter.push(self.leaf, 0);
        }
        inline fn done(_: *const @This()) bool {
            return false;
        }
        fn result(self: *const @This()) Op.Acc {
            return self.counter.flush();
        }
    };
}

fn Kernel(comptime Op: type) type {
    return struct {
        const X = Op.X;

        /// The run path: each output walks runs (its innermost reduced dim) cut into leaves.
        const Run = struct {
            m: *const Meta,
            xb: usize,
            yb: usize,
            ysize: usize,
            contig: bool,
            leaf: usize,
            lr: usize,
            rs: isize,
            bpr: usize,
            nleaves: usize,
            chunk: usize = 0,
            nchunks: usize = 0,
            partials: [*]Op.Acc = undefined,
        };

        /// Reduces leaves [l0, l1) of the output whose x base is `xo` into `st`.
        fn leaves(r: *const Run, xo: usize, l0: usize, l1: usize, st: *State(Op)) void {
            if (l0 >= l1) return;
            var run = l0 / r.bpr;
            var b = l0 % r.bpr;
            const outer_dims = if (r.m.nr == 0) 0 else r.m.nr - 1;
            var w = Walker(1).init(outer_dims, &r.m.rshape, .{&r.m.rxs}, run);
            var l = l0;
            while (true) {
                const start = b * r.leaf;
                const len = @min(r.leaf, r.lr - start);
                const p = addr(addr(xo, w.off[0], X), r.rs * @as(isize, @intCast(start)), X);
                const index0: i64 = @intCast(run * r.lr + start);
                const acc = st.begin();
                if (comptime Op.has_contig) {
                    if (r.contig) {
                        Op.leafContig(acc, @ptrFromInt(p), len, index0);
                    } else {
                        Op.leafStrided(acc, p, r.rs, len, index0);
                    }
                } else {
                    Op.leafStrided(acc, p, r.rs, len, index0);
                }
                st.end();
                l += 1;
                if (l >= l1 or st.done()) return;
                b += 1;
                if (b == r.bpr) {
                    b = 0;
                    run += 1;
                    w.step();
                }
            }
        }

        fn outputs(r: *const Run, o0: usize, o1: usize) void {
            var w = Walker(2).init(r.m.nk, &r.m.kshape, .{ &r.m.kxs, &r.m.kys }, o0);
            var o = o0;
            while (o < o1) : (o += 1) {
                var st = State(Op).init();
                leaves(r, addr(r.xb, w.off[0], X), 0, r.nleaves, &st);
                const y = strided.offsetAddr(r.yb, w.off[1], r.ysize);
                Op.store(y, st.result(), r.m.length, r.m.param);
                if (o + 1 < o1) w.step();
            }
        }

        fn chunkTask(raw: *const anyopaque, t: usize) void {
            const r: *const Run = @ptrCast(@alignCast(raw));
            const o = t / r.nchunks;
            const k = t % r.nchunks;
            const w = Walker(2).init(r.m.nk, &r.m.kshape, .{ &r.m.kxs, &r.m.kys }, o);
            var st = State(Op).init();
            const l0 = k * r.chunk;
            leaves(r, addr(r.xb, w.off[0], X), l0, @min(l0 + r.chunk, r.nleaves), &st);
            r.partials[t] = st.result();
        }

        /// Few long outputs: every output's leaves are cut into aligned power-of-two chunks (whole
        /// subtrees of its pairwise tree), computed in parallel, then merged in order.
        fn chunked(r: *Run, threads: usize) void {
            const outs = r.m.outputs;
            const target = (4 * threads + outs - 1) / outs;
            const per_chunk = @max(1, (r.nleaves + target - 1) / target);
            var chunk = std.math.ceilPowerOfTwoAssert(usize, per_chunk);
            while (outs * ((r.nleaves + chunk - 1) / chunk) > partials_max) chunk *= 2;
            r.chunk = chunk;
            r.nchunks = (r.nleaves + chunk - 1) / chunk;
            var partials: [partials_max]Op.Acc = undefined;
            r.partials = &partials;
            pool.parallelFor(outs * r.nchunks, r, chunkTask);
            const level: u8 = @intCast(std.math.log2_int(usize, chunk));
            const last_full = r.nleaves % chunk == 0;
            var w = Walker(2).init(r.m.nk, &r.m.kshape, .{ &r.m.kxs, &r.m.kys }, 0);
            for (0..outs) |o| {
                const parts = partials[o * r.nchunks ..][0..r.nchunks];
                var acc: Op.Acc = undefined;
                if (Op.exact) {
                    acc = Op.init();
                    for (parts) |p| acc = Op.merge(acc, p);
                } else {
                    var counter: Counter(Op) = .{};
                    for (parts, 0..) |p, k| {
                        const last = k + 1 == parts.len and !last_full;
                        counter.push(p, if (last) Counter(Op).level_last else level);
                    }
                    acc = counter.flush();
                }
                const y = strided.offsetAddr(r.yb, w.off[1], r.ysize);
                Op.store(y, acc, r.m.length, r.m.param);
                if (o + 1 < outs) w.step();
            }
        }

        /// The output-vectorised path: the innermost kept dim is contiguous in x; each task adds
        /// whole rows of a column tile into per-column accumulators, in the reduced order.
        const Outer = struct {
            m: *const Meta,
            xb: usize,
            yb: usize,
            ysize: usize,
            tk: usize,
            tile: usize,
            ntiles: usize,
        };

        fn outerTask(raw: *const anyopaque, t: usize) void {
            const q: *const Outer = @ptrCast(@alignCast(raw));
            const m = q.m;
            const ko = t / q.ntiles;
            const c0 = (t % q.ntiles) * q.tile;
            const n = @min(q.tile, q.tk - c0);
            const w = Walker(2).init(m.nk - 1, &m.kshape, .{ &m.kxs, &m.kys }, ko);
            const xo = addr(q.xb, w.off[0] + @as(isize, @intCast(c0)), X);
            var acc: [Op.outer_cap]Op.Acc = undefined;
            std.debug.assert(n <= acc.len);
            for (acc[0..n]) |*a| a.* = Op.init();
            if (m.length > 0) {
                // Rows are short runs far apart, which hardware prefetchers follow badly: fetch
                // the next group of rows while adding the current one.
                const row_bytes = n * @sizeOf(X);
                var rw = Walker(1).init(m.nr, &m.rshape, .{&m.rxs}, 0);
                var pw = rw;
                var rows: [outer_rows]usize = undefined;
                var ahead: [outer_rows]usize = undefined;
                var r: usize = 0;
                while (r < m.length) {
                    const count = @min(outer_rows, m.length - r);
                    for (rows[0..count]) |*row| {
                        row.* = addr(xo, rw.off[0], X);
                        rw.step();
                    }
                    pw = rw;
                    const later = @min(outer_rows, m.length - r - count);
                    for (&ahead, 0..) |*slot, k| {
                        // Rows past the end repeat the last group's (already cached) rows.
                        slot.* = if (k < later) addr(xo, pw.off[0], X) else rows[0];
                        if (k < later) pw.step();
                    }
                    if (@hasDecl(Op, "outerRows")) {
                        Op.outerRows(&acc, &rows, count, &ahead, n, @intCast(r));
                    } else {
                        for (ahead[0..later]) |row| prefetch(row, row_bytes);
                        for (rows[0..count], 0..) |row, k| {
                            Op.outerRow(&acc, @ptrFromInt(row), n, @intCast(r + k));
                        }
                    }
                    r += count;
                }
            }
            const ys = m.kys[m.nk - 1];
            for (0..n) |j| {
                const off = w.off[1] + ys * @as(isize, @intCast(c0 + j));
                Op.store(strided.offsetAddr(q.yb, off, q.ysize), acc[j], m.length, m.param);
            }
        }

        fn outer(q: *Outer, threads: usize, parallel: bool) void {
            const m = q.m;
            q.tk = m.kshape[m.nk - 1];
            const rows = m.outputs / q.tk;
            q.tile = @min(q.tk, Op.outer_cap);
            // Narrower tiles when there are too few tasks to feed every thread.
            const wanted = 2 * threads;
            if (parallel and rows * ((q.tk + q.tile - 1) / q.tile) < wanted) {
                const per_row = (wanted + rows - 1) / rows;
                const narrow = (q.tk + per_row - 1) / per_row;
                q.tile = @min(q.tile, @max(64, std.mem.alignForward(usize, narrow, 16)));
            }
            q.ntiles = (q.tk + q.tile - 1) / q.tile;
            const tasks = rows * q.ntiles;
            if (!parallel) {
                for (0..tasks) |t| outerTask(q, t);
                return;
            }
            pool.parallelFor(tasks, q, outerTask);
        }

        fn kernel(
            x: ?*anyopaque,
            x_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            const m = Meta.decode(meta) orelse return @intFromEnum(Status.bad_layout);
            const ysize = Op.outBytes(m.param) orelse return @intFromEnum(Status.bad_argument);
            if (m.outputs == 0) return @intFromEnum(Status.ok);
            if (m.length == 0 and !Op.has_identity) return @intFromEnum(Status.bad_argument);
            if (y == null or (m.length > 0 and x == null)) return @intFromEnum(Status.null_pointer);
            const xb = strided.elementAddr(x, x_off, @sizeOf(X));
            const yb = strided.elementAddr(y, y_off, ysize);
            const threads: usize = pool.threadCount();
            const work = m.outputs * @max(m.length, 1);
            const parallel = threads > 1 and work >= strided.grain_elements;

            const run_contig = m.nr > 0 and m.rxs[m.nr - 1] == 1;
            const lr = if (m.nr == 0) 1 else m.rshape[m.nr - 1];
            const inner = run_contig and Op.has_contig and lr >= Op.W;
            const kept_contig = m.nk > 0 and m.kxs[m.nk - 1] == 1 and m.kshape[m.nk - 1] >= 8;
            if (!inner and kept_contig and m.length > 0) {
                var q = Outer{
                    .m = &m,
                    .xb = xb,
                    .yb = yb,
                    .ysize = ysize,
                    .tk = 0,
                    .tile = 0,
                    .ntiles = 0,
                };
                outer(&q, threads, parallel);
                return @intFromEnum(Status.ok);
            }

            const contig = Op.has_contig and run_contig;
            const leaf: usize = if (contig) Op.leaf_contig else Op.leaf_strided;
            const bpr = @max(1, (lr + leaf - 1) / leaf);
            var r = Run{
                .m = &m,
                .xb = xb,
                .yb = yb,
                .ysize = ysize,
                .contig = contig,
                .leaf = leaf,
                .lr = lr,
                .rs = if (m.nr == 0) 0 else m.rxs[m.nr - 1],
                .bpr = bpr,
                .nleaves = if (m.length == 0) 0 else (m.length / lr) * bpr,
            };
            if (!parallel) {
                outputs(&r, 0, m.outputs);
            } else if (m.outputs >= 4 * threads or r.nleaves < 2) {
                const grain = @max(1, strided.grain_elements / @max(m.length, 1));
                pool.parallelRange(Run, &r, m.outputs, grain, outputs);
            } else {
                chunked(&r, threads);
            }
            return @intFromEnum(Status.ok);
        }
    };
}

// ---- exports ----

const kinds = std.enums.values(Kind);

/// "reduce <op> <dtype>" lines, one per exported kernel (read by the TS loader).
pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (kinds) |k| {
        for (dt.all) |d| s = s ++ "reduce " ++ @tagName(k) ++ " " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    for (kinds) |k| {
        for (dt.all) |d| {
            const f = Kernel(OpFor(k, d)).kernel;
            @export(&f, .{ .name = "numr_reduce_" ++ @tagName(k) ++ "_" ++ @tagName(d) });
        }
    }
}

// ---- tests ----

fn testMeta(comptime n: usize, values: [n]f64) [n]f64 {
    return values;
}

test "sum over the contiguous axis and over the outer axis" {
    var x: [12]f32 = undefined;
    for (&x, 0..) |*v, i| v.* = @floatFromInt(i);
    var y: [4]f32 = undefined;
    // x is [3, 4]; sum over axis 1: kept [3] (x stride 4, y stride 1), reduced [4] (stride 1).
    const m1 = testMeta(8, .{ 0, 1, 3, 4, 1, 1, 4, 1 });
    const sum = Kernel(OpFor(.sum, .f32)).kernel;
    try std.testing.expectEqual(@as(i32, 0), sum(&x, 0, &y, 0, &m1));
    try std.testing.expectEqualSlices(f32, &.{ 6, 22, 38 }, y[0..3]);
    // Sum over axis 0: kept [4] (x stride 1, y stride 1), reduced [3] (stride 4).
    const m0 = testMeta(8, .{ 0, 1, 4, 1, 1, 1, 3, 4 });
    try std.testing.expectEqual(@as(i32, 0), sum(&x, 0, &y, 0, &m0));
    try std.testing.expectEqualSlices(f32, &.{ 12, 15, 18, 21 }, &y);
}

test "argmax takes the first NaN and the first maximum" {
    var x = [_]f64{ 1, 5, 5, std.math.nan(f64), 2, std.math.nan(f64) };
    var y: [1]i64 = undefined;
    const m = testMeta(5, .{ 8, 0, 1, 6, 1 });
    const argmax = Kernel(OpFor(.argmax, .f64)).kernel;
    try std.testing.expectEqual(@as(i32, 0), argmax(&x, 0, &y, 0, &m));
    try std.testing.expectEqual(@as(i64, 3), y[0]);
    const m3 = testMeta(5, .{ 8, 0, 1, 3, 1 });
    try std.testing.expectEqual(@as(i32, 0), argmax(&x, 0, &y, 0, &m3));
    try std.testing.expectEqual(@as(i64, 1), y[0]);
}

test "pairwise sums do not depend on the thread count" {
    const n = 1 << 18;
    const x = try std.testing.allocator.alloc(f64, n);
    defer std.testing.allocator.free(x);
    var prng = std.Random.DefaultPrng.init(7);
    for (x) |*v| v.* = prng.random().floatNorm(f64) * 1e6;
    const m = testMeta(5, .{ 0, 0, 1, n, 1 });
    const sum = Kernel(OpFor(.sum, .f64)).kernel;
    var y1: [1]f64 = undefined;
    var y3: [1]f64 = undefined;
    pool.setThreads(1);
    try std.testing.expectEqual(@as(i32, 0), sum(x.ptr, 0, &y1, 0, &m));
    pool.setThreads(3);
    try std.testing.expectEqual(@as(i32, 0), sum(x.ptr, 0, &y3, 0, &m));
    pool.setThreads(0);
    try std.testing.expectEqual(@as(u64, @bitCast(y1[0])), @as(u64, @bitCast(y3[0])));
}

test "bad descriptors and empty max are rejected" {
    var x = [_]f32{1};
    var y: [1]f32 = undefined;
    const max = Kernel(OpFor(.max, .f32)).kernel;
    const bad = testMeta(5, .{ 0, 99, 1, 1, 1 });
    try std.testing.expectEqual(@as(i32, 1), max(&x, 0, &y, 0, &bad));
    const empty = testMeta(5, .{ 0, 0, 1, 0, 1 });
    try std.testing.expectEqual(@as(i32, 3), max(&x, 0, &y, 0, &empty));
}
