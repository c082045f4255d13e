// Creating tensors: from JS values, filled with a constant, ranges and identity matrices.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPES, getDefaultFloat, isDType } from "../dtype/dtypes.ts";
import { type Complex, type Element, storageView, writeElement } from "../dtype/values.ts";
import { getBackend } from "../runtime/backend.ts";
import type { DeviceName } from "../runtime/storage.ts";
import { checkShape, type Shape, shapeSize } from "./shape.ts";
import { Tensor } from "./tensor.ts";

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type (inferred from the data when omitted, else the default float dtype). */
  dtype?: DType;
  /** Device (default `"cpu"`). */
  device?: DeviceName;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreateOptions {
  /** Shape, for flat data (a typed array or a flat JS array). */
  shape?: readonly number[];
}

/** Nested JS arrays or a typed array, as `tensor` accepts them. */
export type TensorData =
  | Element
  | readonly TensorData[]
  | ArrayBufferView;

const TYPED_ARRAY_DTYPE = new Map<unknown, DType>([
  [Float64Array, "f64"],
  [Float32Array, "f32"],
  [Float16Array, "f16"],
  [Int32Array, "i32"],
  [Int16Array, "i16"],
  [Int8Array, "i8"],
  [Uint32Array, "u32"],
  [Uint16Array, "u16"],
  [Uint8Array, "u8"],
  [Uint8ClampedArray, "u8"],
  [BigInt64Array, "i64"],
  [BigUint64Array, "u64"],
]);

function checkDType(dtype: DType | undefined, op: string): void {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new NumrError("InvalidArgument", `Unknown dtype ${String(dtype)}`, { op });
  }
}

/** Allocates an uninitialised (zeroed on CPU) tensor; the building block of every op's output. */
export function emptyTensor(shape: Shape, dtype: DType, device: DeviceName = "cpu"): Tensor {
  const backend = getBackend(device);
  const bytes = shapeSize(shape) * DTYPES[dtype].bytes;
  return new Tensor(backend.alloc(bytes), dtype, shape);
}

function isComplexValue(v: unknown): v is Complex {
  return typeof v === "object" && v !== null && "re" in v && "im" in v;
}

function inferShapeAndFlatten(data: TensorData, op: string): { shape: number[]; flat: Element[] } {
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: Element[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) {
        throw new NumrError("ShapeMismatch", "Nested arrays are ragged (too deep)", { op });
      }
      if (
        typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean" &&
        !isComplexValue(v)
      ) {
        throw new NumrError("InvalidArgument", `Cannot make a tensor element from ${String(v)}`, {
          op,
        });
      }
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new NumrError(
        "ShapeMismatch",
        `Nested arrays are ragged: expected ${shape[depth]} items at depth ${depth}`,
        { op },
      );
    }
    for (const x of v) walk(x, depth + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

function inferDType(flat: readonly Element[]): DType {
  if (flat.length === 0) return getDefaultFloat();
  let sawBool = false;
  let sawBig = false;
  let sawNumber = false;
  let sawComplex = false;
  for (const v of flat) {
    if (typeof v === "boolean") sawBool = true;
    else if (typeof v === "bigint") sawBig = true;
    else if (typeof v === "number") sawNumber = true;
    else sawComplex = true;
  }
  if (sawComplex) return getDefaultFloat() === "f64" ? "c128" : "c64";
  if (sawNumber) return getDefaultFloat();
  if (sawBig) return "i64";
  return sawBool ? "bool" : getDefaultFloat();
}

function fromTypedArray(data: ArrayBufferView, options: TensorOptions, op: string): Tensor {
  const native = TYPED_ARRAY_DTYPE.get(data.constructor);
  if (native === undefined) {
    throw new NumrError("InvalidArgument", `Unsupported array type ${data.constructor.name}`, {
      op,
    });
  }
  const src = data as unknown as ArrayLike<number | bigint>;
  const shape = options.shape === undefined ? [src.length] : checkShape(options.shape, op);
  const dtype = options.dtype ?? native;
  if (shapeSize(shape) * DTYPES[dtype].lanes !== src.length && shapeSize(shape) !== src.length) {
    throw new NumrError(
      "ShapeMismatch",
      `Data has ${src.length} elements but shape [${shape.join(", ")}] needs ${shapeSize(shape)}`,
      { op, dtypes: [dtype] },
    );
  }
  if (dtype === native) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return new Tensor(getBackend(options.device ?? "cpu").fromBytes(bytes), dtype, shape);
  }
  // A complex dtype from a real array of twice the length reads interleaved (re, im) pairs.
  const count = shapeSize(shape);
  const interleaved = DTYPES[dtype].lanes === 2 && src.length === 2 * count;
  const flat: Element[] = new Array(count);
  for (let i = 0; i < count; i++) {
    flat[i] = interleaved ? { re: Number(src[2 * i]), im: Number(src[2 * i + 1]) } : src[i];
  }
  return fromFlat(flat, shape, dtype, options.device ?? "cpu");
}

