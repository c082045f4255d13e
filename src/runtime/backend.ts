// The Backend interface: the short list of primitives a device implements, and the registry of
// backends. Ops validate arguments, pick dtypes and allocate outputs; backends only run kernels.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import type { DeviceName, Storage } from "./storage.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Kernel families, for the coverage table: `family:op` → dtypes with a kernel. */
export type KernelTable = Map<string, Set<DType>>;

/** Ops of the sort primitive. */
export type SortOp = "sort" | "topk";

/** Parameters of the sort primitive. */
export interface SortParams {
  /** Descending order (stable: ties keep their input order; NaN first). */
  readonly descending: boolean;
  /** For topk: how many leading elements of the sorted order to write. */
  readonly k: number;
}

/** Epilogue activations of a fused matmul. */
export type Activation = "relu" | "gelu" | "silu" | "sigmoid" | "tanh";

/**
 * Integer dtypes with no matmul kernel of their own on any backend: the matmul primitive computes
 * them in i64 (wrapping mod 2^64) and narrows the result, which is NumPy's wrapped result.
 */
export const MATMUL_VIA_I64: readonly DType[] = ["i16", "u8", "u16", "u32", "u64", "bool"];

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
  /**
   * Stable sort of x along `axis` (NaN last; descending reverses the order but keeps ties in
   * input order), writing the sorted values and/or their indices (i32 or i64). `"topk"` writes
   * only the first `k` along the axis (values and indices both given).
   */
  sort(
    op: SortOp,
    x: Tensor,
    axis: number,
    values: Tensor | null,
    indices: Tensor | null,
    params: SortParams,
  ): void;
  /**
   * Insertion indices of `values` into `sorted` (last axis; its leading dims match values' or
   * it is 1-D), through `sorter` when given; `right` picks NumPy's side="right".
   */
  searchsorted(
    sorted: Tensor,
    values: Tensor,
    sorter: Tensor | null,
    y: Tensor,
    right: boolean,
  ): void;
  /**
   * Runs of equal elements (NaNs equal) of a sorted contiguous 1-D x: the first of each run to
   * `values`, run lengths to `counts`, run numbers to `inverse[perm[j]]`; returns the run count.
   */
  uniqueRuns(
    x: Tensor,
    perm: Tensor | null,
    values: Tensor,
    counts: Tensor | null,
    inverse: Tensor | null,
  ): number;
  /**
   * Gathers `y[i] = x[...]` over an indexed walk (y is the direct operand, x the indexed one);
   * returns the first bad index in iteration order instead of finishing, null when all are valid.
   */
  gather(y: Tensor, x: Tensor, walk: IndexWalk, op: string): BadIndex | null;
  /**
   * Scatters `src` (direct operand) into `y` (indexed operand) in place, combining by `mode`, in
   * iteration order (the last duplicate wins for assign). Validates every index before writing:
   * on a bad index y is untouched and the first bad index is returned.
   */
  scatter(
    src: Tensor,
    y: Tensor,
    walk: IndexWalk,
    mode: ScatterMode,
    includeSelf: boolean,
    op: string,
  ): BadIndex | null;
  /**
   * Checks the indices of a walk without reading or writing (for an empty output whose index
   * is not empty); returns the first bad index, or null.
   */
  checkIndices(walk: IndexWalk, op: string): BadIndex | null;
  /** The number of non-zero elements of x. */
  countNonzero(x: Tensor): number;
  /** Writes the multi-index of each non-zero element of x (row-major) as the rows of y. */
  nonzero(x: Tensor, y: Tensor): void;
  /**
   * Optional, for devices that cannot wait synchronously: compacts on the device. With `values`
   * null, resolves with the `[n, ndim]` multi-indices (`indexDtype`) of mask's non-zero elements
   * in row-major order; else with the 1-D values of `values` (mask's shape, any strides) where
   * mask is non-zero. Resolves with null when the device cannot take these dtypes.
   */
  compactAsync?(mask: Tensor, values: Tensor | null, indexDtype: DType): Promise<Tensor | null>;
  /**
   * Scans x along `axis` into y (same shape; cumsum, cumprod, cummax, cummin, logcumsumexp).
   * y's dtype is the op's output dtype for x's dtype.
   */
  scan(op: string, x: Tensor, axis: number, y: Tensor): void;
}

/** How scatter combines an update with the target element. */
export type ScatterMode = "assign" | "sum" | "prod" | "max" | "min";

/**
 * An indexed walk over one iteration shape (see native/cpu/index.zig): a direct operand walked
 * by its strides, an index operand, and an indexed operand whose element for iteration position
 * i is `indexed[offset + Σ_d i_d·indexedStrides[d] + Σ_k wrap(index_k(i))·componentStrides[k]]`,
 * with `index_k(i) = index[index.offset + Σ_d i_d·indexStrides[d] + k·componentStride]`.
 */
export interface IndexWalk {
  /** The iteration shape. */
  readonly shape: readonly number[];
  /** Strides of the direct operand (gather: output, scatter: updates) over the shape. */
  readonly directStrides: readonly number[];
  /** The index tensor (i32, i64, u32 or u64). */
  readonly index: Tensor;
  /** Strides of the index tensor over the shape. */
  readonly indexStrides: readonly number[];
  /** Stride between the components of one index (several indexed dims). */
  readonly componentStride: number;
  /** Strides of the indexed operand over the shape (0 along indexed dims). */
  readonly indexedStrides: readonly number[];
  /** Size of each indexed dim (an index v is valid in [-size, size)). */
  readonly sizes: readonly number[];
  /** Stride of each indexed dim in the indexed operand. */
  readonly componentStrides: readonly number[];
}

/** The first out-of-range index a gather or scatter met, and which component it was. */
export interface BadIndex {
  /** The index value. */
  readonly value: number;
  /** Which component (indexed dim) of the walk. */
  readonly component: number;
}

const backends = new Map<DeviceName, () => Backend>();
const families = new Map<string, (name: DeviceName) => Backend>();
const instances = new Map<DeviceName, Backend>();

/**
 * Registers a backend factory for a family of devices named `<prefix>` or `<prefix>:<n>`
 * (e.g. `cuda`, `cuda:1`); it runs on first use of each name.
 */
export function registerBackendFamily(
  prefix: string,
  factory: (name: DeviceName) => Backend,
): void {
  families.set(prefix, factory);
}

function familyOf(name: DeviceName): ((name: DeviceName) => Backend) | undefined {
  return families.get(name.split(":")[0]);
}

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
  const family = backends.has(name) ? undefined : familyOf(name);
  if (family !== undefined) {
    const backend = family(name);
    instances.set(name, backend);
    return backend;
  }
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
  return backends.has(name) || familyOf(name) !== undefined;
}
