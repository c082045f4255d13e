// Shape arithmetic: row-major strides, broadcasting, axis normalisation.

import { NumrError } from "../core/errors.ts";

/** A tensor shape: non-negative integer sizes, outermost first. */
export type Shape = readonly number[];

/**
 * Row-major (C order) strides, in elements, for a shape.
 *
 * @example
 * ```ts
 * import { contiguousStrides } from "./shape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(contiguousStrides([2, 3, 4]), [12, 4, 1]);
 * ```
 */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Number of elements of a shape (1 for the 0-d shape `[]`).
 *
 * @example
 * ```ts
 * import { shapeSize } from "./shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shapeSize([2, 3]), 6);
 * ```
 */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The NumPy broadcast of several shapes.
 *
 * @throws {NumrError} `BroadcastError` when two sizes differ and neither is 1.
 * @example
 * ```ts
 * import { broadcastShapes } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(broadcastShapes([[2, 1], [3]]), [2, 3]);
 * ```
 */
export function broadcastShapes(shapes: readonly Shape[], op = "broadcast"): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) {
        out[j] = d;
        continue;
      }
      const list = shapes.map((x) => `[${x.join(", ")}]`).join(" with ");
      throw new NumrError("BroadcastError", `Cannot broadcast ${list}: ${out[j]} vs ${d}`, {
        op,
        shapes,
      });
    }
  }
  return out;
}

/**
 * Maps a possibly negative axis into `[0, ndim)`.
 *
 * @throws {NumrError} `InvalidDimension` when the axis is out of range or not an integer.
 * @example
 * ```ts
 * import { normalizeAxis } from "./shape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(normalizeAxis(-1, 3), 2);
 * ```
 */
export function normalizeAxis(axis: number, ndim: number, op = "axis"): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new NumrError(
      "InvalidDimension",
      `Axis ${axis} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? "" : "s"}`,
      { op },
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalises a list of axes (or one axis, or all axes when undefined), sorted and unique.
 *
 * @throws {NumrError} `InvalidDimension` on an out-of-range or repeated axis.
 * @example
 * ```ts
 * import { normalizeAxes } from "./shape.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(normalizeAxes([-1, 0], 3), [0, 2]);
 * ```
 */
export function normalizeAxes(
  axes: number | readonly number[] | undefined,
  ndim: number,
  op = "axis",
): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const seen = new Set(out);
  if (seen.size !== out.length) {
    throw new NumrError("InvalidDimension", `Repeated axis in [${list.join(", ")}]`, { op });
  }
  return out.sort((a, b) => a - b);
}

/**
 * Checks that a user-given shape is a list of non-negative integers.
 *
 * @throws {NumrError} `InvalidArgument` otherwise.
 */
export function checkShape(shape: readonly number[], op: string): number[] {
  if (!Array.isArray(shape)) {
    throw new NumrError("InvalidArgument", `Shape must be an array of integers`, { op });
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NumrError("InvalidArgument", `Shape [${shape.join(", ")}] has a bad size ${d}`, {
        op,
      });
    }
  }
  return [...shape];
}
