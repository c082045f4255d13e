// Sorting: sort, argsort, topk, partition, argpartition, unique and searchsorted, each declared
// once. Every op uses one order, NumPy's: ascending, stable, NaN last (see `sort`).

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import { promoteTypes, resultTypeWithScalar, type Scalar } from "../dtype/promotion.ts";
import { getBackend } from "../runtime/backend.ts";
import { axisOf } from "../tensor/_axes.ts";
import { emptyTensor, tensor } from "../tensor/create.ts";
import { shapesEqual } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { clone, narrow, reshape } from "../tensor/views.ts";
import { castTo } from "./cast.ts";
import { tracking } from "../autograd/graph.ts";
import { takeAlongAxis } from "./indexing.ts";
import { defineOp } from "./registry.ts";
import { uniqueAlongAxis } from "./unique_axis.ts";

/** The dtype of index outputs. */
export type IndexDType = "i32" | "i64";

/** Options of {@link sort}. */
export interface SortOptions {
  /** Axis to sort along (negative counts from the end; default -1); `null` flattens first. */
  axis?: number | null;
  /** Largest first (default false); still stable: equal elements keep their input order. */
  descending?: boolean;
}

/** Options of {@link argsort}. */
export interface ArgsortOptions extends SortOptions {
  /** Dtype of the indices (default i32). */
  indexDtype?: IndexDType;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** Axis to select along (negative counts from the end; default -1). */
  axis?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Accepted for PyTorch compatibility; the result is always sorted. */
  sorted?: boolean;
  /** Dtype of the indices (default i32). */
  indexDtype?: IndexDType;
}

/** The result of {@link topk}. */
export interface TopkResult {
  /** The selected elements, best first. */
  values: Tensor;
  /** Their indices along the axis. */
  indices: Tensor;
}

/** Options of {@link partition}. */
export interface PartitionOptions {
  /** Axis to partition along (default -1); `null` flattens first. */
  axis?: number | null;
}

/** Options of {@link argpartition}. */
export interface ArgpartitionOptions extends PartitionOptions {
  /** Dtype of the indices (default i32). */
  indexDtype?: IndexDType;
}

/** Options of {@link unique}. */
export interface UniqueOptions {
  /** Also return, for each input element, the index of its value in `values`. */
  returnInverse?: boolean;
  /** Also return how often each value occurs. */
  returnCounts?: boolean;
  /** Dtype of `inverse` and `counts` (default i32). */
  indexDtype?: IndexDType;
  /**
   * Distinct slices along this axis instead of distinct elements (NumPy's `axis`): slices are
   * compared element by element and sorted lexicographically; a slice holding NaN is never equal
   * to another. `inverse` then has length `x.shape[axis]`.
   */
  axis?: number | null;
}

/** The result of {@link unique}. */
export interface UniqueResult {
  /** The distinct values, sorted (1-D). */
  values: Tensor;
  /** With `returnInverse`: the index into `values` of each input element (input's shape). */
  inverse?: Tensor;
  /** With `returnCounts`: how often each value occurs. */
  counts?: Tensor;
}

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** `"left"` (default): the first index where the value fits; `"right"`: the last. */
  side?: "left" | "right";
  /** Indices that sort `sorted` (i32 or i64, sorted's shape), for an unsorted `sorted`. */
  sorter?: Tensor;
  /** Dtype of the result (default i32). */
  indexDtype?: IndexDType;
}

const sortKernel = (d: DType) => [["sort", "sort", d] as const];
const SORT_OPS: [string, string][] = [
  ["sort", "sorted copy along an axis (stable, NaN last)"],
  ["argsort", "indices that sort along an axis (stable, NaN last)"],
  ["partition", "k-th element in sorted place, smaller before, larger after"],
  ["argpartition", "indices that partition along an axis"],
];
// Under autograd, sorted values are gathered from x by their indices (takeAlongAxis), so their
// gradient is scattered back to where each value came from.
const VALUE_OPS = new Set(["sort", "partition"]);
for (const [name, summary] of SORT_OPS) {
  const traced = VALUE_OPS.has(name);
  defineOp({ name, family: "sort", summary, dtypes: DTYPE_NAMES, kernelsFor: sortKernel, traced });
}
defineOp({
  name: "topk",
  family: "sort",
  summary: "k largest (or smallest) elements along an axis, with indices",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["sort", "topk", d]],
  traced: true,
});
defineOp({
  name: "unique",
  family: "unique",
  summary: "sorted distinct values, with inverse and counts",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["sort", "sort", d], ["unique", "unique", d], ["cast", d, d]],
});
defineOp({
  name: "searchsorted",
  family: "search",
  summary: "insertion indices into a sorted tensor",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["search", "searchsorted", d]],
});

