// WebGPU matrix product (placeholder until the tiled kernel lands).
import type { DType } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { GpuContext } from "./device.ts";
export const MATMUL_DTYPES: DType[] = [];
export function runMatmul(
  _c: GpuContext,
  _a: Tensor,
  _b: Tensor,
  _y: Tensor,
  _bias: Tensor | null,
): void {
  throw new Error("todo");
}
