// WebGPU sort (sort, argsort, topk, partition, argpartition) and searchsorted, with the CPU's
// order bit for bit (native/cpu/sort.zig): every element maps to an unsigned key of 32-bit
// words whose lexicographic order is the sort order (floats: sign flip, every NaN the largest
// key, -0 the key of +0; signed ints: sign flip; 64-bit: (hi, lo); c64: (NaN class, real key,
// imaginary key), NumPy's complex order as the CPU's), descending order complements the keys
// (stable, NaN first).
//
// Sort: one row per sorted line, padded to a power of two P. A `keys` pass writes (key words...,
// position) elements to a scratch buffer (padding: all ones, sorts last), then a bitonic network
// of compare-exchange passes sorts each row by (key, position): a total order, so the result is
// the unique stable order, the same as the CPU's radix (complex: merge) sort. An `out` pass
// writes the first `len` (or k, for topk) values (copied by position, so NaN payloads survive)
// and/or positions.
//
// searchsorted: one thread per value, a binary search on the keys (left: first key ≥ the
// value's; right: first key >). Sorter indices out of [0, m) are clamped and raise the device
// error flag (IndexOutOfBounds at the next read), checked over the whole sorter as NumPy does.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { SortOp, SortParams } from "../backend.ts";
import { ERROR_CODES, type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { assignBindings, entry, renderHeader, WORKGROUP } from "./wgsl/codegen.ts";
import { classOf } from "./wgsl/ops.ts";
import { type WgslType, wgslType } from "./wgsl/types.ts";

/** Dtypes the sort kernels order. */
export const SORT_DTYPES: DType[] = [
  "f32",
  "f16",
  "bf16",
  "i32",
  "i16",
  "i8",
  "u32",
  "u16",
  "u8",
  "bool",
  "i64",
  "u64",
  "c64",
];

/** 32-bit words of a dtype's key: (hi, lo) for reals, (NaN class, real, imaginary) for c64. */
function keyWords(t: WgslType): number {
  return classOf(t) === "c" ? 3 : 2;
}

/** The WGSL type of a key of `n` words. */
function keyType(n: number): string {
  return `vec${n}<u32>`;
}

/** WGSL `fn lt(a, b) -> bool`: lexicographic order of two keys of `n` words. */
function ltFn(n: number): string {
  const c = ["x", "y", "z", "w"].slice(0, n);
  const steps = c.slice(0, -1).map((k) => `if (a.${k} != b.${k}) { return a.${k} < b.${k}; }`);
  const T = keyType(n);
  return `fn lt(a: ${T}, b: ${T}) -> bool {\n  ${
    [...steps, `return a.${c[n - 1]} < b.${c[n - 1]};`].join("\n  ")
  }\n}`;
}

// Order-preserving key of f32 bits: sign flip, every NaN the largest key, -0 the key of +0.
const FLOAT_KEY = `fn fkey(b: u32) -> u32 {
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0xffffffffu; }
  if ((b & 0x7fffffffu) == 0u) { return 0x80000000u; }
  return select(b | 0x80000000u, ~b, (b >> 31u) == 1u);
}`;

/**
 * WGSL `fn key(v) -> vecN<u32>` of a compute value, N = keyWords(t). Complex keys lead with the
 * NaN class (0 none, 1 NaN imaginary, 2 NaN real, 3 both) as the CPU's, so NumPy's order is the
 * lexicographic order of (class, real key, imaginary key).
 */
function keyFn(t: WgslType): string {
  let body: string;
  switch (classOf(t)) {
    case "f":
      body = `return vec2<u32>(fkey(bitcast<u32>(v)), 0u);`;
      break;
    case "c":
      body = `let b = bitcast<vec2<u32>>(v);
  let re = fkey(b.x); let im = fkey(b.y);
  let cls = select(0u, 2u, re == 0xffffffffu) + select(0u, 1u, im == 0xffffffffu);
  return vec3<u32>(cls, re, im);`;
      break;
    case "i":
      body = `return vec2<u32>(bitcast<u32>(v) ^ 0x80000000u, 0u);`;
      break;
    case "u":
      body = `return vec2<u32>(v, 0u);`;
      break;
    case "b":
      body = `return vec2<u32>(select(0u, 1u, v), 0u);`;
      break;
    case "l":
      body = `return vec2<u32>(v.y ^ 0x80000000u, v.x);`;
      break;
    case "ul":
      body = `return vec2<u32>(v.y, v.x);`;
      break;
    default:
      throw new Error("no sort key");
  }
  const T = keyType(keyWords(t));
  return `${FLOAT_KEY}\nfn key(v: ${t.compute}) -> ${T} {\n  ${body}\n}`;
}

function unsupported(op: string, d: DType): NumrError {
  return new NumrError("UnsupportedDType", `The webgpu backend has no ${op} kernel for ${d}`, {
    op,
    dtypes: [d],
    device: "webgpu",
  });
}

// Meta of the sort passes.
const S = {
  n: 0, // threads
  P: 1,
  L: 2,
  out: 3, // output length along the axis
  desc: 4,
  k: 5,
  j: 6,
  nd: 7, // outer dims
  xoff: 8,
  voff: 9,
  ioff: 10,
  xa: 11,
  va: 12,
  ia: 13,
  dims: 16, // outer shape[nd], x strides, v strides, i strides
} as const;

const ROW = `fn rowOff(row: i32, which: i32) -> i32 {
  let nd = mt(${S.nd});
  var off = 0; var rest = row;
  for (var d = nd - 1; d >= 0; d--) {
    let s = mt(${S.dims} + d);
    let c = rest % s; rest = rest / s;
    off += c * mt(${S.dims} + (1 + which) * nd + d);
  }
  return off;
}`;

type SortPhase = "keys" | "step" | "out";

/**
 * The WGSL of one sort pass. Scratch elements are `w` words: the key's words, then the
 * position; the bitonic step compares them word by word.
 */
function renderSort(
  phase: SortPhase,
  w: number,
  t: WgslType | null,
  vt: WgslType | null,
  it: WgslType | null,
): string {
  const K = `@group(0) @binding(BK) var<storage, read_write> K: array<u32>;`;
  const words = Array.from({ length: w }, (_, i) => i);
  const at = (base: string, i: number) => (i === 0 ? `${base}` : `${base} + ${i}u`);
  if (phase === "step") {
    const cmp = words.slice(0, -1).map((i) =>
      `if (K[${at("a", i)}] != K[${at("b", i)}]) { return K[${at("a", i)}] < K[${at("b", i)}]; }`
    );
    const last = `return K[${at("a", w - 1)}] < K[${at("b", w - 1)}];`;
    const swap = words.map((i) =>
      `let t${i} = K[${at("a", i)}]; K[${at("a", i)}] = K[${at("b", i)}]; K[${at("b", i)}] = t${i};`
    );
    return [
      `struct Meta { m: array<vec4<i32>, 32> }
@group(0) @binding(0) var<uniform> U: Meta;
fn mt(k: i32) -> i32 { return U.m[k >> 2u][k & 3]; }
fn mtu(k: i32) -> u32 { return bitcast<u32>(U.m[k >> 2u][k & 3]); }`,
      K.replace("BK", "1"),
      `fn less(a: u32, b: u32) -> bool {\n  ${[...cmp, last].join("\n  ")}\n}`,
      entry(),
      `  if (gi >= mtu(${S.n})) { return; }
  let P = mtu(${S.P}); let k = mtu(${S.k}); let j = mtu(${S.j});
  let half = P >> 1u;
  let row = gi / half; let q = gi % half;
  let i = ((q & ~(j - 1u)) << 1u) | (q & (j - 1u));
  let l = i | j;
  let a = (row * P + i) * ${w}u; let b = (row * P + l) * ${w}u;
  let up = (i & k) == 0u;
  if (less(b, a) == up) {
    ${swap.join("\n    ")}
  }
}`,
    ].join("\n");
  }
  if (t === null) throw new Error("sort pass without a dtype");
  if (phase === "keys") {
    const { operands, bindings } = assignBindings([t], [0], 0);
    const store = words.slice(0, -1).map((i) => `K[${at("e", i)}] = kv[${i}];`).join(" ");
    return [
      renderHeader(operands, bindings, 0),
      K.replace("BK", String(bindings.length + 1)),
      keyFn(t),
      ROW,
      entry(),
      `  if (gi >= mtu(${S.n})) { return; }
  let P = mtu(${S.P});
  let row = gi / P; let p = gi % P;
  let e = gi * ${w}u;
  if (p >= mtu(${S.L})) {
    ${words.map((i) => `K[${at("e", i)}] = 0xffffffffu;`).join(" ")}
    return;
  }
  var kv = key(ld0(mt(${S.xoff}) + rowOff(i32(row), 0) + i32(p) * mt(${S.xa})));
  if (mt(${S.desc}) != 0) { kv = ~kv; }
  ${store} K[${at("e", w - 1)}] = p;
}`,
    ].join("\n");
  }
  // out: operands 0 = x, then values and/or indices (outputs).
  const types = [t, ...(vt ? [vt] : []), ...(it ? [it] : [])];
  const outs = types.length - 1;
  const { operands, bindings } = assignBindings(types, types.map((_, i) => i), outs);
  const vk = 1;
  const ik = vt ? 2 : 1;
  const writeIdx = it === null
    ? ""
    : it.bits === 64
    ? `ws${ik}(mt(${S.ioff}) + rowOff(r, 2) + p * mt(${S.ia}), vec2<u32>(pos, 0u));`
    : `ws${ik}(mt(${S.ioff}) + rowOff(r, 2) + p * mt(${S.ia}), pos);`;
  const writeVal = vt === null ? "" : `ws${vk}(mt(${S.voff}) + rowOff(r, 1) + p * mt(${S.va}), ` +
    `rl0(mt(${S.xoff}) + rowOff(r, 0) + i32(pos) * mt(${S.xa})));`;
  return [
    renderHeader(operands, bindings, outs),
    K.replace("BK", String(bindings.length + 1)).replace("read_write", "read"),
    ROW,
    entry(),
    `  if (gi == 0xffffffffu) { _ = rl0(0); }
  if (gi >= mtu(${S.n})) { return; }
  let len = mtu(${S.out});
  let r = i32(gi / len); let p = i32(gi % len);
  let pos = K[(u32(r) * mtu(${S.P}) + u32(p)) * ${w}u + ${w - 1}u];
  ${writeVal}
  ${writeIdx}
}`,
  ].join("\n");
}

const meta = new Int32Array(META_WORDS);

/** Sorts x along `axis` into values and/or indices (see the file comment). */
export function runSort(
  ctx: GpuContext,
  op: SortOp,
  x: Tensor,
  axis: number,
  values: Tensor | null,
  indices: Tensor | null,
  params: SortParams,
): void {
  x.assertLive(op);
  values?.assertLive(op);
  indices?.assertLive(op);
  const t = wgslType(x.dtype);
  if (t === undefined || !SORT_DTYPES.includes(x.dtype)) throw unsupported(op, x.dtype);
  const vt = values === null ? null : wgslType(values.dtype)!;
  const it = indices === null ? null : wgslType(indices.dtype)!;
  const L = x.shape[axis];
  const outLen = op === "topk" ? params.k : L;
  const rows = x.size / L;
  if (x.size === 0 || outLen === 0) return;
  if (L > 2 ** 30) throw unsupported(op, x.dtype);
  const P = 2 ** Math.ceil(Math.log2(Math.max(2, L)));
  const outer = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const nd = outer.length;
  if (S.dims + 4 * nd > META_WORDS) {
    throw new NumrError("InvalidArgument", "Too many dimensions for the webgpu sort", { op });
  }
  meta.fill(0);
  meta[S.P] = P;
  meta[S.L] = L;
  meta[S.out] = outLen;
  meta[S.desc] = params.descending ? 1 : 0;
  meta[S.nd] = nd;
  meta[S.xoff] = x.offset;
  meta[S.voff] = values?.offset ?? 0;
  meta[S.ioff] = indices?.offset ?? 0;
  meta[S.xa] = x.strides[axis];
  meta[S.va] = values?.strides[axis] ?? 0;
  meta[S.ia] = indices?.strides[axis] ?? 0;
  let at: number = S.dims;
  for (const d of outer) meta[at++] = x.shape[d];
  for (const s of [x, values, indices]) for (const d of outer) meta[at++] = s?.strides[d] ?? 0;

  const buf = (u: Tensor) => (u.storage as GpuStorage).buffer;
  const w = keyWords(t) + 1;
  const scratch = ctx.acquire(rows * P * 4 * w, op);
  meta[S.n] = rows * P;
  const keys = ctx.pipeline(`sort:keys:${x.dtype}`, () => renderSort("keys", w, t, null, null));
  ctx.dispatch(keys, meta, [buf(x), scratch], Math.ceil((rows * P) / WORKGROUP));
  const step = ctx.pipeline(`sort:step:${w}`, () => renderSort("step", w, null, null, null));
  meta[S.n] = (rows * P) / 2;
  for (let k = 2; k <= P; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) {
      meta[S.k] = k;
      meta[S.j] = j;
      ctx.dispatch(step, meta, [scratch], Math.ceil((rows * P) / 2 / WORKGROUP));
    }
  }
  meta[S.n] = rows * outLen;
  const key = `sort:out:${x.dtype}:${values?.dtype ?? "-"}:${indices?.dtype ?? "-"}`;
  const out = ctx.pipeline(key, () => renderSort("out", w, t, vt, it));
  const bound = [...(values ? [buf(values)] : []), ...(indices ? [buf(indices)] : []), buf(x)];
  ctx.dispatch(out, meta, [...bound, scratch], Math.ceil((rows * outLen) / WORKGROUP));
  ctx.releaseBuffer(scratch);
}

