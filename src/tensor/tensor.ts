// The Tensor class: storage + dtype + shape/strides/offset, with the op methods that forward to
// the functions in src/ops and src/tensor/views.ts.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPES } from "../dtype/dtypes.ts";
import type { DataArray, Element } from "../dtype/values.ts";
import type { DeviceName, Storage } from "../runtime/storage.ts";
import { contiguousStrides, type Shape, shapeSize } from "./shape.ts";
import * as io from "./io.ts";
import * as views from "./views.ts";
import * as fmt from "./format.ts";
import * as create from "./create.ts";
import * as unaryOps from "../ops/unary.ts";
import * as binaryOps from "../ops/binary.ts";
import * as compareOps from "../ops/compare.ts";
import * as ternaryOps from "../ops/ternary.ts";
import * as reduceOps from "../ops/reduce.ts";
import * as shapeOps from "../ops/shape_ops.ts";
import * as castOps from "../ops/cast.ts";
import * as indexOps from "../ops/indexing.ts";
import * as getitemOps from "../ops/getitem.ts";
import * as cumulativeOps from "../ops/cumulative.ts";
import * as complexOps from "../ops/complex.ts";
import * as constructOps from "../ops/construct.ts";
import * as sortOps from "../ops/sort.ts";
import * as matmulOps from "../ops/matmul.ts";
import type { Scalar } from "../dtype/promotion.ts";
import type { AutogradMeta } from "../autograd/graph.ts";
import * as autograd from "../autograd/tensor_grad.ts";

/** Nested arrays of JS values, as `toArray` returns them. */
export type NestedArray = Element | NestedArray[];

/** Options of reductions without a dtype (max, min, any, all). */
export interface AxisOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1. */
  keepdims?: boolean;
}

/** Options of sum, prod and mean. */
export interface ReduceOptions extends AxisOptions {
  /** Accumulate and return in this dtype (NumPy's `dtype=`). */
  dtype?: DType;
}

/** Options of argmax and argmin. */
export interface ArgReduceOptions {
  /** The axis to search along (negative counts from the end); the flattened tensor if omitted. */
  axis?: number;
  /** Keep the reduced axis (all axes without `axis`) as size 1. */
  keepdims?: boolean;
  /** Dtype of the indices (default i32). */
  indexDtype?: "i32" | "i64";
}

const registry = new FinalizationRegistry<Storage>((s) => s.release());

