// WebGPU matrix product: 64×64 output tiles per workgroup of 16×16 threads, each thread holding
// a 4×4 block of accumulators in registers, K walked in slices of 16 staged through shared
// memory; batched over workgroup z (batch stride 0 broadcasts), with an optional bias added in
// the epilogue. Operands are read through their strides (transposed views need no copy) and
// computed in f32 (f16/bf16 load and store through the dtype rows), or wrapping in i32 (i32, and
// i8 read from its packed lanes into an i32 result, as the CPU) or i64 (two u32 words).

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { Activation } from "../backend.ts";
import { type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { assignBindings, META, renderBindings, renderLoad, renderStore } from "./wgsl/codegen.ts";
import { type ComputeType, PRELUDE, type WgslType, wgslType } from "./wgsl/types.ts";

/** Dtypes the matmul kernel takes (a and b of one dtype; i8 gives i32, the others their own). */
export const MATMUL_DTYPES: DType[] = ["f32", "f16", "bf16", "i32", "i8", "i64"];

/** The dtype of y (and of the bias) for inputs of dtype `d`. */
export function matmulOutput(d: DType): DType {
  return d === "i8" ? "i32" : d;
}

const TILE = 64;
const KT = 16;

/** Meta slots. */
const M = {
  m: 0,
  n: 1,
  k: 2,
  offsets: 4, // a, b, bias, y
  a: 8, // batch, row, col strides
  b: 11,
  bias: 14,
  y: 17,
  act: 20, // ACT_CODES of the activation
} as const;

/** Activation codes read from meta by the epilogue (the CUDA kernels use the same). */
const ACT_CODES: Record<Activation, number> = { relu: 1, gelu: 2, silu: 3, sigmoid: 4, tanh: 5 };

/** WGSL of each epilogue activation of `v` (the same formulas as the CPU kernels). */
const ACTIVATIONS: Record<Activation, string> = {
  relu: "select(v, ZERO, v < ZERO)",
  gelu: "0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))",
  silu: "v / (1.0 + exp(-v))",
  sigmoid: "1.0 / (1.0 + exp(-v))",
  tanh: "tanh(v)",
};

/**
 * `fn <name>(v: T) -> T` applying the activation whose code is in meta (identity for 0): one
 * pipeline serves every activation, so a product compiles once per dtype and bias, not per
 * activation. `only` limits the cases (integers take relu only).
 */
function renderAct(
  name: string,
  type: string,
  only: readonly Activation[] = Object.keys(ACTIVATIONS) as Activation[],
): string {
  const cases = only.map((a) =>
    `    case ${ACT_CODES[a]}: { return ${ACTIVATIONS[a].replaceAll("ZERO", `${type}(0)`)}; }`
  );
  return `fn ${name}(v: ${type}) -> ${type} {
  switch mt(${M.act}) {
${cases.join("\n")}
    default: { return v; }
  }
}`;
}

/** Multiply-add, add and relu in a compute type (i64 as two u32 words, wrapping). */
interface Arith {
  madd(x: string, y: string, z: string): string;
  add(x: string, y: string): string;
}

const ARITH: Partial<Record<ComputeType, Arith>> = {
  f32: { madd: (x, y, z) => `fma(${x}, ${y}, ${z})`, add: (x, y) => `${x} + ${y}` },
  i32: { madd: (x, y, z) => `${z} + ${x} * ${y}`, add: (x, y) => `${x} + ${y}` },
  "vec2<u32>": {
    madd: (x, y, z) => `add64(${z}, mul64(${x}, ${y}))`,
    add: (x, y) => `add64(${x}, ${y})`,
  },
};

/** The epilogue `fn act` in compute type `c`. */
function renderActOf(c: ComputeType): string {
  if (c === "f32") return renderAct("act", c);
  if (c !== "vec2<u32>") return renderAct("act", c, ["relu"]);
  // Only relu reaches an i64 kernel: negative when the high word's sign bit is set.
  return `fn act(v: vec2<u32>) -> vec2<u32> {
  if (mt(${M.act}) != ${ACT_CODES.relu}) { return v; }
  return select(v, vec2<u32>(0u), bitcast<i32>(v.y) < 0);
}`;
}

/**
 * The general kernel for inputs of row `t` and output (and bias) row `o`, accumulating in o's
 * compute type: f32 with fma, i32 or i64 (two u32 words) wrapping as NumPy's.
 */
function render(
  t: WgslType,
  o: WgslType,
  bias: boolean,
): string {
  const c = o.compute;
  const { madd, add } = ARITH[c]!;
  const types = bias ? [t, t, o, o] : [t, t, o];
  const ids = bias ? [0, 1, 2, 3] : [0, 1, 2];
  const { operands, bindings } = assignBindings(types, ids, 1);
  const out = types.length - 1;
  const loads = operands.slice(0, out).map((o, k) => renderLoad(k, o, bindings));
  const biasAt = `ld2(mt(${M.offsets + 2}) + bz * mt(${M.bias}) + gm * mt(${M.bias + 1}) + ` +
    `gn * mt(${M.bias + 2}))`;
  const result = bias ? add("acc[i][j]", biasAt) : "acc[i][j]";
  return [
    PRELUDE,
    META,
    renderBindings(bindings),
    ...loads,
    renderStore(out, operands[out], bindings),
    renderActOf(c),
    `var<workgroup> As: array<array<${c}, ${TILE}>, ${KT}>;
var<workgroup> Bs: array<array<${c}, ${TILE}>, ${KT}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let Mn = mt(${M.m}); let Nn = mt(${M.n}); let Kn = mt(${M.k});
  let bz = i32(wid.z);
  let m0 = i32(wid.y) * ${TILE}; let n0 = i32(wid.x) * ${TILE};
  let tx = i32(lid.x); let ty = i32(lid.y);
  let tid = ty * 16 + tx;
  let abase = mt(${M.offsets}) + bz * mt(${M.a});
  let bbase = mt(${M.offsets + 1}) + bz * mt(${M.b});
  var acc: array<array<${c}, 4>, 4>;
  for (var k0 = 0; k0 < Kn; k0 += ${KT}) {
    for (var j = 0; j < 4; j++) {
      let idx = tid + j * 256;
      let r = idx / ${KT}; let kk = idx % ${KT};
      let gm = m0 + r; let gk = k0 + kk;
      var v = ${c}(0);
      if (gm < Mn && gk < Kn) { v = ld0(abase + gm * mt(${M.a + 1}) + gk * mt(${M.a + 2})); }
      As[kk][r] = v;
      let kb = idx / ${TILE}; let c = idx % ${TILE};
      let gk2 = k0 + kb; let gn = n0 + c;
      var w = ${c}(0);
      if (gk2 < Kn && gn < Nn) { w = ld1(bbase + gk2 * mt(${M.b + 1}) + gn * mt(${M.b + 2})); }
      Bs[kb][c] = w;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${KT}; kk++) {
      var ar: array<${c}, 4>; var br: array<${c}, 4>;
      for (var i = 0; i < 4; i++) { ar[i] = As[kk][ty + 16 * i]; br[i] = Bs[kk][tx + 16 * i]; }
      for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) { acc[i][j] = ${madd("ar[i]", "br[j]", "acc[i][j]")}; }
      }
    }
    workgroupBarrier();
  }
  let ybase = mt(${M.offsets + 3}) + bz * mt(${M.y});
  for (var i = 0; i < 4; i++) {
    let gm = m0 + ty + 16 * i;
    if (gm >= Mn) { continue; }
    for (var j = 0; j < 4; j++) {
      let gn = n0 + tx + 16 * j;
      if (gn >= Nn) { continue; }
      st${out}(ybase + gm * mt(${M.y + 1}) + gn * mt(${M.y + 2}), act(${result}));
    }
  }
}`,
  ].join("\n");
}

// The f32 fast path: 128×128 tiles per workgroup of 16×16 threads, each thread holding an 8×8
// block of accumulators (rows ty*4+i and 64+ty*4+i, columns tx*4+j and 64+tx*4+j, so every
// shared-memory read is one vec4 shared by the warp), K in slices of 16; the next slice's global
// loads (vec4) are issued before the current slice is multiplied. Taken when a, b and y are f32
// with unit column strides and every offset and row/batch stride a multiple of 4 (and K, N too).
const FT = 128;
const FK = 16;

// naga bounds every loop with a counter (no unrolling by the driver), so the inner loops are
// unrolled here.
function inner(): string {
  const lines: string[] = [];
  for (let kk = 0; kk < FK; kk++) {
    const r = kk * (FT / 4);
    lines.push(`    { let a0 = As[${r} + ty]; let a1 = As[${r + 16} + ty];`);
    lines.push(`      let b0 = Bs[${r} + tx]; let b1 = Bs[${r + 16} + tx];`);
    for (let i = 0; i < 8; i++) {
      const av = `vec4<f32>(a${i >> 2}.${"xyzw"[i & 3]})`;
      lines.push(
        `      acc${2 * i} = fma(${av}, b0, acc${2 * i}); acc${2 * i + 1} = fma(${av}, b1, acc${
          2 * i + 1
        });`,
      );
    }
    lines.push(`    }`);
  }
  return lines.join("\n");
}

function loads(k: string): string {
  return [0, 1].map((j) =>
    `  {
    let gm = m0 + ar0 + ${64 * j}; let gk = ${k} + akc;
    pa${j} = vec4<f32>(0.0);
    if (gm < Mn && gk < Kn) { pa${j} = BA[(abase + gm * lda + gk) / 4]; }
    let gk2 = ${k} + bk0 + ${8 * j}; let gn = n0 + bc;
    pb${j} = vec4<f32>(0.0);
    if (gk2 < Kn && gn < Nn) { pb${j} = BBm[(bbase + gk2 * ldb + gn) / 4]; }
  }`
  ).join("\n");
}

function stores(): string {
  return [0, 1].map((j) =>
    `    {
      let r = ar0 + ${64 * j}; let q = r / 4; let lane = r % 4;
      As[(akc + 0) * ${FT / 4} + q][lane] = pa${j}.x;
      As[(akc + 1) * ${FT / 4} + q][lane] = pa${j}.y;
      As[(akc + 2) * ${FT / 4} + q][lane] = pa${j}.z;
      As[(akc + 3) * ${FT / 4} + q][lane] = pa${j}.w;
      Bs[(bk0 + ${8 * j}) * ${FT / 4} + bc / 4] = pb${j};
    }`
  ).join("\n");
}

function renderFast(bias: boolean): string {
  const biasBinding = bias ? `@group(0) @binding(4) var<storage, read> BB: array<f32>;` : "";
  const biasTerm = (r: string, c: string) =>
    bias
      ? ` + vec4<f32>(bv(${r}, ${c}), bv(${r}, ${c} + 1), bv(${r}, ${c} + 2), bv(${r}, ${c} + 3))`
      : "";
  const bv = bias
    ? `fn bv(r: i32, c: i32) -> f32 {
  if (c >= mt(${M.n})) { return 0.0; }
  return BB[mt(${M.offsets + 2}) + i32(wz) * mt(${M.bias}) + r * mt(${M.bias + 1}) +
    c * mt(${M.bias + 2})];
}`
    : "";
  return `${META}
@group(0) @binding(1) var<storage, read_write> BY: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> BA: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> BBm: array<vec4<f32>>;
${biasBinding}
${renderAct("act4", "vec4<f32>")}
var<workgroup> As: array<vec4<f32>, ${FK * FT / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${FK * FT / 4}>;
var<private> wz: u32;
${bv}
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  wz = wid.z;
  let Mn = mt(${M.m}); let Nn = mt(${M.n}); let Kn = mt(${M.k});
  let bz = i32(wid.z);
  let m0 = i32(wid.y) * ${FT}; let n0 = i32(wid.x) * ${FT};
  let tx = i32(lid.x); let ty = i32(lid.y);
  let tid = ty * 16 + tx;
  let lda = mt(${M.a + 1}); let ldb = mt(${M.b + 1});
  let abase = mt(${M.offsets}) + bz * mt(${M.a});
  let bbase = mt(${M.offsets + 1}) + bz * mt(${M.b});
  // This thread's loads: A rows ar0/ar0+64 at k column akc; B rows bk0/bk0+8 at column bc.
  let ar0 = tid / 4; let akc = (tid % 4) * 4;
  let bk0 = tid / 32; let bc = (tid % 32) * 4;
  var pa0: vec4<f32>; var pa1: vec4<f32>; var pb0: vec4<f32>; var pb1: vec4<f32>;
  ${Array.from({ length: 16 }, (_, i) => `var acc${i} = vec4<f32>(0.0);`).join(" ")}
${loads("0")}
  for (var k0 = 0; k0 < Kn; k0 += ${FK}) {
${stores()}
    workgroupBarrier();
    let kn = k0 + ${FK};
    if (kn < Kn) {
${loads("kn")}
    }
${inner()}
    workgroupBarrier();
  }
  let ldy = mt(${M.y + 1});
  let ybase = mt(${M.offsets + 3}) + bz * mt(${M.y});
${
    Array.from({ length: 8 }, (_, i) =>
      `  {
    let gm = m0 + ty * 4 + ${(i % 4) + 64 * (i >> 2)};
    if (gm < Mn) {
      let gn0 = n0 + tx * 4;
      if (gn0 < Nn) { BY[(ybase + gm * ldy + gn0) / 4] = act4(acc${2 * i}${
        biasTerm("gm", "gn0")
      }); }
      let gn1 = gn0 + 64;
      if (gn1 < Nn) { BY[(ybase + gm * ldy + gn1) / 4] = act4(acc${2 * i + 1}${
        biasTerm("gm", "gn1")
      }); }
    }
  }`).join("\n")
  }
}`;
}

/** `NUMR_WEBGPU_MATMUL=tiled64` keeps the general kernel (for comparisons). */
const FORCE_TILED64 = (() => {
  try {
    return Deno.env.get("NUMR_WEBGPU_MATMUL") === "tiled64";
  } catch {
    return false; // no env permission
  }
})();

/** True when the f32 fast path applies (see renderFast). */
function fastPath(a: Tensor, b: Tensor, y: Tensor, bias: Tensor | null): boolean {
  if (a.dtype !== "f32" || FORCE_TILED64) return false;
  const [, , k] = a.shape;
  const n = b.shape[2];
  const ok = (t: Tensor) =>
    t.strides[2] === 1 && t.offset % 4 === 0 && t.strides[1] % 4 === 0 && t.strides[0] % 4 === 0;
  const aliased = (t: Tensor) => t.storage === y.storage;
  return k % 4 === 0 && n % 4 === 0 && ok(a) && ok(b) && ok(y) && !aliased(a) &&
    !aliased(b) && (bias === null || !aliased(bias));
}

const meta = new Int32Array(META_WORDS);

/**
 * `y = a @ b (+ bias)` for a [batch, M, K], b [batch, K, N], y [batch, M, N], bias a view of
 * y's shape or null; a and b of one dtype in MATMUL_DTYPES, y and bias of its matmulOutput, any
 * strides; `activation` applied last (only relu for integers).
 */
export function runMatmul(
  ctx: GpuContext,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  bias: Tensor | null,
  activation?: Activation,
): void {
  const operands = bias === null ? [a, b, y] : [a, b, bias, y];
  for (const t of operands) t.assertLive("matmul");
  const context = {
    op: "matmul",
    shapes: operands.map((t) => t.shape),
    dtypes: operands.map((t) => t.dtype),
    device: "webgpu",
  };
  const out = matmulOutput(a.dtype);
  if (
    !MATMUL_DTYPES.includes(a.dtype) || b.dtype !== a.dtype || y.dtype !== out ||
    (bias !== null && bias.dtype !== out)
  ) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu matmul kernel takes a and b of one dtype of ${MATMUL_DTYPES.join("/")}, ` +
        `y and bias of the product's dtype (i32 for i8)`,
      context,
    );
  }
  const o = wgslType(out)!;
  if (o.compute !== "f32" && activation !== undefined && activation !== "relu") {
    throw new NumrError("UnsupportedDType", `${activation} is not defined for ${a.dtype}`, context);
  }
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const ok = a.ndim === 3 && b.ndim === 3 && y.ndim === 3 && b.shape[0] === batch &&
    b.shape[1] === k && y.shape[0] === batch && y.shape[1] === m && y.shape[2] === n &&
    (bias === null || bias.shape.every((s, i) => s === y.shape[i]));
  if (!ok) {
    throw new NumrError("ShapeMismatch", "matmul operands must be [B, M, K] @ [B, K, N]", context);
  }
  if (y.size === 0) return;
  if (batch > 65535) {
    throw new NumrError("InvalidArgument", `A batch of ${batch} exceeds 65,535`, context);
  }
  const t = wgslType(a.dtype)!;
  meta.fill(0);
  meta[M.m] = m;
  meta[M.n] = n;
  meta[M.k] = k;
  meta[M.offsets] = a.offset;
  meta[M.offsets + 1] = b.offset;
  meta[M.offsets + 2] = bias?.offset ?? 0;
  meta[M.offsets + 3] = y.offset;
  meta.set(a.strides, M.a);
  meta.set(b.strides, M.b);
  if (bias !== null) meta.set(bias.strides, M.bias);
  meta.set(y.strides, M.y);
  meta[M.act] = activation === undefined ? 0 : ACT_CODES[activation];
  const buf = (x: Tensor) => (x.storage as GpuStorage).buffer;
  if (fastPath(a, b, y, bias)) {
    const key = `matmul:f32fast:${bias === null ? "" : "bias"}`;
    const pipeline = ctx.pipeline(key, () => renderFast(bias !== null));
    const bound = [buf(y), buf(a), buf(b), ...(bias === null ? [] : [buf(bias)])];
    ctx.dispatch(pipeline, meta, bound, [Math.ceil(n / FT), Math.ceil(m / FT), batch]);
    return;
  }
  const key = `matmul:${a.dtype}:${bias === null ? "" : "bias"}`;
  const pipeline = ctx.pipeline(key, () => render(t, o, bias !== null));
  // Binding 1 is the output, then the inputs in order.
  const bound = [buf(y), ...operands.slice(0, -1).map(buf)];
  ctx.dispatch(pipeline, meta, bound, [Math.ceil(n / TILE), Math.ceil(m / TILE), batch]);
}