function fromFlat(
  flat: readonly Element[],
  shape: Shape,
  dtype: DType,
  device: DeviceName,
): Tensor {
  const count = shapeSize(shape);
  const buffer = new ArrayBuffer(count * DTYPES[dtype].bytes);
  const view = storageView(dtype, buffer);
  for (let i = 0; i < count; i++) writeElement(dtype, view, i, flat[i]);
  const storage = getBackend(device).fromBytes(new Uint8Array(buffer));
  return new Tensor(storage, dtype, shape);
}

/**
 * Makes a tensor from nested JS arrays, a typed array or a single value. JS numbers become the
 * default float dtype, booleans `bool`, bigints `i64`, `{re, im}` objects complex; a typed array
 * keeps its own dtype. `shape` reshapes flat data.
 *
 * @throws {NumrError} `ShapeMismatch` for ragged arrays or a shape that does not fit the data.
 * @example
 * ```ts
 * import { tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "i32" });
 * assert.deepEqual(t.shape, [2, 3]);
 * assert.equal(t.dtype, "i32");
 * ```
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  const op = "tensor";
  checkDType(options.dtype, op);
  if (ArrayBuffer.isView(data)) return fromTypedArray(data, options, op);
  const { shape: inferred, flat } = inferShapeAndFlatten(data as TensorData, op);
  let shape = inferred;
  if (options.shape !== undefined) {
    shape = checkShape(options.shape, op);
    if (shapeSize(shape) !== flat.length) {
      throw new NumrError(
        "ShapeMismatch",
        `Data has ${flat.length} elements but shape [${shape.join(", ")}] needs ${
          shapeSize(shape)
        }`,
        { op },
      );
    }
  }
  const dtype = options.dtype ?? inferDType(flat);
  return fromFlat(flat, shape, dtype, options.device ?? "cpu");
}

/**
 * A tensor over a copy of raw little-endian bytes (the layout `toBytes` returns).
 *
 * @throws {NumrError} `ShapeMismatch` when the byte count does not fit the shape and dtype.
 * @example
 * ```ts
 * import { fromBytes } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = fromBytes(new Uint8Array([0x80, 0x3f]), "bf16", [1]);
 * assert.equal(t.item(), 1);
 * ```
 */
export function fromBytes(
  bytes: Uint8Array,
  dtype: DType,
  shape: readonly number[],
  device: DeviceName = "cpu",
): Tensor {
  const op = "fromBytes";
  checkDType(dtype, op);
  const s = checkShape(shape, op);
  const need = shapeSize(s) * DTYPES[dtype].bytes;
  if (bytes.byteLength !== need) {
    throw new NumrError(
      "ShapeMismatch",
      `${bytes.byteLength} bytes do not fit shape [${s.join(", ")}] of ${dtype} (${need} bytes)`,
      { op, dtypes: [dtype] },
    );
  }
  return new Tensor(getBackend(device).fromBytes(bytes), dtype, s);
}

/**
 * A tensor filled with `value`.
 *
 * @example
 * ```ts
 * import { full } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(full([2], 7, { dtype: "i32" }).toArray(), [7, 7]);
 * ```
 */
export function full(shape: Shape, value: Element, options: CreateOptions = {}): Tensor {
  const op = "full";
  checkDType(options.dtype, op);
  const s = checkShape(shape, op);
  const dtype = options.dtype ??
    (typeof value === "boolean"
      ? "bool"
      : typeof value === "bigint"
      ? "i64"
      : isComplexValue(value)
      ? (getDefaultFloat() === "f64" ? "c128" : "c64")
      : getDefaultFloat());
  const t = emptyTensor(s, dtype, options.device);
  if (t.size > 0) fillTensor(t, value);
  return t;
}

/** Writes one value into every element of `t` (any strides), in place. */
export function fillTensor(t: Tensor, value: Element): void {
  const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  getBackend(t.device).fill(t, v);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
 * ```
 */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ones([3], { dtype: "u8" }).toArray(), [1, 1, 1]);
 * ```
 */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

/**
 * A tensor whose contents are unspecified (zeros on the CPU today). Fastest to make.
 *
 * @example
 * ```ts
 * import { empty } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(empty([2, 3]).shape, [2, 3]);
 * ```
 */
export function empty(shape: Shape, options: CreateOptions = {}): Tensor {
  checkDType(options.dtype, "empty");
  return emptyTensor(
    checkShape(shape, "empty"),
    options.dtype ?? getDefaultFloat(),
    options.device,
  );
}

function likeOptions(t: Tensor, options: CreateOptions): CreateOptions {
  return { dtype: options.dtype ?? t.dtype, device: options.device ?? t.device };
}

/**
 * Zeros with the shape (and by default dtype and device) of `t`.
 *
 * @example
 * ```ts
 * import { tensor, zerosLike } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(zerosLike(tensor([1, 2])).toArray(), [0, 0]);
 * ```
 */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return zeros(t.shape, likeOptions(t, options));
}

