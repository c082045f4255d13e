//! Sorting kernels: stable sort/argsort and topk along one axis, searchsorted, and the run
//! finding of unique.
//!
//! Order. Every real dtype maps to an unsigned key whose integer order is the sort order:
//! floats flip the sign bit (all bits for negatives), every NaN becomes the largest key and
//! both zeros the key of +0, so NaN sorts last, -0 and +0 tie, and NaNs tie with each other;
//! signed ints flip the sign bit; unsigned ints and bool are their own key. Descending order
//! sorts the complemented keys ascending, so it is stable too (ties keep their input order)
//! and puts NaN first. Complex numbers order as NumPy's: numbers without NaN first,
//! lexicographically (real, then imaginary), then those with a NaN imaginary part by real
//! part, then a NaN real part by imaginary part, then both NaN.
//!
//! Algorithms. Real keys sort by LSD radix (8-bit digits, stable; digits every element shares
//! are skipped); a long single row first scatters by its highest varying digit in parallel
//! chunks, then sorts each bucket (now cache-sized) by LSD in parallel. Rows of at most 32
//! elements sort by insertion. Complex keys sort by a bottom-up merge sort. topk selects the
//! bucket of the k-th key with an 11-bit histogram of the top digit, sorts the candidates at or
//! below it and keeps the first k. The result never depends on the thread count: a stable sort
//! has one answer.
//!
//! Scratch. Kernels do not allocate: TS passes one scratch buffer of
//! `hist_bytes + slots * 2 * len * elemBytes` bytes (see `scratchBytes`), where
//! `slots = min(rows, slots_max)`.
//!
//! `numr_sort_<op>_<dtype>(x, x_off, y, y_off, i, i_off, scratch, scratch_bytes, meta) i32`,
//! op sort or topk; y (values) or i (indices) may be null. `meta` is
//!   [k, descending, index_bytes, len, out_len, x axis stride, y axis stride, i axis stride,
//!    nd, outer shape[nd], outer x strides, outer y strides, outer i strides]
//! (strides in elements, `index_bytes` 4 or 8, `k` only for topk).

const std = @import("std");
const dt = @import("dtype.zig");
const map = @import("map.zig");
const pool = @import("pool.zig");
const strided = @import("strided.zig");

const Status = map.Status;

/// Most chunks one long row is split into; the histogram area of the scratch holds this many.
pub const chunks_max = 64;
/// Bits of the topk selection digit.
const select_bits = 11;
/// Bytes of the histogram area at the start of the scratch.
pub const hist_bytes = chunks_max * (1 << select_bits) * 4;
/// Most row slots of the scratch (rows sorted at the same time).
pub const slots_max = 64;
/// Runs up to this length sort by insertion.
const insertion_max = 32;
/// A single row from this length on splits over the pool.
const parallel_min = 1 << 16;
/// Elements per chunk of a split row (before capping the chunk count at `chunks_max`).
const chunk_elements = 1 << 15;
/// Longest row (indices are kept as u32 while sorting).
const len_max = std.math.maxInt(u32);

// ---- keys ----

fn isReal(comptime d: dt.DType) bool {
    return !dt.isComplex(d);
}

/// Unsigned key of a real dtype (its storage width).
fn Key(comptime d: dt.DType) type {
    return std.meta.Int(.unsigned, @bitSizeOf(dt.Storage(d)));
}

/// Smallest magnitude bit pattern that is a NaN.
fn nanMin(comptime d: dt.DType) Key(d) {
    return switch (d) {
        .f64 => 0x7ff0_0000_0000_0001,
        .f32 => 0x7f80_0001,
        .f16 => 0x7c01,
        .bf16 => 0x7f81,
        .fp8e5m2 => 0x7d,
        .fp8e4m3 => 0x7f,
        else => unreachable,
    };
}

/// The NaN a sorted NaN key turns back into (a positive quiet NaN).
fn nanCanonical(comptime d: dt.DType) Key(d) {
    return switch (d) {
        .f64 => 0x7ff8_0000_0000_0000,
        .f32 => 0x7fc0_0000,
        .f16 => 0x7e00,
        .bf16 => 0x7fc0,
        .fp8e5m2 => 0x7e,
        .fp8e4m3 => 0x7f,
        else => unreachable,
    };
}

inline fn rawBits(comptime d: dt.DType, x: dt.Storage(d)) Key(d) {
    return switch (d) {
        .bf16, .fp8e4m3, .fp8e5m2 => x.bits,
        else => @bitCast(x),
    };
}

inline fn fromBits(comptime d: dt.DType, b: Key(d)) dt.Storage(d) {
    return switch (d) {
        .bf16, .fp8e4m3, .fp8e5m2 => .{ .bits = b },
        else => @bitCast(b),
    };
}

/// The ascending-order key of a real element.
inline fn keyOf(comptime d: dt.DType, x: dt.Storage(d)) Key(d) {
    const K = Key(d);
    const b = rawBits(d, x);
    const sign: K = @as(K, 1) << (@bitSizeOf(K) - 1);
    if (comptime dt.isFloat(d)) {
        const abs = b & ~sign;
        var k: K = if (b & sign != 0) ~b else b | sign;
        if (abs == 0) k = sign;
        if (abs >= nanMin(d)) k = std.math.maxInt(K);
        return k;
    }
    if (comptime dt.isSignedInt(d)) return b ^ sign;
    return b;
}

/// The element of a key (canonical: +0 for both zeros, one NaN for all).
inline fn valueOf(comptime d: dt.DType, k: Key(d)) dt.Storage(d) {
    const K = Key(d);
    const sign: K = @as(K, 1) << (@bitSizeOf(K) - 1);
    if (comptime dt.isFloat(d)) {
        var b: K = if (k & sign != 0) k & ~sign else ~k;
        if (k == std.math.maxInt(K)) b = nanCanonical(d);
        return fromBits(d, b);
    }
    if (comptime dt.isSignedInt(d)) return fromBits(d, k ^ sign);
    return fromBits(d, k);
}

