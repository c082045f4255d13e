// Structured tensors built from other tensors: triangular masks (triu, tril), one-hot encodings
// and coordinate grids (meshgrid). All are composites over where, comparisons and views.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES, isDType } from "../dtype/dtypes.ts";
import { arange } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, reshape } from "../tensor/views.ts";
import { sub } from "./binary.ts";
import { castTo } from "./cast.ts";
import { eq, ge, le } from "./compare.ts";
import { max, min } from "./reduce.ts";
import { defineOp } from "./registry.ts";
import { where } from "./ternary.ts";

const INT_DTYPES = DTYPE_NAMES.filter((d) => {
  const k = DTYPES[d].kind;
  return k === "int" || k === "uint";
});

for (const [name, cmp] of [["triu", "ge"], ["tril", "le"]] as const) {
  defineOp({
    // A `where` over a mask: differentiated through it.
    traced: true,
    name,
    family: "composite",
    summary: name === "triu"
      ? "upper triangle of the last two dims (others zeroed)"
      : "lower triangle of the last two dims (others zeroed)",
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => [
      ["fill", "fill", "i32"],
      ["binary", "sub", "i32"],
      ["compare", cmp, "i32"],
      ["ternary", "where", d],
    ],
  });
}

defineOp({
  name: "oneHot",
  family: "composite",
  summary: "one-hot encoding along a new last axis",
  dtypes: INT_DTYPES,
  kernelsFor: (d) => [
    ["reduce", "max", d],
    ["reduce", "min", d],
    ["compare", "eq", d],
    ["cast", "bool", "i64"],
  ],
});

