// Stream compaction on the GPU (argwhere, nonzero, maskedSelect): a count pass (each workgroup
// counts the non-zero elements of a block of 4096 in row-major order), one workgroup scanning the
// block counts into block offsets (plus the total), a 4-byte read of the total (the only wait),
// then a scatter pass that recounts each block, scans its threads' counts in the workgroup and
// writes every selected element's row-major multi-index (i32, or i64 as two words) or its value.
// Integer scans are exact, and each output position is fixed by the row-major rank, so the
// result is the CPU's exactly.

import { type DType, DTYPES } from "../../dtype/dtypes.ts";
import { emptyTensor } from "../../tensor/create.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import {
  type BindingSpec,
  META,
  outputAccess,
  renderBindings,
  renderLoad,
  renderStore,
} from "./wgsl/codegen.ts";
import { PRELUDE, type WgslType, wgslType } from "./wgsl/types.ts";

const WG = 256;
/** Elements one thread takes (consecutive, row-major). */
const PER = 16;
const BLOCK = WG * PER;

/** Meta slots. */
const M = { size: 0, ndim: 1, blocks: 2, moff: 3, voff: 4, dims: 8 } as const;

/** WGSL: is compute value v non-zero (NaN is; -0 is not). */
const TRUTH: Record<string, string> = {
  f32: "(bitcast<u32>(v) & 0x7fffffffu) != 0u",
  i32: "v != 0",
  u32: "v != 0u",
  bool: "v",
  "vec2<f32>": "((bitcast<u32>(v.x) | bitcast<u32>(v.y)) & 0x7fffffffu) != 0u",
  "vec2<u32>": "(v.x | v.y) != 0u",
};

/**
 * The raw row of the same width a value copy moves: copies never convert, so every dtype of 1,
 * 2, 4 or 8 bytes (f64 and fp8 included) is moved as its bits.
 */
function rawRow(d: DType): WgslType | undefined {
  const width = ({ 1: "u8", 2: "u16", 4: "u32", 8: "u64" } as const)[DTYPES[d].bytes];
  return width === undefined ? undefined : wgslType(width);
}

/** Whether the GPU path takes a mask of this dtype (and, for maskedSelect, values of this). */
export function compactSupported(mask: DType, values: DType | null): boolean {
  return wgslType(mask) !== undefined && (values === null || rawRow(values) !== undefined);
}

