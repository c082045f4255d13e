//! One persistent thread pool for all kernels. `parallelFor` splits a task range over the
//! workers and the calling thread, and returns when every task is done. Workers spin briefly and
//! then sleep on a futex, so a burst of kernel calls does not pay a wake-up each.

const std = @import("std");
const builtin = @import("builtin");

pub const threads_max = 64;
const spin_iterations_max = 20_000;

const Job = struct {
    func: *const fn (ctx: *const anyopaque, task: usize) void,
    ctx: *const anyopaque,
    task_count: usize,
};

var workers: [threads_max]std.Thread = undefined;
var workers_started: u32 = 0;
/// Threads that run a job, the caller included. Set by `setThreads` or the CPU count.
var threads_wanted: u32 = 0;

var job: Job = undefined;
var generation = std.atomic.Value(u32).init(0);
var next_task = std.atomic.Value(usize).init(0);
/// Workers that finished the current generation's job. A job ends when every worker checked out,
/// so no worker can still be touching it when the next job is written.
var checked_out = std.atomic.Value(u32).init(0);

/// Sets the number of threads (including the caller) used by later calls; 0 means the CPU count.
pub fn setThreads(count: u32) void {
    threads_wanted = @min(count, threads_max);
    if (threads_wanted == 0) threads_wanted = cpuCount();
}

fn cpuCount() u32 {
    const cpus = std.Thread.getCpuCount() catch 1;
    return @intCast(@min(cpus, threads_max));
}

/// The number of threads a job runs on.
pub fn threadCount() u32 {
    if (builtin.single_threaded) return 1;
    if (threads_wanted == 0) threads_wanted = cpuCount();
    return threads_wanted;
}

fn ensureWorkers(count: u32) void {
    while (workers_started + 1 < count) {
        const index = workers_started;
        const seen = generation.load(.acquire);
        const options: std.Thread.SpawnConfig = .{ .stack_size = 256 * 1024 };
        workers[index] = std.Thread.spawn(options, workerMain, .{seen}) catch return;
        workers_started += 1;
    }
}

fn runTasks(j: *const Job) void {
    while (true) {
        const task = next_task.fetchAdd(1, .acq_rel);
        if (task >= j.task_count) return;
        j.func(j.ctx, task);
    }
}

fn workerMain(first_seen: u32) void {
    var seen = first_seen;
    while (true) {
        var spins: u32 = 0;
        while (generation.load(.acquire) == seen) {
            if (spins < spin_iterations_max) {
                std.atomic.spinLoopHint();
                spins += 1;
            } else {
                std.Thread.Futex.wait(&generation, seen);
            }
        }
        seen +%= 1;
        std.debug.assert(generation.load(.acquire) == seen);
        runTasks(&job);
        _ = checked_out.fetchAdd(1, .acq_rel);
    }
}

/// Held by the thread whose job the pool runs. Another caller (a second JS worker thread, or a
/// task that calls parallelFor itself) does not wait for it: it runs its tasks on its own thread.
var owner = std.atomic.Value(bool).init(false);

/// Runs `func(ctx, task)` for every task in `[0, task_count)`, spread over the pool; returns when
/// all are done. Tasks must be independent. Safe to call from several threads at once: one job
/// uses the pool at a time, the others run serially on their callers (results never depend on
/// the thread count).
pub fn parallelFor(
    task_count: usize,
    ctx: *const anyopaque,
    func: *const fn (ctx: *const anyopaque, task: usize) void,
) void {
    if (task_count == 0) return;
    const count = threadCount();
    if (task_count == 1 or count <= 1) {
        for (0..task_count) |t| func(ctx, t);
        return;
    }
    if (owner.cmpxchgStrong(false, true, .acquire, .monotonic) != null) {
        for (0..task_count) |t| func(ctx, t);
        return;
    }
    defer owner.store(false, .release);
    ensureWorkers(count);
    const started = workers_started;
    if (started == 0) {
        for (0..task_count) |t| func(ctx, t);
        return;
    }
    job = .{ .func = func, .ctx = ctx, .task_count = task_count };
    next_task.store(0, .release);
    checked_out.store(0, .release);
    _ = generation.fetchAdd(1, .acq_rel);
    std.Thread.Futex.wake(&generation, threads_max);
    runTasks(&job);
    while (checked_out.load(.acquire) < started) std.atomic.spinLoopHint();
}

/// Convenience: splits `[0, n)` into chunks of at least `grain` items, one task per chunk, and
/// calls `body(ctx, begin, end)` for each.
pub fn parallelRange(
    comptime Ctx: type,
    ctx: *const Ctx,
    n: usize,
    grain: usize,
    comptime body: fn (ctx: *const Ctx, begin: usize, end: usize) void,
) void {
    std.debug.assert(grain > 0);
    const threads = threadCount();
    if (n <= grain or threads <= 1) {
        body(ctx, 0, n);
        return;
    }
    // A few chunks per thread balance uneven progress without much scheduling cost.
    const chunks_wanted = @min(n / grain, @as(usize, threads) * 4);
    const chunk = (n + chunks_wanted - 1) / chunks_wanted;
    const chunk_count = (n + chunk - 1) / chunk;
    const Wrap = struct {
        ctx: *const Ctx,
        n: usize,
        chunk: usize,
        fn run(raw: *const anyopaque, task: usize) void {
            const self: *const @This() = @ptrCast(@alignCast(raw));
            const begin = task * self.chunk;
            const end = @min(begin + self.chunk, self.n);
            body(self.ctx, begin, end);
        }
    };
    const wrap = Wrap{ .ctx = ctx, .n = n, .chunk = chunk };
    parallelFor(chunk_count, &wrap, Wrap.run);
}

test "parallelFor runs every task once" {
    const Ctx = struct {
        hits: [1000]std.atomic.Value(u32),
        fn run(raw: *const anyopaque, task: usize) void {
            const self: *const @This() = @ptrCast(@alignCast(raw));
            _ = @constCast(&self.hits[task]).fetchAdd(1, .monotonic);
        }
    };
    var ctx: Ctx = undefined;
    for (&ctx.hits) |*h| h.* = std.atomic.Value(u32).init(0);
    setThreads(4);
    for (0..50) |_| parallelFor(1000, &ctx, Ctx.run);
    for (&ctx.hits) |*h| try std.testing.expectEqual(@as(u32, 50), h.load(.monotonic));
}