/// Whether an element does not come back bit-exact from its key (-0, a non-canonical NaN).
inline fn isLossy(comptime d: dt.DType, x: dt.Storage(d)) bool {
    if (comptime !dt.isFloat(d)) return false;
    return rawBits(d, valueOf(d, keyOf(d, x))) != rawBits(d, x);
}

/// A real key with the index of its element.
fn Pair(comptime K: type) type {
    return extern struct { key: K, idx: u32 };
}

/// A complex element's key: NaN class, then the real and imaginary keys, and its index.
fn CKey(comptime d: dt.DType) type {
    const U = std.meta.Int(.unsigned, @bitSizeOf(dt.Component(d)));
    return extern struct { re: U, im: U, cls: u32, idx: u32 };
}

inline fn complexKey(comptime d: dt.DType, x: dt.Storage(d), idx: u32, desc: bool) CKey(d) {
    const F = dt.Component(d);
    const fd: dt.DType = if (F == f32) .f32 else .f64;
    var c = CKey(d){
        .re = keyOf(fd, x.re),
        .im = keyOf(fd, x.im),
        .cls = 2 * @as(u32, @intFromBool(std.math.isNan(x.re))) +
            @as(u32, @intFromBool(std.math.isNan(x.im))),
        .idx = idx,
    };
    if (desc) {
        c.re = ~c.re;
        c.im = ~c.im;
        c.cls = 3 - c.cls;
    }
    return c;
}

inline fn complexLess(comptime C: type, a: C, b: C) bool {
    if (a.cls != b.cls) return a.cls < b.cls;
    if (a.re != b.re) return a.re < b.re;
    return a.im < b.im;
}

/// The sort element of a dtype: the key alone, the key and index, or the complex key.
fn Elem(comptime d: dt.DType, comptime with_idx: bool) type {
    if (comptime dt.isComplex(d)) return CKey(d);
    return if (with_idx) Pair(Key(d)) else Key(d);
}

/// Bytes of one sort element (TS computes the scratch size with the same rule).
pub fn elemBytes(comptime d: dt.DType, comptime with_idx: bool) usize {
    return @sizeOf(Elem(d, with_idx));
}

comptime {
    std.debug.assert(@sizeOf(Pair(u8)) == 8 and @sizeOf(Pair(u16)) == 8);
    std.debug.assert(@sizeOf(Pair(u32)) == 8 and @sizeOf(Pair(u64)) == 16);
    std.debug.assert(@sizeOf(CKey(.c64)) == 16 and @sizeOf(CKey(.c128)) == 24);
}

// ---- radix sort of real keys ----

fn Radix(comptime K: type, comptime E: type) type {
    return struct {
        const digits = @sizeOf(K);
        const Shift = std.math.Log2Int(K);

        inline fn key(e: E) K {
            return if (E == K) e else e.key;
        }

        inline fn digit(e: E, d: usize) u8 {
            const s: Shift = @intCast(8 * d);
            return @truncate(key(e) >> s);
        }

        /// Stable insertion sort.
        fn insertion(a: []E) void {
            var i: usize = 1;
            while (i < a.len) : (i += 1) {
                const v = a[i];
                const kv = key(v);
                var j = i;
                while (j > 0 and key(a[j - 1]) > kv) : (j -= 1) a[j] = a[j - 1];
                a[j] = v;
            }
        }

        /// Sorts `a` stably by its digits below `digit_end` (higher digits are equal across
        /// `a`); `b` is scratch of the same length. Returns the buffer that holds the result.
        fn lsd(a: []E, b: []E, digit_end: usize) []E {
            std.debug.assert(a.len == b.len);
            std.debug.assert(digit_end <= digits);
            if (a.len <= insertion_max) {
                insertion(a);
                return a;
            }
            var hist: [digits][256]u32 = @splat(@splat(0));
            for (a) |e| {
                const k = key(e);
                inline for (0..digits) |d| hist[d][@as(u8, @truncate(k >> (8 * d)))] += 1;
            }
            var src = a;
            var dst = b;
            for (0..digit_end) |d| {
                if (hist[d][digit(src[0], d)] == src.len) continue;
                scatter(src, dst, &hist[d], d);
                std.mem.swap([]E, &src, &dst);
            }
            return src;
        }

        fn scatter(src: []const E, dst: []E, counts: *const [256]u32, d: usize) void {
            var offsets: [256]usize = undefined;
            var sum: usize = 0;
            for (counts, &offsets) |c, *o| {
                o.* = sum;
                sum += c;
            }
            std.debug.assert(sum == src.len);
            const s: Shift = @intCast(8 * d);
            for (src) |e| {
                const v: u8 = @truncate(key(e) >> s);
                dst[offsets[v]] = e;
                offsets[v] += 1;
            }
        }
    };
}

// ---- merge sort of complex keys ----

fn Merge(comptime C: type) type {
    return struct {
        const run = 16;

        fn insertion(a: []C) void {
            var i: usize = 1;
            while (i < a.len) : (i += 1) {
                const v = a[i];
                var j = i;
                while (j > 0 and complexLess(C, v, a[j - 1])) : (j -= 1) a[j] = a[j - 1];
                a[j] = v;
            }
        }

        /// Bottom-up stable merge sort; returns the buffer that holds the result.
        fn sort(a: []C, b: []C) []C {
            std.debug.assert(a.len == b.len);
            const n = a.len;
            var s: usize = 0;
            while (s < n) : (s += run) insertion(a[s..@min(s + run, n)]);
            var src = a;
            var dst = b;
            var width: usize = run;
            while (width < n) : (width *= 2) {
                var lo: usize = 0;
                while (lo < n) : (lo += 2 * width) {
                    const mid = @min(lo + width, n);
                    const hi = @min(lo + 2 * width, n);
                    merge(src[lo..mid], src[mid..hi], dst[lo..hi]);
                }
                std.mem.swap([]C, &src, &dst);
            }
            return src;
        }

        fn merge(left: []const C, right: []const C, out: []C) void {
            var i: usize = 0;
            var j: usize = 0;
            for (out) |*o| {
                // Take from the right only when strictly smaller: equal keys keep input order.
                if (j < right.len and (i == left.len or complexLess(C, right[j], left[i]))) {
                    o.* = right[j];
                    j += 1;
                } else {
                    o.* = left[i];
                    i += 1;
                }
            }
        }
    };
}

