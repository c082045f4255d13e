// Complex numbers and their parts: real, imag (views, as NumPy), conj, angle, and building complex
// tensors from parts (complex, polar).

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, full } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkOperands, type Operand, prepare, resultDType } from "./_elementwise.ts";
import { atan2, mul } from "./binary.ts";
import { castTo } from "./cast.ts";
import { defineOp } from "./registry.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";
import { zerosLike } from "../tensor/create.ts";
import { floatFor } from "./unary.ts";

const isComplex = (d: DType): boolean => DTYPES[d].kind === "complex";
const REALS = DTYPE_NAMES.filter((d) => !isComplex(d));

/** The component dtype of a complex dtype. */
function partOf(d: DType): "f32" | "f64" {
  return d === "c64" ? "f32" : "f64";
}

const REAL = defineOp({
  // Real inputs only (complex operands have no gradient rules yet: backward refuses them).
  saves: "none",
  vjp: (_c: GradContext, g: Tensor) => [g],
  jvp: (_c: GradContext, [t]: readonly (Tensor | null)[]) => t!,
  name: "real",
  family: "view",
  summary: "real part (a view for complex; the input itself for real dtypes)",
  dtypes: DTYPE_NAMES,
  kernelsFor: () => [],
});

const IMAG = defineOp({
  // On real inputs the result is constant (zeros, or 0/π): a zero derivative.
  saves: "none",
  vjp: (_c: GradContext, g: Tensor) => [zerosLike(g)],
  jvp: (c: GradContext) => zerosLike(c.output),
  name: "imag",
  family: "view",
  summary: "imaginary part (a view for complex; zeros for real dtypes)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => (isComplex(d) ? [] : [["fill", "fill", d]]),
});

const CONJ = defineOp({
  // Real inputs only (complex operands have no gradient rules yet: backward refuses them).
  saves: "none",
  vjp: (_c: GradContext, g: Tensor) => [g],
  jvp: (_c: GradContext, [t]: readonly (Tensor | null)[]) => t!,
  name: "conj",
  family: "unary",
  summary: "complex conjugate (a copy for real dtypes)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (
    d,
  ) => (isComplex(d) ? [["unary", "conj", d]] : [["cast", d, d === "bool" ? "i8" : d]]),
});

const ANGLE = defineOp({
  // On real inputs the result is constant (zeros, or 0/π): a zero derivative.
  saves: "none",
  vjp: (_c: GradContext, g: Tensor) => [zerosLike(g)],
  jvp: (c: GradContext) => zerosLike(c.output),
  name: "angle",
  family: "unary",
  summary: "argument atan2(im, re) (real: 0 or π)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => {
    if (isComplex(d)) return [["unary", "angle", d]];
    const f = floatFor(d);
    const list: [string, string, DType][] = [["binary", "atan2", f], ["binary", "mul", f]];
    if (f !== d) list.push(["cast", d, f]);
    return list;
  },
});

/** The component dtype `complex` and `polar` build from: f64 and ints → f64, other floats f32. */
function partsFor(d: DType): "f32" | "f64" | undefined {
  const k = DTYPES[d].kind;
  if (k === "complex") return undefined;
  return d === "f64" || k !== "float" ? "f64" : "f32";
}

