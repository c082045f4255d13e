// CUDA driver API bindings (libcuda.so.1 through Deno.dlopen). Every call's CUresult is checked
// and turned into a NumrError named after the CUresult (cuGetErrorName). No runtime library.
//
// FFI patterns (measured, docs/PLATFORM §7): out-parameters are BigUint64Array/Int32Array
// buffers, handles are pointers, CUdeviceptr is a u64 (bigint), `_v2` symbols where the ABI
// changed. Calls are synchronous: the context is thread-local, nonblocking calls would lose it.

import { NumrError } from "../../core/errors.ts";

const P = "pointer" as const;
const B = "buffer" as const;
const U32 = "u32" as const;
const I32 = "i32" as const;
const U64 = "u64" as const;
const R = "i32" as const;

const SYMBOLS = {
  cuInit: { parameters: [U32], result: R },
  cuDriverGetVersion: { parameters: [B], result: R },
  cuGetErrorName: { parameters: [I32, B], result: R },
  cuDeviceGetCount: { parameters: [B], result: R },
  cuDeviceGet: { parameters: [B, I32], result: R },
  cuDeviceGetAttribute: { parameters: [B, I32, I32], result: R },
  cuDeviceGetName: { parameters: [B, I32, I32], result: R },
  cuDevicePrimaryCtxRetain: { parameters: [B, I32], result: R },
  cuCtxSetCurrent: { parameters: [P], result: R },
  cuCtxSynchronize: { parameters: [], result: R },
  cuStreamCreate: { parameters: [B, U32], result: R },
  cuStreamSynchronize: { parameters: [P], result: R },
  cuStreamQuery: { parameters: [P], result: R },
  cuMemAlloc_v2: { parameters: [B, U64], result: R },
  cuMemFree_v2: { parameters: [U64], result: R },
  cuMemGetInfo_v2: { parameters: [B, B], result: R },
  cuMemcpyHtoDAsync_v2: { parameters: [U64, B, U64, P], result: R },
  cuMemcpyDtoHAsync_v2: { parameters: [B, U64, U64, P], result: R },
  cuMemcpyDtoDAsync_v2: { parameters: [U64, U64, U64, P], result: R },
  cuMemsetD32Async: { parameters: [U64, U32, U64, P], result: R },
  cuModuleLoadData: { parameters: [B, B], result: R },
  cuModuleGetFunction: { parameters: [B, P, B], result: R },
  cuModuleGetGlobal_v2: { parameters: [B, B, P, B], result: R },
  cuFuncSetAttribute: { parameters: [P, I32, I32], result: R },
  cuLaunchKernel: {
    parameters: [P, U32, U32, U32, U32, U32, U32, U32, P, P, P],
    result: R,
  },
  cuEventCreate: { parameters: [B, U32], result: R },
  cuEventRecord: { parameters: [P, P], result: R },
  cuEventSynchronize: { parameters: [P], result: R },
  cuEventElapsedTime: { parameters: [B, P, P], result: R },
  cuEventDestroy_v2: { parameters: [P], result: R },
  cuStreamBeginCapture_v2: { parameters: [P, I32], result: R },
  cuStreamEndCapture: { parameters: [P, B], result: R },
  cuGraphInstantiateWithFlags: { parameters: [B, P, U64], result: R },
  cuGraphLaunch: { parameters: [P, P], result: R },
  cuGraphExecDestroy: { parameters: [P], result: R },
  cuGraphDestroy: { parameters: [P], result: R },
  // CUDA 12+: TMA descriptors (map, dtype, rank, address, dims, strides, box, element strides,
  // interleave, swizzle, L2 promotion, OOB fill). Optional: older drivers lack it.
  cuTensorMapEncodeTiled: {
    parameters: [B, I32, U32, U64, B, B, B, B, I32, I32, I32, I32],
    result: R,
    optional: true,
  },
} as const;

/** The bound driver functions. */
export type Driver = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** CUresult codes the runtime branches on. */
export const CU = {
  SUCCESS: 0,
  OUT_OF_MEMORY: 2,
  NOT_READY: 600,
} as const;

let lib: Driver | undefined;
let failure: string | undefined;

/** Library names tried in order (env `NUMR_LIBCUDA` first). */
function candidates(): string[] {
  let env: string | undefined;
  try {
    env = Deno.env.get("NUMR_LIBCUDA");
  } catch {
    env = undefined;
  }
  const names = ["libcuda.so.1", "libcuda.so"];
  if (Deno.build.os === "windows") names.splice(0, 2, "nvcuda.dll");
  return env ? [env, ...names] : names;
}

/** Opens libcuda and calls cuInit(0) once; undefined (with `failure` set) when unavailable. */
function open(): Driver | undefined {
  if (lib !== undefined || failure !== undefined) return lib;
  for (const name of candidates()) {
    try {
      const symbols = Deno.dlopen(name, SYMBOLS).symbols;
      const status = symbols.cuInit(0);
      if (status !== CU.SUCCESS) {
        failure = `cuInit failed with ${errorName(symbols, status)}`;
        return undefined;
      }
      lib = symbols;
      return lib;
    } catch (e) {
      failure = `cannot open ${name}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

function errorName(d: Driver, status: number): string {
  const out = new BigUint64Array(1);
  if (d.cuGetErrorName(status, out) !== 0 || out[0] === 0n) return `CUresult ${status}`;
  const p = Deno.UnsafePointer.create(out[0]);
  return p === null ? `CUresult ${status}` : Deno.UnsafePointerView.getCString(p);
}

/** True when the CUDA driver can be opened and initialised (no error thrown). */
export function cudaDriverAvailable(): boolean {
  return open() !== undefined;
}

/**
 * The driver bindings.
 *
 * @throws {NumrError} `BackendUnavailable` when libcuda cannot be opened or initialised.
 */
export function driver(): Driver {
  const d = open();
  if (d === undefined) {
    throw new NumrError(
      "BackendUnavailable",
      `The CUDA driver is not available (${failure ?? "unknown reason"})`,
      { device: "cuda" },
    );
  }
  return d;
}

/**
 * Throws a NumrError for a failed CUresult: `OutOfMemory` for CUDA_ERROR_OUT_OF_MEMORY,
 * `BackendUnavailable` otherwise (a driver failure leaves the device unusable).
 */
export function check(status: number, call: string, device = "cuda", op?: string): void {
  if (status === CU.SUCCESS) return;
  const name = errorName(driver(), status);
  const code = status === CU.OUT_OF_MEMORY ? "OutOfMemory" : "BackendUnavailable";
  throw new NumrError(code, `${call} failed: ${name}`, { op, device });
}

/** A NUL-terminated copy of a string, for `const char*` parameters. */
export function cString(s: string): Uint8Array {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}