// ---- the call description ----

const Op = enum { sort, topk };

const Job = struct {
    op: Op,
    x: usize,
    y: usize,
    i: usize,
    xs: isize,
    ys: isize,
    is: isize,
    len: usize,
    out_len: usize,
    k: usize,
    desc: bool,
    index_bytes: usize,
    outer: strided.Layout(3),
    scratch: usize,
    slots: usize,

    fn decode(op: Op, meta: [*]const f64) ?Job {
        var j: Job = undefined;
        j.op = op;
        const k = count(meta[0]) orelse return null;
        j.k = k;
        j.desc = meta[1] != 0;
        const ib = meta[2];
        if (!(ib == 4 or ib == 8)) return null;
        j.index_bytes = @intFromFloat(ib);
        j.len = count(meta[3]) orelse return null;
        j.out_len = count(meta[4]) orelse return null;
        if (j.len > len_max) return null;
        j.xs = stride(meta[5]) orelse return null;
        j.ys = stride(meta[6]) orelse return null;
        j.is = stride(meta[7]) orelse return null;
        j.outer = strided.Layout(3).decode(meta + 8) orelse return null;
        const expected_out = if (op == .topk) k else j.len;
        if (j.out_len != expected_out or k > j.len) return null;
        j.slots = @min(j.outer.size, slots_max);
        return j;
    }
};

const count = strided.decodeSize;
const stride = strided.decodeStride;

/// Scratch bytes a call needs (mirrored by TS in src/runtime/cpu/sort.ts).
fn scratchBytes(comptime E: type, job: *const Job) ?usize {
    const per_slot = std.math.mul(usize, 2 * job.len, @sizeOf(E)) catch return null;
    const slots = std.math.mul(usize, job.slots, per_slot) catch return null;
    return std.math.add(usize, hist_bytes, slots) catch return null;
}

// ---- one row ----

