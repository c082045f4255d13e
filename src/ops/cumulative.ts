// Cumulative ops along one axis (cumsum, cumprod, cummax, cummin, logcumsumexp) and the
// logsumexp reduction. The scans are one backend primitive (`scan`); logsumexp is written once
// over max, exp, sum and log.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES, isDType } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, full } from "../tensor/create.ts";
import { normalizeAxes, normalizeAxis, shapeSize } from "../tensor/shape.ts";
import { type AxisOptions, Tensor } from "../tensor/tensor.ts";
import { reshape } from "../tensor/views.ts";
import { add, div, maximum, mul, sub } from "./binary.ts";
import { eq, logicalAnd, logicalOr } from "./compare.ts";
import { gather, scatterReduce } from "./indexing.ts";
import { arange, zeros } from "../tensor/create.ts";
import { broadcastTo, flip } from "../tensor/views.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";
import { castTo } from "./cast.ts";
import { max, sum, sumDType } from "./reduce.ts";
import { defineOp } from "./registry.ts";
import { where } from "./ternary.ts";
import { exp, floatFor, isfinite, isnan, log, memoryOrder, neg } from "./unary.ts";

/** Names of the scans. */
export type ScanName = "cumsum" | "cumprod" | "cummax" | "cummin" | "logcumsumexp";

/** Options of cummax, cummin and logcumsumexp. */
export interface ScanOptions {
  /**
   * The axis to scan along (negative counts from the end). When omitted, the tensor is flattened
   * first and the result is 1-D, as in NumPy.
   */
  axis?: number;
}

/** Options of cumsum and cumprod. */
export interface CumulativeOptions extends ScanOptions {
  /** Accumulate and return in this dtype (NumPy's `dtype=`). */
  dtype?: DType;
}

/** One row of the scan table. */
interface ScanSpec {
  /** Result dtype for an input dtype. */
  readonly out: (d: DType) => DType;
  /** The dtype the kernel runs on for an input dtype (undefined: not accepted). */
  readonly input: (d: DType) => DType | undefined;
  readonly summary: string;
}

const same = (d: DType): DType => d;
const realFloat = (d: DType): DType | undefined =>
  DTYPES[d].kind === "complex" ? undefined : floatFor(d);

/** The scans. */
export const SCAN_OPS: { readonly [K in ScanName]: ScanSpec } = {
  cumsum: { out: sumDType, input: same, summary: "running sum along an axis" },
  cumprod: { out: sumDType, input: same, summary: "running product along an axis" },
  cummax: { out: same, input: same, summary: "running maximum along an axis (NaN wins)" },
  cummin: { out: same, input: same, summary: "running minimum along an axis (NaN wins)" },
  logcumsumexp: {
    out: (d) => floatFor(d),
    input: realFloat,
    summary: "running log(sum(exp(x))) along an axis",
  },
};

type Tangents = readonly (Tensor | null)[];

/** What the rules of a scan know of its call: the axis, or undefined for a flattened scan. */
type ScanCtx = GradContext<number | undefined>;

/** The axis a scan ran along and x as the scan saw it (flattened without an axis). */
function scanView(c: ScanCtx, x: Tensor): [Tensor, number] {
  if (c.params === undefined || x.ndim === 0) return [reshape(x, [-1]), 0];
  return [x, c.params < 0 ? c.params + x.ndim : c.params];
}

/** A gradient computed on the scanned view, back in the input's shape. */
function unview(c: ScanCtx, g: Tensor): Tensor {
  return reshape(g, c.shapes[0]);
}

/** Running sums from the end: Σ_{j≥i} v_j along `axis`. */
function reverseCumsum(v: Tensor, axis: number): Tensor {
  return flip(cumsum(flip(v, axis), { axis }), axis);
}

/** log Σ_{j≥i} exp(v_j) along `axis`. */
function reverseLogcumsumexp(v: Tensor, axis: number): Tensor {
  return flip(logcumsumexp(flip(v, axis), { axis }), axis);
}

/**
 * Σ over a window of `w · exp(shift)` computed stably in log space, with w split into its
 * positive and negative parts (log of a negative is NaN): `exp(scan(log w± + shift) + after)`.
 */
