// The Backend interface: the short list of primitives a device implements, and the registry of
// backends. Ops validate arguments, pick dtypes and allocate outputs; backends only run kernels.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import type { DeviceName, Storage } from "./storage.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Kernel families, for the coverage table: `family:op` → dtypes with a kernel. */
export type KernelTable = Map<string, Set<DType>>;

/** Epilogue activations of a fused matmul. */
export type Activation = "relu" | "gelu" | "silu" | "sigmoid" | "tanh";

/** Options of the matmul primitive. */
export interface MatmulKernelOptions {
  /** Added to every row of the product (1-D, length N, any dtype castable to the output's). */
  bias?: Tensor;
  /** Applied after the bias (gelu is the tanh approximation). */
  activation?: Activation;
  /** Scale of the product (fp8 scales). */
  alpha?: number;
  /** Use conj(a) (complex dtypes; vdot). */
  conjugateA?: boolean;
}

/** Primitive operations every backend implements. Inputs are already validated. */
export interface Backend {
  /** Device name. */
  readonly name: DeviceName;
  /** Allocates memory with unspecified contents (outputs are always fully written). */
  alloc(byteLength: number): Storage;
  /** Allocates memory holding a copy of `bytes`. */
  fromBytes(bytes: Uint8Array): Storage;
  /** Copies `byteLength` bytes from `byteOffset` out to the host, when possible synchronously. */
  readSync(storage: Storage, byteOffset: number, byteLength: number): Uint8Array;
  /** Copies bytes out to the host. */
  read(storage: Storage, byteOffset: number, byteLength: number): Promise<Uint8Array>;
  /** Kernels this backend has, keyed `"family:op"` (e.g. `"unary:exp"`). */
  readonly kernels: KernelTable;

  /** `y = op(x)` elementwise; x and y have the same shape, y's dtype fixed by the op. */
  unary(op: string, x: Tensor, y: Tensor): void;
  /** `y = op(a, b)` elementwise; a and b are broadcast views of y's shape, same dtype. */
  binary(op: string, a: Tensor, b: Tensor, y: Tensor): void;
  /** `y = op(a, b, c)` elementwise (where, mulAdd, clamp); inputs are broadcast views of y. */
  ternary(op: string, a: Tensor, b: Tensor, c: Tensor, y: Tensor): void;
  /** `y = x` converted to y's dtype (a plain copy when dtypes are equal); any strides on both. */
  cast(x: Tensor, y: Tensor): void;
  /** Fills y (any strides) with one value, given as an element of y's dtype. */
  fill(y: Tensor, value: number | bigint | { re: number; im: number }): void;
  /**
   * Reduces x over `axes` into y (y has x's shape with those axes removed or kept as 1).
   * `accumulate` is the dtype the partial results are kept in.
   */
  reduce(op: string, x: Tensor, axes: readonly number[], y: Tensor, accumulate: DType): void;
  /**
   * `y[..., M, N] = act(alpha · a[..., M, K] @ b[..., K, N] + bias)`: a and b have one dtype and
   * batch dims already broadcast to y's (stride-0 views); y's dtype is the op's result dtype.
   */
  matmul(a: Tensor, b: Tensor, y: Tensor, options: MatmulKernelOptions): void;
}

const backends = new Map<DeviceName, () => Backend>();
const instances = new Map<DeviceName, Backend>();

/** Registers a backend factory; it runs on first use. */
export function registerBackend(name: DeviceName, factory: () => Backend): void {
  backends.set(name, factory);
}

/**
 * The backend for a device.
 *
 * @throws {NumrError} `BackendUnavailable` when the device is unknown or failed to start.
 */
export function getBackend(name: DeviceName): Backend {
  const existing = instances.get(name);
  if (existing !== undefined) return existing;
  const factory = backends.get(name);
  if (factory === undefined) {
    throw new NumrError("BackendUnavailable", `No backend is registered for device ${name}`, {
      device: name,
    });
  }
  const backend = factory();
  instances.set(name, backend);
  return backend;
}

/** True when a backend is registered for the device (it may still fail to start). */
export function hasBackend(name: DeviceName): boolean {
  return backends.has(name);
}