/**
 * Ones with the shape (and by default dtype and device) of `t`.
 *
 * @example
 * ```ts
 * import { onesLike, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(onesLike(tensor([1, 2])).toArray(), [1, 1]);
 * ```
 */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return ones(t.shape, likeOptions(t, options));
}

/**
 * `value` everywhere, with the shape (and by default dtype and device) of `t`.
 *
 * @example
 * ```ts
 * import { fullLike, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fullLike(tensor([1, 2]), 5).toArray(), [5, 5]);
 * ```
 */
export function fullLike(t: Tensor, value: Element, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, likeOptions(t, options));
}

/**
 * An uninitialised tensor with the shape (and by default dtype and device) of `t`.
 *
 * @example
 * ```ts
 * import { emptyLike, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(emptyLike(tensor([1, 2])).shape, [2]);
 * ```
 */
export function emptyLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return empty(t.shape, likeOptions(t, options));
}

/**
 * Evenly spaced values in `[start, stop)` with step `step` (NumPy's `arange`). With one argument,
 * `arange(n)` is `[0, n)`. Values are computed as `start + i * step` in f64, then cast.
 *
 * @throws {NumrError} `InvalidArgument` when step is 0 or not finite.
 * @example
 * ```ts
 * import { arange } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(arange(0, 5, 2, { dtype: "i32" }).toArray(), [0, 2, 4]);
 * ```
 */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: CreateOptions = {},
): Tensor {
  const op = "arange";
  checkDType(options.dtype, op);
  if (stop === undefined) [start, stop] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new NumrError(
      "InvalidArgument",
      `arange needs finite start, stop and a non-zero step, got ${start}, ${stop}, ${step}`,
      { op },
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromFlat(values, [n], options.dtype ?? getDefaultFloat(), options.device ?? "cpu");
}

/** Options of {@link linspace}. */
export interface LinspaceOptions extends CreateOptions {
  /** Include `stop` as the last value (default true). */
  endpoint?: boolean;
}

/**
 * `num` evenly spaced values from `start` to `stop` (NumPy's `linspace`, endpoint included by
 * default).
 *
 * @throws {NumrError} `InvalidArgument` when num is negative or not an integer.
 * @example
 * ```ts
 * import { linspace } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: LinspaceOptions = {},
): Tensor {
  const op = "linspace";
  checkDType(options.dtype, op);
  if (!Number.isSafeInteger(num) || num < 0) {
    throw new NumrError("InvalidArgument", `linspace needs a count >= 0, got ${num}`, { op });
  }
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  const values = new Array<number>(num);
  // NumPy: start + i * step, with the last value set to stop exactly when endpoint is true.
  for (let i = 0; i < num; i++) values[i] = div > 0 ? start + i * step : start;
  if (endpoint && num > 1) values[num - 1] = stop;
  return fromFlat(values, [num], options.dtype ?? getDefaultFloat(), options.device ?? "cpu");
}

/** Options of {@link eye}. */
export interface EyeOptions extends CreateOptions {
  /** Columns (default n). */
  m?: number;
  /** Diagonal offset: 0 main, > 0 above, < 0 below. */
  k?: number;
}

/**
 * An `n × m` matrix with ones on diagonal `k` and zeros elsewhere.
 *
 * @example
 * ```ts
 * import { eye } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
 * ```
 */
export function eye(n: number, options: EyeOptions = {}): Tensor {
  const op = "eye";
  checkDType(options.dtype, op);
  const m = options.m ?? n;
  const k = options.k ?? 0;
  checkShape([n, m], op);
  if (!Number.isSafeInteger(k)) {
    throw new NumrError("InvalidArgument", `eye needs an integer k, got ${k}`, { op });
  }
  const t = zeros([n, m], { dtype: options.dtype, device: options.device });
  // The diagonal is a strided view: step m + 1 through the flat storage.
  const start = k >= 0 ? k : -k * m;
  const count = Math.max(0, Math.min(k >= 0 ? n : n + k, k >= 0 ? m - k : m));
  if (count > 0) {
    const diag = t.view([count], [m + 1], start);
    fillTensor(diag, 1);
    diag.dispose();
  }
  return t;
}
