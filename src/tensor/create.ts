// Creating tensors: from JS values, filled with a constant, ranges and identity matrices.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES, getDefaultFloat, isDType } from "../dtype/dtypes.ts";
import {
  type Complex,
  type Element,
  readElement,
  storageView,
  writeElement,
} from "../dtype/values.ts";
import { defineOp } from "../ops/registry.ts";
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

// Creation ops: those that fill run the fill kernel; the others upload bytes from the host.
const CREATION_OPS: [string, string, boolean][] = [
  ["tensor", "a tensor from JS values or a typed array", false],
  ["fromBytes", "a tensor over raw little-endian bytes", false],
  ["empty", "an uninitialised tensor", false],
  ["emptyLike", "an uninitialised tensor shaped like another", false],
  ["full", "a tensor filled with one value", true],
  ["fullLike", "one value, shaped like another tensor", true],
  ["zeros", "a tensor of zeros", true],
  ["zerosLike", "zeros shaped like another tensor", true],
  ["ones", "a tensor of ones", true],
  ["onesLike", "ones shaped like another tensor", true],
  ["arange", "evenly spaced values by step (np.arange)", false],
  ["linspace", "evenly spaced values by count (np.linspace)", false],
  ["eye", "ones on a diagonal (np.eye)", true],
];
for (const [name, summary, fills] of CREATION_OPS) {
  defineOp({
    name,
    family: "creation",
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => (fills ? [["fill", "fill", d]] : []),
  });
}

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

