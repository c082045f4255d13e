// CPU reductions: builds the reduce layout descriptor and calls the Zig reduce kernels.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** Runs reduction `op` of x over `axes` into y, accumulating in `accumulate`. */
export function runReduce(
  op: string,
  x: Tensor,
  _axes: readonly number[],
  _y: Tensor,
  _accumulate: DType,
): void {
  throw new NumrError("UnsupportedDType", `The CPU backend has no ${op} kernel yet`, {
    op,
    dtypes: [x.dtype],
    device: "cpu",
  });
}
