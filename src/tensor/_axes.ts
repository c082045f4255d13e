// Axis normalisation for ops on one tensor, with errors that name the op and the tensor's shape.

import { NumrError } from "../core/errors.ts";
import type { Tensor } from "./tensor.ts";

/**
 * Maps a possibly negative axis into `[0, ndim)` (`ndim` defaults to `t.ndim`; pass `t.ndim + 1`
 * for ops that insert an axis).
 *
 * @throws {NumrError} `InvalidDimension` when the axis is out of range or not an integer.
 */
export function axisOf(t: Tensor, axis: number, op: string, ndim: number = t.ndim): number {
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new NumrError(
      "InvalidDimension",
      `Axis ${String(axis)} is out of range for ${ndim} dimension${ndim === 1 ? "" : "s"}`,
      { op, shapes: [t.shape], dtypes: [t.dtype] },
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalises one axis, a list of axes, or all axes when undefined; sorted and unique.
 *
 * @throws {NumrError} `InvalidDimension` on an out-of-range or repeated axis.
 */
export function axesOf(
  t: Tensor,
  axes: number | readonly number[] | undefined,
  op: string,
): number[] {
  if (axes === undefined) return Array.from({ length: t.ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  if (!Array.isArray(list)) {
    throw new NumrError("InvalidArgument", "Axes must be a number or an array of numbers", {
      op,
      shapes: [t.shape],
    });
  }
  const out = list.map((a) => axisOf(t, a, op));
  if (new Set(out).size !== out.length) {
    throw new NumrError("InvalidDimension", `Repeated axis in [${list.join(", ")}]`, {
      op,
      shapes: [t.shape],
      dtypes: [t.dtype],
    });
  }
  return out.sort((a, b) => a - b);
}
