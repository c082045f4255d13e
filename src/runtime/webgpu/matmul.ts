// WebGPU matrix product: 64×64 output tiles per workgroup of 16×16 threads, each thread holding
// a 4×4 block of accumulators in registers, K walked in slices of 16 staged through shared
// memory; batched over workgroup z (batch stride 0 broadcasts), with an optional bias added in
// the epilogue. Operands are read through their strides (transposed views need no copy) and
// computed in f32 (f16/bf16 load and store through the dtype rows).

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { Activation } from "../backend.ts";
import { type GpuContext, type GpuStorage, META_WORDS } from "./device.ts";
import { assignBindings, META, renderBindings, renderLoad, renderStore } from "./wgsl/codegen.ts";
import { PRELUDE, type WgslType, wgslType } from "./wgsl/types.ts";

/** Dtypes the matmul kernel takes (all operands of one dtype). */
export const MATMUL_DTYPES: DType[] = ["f32", "f16", "bf16"];

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
} as const;

/** WGSL of each epilogue activation, applied to `v` (the same formulas as the CPU kernels). */
const ACTIVATIONS: Record<Activation, string> = {
  relu: "select(v, 0.0, v < 0.0)",
  gelu: "0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))",
  silu: "v / (1.0 + exp(-v))",
  sigmoid: "1.0 / (1.0 + exp(-v))",
  tanh: "tanh(v)",
};

function render(t: WgslType, bias: boolean, activation: Activation | undefined): string {
  const types = bias ? [t, t, t, t] : [t, t, t];
  const ids = bias ? [0, 1, 2, 3] : [0, 1, 2];
  const { operands, bindings } = assignBindings(types, ids, 1);
  const out = types.length - 1;
  const loads = operands.slice(0, out).map((o, k) => renderLoad(k, o, bindings));
  const biasTerm = bias
    ? `+ ld2(mt(${M.offsets + 2}) + bz * mt(${M.bias}) + gm * mt(${M.bias + 1}) + gn * mt(${
      M.bias + 2
    }))`
    : "";
  return [
    PRELUDE,
    META,
    renderBindings(bindings),
    ...loads,
    renderStore(out, operands[out], bindings),
    `fn act(v: f32) -> f32 { return ${activation === undefined ? "v" : ACTIVATIONS[activation]}; }`,
    `var<workgroup> As: array<array<f32, ${TILE}>, ${KT}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${KT}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let Mn = mt(${M.m}); let Nn = mt(${M.n}); let Kn = mt(${M.k});
  let bz = i32(wid.z);
  let m0 = i32(wid.y) * ${TILE}; let n0 = i32(wid.x) * ${TILE};
  let tx = i32(lid.x); let ty = i32(lid.y);
  let tid = ty * 16 + tx;
  let abase = mt(${M.offsets}) + bz * mt(${M.a});
  let bbase = mt(${M.offsets + 1}) + bz * mt(${M.b});
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0; k0 < Kn; k0 += ${KT}) {
    for (var j = 0; j < 4; j++) {
      let idx = tid + j * 256;
      let r = idx / ${KT}; let kk = idx % ${KT};
      let gm = m0 + r; let gk = k0 + kk;
      var v = 0.0;
      if (gm < Mn && gk < Kn) { v = ld0(abase + gm * mt(${M.a + 1}) + gk * mt(${M.a + 2})); }
      As[kk][r] = v;
      let kb = idx / ${TILE}; let c = idx % ${TILE};
      let gk2 = k0 + kb; let gn = n0 + c;
      var w = 0.0;
      if (gk2 < Kn && gn < Nn) { w = ld1(bbase + gk2 * mt(${M.b + 1}) + gn * mt(${M.b + 2})); }
      Bs[kb][c] = w;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${KT}; kk++) {
      var ar: array<f32, 4>; var br: array<f32, 4>;
      for (var i = 0; i < 4; i++) { ar[i] = As[kk][ty + 16 * i]; br[i] = Bs[kk][tx + 16 * i]; }
      for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) { acc[i][j] = fma(ar[i], br[j], acc[i][j]); }
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
      st${out}(ybase + gm * mt(${M.y + 1}) + gn * mt(${M.y + 2}), act(acc[i][j] ${biasTerm}));
    }
  }
}`,
  ].join("\n");
}

const meta = new Int32Array(META_WORDS);

/**
 * `y = a @ b (+ bias)` for a [batch, M, K], b [batch, K, N], y [batch, M, N], bias a view of
 * y's shape or null; every operand of one dtype in MATMUL_DTYPES, any strides; `activation`
 * applied last.
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
  if (!MATMUL_DTYPES.includes(a.dtype) || operands.some((t) => t.dtype !== a.dtype)) {
    throw new NumrError(
      "UnsupportedDType",
      `The webgpu matmul kernel takes one dtype of ${MATMUL_DTYPES.join("/")} for every operand`,
      context,
    );
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
  const key = `matmul:${a.dtype}:${bias === null ? "" : "bias"}:${activation ?? ""}`;
  const pipeline = ctx.pipeline(key, () => render(t, bias !== null, activation));
  const buf = (x: Tensor) => (x.storage as GpuStorage).buffer;
  // Binding 1 is the output, then the inputs in order.
  const bound = [buf(y), ...operands.slice(0, -1).map(buf)];
  ctx.dispatch(pipeline, meta, bound, [Math.ceil(n / TILE), Math.ceil(m / TILE), batch]);
}