const I32_MAX = 2 ** 31 - 1;

function fail(code: "InvalidArgument" | "ShapeMismatch", message: string, op: string, x?: Tensor) {
  return new NumrError(code, message, {
    op,
    shapes: x === undefined ? undefined : [x.shape],
    dtypes: x === undefined ? undefined : [x.dtype],
    device: x?.device,
  });
}

function checkTensor(x: unknown, op: string, what = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `The ${what} of ${op} must be a Tensor`, { op });
  }
  x.assertLive(op);
}

function checkOptions(options: unknown, op: string, x: Tensor): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw fail("InvalidArgument", `Options of ${op} must be an object`, op, x);
  }
}

function flag(value: unknown, name: string, fallback: boolean, op: string, x: Tensor): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw fail("InvalidArgument", `${name} must be a boolean`, op, x);
  return value;
}

function indexDtypeOf(value: unknown, op: string, x: Tensor): IndexDType {
  if (value === undefined) return "i32";
  if (value !== "i32" && value !== "i64") {
    throw fail("InvalidArgument", `indexDtype must be "i32" or "i64", got ${String(value)}`, op, x);
  }
  return value;
}

function checkIndexRange(n: number, dtype: IndexDType, op: string, x: Tensor): void {
  if (dtype === "i32" && n > I32_MAX) {
    throw fail(
      "InvalidArgument",
      `${n} elements do not fit i32 indices: pass indexDtype: "i64"`,
      op,
      x,
    );
  }
}

/** The tensor and axis a sort-like op works on, and the shape its result takes. */
interface Target {
  input: Tensor;
  axis: number;
  shape: readonly number[];
}

/**
 * NumPy's axis rules, with PyTorch's for 0-d tensors: `null` flattens; a 0-d tensor sorts as
 * one element along axis 0 or -1 and stays 0-d.
 */
function target(x: Tensor, axis: unknown, op: string): Target {
  if (axis === null) return { input: reshape(x, [x.size]), axis: 0, shape: [x.size] };
  const a = axis === undefined ? -1 : axis;
  if (typeof a !== "number") throw fail("InvalidArgument", "axis must be an integer", op, x);
  if (x.ndim === 0) {
    axisOf(x, a, op, 1);
    return { input: reshape(x, [1]), axis: 0, shape: [] };
  }
  return { input: x, axis: axisOf(x, a, op), shape: x.shape };
}

/** Runs the sort primitive and returns the requested outputs in the target's shape. */
function runSort(
  t: Target,
  op: string,
  descending: boolean,
  values: boolean,
  indexDtype: IndexDType | null,
): { values: Tensor | null; indices: Tensor | null } {
  const x = t.input;
  if (indexDtype !== null) checkIndexRange(x.shape[t.axis], indexDtype, op, x);
  const v = values ? emptyTensor(x.shape, x.dtype, x.device) : null;
  const i = indexDtype === null ? null : emptyTensor(x.shape, indexDtype, x.device);
  if (x.size > 0) getBackend(x.device).sort("sort", x, t.axis, v, i, { descending, k: 0 });
  const shaped = (r: Tensor | null) => {
    if (r === null || shapesEqual(r.shape, t.shape)) return r;
    const s = reshape(r, t.shape);
    r.dispose();
    return s;
  };
  return { values: shaped(v), indices: shaped(i) };
}

