//! Times the GEMM engine directly (no FFI), for tuning the micro-kernel and the blocking:
//!   zig build-exe -OReleaseFast -mcpu=native -lc --dep numr -Mroot=bench/native/bench_gemm.zig \
//!     -Mnumr=native/cpu/gemm.zig && ./bench_gemm f32 1024 2 [kc mc nc]
const std = @import("std");
const gemm = @import("numr");
const pool = gemm.pool;

fn bench(comptime d: anytype, n: usize, threads: u32, args: []const []const u8) !void {
    const T = gemm.ComputeOf(d);
    const alloc = std.heap.page_allocator;
    const a = try alloc.alloc(T, n * n);
    const b = try alloc.alloc(T, n * n);
    const c = try alloc.alloc(T, n * n);
    var rng = std.Random.DefaultPrng.init(1);
    for (a) |*x| x.* = rng.random().float(T) - 0.5;
    for (b) |*x| x.* = rng.random().float(T) - 0.5;
    pool.setThreads(threads);
    const bl = gemm.blockingOf(T);
    if (args.len >= 3) bl.* = .{
        .kc = try std.fmt.parseInt(usize, args[0], 10),
        .mc = try std.fmt.parseInt(usize, args[1], 10),
        .nc = try std.fmt.parseInt(usize, args[2], 10),
    };
    const prob = gemm.Problem(d){
        .m = n,
        .n = n,
        .k = n,
        .a = .{ .addr = @intFromPtr(a.ptr), .rs = @intCast(n), .cs = 1 },
        .b = .{ .addr = @intFromPtr(b.ptr), .rs = @intCast(n), .cs = 1 },
        .c = .{ .addr = @intFromPtr(c.ptr), .rs = @intCast(n), .cs = 1 },
    };
    const flops = 2.0 * @as(f64, @floatFromInt(n * n * n));
    const reps: usize = @max(3, @min(50, @as(usize, @intFromFloat(2e10 / flops))));
    var best: f64 = 1e30;
    var times: [64]f64 = undefined;
    for (0..reps + 1) |r| {
        var timer = try std.time.Timer.start();
        _ = gemm.run(d, &prob, true);
        const t = @as(f64, @floatFromInt(timer.read())) * 1e-9;
        if (r > 0) {
            times[r - 1] = t;
            best = @min(best, t);
        }
    }
    std.mem.sort(f64, times[0..reps], {}, std.sort.asc(f64));
    // Spot-check a few elements against a plain dot product.
    var err: f64 = 0;
    for (0..16) |s| {
        const i = (s * 7919) % n;
        const j = (s * 104729) % n;
        var ref: f64 = 0;
        for (0..n) |p| ref += @as(f64, a[i * n + p]) * @as(f64, b[p * n + j]);
        err = @max(err, @abs(ref - @as(f64, c[i * n + j])));
    }
    const fmt = "{s} n={d} t={d} kc={d} mc={d} nc={d} best {d:.1} GF/s median {d:.1} GF/s " ++
        "maxerr {e:.2}\n";
    const median = times[reps / 2];
    std.debug.print(fmt, .{
        @tagName(d),        n,                    threads, bl.kc, bl.mc, bl.nc,
        flops / best / 1e9, flops / median / 1e9, err,
    });
}

pub fn main() !void {
    const args = try std.process.argsAlloc(std.heap.page_allocator);
    const n = try std.fmt.parseInt(usize, args[2], 10);
    const threads = try std.fmt.parseInt(u32, args[3], 10);
    if (std.mem.eql(u8, args[1], "f64")) {
        try bench(.f64, n, threads, args[4..]);
    } else {
        try bench(.f32, n, threads, args[4..]);
    }
}
