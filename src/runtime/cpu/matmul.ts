// CPU matmul: writes the matmul descriptor (see native/cpu/matmul.zig) and calls the Zig GEMM
// kernels. Complex products run as four real GEMMs on the f32/f64 kernels over the interleaved
// storage; half, fp8 and small-int inputs compute in f32/i32/i64 and are cast into the output.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import { emptyTensor } from "../../tensor/create.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { MATMUL_VIA_I64, type MatmulKernelOptions } from "../backend.ts";
import { kernel } from "./kernels.ts";
import { check, coalesce, meta, metaPointer, NDIM_MAX, ptr } from "./layout.ts";

const ACTIVATION_CODES = { none: 0, relu: 1, gelu: 2, silu: 3, sigmoid: 4, tanh: 5 } as const;

/** The dtype the kernel of an input dtype computes and writes (C and bias have it). */
const COMPUTE: Partial<Record<DType, DType>> = {
  f64: "f64",
  f32: "f32",
  f16: "f32",
  bf16: "f32",
  fp8e4m3: "f32",
  fp8e5m2: "f32",
  i64: "i64",
  i32: "i32",
  i8: "i32",
};

/** One real operand: storage pointer, element offset, batch strides and matrix strides. */
interface Operand {
  pointer: Deno.PointerValue;
  offset: number;
  batch: readonly number[];
  rs: number;
  cs: number;
}

function operand(t: Tensor, scale = 1, shift = 0): Operand {
  const nd = t.ndim;
  return {
    pointer: ptr(t),
    offset: t.offset * scale + shift,
    batch: t.strides.slice(0, nd - 2).map((s) => s * scale),
    rs: t.strides[nd - 2] * scale,
    cs: t.strides[nd - 1] * scale,
  };
}

interface Call {
  dtype: DType;
  a: Operand;
  b: Operand;
  c: Operand;
  bias?: { pointer: Deno.PointerValue; offset: number; stride: number };
  alpha: number;
  accumulate: boolean;
  activation: number;
}

function runKernel(call: Call, batchShape: readonly number[], mnk: number[], y: Tensor): void {
  const c = coalesce(batchShape, [call.a.batch, call.b.batch, call.c.batch]);
  const nb = c.shape.length;
  if (nb > NDIM_MAX) {
    throw new NumrError("InvalidArgument", `matmul batch has ${nb} dimensions after merging`, {
      op: "matmul",
      shapes: [y.shape],
    });
  }
  let at = 0;
  meta[at++] = nb;
  for (const s of c.shape) meta[at++] = s;
  for (const strides of c.strides) for (const s of strides) meta[at++] = s;
  const tail = [
    ...mnk,
    call.a.rs,
    call.a.cs,
    call.b.rs,
    call.b.cs,
    call.c.rs,
    call.c.cs,
    call.bias?.stride ?? 0,
    call.alpha,
    call.accumulate ? 1 : 0,
    call.bias === undefined ? 0 : 1,
    call.activation,
  ];
  for (const v of tail) meta[at++] = v;
  const k = kernel("matmul", "matmul", call.dtype);
  const bias = call.bias;
  const status = k(
    call.a.pointer,
    call.a.offset,
    call.b.pointer,
    call.b.offset,
    bias?.pointer ?? null,
    bias?.offset ?? 0,
    call.c.pointer,
    call.c.offset,
    metaPointer(),
  );
  if (status === 5) {
    throw new NumrError("OutOfMemory", "No memory for the matmul packing buffers", {
      op: "matmul",
      shapes: [y.shape],
      device: "cpu",
    });
  }
  check(status, "matmul", [y]);
}

function biasOf(bias: Tensor | undefined, dtype: DType, scale = 1, shift = 0): Call["bias"] {
  if (bias === undefined) return undefined;
  const b = bias.dtype === dtype ? bias : castCopy(bias, dtype);
  return { pointer: ptr(b), offset: b.offset * scale + shift, stride: b.strides[0] * scale };
}

function castCopy(x: Tensor, dtype: DType): Tensor {
  const y = emptyTensor(x.shape, dtype, "cpu");
  if (y.size === 0) return y;
  const k = kernel("cast", x.dtype, dtype);
  // A contiguous target has the row-major strides of x's shape.
  writeCastLayout(x, y);
  check(k(ptr(x), x.offset, ptr(y), y.offset, metaPointer()), "matmul", [x, y]);
  return y;
}

