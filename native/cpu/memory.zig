//! Memory advice for large CPU buffers. NumPy asks Linux for transparent huge pages on arrays of
//! 4 MiB and more; a fresh output then faults in 2 MiB at a time instead of 4 KiB, which is most
//! of the cost of writing a new 64 MiB result on a machine with slow page faults.

const std = @import("std");
const builtin = @import("builtin");

const huge_page_bytes: usize = 2 * 1024 * 1024;

/// Advises huge pages for the 2 MiB-aligned interior of `[base, base + bytes)`, before the memory
/// is first touched. A no-op off Linux, for small ranges, and when the kernel refuses; returns 0
/// when advice was given, 1 otherwise.
export fn numr_advise_hugepage(base: ?*anyopaque, bytes: f64) i32 {
    if (builtin.os.tag != .linux) return 1;
    if (base == null or !(bytes >= 0 and bytes < 9.0e15)) return 1;
    const start_raw = @intFromPtr(base);
    const end_raw = start_raw + @as(usize, @intFromFloat(bytes));
    const start = std.mem.alignForward(usize, start_raw, huge_page_bytes);
    const end = std.mem.alignBackward(usize, end_raw, huge_page_bytes);
    if (end <= start) return 1;
    const ptr: [*]align(std.heap.page_size_min) u8 = @ptrFromInt(start);
    std.posix.madvise(ptr, end - start, std.os.linux.MADV.HUGEPAGE) catch return 1;
    return 0;
}
