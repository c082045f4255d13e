//! The GEMM engine: C = alpha·A·B (+ C) (+ bias, activation) for strided A, B and C, BLIS-style.
//! A is packed into MR-row panels and B into NR-column panels (converting half, fp8 and int8
//! storage to the compute type on the way), then one register-blocked micro-kernel, generic over
//! the compute type, multiplies panel pairs. Work is split over M and N blocks only, never K, so
//! every element of C is summed in the same order for any thread count.

const std = @import("std");
const builtin = @import("builtin");
const dt = @import("dtype.zig");
pub const pool = @import("pool.zig");
const vmath = @import("vmath.zig");
const strided = @import("strided.zig");

const is_x86 = builtin.cpu.arch.isX86();
const has_avx512 = is_x86 and std.Target.x86.featureSetHas(builtin.cpu.features, .avx512f);

/// Bytes of one vector register used by the micro-kernel. AVX-512 gets full zmm registers even
/// where LLVM's cpu model only prefers 256-bit auto-vectorisation (x86_64_v4): explicit vectors are
/// not split, and a 512-bit FMA does twice the work per instruction on Zen 4/5 and Intel alike.
pub const vector_bytes: usize = if (has_avx512) 64 else std.simd.suggestVectorLength(u8) orelse 16;
/// Vector registers of the ISA (AVX-512 and AArch64 NEON have 32, AVX2 and SSE 16).
const vector_registers: usize = if (has_avx512 or builtin.cpu.arch.isAARCH64()) 32 else 16;

/// Epilogue activations, applied when a tile of C is written for the last time.
pub const Activation = enum(u8) { none = 0, relu = 1, gelu = 2, silu = 3, sigmoid = 4, tanh = 5 };

/// A strided matrix operand: address of element (0, 0) and element strides (may be negative).
pub fn Matrix(comptime S: type) type {
    return struct {
        addr: usize,
        rs: isize,
        cs: isize,

        pub inline fn at(self: @This(), i: usize, j: usize) *S {
            const e = @as(isize, @intCast(i)) * self.rs + @as(isize, @intCast(j)) * self.cs;
            return @ptrFromInt(strided.offsetAddr(self.addr, e, @sizeOf(S)));
        }
    };
}

/// What happens when C is written: `accumulate` adds to what C holds; the bias (stride along N,
/// in compute-type elements) and the activation apply once, after the last K block.
pub fn Epilogue(comptime T: type) type {
    return struct {
        accumulate: bool = false,
        bias: ?[*]const T = null,
        bias_stride: isize = 0,
        activation: Activation = .none,
    };
}

/// Micro-tile shape (MR rows, NV vectors of columns) for compute type T on this ISA. With 32
/// registers, 24 accumulators leave room for the B vectors and a broadcast. On AVX-512, 6x4
/// (6x64 f32) measured best on Zen 5: 250 GF/s at n = 1024 against 243 for 8x3, 237 for 12x2
/// and 230 for 14x2, and far better on power-of-two N (n = 128: 229 against 198 for 8x48,
/// which wastes a third of its last panel). AVX2 (16 registers) keeps 6x2, NEON 8x3 (8x12).
fn tileShape(comptime T: type) struct { mr: usize, nv: usize } {
    _ = T;
    if (vector_registers == 32 and vector_bytes == 64) return .{ .mr = 6, .nv = 4 };
    if (vector_registers == 32) return .{ .mr = 8, .nv = 3 };
    return .{ .mr = 6, .nv = 2 };
}

/// Cache blocking, in elements: KC (depth of a packed panel), MC (rows of packed A, sized for L2)
/// and NC (columns of packed B, shared by the threads, sized for L3). Runtime values, so that a
/// benchmark can tune them; KC must not depend on the thread count (it fixes the summation order).
pub const Blocking = struct { kc: usize, mc: usize, nc: usize };

pub fn defaultBlocking(comptime T: type) Blocking {
    const size: usize = @sizeOf(T);
    const K = Kernel(T);
    // Measured on Zen 5 (48 KiB L1d, 1 MiB L2): a B micro-panel of KC x NR (~96 KiB for f32)
    // streams from L2 well with the C-tile prefetch, and a deep KC halves the passes over C.
    // The A block (MC x KC) takes a quarter of L2, the shared B block (KC x NC) 8 MiB of L3.
    const kc: usize = if (size >= 8) 384 else 512;
    const mc_raw = (256 * 1024) / (kc * size);
    const nc_raw = (8 * 1024 * 1024) / (kc * size);
    return .{
        .kc = kc,
        .mc = @max(K.mr, mc_raw - mc_raw % K.mr),
        .nc = @max(K.nr, nc_raw - nc_raw % K.nr),
    };
}

