// The dtype table: one row per dtype, the only place that lists dtype facts.

import { NumrError } from "../core/errors.ts";

/** The 17 element types of numr. */
export type DType =
  | "f64"
  | "f32"
  | "f16"
  | "bf16"
  | "fp8e4m3"
  | "fp8e5m2"
  | "i64"
  | "i32"
  | "i16"
  | "i8"
  | "u64"
  | "u32"
  | "u16"
  | "u8"
  | "bool"
  | "c64"
  | "c128";

/** The family a dtype belongs to. */
export type DTypeKind = "float" | "int" | "uint" | "bool" | "complex";

/** A typed array that can hold the raw storage of some dtype. */
export type StorageArray =
  | Float64Array
  | Float32Array
  | Float16Array
  | Uint16Array
  | Uint8Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigUint64Array
  | Uint32Array;

/** Constructor of the typed array that views a dtype's storage. */
export type StorageArrayConstructor = {
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): StorageArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** Everything numr knows about one dtype. */
export interface DTypeInfo {
  /** Short name, e.g. `"f32"`. */
  readonly name: DType;
  /** Stable discriminant (the Rust crate's numbering), used in serialisation. */
  readonly code: number;
  /** Bytes per element. */
  readonly bytes: number;
  /** Family. */
  readonly kind: DTypeKind;
  /** Typed array viewing the storage; complex uses the component array, 2 lanes an element. */
  readonly array: StorageArrayConstructor;
  /** Typed-array lanes per element (2 for complex, else 1). */
  readonly lanes: number;
  /** Name of the dtype in Zig kernels and exported symbols. */
  readonly zig: string;
  /** Smallest and largest finite value (real part for complex; bool 0/1). */
  readonly min: number;
  /** Largest finite value. */
  readonly max: number;
  /** NumPy's name, for the oracle tests (ml_dtypes names for bf16/fp8). */
  readonly numpy: string;
}

function row(
  name: DType,
  code: number,
  bytes: number,
  kind: DTypeKind,
  array: StorageArrayConstructor,
  min: number,
  max: number,
  numpy: string,
): DTypeInfo {
  const lanes = kind === "complex" ? 2 : 1;
  return { name, code, bytes, kind, array, lanes, zig: name, min, max, numpy };
}

const F32_MAX = 3.4028234663852886e38;
const BF16_MAX = 3.3895313892515355e38;

/** The dtype table. Iteration order is the canonical order used in reports. */
export const DTYPES: { readonly [K in DType]: DTypeInfo } = {
  f64: row("f64", 0, 8, "float", Float64Array, -Number.MAX_VALUE, Number.MAX_VALUE, "float64"),
  f32: row("f32", 1, 4, "float", Float32Array, -F32_MAX, F32_MAX, "float32"),
  f16: row("f16", 2, 2, "float", Float16Array, -65504, 65504, "float16"),
  bf16: row("bf16", 3, 2, "float", Uint16Array, -BF16_MAX, BF16_MAX, "bfloat16"),
  fp8e4m3: row("fp8e4m3", 4, 1, "float", Uint8Array, -448, 448, "float8_e4m3fn"),
  fp8e5m2: row("fp8e5m2", 5, 1, "float", Uint8Array, -57344, 57344, "float8_e5m2"),
  i64: row("i64", 10, 8, "int", BigInt64Array, -(2 ** 63), 2 ** 63 - 1, "int64"),
  i32: row("i32", 11, 4, "int", Int32Array, -(2 ** 31), 2 ** 31 - 1, "int32"),
  i16: row("i16", 12, 2, "int", Int16Array, -(2 ** 15), 2 ** 15 - 1, "int16"),
  i8: row("i8", 13, 1, "int", Int8Array, -128, 127, "int8"),
  u64: row("u64", 20, 8, "uint", BigUint64Array, 0, 2 ** 64 - 1, "uint64"),
  u32: row("u32", 21, 4, "uint", Uint32Array, 0, 2 ** 32 - 1, "uint32"),
  u16: row("u16", 22, 2, "uint", Uint16Array, 0, 2 ** 16 - 1, "uint16"),
  u8: row("u8", 23, 1, "uint", Uint8Array, 0, 255, "uint8"),
  bool: row("bool", 30, 1, "bool", Uint8Array, 0, 1, "bool"),
  c64: row("c64", 40, 8, "complex", Float32Array, -F32_MAX, F32_MAX, "complex64"),
  c128: row(
    "c128",
    41,
    16,
    "complex",
    Float64Array,
    -Number.MAX_VALUE,
    Number.MAX_VALUE,
    "complex128",
  ),
};

/** All dtype names in canonical order. */
export const DTYPE_NAMES: readonly DType[] = Object.keys(DTYPES) as DType[];

/** Float dtypes (real), widest first. */
export const FLOAT_DTYPES: readonly DType[] = DTYPE_NAMES.filter((d) => DTYPES[d].kind === "float");
/** Signed and unsigned integer dtypes. */
export const INT_DTYPES: readonly DType[] = DTYPE_NAMES.filter((d) =>
  DTYPES[d].kind === "int" || DTYPES[d].kind === "uint"
);
/** Complex dtypes. */
export const COMPLEX_DTYPES: readonly DType[] = ["c64", "c128"];

/** True when `s` names a dtype. */
export function isDType(s: unknown): s is DType {
  return typeof s === "string" && Object.hasOwn(DTYPES, s);
}

/** True for real floating dtypes (f64 … fp8). */
export function isFloat(d: DType): boolean {
  return DTYPES[d].kind === "float";
}

/** True for signed or unsigned integers (not bool). */
export function isInt(d: DType): boolean {
  const k = DTYPES[d].kind;
  return k === "int" || k === "uint";
}

/** True for complex dtypes. */
export function isComplex(d: DType): boolean {
  return DTYPES[d].kind === "complex";
}

/** True when values of `d` are stored as bigint in JS (i64, u64). */
export function isBigIntDType(d: DType): boolean {
  return d === "i64" || d === "u64";
}

/** The real component dtype of a complex dtype (c64 → f32, c128 → f64); others map to itself. */
export function componentDType(d: DType): DType {
  if (d === "c64") return "f32";
  if (d === "c128") return "f64";
  return d;
}

let defaultFloat: DType = "f32";

/**
 * The dtype plain JS numbers become (f32 unless changed with {@link setDefaultFloat}).
 *
 * @example
 * ```ts
 * import { getDefaultFloat, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tensor([1, 2]).dtype, getDefaultFloat());
 * ```
 */
export function getDefaultFloat(): DType {
  return defaultFloat;
}

/**
 * Sets the dtype plain JS numbers become. Must be a real float dtype.
 *
 * @throws {NumrError} `InvalidArgument` for a dtype that is not a real float.
 * @example
 * ```ts
 * import { getDefaultFloat, setDefaultFloat } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * setDefaultFloat("f64");
 * assert.equal(getDefaultFloat(), "f64");
 * setDefaultFloat("f32");
 * ```
 */
export function setDefaultFloat(d: DType): void {
  if (!isDType(d) || !isFloat(d)) {
    throw new NumrError("InvalidArgument", `Default float dtype must be a real float, got ${d}`, {
      op: "setDefaultFloat",
    });
  }
  defaultFloat = d;
}
