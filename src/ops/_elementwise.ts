// Shared preparation of elementwise operands: JS scalars become 0-d tensors (NEP 50 weak
// scalars), dtypes are promoted, shapes broadcast as zero-copy views, devices checked.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import {
  promoteTypes,
  resultTypeWithScalar,
  type Scalar,
  scalarDType,
} from "../dtype/promotion.ts";
import type { DeviceName } from "../runtime/storage.ts";
import { full } from "../tensor/create.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo } from "../tensor/views.ts";
import { castTo } from "./cast.ts";
import { capturing } from "../runtime/capture_state.ts";

/** An elementwise operand: a tensor, or a JS scalar. */
export type Operand = Tensor | Scalar;

function isScalar(x: unknown): x is Scalar {
  return typeof x === "number" || typeof x === "boolean" || typeof x === "bigint";
}

/**
 * Checks that every operand is a live tensor or a JS scalar.
 *
 * @throws {NumrError} `Disposed` for a disposed tensor, `InvalidArgument` for anything else.
 */
export function checkOperands(operands: readonly unknown[], op: string): void {
  operands.forEach((x, i) => checkOperand(x, op, i));
}

function checkOperand(x: unknown, op: string, i: number): void {
  if (x instanceof Tensor) {
    if (x.disposed) {
      throw new NumrError("Disposed", `Argument ${i} of ${op} was used after dispose()`, { op });
    }
    return;
  }
  if (!isScalar(x)) {
    throw new NumrError(
      "InvalidArgument",
      `Argument ${i} of ${op} must be a Tensor or a number, boolean or bigint, got ${typeof x}`,
      { op },
    );
  }
}

/**
 * The dtype several operands promote to: tensors by `promoteTypes`, then JS scalars as weak
 * values (they never widen a tensor's dtype, except that a fraction turns ints into a float).
 */
export function resultDType(operands: readonly Operand[], op: string): DType {
  let dtype: DType | undefined;
  for (const x of operands) {
    if (x instanceof Tensor) {
      dtype = dtype === undefined ? x.dtype : promoteTypes(dtype, x.dtype);
    }
  }
  if (dtype === undefined) {
    for (const x of operands) {
      const d = scalarDType(x as Scalar);
      dtype = dtype === undefined ? d : promoteTypes(dtype, d);
    }
    return dtype!;
  }
  for (const x of operands) if (!(x instanceof Tensor)) dtype = resultTypeWithScalar(dtype, x, op);
  return dtype;
}

/** Prepared operands, all on one device, broadcast to one shape. */
export interface Prepared {
  /** Operands as tensors of the requested dtypes, broadcast to `shape` (views). */
  readonly tensors: Tensor[];
  /** The broadcast shape. */
  readonly shape: number[];
  /** The common device. */
  readonly device: DeviceName;
  /** Releases the temporaries made here (casts, scalar tensors, views). */
  readonly release: () => void;
}

// GPU scalars: a 0-d tensor per (device, dtype, value) is kept and lent out as a new handle, so
// `x.add(1)` on a GPU is one launch instead of a fill and the op (never during a graph capture,
// whose fills run only when the graph is launched).
const SCALAR_CACHE_MAX = 256;
const scalarCache = new Map<string, Tensor>();

function scalarTensor(value: number | bigint, dtype: DType, device: DeviceName): Tensor {
  if (device === "cpu" || capturing(device)) return full([], value, { dtype, device });
  const v = typeof value === "bigint" ? `${value}n` : Object.is(value, -0) ? "-0" : `${value}`;
  const key = `${device}|${dtype}|${v}`;
  let t = scalarCache.get(key);
  if (t === undefined) {
    t = full([], value, { dtype, device });
    if (scalarCache.size >= SCALAR_CACHE_MAX) {
      const [oldest, old] = scalarCache.entries().next().value!;
      scalarCache.delete(oldest);
      old.dispose();
    }
    scalarCache.set(key, t);
  }
  return t.view(t.shape, t.strides, t.offset);
}

/**
 * Turns operands into tensors of `dtypes[i]` broadcast to one shape. Scalars become 0-d tensors
 * on the tensors' device; an operand already of the right dtype is not copied.
 *
 * @throws {NumrError} `DeviceMismatch`, `BroadcastError`, `InvalidArgument`.
 */
export function prepare(
  operands: readonly Operand[],
  dtypes: readonly DType[],
  op: string,
): Prepared {
  operands.forEach((x, i) => checkOperand(x, op, i));
  let device: DeviceName | undefined;
  for (const x of operands) {
    if (!(x instanceof Tensor)) continue;
    if (device === undefined) device = x.device;
    else if (x.device !== device) {
      throw new NumrError("DeviceMismatch", `Operands of ${op} are on ${device} and ${x.device}`, {
        op,
        device: x.device,
      });
    }
  }
  device ??= "cpu";
  const temps: Tensor[] = [];
  const asTensors = operands.map((x, i) => {
    if (x instanceof Tensor) return x;
    const t = scalarTensor(typeof x === "boolean" ? (x ? 1 : 0) : x, dtypes[i], device!);
    temps.push(t);
    return t;
  });
  const shape = broadcastShapes(asTensors.map((t) => t.shape), op);
  const tensors = asTensors.map((t, i) => {
    const c = t.dtype === dtypes[i] ? t : castTo(t, dtypes[i]);
    if (c !== t) temps.push(c);
    const v = broadcastTo(c, shape);
    temps.push(v);
    return v;
  });
  return {
    tensors,
    shape,
    device,
    release: () => {
      for (const t of temps) t.dispose();
    },
  };
}
