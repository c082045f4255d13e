//! The numr CPU library: every kernel family is one file; this root pulls them in so their
//! `export`s land in one shared library.

const pool = @import("pool.zig");

comptime {
    _ = @import("memory.zig");
}

const families = .{
    @import("unary.zig"),
    @import("cast.zig"),
    @import("fill.zig"),
    @import("binary.zig"),
    @import("compare.zig"),
    @import("ternary.zig"),
    @import("reduce.zig"),
    @import("index.zig"),
    @import("scan.zig"),
    @import("cplx.zig"),
    @import("sort.zig"),
    @import("matmul.zig"),
};

/// Every exported kernel, one "family op dtype" line each, so the TS side opens exactly the
/// symbols that exist and derives the coverage table from the library itself.
const manifest: [:0]const u8 = blk: {
    var s: []const u8 = "";
    for (families) |f| s = s ++ f.manifest;
    break :blk s ++ "";
};

export fn numr_manifest() [*:0]const u8 {
    return manifest.ptr;
}

/// Library ABI version; the TS loader refuses a library with another one.
export fn numr_abi_version() i32 {
    return 1;
}

/// Sets the thread count for later kernels (0: one per CPU).
export fn numr_set_threads(count: i32) void {
    pool.setThreads(if (count < 0) 0 else @intCast(count));
}

/// The thread count kernels use.
export fn numr_get_threads() i32 {
    return @intCast(pool.threadCount());
}

test {
    _ = @import("dtype.zig");
    _ = @import("pool.zig");
    _ = @import("strided.zig");
    _ = @import("simd.zig");
    _ = @import("cast.zig");
    _ = @import("fmath.zig");
    _ = @import("nary.zig");
    _ = @import("simd_ext.zig");
    _ = @import("binary.zig");
    _ = @import("compare.zig");
    _ = @import("ternary.zig");
    _ = @import("reduce.zig");
    _ = @import("scan.zig");
    _ = @import("cplx.zig");
    _ = @import("vmath.zig");
    _ = @import("complex.zig");
    _ = @import("unary.zig");
    _ = @import("index.zig");
    _ = @import("sort.zig");
    _ = @import("gemm.zig");
    _ = @import("matmul.zig");
}