/// Per-compute-type blocking (tunable by benchmarks).
pub fn blockingOf(comptime T: type) *Blocking {
    return &struct {
        var value: Blocking = defaultBlocking(T);
    }.value;
}

/// The register-blocked micro-kernel for compute type T: acc[MR][NV] += Apanel · Bpanel.
pub fn Kernel(comptime T: type) type {
    return struct {
        pub const lanes = vector_bytes / @sizeOf(T);
        pub const mr = tileShape(T).mr;
        pub const nv = tileShape(T).nv;
        pub const nr = nv * lanes;
        pub const V = @Vector(lanes, T);
        pub const Acc = [mr][nv]V;
        const is_float = @typeInfo(T) == .float;

        pub inline fn madd(a: V, b: V, c: V) V {
            if (is_float) return @mulAdd(V, a, b, c);
            return c +% a *% b;
        }

        /// The scalar form of `madd`: one element gets exactly what a vector lane gets.
        pub inline fn madd1(a: T, b: T, c: T) T {
            if (is_float) return @mulAdd(T, a, b, c);
            return c +% a *% b;
        }

        /// acc = sum over p < kc of a[p*mr + i] * b[p*nr + j]; a and b are packed panels.
        pub fn tile(kc: usize, a: [*]const T, b: [*]const T, acc: *Acc) void {
            var c: Acc = @splat(@splat(@splat(0)));
            var ap = a;
            var bp = b;
            for (0..kc) |_| {
                var bv: [nv]V = undefined;
                inline for (0..nv) |j| bv[j] = bp[j * lanes ..][0..lanes].*;
                inline for (0..mr) |i| {
                    const av: V = @splat(ap[i]);
                    inline for (0..nv) |j| c[i][j] = madd(av, bv[j], c[i][j]);
                }
                ap += mr;
                bp += nr;
            }
            acc.* = c;
        }
    };
}

/// a + b, wrapping for integers (NumPy's integer matmul wraps).
pub inline fn add(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
    const info = @typeInfo(@TypeOf(a));
    const E = if (info == .vector) info.vector.child else @TypeOf(a);
    return if (@typeInfo(E) == .float) a + b else a +% b;
}

/// Applies an activation to a vector of a float type (ints: relu only, checked by the caller).
pub inline fn activate(comptime V: type, v: V, act: Activation) V {
    const T = @typeInfo(V).vector.child;
    const zero: V = @splat(0);
    if (@typeInfo(T) != .float) return if (act == .relu) @select(T, v < zero, zero, v) else v;
    const one: V = @splat(1);
    const half: V = @splat(0.5);
    return switch (act) {
        .none => v,
        // NaN stays NaN (as np.maximum(x, 0)).
        .relu => @select(T, v < zero, zero, v),
        .gelu => blk: {
            const c: V = @splat(0.7978845608028654);
            const inner = c * (v + @as(V, @splat(0.044715)) * v * v * v);
            break :blk half * v * (one + vmath.tanh(V, inner));
        },
        .silu => v / (one + vmath.exp(V, -v)),
        .sigmoid => one / (one + vmath.exp(V, -v)),
        .tanh => vmath.tanh(V, v),
    };
}

/// Packs rows [0, mc) x depth [0, kc) of A (already offset to the block) into MR-row panels,
/// scaled by alpha and converted to T; the last panel is padded with zeros.
pub fn packA(
    comptime d: dt.DType,
    comptime T: type,
    a: Matrix(dt.Storage(d)),
    mc: usize,
    kc: usize,
    alpha: T,
    dst: [*]T,
) void {
    if (alpha == 1) return packAScaled(d, T, false, a, mc, kc, alpha, dst);
    packAScaled(d, T, true, a, mc, kc, alpha, dst);
}