defineOp({
  // Views (reshape, broadcastTo): differentiated through them.
  traced: true,
  name: "meshgrid",
  family: "view",
  summary: "coordinate grids from 1-D tensors (broadcast views)",
  dtypes: DTYPE_NAMES,
  kernelsFor: () => [],
});

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} takes a Tensor, got ${typeof x}`, { op });
  }
  x.assertLive(op);
}

function triangle(name: "triu" | "tril", x: Tensor, k: number): Tensor {
  checkInput(x, name);
  const context = { op: name, shapes: [x.shape], dtypes: [x.dtype], device: x.device };
  if (x.ndim < 2) {
    throw new NumrError(
      "InvalidDimension",
      `${name} needs at least 2 dimensions, got ${x.ndim}`,
      context,
    );
  }
  if (!Number.isInteger(k)) {
    throw new NumrError("InvalidArgument", `Diagonal offset must be an integer, got ${k}`, context);
  }
  const m = x.shape[x.ndim - 2];
  const n = x.shape[x.ndim - 1];
  // Column minus row, compared with k, as an [m, n] mask broadcast over the batch dims.
  const rows = reshape(arange(m, { dtype: "i32", device: x.device }), [m, 1]);
  const cols = reshape(arange(n, { dtype: "i32", device: x.device }), [1, n]);
  const offset = sub(cols, rows);
  // Offsets beyond ±(m + n) select everything or nothing; clamping keeps k within i32.
  const bound = Math.max(-(m + 1), Math.min(n + 1, k));
  const mask = name === "triu" ? ge(offset, bound) : le(offset, bound);
  const zero = x.dtype === "bool" ? false : 0;
  try {
    return where(mask, x, zero);
  } finally {
    for (const t of [rows, cols, offset, mask]) t.dispose();
  }
}

/**
 * The upper triangle of the last two dims (`np.triu`, `torch.triu`): elements with
 * `column − row ≥ k` are kept, the rest set to 0; leading dims are a batch. `k = 0` is the main
 * diagonal, `k > 0` above it, `k < 0` below it. The dtype is kept.
 *
 * @throws {NumrError} `InvalidDimension` for fewer than 2 dims (NumPy would broadcast a 1-D
 * input to a square; numr, like torch, does not); `InvalidArgument` for a non-integer `k`.
 * @example
 * ```ts
 * import { tensor, triu } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
 * assert.deepEqual(triu(x).toArray(), [[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
 * assert.deepEqual(triu(x, 1).toArray(), [[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle("triu", x, k);
}

/**
 * The lower triangle of the last two dims (`np.tril`): elements with `column − row ≤ k` are
 * kept, the rest set to 0; see {@link triu}.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link triu}.
 * @example
 * ```ts
 * import { tensor, tril } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(tril(x).toArray(), [[1, 0, 0], [4, 5, 0]]);
 * assert.deepEqual(tril(x, -1).toArray(), [[0, 0, 0], [4, 0, 0]]);
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle("tril", x, k);
}

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** The result dtype (default i64, as torch). */
  dtype?: DType;
}

/**
 * One-hot encoding (`torch.nn.functional.one_hot`): integer class indices of shape `[...]` give
 * `[..., numClasses]` with 1 at each index and 0 elsewhere. `numClasses` of -1 (the default)
 * means `max(indices) + 1`. The result is i64 unless `dtype` is given.
 *
 * @throws {NumrError} `UnsupportedDType` for non-integer indices; `IndexOutOfBounds` for an
 * index that is negative or not below `numClasses`; `InvalidArgument` for a bad `numClasses`
 * or option.
 * @example
 * ```ts
 * import { oneHot, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = oneHot(tensor([0, 2], { dtype: "i32" }), 3, { dtype: "f32" });
 * assert.deepEqual(y.toArray(), [[1, 0, 0], [0, 0, 1]]);
 * ```
 */
export function oneHot(indices: Tensor, numClasses = -1, options: OneHotOptions = {}): Tensor {
  const op = "oneHot";
  checkInput(indices, op);
  const context = {
    op,
    shapes: [indices.shape],
    dtypes: [indices.dtype],
    device: indices.device,
  };
  const kind = DTYPES[indices.dtype].kind;
  if (kind !== "int" && kind !== "uint") {
    throw new NumrError(
      "UnsupportedDType",
      `${op} takes integer indices, got ${indices.dtype}`,
      context,
    );
  }
  const dtype = options.dtype ?? "i64";
  if (!isDType(dtype)) {
    throw new NumrError("InvalidArgument", `Unknown dtype ${String(dtype)}`, context);
  }
  if (!Number.isInteger(numClasses) || numClasses < -1) {
    throw new NumrError(
      "InvalidArgument",
      `numClasses must be a non-negative integer or -1, got ${numClasses}`,
      context,
    );
  }
  let classes = numClasses;
  if (indices.size > 0) {
    const lo = Number(min(indices).item());
    const hi = Number(max(indices).item());
    if (classes === -1) classes = hi + 1;
    if (lo < 0 || hi >= classes) {
      const bad = lo < 0 ? lo : hi;
      throw new NumrError(
        "IndexOutOfBounds",
        `Class index ${bad} is out of range for ${classes} classes`,
        context,
      );
    }
  } else if (classes === -1) {
    throw new NumrError(
      "InvalidArgument",
      "numClasses cannot be inferred from empty indices",
      context,
    );
  }
  const column = reshape(indices, [...indices.shape, 1]);
  const ids = arange(classes, { dtype: indices.dtype, device: indices.device });
  const hits = eq(column, ids);
  column.dispose();
  ids.dispose();
  if (dtype === "bool") return hits;
  const y = castTo(hits, dtype);
  hits.dispose();
  return y;
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** `"xy"` (default, Cartesian: the first two outputs have shape [n1, n0, ...]) or `"ij"`. */
  indexing?: "xy" | "ij";
}

/**
 * Coordinate grids from 1-D tensors (`np.meshgrid`; N-D inputs are flattened). With inputs of
 * lengths `n0, n1, …`, every output has shape `[n0, n1, …]` for `"ij"` indexing, and
 * `[n1, n0, …]` for `"xy"` (the default). Outputs are zero-copy broadcast views of the inputs
 * (NumPy's `copy=False`); call `contiguous()` for dense copies.
 *
 * @throws {NumrError} `InvalidArgument` for a bad option or a non-tensor, `Disposed`.
 * @example
 * ```ts
 * import { meshgrid, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const [gx, gy] = meshgrid(tensor([1, 2, 3]), tensor([4, 5]));
 * assert.deepEqual(gx.toArray(), [[1, 2, 3], [1, 2, 3]]);
 * assert.deepEqual(gy.toArray(), [[4, 4, 4], [5, 5, 5]]);
 * ```
 */
export function meshgrid(...args: (Tensor | MeshgridOptions)[]): Tensor[] {
  const op = "meshgrid";
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !(last instanceof Tensor);
  const options = (hasOptions ? last : {}) as MeshgridOptions;
  if (typeof options !== "object" || options === null) {
    throw new NumrError("InvalidArgument", "Options of meshgrid must be an object", { op });
  }
  const indexing = options.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij") {
    throw new NumrError("InvalidArgument", `indexing must be "xy" or "ij", got ${indexing}`, {
      op,
    });
  }
  const xs = (hasOptions ? args.slice(0, -1) : args) as Tensor[];
  xs.forEach((x) => checkInput(x, op));
  const lengths = xs.map((x) => x.size);
  const swap = indexing === "xy" && xs.length >= 2;
  // The output axis each input runs along.
  const axisOf = (i: number): number => (swap && i < 2 ? 1 - i : i);
  const shape = xs.map((_, a) => lengths[swap && a < 2 ? 1 - a : a]);
  return xs.map((x, i) => {
    const viewShape = shape.map((_, a) => (a === axisOf(i) ? lengths[i] : 1));
    const column = reshape(x, viewShape);
    const grid = broadcastTo(column, shape);
    column.dispose();
    return grid;
  });
}