// Meta of searchsorted.
const Q = {
  n: 0,
  nd: 1, // dims of values
  m: 2,
  right: 3,
  soff: 4,
  voff: 5,
  yoff: 6,
  qoff: 7, // sorter
  sa: 8, // sorted last-axis stride
  qa: 9, // sorter last-axis stride
  hasSorter: 10,
  dims: 12, // values shape[nd], strides of values, y, sorted row, sorter row
} as const;

function renderSearch(
  phase: "search" | "check",
  t: WgslType,
  yt: WgslType,
  qt: WgslType | null,
  ids: readonly unknown[],
): string {
  const qIdx = qt === null
    ? ""
    : qt.bits === 64
    ? `fn qidx(e: i32) -> i32 { let w = rl2(e); let m = mt(${Q.m});
  if (w.y != 0u || w.x >= u32(m)) { flag(bitcast<i32>(w.x)); return 0; } return i32(w.x); }`
    : `fn qidx(e: i32) -> i32 { let w = rl2(e); let m = mt(${Q.m});
  if (w >= u32(m)) { flag(bitcast<i32>(w)); return 0; } return i32(w); }`;
  // Operands: 0 = sorted, 1 = values, [2 = sorter], last = y.
  const types = [t, t, ...(qt ? [qt] : []), yt];
  const { operands, bindings } = assignBindings(types, ids, 1);
  const yk = types.length - 1;
  const flag = `fn flag(v: i32) {
  if (atomicCompareExchangeWeak(&ERR[0], 0u, ${ERROR_CODES.indexOutOfBounds}u).exchanged) {
    atomicStore(&ERR[1], bitcast<u32>(v)); atomicStore(&ERR[2], 0u);
  }
}`;
  const touch = `fn touch() { _ = ld0(0); _ = ld1(0); ${qt ? "_ = rl2(0);" : ""} ` +
    `ws${yk}(0, ${yt.bits === 64 ? "vec2<u32>(0u)" : "0u"}); atomicStore(&ERR[3], 0u); }`;
  const head = [
    renderHeader(operands, bindings, 1),
    `@group(0) @binding(${bindings.length + 1}) var<storage, read_write> ERR: array<atomic<u32>>;`,
    keyFn(t),
    flag,
    qIdx,
    touch,
    ltFn(keyWords(t)),
    entry(),
    `  if (gi == 0xffffffffu) { touch(); }
  if (gi >= mtu(${Q.n})) { return; }
  let nd = mt(${Q.nd});
  var ev = mt(${Q.voff}); var ey = mt(${Q.yoff}); var es = mt(${Q.soff}); var eq = mt(${Q.qoff});
  var rest = i32(gi);
  for (var d = nd - 1; d >= 0; d--) {
    let s = mt(${Q.dims} + d);
    let c = rest % s; rest = rest / s;
    ev += c * mt(${Q.dims} + nd + d); ey += c * mt(${Q.dims} + 2 * nd + d);
    es += c * mt(${Q.dims} + 3 * nd + d); eq += c * mt(${Q.dims} + 4 * nd + d);
  }`,
  ];
  if (phase === "check") {
    // One thread per sorter element: values are the sorter here (nd, strides of the sorter).
    return [...head, `  _ = qidx(eq);\n}`].join("\n");
  }
  const at = qt === null ? "mid" : `qidx(eq + mid * mt(${Q.qa}))`;
  return [
    ...head,
    `  let kv = key(ld1(ev));
  let right = mt(${Q.right}) != 0;
  var lo = 0; var hi = mt(${Q.m});
  while (lo < hi) {
    let mid = (lo + hi) / 2;
    let ks = key(ld0(es + ${at} * mt(${Q.sa})));
    let go = select(lt(ks, kv), !lt(kv, ks), right);
    if (go) { lo = mid + 1; } else { hi = mid; }
  }
  ws${yk}(ey, ${yt.bits === 64 ? "vec2<u32>(u32(lo), 0u)" : "u32(lo)"});
}`,
  ].join("\n");
}