function signedLogScan(
  w: Tensor,
  shift: Tensor,
  after: Tensor,
  scanFn: (v: Tensor) => Tensor,
): Tensor {
  const part = (p: Tensor) => exp(add(scanFn(add(log(p), shift)), after));
  return sub(part(maximum(w, 0)), part(maximum(neg(w), 0)));
}

/** For each position, the index along `axis` of the element its running max/min came from. */
function scanSources(x: Tensor, y: Tensor, axis: number): Tensor {
  const n = x.shape[axis];
  const ids = reshape(
    arange(n, { dtype: "i32", device: x.device }),
    x.shape.map((d, i) => (i === axis ? d : 1)),
  );
  // A position is a record where x equals the running value (NaN counts as equal to NaN); the
  // last record so far is where the running value came from (the last of ties, as torch).
  const record = logicalOr(eq(x, y), logicalAnd(isnan(x), isnan(y)));
  return cummax(where(record, ids, -1), { axis });
}

const SCAN_RULES: Record<ScanName, GradRules> = {
  cumsum: {
    saves: "none",
    vjp: (c: ScanCtx, g: Tensor) => {
      const [gv, axis] = scanView(c, g);
      return [unview(c, reverseCumsum(gv, axis))];
    },
    jvp: (c: ScanCtx, [t]: Tangents) => cumsum(t!, { axis: c.params }),
  },
  cumprod: {
    // Division by x: exact zeros in x give non-finite gradients (documented on cumprod).
    vjp: (c: ScanCtx, g: Tensor) => {
      const [x, axis] = scanView(c, c.inputs[0] as Tensor);
      const [gv] = scanView(c, g);
      const [y] = scanView(c, c.output);
      return [unview(c, div(reverseCumsum(mul(gv, y), axis), x))];
    },
    jvp: (c: ScanCtx, [t]: Tangents) => {
      const x = c.inputs[0] as Tensor;
      return mul(c.output, cumsum(div(t!, x), { axis: c.params }));
    },
  },
  cummax: {
    vjp: (c: ScanCtx, g: Tensor) => {
      const [x, axis] = scanView(c, c.inputs[0] as Tensor);
      const [y] = scanView(c, c.output);
      const [gv] = scanView(c, g);
      const src = scanSources(x, y, axis);
      const z = zeros(x.shape as number[], { dtype: g.dtype, device: g.device });
      return [unview(c, scatterReduce(z, axis, src, gv, "sum"))];
    },
    jvp: (c: ScanCtx, [t]: Tangents) => {
      const [x, axis] = scanView(c, c.inputs[0] as Tensor);
      const [tv] = scanView(c, t!);
      return gather(tv, axis, scanSources(x, c.output, axis));
    },
  },
  cummin: { traced: false },
  logcumsumexp: {
    vjp: (c: ScanCtx, g: Tensor) => {
      const [x, axis] = scanView(c, c.inputs[0] as Tensor);
      const [y] = scanView(c, c.output);
      const [gv] = scanView(c, g);
      // ∂/∂x_i = Σ_{j≥i} g_j exp(x_i − y_j)
      const r = signedLogScan(gv, neg(y), x, (v) => reverseLogcumsumexp(v, axis));
      return [unview(c, r)];
    },
    jvp: (c: ScanCtx, [t]: Tangents) => {
      const [x, axis] = scanView(c, c.inputs[0] as Tensor);
      const [tv] = scanView(c, t!);
      // ṫ_j = Σ_{i≤j} t_i exp(x_i − y_j)
      return signedLogScan(tv, x, neg(c.output), (v) => logcumsumexp(v, { axis }));
    },
  },
};
SCAN_RULES.cummin = SCAN_RULES.cummax;

const SCAN_DEFS = {} as Record<ScanName, GradDef>;
for (const [name, spec] of Object.entries(SCAN_OPS) as [ScanName, ScanSpec][]) {
  SCAN_DEFS[name] = defineOp({
    ...SCAN_RULES[name],
    name,
    family: "scan",
    summary: spec.summary,
    dtypes: DTYPE_NAMES.filter((d) => spec.input(d) !== undefined),
    kernelsFor: (d) => {
      const input = spec.input(d)!;
      const list: [string, string, DType][] = [["scan", name, input]];
      if (input !== d) list.push(["cast", d, input]);
      return list;
    },
  });
}

