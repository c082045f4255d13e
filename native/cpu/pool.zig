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
/// Set while the library is being unloaded: workers return instead of taking a job.
var quitting = std.atomic.Value(bool).init(false);
/// Whether workers may be started: only when they can be stopped before the library is unmapped
/// (ELF and Mach-O unload hooks below) or the library can never be unmapped (Windows, pinned).
var may_spawn: ?bool = null;

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
    if (may_spawn == null) may_spawn = canOutliveUnload();
    if (!may_spawn.?) return;
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
        if (quitting.load(.acquire)) return;
        std.debug.assert(generation.load(.acquire) == seen);
        runTasks(&job);
        _ = checked_out.fetchAdd(1, .acq_rel);
    }
}

/// Held by the thread whose job the pool runs. Another caller (a second JS worker thread, or a
/// task that calls parallelFor itself) does not wait for it: it runs its tasks on its own thread.
var owner = std.atomic.Value(bool).init(false);
/// Stops and joins the workers. The host unloading the library (Deno does at exit) runs this
/// first, so that no worker is left spinning in code that is about to be unmapped.
fn stopWorkers() callconv(.c) void {
    if (workers_started == 0) return;
    quitting.store(true, .release);
    _ = generation.fetchAdd(1, .acq_rel);
    std.Thread.Futex.wake(&generation, threads_max);
    for (workers[0..workers_started]) |w| w.join();
    workers_started = 0;
    quitting.store(false, .release);
}

/// Section whose function pointers the dynamic loader calls when it unloads the library (the
/// self-hosted backend of Debug test builds cannot place exports in sections; tests need none).
const unload_section: ?[]const u8 = if (builtin.zig_backend != .stage2_llvm)
    null
else switch (builtin.object_format) {
    .elf => ".fini_array",
    .macho => "__DATA,__mod_term_func",
    else => null,
};

const stop_workers_entry: *const fn () callconv(.c) void = &stopWorkers;

comptime {
    if (unload_section) |section| {
        @export(&stop_workers_entry, .{
            .name = "numr_pool_unload",
            .section = section,
            .visibility = .hidden,
        });
    }
}

const kernel32 = struct {
    const flag_from_address = 0x4;
    const flag_pin = 0x1;
    extern "kernel32" fn GetModuleHandleExW(
        flags: u32,
        name: ?*const anyopaque,
        module: *?*anyopaque,
    ) callconv(.winapi) i32;
};

/// Whether workers can be started safely. An executable (the unit tests) is never unloaded; a
/// shared library needs libc threads and an unload hook; Windows gives a DLL no safe point to join
/// threads at unload, so the DLL is pinned instead.
fn canOutliveUnload() bool {
    if (builtin.single_threaded) return false;
    if (builtin.output_mode == .Exe) return true;
    if (builtin.os.tag == .windows) {
        var module: ?*anyopaque = null;
        const flags = kernel32.flag_from_address | kernel32.flag_pin;
        return kernel32.GetModuleHandleExW(flags, @ptrCast(&stopWorkers), &module) != 0;
    }
    return unload_section != null and builtin.link_libc;
}

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
    // Wait for every worker to check out. When the machine has fewer free cores than threads, a
    // worker may not even have woken yet: after a short spin, give it the core.
    var spins: u32 = 0;
    while (checked_out.load(.acquire) < started) {
        if (spins < spin_iterations_max) {
            std.atomic.spinLoopHint();
            spins += 1;
        } else {
            std.Thread.yield() catch {};
        }
    }
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