/**
 * A sorted copy of `x` along `axis` (default -1; `null` sorts the flattened tensor).
 *
 * The order is NumPy's, for every dtype: ascending, and stable (equal elements keep their input
 * order); NaN sorts last and all NaNs are equal; -0 and +0 are equal (so they keep their input
 * order); bool sorts false before true. Complex numbers sort lexicographically by real part,
 * then imaginary part, with NaNs at the end as in NumPy: first the numbers without NaN, then
 * those with only a NaN imaginary part (by real part), then a NaN real part (by imaginary part),
 * then both NaN. `descending: true` is the exact reverse order of values (NaN first) and still
 * stable: equal elements keep their input order (unlike reversing an ascending sort). A 0-d
 * tensor sorts as one element (axis 0 or -1), as in PyTorch (NumPy raises).
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range; `InvalidArgument` for bad
 * options.
 * @example
 * ```ts
 * import { sort, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[3, NaN, 1], [2, -0, 0]]);
 * assert.deepEqual(sort(x).toArray(), [[1, 3, NaN], [-0, 0, 2]]);
 * assert.deepEqual(sort(x, { axis: 0, descending: true }).toArray(), [[3, NaN, 1], [2, -0, 0]]);
 * assert.deepEqual(sort(x, { axis: null }).shape, [6]);
 * ```
 */
export function sort(x: Tensor, options: SortOptions = {}): Tensor {
  checkTensor(x, "sort");
  checkOptions(options, "sort", x);
  const descending = flag(options.descending, "descending", false, "sort", x);
  if (tracking(x)) return gatherSorted(x, argsort(x, { ...options, indexDtype: "i64" }), options);
  return runSort(target(x, options.axis, "sort"), "sort", descending, true, null).values!;
}

/** The values of x at sorting indices along the op's axis (differentiable through the gather). */
function gatherSorted(
  x: Tensor,
  indices: Tensor,
  options: { axis?: number | null },
): Tensor {
  if (x.ndim === 0) return reshape(x, indices.shape);
  if (options.axis === null) return takeAlongAxis(reshape(x, [x.size]), indices, 0);
  return takeAlongAxis(x, indices, options.axis ?? -1);
}

/**
 * The indices that sort `x` along `axis` (default -1; `null`: indices into the flattened
 * tensor), in the order of {@link sort}: stable in both directions, so ties keep increasing
 * indices even when `descending`. Indices are i32 unless `indexDtype: "i64"`.
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range; `InvalidArgument` for bad
 * options or an axis longer than i32 indices reach.
 * @example
 * ```ts
 * import { argsort, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([2, 1, 2, NaN, 1]);
 * assert.deepEqual(argsort(x).toArray(), [1, 4, 0, 2, 3]);
 * assert.deepEqual(argsort(x, { descending: true }).toArray(), [3, 0, 2, 1, 4]);
 * assert.equal(argsort(x, { indexDtype: "i64" }).dtype, "i64");
 * ```
 */
export function argsort(x: Tensor, options: ArgsortOptions = {}): Tensor {
  checkTensor(x, "argsort");
  checkOptions(options, "argsort", x);
  const descending = flag(options.descending, "descending", false, "argsort", x);
  const indexDtype = indexDtypeOf(options.indexDtype, "argsort", x);
  const t = target(x, options.axis, "argsort");
  return runSort(t, "argsort", descending, false, indexDtype).indices!;
}