/** The dtype logsumexp computes in: floats keep theirs, ints and bool give f64 (as SciPy). */
function logsumexpDType(d: DType): DType | undefined {
  const k = DTYPES[d].kind;
  if (k === "complex") return undefined;
  return k === "float" ? d : "f64";
}

interface LseParams {
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/** The reduced output broadcast back over the reduced axes. */
function expandOver(y: Tensor, shape: readonly number[], p: LseParams): Tensor {
  const kept = p.keepdims ? y : reshape(y, shape.map((d, i) => (p.axes.includes(i) ? 1 : d)));
  return broadcastTo(kept, shape as number[]);
}

const LOGSUMEXP = defineOp({
  name: "logsumexp",
  family: "composite",
  // ∂y/∂x = exp(x − y) (the softmax over the reduced axes).
  vjp: (c: GradContext<LseParams>, g: Tensor) => {
    const x = c.inputs[0] as Tensor;
    const w = exp(sub(x, expandOver(c.output, x.shape, c.params)));
    return [mul(expandOver(g, x.shape, c.params), w)];
  },
  jvp: (c: GradContext<LseParams>, [t]: Tangents) => {
    const x = c.inputs[0] as Tensor;
    const w = exp(sub(x, expandOver(c.output, x.shape, c.params)));
    return sum(mul(t!, w), { axis: [...c.params.axes], keepdims: c.params.keepdims });
  },
  summary: "log(sum(exp(x))) over axes, shifted by the max",
  dtypes: DTYPE_NAMES.filter((d) => logsumexpDType(d) !== undefined),
  kernelsFor: (d) => {
    const f = logsumexpDType(d)!;
    const list: [string, string, DType][] = [
      ["reduce", "max", f],
      ["unary", "isfinite", f],
      ["ternary", "where", f],
      ["binary", "sub", f],
      ["unary", "exp", f],
      ["reduce", "sum", f],
      ["unary", "log", f],
      ["binary", "add", f],
    ];
    if (f !== d) list.push(["cast", d, f]);
    return list;
  },
});

function fail(
  code: "InvalidArgument" | "UnsupportedDType",
  message: string,
  op: string,
  x: Tensor,
): never {
  throw new NumrError(code, message, {
    op,
    shapes: [x.shape],
    dtypes: [x.dtype],
    device: x.device,
  });
}

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} takes a Tensor, got ${typeof x}`, { op });
  }
  x.assertLive(op);
}

function checkOptions(options: unknown, op: string, x: Tensor): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail("InvalidArgument", `Options of ${op} must be an object`, op, x);
  }
}

/** An uninitialised tensor of x's shape laid out in x's memory order (NumPy's `order="K"`). */
function emptyInOrderOf(x: Tensor, dtype: DType): Tensor {
  const order = memoryOrder(x);
  if (order === undefined) return emptyTensor(x.shape, dtype, x.device);
  const dense = emptyTensor(order.map((a) => x.shape[a]), dtype, x.device);
  const inverse: number[] = new Array(order.length);
  order.forEach((a, i) => inverse[a] = i);
  const y = dense.permute(inverse);
  dense.dispose();
  return y;
}

/** Runs the scan kernel of x's dtype along `axis` (x is never 0-d here). */
function runScan(name: ScanName, x: Tensor, axis: number): Tensor {
  const y = emptyInOrderOf(x, SCAN_OPS[name].out(x.dtype));
  if (y.size > 0) getBackend(x.device).scan(name, x, axis, y);
  return y;
}

/**
 * Applies a scan by name (the functions below are the public API): validates, flattens when no
 * axis is given, casts where the op's dtype rule asks, and runs the backend's scan.
 *
 * @throws {NumrError} `InvalidDimension` for a bad axis, `InvalidArgument` for bad options,
 * `UnsupportedDType` for a dtype the op does not take.
 */
export function scan(name: ScanName, x: Tensor, options: CumulativeOptions = {}): Tensor {
  if (tracking(x)) {
    const axis = typeof options?.axis === "number" ? options.axis : undefined;
    return withGrad(SCAN_DEFS[name], [x], axis, () => scan(name, x, options));
  }
  checkInput(x, name);
  checkOptions(options, name, x);
  const spec = SCAN_OPS[name];
  const axisOption: unknown = options.axis;
  if (axisOption !== undefined && typeof axisOption !== "number") {
    fail("InvalidArgument", `${name} takes one integer axis or none`, name, x);
  }
  const dtype = options.dtype;
  if (dtype !== undefined && name !== "cumsum" && name !== "cumprod") {
    fail("InvalidArgument", `${name} does not take a dtype option`, name, x);
  }
  if (dtype !== undefined && !isDType(dtype)) {
    fail("InvalidArgument", `Unknown dtype ${String(dtype)}`, name, x);
  }
  const input = spec.input(x.dtype);
  if (input === undefined) fail("UnsupportedDType", `${name} does not support ${x.dtype}`, name, x);
  // NumPy treats a 0-d input as 1-d for an axis of 0 or -1, and flattens without an axis.
  let axis: number;
  let source: Tensor;
  if (axisOption === undefined || x.ndim === 0) {
    if (x.ndim === 0 && axisOption !== undefined) normalizeAxis(axisOption as number, 1, name);
    source = reshape(x, [-1]);
    axis = 0;
  } else {
    axis = normalizeAxis(axisOption as number, x.ndim, name);
    source = x;
  }
  try {
    if (dtype === undefined || dtype === spec.out(x.dtype)) {
      if (input === source.dtype) return runScan(name, source, axis);
      const cast = castTo(source, input);
      try {
        return runScan(name, cast, axis);
      } finally {
        cast.dispose();
      }
    }
    // NumPy casts the elements to dtype and accumulates there. The kernel of dtype accumulates
    // at least as wide; ints wrap the same after the cast back, floats round once instead of at
    // every step.
    const cast = source.dtype === dtype ? source : castTo(source, dtype);
    try {
      const wide = runScan(name, cast, axis);
      if (wide.dtype === dtype) return wide;
      const r = castTo(wide, dtype);
      wide.dispose();
      return r;
    } finally {
      if (cast !== source) cast.dispose();
    }
  } finally {
    if (source !== x) source.dispose();
  }
}

/**
 * Running sum along an axis (`np.cumsum`): without an axis the tensor is flattened first. bool
 * and signed ints sum in i64, unsigned ints in u64 (wrapping, as NumPy); floats and complex keep
 * their dtype. Half formats accumulate in f32 and f32 in f64, rounding each output once, so a
 * long f32 scan stays accurate (NumPy's f32 cumsum adds in f32). The order of additions is fixed
 * by the data's length alone (blocks of 8192 elements), never by the thread count.
 *
 * @throws {NumrError} `InvalidDimension` for an out-of-range axis; `InvalidArgument` for a bad
 * option.
 * @example
 * ```ts
 * import { cumsum, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "i32" });
 * assert.deepEqual(cumsum(x).toArray(), [1n, 3n, 6n, 10n, 15n, 21n]); // flattened, i64
 * assert.deepEqual(cumsum(x, { axis: 0 }).toArray(), [[1n, 2n, 3n], [5n, 7n, 9n]]);
 * assert.deepEqual(cumsum(x, { axis: -1, dtype: "i32" }).toArray(), [[1, 3, 6], [4, 9, 15]]);
 * ```
 */
export function cumsum(x: Tensor, options: CumulativeOptions = {}): Tensor {
  return scan("cumsum", x, options);
}

/**
 * Running product along an axis (`np.cumprod`), with the dtypes and flattening of
 * {@link cumsum}.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link cumsum}.
 * @example
 * ```ts
 * import { cumprod, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cumprod(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray(), [[1, 2], [3, 12]]);
 * ```
 */
export function cumprod(x: Tensor, options: CumulativeOptions = {}): Tensor {
  return scan("cumprod", x, options);
}

/**
 * Running maximum along an axis (`np.maximum.accumulate`; without an axis the tensor is
 * flattened), in the input dtype. NaN propagates: from the first NaN on, every output is NaN.
 * Complex numbers compare lexicographically (real part, then imaginary part), as NumPy's
 * maximum. Only the values are returned.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link cumsum}.
 * @example
 * ```ts
 * import { cummax, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cummax(tensor([1, 3, 2, 5])).toArray(), [1, 3, 3, 5]);
 * assert.deepEqual(cummax(tensor([1, NaN, 5])).toArray(), [1, NaN, NaN]);
 * ```
 */
export function cummax(x: Tensor, options: ScanOptions = {}): Tensor {
  return scan("cummax", x, options);
}

/**
 * Running minimum along an axis (`np.minimum.accumulate`); see {@link cummax}.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link cumsum}.
 * @example
 * ```ts
 * import { cummin, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cummin(tensor([4, 2, 3, 1]), { axis: 0 }).toArray(), [4, 2, 2, 1]);
 * ```
 */
export function cummin(x: Tensor, options: ScanOptions = {}): Tensor {
  return scan("cummin", x, options);
}

/**
 * Running `log(sum(exp(x)))` along an axis (`np.logaddexp.accumulate`, `torch.logcumsumexp`),
 * without overflow: each step is `max + log1p(exp(-|a - b|))`. f32 computes in f64 and half
 * formats in f32; ints and bool give the float NumPy's ufuncs pick (8-bit and bool → f16, 16-bit
 * → f32, wider → f64). −∞ entries contribute nothing; +∞ and NaN propagate.
 *
 * @throws {NumrError} `UnsupportedDType` for complex; `InvalidDimension`, `InvalidArgument` as
 * {@link cumsum}.
 * @example
 * ```ts
 * import { logcumsumexp, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = logcumsumexp(tensor([0, 0, 1000], { dtype: "f64" })).toArray() as number[];
 * assert.ok(Math.abs(y[1] - Math.LN2) < 1e-15);
 * assert.equal(y[2], 1000);
 * ```
 */
export function logcumsumexp(x: Tensor, options: ScanOptions = {}): Tensor {
  return scan("logcumsumexp", x, options);
}

/**
 * `log(sum(exp(x)))` over the given axes (all by default), computed stably as
 * `m + log(sum(exp(x - m)))` with `m` the max (SciPy's `scipy.special.logsumexp`). A non-finite
 * max shifts by 0 instead, so all −∞ gives −∞, any +∞ gives +∞, and NaN gives NaN; zero elements
 * give −∞. Floats keep their dtype; ints and bool give f64 (as SciPy).
 *
 * @throws {NumrError} `UnsupportedDType` for complex; `InvalidDimension` for a bad or repeated
 * axis; `InvalidArgument` for bad options.
 * @example
 * ```ts
 * import { logsumexp, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1000, 1000], [0, -Infinity]], { dtype: "f64" });
 * const y = logsumexp(x, { axis: 1 }).toArray() as number[];
 * assert.ok(Math.abs(y[0] - (1000 + Math.LN2)) < 1e-12);
 * assert.equal(y[1], 0);
 * ```
 */
export function logsumexp(x: Tensor, options: AxisOptions = {}): Tensor {
  const op = "logsumexp";
  checkInput(x, op);
  checkOptions(options, op, x);
  const f = logsumexpDType(x.dtype);
  if (f === undefined) fail("UnsupportedDType", `${op} does not support ${x.dtype}`, op, x);
  const keepdims = options.keepdims ?? false;
  if (typeof keepdims !== "boolean") fail("InvalidArgument", "keepdims must be a boolean", op, x);
  const axis = options.axis;
  const axes = x.ndim === 0 && (axis === 0 || axis === -1)
    ? []
    : normalizeAxes(axis as number | readonly number[] | undefined, x.ndim, op);
  if (tracking(x)) {
    return withGrad(LOGSUMEXP, [x], { axes, keepdims }, () => logsumexp(x, options));
  }
  const reducedSize = shapeSize(axes.map((a) => x.shape[a]));
  if (reducedSize === 0) {
    const set = new Set(axes);
    const shape = x.shape.flatMap((s, d) => (set.has(d) ? (keepdims ? [1] : []) : [s]));
    return full(shape, -Infinity, { dtype: f, device: x.device });
  }
  const xf = f === x.dtype ? x : castTo(x, f);
  const temps: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    temps.push(t);
    return t;
  };
  try {
    const m = keep(max(xf, { axis: axes, keepdims: true }));
    const shift = keep(where(keep(isfinite(m)), m, 0));
    const e = keep(exp(keep(sub(xf, shift))));
    const s = keep(log(keep(sum(e, { axis: axes, keepdims }))));
    const shiftOut = keepdims ? shift : keep(reshape(shift, s.shape));
    return add(s, shiftOut);
  } finally {
    for (const t of temps) t.dispose();
    if (xf !== x) xf.dispose();
  }
}