fn Row(comptime d: dt.DType, comptime with_idx: bool) type {
    return struct {
        const T = dt.Storage(d);
        const E = Elem(d, with_idx);
        const real = isReal(d);
        const K = if (real) Key(d) else void;
        const R = if (real) Radix(K, E) else void;
        const M = if (real) void else Merge(E);

        job: *const Job,
        xb: usize,
        yb: usize,
        ib: usize,

        const Self = @This();

        inline fn x(self: *const Self, j: usize) T {
            const xp: [*]const T = @ptrFromInt(self.xb);
            return strided.ptrAt(T, xp, self.job.xs * @as(isize, @intCast(j)));
        }

        inline fn elem(self: *const Self, j: usize) E {
            const v = self.x(j);
            if (comptime !real) return complexKey(d, v, @intCast(j), self.job.desc);
            var k = keyOf(d, v);
            if (self.job.desc) k = ~k;
            if (comptime with_idx) return .{ .key = k, .idx = @intCast(j) };
            return k;
        }

        /// Loads elements [begin, end) of the row into a; returns the OR and AND of their keys
        /// (real keys) and whether any element may be lossy. With `hist`, also counts the top
        /// key digit of each element there.
        fn load(self: *const Self, a: []E, begin: usize, end: usize, hist: ?*[256]u32) Stats(K) {
            if (comptime real) {
                if (self.job.xs == 1) return self.loadContiguous(a, begin, end, hist);
            }
            var st = Stats(K).init();
            for (begin..end) |j| {
                const e = self.elem(j);
                a[j] = e;
                if (comptime real) {
                    const k = R.key(e);
                    st.any |= k;
                    st.all &= k;
                    st.lossy = st.lossy or isLossy(d, self.x(j));
                    if (hist) |h| h[R.digit(e, R.digits - 1)] += 1;
                }
            }
            return st;
        }

        const lanes = if (real) 64 / @sizeOf(K) else 1;
        const VK = @Vector(lanes, K);

        /// The keys of a vector of element bits (complemented when `flip` is all ones), and
        /// the lanes that may be lossy (-0, NaN) as all-ones.
        inline fn keyVec(b: VK, flip: VK, lossy: *VK) VK {
            const zero: VK = @splat(0);
            const ones: VK = @splat(std.math.maxInt(K));
            const sign: VK = @splat(@as(K, 1) << (@bitSizeOf(K) - 1));
            if (comptime dt.isFloat(d)) {
                const abs = b & ~sign;
                const nan = abs >= @as(VK, @splat(nanMin(d)));
                var k = @select(K, (b & sign) != zero, ~b, b | sign);
                k = @select(K, abs == zero, sign, k);
                k = @select(K, nan, ones, k);
                lossy.* |= @select(K, nan, ones, zero) | @select(K, b == sign, ones, zero);
                return k ^ flip;
            }
            if (comptime dt.isSignedInt(d)) return (b ^ sign) ^ flip;
            return b ^ flip;
        }

        fn loadContiguous(
            self: *const Self,
            a: []E,
            begin: usize,
            end: usize,
            hist: ?*[256]u32,
        ) Stats(K) {
            const xp: [*]const K = @ptrFromInt(self.xb);
            const flip: VK = @splat(if (self.job.desc) std.math.maxInt(K) else 0);
            var any: VK = @splat(0);
            var all: VK = @splat(std.math.maxInt(K));
            var lossy: VK = @splat(0);
            const top_shift: std.math.Log2Int(K) = @intCast(8 * (R.digits - 1));
            var j = begin;
            while (j + lanes <= end) : (j += lanes) {
                const k = keyVec(xp[j..][0..lanes].*, flip, &lossy);
                any |= k;
                all &= k;
                if (comptime with_idx) {
                    inline for (0..lanes) |l| a[j + l] = .{ .key = k[l], .idx = @intCast(j + l) };
                } else {
                    a[j..][0..lanes].* = k;
                }
                if (hist) |h| {
                    const t: @Vector(lanes, u8) = @truncate(k >> @splat(top_shift));
                    inline for (0..lanes) |l| h[t[l]] += 1;
                }
            }
            var st = Stats(K){
                .any = @reduce(.Or, any),
                .all = @reduce(.And, all),
                .lossy = @reduce(.Or, lossy) != 0,
            };
            for (j..end) |i| {
                const e = self.elem(i);
                a[i] = e;
                st.any |= R.key(e);
                st.all &= R.key(e);
                st.lossy = st.lossy or isLossy(d, self.x(i));
                if (hist) |h| h[R.digit(e, R.digits - 1)] += 1;
            }
            return st;
        }

        /// Writes sorted keys to a contiguous value output.
        fn writeContiguous(self: *const Self, src: []const K, begin: usize) void {
            const yp: [*]K = @ptrFromInt(self.yb);
            const flip: VK = @splat(if (self.job.desc) std.math.maxInt(K) else 0);
            const zero: VK = @splat(0);
            const sign: VK = @splat(@as(K, 1) << (@bitSizeOf(K) - 1));
            var j: usize = 0;
            while (j + lanes <= src.len) : (j += lanes) {
                const k = src[j..][0..lanes].* ^ flip;
                var b: VK = undefined;
                if (comptime dt.isFloat(d)) {
                    b = @select(K, (k & sign) != zero, k & ~sign, ~k);
                    const max: VK = @splat(std.math.maxInt(K));
                    b = @select(K, k == max, @as(VK, @splat(nanCanonical(d))), b);
                } else if (comptime dt.isSignedInt(d)) {
                    b = k ^ sign;
                } else {
                    b = k;
                }
                yp[begin + j ..][0..lanes].* = b;
            }
            for (j..src.len) |i| {
                const k = if (self.job.desc) ~src[i] else src[i];
                yp[begin + i] = rawBits(d, valueOf(d, k));
            }
        }

        fn index(e: E) u32 {
            return if (comptime with_idx or !real) e.idx else unreachable;
        }

        /// Writes sorted elements `src` to output positions [begin, begin + src.len).
        fn write(self: *const Self, src: []const E, begin: usize) void {
            const job = self.job;
            if (comptime real and !with_idx) {
                if (self.yb != 0 and job.ys == 1) return self.writeContiguous(src, begin);
            }
            if (self.yb != 0) {
                const yp: [*]T = @ptrFromInt(self.yb);
                for (src, begin..) |e, p| {
                    const v = if (comptime with_idx or !real) self.x(index(e)) else blk: {
                        const k = if (job.desc) ~e else e;
                        break :blk valueOf(d, k);
                    };
                    strided.ptrAtMut(T, yp, job.ys * @as(isize, @intCast(p))).* = v;
                }
            }
            if (comptime with_idx or !real) {
                if (self.ib != 0) {
                    if (job.index_bytes == 8) self.writeIndex(i64, src, begin) else {
                        self.writeIndex(i32, src, begin);
                    }
                }
            }
        }

        fn writeIndex(self: *const Self, comptime I: type, src: []const E, begin: usize) void {
            const ip: [*]I = @ptrFromInt(self.ib);
            for (src, begin..) |e, p| {
                const at = self.job.is * @as(isize, @intCast(p));
                strided.ptrAtMut(I, ip, at).* = @intCast(index(e));
            }
        }

        /// Puts the original zeros and NaNs (whose keys dropped the sign or payload) back into
        /// their runs of the sorted values, in input order.
        fn fixup(self: *const Self) void {
            if (comptime !real or with_idx) return;
            const sign: K = @as(K, 1) << (@bitSizeOf(K) - 1);
            const classes = [2]K{ sign, std.math.maxInt(K) };
            const yp: [*]T = @ptrFromInt(self.yb);
            for (classes) |c0| {
                const c = if (self.job.desc) ~c0 else c0;
                var p = self.lowerBound(c);
                for (0..self.job.len) |j| {
                    var k = keyOf(d, self.x(j));
                    if (self.job.desc) k = ~k;
                    if (k != c) continue;
                    strided.ptrAtMut(T, yp, self.job.ys * @as(isize, @intCast(p))).* = self.x(j);
                    p += 1;
                }
            }
        }

        /// First output position whose (complemented when descending) key is not below c.
        fn lowerBound(self: *const Self, c: K) usize {
            const yp: [*]const T = @ptrFromInt(self.yb);
            var lo: usize = 0;
            var hi: usize = self.job.len;
            while (lo < hi) {
                const mid = lo + (hi - lo) / 2;
                var k = keyOf(d, strided.ptrAt(T, yp, self.job.ys * @as(isize, @intCast(mid))));
                if (self.job.desc) k = ~k;
                if (k < c) lo = mid + 1 else hi = mid;
            }
            return lo;
        }

        /// Sorts a whole loaded buffer; returns the buffer that holds the result.
        fn sortBuffer(a: []E, b: []E) []E {
            if (comptime real) return R.lsd(a, b, R.digits);
            return M.sort(a, b);
        }

        /// Sorts the row on this thread with scratch a, b (each `len` long).
        fn sortSerial(self: *const Self, a: []E, b: []E) void {
            const n = self.job.len;
            const st = self.load(a, 0, n, null);
            const sorted = sortBuffer(a, b);
            self.write(sorted, 0);
            if (comptime real) {
                if (st.lossy and self.yb != 0) self.fixup();
            }
        }
    };
}

fn Stats(comptime K: type) type {
    return struct {
        any: K,
        all: K,
        lossy: bool,

        fn init() @This() {
            if (K == void) return .{ .any = {}, .all = {}, .lossy = false };
            return .{ .any = 0, .all = std.math.maxInt(K), .lossy = false };
        }

        fn merge(self: *@This(), other: @This()) void {
            if (K != void) {
                self.any |= other.any;
                self.all &= other.all;
            }
            self.lossy = self.lossy or other.lossy;
        }
    };
}

// ---- one long row split over the pool ----