fn packAScaled(
    comptime d: dt.DType,
    comptime T: type,
    comptime scaled: bool,
    a: Matrix(dt.Storage(d)),
    mc: usize,
    kc: usize,
    alpha: T,
    dst: [*]T,
) void {
    @setEvalBranchQuota(10_000);
    const S = dt.Storage(d);
    const mr = Kernel(T).mr;
    var out = dst;
    var row0: usize = 0;
    while (row0 < mc) : (row0 += mr) {
        const rows = @min(mr, mc - row0);
        if (rows == mr and (a.rs == 1 or a.cs == 1)) {
            // Full panel: gather MR elements per step of depth from MR row (or one column)
            // pointers, so that the packed panel is written in order.
            var ptrs: [mr][*]const S = undefined;
            inline for (0..mr) |i| ptrs[i] = @ptrCast(a.at(row0 + i, 0));
            const step: usize = if (a.cs == 1) 1 else @intCast(a.cs);
            if (a.cs == 1) {
                for (0..kc) |p| {
                    var v: [mr]T = undefined;
                    inline for (0..mr) |i| v[i] = convert(d, T, scaled, ptrs[i][p], alpha);
                    out[p * mr ..][0..mr].* = v;
                }
            } else {
                for (0..kc) |p| {
                    var v: [mr]T = undefined;
                    inline for (0..mr) |i| {
                        v[i] = convert(d, T, scaled, ptrs[0][p * step + i], alpha);
                    }
                    out[p * mr ..][0..mr].* = v;
                }
            }
        } else {
            for (0..kc) |p| {
                for (0..mr) |i| {
                    const x = if (i < rows) a.at(row0 + i, p).* else zeroOf(dt.Storage(d));
                    out[p * mr + i] = if (i < rows) convert(d, T, scaled, x, alpha) else 0;
                }
            }
        }
        out += mr * kc;
    }
}

/// Packs depth [0, kc) x columns [j_begin, j_end) of B (already offset to the block) into
/// NR-column panels, converted to T; the last panel is padded with zeros.
pub fn packB(
    comptime d: dt.DType,
    comptime T: type,
    b: Matrix(dt.Storage(d)),
    kc: usize,
    j_begin: usize,
    j_end: usize,
    dst: [*]T,
) void {
    @setEvalBranchQuota(10_000);
    const S = dt.Storage(d);
    const nr = Kernel(T).nr;
    var col0 = j_begin;
    var out = dst + (j_begin / nr) * nr * kc;
    while (col0 < j_end) : (col0 += nr) {
        const cols = @min(nr, j_end - col0);
        if (cols == nr and b.cs == 1) {
            for (0..kc) |p| {
                const src: [*]const S = @ptrCast(b.at(p, col0));
                var v: [nr]T = undefined;
                inline for (0..nr) |j| v[j] = convert(d, T, false, src[j], 1);
                out[p * nr ..][0..nr].* = v;
            }
        } else if (cols == nr and b.rs == 1) {
            // Columns are contiguous: read each along the depth, write it down the panel.
            for (0..nr) |j| {
                const src: [*]const S = @ptrCast(b.at(0, col0 + j));
                for (0..kc) |p| out[p * nr + j] = convert(d, T, false, src[p], 1);
            }
        } else {
            for (0..kc) |p| {
                for (0..nr) |j| {
                    const x = if (j < cols) b.at(p, col0 + j).* else zeroOf(S);
                    out[p * nr + j] = if (j < cols) convert(d, T, false, x, 1) else 0;
                }
            }
        }
        out += nr * kc;
    }
}

inline fn convert(
    comptime d: dt.DType,
    comptime T: type,
    comptime scaled: bool,
    x: dt.Storage(d),
    alpha: T,
) T {
    const v: T = switch (d) {
        .f16, .bf16, .fp8e4m3, .fp8e5m2 => dt.load(d, x),
        else => if (dt.Storage(d) == T) x else @intCast(x),
    };
    if (!scaled) return v;
    if (@typeInfo(T) == .float) return v * alpha;
    return v *% alpha;
}