const PARTS: Record<string, GradDef> = {};
for (const name of ["complex", "polar"]) {
  // No rules: the result is complex, which backward refuses by name.
  PARTS[name] = defineOp({
    name,
    family: "binary",
    summary: name === "complex" ? "re + i·im from two real tensors" : "r·(cos θ + i·sin θ)",
    dtypes: REALS,
    kernelsFor: (d) => {
      const f = partsFor(d)!;
      const list: [string, string, DType][] = [["binary", name, f]];
      if (f !== d) list.push(["cast", d, f]);
      return list;
    },
  });
}

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} takes a Tensor, got ${typeof x}`, { op });
  }
  x.assertLive(op);
}

/** A view of one component of a complex tensor (0: real, 1: imaginary). */
/** The real (0) or imaginary (1) components of a complex tensor, as a zero-copy view. */
export function componentView(x: Tensor, part: 0 | 1): Tensor {
  const strides = x.strides.map((s) => 2 * s);
  return new Tensor(x.storage.retain(), partOf(x.dtype), x.shape, strides, 2 * x.offset + part);
}

/**
 * The real part (`np.real`): for c64/c128 a zero-copy view of the real components, as f32/f64;
 * for real dtypes a view of the input itself.
 *
 * @throws {NumrError} `InvalidArgument` when `x` is not a tensor, `Disposed`.
 * @example
 * ```ts
 * import { real, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = tensor([{ re: 1, im: 2 }, { re: 3, im: -4 }], { dtype: "c64" });
 * assert.deepEqual(real(z).toArray(), [1, 3]);
 * assert.equal(real(z).dtype, "f32");
 * ```
 */
export function real(x: Tensor): Tensor {
  if (tracking(x)) return withGrad(REAL, [x], null, () => real(x));
  checkInput(x, "real");
  if (!isComplex(x.dtype)) return x.view(x.shape, x.strides, x.offset);
  return componentView(x, 0);
}

/**
 * The imaginary part (`np.imag`): for c64/c128 a zero-copy view of the imaginary components, as
 * f32/f64; for real dtypes zeros of the input's dtype and shape.
 *
 * @throws {NumrError} `InvalidArgument` when `x` is not a tensor, `Disposed`.
 * @example
 * ```ts
 * import { imag, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = tensor([{ re: 1, im: 2 }, { re: 3, im: -4 }], { dtype: "c128" });
 * assert.deepEqual(imag(z).toArray(), [2, -4]);
 * assert.deepEqual(imag(tensor([1, 2])).toArray(), [0, 0]);
 * ```
 */
export function imag(x: Tensor): Tensor {
  if (tracking(x)) return withGrad(IMAG, [x], null, () => imag(x));
  checkInput(x, "imag");
  if (!isComplex(x.dtype)) return full(x.shape, 0, { dtype: x.dtype, device: x.device });
  return componentView(x, 1);
}

/**
 * The complex conjugate (`np.conj`): the imaginary part negated (−0 for +0). Real dtypes give a
 * copy (bool gives i8, as NumPy).
 *
 * @throws {NumrError} `InvalidArgument` when `x` is not a tensor, `Disposed`.
 * @example
 * ```ts
 * import { conj, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = tensor([{ re: 1, im: 2 }], { dtype: "c64" });
 * assert.deepEqual(conj(z).toArray(), [{ re: 1, im: -2 }]);
 * ```
 */
export function conj(x: Tensor): Tensor {
  if (tracking(x)) return withGrad(CONJ, [x], null, () => conj(x));
  checkInput(x, "conj");
  // NumPy's conjugate has no bool loop: bool computes as i8.
  const y = emptyTensor(x.shape, x.dtype === "bool" ? "i8" : x.dtype, x.device);
  if (y.size === 0) return y;
  const backend = getBackend(x.device);
  if (isComplex(x.dtype)) backend.unary("conj", x, y);
  else backend.cast(x, y);
  return y;
}

/** Options of {@link angle}. */
export interface AngleOptions {
  /** Return degrees instead of radians (NumPy's `deg=True`). */
  deg?: boolean;
}

/**
 * The argument of complex numbers (`np.angle`): `atan2(im, re)` in `[-π, π]`, as f32 for c64
 * and f64 for c128. Real inputs give `atan2(0, x)`: 0 for x > 0 and +0, π for x < 0 and −0, NaN
 * for NaN, in the float NumPy picks for ints (8-bit and bool → f16, 16-bit → f32, wider → f64).
 *
 * @throws {NumrError} `InvalidArgument` for a bad option or a non-tensor, `Disposed`.
 * @example
 * ```ts
 * import { angle, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = tensor([{ re: 0, im: 1 }, { re: -1, im: 0 }], { dtype: "c128" });
 * assert.deepEqual(angle(z).toArray(), [Math.PI / 2, Math.PI]);
 * assert.deepEqual(angle(z, { deg: true }).toArray(), [90, 180]);
 * ```
 */
export function angle(x: Tensor, options: AngleOptions = {}): Tensor {
  if (tracking(x)) return withGrad(ANGLE, [x], null, () => angle(x, options));
  checkInput(x, "angle");
  if (typeof options !== "object" || options === null) {
    throw new NumrError("InvalidArgument", "Options of angle must be an object", { op: "angle" });
  }
  const deg = options.deg ?? false;
  if (typeof deg !== "boolean") {
    throw new NumrError("InvalidArgument", "deg must be a boolean", { op: "angle" });
  }
  let radians: Tensor;
  if (isComplex(x.dtype)) {
    radians = emptyTensor(x.shape, partOf(x.dtype), x.device);
    if (radians.size > 0) getBackend(x.device).unary("angle", x, radians);
  } else {
    radians = atan2(0, x);
  }
  if (!deg) return radians;
  // Half formats scale in f32 and round once: 180/π as an fp8 scalar would be 56.
  const narrow = DTYPES[radians.dtype].bytes < 4;
  const wide = narrow ? castTo(radians, "f32") : radians;
  const degrees = mul(wide, 180 / Math.PI);
  if (wide !== radians) wide.dispose();
  if (!narrow) {
    radians.dispose();
    return degrees;
  }
  const y = castTo(degrees, radians.dtype);
  degrees.dispose();
  radians.dispose();
  return y;
}

/** Runs a parts → complex kernel on broadcast operands. */
function fromParts(name: "complex" | "polar", a: Operand, b: Operand): Tensor {
  if (tracking(a) || tracking(b)) {
    return withGrad(PARTS[name], [a, b], null, () => fromParts(name, a, b));
  }
  checkOperands([a, b], name);
  const d = resultDType([a, b], name);
  const f = partsFor(d);
  if (f === undefined) {
    throw new NumrError("UnsupportedDType", `${name} takes real parts, got ${d}`, {
      op: name,
      dtypes: [d],
    });
  }
  const p = prepare([a, b], [f, f], name);
  try {
    const y = emptyTensor(p.shape, f === "f32" ? "c64" : "c128", p.device);
    if (y.size > 0) getBackend(p.device).binary(name, p.tensors[0], p.tensors[1], y);
    return y;
  } finally {
    p.release();
  }
}

/**
 * A complex tensor from real and imaginary parts, broadcast together (`torch.complex`; NumPy
 * writes `re + 1j * im`, which turns `inf` parts into NaN, this does not). The parts promote
 * together; f64 (and ints or bool) give c128, other floats (f32, f16, bf16, fp8) give c64.
 *
 * @throws {NumrError} `UnsupportedDType` for complex parts, `BroadcastError`, `DeviceMismatch`,
 * `InvalidArgument`, `Disposed`.
 * @example
 * ```ts
 * import { complex, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = complex(tensor([1, 2]), tensor([3]));
 * assert.equal(z.dtype, "c64");
 * assert.deepEqual(z.toArray(), [{ re: 1, im: 3 }, { re: 2, im: 3 }]);
 * ```
 */
export function complex(re: Operand, im: Operand): Tensor {
  return fromParts("complex", re, im);
}

/** Alias of {@link complex} (numr's `make_complex`). */
export const makeComplex: (re: Operand, im: Operand) => Tensor = complex;

/**
 * A complex tensor from magnitudes and angles (`torch.polar`): `abs·cos(angle) + i·abs·sin(angle)`,
 * with the dtypes of {@link complex}. c64 results are computed in f64 and rounded once.
 *
 * @throws {NumrError} as {@link complex}.
 * @example
 * ```ts
 * import { polar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const z = polar(tensor([2], { dtype: "f64" }), tensor([0], { dtype: "f64" }));
 * assert.deepEqual(z.toArray(), [{ re: 2, im: 0 }]);
 * ```
 */
export function polar(abs: Operand, angle: Operand): Tensor {
  return fromParts("polar", abs, angle);
}