/**
 * The `k` largest (or, with `largest: false`, smallest) elements along `axis` (default -1) and
 * their indices, best first, as PyTorch's `topk`. The order is that of {@link sort}: NaN counts
 * as the largest value, and among equal values the lower index comes first. The result is
 * always sorted (`sorted: false` is accepted and changes nothing).
 *
 * @throws {NumrError} `InvalidArgument` when k is not an integer in [0, size along axis], or for
 * bad options; `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { tensor, topk } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const { values, indices } = topk(tensor([1, 5, 3, 5, 2]), 3);
 * assert.deepEqual(values.toArray(), [5, 5, 3]);
 * assert.deepEqual(indices.toArray(), [1, 3, 2]);
 * assert.deepEqual(topk(tensor([4, 1, 3]), 2, { largest: false }).values.toArray(), [1, 3]);
 * ```
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): TopkResult {
  checkTensor(x, "topk");
  checkOptions(options, "topk", x);
  const largest = flag(options.largest, "largest", true, "topk", x);
  flag(options.sorted, "sorted", true, "topk", x);
  const indexDtype = indexDtypeOf(options.indexDtype, "topk", x);
  if (options.axis === null) throw fail("InvalidArgument", "topk takes an integer axis", "topk", x);
  const t = target(x, options.axis, "topk");
  const n = t.input.shape[t.axis];
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k > n) {
    throw fail("InvalidArgument", `k must be an integer in [0, ${n}], got ${String(k)}`, "topk", x);
  }
  checkIndexRange(n, indexDtype, "topk", x);
  const shape = t.input.shape.map((s, d) => (d === t.axis ? k : s));
  const values = emptyTensor(shape, x.dtype, x.device);
  const indices = emptyTensor(shape, indexDtype, x.device);
  if (values.size > 0) {
    getBackend(x.device).sort("topk", t.input, t.axis, values, indices, {
      descending: largest,
      k,
    });
  }
  const traced = tracking(x) ? gatherSorted(x, indices, options) : values;
  if (traced !== values) values.dispose();
  // A 0-d input gives 0-d results for k = 1 (PyTorch), empty [0] ones for k = 0.
  if (x.ndim === 0 && k === 1) {
    return { values: reshape(traced, []), indices: reshape(indices, []) };
  }
  return { values: traced, indices };
}

function checkKth(kth: unknown, n: number, op: string, x: Tensor): void {
  const list = typeof kth === "number" ? [kth] : kth;
  if (!Array.isArray(list) || list.length === 0) {
    throw fail("InvalidArgument", "kth must be an integer or a non-empty array", op, x);
  }
  for (const k of list) {
    if (typeof k !== "number" || !Number.isInteger(k) || k < -n || k >= n) {
      throw fail("InvalidArgument", `kth ${String(k)} is out of bounds for size ${n}`, op, x);
    }
  }
}

/**
 * NumPy's `partition`: a copy of `x` where, along `axis` (default -1; `null` flattens), each
 * element at a position in `kth` (negative counts from the end) is the one that would be there
 * when sorted, every element before it is not larger and every element after it not smaller
 * (in the order of {@link sort}: NaN largest). The order within the parts is unspecified; this
 * backend returns them sorted.
 *
 * @throws {NumrError} `InvalidArgument` when a kth is out of range (or the axis is empty);
 * `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { partition, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const p = partition(tensor([7, 1, 5, 3, 9]), 2).toArray() as number[];
 * assert.equal(p[2], 5);
 * assert.ok(p.slice(0, 2).every((v) => v <= 5) && p.slice(3).every((v) => v >= 5));
 * ```
 */
export function partition(
  x: Tensor,
  kth: number | readonly number[],
  options: PartitionOptions = {},
): Tensor {
  checkTensor(x, "partition");
  checkOptions(options, "partition", x);
  const t = target(x, options.axis, "partition");
  checkKth(kth, t.input.shape[t.axis], "partition", x);
  if (tracking(x)) {
    return gatherSorted(x, argpartition(x, kth, { ...options, indexDtype: "i64" }), options);
  }
  return runSort(t, "partition", false, true, null).values!;
}

/**
 * NumPy's `argpartition`: indices that {@link partition} `x` along `axis`; i32 unless
 * `indexDtype: "i64"`.
 *
 * @throws {NumrError} `InvalidArgument` when a kth is out of range; `InvalidDimension` for an
 * axis out of range.
 * @example
 * ```ts
 * import { argpartition, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const i = argpartition(tensor([7, 1, 5, 3, 9]), -1).toArray() as number[];
 * assert.equal(i[4], 4);
 * ```
 */
export function argpartition(
  x: Tensor,
  kth: number | readonly number[],
  options: ArgpartitionOptions = {},
): Tensor {
  checkTensor(x, "argpartition");
  checkOptions(options, "argpartition", x);
  const indexDtype = indexDtypeOf(options.indexDtype, "argpartition", x);
  const t = target(x, options.axis, "argpartition");
  checkKth(kth, t.input.shape[t.axis], "argpartition", x);
  return runSort(t, "argpartition", false, false, indexDtype).indices!;
}

