// Helpers of the WebGPU parity tests: whether an adapter exists (tests skip cleanly without one),
// moving a CPU test tensor to the GPU with the same view (strides, offset, broadcast), and
// comparing a GPU result with the CPU backend's.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { Tensor as TensorClass } from "../src/tensor/tensor.ts";
import { declaredOps } from "../src/ops/registry.ts";
import { assertBitsEqual, assertClose, type CloseOptions, TOLERANCE } from "./_assert.ts";

/** True when WebGPU has an adapter here. */
export const HAS_GPU: boolean = await nr.webgpuAvailable();

/** The GPU tensor with the same layout as a CPU one (its whole storage is uploaded). */
export function toGpu(t: Tensor): Tensor {
  const s = t.storage;
  const bytes = getBackend("cpu").readSync(s, 0, s.byteLength);
  return new TensorClass(
    getBackend("webgpu").fromBytes(bytes),
    t.dtype,
    t.shape,
    t.strides,
    t.offset,
  );
}

/** The outcome of running one function on a backend. */
export type Outcome = { ok: Tensor } | { error: nr.NumrError };

/** Runs `f` and catches NumrErrors. */
export function attempt(f: () => Tensor): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof nr.NumrError) return { error: e };
    throw e;
  }
}

/** True when the WebGPU kernel table has every kernel `op` needs for input `dtype`. */
export function gpuSupports(op: string, dtype: DType): boolean {
  const def = declaredOps().find((o) => o.name === op);
  if (def === undefined || !def.dtypes.includes(dtype)) return false;
  const table = getBackend("webgpu").kernels;
  return def.kernelsFor(dtype).every(([f, o, d]) => table.get(`${f}:${o}`)?.has(d) ?? false);
}

/** Counts of a parity run. */
export interface Tally {
  compared: number;
  unsupported: number;
}

/**
 * Runs `f` on CPU inputs and on their GPU copies and compares: same values (within tolerance),
 * or the same error code; a GPU UnsupportedDType is accepted only when the kernel table says so.
 */
export async function parity(
  label: string,
  op: string,
  dtype: DType,
  inputs: readonly Tensor[],
  f: (xs: readonly Tensor[]) => Tensor,
  tally: Tally,
  options: CloseOptions & { bits?: boolean } = {},
): Promise<void> {
  const cpu = attempt(() => f(inputs));
  const gpuInputs = inputs.map(toGpu);
  const gpu = attempt(() => f(gpuInputs));
  try {
    const both = "error" in cpu && "error" in gpu && cpu.error.code === gpu.error.code;
    if (
      !both && "error" in gpu && gpu.error.code === "UnsupportedDType" &&
      gpu.error.device === "webgpu"
    ) {
      assert.ok(
        !gpuSupports(op, dtype),
        `${label}: the kernel table claims ${op} on ${dtype}, webgpu threw: ${gpu.error.message}`,
      );
      tally.unsupported++;
      return;
    }
    if ("error" in cpu) {
      assert.ok("error" in gpu, `${label}: cpu threw ${cpu.error.code}, webgpu did not`);
      assert.equal(gpu.error.code, cpu.error.code, label);
      tally.compared++;
      return;
    }
    if ("error" in gpu) throw gpu.error;
    const back = await gpu.ok.toAsync("cpu");
    // Options widen the dtype's tolerance, never narrow it.
    const base = TOLERANCE[cpu.ok.dtype];
    const atol = Math.max(base.atol, options.atol ?? 0);
    const rtol = Math.max(base.rtol, options.rtol ?? 0);
    if (options.bits) assertBitsEqual(back, cpu.ok, label);
    else assertClose(back, cpu.ok, { ...options, atol, rtol, message: label });
    back.dispose();
    tally.compared++;
  } finally {
    if ("ok" in cpu) cpu.ok.dispose();
    if ("ok" in gpu) gpu.ok.dispose();
    for (const t of gpuInputs) t.dispose();
  }
}

/** The dtypes the parity tests run on the GPU (f64/c128/fp8 only check the error). */
export const GPU_DTYPES: readonly DType[] = [
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
  "c64",
  "i64",
  "u64",
  "f64",
];
