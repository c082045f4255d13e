// Async forms of the ops whose result shape depends on the values (argwhere, nonzero,
// maskedSelect, unique). On the CPU they resolve at once with the sync op's result. On a device
// that cannot wait synchronously (WebGPU), the one mechanism is: the smallest tensor that decides
// the shape is awaited to the host, the sync op runs there, and its result moves back to the
// input's device; maskedSelect only brings the mask over and gathers on the device. A backend
// with `compactAsync` (WebGPU) computes argwhere/nonzero/maskedSelect on the device instead,
// waiting only for the count.

import type { Tensor } from "../tensor/tensor.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { broadcastTo } from "../tensor/views.ts";
import { getBackend } from "../runtime/backend.ts";
import {
  argwhere,
  checkIndexDtypeOption,
  checkNonzeroRank,
  checkTensor,
  gatherNd,
  type IndexDTypeOptions,
  maskedSelect,
  nonzero,
  nonzeroColumns,
} from "./indexing.ts";
import { unique, type UniqueOptions, type UniqueResult } from "./sort.ts";

/** Runs `f` on a host copy of x unless x is on the CPU, moving tensors back to x's device. */
async function onHost<R>(x: Tensor, f: (h: Tensor) => R, back: (r: R) => R): Promise<R> {
  if (x.device === "cpu") return f(x);
  const h = await x.toAsync("cpu");
  try {
    return back(f(h));
  } finally {
    h.dispose();
  }
}

function moved(t: Tensor, device: Tensor["device"]): Tensor {
  const r = t.to(device);
  if (r !== t) t.dispose();
  return r;
}

/**
 * {@link argwhere} for any device: the rows of non-zero multi-indices, on x's device.
 *
 * @throws {NumrError} as {@link argwhere}.
 * @example
 * ```ts
 * import { argwhereAsync, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = await argwhereAsync(tensor([[0, 1], [2, 0]]));
 * assert.deepEqual(await y.array(), [[0, 1], [1, 0]]);
 * ```
 */
export async function argwhereAsync(
  x: Tensor,
  options: IndexDTypeOptions = {},
): Promise<Tensor> {
  checkTensor(x, "argwhere", "x");
  const d = checkIndexDtypeOption(options, "argwhere");
  const backend = getBackend(x.device);
  if (x.device !== "cpu" && backend.compactAsync !== undefined) {
    const y = await backend.compactAsync(x, null, d);
    if (y !== null) return y;
  }
  return onHost(x, (h) => argwhere(h, options), (r) => moved(r, x.device));
}

/**
 * {@link nonzero} for any device: one index tensor per dim, on x's device.
 *
 * @throws {NumrError} as {@link nonzero}.
 * @example
 * ```ts
 * import { nonzeroAsync, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const [rows, cols] = await nonzeroAsync(tensor([[0, 1], [2, 0]]));
 * assert.deepEqual(await rows.array(), [0, 1]);
 * assert.deepEqual(await cols.array(), [1, 0]);
 * ```
 */
export async function nonzeroAsync(
  x: Tensor,
  options: IndexDTypeOptions = {},
): Promise<Tensor[]> {
  checkNonzeroRank(x);
  if (x.device !== "cpu" && getBackend(x.device).compactAsync !== undefined) {
    return nonzeroColumns(x, await argwhereAsync(x, options));
  }
  return onHost(x, (h) => nonzero(h, options), (cols) => cols.map((c) => moved(c, x.device)));
}

/**
 * {@link maskedSelect} for any device: only the mask is awaited to the host; the gather runs
 * on x's device.
 *
 * @throws {NumrError} as {@link maskedSelect}.
 * @example
 * ```ts
 * import { maskedSelectAsync, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = await maskedSelectAsync(tensor([[1, 2], [3, 4]]), tensor([true, false]));
 * assert.deepEqual(await y.array(), [1, 3]);
 * ```
 */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  if (x.device === "cpu") return maskedSelect(x, mask);
  checkTensor(x, "maskedSelect", "x");
  checkTensor(mask, "maskedSelect", "mask", x.device);
  if (mask.dtype !== "bool") return maskedSelect(x, mask); // throws DTypeMismatch
  const shape = broadcastShapes([x.shape, mask.shape], "maskedSelect");
  const xb = broadcastTo(x, shape);
  const mb = broadcastTo(mask, shape);
  try {
    const backend = getBackend(x.device);
    if (backend.compactAsync !== undefined) {
      const y = await backend.compactAsync(mb, xb, "i64");
      if (y !== null) return y;
    }
    const coords = await argwhereAsync(mb, { indexDtype: "i64" });
    try {
      return gatherNd(xb, coords);
    } finally {
      coords.dispose();
    }
  } finally {
    xb.dispose();
    mb.dispose();
  }
}

/**
 * {@link unique} for any device: the results are on x's device.
 *
 * @throws {NumrError} as {@link unique}.
 * @example
 * ```ts
 * import { tensor, uniqueAsync } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const u = await uniqueAsync(tensor([3, 1, 3]), { returnCounts: true });
 * assert.deepEqual(await u.values.array(), [1, 3]);
 * assert.deepEqual(await u.counts!.array(), [1, 2]);
 * ```
 */
export function uniqueAsync(x: Tensor, options: UniqueOptions = {}): Promise<UniqueResult> {
  checkTensor(x, "unique", "x");
  return onHost(x, (h) => unique(h, options), (r) => {
    const out: UniqueResult = { values: moved(r.values, x.device) };
    if (r.inverse) out.inverse = moved(r.inverse, x.device);
    if (r.counts) out.counts = moved(r.counts, x.device);
    return out;
  });
}