/// Writes one micro-tile (rows x cols of it valid) into C at (row0, col0) with the epilogue.
/// `first`: the first K block (C is overwritten unless accumulating); `last`: the last one.
pub fn storeTile(
    comptime T: type,
    acc: *Kernel(T).Acc,
    c: Matrix(T),
    row0: usize,
    col0: usize,
    rows: usize,
    cols: usize,
    ep: *const Epilogue(T),
    first: bool,
    last: bool,
) void {
    const K = Kernel(T);
    const L = K.lanes;
    const full = rows == K.mr and cols == K.nr and c.cs == 1;
    const add_old = !first or ep.accumulate;
    const flat: *[K.mr][K.nr]T = @ptrCast(acc);
    if (add_old) {
        if (full) {
            inline for (0..K.mr) |i| {
                const p: [*]const T = @ptrCast(c.at(row0 + i, col0));
                inline for (0..K.nv) |j| acc[i][j] = add(acc[i][j], p[j * L ..][0..L].*);
            }
        } else {
            for (0..rows) |i| {
                for (0..cols) |j| flat[i][j] = add(flat[i][j], c.at(row0 + i, col0 + j).*);
            }
        }
    }
    if (last) finishTile(T, acc, col0, cols, ep);
    if (full) {
        inline for (0..K.mr) |i| {
            const p: [*]T = @ptrCast(c.at(row0 + i, col0));
            inline for (0..K.nv) |j| p[j * L ..][0..L].* = acc[i][j];
        }
        return;
    }
    for (0..rows) |i| {
        for (0..cols) |j| c.at(row0 + i, col0 + j).* = flat[i][j];
    }
}

/// Adds the bias and applies the activation to a whole tile.
fn finishTile(
    comptime T: type,
    acc: *Kernel(T).Acc,
    col0: usize,
    cols: usize,
    ep: *const Epilogue(T),
) void {
    const K = Kernel(T);
    if (ep.bias) |bias| {
        var row: [K.nr]T = @splat(0);
        for (0..cols) |j| {
            const e = @as(isize, @intCast(col0 + j)) * ep.bias_stride;
            row[j] = strided.ptrAt(T, bias, e);
        }
        inline for (0..K.nv) |j| {
            const rv: K.V = row[j * K.lanes ..][0..K.lanes].*;
            inline for (0..K.mr) |i| acc[i][j] = add(acc[i][j], rv);
        }
    }
    if (ep.activation == .none) return;
    inline for (0..K.mr) |i| {
        inline for (0..K.nv) |j| acc[i][j] = activate(K.V, acc[i][j], ep.activation);
    }
}

// ---- driver ----

/// The compute type of a storage dtype: half and fp8 formats widen to f32, i8 to i32.
pub fn ComputeOf(comptime d: dt.DType) type {
    return if (d == .i8) i32 else dt.Compute(d);
}

/// One GEMM: C[m, n] = alpha · A[m, k] · B[k, n] (+ C) (+ bias, activation).
pub fn Problem(comptime d: dt.DType) type {
    const T = ComputeOf(d);
    return struct {
        m: usize,
        n: usize,
        k: usize,
        a: Matrix(dt.Storage(d)),
        b: Matrix(dt.Storage(d)),
        c: Matrix(T),
        alpha: T = 1,
        ep: Epilogue(T) = .{},
    };
}

/// Packing buffers of the calling thread, mapped on first use and grown when a larger one is
/// needed; kept for the thread's life so that kernels allocate nothing on the hot path.
threadlocal var a_scratch: []u8 = &.{};
threadlocal var b_scratch: []u8 = &.{};

fn scratch(comptime T: type, slot: *[]u8, count: usize) ?[*]T {
    const bytes = count * @sizeOf(T) + 64;
    if (slot.len < bytes) {
        if (slot.len > 0) std.heap.page_allocator.free(slot.*);
        slot.* = &.{};
        slot.* = std.heap.page_allocator.alloc(u8, bytes) catch return null;
    }
    const aligned = std.mem.alignForward(usize, @intFromPtr(slot.ptr), 64);
    return @ptrFromInt(aligned);
}

/// Problems below this many multiply-adds run on the calling thread only.
const parallel_min_madds: usize = 64 * 64 * 64;