/**
 * An n-dimensional array on one device. Views share storage with their base; `dispose()` (or
 * `using`) drops this handle's hold on the storage at once, the garbage collector does it
 * otherwise.
 *
 * @example
 * ```ts
 * import { tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(t.shape, [2, 2]);
 * assert.deepEqual(t.transpose().toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export class Tensor {
  /** Element type. */
  readonly dtype: DType;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Step between neighbours along each dimension, in elements; may be 0 or negative. */
  readonly strides: readonly number[];
  /** Index of the first element in the storage, in elements. */
  readonly offset: number;
  #storage: Storage | null;
  readonly #device: DeviceName;
  /** Autograd state (internal): undefined for tensors autograd never saw. */
  _ag: AutogradMeta | undefined = undefined;

  /**
   * Wraps storage (taking over one reference). Users make tensors with `nr.tensor`, `nr.zeros`, …
   */
  constructor(
    storage: Storage,
    dtype: DType,
    shape: Shape,
    strides: readonly number[] = contiguousStrides(shape),
    offset = 0,
  ) {
    checkLayout(storage, dtype, shape, strides, offset);
    this.#storage = storage;
    this.#device = storage.device;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
    registry.register(this, storage, this);
  }

  /** The storage; throws a `Disposed` error after `dispose()`. */
  get storage(): Storage {
    const s = this.#storage;
    if (s === null || s.freed) throw this.#disposedError(undefined);
    return s;
  }

  /**
   * Throws a `Disposed` error naming `op` once this tensor was disposed. Ops call it on their
   * inputs before any work, so a disposed tensor never reaches a kernel.
   *
   * @throws {NumrError} `Disposed` after `dispose()`.
   */
  assertLive(op: string): void {
    if (this.disposed) throw this.#disposedError(op);
  }

  #disposedError(op: string | undefined): NumrError {
    return new NumrError("Disposed", "Tensor was used after dispose()", {
      op,
      shapes: [this.shape],
      dtypes: [this.dtype],
      device: this.#device,
    });
  }

  /** Device holding the data (still known after `dispose()`, like shape and dtype). */
  get device(): DeviceName {
    return this.#device;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** Bytes per element. */
  get itemsize(): number {
    return DTYPES[this.dtype].bytes;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#storage === null || this.#storage.freed;
  }

  /** True when the elements are laid out in row-major order without gaps (size-1 dims ignored). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] === 1) continue;
      if (this.strides[i] !== expected) return this.size === 0;
      expected *= this.shape[i];
    }
    return true;
  }

  /** A view of the same storage with another layout. */
  view(shape: Shape, strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.storage.retain(), this.dtype, shape, strides, offset);
  }

  /** Drops this handle's hold on the storage now. Idempotent. */
  dispose(): void {
    const s = this.#storage;
    if (s === null) return;
    this.#storage = null;
    registry.unregister(this);
    s.release();
  }

  /** Same as `dispose()`, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- reading ----

  /** The elements in row-major order (see `dataSync`), on every backend. */
  data(): Promise<DataArray> {
    return io.data(this);
  }

  /**
   * The elements in row-major order, as a fresh typed array: the dtype's own array, f32 values for
   * bf16/fp8, interleaved (re, im) for complex, bytes 0/1 for bool.
   */
  dataSync(): DataArray {
    return io.dataSync(this);
  }

  /** Nested JS arrays of the elements (bigint for i64/u64, boolean, `{re, im}` for complex). */
  toArray(): NestedArray {
    return io.toArray(this);
  }

  /** Same as `toArray`, awaiting the device. */
  array(): Promise<NestedArray> {
    return io.array(this);
  }

  /** The single element of a one-element tensor. */
  item(): Element {
    return io.item(this);
  }

  /** A copy with another dtype (NumPy's casting rules). */
  astype(dtype: DType): Tensor {
    return castOps.cast(this, dtype);
  }

  /** Writes `value` into every element in place (through to the base of a view); returns this. */
  fill(value: Element): this {
    create.fillTensor(this, value);
    return this;
  }

  /** This tensor on another device (itself when already there). */
  to(device: DeviceName): Tensor {
    return io.toDevice(this, device);
  }

  /** This tensor on another device, awaiting the source device (use from WebGPU). */
  toAsync(device: DeviceName): Promise<Tensor> {
    return io.toAsync(this, device);
  }

  // ---- views ----

  /** A tensor with the same data and a new shape (one size may be -1); copies only if it must. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return views.reshape(this, flattenArgs(shape));
  }

  /** Swaps two axes (the last two by default); no copy. */
  transpose(axis0?: number, axis1?: number): Tensor {
    return views.transpose(this, axis0, axis1);
  }

  /** Reorders the axes; no copy. Reverses them when called without arguments. */
  permute(...axes: number[] | [readonly number[]]): Tensor {
    return views.permute(this, flattenArgs(axes));
  }

  /** Removes size-1 axes (all, or the given ones); no copy. */
  squeeze(axis?: number | readonly number[]): Tensor {
    return views.squeeze(this, axis);
  }

  /** Inserts a size-1 axis at `axis`; no copy. */
  unsqueeze(axis: number): Tensor {
    return views.unsqueeze(this, axis);
  }

  /** Broadcasts to a shape with stride-0 dims; no copy. */
  broadcastTo(shape: Shape): Tensor {
    return views.broadcastTo(this, shape);
  }

  /** Alias of `broadcastTo` (PyTorch's name). */
  expand(shape: Shape): Tensor {
    return views.broadcastTo(this, shape);
  }

  /** Elements `[start, start + length)` along `axis`; no copy. */
  narrow(axis: number, start: number, length: number): Tensor {
    return views.narrow(this, axis, start, length);
  }

  /** NumPy basic slicing with one entry per leading axis; no copy. */
  slice(...specs: views.SliceSpec[]): Tensor {
    return views.slice(this, specs);
  }

  /** Reverses the order along the given axes (all when omitted); no copy. */
  flip(axis?: number | readonly number[]): Tensor {
    return views.flip(this, axis);
  }

  /** This tensor when already contiguous and starting at offset 0, otherwise a contiguous copy. */
  contiguous(): Tensor {
    return views.contiguous(this);
  }

  /** A contiguous copy, always new storage. */
  clone(): Tensor {
    return views.clone(this);
  }

  // ---- shape ops ----

  /** See {@link shapeOps.flatten}. */
  flatten(start = 0, end = -1): Tensor {
    return shapeOps.flatten(this, start, end);
  }
  /** See {@link shapeOps.split}. */
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
    return shapeOps.split(this, sizeOrSections, axis);
  }
  /** See {@link shapeOps.chunk}. */
  chunk(chunks: number, axis = 0): Tensor[] {
    return shapeOps.chunk(this, chunks, axis);
  }
  /** See {@link shapeOps.repeat}. */
  repeat(...repeats: number[] | [readonly number[]]): Tensor {
    return shapeOps.repeat(this, flattenArgs(repeats));
  }
  /** See {@link shapeOps.tile}. */
  tile(reps: number | readonly number[]): Tensor {
    return shapeOps.tile(this, reps);
  }
  /** See {@link shapeOps.repeatInterleave}. */
  repeatInterleave(
    repeats: number | readonly number[],
    options?: shapeOps.RepeatInterleaveOptions,
  ): Tensor {
    return shapeOps.repeatInterleave(this, repeats, options);
  }
  /** See {@link shapeOps.pad}. */
  pad(padWidth: shapeOps.PadWidth, options?: shapeOps.PadOptions): Tensor {
    return shapeOps.pad(this, padWidth, options);
  }
  /** See {@link shapeOps.roll}. */
  roll(shift: number | readonly number[], axis?: shapeOps.RollAxis): Tensor {
    return shapeOps.roll(this, shift, axis);
  }

  // ---- matmul ----

  /** Matrix product (see {@link matmulOps.matmul}). */
  matmul(other: Tensor): Tensor {
    return matmulOps.matmul(this, other);
  }

  /** NumPy's dot (see {@link matmulOps.dot}). */
  dot(other: Tensor): Tensor {
    return matmulOps.dot(this, other);
  }

  // ---- unary ----

  /** See {@link unaryOps.neg}. */
  neg(): Tensor {
    return unaryOps.neg(this);
  }
  /** See {@link unaryOps.abs}. */
  abs(): Tensor {
    return unaryOps.abs(this);
  }
  /** See {@link unaryOps.sign}. */
  sign(): Tensor {
    return unaryOps.sign(this);
  }
  /** See {@link unaryOps.sqrt}. */
  sqrt(): Tensor {
    return unaryOps.sqrt(this);
  }
  /** See {@link unaryOps.rsqrt}. */
  rsqrt(): Tensor {
    return unaryOps.rsqrt(this);
  }
  /** See {@link unaryOps.cbrt}. */
  cbrt(): Tensor {
    return unaryOps.cbrt(this);
  }
  /** See {@link unaryOps.square}. */
  square(): Tensor {
    return unaryOps.square(this);
  }
  /** See {@link unaryOps.exp}. */
  exp(): Tensor {
    return unaryOps.exp(this);
  }
  /** See {@link unaryOps.exp2}. */
  exp2(): Tensor {
    return unaryOps.exp2(this);
  }
  /** See {@link unaryOps.expm1}. */
  expm1(): Tensor {
    return unaryOps.expm1(this);
  }
  /** See {@link unaryOps.log}. */
  log(): Tensor {
    return unaryOps.log(this);
  }
  /** See {@link unaryOps.log2}. */
  log2(): Tensor {
    return unaryOps.log2(this);
  }
  /** See {@link unaryOps.log10}. */
  log10(): Tensor {
    return unaryOps.log10(this);
  }
  /** See {@link unaryOps.log1p}. */
  log1p(): Tensor {
    return unaryOps.log1p(this);
  }
  /** See {@link unaryOps.sin}. */
  sin(): Tensor {
    return unaryOps.sin(this);
  }
  /** See {@link unaryOps.cos}. */
  cos(): Tensor {
    return unaryOps.cos(this);
  }
  /** See {@link unaryOps.tan}. */
  tan(): Tensor {
    return unaryOps.tan(this);
  }
  /** See {@link unaryOps.asin}. */
  asin(): Tensor {
    return unaryOps.asin(this);
  }
  /** See {@link unaryOps.acos}. */
  acos(): Tensor {
    return unaryOps.acos(this);
  }
  /** See {@link unaryOps.atan}. */
  atan(): Tensor {
    return unaryOps.atan(this);
  }
  /** See {@link unaryOps.sinh}. */
  sinh(): Tensor {
    return unaryOps.sinh(this);
  }
  /** See {@link unaryOps.cosh}. */
  cosh(): Tensor {
    return unaryOps.cosh(this);
  }
  /** See {@link unaryOps.tanh}. */
  tanh(): Tensor {
    return unaryOps.tanh(this);
  }
  /** See {@link unaryOps.asinh}. */
  asinh(): Tensor {
    return unaryOps.asinh(this);
  }
  /** See {@link unaryOps.acosh}. */
  acosh(): Tensor {
    return unaryOps.acosh(this);
  }
  /** See {@link unaryOps.atanh}. */
  atanh(): Tensor {
    return unaryOps.atanh(this);
  }
  /** See {@link unaryOps.floor}. */
  floor(): Tensor {
    return unaryOps.floor(this);
  }
  /** See {@link unaryOps.ceil}. */
  ceil(): Tensor {
    return unaryOps.ceil(this);
  }
  /** See {@link unaryOps.round}. */
  round(): Tensor {
    return unaryOps.round(this);
  }
  /** See {@link unaryOps.trunc}. */
  trunc(): Tensor {
    return unaryOps.trunc(this);
  }
  /** See {@link unaryOps.recip}. */
  recip(): Tensor {
    return unaryOps.recip(this);
  }
  /** See {@link unaryOps.isnan}. */
  isnan(): Tensor {
    return unaryOps.isnan(this);
  }
  /** See {@link unaryOps.isinf}. */
  isinf(): Tensor {
    return unaryOps.isinf(this);
  }
  /** See {@link unaryOps.isfinite}. */
  isfinite(): Tensor {
    return unaryOps.isfinite(this);
  }

  // ---- binary ----

  /** See {@link binaryOps.add}. */
  add(other: Tensor | Scalar): Tensor {
    return binaryOps.add(this, other);
  }
  /** See {@link binaryOps.sub}. */
  sub(other: Tensor | Scalar): Tensor {
    return binaryOps.sub(this, other);
  }
  /** See {@link binaryOps.mul}. */
  mul(other: Tensor | Scalar): Tensor {
    return binaryOps.mul(this, other);
  }
  /** See {@link binaryOps.div}. */
  div(other: Tensor | Scalar): Tensor {
    return binaryOps.div(this, other);
  }
  /** See {@link binaryOps.floorDiv}. */
  floorDiv(other: Tensor | Scalar): Tensor {
    return binaryOps.floorDiv(this, other);
  }
  /** See {@link binaryOps.mod}. */
  mod(other: Tensor | Scalar): Tensor {
    return binaryOps.mod(this, other);
  }
  /** See {@link binaryOps.pow}. */
  pow(other: Tensor | Scalar): Tensor {
    return binaryOps.pow(this, other);
  }
  /** See {@link binaryOps.atan2}. */
  atan2(other: Tensor | Scalar): Tensor {
    return binaryOps.atan2(this, other);
  }
  /** See {@link binaryOps.hypot}. */
  hypot(other: Tensor | Scalar): Tensor {
    return binaryOps.hypot(this, other);
  }
  /** See {@link binaryOps.maximum}. */
  maximum(other: Tensor | Scalar): Tensor {
    return binaryOps.maximum(this, other);
  }
  /** See {@link binaryOps.minimum}. */
  minimum(other: Tensor | Scalar): Tensor {
    return binaryOps.minimum(this, other);
  }
  /** See {@link binaryOps.fmax}. */
  fmax(other: Tensor | Scalar): Tensor {
    return binaryOps.fmax(this, other);
  }
  /** See {@link binaryOps.fmin}. */
  fmin(other: Tensor | Scalar): Tensor {
    return binaryOps.fmin(this, other);
  }

  // ---- compare ----

  /** See {@link compareOps.eq}. */
  eq(other: Tensor | Scalar): Tensor {
    return compareOps.eq(this, other);
  }
  /** See {@link compareOps.ne}. */
  ne(other: Tensor | Scalar): Tensor {
    return compareOps.ne(this, other);
  }
  /** See {@link compareOps.lt}. */
  lt(other: Tensor | Scalar): Tensor {
    return compareOps.lt(this, other);
  }
  /** See {@link compareOps.le}. */
  le(other: Tensor | Scalar): Tensor {
    return compareOps.le(this, other);
  }
  /** See {@link compareOps.gt}. */
  gt(other: Tensor | Scalar): Tensor {
    return compareOps.gt(this, other);
  }
  /** See {@link compareOps.ge}. */
  ge(other: Tensor | Scalar): Tensor {
    return compareOps.ge(this, other);
  }
  /** See {@link compareOps.logicalAnd}. */
  logicalAnd(other: Tensor | Scalar): Tensor {
    return compareOps.logicalAnd(this, other);
  }
  /** See {@link compareOps.logicalOr}. */
  logicalOr(other: Tensor | Scalar): Tensor {
    return compareOps.logicalOr(this, other);
  }
  /** See {@link compareOps.logicalXor}. */
  logicalXor(other: Tensor | Scalar): Tensor {
    return compareOps.logicalXor(this, other);
  }
  /** See {@link compareOps.logicalNot}. */
  logicalNot(): Tensor {
    return compareOps.logicalNot(this);
  }

  // ---- ternary ----

  /** See {@link ternaryOps.clamp}. */
  clamp(lo?: Tensor | Scalar | null, hi?: Tensor | Scalar | null): Tensor {
    return ternaryOps.clamp(this, lo, hi);
  }
  /** See {@link ternaryOps.mulAdd}: `this * b + c`. */
  mulAdd(b: Tensor | Scalar, c: Tensor | Scalar): Tensor {
    return ternaryOps.mulAdd(this, b, c);
  }

  // ---- reductions ----

  /** See {@link reduceOps.sum}. */
  sum(options?: ReduceOptions): Tensor {
    return reduceOps.sum(this, options);
  }
  /** See {@link reduceOps.prod}. */
  prod(options?: ReduceOptions): Tensor {
    return reduceOps.prod(this, options);
  }
  /** See {@link reduceOps.mean}. */
  mean(options?: ReduceOptions): Tensor {
    return reduceOps.mean(this, options);
  }
  /** See {@link reduceOps.max}. */
  max(options?: AxisOptions): Tensor {
    return reduceOps.max(this, options);
  }
  /** See {@link reduceOps.min}. */
  min(options?: AxisOptions): Tensor {
    return reduceOps.min(this, options);
  }
  /** See {@link reduceOps.argmax}. */
  argmax(options?: ArgReduceOptions): Tensor {
    return reduceOps.argmax(this, options);
  }
  /** See {@link reduceOps.argmin}. */
  argmin(options?: ArgReduceOptions): Tensor {
    return reduceOps.argmin(this, options);
  }
  /** See {@link reduceOps.any}. */
  any(options?: AxisOptions): Tensor {
    return reduceOps.any(this, options);
  }
  /** See {@link reduceOps.all}. */
  all(options?: AxisOptions): Tensor {
    return reduceOps.all(this, options);
  }

  // ---- indexing ----

  /** NumPy indexing `x[...]`; see {@link getitemOps.getItem}. */
  get(...index: getitemOps.Index[]): Tensor {
    return getitemOps.getItem(this, ...index);
  }
  /** NumPy assignment `x[...] = value`, in place; returns this. See {@link getitemOps.setItem}. */
  set(
    value: Tensor | Scalar | Element | getitemOps.IndexArray,
    ...index: getitemOps.Index[]
  ): this {
    getitemOps.setItem(this, value, ...index);
    return this;
  }
  /** See {@link indexOps.gather}. */
  gather(axis: number, index: Tensor): Tensor {
    return indexOps.gather(this, axis, index);
  }
  /** See {@link indexOps.scatter}. */
  scatter(axis: number, index: Tensor, src: Tensor | Scalar): Tensor {
    return indexOps.scatter(this, axis, index, src);
  }
  /** See {@link indexOps.scatterReduce}. */
  scatterReduce(
    axis: number,
    index: Tensor,
    src: Tensor | Scalar,
    reduce: indexOps.ScatterReduce,
    options?: indexOps.ScatterReduceOptions,
  ): Tensor {
    return indexOps.scatterReduce(this, axis, index, src, reduce, options);
  }
  /** See {@link indexOps.takeAlongAxis}. */
  takeAlongAxis(indices: Tensor, axis: number): Tensor {
    return indexOps.takeAlongAxis(this, indices, axis);
  }
  /** See {@link indexOps.putAlongAxis}. */
  putAlongAxis(indices: Tensor, values: Tensor | Scalar, axis: number): Tensor {
    return indexOps.putAlongAxis(this, indices, values, axis);
  }
  /** See {@link indexOps.gatherNd}. */
  gatherNd(indices: Tensor): Tensor {
    return indexOps.gatherNd(this, indices);
  }
  /** See {@link indexOps.scatterNd}. */
  scatterNd(indices: Tensor, updates: Tensor | Scalar): Tensor {
    return indexOps.scatterNd(this, indices, updates);
  }
  /** See {@link indexOps.indexSelect}. */
  indexSelect(axis: number, index: Tensor): Tensor {
    return indexOps.indexSelect(this, axis, index);
  }
  /** See {@link getitemOps.indexPut}. */
  indexPut(
    indices: readonly Tensor[],
    values: Tensor | Scalar,
    options?: indexOps.IndexPutOptions,
  ): Tensor {
    return getitemOps.indexPut(this, indices, values, options);
  }
  /** See {@link indexOps.maskedSelect}. */
  maskedSelect(mask: Tensor): Tensor {
    return indexOps.maskedSelect(this, mask);
  }
  /** See {@link indexOps.maskedFill}. */
  maskedFill(mask: Tensor, value: Tensor | Scalar | Element): Tensor {
    return indexOps.maskedFill(this, mask, value);
  }
  /** See {@link indexOps.nonzero}. */
  nonzero(options?: indexOps.IndexDTypeOptions): Tensor[] {
    return indexOps.nonzero(this, options);
  }
  /** See {@link indexOps.argwhere}. */
  argwhere(options?: indexOps.IndexDTypeOptions): Tensor {
    return indexOps.argwhere(this, options);
  }

  // ---- complex ----

  /** Real part (a view); see {@link complexOps.real}. */
  real(): Tensor {
    return complexOps.real(this);
  }

  /** Imaginary part (a view, zeros for real dtypes); see {@link complexOps.imag}. */
  imag(): Tensor {
    return complexOps.imag(this);
  }

  /** Complex conjugate; see {@link complexOps.conj}. */
  conj(): Tensor {
    return complexOps.conj(this);
  }

  /** Argument of complex numbers; see {@link complexOps.angle}. */
  angle(options?: complexOps.AngleOptions): Tensor {
    return complexOps.angle(this, options);
  }

  // ---- triangles ----

  /** Upper triangle of the last two dims; see {@link constructOps.triu}. */
  triu(k = 0): Tensor {
    return constructOps.triu(this, k);
  }

  /** Lower triangle of the last two dims; see {@link constructOps.tril}. */
  tril(k = 0): Tensor {
    return constructOps.tril(this, k);
  }

  // ---- cumulative ----

  /** Running sum along an axis; see {@link cumulativeOps.cumsum}. */
  cumsum(options?: cumulativeOps.CumulativeOptions): Tensor {
    return cumulativeOps.cumsum(this, options);
  }

  /** Running product along an axis; see {@link cumulativeOps.cumprod}. */
  cumprod(options?: cumulativeOps.CumulativeOptions): Tensor {
    return cumulativeOps.cumprod(this, options);
  }

  /** Running maximum along an axis; see {@link cumulativeOps.cummax}. */
  cummax(options?: cumulativeOps.ScanOptions): Tensor {
    return cumulativeOps.cummax(this, options);
  }

  /** Running minimum along an axis; see {@link cumulativeOps.cummin}. */
  cummin(options?: cumulativeOps.ScanOptions): Tensor {
    return cumulativeOps.cummin(this, options);
  }

  /** Running log-sum-exp along an axis; see {@link cumulativeOps.logcumsumexp}. */
  logcumsumexp(options?: cumulativeOps.ScanOptions): Tensor {
    return cumulativeOps.logcumsumexp(this, options);
  }

  /** log(sum(exp(x))) over axes; see {@link cumulativeOps.logsumexp}. */
  logsumexp(options?: AxisOptions): Tensor {
    return cumulativeOps.logsumexp(this, options);
  }

  // ---- sorting ----

  /** See {@link sortOps.sort}. */
  sort(options?: sortOps.SortOptions): Tensor {
    return sortOps.sort(this, options);
  }
  /** See {@link sortOps.argsort}. */
  argsort(options?: sortOps.ArgsortOptions): Tensor {
    return sortOps.argsort(this, options);
  }
  /** See {@link sortOps.topk}. */
  topk(k: number, options?: sortOps.TopkOptions): sortOps.TopkResult {
    return sortOps.topk(this, k, options);
  }
  /** See {@link sortOps.partition}. */
  partition(kth: number | readonly number[], options?: sortOps.PartitionOptions): Tensor {
    return sortOps.partition(this, kth, options);
  }
  /** See {@link sortOps.argpartition}. */
  argpartition(kth: number | readonly number[], options?: sortOps.ArgpartitionOptions): Tensor {
    return sortOps.argpartition(this, kth, options);
  }
  /** See {@link sortOps.unique}. */
  unique(options?: sortOps.UniqueOptions): sortOps.UniqueResult {
    return sortOps.unique(this, options);
  }
  /** See {@link sortOps.searchsorted} (this tensor is the sorted one). */
  searchsorted(values: Tensor | Scalar, options?: sortOps.SearchsortedOptions): Tensor {
    return sortOps.searchsorted(this, values, options);
  }

  // ---- autograd ----

  /**
   * Marks this tensor as a leaf that gradients are computed for (PyTorch's `requires_grad_`),
   * in place; returns this. Only real float tensors can require grad.
   */
  requiresGrad(flag = true): this {
    autograd.setRequiresGrad(this, flag);
    return this;
  }

  /** The gradient accumulated by `backward` (leaves and `retainGrad` tensors), or null. */
  get grad(): Tensor | null {
    return this._ag?.grad ?? null;
  }

  /** True when reverse mode tracks this tensor (a leaf that requires grad, or an op's result). */
  get tracksGrad(): boolean {
    return this._ag !== undefined && (this._ag.node !== null || this._ag.requiresGrad);
  }

  /** True unless this tensor is the result of a recorded op. */
  get isLeaf(): boolean {
    return this._ag?.node == null;
  }

  /** Name of the recorded op that made this tensor (PyTorch's `grad_fn`), or null. */
  get gradFn(): string | null {
    return this._ag?.node?.def.name ?? null;
  }

  /** Clears `.grad`. */
  zeroGrad(): void {
    if (this._ag !== undefined) this._ag.grad = null;
  }

  /** Keeps this non-leaf tensor's gradient in `.grad` during backward; returns this. */
  retainGrad(): this {
    autograd.retainGrad(this);
    return this;
  }

  /** A new handle on the same data that autograd does not track. */
  detach(): Tensor {
    return this.view(this.shape, this.strides, this.offset);
  }

  /** See {@link autograd.backward}: gradients of this tensor into each leaf's `.grad`. */
  backward(grad?: Tensor | null, options?: autograd.BackwardOptions): void {
    autograd.backward(this, grad, options);
  }

  /** Backward that records its own computation, so gradients are differentiable again. */
  backwardWithGraph(grad?: Tensor | null, options?: autograd.BackwardOptions): void {
    autograd.backward(this, grad, { ...options, createGraph: true });
  }

  // ---- printing ----

  /** NumPy-style repr, e.g. `tensor([1, 2], dtype=i32)`. */
  toString(): string {
    return fmt.formatTensor(this);
  }

  /** Used by `console.log` and `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return fmt.formatTensor(this);
  }

  /** Rich display in Deno's Jupyter kernel. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return fmt.jupyterDisplay(this);
  }
}

/**
 * Checks that a layout stays inside its storage, so no view (even one made by hand with
 * `Tensor.view` or the constructor) lets a kernel read or write outside the buffer.
 */