function render(kind: "count" | "scan" | "coords" | "values", mt: WgslType, vt?: WgslType): string {
  const head = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let wg = wid.y * nwg.x + wid.x;`;
  // Inclusive Hillis-Steele scan of the threads' u32 values in sh (exact: integers).
  const scan = `sh[lid] = c;
  workgroupBarrier();
  for (var s = 1u; s < ${WG}u; s = s << 1u) {
    var t = 0u;
    if (lid >= s) { t = sh[lid - s]; }
    workgroupBarrier();
    sh[lid] += t;
    workgroupBarrier();
  }`;
  if (kind === "scan") {
    return `${PRELUDE}${META}
@group(0) @binding(1) var<storage, read_write> C: array<u32>;
var<workgroup> sh: array<u32, ${WG}>;
${head}
  _ = wg;
  let nb = mtu(${M.blocks});
  let per = (nb + ${WG - 1}u) / ${WG}u;
  let lo = min(lid * per, nb); let hi = min(lo + per, nb);
  var c = 0u;
  for (var j = lo; j < hi; j++) { c += C[j]; }
  ${scan}
  var run = sh[lid] - c;
  for (var j = lo; j < hi; j++) { let k = C[j]; C[j] = run; run += k; }
  if (lid == ${WG - 1}u) { C[nb] = sh[lid]; }
}`;
  }
  const out = kind === "values" ? outputAccess(vt!) : "write";
  const bindings: BindingSpec[] = [
    { access: kind === "count" ? "write" : out },
    {
      access: "read",
    },
    { access: "read" },
    { access: "read" },
  ].slice(0, kind === "values" ? 4 : kind === "count" ? 2 : 3) as BindingSpec[];
  const lines = [
    PRELUDE,
    META,
    renderBindings(bindings),
    renderLoad(0, { type: mt, binding: 2 }, bindings),
    kind === "values" ? renderLoad(1, { type: vt!, binding: 4 }, bindings) : "",
    kind === "values" ? renderStore(2, { type: vt!, binding: 1 }, bindings) : "",
    `fn off(i: i32, s: i32, base: i32) -> i32 {
  let nd = mt(${M.ndim});
  var e = base; var rest = i;
  for (var d = nd - 1; d >= 0; d--) {
    let n = mt(${M.dims} + d);
    e += (rest % n) * mt(s + d); rest = rest / n;
  }
  return e;
}
fn flag(i: i32) -> bool {
  if (i >= mt(${M.size})) { return false; }
  let v = ld0(off(i, ${M.dims} + mt(${M.ndim}), mt(${M.moff})));
  return ${TRUTH[mt.compute]};
}`,
    `var<workgroup> sh: array<u32, ${WG}>;`,
    head,
    `  let nb = mtu(${M.blocks});
  let start = i32(wg) * ${BLOCK} + i32(lid) * ${PER};
  var c = 0u;
  for (var k = 0; k < ${PER}; k++) { if (flag(start + k)) { c++; } }`,
  ];
  if (kind === "count") {
    lines.push(`  ${scan}
  if (lid == ${WG - 1}u && wg < nb) { B1[wg] = sh[lid]; }
}`);
    return lines.join("\n");
  }
  const write = kind === "coords"
    ? `let nd = mt(${M.ndim}); var rest = i;
      for (var d = nd - 1; d >= 0; d--) {
        let n = mt(${M.dims} + d);
        let at = u32(r) * u32(nd) + u32(d);
        if (WIDE) { B1[2u * at] = u32(rest % n); B1[2u * at + 1u] = 0u; }
        else { B1[at] = u32(rest % n); }
        rest = rest / n;
      }`
    : `ws2(r, rl1(off(i, ${M.dims} + 2 * mt(${M.ndim}), mt(${M.voff}))));`;
  lines.push(`  ${scan}
  if (wg >= nb) { return; }
  var r = i32(B3[wg] + sh[lid] - c);
  for (var k = 0; k < ${PER}; k++) {
    let i = start + k;
    if (flag(i)) {
      ${write}
      r++;
    }
  }
}`);
  return lines.join("\n");
}

const meta = new Int32Array(META_WORDS);

/**
 * The compaction of `mask` on the GPU: with `values` null, the `[n, ndim]` multi-indices
 * (`indexDtype` i32 or i64) of its non-zero elements in row-major order; else the 1-D values of
 * `values` (same shape as mask, any strides) where mask is non-zero. Awaits one 4-byte read.
 */
export async function runCompact(
  ctx: GpuContext,
  mask: Tensor,
  values: Tensor | null,
  indexDtype: DType,
): Promise<Tensor> {
  const mt = wgslType(mask.dtype)!;
  const vt = values === null ? undefined : rawRow(values.dtype)!;
  const nd = mask.ndim;
  const size = mask.size;
  const outDtype = values === null ? indexDtype : values.dtype;
  const outShape = (n: number) => (values === null ? [n, nd] : [n]);
  if (size === 0) return emptyTensor(outShape(0), outDtype, "webgpu");
  if (M.dims + 3 * nd > META_WORDS) throw new Error("compaction: too many dimensions");
  const blocks = Math.ceil(size / BLOCK);
  meta.fill(0);
  meta[M.size] = size;
  meta[M.ndim] = nd;
  meta[M.blocks] = blocks;
  meta[M.moff] = mask.offset;
  meta[M.voff] = values?.offset ?? 0;
  for (let d = 0; d < nd; d++) {
    meta[M.dims + d] = mask.shape[d];
    meta[M.dims + nd + d] = mask.strides[d];
    meta[M.dims + 2 * nd + d] = values?.strides[d] ?? 0;
  }
  const mb = (mask.storage as GpuStorage).buffer;
  const counts = ctx.acquire((blocks + 1) * 4, "nonzero");
  try {
    const key = `compact:${mask.dtype}`;
    ctx.dispatch(
      ctx.pipeline(`${key}:count`, () => render("count", mt)),
      meta,
      [counts, mb],
      blocks,
    );
    ctx.dispatch(ctx.pipeline(`compact:scan`, () => render("scan", mt)), meta, [counts], 1);
    const total = new Uint32Array((await ctx.read(counts, blocks * 4, 4)).buffer)[0];
    const y = emptyTensor(outShape(total), outDtype, "webgpu");
    if (y.size === 0) return y;
    const yb = (y.storage as GpuStorage).buffer;
    if (values === null) {
      const wide = indexDtype === "i64";
      const src = () => `const WIDE = ${wide};\n${render("coords", mt)}`;
      const p = ctx.pipeline(`${key}:coords:${indexDtype}`, src);
      ctx.dispatch(p, meta, [yb, mb, counts], blocks);
    } else {
      const vb = (values.storage as GpuStorage).buffer;
      const p = ctx.pipeline(`${key}:values:${vt!.dtype}`, () => render("values", mt, vt));
      ctx.dispatch(p, meta, [yb, mb, counts, vb], blocks);
    }
    return y;
  } finally {
    ctx.releaseBuffer(counts);
  }
}