/// Runs one GEMM, on the pool when `may_parallel` and it is large enough. Returns false when a
/// packing buffer could not be allocated (C is then incomplete).
pub fn run(comptime d: dt.DType, prob: *const Problem(d), may_parallel: bool) bool {
    const T = ComputeOf(d);
    if (prob.m == 0 or prob.n == 0) return true;
    if (prob.k == 0) {
        writeEmptyDepth(T, prob.c, prob.m, prob.n, &prob.ep);
        return true;
    }
    const threads: usize = if (may_parallel and prob.m *| prob.n *| prob.k >= parallel_min_madds)
        pool.threadCount()
    else
        1;
    var blocking = blockingOf(T).*;
    const bp = scratch(T, &b_scratch, (blocking.nc + Kernel(T).nr) * blocking.kc) orelse
        return false;
    // Even blocks instead of full ones and a sliver: K = 1030 runs as 344 + 343 + 343, not
    // 512 + 512 + 6. KC depends on K alone, so the summation order stays thread-independent.
    blocking.kc = evenSplit(prob.k, blocking.kc, 1);
    blocking.nc = evenSplit(prob.n, blocking.nc, Kernel(T).nr);
    var failed = std.atomic.Value(bool).init(false);
    var jc: usize = 0;
    while (jc < prob.n) : (jc += blocking.nc) {
        const nc = @min(blocking.nc, prob.n - jc);
        var pc: usize = 0;
        while (pc < prob.k) : (pc += blocking.kc) {
            const kc = @min(blocking.kc, prob.k - pc);
            const block = Block(d){
                .prob = prob,
                .bp = bp,
                .jc = jc,
                .nc = nc,
                .pc = pc,
                .kc = kc,
                .first = pc == 0,
                .last = pc + kc == prob.k,
                .failed = &failed,
            };
            block.runPacking(threads);
            block.runCompute(threads, blocking.mc);
        }
    }
    return !failed.load(.acquire);
}

/// C = epilogue(0) (or the epilogue of C itself when accumulating) for K = 0.
fn writeEmptyDepth(
    comptime T: type,
    c: Matrix(T),
    m: usize,
    n: usize,
    ep: *const Epilogue(T),
) void {
    const K = Kernel(T);
    var row0: usize = 0;
    while (row0 < m) : (row0 += K.mr) {
        var col0: usize = 0;
        while (col0 < n) : (col0 += K.nr) {
            var acc: K.Acc = @splat(@splat(@splat(0)));
            const rows = @min(K.mr, m - row0);
            storeTile(T, &acc, c, row0, col0, rows, @min(K.nr, n - col0), ep, true, true);
        }
    }
}

/// One (jc, pc) block of the loop nest: B[pc.., jc..] packed once and shared, then M blocks
/// (and, when M is short, groups of N panels) handed to the threads.
fn Block(comptime d: dt.DType) type {
    const T = ComputeOf(d);
    const K = Kernel(T);
    return struct {
        const Self = @This();
        prob: *const Problem(d),
        bp: [*]T,
        jc: usize,
        nc: usize,
        pc: usize,
        kc: usize,
        first: bool,
        last: bool,
        failed: *std.atomic.Value(bool),
        mc: usize = 0,
        m_blocks: usize = 0,
        n_groups: usize = 1,
        group_cols: usize = 0,

        fn runPacking(self: *const Self, threads: usize) void {
            const panels = (self.nc + K.nr - 1) / K.nr;
            const tasks = if (threads > 1) @min(panels, threads * 2) else 1;
            const Pack = struct {
                block: *const Self,
                per_task: usize,
                fn one(raw: *const anyopaque, task: usize) void {
                    const ctx: *const @This() = @ptrCast(@alignCast(raw));
                    const blk = ctx.block;
                    const j_begin = @min(blk.nc, task * ctx.per_task * K.nr);
                    const j_end = @min(blk.nc, (task + 1) * ctx.per_task * K.nr);
                    const b = blk.prob.b;
                    const origin = Matrix(dt.Storage(d)){
                        .addr = @intFromPtr(b.at(blk.pc, blk.jc)),
                        .rs = b.rs,
                        .cs = b.cs,
                    };
                    packB(d, T, origin, blk.kc, j_begin, j_end, blk.bp);
                }
            };
            const ctx = Pack{ .block = self, .per_task = (panels + tasks - 1) / tasks };
            if (tasks == 1) Pack.one(&ctx, 0) else pool.parallelFor(tasks, &ctx, Pack.one);
        }

        fn runCompute(self: *const Self, threads: usize, mc_max: usize) void {
            var plan = self.*;
            const m = self.prob.m;
            var blocks = (m + mc_max - 1) / mc_max;
            blocks = (blocks + threads - 1) / threads * threads;
            plan.mc = roundUp((m + blocks - 1) / blocks, K.mr);
            plan.m_blocks = (m + plan.mc - 1) / plan.mc;
            const panels = (self.nc + K.nr - 1) / K.nr;
            plan.n_groups = if (plan.m_blocks < threads) @min(panels, threads) else 1;
            plan.group_cols = (panels + plan.n_groups - 1) / plan.n_groups * K.nr;
            const tasks = plan.m_blocks * plan.n_groups;
            if (threads == 1 or tasks == 1) {
                for (0..tasks) |t| computeTask(&plan, t);
            } else {
                pool.parallelFor(tasks, &plan, computeTask);
            }
        }

        fn computeTask(raw: *const anyopaque, task: usize) void {
            const self: *const Self = @ptrCast(@alignCast(raw));
            const prob = self.prob;
            const row0 = (task / self.n_groups) * self.mc;
            const rows = @min(self.mc, prob.m - row0);
            const j_begin = (task % self.n_groups) * self.group_cols;
            const j_end = @min(self.nc, j_begin + self.group_cols);
            if (j_begin >= j_end) return;
            const ap = scratch(T, &a_scratch, (self.mc + K.mr) * self.kc) orelse {
                self.failed.store(true, .release);
                return;
            };
            const a = prob.a;
            const origin = Matrix(dt.Storage(d)){
                .addr = @intFromPtr(a.at(row0, self.pc)),
                .rs = a.rs,
                .cs = a.cs,
            };
            packA(d, T, origin, rows, self.kc, prob.alpha, ap);
            var j = j_begin;
            while (j < j_end) : (j += K.nr) {
                const cols = @min(K.nr, j_end - j);
                const bpanel = self.bp + (j / K.nr) * K.nr * self.kc;
                var i: usize = 0;
                while (i < rows) : (i += K.mr) {
                    if (!self.first or prob.ep.accumulate) {
                        prefetchTile(T, prob.c, row0 + i, self.jc + j);
                    }
                    var acc: K.Acc = undefined;
                    K.tile(self.kc, ap + (i / K.mr) * K.mr * self.kc, bpanel, &acc);
                    const r = @min(K.mr, rows - i);
                    const c0 = self.jc + j;
                    const ep = &prob.ep;
                    storeTile(T, &acc, prob.c, row0 + i, c0, r, cols, ep, self.first, self.last);
                }
            }
        }
    };
}

