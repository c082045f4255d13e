// WebGPU gather over an indexed walk (see IndexWalk in ../backend.ts): one thread per element of
// the iteration shape reads its index components, wraps negatives, and copies the indexed
// element. An index out of range never reads out of bounds: it is clamped, and the error flag
// makes the next read throw IndexOutOfBounds.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { IndexWalk } from "../backend.ts";
import { ERROR_CODES, type GpuContext, type GpuStorage, gridLayout, META_WORDS } from "./device.ts";
import { assignBindings, entry, renderHeader, WORKGROUP } from "./wgsl/codegen.ts";
import { type WgslType, wgslType } from "./wgsl/types.ts";

/** Index dtypes the gather kernel reads. */
export const INDEX_DTYPES: DType[] = ["i32", "u32", "i64", "u64"];

const M = { n: 0, nd: 1, yoff: 2, ioff: 3, xoff: 4, m: 5, cstride: 6, dims: 8 } as const;

/** WGSL of `fn idx(raw) -> vec2<i32>`: (value, valid) for one index component of `size`. */
export function indexValue(t: WgslType): string {
  switch (t.dtype) {
    case "i32":
      return `let v = bitcast<i32>(w); if (v < -size || v >= size) { return vec2<i32>(v, 0); }
  return vec2<i32>(select(v, v + size, v < 0), 1);`;
    case "u32":
      return `if (w >= u32(size)) { return vec2<i32>(bitcast<i32>(w), 0); }
  return vec2<i32>(i32(w), 1);`;
    case "i64":
      return `let v = bitcast<i32>(w.x);
  if (w.y != select(0u, 0xffffffffu, v < 0) || v < -size || v >= size) { return vec2<i32>(v, 0); }
  return vec2<i32>(select(v, v + size, v < 0), 1);`;
    default:
      return `if (w.y != 0u || w.x >= u32(size)) { return vec2<i32>(bitcast<i32>(w.x), 0); }
  return vec2<i32>(i32(w.x), 1);`;
  }
}

function render(idx: WgslType, x: WgslType, y: WgslType): string {
  // Operands: 0 = index, 1 = x (indexed), 2 = y (output).
  const { operands, bindings } = assignBindings([idx, x, y], [0, 1, 2], 1);
  return [
    renderHeader(operands, bindings, 1),
    `@group(0) @binding(${bindings.length + 1}) var<storage, read_write> ERR: array<atomic<u32>>;`,
    `fn idx(w: ${idx.raw}, size: i32) -> vec2<i32> { ${indexValue(idx)} }`,
    entry(),
    `  if (gi >= mtu(${M.n})) { return; }
  let nd = mt(${M.nd}); let m = mt(${M.m});
  var ey = mt(${M.yoff}); var ei = mt(${M.ioff}); var ex = mt(${M.xoff});
  var rest = i32(gi);
  for (var d = nd - 1; d >= 0; d--) {
    let s = mt(${M.dims} + d);
    let c = rest % s; rest = rest / s;
    ey += c * mt(${M.dims} + nd + d);
    ei += c * mt(${M.dims} + 2 * nd + d);
    ex += c * mt(${M.dims} + 3 * nd + d);
  }
  let at = ${M.dims} + 4 * nd;
  for (var k = 0; k < m; k++) {
    let size = mt(at + k);
    let r = idx(rl0(ei + k * mt(${M.cstride})), size);
    if (r.y == 0) {
      if (atomicCompareExchangeWeak(&ERR[0], 0u, ${ERROR_CODES.indexOutOfBounds}u).exchanged) {
        atomicStore(&ERR[1], bitcast<u32>(r.x));
        atomicStore(&ERR[2], u32(k));
      }
    } else {
      ex += r.x * mt(at + m + k);
    }
  }
  ws2(ey, rl1(ex));
}`,
  ].join("\n");
}

/** The grid an index kernel walks: its size and the coalesced (direct, index, indexed) strides. */
export interface WalkGrid {
  n: number;
  shape: number[];
  strides: number[][];
  /** Dims of the grid. */
  nd: number;
  /** Index components. */
  m: number;
}

/**
 * Checks an index kernel's operands and lays out its walk: `values` (x of a gather, y of a
 * scatter) names the value dtype, `valuesOk` says whether the kernel takes it, `metaWords` is the
 * uniform words the kernel needs for `nd` grid dims and `m` index components. Null when the walk
 * is empty.
 *
 * @throws {NumrError} `UnsupportedDType` for an index or value dtype without a kernel;
 * `InvalidArgument` when the layout does not fit the uniforms.
 */
export function walkGrid(
  walk: IndexWalk,
  values: Tensor,
  valuesOk: boolean,
  op: string,
  metaWords: (nd: number, m: number) => number,
): WalkGrid | null {
  const index = walk.index;
  const context = {
    op,
    shapes: [values.shape, index.shape],
    dtypes: [values.dtype, index.dtype],
    device: "webgpu" as const,
  };
  if (wgslType(index.dtype) === undefined || !INDEX_DTYPES.includes(index.dtype) || !valuesOk) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu ${op} kernel has no ${values.dtype} values with ${index.dtype} indices`,
      context,
    );
  }
  const n = walk.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return null;
  const { shape, strides } = gridLayout(walk.shape, [
    walk.directStrides,
    walk.indexStrides,
    walk.indexedStrides,
  ]);
  const nd = shape.length;
  const m = walk.sizes.length;
  if (metaWords(nd, m) > META_WORDS) {
    throw new NumrError(
      "InvalidArgument",
      "Index layout has too many dimensions for webgpu",
      context,
    );
  }
  return { n, shape, strides, nd, m };
}

const meta = new Int32Array(META_WORDS);

/** Runs `y[i] = x[...]` over the walk on the GPU (bad indices flag an error and read index 0). */
export function runGather(
  ctx: GpuContext,
  y: Tensor,
  x: Tensor,
  walk: IndexWalk,
  op: string,
): void {
  const index = walk.index;
  for (const t of [x, y, index]) t.assertLive(op);
  const xt = wgslType(x.dtype);
  const yt = wgslType(y.dtype);
  const grid = walkGrid(walk, x, !!xt && !!yt && xt === yt, op, (nd, m) => M.dims + 4 * nd + 2 * m);
  if (grid === null) return;
  const { n, shape, strides, nd, m } = grid;
  const it = wgslType(index.dtype)!;
  meta.fill(0);
  meta[M.n] = n;
  meta[M.nd] = nd;
  meta[M.yoff] = y.offset;
  meta[M.ioff] = index.offset;
  meta[M.xoff] = x.offset;
  meta[M.m] = m;
  meta[M.cstride] = walk.componentStride;
  let at: number = M.dims;
  for (const s of shape) meta[at++] = s;
  for (const list of strides) for (const s of list) meta[at++] = s;
  for (const s of walk.sizes) meta[at++] = s;
  for (const s of walk.componentStrides) meta[at++] = s;
  const key = `gather:${index.dtype}:${x.dtype}`;
  const pipeline = ctx.pipeline(key, () => render(it, xt!, yt!));
  const buf = (t: Tensor) => (t.storage as GpuStorage).buffer;
  ctx.dispatch(
    pipeline,
    meta,
    [buf(y), buf(index), buf(x), ctx.errorBuffer],
    Math.ceil(n / WORKGROUP),
  );
}
