// NumrError: the one error class of numr, with a machine-readable code and the op's context.

/** The codes a {@link NumrError} can carry (DESIGN.md §7). */
export type ErrorCode =
  | "ShapeMismatch"
  | "BroadcastError"
  | "DTypeMismatch"
  | "UnsupportedDType"
  | "InvalidArgument"
  | "InvalidDimension"
  | "IndexOutOfBounds"
  | "DeviceMismatch"
  | "OutOfMemory"
  | "BackendUnavailable"
  | "SingularMatrix"
  | "NotConverged"
  | "NotDifferentiable"
  | "Disposed";

/** Context that names where an error happened. Every field is optional. */
export interface ErrorContext {
  /** The op that failed, e.g. `"add"`. */
  op?: string;
  /** Shapes of the inputs involved. */
  shapes?: readonly (readonly number[])[];
  /** Dtypes of the inputs involved. */
  dtypes?: readonly string[];
  /** Device the op ran on. */
  device?: string;
}

/**
 * The error thrown by every numr op on bad input, with a `code` to branch on and the op, shapes,
 * dtypes and device as fields.
 *
 * @example Catching a broadcast error
 * ```ts
 * import { NumrError } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const e = new NumrError("BroadcastError", "Cannot broadcast [2, 3] with [4]", { op: "add" });
 * assert.equal(e.code, "BroadcastError");
 * assert.match(e.message, /in add/);
 * ```
 */
export class NumrError extends Error {
  /** Machine-readable error code. */
  readonly code: ErrorCode;
  /** The op that failed, if known. */
  readonly op: string | undefined;
  /** Input shapes, if known. */
  readonly shapes: readonly (readonly number[])[] | undefined;
  /** Input dtypes, if known. */
  readonly dtypes: readonly string[] | undefined;
  /** Device, if known. */
  readonly device: string | undefined;

  /**
   * Makes an error; the message gets the op (unless it names it already), shapes, dtypes and
   * device appended.
   */
  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(formatMessage(message, context));
    this.name = "NumrError";
    this.code = code;
    this.op = context.op;
    this.shapes = context.shapes;
    this.dtypes = context.dtypes;
    this.device = context.device;
  }
}

function formatMessage(message: string, context: ErrorContext): string {
  const parts: string[] = [];
  if (context.shapes !== undefined) {
    parts.push(`shapes ${context.shapes.map((s) => `[${s.join(", ")}]`).join(", ")}`);
  }
  if (context.dtypes !== undefined) parts.push(`dtypes ${context.dtypes.join(", ")}`);
  if (context.device !== undefined) parts.push(`device ${context.device}`);
  // "… in add", unless the message already names the op ("neg does not support bool").
  const named = context.op === undefined || message.split(/[^\w$]+/).includes(context.op);
  const where = named ? "" : ` in ${context.op}`;
  const details = parts.length === 0 ? "" : ` (${parts.join("; ")})`;
  return `${message}${where}${details}`;
}
