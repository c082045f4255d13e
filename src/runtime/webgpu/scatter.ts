// WebGPU scatter over an indexed walk (see IndexWalk in ../backend.ts), deterministic and equal
// to the CPU kernel bit for bit (native/cpu/index.zig): the CPU applies the updates on one
// thread in iteration order after validating every index. Here:
//
// 1. `init` resets a one-word "first bad position" cell; `check` runs one thread per iteration
//    position and `atomicMin`s the position of any bad index into it (so the first bad index in
//    iteration order is found whatever the thread schedule).
// 2. `apply` runs one thread per *lane*: the iteration dims the target walks by its own strides
//    (indexedStrides ≠ 0). Two lanes never reach the same target element when those dims and the
//    indexed dims address the target without overlap (checked in TS; otherwise everything is one
//    lane), so all updates of one element come from one thread, which walks the remaining dims
//    in iteration order: the same sequence of combines as the CPU, with no float atomics. When
//    the check found a bad index, `apply` writes nothing (the target is untouched) and raises
//    the device error flag with that index, thrown as IndexOutOfBounds at the next read.
//
// Modes: assign (last duplicate wins), sum, prod, max, min (NaN propagates; complex orders
// lexicographically), with `includeSelf` off starting each touched element from the identity
// (sum/prod) or from one of its updates (max/min), as the CPU does.