/** A prefix of a 1-D tensor, copied when it is much shorter than its storage. */
function prefix(t: Tensor, n: number): Tensor {
  if (n === t.size) return t;
  const v = narrow(t, 0, 0, n);
  const r = 2 * n < t.size ? clone(v) : v;
  if (r !== v) v.dispose();
  t.dispose();
  return r;
}

/**
 * NumPy's `unique` (flattened): the distinct values of `x`, sorted as by {@link sort}. All NaNs
 * count as one value (NumPy 2's `equal_nan=True`; for complex, every number with a NaN part),
 * and -0 equals +0 (the first in sorted order is kept). With `returnInverse`, `inverse` has x's
 * shape and `values[inverse]` rebuilds x; with `returnCounts`, `counts` holds how often each
 * value occurs. Both are i32 unless `indexDtype: "i64"`.
 *
 * @throws {NumrError} `InvalidArgument` for bad options.
 * @example
 * ```ts
 * import { tensor, unique } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const u = unique(tensor([[3, 1], [3, NaN]]), { returnInverse: true, returnCounts: true });
 * assert.deepEqual(u.values.toArray(), [1, 3, NaN]);
 * assert.deepEqual(u.inverse!.toArray(), [[1, 0], [1, 2]]);
 * assert.deepEqual(u.counts!.toArray(), [1, 2, 1]);
 * ```
 */
export function unique(x: Tensor, options: UniqueOptions = {}): UniqueResult {
  checkTensor(x, "unique");
  checkOptions(options, "unique", x);
  const wantInverse = flag(options.returnInverse, "returnInverse", false, "unique", x);
  const wantCounts = flag(options.returnCounts, "returnCounts", false, "unique", x);
  const indexDtype = indexDtypeOf(options.indexDtype, "unique", x);
  const n = x.size;
  checkIndexRange(n, indexDtype, "unique", x);
  if (options.axis !== undefined && options.axis !== null) {
    return uniqueAlongAxis(
      x,
      options.axis,
      wantInverse,
      wantCounts,
      indexDtype,
      (key, dtype) => argsort(key, { indexDtype: dtype }),
    );
  }
  const backend = getBackend(x.device);
  const flat = reshape(x, [n]);
  const sorted = emptyTensor([n], x.dtype, x.device);
  const perm = wantInverse ? emptyTensor([n], indexDtype, x.device) : null;
  if (n > 0) backend.sort("sort", flat, 0, sorted, perm, { descending: false, k: 0 });
  const values = emptyTensor([n], x.dtype, x.device);
  const counts = wantCounts ? emptyTensor([n], indexDtype, x.device) : null;
  const inverse = wantInverse ? emptyTensor([n], indexDtype, x.device) : null;
  const u = backend.uniqueRuns(sorted, perm, values, counts, inverse);
  sorted.dispose();
  perm?.dispose();
  if (flat !== x) flat.dispose();
  const result: UniqueResult = { values: prefix(values, u) };
  if (inverse !== null) {
    result.inverse = reshape(inverse, x.shape);
    if (result.inverse !== inverse) inverse.dispose();
  }
  if (counts !== null) result.counts = prefix(counts, u);
  return result;
}

/** Values as a tensor of the dtype they are compared in with `sorted`. */
function valuesTensor(sorted: Tensor, values: Tensor | Scalar): Tensor {
  if (values instanceof Tensor) return values;
  const dtype = resultTypeWithScalar(sorted.dtype, values, "searchsorted");
  return tensor(values, { dtype, device: sorted.device });
}

function checkSorter(sorter: unknown, sorted: Tensor): Tensor | null {
  if (sorter === undefined) return null;
  checkTensor(sorter, "searchsorted", "sorter");
  const kind = DTYPES[sorter.dtype].kind;
  if (kind !== "int" && kind !== "uint") {
    throw new NumrError("DTypeMismatch", `sorter must hold integers, got ${sorter.dtype}`, {
      op: "searchsorted",
      dtypes: [sorter.dtype],
    });
  }
  if (!shapesEqual(sorter.shape, sorted.shape)) {
    throw fail(
      "ShapeMismatch",
      `sorter of shape [${sorter.shape}] does not match sorted [${sorted.shape}]`,
      "searchsorted",
      sorted,
    );
  }
  return sorter.dtype === "i32" || sorter.dtype === "i64" ? sorter : castTo(sorter, "i64");
}