fn Parallel(comptime d: dt.DType, comptime with_idx: bool) type {
    return struct {
        const RowT = Row(d, with_idx);
        const E = RowT.E;
        const K = RowT.K;
        const R = RowT.R;

        row: *const RowT,
        a: []E,
        b: []E,
        chunks: usize,
        chunk: usize,
        hists: [*][256]u32,
        stats: [chunks_max]Stats(K),
        /// The digit the first scatter uses.
        top: usize,
        /// Start of each bucket after the first scatter (and the row length at the end).
        starts: [257]usize,

        const Self = @This();

        /// Tasks get a const pointer to a `Handle`, and mutate the state through the pointer
        /// it holds (never through the const pointer itself, which the optimiser may treat
        /// as read-only).
        const Handle = struct { state: *Self };

        fn handle(raw: *const anyopaque) *Self {
            const h: *const Handle = @ptrCast(@alignCast(raw));
            return h.state;
        }

        fn range(self: *const Self, c: usize) [2]usize {
            const begin = c * self.chunk;
            return .{ begin, @min(begin + self.chunk, self.row.job.len) };
        }

        fn loadTask(raw: *const anyopaque, c: usize) void {
            const self = handle(raw);
            const r = self.range(c);
            const h = &self.hists[c];
            h.* = @splat(0);
            self.stats[c] = self.row.load(self.a, r[0], r[1], h);
        }

        fn histTask(raw: *const anyopaque, c: usize) void {
            const self = handle(raw);
            const r = self.range(c);
            const h = &self.hists[c];
            h.* = @splat(0);
            for (self.a[r[0]..r[1]]) |e| h[R.digit(e, self.top)] += 1;
        }

        fn scatterTask(raw: *const anyopaque, c: usize) void {
            const self = handle(raw);
            const r = self.range(c);
            var offsets: [256]usize = undefined;
            // hists[c] holds this chunk's first output position per bucket (see placeChunks()).
            for (&offsets, self.hists[c]) |*o, h| o.* = h;
            for (self.a[r[0]..r[1]]) |e| {
                const v = R.digit(e, self.top);
                self.b[offsets[v]] = e;
                offsets[v] += 1;
            }
        }

        fn bucketTask(raw: *const anyopaque, v: usize) void {
            const self = handle(raw);
            const s = self.starts[v];
            const e = self.starts[v + 1];
            if (s == e) return;
            const sorted = R.lsd(self.b[s..e], self.a[s..e], self.top);
            self.row.write(sorted, s);
        }

        /// Turns per-chunk counts into per-chunk first positions, bucket-major.
        fn placeChunks(self: *Self) void {
            var pos: usize = 0;
            for (0..256) |v| {
                self.starts[v] = pos;
                for (0..self.chunks) |c| {
                    const n = self.hists[c][v];
                    self.hists[c][v] = @intCast(pos);
                    pos += n;
                }
            }
            self.starts[256] = pos;
            std.debug.assert(pos == self.row.job.len);
        }

        fn run(self: *Self) void {
            const h = Handle{ .state = self };
            pool.parallelFor(self.chunks, &h, loadTask);
            var st = self.stats[0];
            for (self.stats[1..self.chunks]) |s| st.merge(s);
            const varying = st.any ^ st.all;
            if (varying == 0) {
                // Every key is equal: the loaded order is the sorted order.
                self.row.write(self.a, 0);
            } else {
                self.top = (@bitSizeOf(K) - 1 - @clz(varying)) / 8;
                std.debug.assert(self.top < R.digits);
                // The load counted the highest digit; another one needs its own count.
                if (self.top != R.digits - 1) pool.parallelFor(self.chunks, &h, histTask);
                self.placeChunks();
                pool.parallelFor(self.chunks, &h, scatterTask);
                pool.parallelFor(256, &h, bucketTask);
            }
            if (st.lossy and self.row.yb != 0) self.row.fixup();
        }
    };
}

// ---- topk of one row ----

fn Select(comptime d: dt.DType) type {
    return struct {
        const RowT = Row(d, true);
        const E = RowT.E;
        const K = RowT.K;
        const buckets = 1 << @min(select_bits, @bitSizeOf(K));
        const shift = @bitSizeOf(K) - @min(select_bits, @bitSizeOf(K));

        inline fn bucket(k: K) usize {
            return @intCast(k >> shift);
        }

        /// Writes the k first elements of the row in sort order (keys complemented when
        /// `largest`, so the first are the largest), using scratch a, b of `len` each.
        fn row(r: *const RowT, a: []E, b: []E) void {
            if (r.job.k == 0) return;
            if (comptime isReal(d)) {
                if (r.job.len <= 4 * buckets) topkBySort(r, a, b) else rowReal(r, a, b);
            } else {
                topkBySort(r, a, b);
            }
        }

        fn rowReal(r: *const RowT, a: []E, b: []E) void {
            const job = r.job;
            const n = job.len;
            var hist: [buckets]u32 = @splat(0);
            const tail = if (job.xs == 1) countContiguous(r, &hist) else 0;
            for (tail..n) |j| hist[bucket(r.elem(j).key)] += 1;
            var below: usize = 0;
            var t: usize = 0;
            while (below + hist[t] < job.k) : (t += 1) below += hist[t];
            const m = below + hist[t];
            var at: usize = 0;
            const rest = if (job.xs == 1) collectContiguous(r, t, a, &at) else 0;
            for (rest..n) |j| {
                const e = r.elem(j);
                if (bucket(e.key) > t) continue;
                a[at] = e;
                at += 1;
            }
            std.debug.assert(at == m);
            const sorted = RowT.R.lsd(a[0..m], b[0..m], RowT.R.digits);
            r.write(sorted[0..job.k], 0);
        }

        const lanes = RowT.lanes;
        const VK = RowT.VK;

        /// Counts the selection digit of whole vectors of a contiguous row; returns where the
        /// scalar tail starts.
        fn countContiguous(r: *const RowT, hist: *[buckets]u32) usize {
            const xp: [*]const K = @ptrFromInt(r.xb);
            const flip: VK = @splat(if (r.job.desc) std.math.maxInt(K) else 0);
            var lossy: VK = @splat(0);
            var j: usize = 0;
            while (j + lanes <= r.job.len) : (j += lanes) {
                const k = RowT.keyVec(xp[j..][0..lanes].*, flip, &lossy);
                const v = k >> @splat(shift);
                inline for (0..lanes) |l| hist[@intCast(v[l])] += 1;
            }
            return j;
        }

        /// Appends the elements of whole vectors whose selection digit is at most t.
        fn collectContiguous(r: *const RowT, t: usize, a: []E, at: *usize) usize {
            const xp: [*]const K = @ptrFromInt(r.xb);
            const flip: VK = @splat(if (r.job.desc) std.math.maxInt(K) else 0);
            var lossy: VK = @splat(0);
            const limit: VK = @splat(@intCast(t));
            var j: usize = 0;
            while (j + lanes <= r.job.len) : (j += lanes) {
                const k = RowT.keyVec(xp[j..][0..lanes].*, flip, &lossy);
                const hit = (k >> @splat(shift)) <= limit;
                if (!@reduce(.Or, hit)) continue;
                inline for (0..lanes) |l| {
                    if (hit[l]) {
                        a[at.*] = .{ .key = k[l], .idx = @intCast(j + l) };
                        at.* += 1;
                    }
                }
            }
            return j;
        }

        fn topkBySort(r: *const RowT, a: []E, b: []E) void {
            _ = r.load(a, 0, r.job.len, null);
            const sorted = RowT.sortBuffer(a, b);
            r.write(sorted[0..r.job.k], 0);
        }
    };
}