function checkLayout(
  storage: Storage,
  dtype: DType,
  shape: Shape,
  strides: readonly number[],
  offset: number,
): void {
  const bad = (why: string): never => {
    throw new NumrError("InvalidArgument", `Bad tensor layout: ${why}`, {
      op: "view",
      shapes: [shape],
      dtypes: [dtype],
      device: storage.device,
    });
  };
  if (!DTYPES[dtype]) bad(`unknown dtype ${String(dtype)}`);
  if (shape.length !== strides.length) bad(`${shape.length} sizes but ${strides.length} strides`);
  if (!Number.isSafeInteger(offset)) bad(`offset ${offset} is not an integer`);
  let lo = offset;
  let hi = offset;
  let empty = false;
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i];
    const st = strides[i];
    if (!Number.isSafeInteger(n) || n < 0) bad(`size ${n} is not a non-negative integer`);
    if (!Number.isSafeInteger(st)) bad(`stride ${st} is not an integer`);
    if (n === 0) empty = true;
    else if (st > 0) hi += (n - 1) * st;
    else lo += (n - 1) * st;
  }
  if (empty) return;
  if (lo < 0 || (hi + 1) * DTYPES[dtype].bytes > storage.byteLength) {
    bad(`elements ${lo}..${hi} fall outside a storage of ${storage.byteLength} bytes`);
  }
}

function flattenArgs(args: number[] | [readonly number[]]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}
