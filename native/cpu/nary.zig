//! Elementwise kernels with one to three inputs and one output, built at comptime from an op
//! struct. The binary, compare and ternary families (and logicalNot) share this builder.
//!
//! A run of the strided walk takes the SIMD path when the output is contiguous and every input
//! is contiguous or a broadcast scalar (stride 0): a stride-0 input is splatted once per run, so
//! `x + 2` and `where(mask, x, 0)` stream like same-shape ops. Other runs take the scalar path.

const std = @import("std");
const dt = @import("dtype.zig");
const strided = @import("strided.zig");
const simd_ext = @import("simd_ext.zig");
const map = @import("map.zig");

/// Kernel state for inputs of dtypes `ins` and an output of dtype `out`. `Op` provides:
/// - `scalar(x0, x1, ...)`: compute values in (see `dt.Compute`), one value out (a `bool` for
///   bool outputs);
/// - optionally `vector(v0, v1, ...)`: the same on `@Vector(lanes, Compute)` values;
/// - optionally `invalid(x0, x1, ...) bool`: a domain check; any invalid element makes the kernel
///   return `Status.domain_error` (the output is then garbage and the caller discards it).
pub fn Nary(comptime ins: []const dt.DType, comptime out: dt.DType, comptime Op: type) type {
    const NI = ins.len;
    const N = NI + 1;
    comptime std.debug.assert(NI >= 1 and NI <= 3);
    return struct {
        const Types: [N]type = blk: {
            var t: [N]type = undefined;
            for (ins, 0..) |d, k| t[k] = dt.Storage(d);
            t[NI] = dt.Storage(out);
            break :blk t;
        };

        const checked = @hasDecl(Op, "invalid");
        /// Complex dtypes take the SIMD path only for ops whose vector function handles
        /// ComplexVec values (`complex_vector = true`).
        const vectorized = blk: {
            if (!@hasDecl(Op, "vector") or checked) break :blk false;
            const complex_ok = @hasDecl(Op, "complex_vector") and Op.complex_vector;
            for (ins ++ [_]dt.DType{out}) |d| {
                if (dt.isComplex(d) and !complex_ok) break :blk false;
            }
            break :blk true;
        };

        /// Lanes per vector step: two registers of the widest compute type involved.
        const lanes: usize = blk: {
            var n: usize = simd_ext.lanes(out);
            for (ins) |d| n = @min(n, simd_ext.lanes(d));
            break :blk n;
        };

        const ScalarArgs = std.meta.Tuple(&blk: {
            var t: [NI]type = undefined;
            for (ins, 0..) |d, k| t[k] = dt.Compute(d);
            break :blk t;
        });
        const VectorArgs = std.meta.Tuple(&blk: {
            var t: [NI]type = undefined;
            for (ins, 0..) |d, k| t[k] = simd_ext.Vec(d, lanes);
            break :blk t;
        });

        const Ctx = struct { fault: *std.atomic.Value(u32) };

        inline fn outScalar(v: anytype) dt.Compute(out) {
            if (@TypeOf(v) == bool) return @intFromBool(v);
            return v;
        }

        inline fn outVector(v: anytype) simd_ext.Vec(out, lanes) {
            if (comptime dt.isComplex(out)) return v;
            if (@typeInfo(@TypeOf(v)).vector.child == bool) {
                const one: @Vector(lanes, u8) = @splat(1);
                const zero: @Vector(lanes, u8) = @splat(0);
                return @select(u8, v, one, zero);
            }
            return v;
        }

        fn run(ctx: Ctx, ptrs: [N]usize, strides: [N]isize, len: usize) void {
            if (comptime vectorized) {
                if (strides[NI] == 1 and len >= lanes) {
                    var streamable = true;
                    inline for (0..NI) |k| {
                        streamable = streamable and (strides[k] == 0 or strides[k] == 1);
                    }
                    if (streamable) return simdRun(ptrs, strides, len);
                }
            }
            scalarRun(ctx, ptrs, strides, len);
        }

        /// Contiguous output; each input is contiguous (stride 1) or a broadcast scalar (stride 0).
        /// A broadcast input is copied into a one-vector buffer that the loop reads without
        /// advancing, so one loop serves every mix (`x + y`, `x * 2`, `where(m, x, 0)`).
        fn simdRun(ptrs: [N]usize, strides: [N]isize, len: usize) void {
            const yp: [*]Types[NI] = @ptrFromInt(ptrs[NI]);
            var splat_buffers: std.meta.Tuple(&blk: {
                var t: [NI]type = undefined;
                for (0..NI) |k| t[k] = [lanes]Types[k];
                break :blk t;
            }) = undefined;
            var sources: [NI]usize = undefined;
            var steps: [NI]usize = undefined;
            inline for (0..NI) |k| {
                if (strides[k] == 0) {
                    const p: *const Types[k] = @ptrFromInt(ptrs[k]);
                    @memset(&splat_buffers[k], p.*);
                    sources[k] = @intFromPtr(&splat_buffers[k]);
                    steps[k] = 0;
                } else {
                    sources[k] = ptrs[k];
                    steps[k] = lanes * @sizeOf(Types[k]);
                }
            }
            var i: usize = 0;
            while (i + lanes <= len) : (i += lanes) {
                var args: VectorArgs = undefined;
                inline for (0..NI) |k| {
                    const p: [*]const Types[k] = @ptrFromInt(sources[k]);
                    args[k] = simd_ext.loadVec(ins[k], lanes, p);
                    sources[k] += steps[k];
                }
                const r = @call(.always_inline, Op.vector, args);
                simd_ext.storeVec(out, lanes, yp + i, outVector(r));
            }
            while (i < len) : (i += 1) {
                var args: ScalarArgs = undefined;
                inline for (0..NI) |k| {
                    const p: [*]const Types[k] = @ptrFromInt(ptrs[k]);
                    args[k] = dt.load(ins[k], p[if (strides[k] == 0) 0 else i]);
                }
                yp[i] = dt.store(out, outScalar(@call(.always_inline, Op.scalar, args)));
            }
        }

        fn scalarRun(ctx: Ctx, ptrs: [N]usize, strides: [N]isize, len: usize) void {
            var at: [N]isize = @splat(0);
            var bad = false;
            for (0..len) |_| {
                var args: ScalarArgs = undefined;
                inline for (0..NI) |k| {
                    args[k] = dt.load(ins[k], map.ptrAt(Types[k], @ptrFromInt(ptrs[k]), at[k]));
                }
                if (comptime checked) bad = bad or @call(.always_inline, Op.invalid, args);
                const y = map.ptrAtMut(Types[NI], @ptrFromInt(ptrs[NI]), at[NI]);
                y.* = dt.store(out, outScalar(@call(.always_inline, Op.scalar, args)));
                inline for (0..N) |k| at[k] += strides[k];
            }
            if (comptime checked) {
                if (bad) ctx.fault.store(1, .monotonic);
            }
        }

        /// Checks the arguments, then walks the layout (in parallel when large).
        pub fn execute(bases: [N]?*anyopaque, offsets: [N]f64, meta: [*]const f64) i32 {
            const bad_layout = @intFromEnum(map.Status.bad_layout);
            const layout = strided.Layout(N).decode(meta) orelse return bad_layout;
            if (layout.size == 0) return @intFromEnum(map.Status.ok);
            var addrs: [N]usize = undefined;
            inline for (0..N) |k| {
                if (bases[k] == null) return @intFromEnum(map.Status.null_pointer);
                if (!(offsets[k] >= 0 and offsets[k] < 9.0e15)) return bad_layout;
                addrs[k] = strided.elementAddr(bases[k], offsets[k], @sizeOf(Types[k]));
            }
            var fault = std.atomic.Value(u32).init(0);
            strided.walk(N, Types, &layout, addrs, Ctx{ .fault = &fault }, run);
            if (fault.load(.monotonic) != 0) return @intFromEnum(map.Status.domain_error);
            return @intFromEnum(map.Status.ok);
        }
    };
}

