// Reading tensors back to JS (typed arrays, nested arrays, single items) and moving devices.

import { NumrError } from "../core/errors.ts";
import { DTYPES } from "../dtype/dtypes.ts";
import {
  type DataArray,
  decodeData,
  type Element,
  readElement,
  storageView,
} from "../dtype/values.ts";
import { getBackend } from "../runtime/backend.ts";
import type { DeviceName } from "../runtime/storage.ts";
import { type NestedArray, Tensor } from "./tensor.ts";
import { contiguous } from "./views.ts";

function contiguousBytes(t: Tensor): { bytes: Uint8Array; done: () => void } {
  const c = contiguous(t);
  const info = DTYPES[t.dtype];
  const bytes = getBackend(c.device).readSync(
    c.storage,
    c.offset * info.bytes,
    c.size * info.bytes,
  );
  return { bytes, done: () => c.dispose() };
}

function rawFromBytes(t: Tensor, bytes: Uint8Array) {
  // readSync returns a fresh, exactly sized buffer, so a view over it is aligned.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer as ArrayBuffer
    : bytes.slice().buffer;
  return storageView(t.dtype, buffer, 0, t.size);
}

/**
 * The raw little-endian bytes of the elements in row-major order (bf16/fp8 as their bit patterns,
 * complex as interleaved pairs).
 *
 * @example
 * ```ts
 * import { toBytes, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...toBytes(tensor([1, 2], { dtype: "u8" }))], [1, 2]);
 * ```
 */
export function toBytes(t: Tensor): Uint8Array {
  t.assertLive("toBytes");
  const { bytes, done } = contiguousBytes(t);
  done();
  return bytes;
}

/** The elements in row-major order as a fresh typed array (see `Tensor.dataSync`). */
export function dataSync(t: Tensor): DataArray {
  t.assertLive("dataSync");
  const { bytes, done } = contiguousBytes(t);
  done();
  return decodeData(t.dtype, rawFromBytes(t, bytes));
}

/** Async form of {@link dataSync}; waits for the device on GPU backends. */
export async function data(t: Tensor): Promise<DataArray> {
  t.assertLive("data");
  const c = contiguous(t);
  const info = DTYPES[t.dtype];
  try {
    const bytes = await getBackend(c.device).read(
      c.storage,
      c.offset * info.bytes,
      c.size * info.bytes,
    );
    return decodeData(t.dtype, rawFromBytes(t, bytes));
  } finally {
    c.dispose();
  }
}

function nest(t: Tensor, bytes: Uint8Array): NestedArray {
  const raw = rawFromBytes(t, bytes);
  if (t.ndim === 0) return readElement(t.dtype, raw, 0);
  let i = 0;
  const build = (depth: number): NestedArray[] => {
    const n = t.shape[depth];
    const out: NestedArray[] = new Array(n);
    for (let k = 0; k < n; k++) {
      out[k] = depth === t.ndim - 1 ? readElement(t.dtype, raw, i++) : build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/** Nested arrays of the elements (see `Tensor.toArray`). */
export function toArray(t: Tensor): NestedArray {
  t.assertLive("toArray");
  const { bytes, done } = contiguousBytes(t);
  done();
  return nest(t, bytes);
}

/** Async form of {@link toArray}. */
export async function array(t: Tensor): Promise<NestedArray> {
  t.assertLive("array");
  const c = contiguous(t);
  const info = DTYPES[t.dtype];
  try {
    const bytes = await getBackend(c.device).read(
      c.storage,
      c.offset * info.bytes,
      c.size * info.bytes,
    );
    return nest(t, bytes);
  } finally {
    c.dispose();
  }
}

/**
 * The only element of a one-element tensor.
 *
 * @throws {NumrError} `ShapeMismatch` when the tensor has more or fewer than one element.
 */
export function item(t: Tensor): Element {
  t.assertLive("item");
  if (t.size !== 1) {
    throw new NumrError("ShapeMismatch", `item() needs exactly one element, got ${t.size}`, {
      op: "item",
      shapes: [t.shape],
      dtypes: [t.dtype],
    });
  }
  const info = DTYPES[t.dtype];
  const bytes = getBackend(t.device).readSync(t.storage, t.offset * info.bytes, info.bytes);
  return readElement(t.dtype, rawFromBytes(t, bytes), 0);
}

/**
 * The tensor on another device, waiting for the source device when it cannot be read
 * synchronously (WebGPU): `await t.toAsync("cpu")`. Itself (a new handle) when already there.
 *
 * @throws {NumrError} `Disposed`, `BackendUnavailable` when the target device is not started.
 * @example
 * ```ts
 * import { tensor, toAsync } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = await toAsync(tensor([1, 2]), "cpu");
 * assert.deepEqual(t.toArray(), [1, 2]);
 * ```
 */
export async function toAsync(t: Tensor, device: DeviceName): Promise<Tensor> {
  t.assertLive("to");
  if (device === t.device) return t.view(t.shape, t.strides, t.offset);
  const c = contiguous(t);
  const info = DTYPES[t.dtype];
  try {
    const bytes = await getBackend(c.device).read(
      c.storage,
      c.offset * info.bytes,
      c.size * info.bytes,
    );
    return new Tensor(getBackend(device).fromBytes(bytes), t.dtype, t.shape);
  } finally {
    c.dispose();
  }
}

/** The tensor on another device: itself (a new handle) when already there, else a copy. */
export function toDevice(t: Tensor, device: DeviceName): Tensor {
  t.assertLive("to");
  if (device === t.device) return t.view(t.shape, t.strides, t.offset);
  const { bytes, done } = contiguousBytes(t);
  done();
  return new Tensor(getBackend(device).fromBytes(bytes), t.dtype, t.shape);
}
