// WebGPU scans (cumsum, cumprod, cummax, cummin, logcumsumexp): one workgroup per row walks the
// scanned axis in tiles of 256, scanning each tile in shared memory (Hillis-Steele, a fixed
// order) and carrying the running total into the next tile. Accumulators are the reductions'
// (i64/u64 for integer sums, f32 for half formats, first NaN kept by position).

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { coalesce } from "../cpu/layout.ts";
import { type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { assignBindings, META, renderBindings, renderLoad, renderStore } from "./wgsl/codegen.ts";
import { withHelpers } from "./wgsl/helpers.ts";
import { PRELUDE, WGSL_TYPES, type WgslType, wgslType } from "./wgsl/types.ts";
import { type Acc, accFor } from "./reduce.ts";

const WG = 256;

/** Input dtypes each scan runs on. */
export const SCAN_SUPPORT: Record<string, DType[]> = (() => {
  const all = Object.keys(WGSL_TYPES) as DType[];
  return {
    cumsum: all,
    cumprod: all,
    cummax: all,
    cummin: all,
    logcumsumexp: ["f32", "f16", "bf16"],
  };
})();

function scanAcc(op: string, x: WgslType, y: WgslType): Acc {
  switch (op) {
    case "cumsum":
      return accFor("sum", x, y);
    case "cumprod":
      return accFor("prod", x, y);
    case "cummax":
    case "cummin": {
      const a = accFor(op === "cummax" ? "max" : "min", x, y);
      return a;
    }
    default:
      return {
        type: "f32",
        init: "-inf_f32()",
        lift: "v",
        comb: "lse(p, q)",
        fin: "a",
        decl: `fn lse(p: f32, q: f32) -> f32 {
  if (is_nan(p) || is_nan(q)) { return nan_f32(); }
  if (p == -inf_f32()) { return q; } if (q == -inf_f32()) { return p; }
  if (is_inf(p) || is_inf(q)) { return max(p, q); }
  let m = max(p, q);
  return m + m_log1p(m_exp(-abs(p - q)));
}`,
      };
  }
}

/** Meta slots. */
const M = { rows: 0, n: 1, nk: 2, xoff: 4, yoff: 5, xs: 6, ys: 7, dims: 8 } as const;

function render(op: string, x: WgslType, y: WgslType): string {
  const acc = scanAcc(op, x, y);
  const { operands, bindings } = assignBindings([x, y], [0, 1], 1);
  // A max/min accumulator of a position-tracking struct: its value is `.v`.
  const fin = acc.fin === "a.i" ? "a.v" : acc.fin;
  return withHelpers([
    PRELUDE,
    META,
    renderBindings(bindings),
    renderLoad(0, operands[0], bindings),
    renderStore(1, operands[1], bindings),
    acc.decl ?? "",
    `fn comb(p: ${acc.type}, q: ${acc.type}) -> ${acc.type} { return ${acc.comb}; }`,
    `fn lift(v: ${x.compute}, r: i32) -> ${acc.type} { _ = r; return ${acc.lift}; }`,
    `fn fin(a: ${acc.type}) -> ${y.compute} { return ${fin}; }`,
    `var<workgroup> part: array<${acc.type}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let live = row < mtu(${M.rows});
  let nk = mt(${M.nk});
  var ex = mt(${M.xoff}); var ey = mt(${M.yoff});
  var rest = i32(min(row, mtu(${M.rows}) - 1u));
  for (var d = nk - 1; d >= 0; d--) {
    let s = mt(${M.dims} + d);
    let c = rest % s; rest = rest / s;
    ex += c * mt(${M.dims} + nk + d); ey += c * mt(${M.dims} + 2 * nk + d);
  }
  let n = mt(${M.n});
  var carry = ${acc.init};
  for (var t0 = 0; t0 < n; t0 += ${WG}) {
    let r = t0 + i32(lid);
    var a = ${acc.init};
    if (live && r < n) { a = lift(ld0(ex + r * mt(${M.xs})), r); }
    part[lid] = a;
    workgroupBarrier();
    for (var s = 1u; s < ${WG}u; s = s << 1u) {
      var v = part[lid];
      if (lid >= s) { v = comb(part[lid - s], v); }
      workgroupBarrier();
      part[lid] = v;
      workgroupBarrier();
    }
    let total = comb(carry, part[lid]);
    if (live && r < n) { st1(ey + r * mt(${M.ys}), fin(total)); }
    carry = comb(carry, part[${WG - 1}]);
    workgroupBarrier();
  }
}`,
  ].join("\n"));
}

const meta = new Int32Array(META_WORDS);

/** Runs scan `op` of x along `axis` into y (same shape) on the GPU. */
export function runScan(ctx: GpuContext, op: string, x: Tensor, axis: number, y: Tensor): void {
  x.assertLive(op);
  const context = { op, shapes: [x.shape], dtypes: [x.dtype, y.dtype], device: "webgpu" };
  const xt = wgslType(x.dtype);
  const yt = wgslType(y.dtype);
  if (SCAN_SUPPORT[op] === undefined || !SCAN_SUPPORT[op].includes(x.dtype) || !yt || !xt) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu backend has no ${op} kernel for ${x.dtype}`,
      context,
    );
  }
  const keptShape: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (d === axis) continue;
    keptShape.push(x.shape[d]);
    xs.push(x.strides[d]);
    ys.push(y.strides[d]);
  }
  const k = coalesce(keptShape, [xs, ys]);
  const nk = k.shape.length;
  if (M.dims + 3 * nk > META_WORDS) {
    throw new NumrError("InvalidArgument", "Scan layout has too many dimensions", context);
  }
  const rows = k.shape.reduce((a, b) => a * b, 1);
  meta.fill(0);
  meta[M.rows] = rows;
  meta[M.n] = x.shape[axis];
  meta[M.nk] = nk;
  meta[M.xoff] = x.offset;
  meta[M.yoff] = y.offset;
  meta[M.xs] = x.strides[axis];
  meta[M.ys] = y.strides[axis];
  let at: number = M.dims;
  for (const s of k.shape) meta[at++] = s;
  for (const s of k.strides[0]) meta[at++] = s;
  for (const s of k.strides[1]) meta[at++] = s;
  const key = `scan:${op}:${x.dtype}:${y.dtype}`;
  const pipeline = ctx.pipeline(key, () => render(op, xt, yt));
  const buf = (t: Tensor) => (t.storage as GpuStorage).buffer;
  ctx.dispatch(pipeline, meta, [buf(y), buf(x)], rows);
}