/// Asks for the C tile that the micro-kernel is about to add to, so it arrives during the FMAs.
inline fn prefetchTile(comptime T: type, c: Matrix(T), row0: usize, col0: usize) void {
    const K = Kernel(T);
    inline for (0..K.mr) |i| {
        const p: [*]const u8 = @ptrCast(c.at(row0 + i, col0));
        inline for (0..(K.nr * @sizeOf(T) + 63) / 64) |line| {
            @prefetch(p + line * 64, .{ .rw = .write, .locality = 3 });
        }
    }
}

/// A zero of a storage type (bit pattern 0), for padding reads that never happen.
inline fn zeroOf(comptime S: type) S {
    return std.mem.zeroes(S);
}

/// The block size (a multiple of `step`, at most `max` rounded up to `step`) that covers
/// `total` in as few blocks as `max` allows, all of nearly equal size.
fn evenSplit(total: usize, max: usize, step: usize) usize {
    const blocks = @max(1, (total + max - 1) / max);
    return roundUp((total + blocks - 1) / blocks, step);
}

inline fn roundUp(x: usize, step: usize) usize {
    return (x + step - 1) / step * step;
}

test "run matches a plain triple loop for strided, negative-stride and ragged shapes" {
    const m = 13;
    const n = 70;
    const k = 29;
    var a: [m * k]f64 = undefined;
    var b: [k * n]f64 = undefined;
    for (&a, 0..) |*x, i| x.* = @floatFromInt(@as(i64, @intCast(i % 7)) - 3);
    for (&b, 0..) |*x, i| x.* = @floatFromInt(@as(i64, @intCast(i % 5)) - 2);
    var c: [m * n]f64 = undefined;
    // A is read transposed and B with its rows in reverse order.
    const prob = Problem(.f64){
        .m = m,
        .n = n,
        .k = k,
        .a = .{ .addr = @intFromPtr(&a), .rs = 1, .cs = m },
        .b = .{ .addr = @intFromPtr(&b[(k - 1) * n]), .rs = -n, .cs = 1 },
        .c = .{ .addr = @intFromPtr(&c), .rs = n, .cs = 1 },
    };
    try std.testing.expect(run(.f64, &prob, true));
    for (0..m) |i| {
        for (0..n) |j| {
            var want: f64 = 0;
            for (0..k) |p| want += a[p * m + i] * b[(k - 1 - p) * n + j];
            try std.testing.expectEqual(want, c[i * n + j]);
        }
    }
}
