//! Builds the numr CPU kernels (native/cpu) into one shared library.
//!
//!   zig build                          host library into zig-out/lib
//!   zig build -Dtarget=aarch64-macos   cross-compile (CI compiles all five release targets)
//!   zig build -Dcpu=x86_64_v3          pick the SIMD level (the TS loader builds per level)
//!   zig build test                     Zig unit tests

const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.option(std.builtin.OptimizeMode, "optimize", "default ReleaseFast") orelse .ReleaseFast;
    const name = b.option([]const u8, "name", "library file stem (default numr)") orelse "numr";

    const module = b.createModule(.{
        .root_source_file = b.path("native/cpu/root.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .pic = true,
    });
    // LLVM for every mode: Zig 0.15's own x86 backend (its Debug default) miscompiles some of the
    // vector math into multi-GiB stack frames.
    const lib = b.addLibrary(.{
        .name = name,
        .linkage = .dynamic,
        .root_module = module,
        .use_llvm = true,
    });
    b.installArtifact(lib);

    const test_module = b.createModule(.{
        .root_source_file = b.path("native/cpu/root.zig"),
        .target = target,
        .optimize = .Debug,
    });
    const tests = b.addTest(.{ .root_module = test_module });
    const run_tests = b.addRunArtifact(tests);
    b.step("test", "Run the Zig unit tests").dependOn(&run_tests.step);
}