import type { Tensor } from "../../tensor/tensor.ts";
import type { IndexWalk, ScatterMode } from "../backend.ts";
import { ERROR_CODES, type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { indexValue, walkGrid } from "./gather.ts";
import { assignBindings, entry, renderHeader, WORKGROUP } from "./wgsl/codegen.ts";
import { classOf } from "./wgsl/ops.ts";
import { withHelpers } from "./wgsl/helpers.ts";
import { type WgslType, wgslType } from "./wgsl/types.ts";

const M = {
  n: 0,
  nd: 1,
  soff: 2,
  ioff: 3,
  yoff: 4,
  m: 5,
  cstride: 6,
  lanes: 7,
  nl: 8,
  ns: 9,
  dims: 12,
} as const;

type Phase = "init" | "check" | "apply";

/** `acc ∘ v` of a mode on a compute class (the CPU's Reduce.apply). */
function combine(mode: ScatterMode, t: WgslType): string {
  const c = classOf(t);
  const nan = "is_nan(acc) || (!is_nan(v) && acc";
  const table: Record<string, Record<Exclude<ScatterMode, "assign">, string>> = {
    f: {
      sum: "acc + v",
      prod: "acc * v",
      max: `select(v, acc, ${nan} >= v))`,
      min: `select(v, acc, ${nan} <= v))`,
    },
    i: { sum: "acc + v", prod: "acc * v", max: "max(acc, v)", min: "min(acc, v)" },
    u: { sum: "acc + v", prod: "acc * v", max: "max(acc, v)", min: "min(acc, v)" },
    b: { sum: "acc || v", prod: "acc && v", max: "acc || v", min: "acc && v" },
    c: {
      sum: "acc + v",
      prod: "cmul(acc, v)",
      max: "select(v, acc, cnan(acc) || cge(acc, v))",
      min: "select(v, acc, cnan(acc) || cge(v, acc))",
    },
    l: {
      sum: "add64(acc, v)",
      prod: "mul64(acc, v)",
      max: "select(v, acc, !lt_i64(acc, v))",
      min: "select(v, acc, !lt_i64(v, acc))",
    },
    ul: {
      sum: "add64(acc, v)",
      prod: "mul64(acc, v)",
      max: "select(v, acc, !lt_u64(acc, v))",
      min: "select(v, acc, !lt_u64(v, acc))",
    },
  };
  if (mode === "assign") return "v";
  return table[c][mode];
}

/** The starting value of a touched element when `includeSelf` is off (the CPU's Reduce.start). */
function start(mode: ScatterMode, t: WgslType): string {
  if (mode !== "sum" && mode !== "prod") return "v";
  const one = mode === "prod";
  switch (classOf(t)) {
    case "f":
      return one ? "1.0" : "0.0";
    case "i":
      return one ? "1" : "0";
    case "u":
      return one ? "1u" : "0u";
    case "b":
      return one ? "true" : "false";
    case "c":
      return one ? "vec2<f32>(1.0, 0.0)" : "vec2<f32>(0.0, 0.0)";
    default:
      return one ? "vec2<u32>(1u, 0u)" : "vec2<u32>(0u, 0u)";
  }
}

const CPLX_ORDER = `
fn cge(a: vec2<f32>, b: vec2<f32>) -> bool {
  if (cnan(a) || cnan(b)) { return false; }
  return a.x > b.x || (a.x == b.x && a.y >= b.y);
}`;

function render(
  phase: Phase,
  idx: WgslType,
  t: WgslType,
  mode: ScatterMode,
  includeSelf: boolean,
  aliased: boolean,
): string {
  // Operands: 0 = src (direct), 1 = index, 2 = y (indexed target).
  const { operands, bindings } = assignBindings([t, idx, t], [0, 1, aliased ? 0 : 2], 1);
  // Every phase names every binding (the pipeline layout is derived from the shader).
  const w = (r: WgslType, e: string) => (r.raw === "u32" ? e : `${e}.x`);
  const touch = `fn touch() {
  atomicStore(&ERR[3], ${w(t, "rl0(0)")} + ${w(idx, "rl1(0)")} + ${w(t, "rl2(0)")} +
    atomicLoad(&BAD[0]) + mtu(0));
}`;
  const nb = bindings.length;
  const head = [
    renderHeader(operands, bindings, 1),
    classOf(t) === "c" ? CPLX_ORDER : "",
    `@group(0) @binding(${nb + 1}) var<storage, read_write> BAD: array<atomic<u32>>;`,
    `@group(0) @binding(${nb + 2}) var<storage, read_write> ERR: array<atomic<u32>>;`,
    `fn idx(w: ${idx.raw}, size: i32) -> vec2<i32> { ${indexValue(idx)} }`,
    // The index element offset and the target offset (without index components) of position
    // p over the full iteration shape.
    `fn locate(p: i32) -> vec2<i32> {
  let nd = mt(${M.nd});
  var ei = mt(${M.ioff}); var ey = mt(${M.yoff});
  var rest = p;
  for (var d = nd - 1; d >= 0; d--) {
    let s = mt(${M.dims} + d);
    let c = rest % s; rest = rest / s;
    ei += c * mt(${M.dims} + 2 * nd + d);
    ey += c * mt(${M.dims} + 3 * nd + d);
  }
  return vec2<i32>(ei, ey);
}`,
    `fn comps() -> i32 { return ${M.dims} + 4 * mt(${M.nd}) + 4 * (mt(${M.nl}) + mt(${M.ns})); }`,
    touch,
    entry(phase === "init" ? 1 : WORKGROUP),
    "  if (gi == 0xffffffffu) { touch(); }",
  ];
  let body: string;
  if (phase === "init") {
    body = `  if (gi == 0u) { atomicStore(&BAD[0], 0xffffffffu); }`;
  } else if (phase === "check") {
    body = `  if (gi >= mtu(${M.n})) { return; }
  let at = comps(); let m = mt(${M.m});
  let ei = locate(i32(gi)).x;
  for (var k = 0; k < m; k++) {
    if (idx(rl1(ei + k * mt(${M.cstride})), mt(at + k)).y == 0) {
      atomicMin(&BAD[0], gi);
      return;
    }
  }`;
  } else {
    const init = mode !== "assign" && !includeSelf;
    const value = mode === "assign"
      ? "ws2(ey, rl0(es));"
      : `let v = ld0(es); let acc = ld2(ey); st2(ey, ${combine(mode, t)});`;
    const walk = (stmt: string) => `
  for (var j = 0; j < count; j++) {
    var es = ls; var ei = li; var ey = ly;
    var rest = j;
    for (var d = ns - 1; d >= 0; d--) {
      let s = mt(sb + d);
      let c = rest % s; rest = rest / s;
      es += c * mt(sb + ns + d); ei += c * mt(sb + 2 * ns + d); ey += c * mt(sb + 3 * ns + d);
    }
    for (var k = 0; k < m; k++) {
      ey += idx(rl1(ei + k * mt(${M.cstride})), mt(at + k)).x * mt(at + m + k);
    }
    ${stmt}
  }`;
    body = `  if (gi >= mtu(${M.lanes})) { return; }
  let at = comps(); let m = mt(${M.m});
  let bad = atomicLoad(&BAD[0]);
  if (bad != 0xffffffffu) {
    if (gi == 0u) {
      let ei = locate(i32(bad)).x;
      for (var k = 0; k < m; k++) {
        let r = idx(rl1(ei + k * mt(${M.cstride})), mt(at + k));
        if (r.y == 0) {
          loop {
            let x = atomicCompareExchangeWeak(&ERR[0], 0u, ${ERROR_CODES.indexOutOfBounds}u);
            if (x.exchanged) {
              atomicStore(&ERR[1], bitcast<u32>(r.x));
              atomicStore(&ERR[2], u32(k));
              break;
            }
            if (x.old_value != 0u) { break; }
          }
          break;
        }
      }
    }
    return;
  }
  let nd = mt(${M.nd}); let nl = mt(${M.nl}); let ns = mt(${M.ns});
  let lb = ${M.dims} + 4 * nd; let sb = lb + 4 * nl;
  var ls = mt(${M.soff}); var li = mt(${M.ioff}); var ly = mt(${M.yoff});
  var rest = i32(gi);
  for (var d = nl - 1; d >= 0; d--) {
    let s = mt(lb + d);
    let c = rest % s; rest = rest / s;
    ls += c * mt(lb + nl + d); li += c * mt(lb + 2 * nl + d); ly += c * mt(lb + 3 * nl + d);
  }
  var count = 1;
  for (var d = 0; d < ns; d++) { count *= mt(sb + d); }
  ${init ? walk(`let v = ld0(es); st2(ey, ${start(mode, t)});`) : ""}
  ${walk(value)}`;
  }
  return withHelpers([...head, body, "}"].join("\n"));
}

/**
 * True when distinct (lane coordinates, index values) address distinct elements: the (stride,
 * extent) pairs, sorted by |stride|, each step past the span of all smaller ones.
 */
function nonOverlapping(pairs: [number, number][]): boolean {
  const list = pairs.filter(([, e]) => e > 1).map(([s, e]) => [Math.abs(s), e] as const);
  list.sort((a, b) => a[0] - b[0]);
  let span = 0;
  for (const [s, e] of list) {
    if (s <= span) return false;
    span += s * (e - 1);
  }
  return true;
}

const meta = new Int32Array(META_WORDS);

/** Scatters `src` into `y` over the walk on the GPU (see the file comment). */
export function runScatter(
  ctx: GpuContext,
  src: Tensor,
  y: Tensor,
  walk: IndexWalk,
  mode: ScatterMode,
  includeSelf: boolean,
  op: string,
): void {
  const index = walk.index;
  for (const t of [src, y, index]) t.assertLive(op);
  const grid = walkGrid(
    walk,
    y,
    wgslType(y.dtype) !== undefined && src.dtype === y.dtype,
    op,
    (nd, m) => M.dims + 8 * nd + 2 * m,
  );
  if (grid === null) return;
  const { n, shape, strides, nd, m } = grid;
  const t = wgslType(y.dtype)!;
  const it = wgslType(index.dtype)!;
  // Lanes: dims the target walks itself, when they and the indexed dims cannot overlap.
  let laneDims = shape.map((_, d) => d).filter((d) => strides[2][d] !== 0);
  const pairs: [number, number][] = laneDims.map((d) => [strides[2][d], shape[d]]);
  walk.sizes.forEach((s, k) => pairs.push([walk.componentStrides[k], s]));
  if (!nonOverlapping(pairs)) laneDims = [];
  const serialDims = shape.map((_, d) => d).filter((d) => !laneDims.includes(d));
  const lanes = laneDims.reduce((a, d) => a * shape[d], 1);
  meta.fill(0);
  meta[M.n] = n;
  meta[M.nd] = nd;
  meta[M.soff] = src.offset;
  meta[M.ioff] = index.offset;
  meta[M.yoff] = y.offset;
  meta[M.m] = m;
  meta[M.cstride] = walk.componentStride;
  meta[M.lanes] = lanes;
  meta[M.nl] = laneDims.length;
  meta[M.ns] = serialDims.length;
  let at: number = M.dims;
  for (const s of shape) meta[at++] = s;
  for (const list of strides) for (const s of list) meta[at++] = s;
  for (const dims of [laneDims, serialDims]) {
    for (const d of dims) meta[at++] = shape[d];
    for (const list of strides) for (const d of dims) meta[at++] = list[d];
  }
  for (const s of walk.sizes) meta[at++] = s;
  for (const s of walk.componentStrides) meta[at++] = s;

  const buf = (x: Tensor) => (x.storage as GpuStorage).buffer;
  const aliased = buf(src) === buf(y);
  const bad = ctx.acquire(16, op);
  const { order } = assignBindings([t, it, t], [0, 1, aliased ? 0 : 2], 1);
  const buffers = [buf(src), buf(index), buf(y)];
  const bound = [...order.map((i) => buffers[i]), bad, ctx.errorBuffer];
  const run = (p: Phase, groups: number) => {
    // init and check do not depend on the mode.
    const [md, self] = p === "apply" ? [mode, includeSelf] : ["assign" as const, true];
    const key = `scatter:${p}:${index.dtype}:${y.dtype}:${md}:${self}:${aliased}`;
    const pipeline = ctx.pipeline(key, () => render(p, it, t, md, self, aliased));
    ctx.dispatch(pipeline, meta, bound, groups);
  };
  run("init", 1);
  run("check", Math.ceil(n / WORKGROUP));
  run("apply", Math.ceil(lanes / WORKGROUP));
  ctx.releaseBuffer(bad);
}