const P = ?*anyopaque;
const Meta = [*]const f64;

/// The unary-signature export: `(x, x_off, y, y_off, meta) i32`.
pub fn export1(comptime K: type) fn (P, f64, P, f64, Meta) callconv(.c) i32 {
    return struct {
        fn f(x: P, x_off: f64, y: P, y_off: f64, meta: Meta) callconv(.c) i32 {
            return K.execute(.{ x, y }, .{ x_off, y_off }, meta);
        }
    }.f;
}

/// The binary-signature export: `(a, a_off, b, b_off, y, y_off, meta) i32`.
pub fn export2(comptime K: type) fn (P, f64, P, f64, P, f64, Meta) callconv(.c) i32 {
    return struct {
        fn f(a: P, a_off: f64, b: P, b_off: f64, y: P, y_off: f64, meta: Meta) callconv(.c) i32 {
            return K.execute(.{ a, b, y }, .{ a_off, b_off, y_off }, meta);
        }
    }.f;
}

/// The ternary-signature export: `(a, a_off, b, b_off, c, c_off, y, y_off, meta) i32`.
pub fn export3(comptime K: type) fn (P, f64, P, f64, P, f64, P, f64, Meta) callconv(.c) i32 {
    return struct {
        fn f(
            a: P,
            a_off: f64,
            b: P,
            b_off: f64,
            c: P,
            c_off: f64,
            y: P,
            y_off: f64,
            meta: Meta,
        ) callconv(.c) i32 {
            return K.execute(.{ a, b, c, y }, .{ a_off, b_off, c_off, y_off }, meta);
        }
    }.f;
}

/// "family op dtype" lines for every (op, dtype) of a table.
pub fn manifestOf(comptime family: []const u8, comptime entries: anytype) []const u8 {
    @setEvalBranchQuota(100_000);
    comptime var s: []const u8 = "";
    inline for (entries) |e| {
        inline for (e.dtypes) |d| s = s ++ family ++ " " ++ e.name ++ " " ++ @tagName(d) ++ "\n";
    }
    return s;
}

test "a broadcast scalar streams through the SIMD path" {
    const Add = struct {
        pub inline fn scalar(a: f32, b: f32) f32 {
            return a + b;
        }
        pub inline fn vector(a: anytype, b: @TypeOf(a)) @TypeOf(a) {
            return a + b;
        }
    };
    const K = Nary(&.{ .f32, .f32 }, .f32, Add);
    var a: [37]f32 = undefined;
    for (&a, 0..) |*v, i| v.* = @floatFromInt(i);
    var b = [_]f32{10};
    var y: [37]f32 = undefined;
    const meta = [_]f64{ 1, 37, 1, 0, 1 };
    const status = K.execute(.{ &a, &b, &y }, .{ 0, 0, 0 }, &meta);
    try std.testing.expectEqual(@as(i32, 0), status);
    for (y, 0..) |v, i| try std.testing.expectEqual(@as(f32, @floatFromInt(i)) + 10, v);
}
