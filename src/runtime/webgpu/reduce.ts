// WebGPU reductions with a fixed order that depends only on the counts and the layout class,
// never on the hardware, so results are reproducible bit for bit. Short reductions (at most 64
// elements) run one thread per output. Row mode: workgroups fold chunks of an output's reduced
// range, thread t taking quads (4 positions) t, t + 256, … (one vector load when contiguous and
// aligned), then a pairwise tree. Cols mode (outer reductions): 64 adjacent outputs × 4 row
// phases per workgroup, coalesced. Chunk counts come from the sizes; a second pass folds partials.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import { REDUCE_OPS, type ReduceName } from "../../ops/reduce.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { coalesce } from "../cpu/layout.ts";
import { type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { assignBindings, META, renderBindings, renderLoad, renderStore } from "./wgsl/codegen.ts";
import { classOf } from "./wgsl/ops.ts";
import { withHelpers } from "./wgsl/helpers.ts";
import { apply, PRELUDE, WGSL_TYPES, type WgslType, wgslType } from "./wgsl/types.ts";

const WG = 256;
/** Reductions of at most this many elements run one thread per output. */
const SERIAL_MAX = 64;

/** Input dtypes each reduction runs on (outputs follow NumPy's rules, see ops/reduce.ts). */
export const REDUCE_SUPPORT: Record<ReduceName, DType[]> = (() => {
  const all = Object.keys(WGSL_TYPES) as DType[];
  return {
    sum: all,
    prod: all,
    // Means of ints are f64 in NumPy, which WGSL lacks.
    mean: ["f32", "f16", "bf16", "c64"],
    max: all,
    min: all,
    argmax: all,
    argmin: all,
    any: all,
    all: all,
  };
})();

/** A reduction accumulator in WGSL: its type, identity, lift, combine and final value. */
export interface Acc {
  /** WGSL type of the accumulator. */
  type: string;
  init: string;
  /** Lifts a loaded value `v` at reduced position `r` (i32). */
  lift: string;
  /** Combines `p` (earlier) and `q`. */
  comb: string;
  /** The output compute value from accumulator `a`. */
  fin: string;
  /** Extra WGSL (struct declarations). */
  decl?: string;
}

function sumAcc(op: "sum" | "prod" | "mean", t: WgslType, outType: WgslType): Acc {
  const c = classOf(t);
  const mul = op === "prod";
  if (c === "f" || c === "c") {
    const ty = c === "f" ? "f32" : "vec2<f32>";
    const one = c === "f" ? "1.0" : "vec2<f32>(1.0, 0.0)";
    const zero = c === "f" ? "0.0" : "vec2<f32>(0.0, 0.0)";
    const comb = mul ? (c === "f" ? "p * q" : "cmul(p, q)") : "p + q";
    const fin = op === "mean" ? "a / f32(mtu(1))" : "a";
    return { type: ty, init: mul ? one : zero, lift: "v", comb, fin };
  }
  // Ints and bool accumulate in 64 bits (NumPy's i64/u64 sums).
  let lift: string;
  switch (c) {
    case "i":
      lift = "i64_from_i32(v)";
      break;
    case "u":
      lift = "vec2<u32>(v, 0u)";
      break;
    case "b":
      lift = "vec2<u32>(select(0u, 1u, v), 0u)";
      break;
    default:
      lift = "v";
  }
  if (outType.bits !== 64) throw new Error("integer sums write i64/u64");
  return {
    type: "vec2<u32>",
    init: mul ? "vec2<u32>(1u, 0u)" : "vec2<u32>(0u, 0u)",
    lift,
    comb: mul ? "mul64(p, q)" : "add64(p, q)",
    fin: "a",
  };
}

function better(c: string, strict: "gt" | "lt"): { lt: string; nan: string } {
  switch (c) {
    case "f":
      return { lt: strict === "gt" ? "q > p" : "q < p", nan: "is_nan" };
    case "c":
      return { lt: strict === "gt" ? "clt(p, q)" : "clt(q, p)", nan: "cnan" };
    case "l":
      return { lt: strict === "gt" ? "lt_i64(p, q)" : "lt_i64(q, p)", nan: "" };
    case "ul":
      return { lt: strict === "gt" ? "lt_u64(p, q)" : "lt_u64(q, p)", nan: "" };
    case "b":
      return { lt: strict === "gt" ? "(q && !p)" : "(p && !q)", nan: "" };
    default:
      return { lt: strict === "gt" ? "q > p" : "q < p", nan: "" };
  }
}

function extremeAcc(op: "max" | "min", t: WgslType): Acc {
  const { lt, nan } = better(classOf(t), op === "max" ? "gt" : "lt");
  const nanPick = nan === "" ? "" : `if (${nan}(a.v)) { return a; } if (${nan}(b.v)) { return b; }`;
  const decl = `struct A { v: ${t.compute}, ok: bool }
fn bt(p: ${t.compute}, q: ${t.compute}) -> bool { return ${lt}; }
fn comb_(a: A, b: A) -> A {
  if (!a.ok) { return b; } if (!b.ok) { return a; }
  ${nanPick}
  if (bt(a.v, b.v)) { return b; }
  return a;
}`;
  return { type: "A", init: "A()", lift: "A(v, true)", comb: "comb_(p, q)", fin: "a.v", decl };
}

function argAcc(op: "argmax" | "argmin", t: WgslType): Acc {
  const { lt, nan } = better(classOf(t), op === "argmax" ? "gt" : "lt");
  const nanPick = nan === "" ? "" : `let an = ${nan}(a.v); let bn = ${nan}(b.v);
  if (an && bn) { if (a.i < b.i) { return a; } return b; }
  if (an) { return a; } if (bn) { return b; }`;
  const decl = `struct A { v: ${t.compute}, i: i32 }
fn bt(p: ${t.compute}, q: ${t.compute}) -> bool { return ${lt}; }
fn comb_(a: A, b: A) -> A {
  if (a.i < 0) { return b; } if (b.i < 0) { return a; }
  ${nanPick}
  if (bt(a.v, b.v)) { return b; }
  if (bt(b.v, a.v)) { return a; }
  if (a.i < b.i) { return a; }
  return b;
}`;
  return {
    type: "A",
    init: "A(A().v, -1)",
    lift: "A(v, r)",
    comb: "comb_(p, q)",
    fin: "a.i",
    decl,
  };
}

function boolAcc(op: "any" | "all", t: WgslType): Acc {
  const c = classOf(t);
  const truth: Record<string, string> = {
    f: "(bitcast<u32>(v) & 0x7fffffffu) != 0u",
    i: "v != 0",
    u: "v != 0u",
    b: "v",
    c: "((bitcast<u32>(v.x) | bitcast<u32>(v.y)) & 0x7fffffffu) != 0u",
    l: "(v.x | v.y) != 0u",
    ul: "(v.x | v.y) != 0u",
  };
  // A u32 accumulator, not bool: NVIDIA's Vulkan driver returned false for `all` over a
  // stride-0 (broadcast) input with a bool accumulator and `&&`.
  return {
    type: "u32",
    init: op === "any" ? "0u" : "1u",
    lift: `select(0u, 1u, ${truth[c]})`,
    comb: op === "any" ? "p | q" : "p & q",
    fin: "a != 0u",
  };
}

/** The accumulator of reduction `op` on input row t writing row out. */
export function accFor(op: ReduceName, t: WgslType, out: WgslType): Acc {
  switch (op) {
    case "sum":
    case "prod":
    case "mean":
      return sumAcc(op, t, out);
    case "max":
    case "min":
      // Complex NaNs differ: the first one in order wins, as on the CPU, so track positions.
      if (t.compute === "vec2<f32>") {
        return { ...argAcc(op === "max" ? "argmax" : "argmin", t), fin: "a.v" };
      }
      return extremeAcc(op, t);
    case "argmax":
    case "argmin":
      return argAcc(op, t);
    case "any":
    case "all":
      return boolAcc(op, t);
  }
}

/** Meta slots: counts, dims, offsets, then kept shape/x/y strides and reduced shape/x strides. */
const M = {
  nOut: 0,
  nRed: 1,
  nk: 2,
  nr: 3,
  xoff: 4,
  yoff: 5,
  /** Chunks each output's reduced range is split into (partials per output). */
  groups: 6,
  /** Reduced positions per chunk. */
  chunk: 7,
  /** Column tiles (cols mode). */
  tiles: 8,
  dims: 12,
} as const;

/** Workgroups a pass aims for: about one full wave of an H100 (132 SMs × 8 of 256 threads). */
const TARGET_GROUPS = 1024;
/** Columns of one cols-mode workgroup, and its row phases (COLS × PHASES = WG). */
const COLS = 64;
const PHASES = WG / COLS;

/**
 * How a reduction kernel runs: `serial` one thread per output; `row` workgroups over chunks of
 * an output's reduced range (quads of 4 positions per thread step; `vec` loads a quad with one
 * vector load); `cols` 64 adjacent outputs per workgroup, 4 row phases (outer reductions);
 * `rowfin`/`colfin` fold the partials of a split `row`/`cols` pass.
 */
type Mode = "serial" | "row" | "rowvec" | "cols" | "rowfin" | "colfin";

/** WGSL packing a value of WGSL type `ty` into 4 words, and back. */
function words(ty: string): { pack: (v: string) => string; unpack: (w: string) => string } {
  switch (ty) {
    case "f32":
    case "i32":
      return {
        pack: (v) => `vec4<u32>(bitcast<u32>(${v}), 0u, 0u, 0u)`,
        unpack: (w) => `bitcast<${ty}>(${w}.x)`,
      };
    case "u32":
      return { pack: (v) => `vec4<u32>(${v}, 0u, 0u, 0u)`, unpack: (w) => `${w}.x` };
    case "bool":
      return {
        pack: (v) => `vec4<u32>(select(0u, 1u, ${v}), 0u, 0u, 0u)`,
        unpack: (w) => `(${w}.x != 0u)`,
      };
    case "vec2<f32>":
      return {
        pack: (v) => `vec4<u32>(bitcast<vec2<u32>>(${v}), 0u, 0u)`,
        unpack: (w) => `bitcast<vec2<f32>>(${w}.xy)`,
      };
    default:
      return { pack: (v) => `vec4<u32>(${v}, 0u, 0u)`, unpack: (w) => `${w}.xy` };
  }
}

/** Packing of an accumulator (a struct A carries its value and a second field in .w). */
function accWords(acc: Acc, t: WgslType): { pack: string; unpack: string } {
  if (acc.type !== "A") {
    const w = words(acc.type);
    return { pack: w.pack("a"), unpack: w.unpack("w") };
  }
  const w = words(t.compute);
  const arg = acc.init.includes("-1");
  const second = arg ? "bitcast<u32>(a.i)" : "select(0u, 1u, a.ok)";
  const back = arg ? "bitcast<i32>(w.w)" : "(w.w != 0u)";
  const packed = w.pack("a.v");
  return {
    pack: `vec4<u32>(${packed}.xyz, ${second})`,
    unpack: `A(${w.unpack("w")}, ${back})`,
  };
}

/**
 * `quad(b, e)`: the compute values of reduced positions e..e+3 of the row based at element b.
 * The vector form (reduced stride 1, b and e multiples of 4) reads them with one load of the
 * quad's words; the general form element by element. Both give the same values.
 */
function renderQuad(t: WgslType, vec: boolean, used: boolean): string {
  const C = t.compute;
  if (!used) return "";
  if (!vec) {
    return `fn quad(b: i32, e: i32) -> array<${C}, 4> {
  return array<${C}, 4>(ld0(x_at(b, e)), ld0(x_at(b, e + 1)), ld0(x_at(b, e + 2)),
    ld0(x_at(b, e + 3)));
}`;
  }
  const u = (raw: string) => apply(t.unpack, raw);
  let decl: string;
  let body: string;
  switch (t.bits) {
    case 8:
      decl = "array<u32>";
      body = `let w = X[u32(b + e) >> 2u];
  return array<${C}, 4>(${[0, 8, 16, 24].map((s) => u(`((w >> ${s}u) & 0xffu)`)).join(", ")});`;
      break;
    case 16:
      decl = "array<vec2<u32>>";
      body = `let w = X[u32(b + e) >> 2u];
  return array<${C}, 4>(${u("(w.x & 0xffffu)")}, ${u("(w.x >> 16u)")}, ${u("(w.y & 0xffffu)")},
    ${u("(w.y >> 16u)")});`;
      break;
    case 32:
      decl = "array<vec4<u32>>";
      body = `let w = X[u32(b + e) >> 2u];
  return array<${C}, 4>(${u("w.x")}, ${u("w.y")}, ${u("w.z")}, ${u("w.w")});`;
      break;
    case 64:
      decl = "array<vec4<u32>>";
      body = `let i = u32(b + e) >> 1u; let w = X[i]; let z = X[i + 1u];
  return array<${C}, 4>(${u("w.xy")}, ${u("w.zw")}, ${u("z.xy")}, ${u("z.zw")});`;
      break;
  }
  return `@group(0) @binding(2) var<storage, read> X: ${decl};
fn quad(b: i32, e: i32) -> array<${C}, 4> {
  ${body}
}`;
}

function render(op: ReduceName, x: WgslType, y: WgslType, mode: Mode): string {
  const acc = accFor(op, x, y);
  const aw = accWords(acc, x);
  // Bindings: 1 = the output y (or partials), 2 = the input x (or partials).
  const { operands, bindings } = assignBindings([x, y], [0, 1], 1);
  const outValue = op === "argmax" || op === "argmin"
    ? (y.bits === 64 ? "i64_from_i32(a.i)" : "a.i")
    : acc.fin;
  const fin = mode === "rowfin" || mode === "colfin";
  const vec = mode === "rowvec";
  const lines = [
    PRELUDE,
    META,
    renderBindings(bindings.slice(0, 1)),
    mode === "row" || mode === "rowvec" || mode === "cols"
      ? "@group(0) @binding(3) var<storage, read_write> P: array<vec4<u32>>;"
      : "",
    fin
      ? "@group(0) @binding(2) var<storage, read> Q: array<vec4<u32>>;"
      : vec
      ? ""
      : renderBindings(bindings).split("\n")[1],
    fin || vec ? "" : renderLoad(0, operands[0], bindings),
    renderStore(1, operands[1], bindings),
    acc.decl ?? "",
    `fn comb(p: ${acc.type}, q: ${acc.type}) -> ${acc.type} { return ${acc.comb}; }`,
    `fn lift(v: ${x.compute}, r: i32) -> ${acc.type} { _ = r; return ${acc.lift}; }`,
    `fn fin(a: ${acc.type}) -> ${y.compute} { return ${outValue}; }`,
    `fn pack(a: ${acc.type}) -> vec4<u32> { return ${aw.pack}; }`,
    `fn unpack(w: vec4<u32>) -> ${acc.type} { return ${aw.unpack}; }`,
    `fn x_at(base: i32, r0: i32) -> i32 {
  let nk = mt(${M.nk}); let nr = mt(${M.nr});
  let s0 = ${M.dims} + 3 * nk;
  if (nr == 1) { return base + r0 * mt(s0 + 1); }
  var e = base; var rest = r0;
  for (var d = nr - 1; d >= 0; d--) {
    let s = mt(s0 + d);
    e += (rest % s) * mt(s0 + nr + d); rest = rest / s;
  }
  return e;
}
fn bases(o0: i32) -> vec2<i32> {
  let nk = mt(${M.nk});
  var ex = mt(${M.xoff}); var ey = mt(${M.yoff}); var rest = o0;
  for (var d = nk - 1; d >= 0; d--) {
    let s = mt(${M.dims} + d);
    let c = rest % s; rest = rest / s;
    ex += c * mt(${M.dims} + nk + d); ey += c * mt(${M.dims} + 2 * nk + d);
  }
  return vec2<i32>(ex, ey);
}`,
    fin ? "" : renderQuad(x, vec, mode === "row" || mode === "rowvec"),
  ];
  const head = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let wg = wid.y * nwg.x + wid.x;
  let nOut = mtu(${M.nOut});
  let n = mt(${M.nRed});
  let G = mt(${M.groups});`;
  // Folds the 4 values of the quad at e into a, in order.
  const fold4 = (q: string, e: string) =>
    `a = comb(a, lift(${q}[0], ${e})); a = comb(a, lift(${q}[1], ${e} + 1));
      a = comb(a, lift(${q}[2], ${e} + 2)); a = comb(a, lift(${q}[3], ${e} + 3));`;
  // 64-bit and complex inputs fold one quad per step in a loop (smaller shaders).
  const light = x.bits <= 32;
  const foldLoop = (e: string) =>
    `for (var k = ${e}; k < ${e} + 4; k++) { a = comb(a, lift(ld0(x_at(b.x, k)), k)); }`;
  const unrolled = `for (; q + ${3 * WG} < nq; q += ${4 * WG}) {
      let e0 = lo + 4 * q; let e1 = e0 + ${4 * WG}; let e2 = e0 + ${8 * WG};
      let e3 = e0 + ${12 * WG};
      let v0 = quad(b.x, e0); let v1 = quad(b.x, e1); let v2 = quad(b.x, e2);
      let v3 = quad(b.x, e3);
      ${fold4("v0", "e0")}
      ${fold4("v1", "e1")}
      ${fold4("v2", "e2")}
      ${fold4("v3", "e3")}
    }`;
  // The store of a finished accumulator: the output, or partial g of output o.
  const finish = (partialIndex: string) =>
    `if (G == 1) { st1(b.y, fin(a)); } else { P[${partialIndex}] = pack(a); }`;
  const tree = `part[lid] = a;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { part[lid] = comb(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  a = part[0];`;
  switch (mode) {
    case "serial":
      lines.push(`${head}
  _ = G; _ = wg;
  let o = wg * ${WG}u + lid;
  if (o >= nOut) { return; }
  let b = bases(i32(o));
  var a = ${acc.init};
  for (var r = 0; r < n; r++) { a = comb(a, lift(ld0(x_at(b.x, r)), r)); }
  st1(b.y, fin(a));
}`);
      break;
    case "row":
    case "rowvec":
      // Workgroup (o, g) folds chunk g of output o: thread lid takes quads lid, lid + WG, … of
      // the chunk (four loads in flight per step; the combines in the same order as one at a
      // time), then the tail of fewer than 4 positions, then the workgroup tree.
      lines.push(`var<workgroup> part: array<${acc.type}, ${WG}>;
${head}
  let o = wg / u32(G);
  let g = i32(wg % u32(G));
  let live = o < nOut;
  let b = bases(i32(min(o, nOut - 1u)));
  var a = ${acc.init};
  if (live) {
    let lo = g * mt(${M.chunk});
    let hi = min(lo + mt(${M.chunk}), n);
    let nq = (hi - lo) >> 2u;
    var q = i32(lid);
    ${light ? unrolled : ""}
    for (; q < nq; q += ${WG}) {
      let e0 = lo + 4 * q;
      ${light ? `let v0 = quad(b.x, e0); ${fold4("v0", "e0")}` : foldLoop("e0")}
    }
    let t = lo + 4 * nq + i32(lid);
    if (t < hi) { a = comb(a, lift(ld0(x_at(b.x, t)), t)); }
  }
  ${tree}
  if (live && lid == 0u) { ${finish("o * u32(G) + u32(g)")} }
}`);
      if (vec) {
        // The tail reads single elements through the same binding.
        const t = x;
        const ld = t.bits === 8
          ? "(X[u32(e) >> 2u] >> ((u32(e) & 3u) * 8u)) & 0xffu"
          : t.bits === 16
          ? "(X[u32(e) >> 2u][(u32(e) >> 1u) & 1u] >> ((u32(e) & 1u) * 16u)) & 0xffffu"
          : t.bits === 32
          ? "X[u32(e) >> 2u][u32(e) & 3u]"
          : "select(X[u32(e) >> 1u].xy, X[u32(e) >> 1u].zw, (u32(e) & 1u) == 1u)";
        lines.push(`fn ld0(e: i32) -> ${t.compute} { return ${apply(t.unpack, `(${ld})`)}; }`);
      }
      break;
    case "cols":
      // Workgroup (tile, g): column c = lid % 64 of the tile is output o; phase j = lid / 64
      // folds positions lo + j, lo + j + 4, … of chunk g in order; the 4 phases combine as
      // (0 + 1) + (2 + 3).
      lines.push(`var<workgroup> part: array<${acc.type}, ${WG}>;
${head}
  let tiles = mtu(${M.tiles});
  let g = i32(wg / tiles);
  let o = (wg % tiles) * ${COLS}u + (lid % ${COLS}u);
  let j = i32(lid / ${COLS}u);
  let live = o < nOut && g < G;
  let b = bases(i32(min(o, nOut - 1u)));
  var a = ${acc.init};
  if (live) {
    let lo = g * mt(${M.chunk});
    let hi = min(lo + mt(${M.chunk}), n);
    var r = lo + j;
    for (; r + ${3 * PHASES} < hi; r += ${4 * PHASES}) {
      let v0 = ld0(x_at(b.x, r)); let v1 = ld0(x_at(b.x, r + ${PHASES}));
      let v2 = ld0(x_at(b.x, r + ${2 * PHASES})); let v3 = ld0(x_at(b.x, r + ${3 * PHASES}));
      a = comb(a, lift(v0, r)); a = comb(a, lift(v1, r + ${PHASES}));
      a = comb(a, lift(v2, r + ${2 * PHASES})); a = comb(a, lift(v3, r + ${3 * PHASES}));
    }
    for (; r < hi; r += ${PHASES}) { a = comb(a, lift(ld0(x_at(b.x, r)), r)); }
  }
  part[lid] = a;
  workgroupBarrier();
  if ((lid / ${COLS}u) % 2u == 0u) { part[lid] = comb(part[lid], part[lid + ${COLS}u]); }
  workgroupBarrier();
  if (lid < ${COLS}u) {
    a = comb(part[lid], part[lid + ${2 * COLS}u]);
    if (live) { ${finish("u32(g) * nOut + o")} }
  }
}`);
      break;
    case "rowfin":
      lines.push(`var<workgroup> part: array<${acc.type}, ${WG}>;
${head}
  _ = n;
  let o = wg;
  let live = o < nOut;
  let b = bases(i32(min(o, nOut - 1u)));
  var a = ${acc.init};
  if (live) {
    for (var g = i32(lid); g < G; g += ${WG}) { a = comb(a, unpack(Q[i32(o) * G + g])); }
  }
  ${tree}
  if (live && lid == 0u) { st1(b.y, fin(a)); }
}`);
      break;
    case "colfin":
      lines.push(`${head}
  _ = n;
  let o = wg * ${WG}u + lid;
  if (o >= nOut) { return; }
  let b = bases(i32(o));
  var a = ${acc.init};
  for (var g = 0; g < G; g++) { a = comb(a, unpack(Q[u32(g) * nOut + o])); }
  st1(b.y, fin(a));
}`);
      break;
  }
  return withHelpers(lines.join("\n"));
}

interface Dim {
  size: number;
  strides: number[];
}

const meta = new Int32Array(META_WORDS);

/** Runs reduction `op` of x over `axes` into y on the GPU. */
export function runReduce(
  ctx: GpuContext,
  op: string,
  x: Tensor,
  axes: readonly number[],
  y: Tensor,
  _accumulate: DType,
): void {
  x.assertLive(op);
  const name = op as ReduceName;
  const context = { op, shapes: [x.shape, y.shape], dtypes: [x.dtype, y.dtype], device: "webgpu" };
  if (REDUCE_OPS[name] === undefined || !REDUCE_SUPPORT[name].includes(x.dtype)) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu backend has no ${op} kernel for ${x.dtype}`,
      context,
    );
  }
  const xt = wgslType(x.dtype)!;
  const yt = wgslType(y.dtype);
  if (yt === undefined) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu backend has no ${op} kernel writing ${y.dtype}`,
      context,
    );
  }
  const reducedSet = new Set(axes);
  const keepdims = y.ndim === x.ndim;
  const kept: Dim[] = [];
  const reduced: Dim[] = [];
  let yd = 0;
  for (let d = 0; d < x.ndim; d++) {
    const size = x.shape[d];
    if (reducedSet.has(d)) {
      if (keepdims) yd++;
      if (size !== 1) reduced.push({ size, strides: [x.strides[d]] });
      continue;
    }
    if (size !== 1) kept.push({ size, strides: [x.strides[d], y.strides[yd]] });
    yd++;
  }
  const k = coalesce(kept.map((d) => d.size), [0, 1].map((i) => kept.map((d) => d.strides[i])));
  // Like the CPU: value reductions walk the reduced dims in memory order (flipped to positive
  // strides, largest stride outermost), so ties between NaNs resolve alike; arg reductions keep
  // the logical order their index counts in.
  let xOffset = x.offset;
  if (op !== "argmax" && op !== "argmin") {
    for (const d of reduced) {
      if (d.strides[0] < 0) {
        xOffset += (d.size - 1) * d.strides[0];
        d.strides[0] = -d.strides[0];
      }
    }
    reduced.sort((p, q) => q.strides[0] - p.strides[0]);
  }
  const r = coalesce(reduced.map((d) => d.size), [reduced.map((d) => d.strides[0])]);
  const nk = k.shape.length;
  const nr = r.shape.length;
  if (M.dims + 3 * nk + 2 * nr > META_WORDS) {
    throw new NumrError("InvalidArgument", "Reduction layout has too many dimensions", context);
  }
  const nOut = y.size;
  const nRed = r.shape.reduce((a, b) => a * b, 1);
  meta.fill(0);
  meta[M.nOut] = nOut;
  meta[M.nRed] = nRed;
  meta[M.nk] = nk;
  meta[M.nr] = nr;
  meta[M.xoff] = xOffset;
  meta[M.yoff] = y.offset;
  let at: number = M.dims;
  for (const s of k.shape) meta[at++] = s;
  for (const s of k.strides[0]) meta[at++] = s;
  for (const s of k.strides[1]) meta[at++] = s;
  for (const s of r.shape) meta[at++] = s;
  for (const s of r.strides[0]) meta[at++] = s;
  const xb = (x.storage as GpuStorage).buffer;
  const yb = (y.storage as GpuStorage).buffer;
  const kernel = (mode: Mode) =>
    ctx.pipeline(
      `reduce:${op}:${x.dtype}:${y.dtype}:${mode}`,
      () => render(name, xt, yt, mode),
    );
  if (nRed <= SERIAL_MAX) {
    ctx.dispatch(kernel("serial"), meta, [yb, xb], Math.ceil(nOut / WG));
    return;
  }
  // Outer reductions (the kept dims' innermost walks x with stride 1, the reduced ones do not)
  // read 64 adjacent outputs per workgroup, so every load is coalesced.
  const colsLayout = nk > 0 && k.strides[0][nk - 1] === 1 && k.shape[nk - 1] >= 16 &&
    !(nr === 1 && r.strides[0][0] === 1);
  const split = colsLayout ? colsSplit(nOut, nRed) : rowSplit(nOut, nRed);
  meta[M.groups] = split.groups;
  meta[M.chunk] = split.chunk;
  const G = split.groups;
  const partials = G > 1 ? ctx.acquire(nOut * G * 16, op) : ctx.acquire(16, op);
  if (colsLayout) {
    const tiles = Math.ceil(nOut / COLS);
    meta[M.tiles] = tiles;
    ctx.dispatch(kernel("cols"), meta, [yb, xb, partials], tiles * G);
    if (G > 1) ctx.dispatch(kernel("colfin"), meta, [yb, partials], Math.ceil(nOut / WG));
  } else {
    // A quad of 4 positions is one vector load when the reduced dim is contiguous and every
    // row starts at a multiple of 4 elements.
    const vec = nr === 1 && r.strides[0][0] === 1 && xOffset % 4 === 0 &&
      k.strides[0].every((s) => s % 4 === 0);
    ctx.dispatch(kernel(vec ? "rowvec" : "row"), meta, [yb, xb, partials], nOut * G);
    if (G > 1) ctx.dispatch(kernel("rowfin"), meta, [yb, partials], nOut);
  }
  ctx.releaseBuffer(partials);
}

/** A split of each output's reduced range into `groups` chunks of `chunk` positions. */
interface Split {
  groups: number;
  chunk: number;
}

/**
 * Row mode: chunks are multiples of 4·WG positions (whole quads per thread step), as few as give
 * about TARGET_GROUPS workgroups in all, at least 4 quads per thread, and at most 256 positions
 * per thread (accuracy). Depends only on the counts.
 */
export function rowSplit(nOut: number, n: number): Split {
  const unit = 4 * WG;
  let groups = Math.min(Math.max(1, Math.floor(TARGET_GROUPS / nOut)), Math.ceil(n / (4 * unit)));
  groups = Math.max(groups, Math.ceil(n / (WG * 256)));
  const chunk = Math.ceil(Math.ceil(n / groups) / unit) * unit;
  return { groups: Math.ceil(n / chunk), chunk };
}

/**
 * Cols mode: chunks of rows so that the workgroups number about TARGET_GROUPS, each phase folds
 * at least 16 positions and at most 256 (accuracy). Depends only on the counts.
 */
export function colsSplit(nOut: number, n: number): Split {
  const tiles = Math.ceil(nOut / COLS);
  const most = Math.max(1, Math.ceil(n / (16 * PHASES)));
  let groups = Math.min(Math.max(1, Math.ceil(TARGET_GROUPS / tiles)), most);
  groups = Math.max(groups, Math.ceil(n / (256 * PHASES)));
  const chunk = Math.ceil(n / groups / PHASES) * PHASES;
  return { groups: Math.ceil(n / chunk), chunk };
}