function checkSearchShapes(sorted: Tensor, values: Tensor): void {
  if (sorted.ndim === 0) {
    throw fail("InvalidArgument", "sorted must have at least one dimension", "searchsorted");
  }
  if (sorted.ndim === 1) return;
  const lead = sorted.shape.slice(0, -1);
  if (values.ndim !== sorted.ndim || !shapesEqual(values.shape.slice(0, -1), lead)) {
    throw new NumrError(
      "ShapeMismatch",
      `Leading dimensions of values [${values.shape}] must match sorted [${sorted.shape}]`,
      { op: "searchsorted", shapes: [sorted.shape, values.shape] },
    );
  }
}

/**
 * NumPy's `searchsorted`: for each value, the index in `sorted` (sorted ascending in the order
 * of {@link sort}, NaN last; not checked, as NumPy) where inserting it keeps the order: the
 * first such index with `side: "left"`, the last with `"right"`. `sorted` is 1-D, or N-D with
 * leading dimensions equal to those of `values` (PyTorch: one search per row). With `sorter`,
 * `sorted` is unsorted and `sorted[sorter]` is sorted. Values and `sorted` are compared in
 * their promoted dtype. The result has values' shape, i32 unless `indexDtype: "i64"`.
 *
 * @throws {NumrError} `InvalidArgument` for a 0-d `sorted` or bad options; `ShapeMismatch` when
 * shapes do not match; `DTypeMismatch` for a non-integer sorter; `IndexOutOfBounds` for a sorter
 * index outside [0, length).
 * @example
 * ```ts
 * import { searchsorted, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const s = tensor([1, 2, 2, 3]);
 * assert.deepEqual(searchsorted(s, tensor([2, 0, 5])).toArray(), [1, 0, 4]);
 * assert.equal(searchsorted(s, 2, { side: "right" }).item(), 3);
 * ```
 */
export function searchsorted(
  sorted: Tensor,
  values: Tensor | Scalar,
  options: SearchsortedOptions = {},
): Tensor {
  checkTensor(sorted, "searchsorted", "sorted tensor");
  checkOptions(options, "searchsorted", sorted);
  const side = options.side ?? "left";
  if (side !== "left" && side !== "right") {
    throw fail("InvalidArgument", `side must be "left" or "right"`, "searchsorted", sorted);
  }
  const indexDtype = indexDtypeOf(options.indexDtype, "searchsorted", sorted);
  const v = valuesTensor(sorted, values);
  checkTensor(v, "searchsorted", "values");
  checkSearchShapes(sorted, v);
  const m = sorted.shape[sorted.ndim - 1];
  checkIndexRange(m, indexDtype, "searchsorted", sorted);
  const sorter = checkSorter(options.sorter, sorted);
  // WebGPU cannot read the range synchronously: its kernel checks every sorter index instead
  // (IndexOutOfBounds at the next read).
  if (sorter !== null && sorter.size > 0 && sorter.device !== "webgpu") {
    checkSorterRange(sorter, m);
  }
  const common = promoteTypes(sorted.dtype, v.dtype);
  const s = sorted.dtype === common ? sorted : castTo(sorted, common);
  const w = v.dtype === common ? v : castTo(v, common);
  const y = emptyTensor(v.shape, indexDtype, sorted.device);
  getBackend(sorted.device).searchsorted(s, w, sorter, y, side === "right");
  if (s !== sorted) s.dispose();
  if (w !== v) w.dispose();
  if (v !== values) v.dispose();
  if (sorter !== null && sorter !== options.sorter) sorter.dispose();
  return y;
}

/** NumPy raises for any sorter index outside [0, m); checked with two reductions. */
function checkSorterRange(sorter: Tensor, m: number): void {
  const lo = Number(sorter.min().item());
  const hi = Number(sorter.max().item());
  if (lo < 0 || hi >= m) {
    throw new NumrError("IndexOutOfBounds", `sorter index out of range [0, ${m})`, {
      op: "searchsorted",
      shapes: [sorter.shape],
      dtypes: [sorter.dtype],
    });
  }
}