// ---- kernels ----

fn Kernel(comptime d: dt.DType, comptime op: Op) type {
    return struct {
        const T = dt.Storage(d);

        fn entry(
            x: ?*anyopaque,
            x_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            i: ?*anyopaque,
            i_off: f64,
            scratch: ?*anyopaque,
            scratch_bytes: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            var job = Job.decode(op, meta) orelse return @intFromEnum(Status.bad_layout);
            if (job.outer.size == 0 or job.out_len == 0) return @intFromEnum(Status.ok);
            if (x == null or scratch == null or (y == null and i == null)) {
                return @intFromEnum(Status.null_pointer);
            }
            if (!(x_off >= 0 and y_off >= 0 and i_off >= 0)) {
                return @intFromEnum(Status.bad_argument);
            }
            job.x = strided.elementAddr(x, x_off, @sizeOf(T));
            job.y = if (y == null) 0 else strided.elementAddr(y, y_off, @sizeOf(T));
            job.i = if (i == null) 0 else strided.elementAddr(i, i_off, job.index_bytes);
            job.scratch = @intFromPtr(scratch.?);
            const bytes = count(scratch_bytes) orelse return @intFromEnum(Status.bad_argument);
            // Indices are needed for index output, for topk (values gathered by index), and
            // always for complex keys.
            if (comptime op == .topk) return run(true, &job, bytes);
            if (i != null) return run(true, &job, bytes);
            return run(false, &job, bytes);
        }

        fn run(comptime with_idx: bool, job: *const Job, bytes: usize) i32 {
            const E = Elem(d, with_idx);
            const need = scratchBytes(E, job) orelse return @intFromEnum(Status.bad_argument);
            if (bytes < need) return @intFromEnum(Status.bad_argument);
            if (comptime isReal(d) and op == .sort) {
                if (job.outer.size == 1 and job.len >= parallel_min) {
                    single(with_idx, job);
                    return @intFromEnum(Status.ok);
                }
            }
            rows(with_idx, job);
            return @intFromEnum(Status.ok);
        }

        fn slot(comptime E: type, job: *const Job, s: usize) [2][]E {
            const base = job.scratch + hist_bytes + s * 2 * job.len * @sizeOf(E);
            const p: [*]E = @ptrFromInt(base);
            return .{ p[0..job.len], p[job.len .. 2 * job.len] };
        }

        fn single(comptime with_idx: bool, job: *const Job) void {
            const P = Parallel(d, with_idx);
            const rw = P.RowT{ .job = job, .xb = job.x, .yb = job.y, .ib = job.i };
            const ab = slot(P.E, job, 0);
            const chunks = @min(chunks_max, (job.len + chunk_elements - 1) / chunk_elements);
            var p: P = undefined;
            p.row = &rw;
            p.a = ab[0];
            p.b = ab[1];
            p.chunks = chunks;
            p.chunk = (job.len + chunks - 1) / chunks;
            p.hists = @ptrFromInt(job.scratch);
            p.run();
        }

        fn rows(comptime with_idx: bool, job: *const Job) void {
            const Task = struct {
                job: *const Job,
                fn body(raw: *const anyopaque, s: usize) void {
                    const self: *const @This() = @ptrCast(@alignCast(raw));
                    const j = self.job;
                    const begin = s * j.outer.size / j.slots;
                    const end = (s + 1) * j.outer.size / j.slots;
                    const ab = slot(Elem(d, with_idx), j, s);
                    const bases = [3]usize{ j.x, j.y, j.i };
                    const widths = [3]usize{ @sizeOf(T), @sizeOf(T), j.index_bytes };
                    for (begin..end) |r| {
                        const base = rowBases(&j.outer, bases, widths, r);
                        const rw = Row(d, with_idx){
                            .job = j,
                            .xb = base[0],
                            .yb = if (j.y == 0) 0 else base[1],
                            .ib = if (j.i == 0) 0 else base[2],
                        };
                        if (comptime op == .topk) {
                            Select(d).row(&rw, ab[0], ab[1]);
                        } else {
                            rw.sortSerial(ab[0], ab[1]);
                        }
                    }
                }
            };
            const task = Task{ .job = job };
            pool.parallelFor(job.slots, &task, Task.body);
        }
    };
}

/// The base address of each operand for outer (row) index r.
fn rowBases(
    layout: *const strided.Layout(3),
    bases: [3]usize,
    widths: [3]usize,
    r: usize,
) [3]usize {
    var out = bases;
    var rest = r;
    var dim = layout.ndim;
    while (dim > 0) {
        dim -= 1;
        const idx: isize = @intCast(rest % layout.shape[dim]);
        rest /= layout.shape[dim];
        for (0..3) |k| out[k] = strided.offsetAddr(out[k], layout.strides[k][dim] * idx, widths[k]);
    }
    return out;
}

