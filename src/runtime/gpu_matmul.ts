// The matmul primitive (Backend.matmul) for GPU kernels that take one batch dim:
// `[B, M, K] @ [B, K, N] -> [B, M, N]`. Batch dims are merged into one (a broadcast batch that
// cannot merge is copied, as reshape does), and a bias is cast to the output's dtype.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import { emptyTensor } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, contiguous, reshape } from "../tensor/views.ts";
import { componentView } from "../ops/complex.ts";
import type { Backend, MatmulKernelOptions } from "./backend.ts";

/** The operands of one GPU matmul launch, each with exactly one batch dim. */
export interface BatchedMatmul {
  a: Tensor;
  b: Tensor;
  y: Tensor;
  /** Contiguous `[N]` bias of y's dtype, or null. */
  bias: Tensor | null;
}

/** t `[..., r, c]` as `[B, r, c]` (a view when the batch dims merge, else a copy). */
function batched(t: Tensor): Tensor {
  const [r, c] = t.shape.slice(-2);
  const b = t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return reshape(t, [b, r, c]);
}

/**
 * Prepares a matmul primitive call for a GPU kernel: checks the options the kernel lacks and
 * returns 3-D operands. `y3` writes through to `y` (y is a fresh contiguous tensor). y must have
 * dtype `out` (default a's: the kernel's output for a's dtype); the bias is cast to it.
 *
 * @throws {NumrError} `UnsupportedDType` for a dtype outside `dtypes`.
 */
export function batchedMatmul(
  backend: Backend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  options: MatmulKernelOptions,
  dtypes: readonly DType[],
  out: DType = a.dtype,
): BatchedMatmul {
  const context = {
    op: "matmul",
    shapes: [a.shape, b.shape],
    dtypes: [a.dtype, b.dtype],
    device: backend.name,
  };
  if (!dtypes.includes(a.dtype) || y.dtype !== out) {
    throw new NumrError(
      "UnsupportedDType",
      `The ${backend.name} backend has no matmul kernel for ${a.dtype} -> ${y.dtype}; it has ` +
        dtypes.join(", "),
      context,
    );
  }
  let bias: Tensor | null = null;
  const given = options.bias;
  if (given !== undefined) {
    const n = y.shape[y.ndim - 1];
    if (given.dtype === y.dtype) {
      bias = contiguous(reshape(given, [n]));
    } else {
      bias = emptyTensor([n], y.dtype, y.device);
      backend.cast(reshape(given, [n]), bias);
    }
  }
  return { a: batched(a), b: batched(b), y: batched(y), bias };
}

/**
 * The matmul primitive for a dtype of `MATMUL_VIA_I64` (backend.ts): `backend.matmul` on i64
 * copies of a and b, the i64 result cast into y (the bias is cast by the i64 call).
 */
export function matmulViaI64(
  backend: Backend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  options: MatmulKernelOptions,
): void {
  const wide = [a, b, y].map((t) => emptyTensor(t.shape, "i64", t.device));
  backend.cast(a, wide[0]);
  backend.cast(b, wide[1]);
  try {
    backend.matmul(wide[0], wide[1], wide[2], options);
    backend.cast(wide[2], y);
  } finally {
    for (const t of wide) t.dispose();
  }
}

/**
 * A complex product over a backend's real matmul: (Ar + iAi)(Br + iBi) gives Cr = Ar·Br − Ai·Bi
 * and Ci = Ar·Bi + Ai·Br, four real products on zero-copy views of the interleaved parts
 * (`conjugateA` flips the sign of Ai), then a complex bias added in place.
 */
export function complexMatmul(
  backend: Backend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  options: MatmulKernelOptions,
): void {
  if (options.activation !== undefined) {
    throw new NumrError("UnsupportedDType", `Activations are not defined for ${a.dtype}`, {
      op: "matmulBias",
      dtypes: [a.dtype],
      device: backend.name,
    });
  }
  const real = a.dtype === "c64" ? "f32" : "f64";
  const product = (x: Tensor, w: Tensor) => {
    const out = emptyTensor(y.shape, real, y.device);
    backend.matmul(x, w, out, { alpha: options.alpha });
    return out;
  };
  const [ar, ai, br, bi] = [componentView(a, 0), componentView(a, 1), componentView(b, 0)].concat(
    componentView(b, 1),
  );
  const rr = product(ar, br), ii = product(ai, bi), ri = product(ar, bi), ir = product(ai, br);
  const conj = options.conjugateA === true;
  backend.binary(conj ? "add" : "sub", rr, ii, componentView(y, 0));
  backend.binary(conj ? "sub" : "add", ri, ir, componentView(y, 1));
  for (const t of [ar, ai, br, bi, rr, ii, ri, ir]) t.dispose();
  if (options.bias !== undefined) {
    const n = y.shape[y.ndim - 1];
    let bias = reshape(options.bias, [n]);
    if (bias.dtype !== y.dtype) {
      const cast = emptyTensor([n], y.dtype, y.device);
      backend.cast(bias, cast);
      bias = cast;
    }
    backend.binary("add", y, broadcastTo(bias, y.shape), y);
  }
}