function writeCastLayout(x: Tensor, y: Tensor): void {
  const c = coalesce(x.shape, [x.strides, y.strides]);
  let at = 0;
  meta[at++] = c.shape.length;
  for (const s of c.shape) meta[at++] = s;
  for (const strides of c.strides) for (const s of strides) meta[at++] = s;
}

/**
 * y[..., M, N] = act(alpha · a[..., M, K] @ b[..., K, N] + bias[N]); a and b are views whose batch
 * dims are already broadcast to y's.
 */
export function runMatmul(a: Tensor, b: Tensor, y: Tensor, options: MatmulKernelOptions): void {
  a.assertLive("matmul");
  b.assertLive("matmul");
  options.bias?.assertLive("matmul");
  const nd = y.ndim;
  const mnk = [y.shape[nd - 2], y.shape[nd - 1], a.shape[nd - 1]];
  const batch = y.shape.slice(0, nd - 2);
  const activation = ACTIVATION_CODES[options.activation ?? "none"];
  const alpha = options.alpha ?? 1;
  const d = a.dtype;
  if (d === "c64" || d === "c128") {
    if (activation !== 0) {
      throw new NumrError("UnsupportedDType", `Activations are not defined for ${d}`, {
        op: "matmulBias",
        dtypes: [d],
        device: "cpu",
      });
    }
    const sign = options.conjugateA ? -1 : 1;
    return complexMatmul(a, b, y, batch, mnk, options.bias, alpha, sign);
  }
  if (MATMUL_VIA_I64.includes(d)) {
    const a64 = castCopy(a, "i64");
    const b64 = castCopy(b, "i64");
    const y64 = emptyTensor(y.shape, "i64", "cpu");
    runMatmul(a64, b64, y64, { ...options, bias: options.bias && castCopy(options.bias, "i64") });
    castInto(y64, y);
    return;
  }
  const compute = COMPUTE[d];
  if (compute === undefined) throw unsupported(d);
  const target = y.dtype === compute ? y : emptyTensor(y.shape, compute, "cpu");
  runKernel(
    {
      dtype: d,
      a: operand(a),
      b: operand(b),
      c: operand(target),
      bias: biasOf(options.bias, compute),
      alpha,
      accumulate: false,
      activation,
    },
    batch,
    mnk,
    y,
  );
  if (target !== y) castInto(target, y);
}

function castInto(x: Tensor, y: Tensor): void {
  const k = kernel("cast", x.dtype, y.dtype);
  writeCastLayout(x, y);
  check(k(ptr(x), x.offset, ptr(y), y.offset, metaPointer()), "matmul", [x, y]);
}

function unsupported(d: DType): NumrError {
  return new NumrError("UnsupportedDType", `The CPU backend has no matmul kernel for ${d}`, {
    op: "matmul",
    dtypes: [d],
    device: "cpu",
  });
}

/**
 * (Ar + iAi)(Br + iBi): Cr = Ar·Br − Ai·Bi, Ci = Ar·Bi + Ai·Br, as four real GEMMs over the
 * interleaved storage (`conjugate` = −1 flips the sign of Ai).
 */
function complexMatmul(
  a: Tensor,
  b: Tensor,
  y: Tensor,
  batch: readonly number[],
  mnk: number[],
  bias: Tensor | undefined,
  alpha: number,
  conjugate: number,
): void {
  const real: DType = a.dtype === "c64" ? "f32" : "f64";
  const part = (t: Tensor, im: 0 | 1) => operand(t, 2, im);
  const biasC = bias === undefined || bias.dtype === y.dtype ? bias : castCopy(bias, y.dtype);
  const passes: [0 | 1, 0 | 1, 0 | 1, number, boolean][] = [
    [0, 0, 0, alpha, false],
    [1, 1, 0, -alpha * conjugate, true],
    [0, 1, 1, alpha, false],
    [1, 0, 1, alpha * conjugate, true],
  ];
  for (const [ai, bi, ci, scale, accumulate] of passes) {
    runKernel(
      {
        dtype: real,
        a: part(a, ai),
        b: part(b, bi),
        c: part(y, ci),
        bias: accumulate ? undefined : biasOf(biasC, y.dtype, 2, ci),
        alpha: scale,
        accumulate,
        activation: 0,
      },
      batch,
      mnk,
      y,
    );
  }
}