const SortFn = fn (
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

// ---- searchsorted ----

/// `numr_search_searchsorted_<dtype>(s, s_off, v, v_off, sorter, sorter_off, y, y_off, meta)`:
/// for every value, the insertion index into its row of the sorted operand. `meta` is
///   [right, index_bytes, sorter_bytes (0: none), m, s stride, sorter stride,
///    nd, shape (of values) [nd], s strides, v strides, sorter strides, y strides]
/// where the s and sorter strides of the values' last dim are 0 (rows are chosen by the
/// leading dims).
fn Search(comptime d: dt.DType) type {
    return struct {
        const T = dt.Storage(d);
        const C = if (isReal(d)) Key(d) else CKey(d);

        inline fn keyAt(v: T) C {
            if (comptime isReal(d)) return keyOf(d, v);
            return complexKey(d, v, 0, false);
        }

        inline fn less(a: C, b: C) bool {
            if (comptime isReal(d)) return a < b;
            return complexLess(C, a, b);
        }

        const Ctx = struct {
            right: bool,
            ib: usize,
            sb: usize,
            m: usize,
            ss: isize,
            sos: isize,
            bad: *std.atomic.Value(bool),
        };

        fn sortedIndex(ctx: *const Ctx, sorter: usize, j: usize) ?usize {
            if (ctx.sb == 0) return j;
            const off = ctx.sos * @as(isize, @intCast(j));
            const raw: i64 = if (ctx.sb == 8)
                @as(*const i64, @ptrFromInt(strided.offsetAddr(sorter, off, 8))).*
            else
                @as(*const i32, @ptrFromInt(strided.offsetAddr(sorter, off, 4))).*;
            if (raw < 0 or raw >= ctx.m) return null;
            return @intCast(raw);
        }

        fn inner(ctx: *const Ctx, ptrs: [4]usize, strides: [4]isize, len: usize) void {
            for (0..len) |t| {
                const ts: isize = @intCast(t);
                const s = strided.offsetAddr(ptrs[0], strides[0] * ts, @sizeOf(T));
                const v = strided.offsetAddr(ptrs[1], strides[1] * ts, @sizeOf(T));
                const so = strided.offsetAddr(ptrs[2], strides[2] * ts, 1);
                const y = strided.offsetAddr(ptrs[3], strides[3] * ts, 1);
                const kv = keyAt(@as(*const T, @ptrFromInt(v)).*);
                var lo: usize = 0;
                var hi: usize = ctx.m;
                while (lo < hi) {
                    const mid = lo + (hi - lo) / 2;
                    const at = sortedIndex(ctx, so, mid) orelse {
                        ctx.bad.store(true, .monotonic);
                        break;
                    };
                    const sp: [*]const T = @ptrFromInt(s);
                    const km = keyAt(strided.ptrAt(T, sp, ctx.ss * @as(isize, @intCast(at))));
                    const go_right = if (ctx.right) !less(kv, km) else less(km, kv);
                    if (go_right) lo = mid + 1 else hi = mid;
                }
                if (ctx.ib == 8) {
                    @as(*i64, @ptrFromInt(y)).* = @intCast(lo);
                } else {
                    @as(*i32, @ptrFromInt(y)).* = @intCast(lo);
                }
            }
        }

        fn entry(
            s: ?*anyopaque,
            s_off: f64,
            v: ?*anyopaque,
            v_off: f64,
            sorter: ?*anyopaque,
            sorter_off: f64,
            y: ?*anyopaque,
            y_off: f64,
            meta: [*]const f64,
        ) callconv(.c) i32 {
            const ib = count(meta[1]) orelse return @intFromEnum(Status.bad_layout);
            const sb = count(meta[2]) orelse return @intFromEnum(Status.bad_layout);
            const m = count(meta[3]) orelse return @intFromEnum(Status.bad_layout);
            if (!(ib == 4 or ib == 8) or !(sb == 0 or sb == 4 or sb == 8)) {
                return @intFromEnum(Status.bad_layout);
            }
            if (m > len_max) return @intFromEnum(Status.bad_layout);
            var bad = std.atomic.Value(bool).init(false);
            const ctx = Ctx{
                .right = meta[0] != 0,
                .ib = ib,
                .sb = sb,
                .m = m,
                .ss = stride(meta[4]) orelse return @intFromEnum(Status.bad_layout),
                .sos = stride(meta[5]) orelse return @intFromEnum(Status.bad_layout),
                .bad = &bad,
            };
            var layout = strided.Layout(4).decode(meta + 6) orelse
                return @intFromEnum(Status.bad_layout);
            if (layout.size == 0) return @intFromEnum(Status.ok);
            if (v == null or y == null or (m > 0 and (s == null or (sb != 0 and sorter == null)))) {
                return @intFromEnum(Status.null_pointer);
            }
            if (!(s_off >= 0 and v_off >= 0 and sorter_off >= 0 and y_off >= 0)) {
                return @intFromEnum(Status.bad_argument);
            }
            // The walker steps in elements of a type; sorter and y step in bytes.
            for (0..layout.ndim) |dim| {
                layout.strides[2][dim] *= @intCast(@max(sb, 1));
                layout.strides[3][dim] *= @intCast(ib);
            }
            const bases = [4]usize{
                if (s == null) 0 else strided.elementAddr(s, s_off, @sizeOf(T)),
                strided.elementAddr(v, v_off, @sizeOf(T)),
                if (sorter == null) 0 else strided.elementAddr(sorter, sorter_off, @max(sb, 1)),
                strided.elementAddr(y, y_off, ib),
            };
            strided.walk(4, .{ T, T, u8, u8 }, &layout, bases, &ctx, inner);
            if (bad.load(.monotonic)) return @intFromEnum(Status.bad_argument);
            return @intFromEnum(Status.ok);
        }
    };
}

// ---- unique ----

/// `numr_unique_unique_<dtype>(x, perm, values, counts, inverse, meta)`: x is sorted and
/// contiguous (n elements), perm the indices that sorted it (index_bytes wide, or null).
/// Writes the first element of each run of equal elements to values, the run lengths to
/// counts (or null), and each input position's run number to inverse[perm[j]] (or null).
/// `meta` is [n, index_bytes]; the number of runs is written back to meta[0]. NaNs are equal
/// (NumPy's equal_nan): every NaN of a real dtype, and every complex number with a NaN part.
fn Unique(comptime d: dt.DType) type {
    return struct {
        const T = dt.Storage(d);

        inline fn same(a: T, b: T) bool {
            if (comptime isReal(d)) return keyOf(d, a) == keyOf(d, b);
            const ka = complexKey(d, a, 0, false);
            const kb = complexKey(d, b, 0, false);
            if (ka.cls != 0 and kb.cls != 0) return true;
            return ka.cls == kb.cls and ka.re == kb.re and ka.im == kb.im;
        }

        fn runs(
            comptime I: type,
            xs: []const T,
            perm: ?[*]const I,
            values: [*]T,
            counts: ?[*]I,
            inverse: ?[*]I,
        ) usize {
            var u: usize = 0;
            var start: usize = 0;
            for (xs, 0..) |v, j| {
                if (j == 0 or !same(v, xs[j - 1])) {
                    if (u > 0) {
                        if (counts) |c| c[u - 1] = @intCast(j - start);
                    }
                    values[u] = v;
                    start = j;
                    u += 1;
                }
                if (inverse) |inv| {
                    const at: usize = @intCast(perm.?[j]);
                    inv[at] = @intCast(u - 1);
                }
            }
            if (u > 0) {
                if (counts) |c| c[u - 1] = @intCast(xs.len - start);
            }
            return u;
        }

        fn runsOf(
            comptime I: type,
            xs: []const T,
            perm: ?*anyopaque,
            values: [*]T,
            counts: ?*anyopaque,
            inverse: ?*anyopaque,
        ) usize {
            const pp: ?[*]const I = @ptrCast(@alignCast(perm));
            const cp: ?[*]I = @ptrCast(@alignCast(counts));
            const ip: ?[*]I = @ptrCast(@alignCast(inverse));
            return runs(I, xs, pp, values, cp, ip);
        }

        fn entry(
            x: ?*anyopaque,
            perm: ?*anyopaque,
            values: ?*anyopaque,
            counts: ?*anyopaque,
            inverse: ?*anyopaque,
            meta: [*]f64,
        ) callconv(.c) i32 {
            const n = count(meta[0]) orelse return @intFromEnum(Status.bad_layout);
            const ib = count(meta[1]) orelse return @intFromEnum(Status.bad_layout);
            if (!(ib == 4 or ib == 8)) return @intFromEnum(Status.bad_layout);
            if (n == 0) {
                meta[0] = 0;
                return @intFromEnum(Status.ok);
            }
            if (x == null or values == null or (inverse != null and perm == null)) {
                return @intFromEnum(Status.null_pointer);
            }
            const xp: [*]const T = @ptrCast(@alignCast(x.?));
            const vp: [*]T = @ptrCast(@alignCast(values.?));
            const u = if (ib == 8)
                runsOf(i64, xp[0..n], perm, vp, counts, inverse)
            else
                runsOf(i32, xp[0..n], perm, vp, counts, inverse);
            meta[0] = @floatFromInt(u);
            return @intFromEnum(Status.ok);
        }
    };
}

// ---- exports ----

pub const manifest: []const u8 = blk: {
    var s: []const u8 = "";
    for (dt.all) |d| {
        s = s ++ "sort sort " ++ @tagName(d) ++ "\n";
        s = s ++ "sort topk " ++ @tagName(d) ++ "\n";
        s = s ++ "search searchsorted " ++ @tagName(d) ++ "\n";
        s = s ++ "unique unique " ++ @tagName(d) ++ "\n";
    }
    break :blk s;
};

comptime {
    for (dt.all) |d| {
        const sort_fn: *const SortFn = &Kernel(d, .sort).entry;
        @export(sort_fn, .{ .name = "numr_sort_sort_" ++ @tagName(d) });
        const topk_fn: *const SortFn = &Kernel(d, .topk).entry;
        @export(topk_fn, .{ .name = "numr_sort_topk_" ++ @tagName(d) });
        @export(&Search(d).entry, .{ .name = "numr_search_searchsorted_" ++ @tagName(d) });
        @export(&Unique(d).entry, .{ .name = "numr_unique_unique_" ++ @tagName(d) });
    }
}

test "keys order floats with NaN last and zeros tied" {
    const vals = [_]f32{ -std.math.inf(f32), -2.5, -0.0, 0.0, 1e-30, 3, std.math.inf(f32) };
    for (vals[0 .. vals.len - 1], vals[1..]) |a, b| {
        try std.testing.expect(keyOf(.f32, a) <= keyOf(.f32, b));
    }
    try std.testing.expectEqual(keyOf(.f32, -0.0), keyOf(.f32, 0.0));
    try std.testing.expect(keyOf(.f32, std.math.nan(f32)) > keyOf(.f32, std.math.inf(f32)));
    try std.testing.expect(keyOf(.f32, -std.math.nan(f32)) == keyOf(.f32, std.math.nan(f32)));
    for (vals) |v| {
        if (v == 0) continue;
        try std.testing.expectEqual(v, valueOf(.f32, keyOf(.f32, v)));
    }
    try std.testing.expect(keyOf(.i8, -1) < keyOf(.i8, 0));
}

test "radix sort is stable" {
    const E = Pair(u16);
    var a: [100]E = undefined;
    var b: [100]E = undefined;
    for (&a, 0..) |*e, j| e.* = .{ .key = @intCast((j * 7919) % 13), .idx = @intCast(j) };
    const out = Radix(u16, E).lsd(&a, &b, 2);
    for (out[0 .. out.len - 1], out[1..]) |p, q| {
        try std.testing.expect(p.key < q.key or (p.key == q.key and p.idx < q.idx));
    }
}
