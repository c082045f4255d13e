/**
 * numr: n-dimensional tensors for TypeScript, with NumPy's semantics, on CPU (Zig kernels),
 * WebGPU and CUDA.
 *
 * @example
 * ```ts
 * import * as nr from "./mod.ts";
 * import assert from "node:assert/strict";
 * const a = nr.tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(nr.add(a, 1).toArray(), [[2, 3], [4, 5]]);
 * ```
 *
 * @module
 */

import "./src/runtime/cpu/backend.ts";
import "./src/runtime/webgpu/backend.ts";
import "./src/runtime/cuda/backend.ts";

export { NumrError } from "./src/core/errors.ts";
export type { ErrorCode, ErrorContext } from "./src/core/errors.ts";
export {
  type DType,
  DTYPE_NAMES,
  type DTypeInfo,
  DTYPES,
  getDefaultFloat,
  setDefaultFloat,
} from "./src/dtype/dtypes.ts";
export { promoteTypes, resultTypeWithScalar, type Scalar } from "./src/dtype/promotion.ts";
export type { Complex, DataArray, Element } from "./src/dtype/values.ts";
export type { DeviceName } from "./src/runtime/storage.ts";
export {
  type ArgReduceOptions,
  type AxisOptions,
  type NestedArray,
  type ReduceOptions,
  Tensor,
} from "./src/tensor/tensor.ts";
export {
  arange,
  type CreateOptions,
  empty,
  emptyLike,
  eye,
  type EyeOptions,
  fillTensor as fill,
  fromBytes,
  full,
  fullLike,
  linspace,
  type LinspaceOptions,
  ones,
  onesLike,
  tensor,
  type TensorData,
  type TensorOptions,
  zeros,
  zerosLike,
} from "./src/tensor/create.ts";
export {
  broadcastTo,
  clone,
  contiguous,
  flip,
  narrow,
  permute,
  reshape,
  slice,
  type SliceSpec,
  squeeze,
  transpose,
  unsqueeze,
} from "./src/tensor/views.ts";
export { broadcastShapes } from "./src/tensor/shape.ts";
export { toBytes } from "./src/tensor/io.ts";
export { formatTensor, type PrintOptions } from "./src/tensor/format.ts";
export { cast } from "./src/ops/cast.ts";
export {
  type Activation,
  bmm,
  dot,
  fp8Matmul,
  type Fp8MatmulOptions,
  inner,
  matmul,
  matmulBias,
  type MatmulBiasOptions,
  outer,
  tensordot,
  vdot,
} from "./src/ops/matmul.ts";
export {
  abs,
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atanh,
  cbrt,
  ceil,
  cos,
  cosh,
  exp,
  exp2,
  expm1,
  floor,
  isfinite,
  isinf,
  isnan,
  log,
  log10,
  log1p,
  log2,
  neg,
  recip,
  round,
  rsqrt,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  tan,
  tanh,
  trunc,
} from "./src/ops/unary.ts";
export {
  add,
  addScalar,
  atan2,
  div,
  divScalar,
  floorDiv,
  fmax,
  fmin,
  hypot,
  maximum,
  minimum,
  mod,
  mul,
  mulScalar,
  pow,
  powScalar,
  rsubScalar,
  sub,
  subScalar,
} from "./src/ops/binary.ts";
export {
  eq,
  ge,
  gt,
  le,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  lt,
  ne,
} from "./src/ops/compare.ts";
export { clamp, mulAdd, where } from "./src/ops/ternary.ts";
export type { Operand } from "./src/ops/_elementwise.ts";
export {
  meshgrid,
  type MeshgridOptions,
  oneHot,
  type OneHotOptions,
  tril,
  triu,
} from "./src/ops/construct.ts";
export {
  angle,
  type AngleOptions,
  complex,
  conj,
  imag,
  makeComplex,
  polar,
  real,
} from "./src/ops/complex.ts";
export {
  cummax,
  cummin,
  cumprod,
  cumsum,
  type CumulativeOptions,
  logcumsumexp,
  logsumexp,
  type ScanOptions,
} from "./src/ops/cumulative.ts";
export { all, any, argmax, argmin, max, mean, min, prod, sum } from "./src/ops/reduce.ts";
export {
  cat,
  chunk,
  flatten,
  pad,
  type PadMode,
  type PadOptions,
  type PadWidth,
  repeat,
  repeatInterleave,
  type RepeatInterleaveOptions,
  roll,
  type RollAxis,
  split,
  stack,
  tile,
} from "./src/ops/shape_ops.ts";
export {
  argpartition,
  type ArgpartitionOptions,
  argsort,
  type ArgsortOptions,
  type IndexDType,
  partition,
  type PartitionOptions,
  searchsorted,
  type SearchsortedOptions,
  sort,
  type SortOptions,
  topk,
  type TopkOptions,
  type TopkResult,
  unique,
  type UniqueOptions,
  type UniqueResult,
} from "./src/ops/sort.ts";
export {
  argwhere,
  bincount,
  type BincountOptions,
  embeddingLookup,
  gather,
  gatherNd,
  type IndexDTypeOptions,
  type IndexPutOptions,
  indexSelect,
  maskedFill,
  maskedSelect,
  nonzero,
  putAlongAxis,
  scatter,
  scatterNd,
  type ScatterReduce,
  scatterReduce,
  type ScatterReduceOptions,
  takeAlongAxis,
} from "./src/ops/indexing.ts";
export {
  argwhereAsync,
  maskedSelectAsync,
  nonzeroAsync,
  uniqueAsync,
} from "./src/ops/async_shape.ts";
export {
  getItem,
  type Index,
  type IndexArray,
  indexPut,
  s,
  setItem,
  Slice,
  sliceAssign,
} from "./src/ops/getitem.ts";
export { getCpuThreads, setCpuThreads } from "./src/runtime/cpu/kernels.ts";
export * as autograd from "./src/autograd/mod.ts";
export {
  type BackwardHook,
  checkpoint,
  grad,
  hvp,
  jacobian,
  jacobianForward,
  jvp,
  noGrad,
  valueAndGrad,
  variable,
  vjp,
} from "./src/autograd/mod.ts";
export {
  webgpu,
  webgpuAvailable,
  type WebGpuInfo,
  type WebGpuOptions,
} from "./src/runtime/webgpu/device.ts";
export { toAsync } from "./src/tensor/io.ts";
export {
  type AllocatorStats,
  cuda,
  cudaAvailable,
  cudaEmptyCache,
  cudaMemoryStats,
  cudaSynchronize,
} from "./src/runtime/cuda/api.ts";
export {
  type CapturedGraph,
  captureGraph,
  type GraphOutput,
  supportsGraphCapture,
} from "./src/runtime/graph.ts";