/** True for a JS array or a typed array (not a DataView): a level of nesting. */
function isSequence(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

interface Flattened {
  shape: number[];
  flat: Element[];
  /** The dtype of the innermost rows when every one of them is a typed array of one kind. */
  rowDType: DType | undefined;
}

function inferShapeAndFlatten(data: TensorData, op: string): Flattened {
  const shape: number[] = [];
  let probe: unknown = data;
  while (isSequence(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: Element[] = [];
  const rowKinds = new Set<DType | "array">();
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (isSequence(v)) {
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
    if (!isSequence(v) || v.length !== shape[depth]) {
      const got = isSequence(v) ? `${v.length} items` : String(v);
      throw new NumrError(
        "ShapeMismatch",
        `Nested arrays are ragged: expected ${shape[depth]} items at depth ${depth}, got ${got}`,
        { op },
      );
    }
    if (depth === shape.length - 1) {
      rowKinds.add(Array.isArray(v) ? "array" : TYPED_ARRAY_DTYPE.get(v.constructor) ?? "array");
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1);
  };
  walk(data, 0);
  const [only] = rowKinds;
  const rowDType = rowKinds.size === 1 && only !== "array" ? only : undefined;
  return { shape, flat, rowDType };
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
 * default float dtype, booleans `bool`, bigints `i64`, `{re, im}` objects complex (c128 when the
 * default float is f64, else c64); mixed kinds take the widest (complex > number > bigint >
 * boolean). A typed array keeps its own dtype, also as the rows of a nested array. `shape`
 * reshapes flat data. With an explicit int `dtype`, numbers are truncated toward zero and wrap
 * modulo 2^bits (NumPy raises for out-of-range Python ints instead).
 *
 * @throws {NumrError} `ShapeMismatch` for ragged arrays or a shape that does not fit the data,
 * `InvalidArgument` for an unknown dtype or an element that is not a number, bigint, boolean or
 * `{re, im}`.
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
  const { shape: inferred, flat, rowDType } = inferShapeAndFlatten(data as TensorData, op);
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
  const dtype = options.dtype ?? rowDType ?? inferDType(flat);
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

function checkValue(value: unknown, op: string, target?: Tensor): void {
  const t = typeof value;
  if (t !== "number" && t !== "bigint" && t !== "boolean" && !isComplexValue(value)) {
    const where = target === undefined
      ? { op }
      : { op, shapes: [target.shape], dtypes: [target.dtype] };
    throw new NumrError(
      "InvalidArgument",
      `Fill value must be a number, bigint, boolean or {re, im}, got ${String(value)}`,
      where,
    );
  }
}

/**
 * A tensor filled with `value`, converted to the dtype (by default inferred from the value as
 * {@link tensor} does).
 *
 * @throws {NumrError} `InvalidArgument` for a bad shape, dtype or value.
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
  checkValue(value, op);
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

/**
 * Writes one value into every element of `t` (any strides; a view writes through to its base),
 * in place.
 *
 * @throws {NumrError} `InvalidArgument` for a value that is not an element.
 * @example
 * ```ts
 * import { fill, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = zeros([2, 3]);
 * fill(t.slice(null, [1, 2]), 5);
 * assert.deepEqual(t.toArray(), [[0, 5, 0], [0, 5, 0]]);
 * ```
 */
export function fillTensor(t: Tensor, value: Element): void {
  checkValue(value, "fill", t);
  if (t.size === 0) return;
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
 * A tensor whose contents are unspecified (memory may be reused). Fastest to make.
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
 * The values NumPy's `arange` stores for a dtype: the first two elements are `start` and
 * `start + step` converted to the dtype, and the rest are filled from them in the dtype's own
 * arithmetic (NumPy's `fill` functions: f32, f16, bf16 and fp8 in f32, ints with wrap-around),
 * so results match NumPy bit for bit, including `arange(0.5, 5, 1.5, { dtype: "i32" })` =
 * `[0, 2, 4]`.
 */
function arangeValues(
  start: number,
  step: number,
  n: number,
  dtype: DType,
  op: string,
): ArrayBuffer {
  const info = DTYPES[dtype];
  const buffer = new ArrayBuffer(n * info.bytes);
  if (n === 0) return buffer;
  const view = storageView(dtype, buffer);
  writeElement(dtype, view, 0, start);
  if (n === 1) return buffer;
  writeElement(dtype, view, 1, start + step);
  if (n === 2) return buffer;
  if (info.kind === "bool") {
    throw new NumrError(
      "InvalidArgument",
      `arange of bool can make at most 2 values, not ${n}`,
      { op, dtypes: [dtype] },
    );
  }
  const first = readElement(dtype, view, 0);
  const second = readElement(dtype, view, 1);
  if (typeof first === "bigint") {
    // i64/u64: delta wraps in the dtype, as NumPy's LONGLONG_fill computes it.
    const b = DTYPES[dtype].kind === "uint" ? BigInt.asUintN : BigInt.asIntN;
    const delta = b(64, (second as bigint) - first);
    for (let i = 2; i < n; i++) writeElement(dtype, view, i, b(64, first + BigInt(i) * delta));
    return buffer;
  }
  if (info.kind === "int" || info.kind === "uint") {
    // Narrow ints: delta is stored in the dtype (wrapping), the sum is stored with wrap-around.
    const scratch = storageView(dtype, new ArrayBuffer(info.bytes));
    writeElement(dtype, scratch, 0, (second as number) - (first as number));
    const delta = scratch[0] as number;
    for (let i = 2; i < n; i++) writeElement(dtype, view, i, (first as number) + i * delta);
    return buffer;
  }
  const re0 = typeof first === "object" ? first.re : first as number;
  const re1 = typeof second === "object" ? second.re : second as number;
  if (dtype === "f64" || dtype === "c128") {
    const delta = re1 - re0;
    for (let i = 2; i < n; i++) writeElement(dtype, view, i, re0 + i * delta);
    return buffer;
  }
  // f32, c64, f16, bf16, fp8: start and delta in f32, each value rounded to f32 then stored.
  const f = Math.fround;
  const delta = f(re1 - re0);
  for (let i = 2; i < n; i++) writeElement(dtype, view, i, f(re0 + f(f(i) * delta)));
  return buffer;
}

/**
 * Evenly spaced values in `[start, stop)` with step `step` (NumPy's `arange`). With one number,
 * `arange(n)` is `[0, n)`; options may follow any of the numbers. The length is
 * `ceil((stop - start) / step)`, and values are filled as NumPy fills them for the dtype (see
 * `arangeValues`: the same bits as `np.arange(start, stop, step, dtype)`).
 *
 * @throws {NumrError} `InvalidArgument` when a bound or the step is not finite, the step is 0,
 * or a bool range has more than 2 values.
 * @example
 * ```ts
 * import { arange } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(arange(0, 5, 2, { dtype: "i32" }).toArray(), [0, 2, 4]);
 * assert.deepEqual(arange(3, { dtype: "i32" }).toArray(), [0, 1, 2]);
 * assert.deepEqual(arange(1, 0, -0.25).toArray(), [1, 0.75, 0.5, 0.25]);
 * ```
 */
export function arange(stop: number, options?: CreateOptions): Tensor;
/** `arange(start, stop)`: values in `[start, stop)` with step 1. */
export function arange(start: number, stop: number, options?: CreateOptions): Tensor;
/** `arange(start, stop, step)`: values in `[start, stop)` with the given step. */
export function arange(
  start: number,
  stop: number,
  step: number,
  options?: CreateOptions,
): Tensor;
/** Implementation of the overloads above. */
export function arange(
  first: number,
  second?: number | CreateOptions,
  third?: number | CreateOptions,
  fourth?: CreateOptions,
): Tensor {
  const op = "arange";
  const nums = [first, second, third].filter((v) => typeof v !== "object" && v !== undefined);
  const options = [second, third, fourth].find((v) => typeof v === "object") ?? {};
  checkDType(options.dtype, op);
  const [start, stop] = nums.length === 1 ? [0, nums[0]] : [nums[0], nums[1]];
  const step = nums.length === 3 ? nums[2] : 1;
  for (const v of [start, stop, step]) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new NumrError(
        "InvalidArgument",
        `arange needs finite numbers, got start ${start}, stop ${stop}, step ${step}`,
        { op },
      );
    }
  }
  if (step === 0) {
    throw new NumrError("InvalidArgument", "arange step must not be 0", { op });
  }
  const length = Math.ceil((stop - start) / step);
  const n = Math.max(0, length);
  if (!Number.isSafeInteger(n)) {
    throw new NumrError("InvalidArgument", `arange length ${length} is too large`, { op });
  }
  const dtype = options.dtype ?? getDefaultFloat();
  const bytes = new Uint8Array(arangeValues(start, step, n, dtype, op));
  return new Tensor(getBackend(options.device ?? "cpu").fromBytes(bytes), dtype, [n]);
}

/** Options of {@link linspace}. */
export interface LinspaceOptions extends CreateOptions {
  /** Include `stop` as the last value (default true). */
  endpoint?: boolean;
}

/**
 * `num` evenly spaced values from `start` to `stop` (NumPy's `linspace`, endpoint included by
 * default). Values are computed in f64 as NumPy does (`start + i * step`, the last one exactly
 * `stop` with the endpoint), then converted; int dtypes take the floor first, as NumPy 2 does.
 *
 * @throws {NumrError} `InvalidArgument` when num is negative or not an integer, or a bound is not
 * a number.
 * @example
 * ```ts
 * import { linspace } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
 * assert.deepEqual(linspace(0, 1, 4, { endpoint: false }).toArray(), [0, 0.25, 0.5, 0.75]);
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
  if (typeof start !== "number" || typeof stop !== "number") {
    throw new NumrError("InvalidArgument", "linspace needs numbers for start and stop", { op });
  }
  const endpoint = options.endpoint ?? true;
  const dtype = options.dtype ?? getDefaultFloat();
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = delta / div;
  const values = new Array<number>(num);
  for (let i = 0; i < num; i++) {
    // NumPy: i * step, or (i / div) * delta when the step underflows to 0, or i * delta when
    // there is no step (num 0, or 1 with the endpoint).
    const y = div > 0 ? (step === 0 ? (i / div) * delta : i * step) : i * delta;
    values[i] = y + start;
  }
  if (endpoint && num > 1) values[num - 1] = stop;
  const kind = DTYPES[dtype].kind;
  if (kind === "int" || kind === "uint") {
    for (let i = 0; i < num; i++) values[i] = Math.floor(values[i]);
  }
  return fromFlat(values, [num], dtype, options.device ?? "cpu");
}

/** Options of {@link eye}. */
export interface EyeOptions extends CreateOptions {
  /** Columns (default n). */
  m?: number;
  /** Diagonal offset: 0 main, > 0 above, < 0 below. */
  k?: number;
}

/**
 * An `n × m` matrix with ones on diagonal `k` and zeros elsewhere (NumPy's `eye(N, M, k)`).
 *
 * @throws {NumrError} `InvalidArgument` when n or m is not a non-negative integer or k is not an
 * integer.
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
  const t = zeros([n, m], { dtype: options.dtype ?? getDefaultFloat(), device: options.device });
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