/** Insertion indices of `values` into `sorted` (see the file comment). */
export function runSearchsorted(
  ctx: GpuContext,
  sorted: Tensor,
  values: Tensor,
  sorter: Tensor | null,
  y: Tensor,
  right: boolean,
): void {
  const op = "searchsorted";
  for (const u of [sorted, values, y]) u.assertLive(op);
  sorter?.assertLive(op);
  const t = wgslType(sorted.dtype);
  if (t === undefined || !SORT_DTYPES.includes(sorted.dtype)) throw unsupported(op, sorted.dtype);
  const yt = wgslType(y.dtype)!;
  const qt = sorter === null ? null : wgslType(sorter.dtype)!;
  const m = sorted.shape[sorted.ndim - 1];
  const buf = (u: Tensor) => (u.storage as GpuStorage).buffer;
  const types = [t, t, ...(qt ? [qt] : []), yt];
  const ids = [sorted, values, ...(sorter ? [sorter] : []), y].map(buf);
  const { order } = assignBindings(types, ids, 1);
  const alias = order.join("");
  const bind = () => [...order.map((i) => ids[i]), ctx.errorBuffer];
  const fill = (shape: readonly number[], lists: (readonly number[])[]) => {
    const nd = shape.length;
    if (Q.dims + 5 * nd > META_WORDS) {
      throw new NumrError("InvalidArgument", "Too many dimensions for webgpu searchsorted", { op });
    }
    meta[Q.nd] = nd;
    let at: number = Q.dims;
    for (const s of shape) meta[at++] = s;
    for (const l of lists) for (let d = 0; d < nd; d++) meta[at++] = l[d] ?? 0;
  };
  meta.fill(0);
  meta[Q.m] = m;
  meta[Q.right] = right ? 1 : 0;
  meta[Q.soff] = sorted.offset;
  meta[Q.voff] = values.offset;
  meta[Q.yoff] = y.offset;
  meta[Q.qoff] = sorter?.offset ?? 0;
  meta[Q.sa] = sorted.strides[sorted.ndim - 1];
  meta[Q.qa] = sorter?.strides[sorter.ndim - 1] ?? 0;
  const key = (p: string) =>
    `searchsorted:${p}:${sorted.dtype}:${y.dtype}:${sorter?.dtype ?? "-"}:${alias}`;
  if (sorter !== null && sorter.size > 0) {
    // Every sorter index must be in [0, m), visited or not (NumPy).
    meta[Q.n] = sorter.size;
    const zeros = sorter.shape.map(() => 0);
    fill(sorter.shape, [zeros, zeros, zeros, sorter.strides]);
    const p = ctx.pipeline(key("check"), () => renderSearch("check", t, yt, qt, ids));
    ctx.dispatch(p, meta, bind(), Math.ceil(sorter.size / WORKGROUP));
  }
  if (values.size === 0) return;
  meta[Q.n] = values.size;
  // Rows of sorted (and sorter) follow values' leading dims, unless sorted is 1-D.
  const lead = (u: Tensor | null) =>
    u === null || u.ndim === 1 ? [] : u.strides.slice(0, u.ndim - 1);
  fill(values.shape, [values.strides, y.strides, lead(sorted), lead(sorter)]);
  const p = ctx.pipeline(key("search"), () => renderSearch("search", t, yt, qt, ids));
  ctx.dispatch(p, meta, bind(), Math.ceil(values.size / WORKGROUP));
}
