// The CPU kernel table. The library lists its own kernels (`numr_manifest`); this module opens
// exactly those symbols, with the signature of their family, and hands out callable kernels.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { KernelTable } from "../backend.ts";
import { openSymbols } from "./library.ts";

/** A kernel as JS calls it: pointers and f64 numbers in, a status out (0 = ok). */
export type KernelFn = (...args: (Deno.PointerValue | number)[]) => number;

const P = "pointer" as const;
const F = "f64" as const;

/**
 * Signature of each kernel family. Every pointer is a storage base; every f64 after a pointer is
 * that operand's element offset; the last pointer is the layout descriptor (see layout.ts).
 */
export const FAMILY_SIGNATURES: Record<string, Deno.ForeignFunction> = {
  // (x, x_off, y, y_off, meta)
  unary: { parameters: [P, F, P, F, P], result: "i32" },
  // (a, a_off, b, b_off, y, y_off, meta)
  binary: { parameters: [P, F, P, F, P, F, P], result: "i32" },
  // (a, a_off, b, b_off, y, y_off, meta): compare ops write bool
  compare: { parameters: [P, F, P, F, P, F, P], result: "i32" },
  // (a, a_off, b, b_off, c, c_off, y, y_off, meta)
  ternary: { parameters: [P, F, P, F, P, F, P, F, P], result: "i32" },
  // (x, x_off, y, y_off, meta): op = source dtype, dtype = target dtype
  cast: { parameters: [P, F, P, F, P], result: "i32" },
  // (y, y_off, value_ptr, meta): value_ptr points at one element of y's dtype
  fill: { parameters: [P, F, P, P], result: "i32" },
  // (x, x_off, y, y_off, meta): meta describes kept and reduced dims, see reduce.zig
  reduce: { parameters: [P, F, P, F, P], result: "i32" },
  // (y, y_off, idx, idx_off, x, x_off, meta): op = index dtype (i32/i64), see index.zig
  gather: { parameters: [P, F, P, F, P, F, P], result: "i32" },
  // (src, src_off, idx, idx_off, y, y_off, meta): op = index dtype, writes y in place
  scatter: { parameters: [P, F, P, F, P, F, P], result: "i32" },
  // (x, x_off, y, y_off, meta): op = index dtype of y; counts or writes non-zero positions
  nonzero: { parameters: [P, F, P, F, P], result: "i32" },
  // (x, x_off, y, y_off, meta): meta describes the kept dims and the scanned axis, see scan.zig
  scan: { parameters: [P, F, P, F, P], result: "i32" },
  // (x, x_off, values, values_off, indices, indices_off, scratch, scratch_bytes, meta):
  // see sort.zig; values or indices may be null
  sort: { parameters: [P, F, P, F, P, F, P, F, P], result: "i32" },
  // (sorted, sorted_off, values, values_off, sorter, sorter_off, y, y_off, meta)
  search: { parameters: [P, F, P, F, P, F, P, F, P], result: "i32" },
  // (sorted_x, perm, values, counts, inverse, meta): run count comes back in meta[0]
  unique: { parameters: [P, P, P, P, P, P], result: "i32" },
  // (a, a_off, b, b_off, bias, bias_off, c, c_off, meta): see native/cpu/matmul.zig
  matmul: { parameters: [P, F, P, F, P, F, P, F, P], result: "i32" },
};

interface Entry {
  family: string;
  op: string;
  dtype: DType;
}

let opened: {
  table: KernelTable;
  fns: Map<string, KernelFn>;
  setThreads: (n: number) => void;
  getThreads: () => number;
} | undefined;

function readManifest(): Entry[] {
  const lib = openSymbols({ numr_manifest: { parameters: [], result: "pointer" } });
  const p = lib.numr_manifest();
  const text = p === null ? "" : Deno.UnsafePointerView.getCString(p);
  const entries: Entry[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [family, op, dtype] = line.split(" ");
    entries.push({ family, op, dtype: dtype as DType });
  }
  return entries;
}

function open(): NonNullable<typeof opened> {
  if (opened !== undefined) return opened;
  const entries = readManifest();
  const symbols: Record<string, Deno.ForeignFunction> = {
    numr_set_threads: { parameters: ["i32"], result: "void" },
    numr_get_threads: { parameters: [], result: "i32" },
  };
  const table: KernelTable = new Map();
  for (const e of entries) {
    const sig = FAMILY_SIGNATURES[e.family];
    if (sig === undefined) continue;
    symbols[symbolName(e.family, e.op, e.dtype)] = sig;
    const key = `${e.family}:${e.op}`;
    let set = table.get(key);
    if (set === undefined) table.set(key, set = new Set());
    set.add(e.dtype);
  }
  const lib = openSymbols(symbols) as unknown as Record<string, KernelFn>;
  const fns = new Map<string, KernelFn>();
  for (const e of entries) {
    const name = symbolName(e.family, e.op, e.dtype);
    if (lib[name] !== undefined) fns.set(name, lib[name]);
  }
  const setThreads = lib.numr_set_threads as unknown as (n: number) => void;
  const getThreads = lib.numr_get_threads as unknown as () => number;
  const threads = Number(safeEnv("NUMR_NUM_THREADS") ?? "0");
  if (Number.isInteger(threads) && threads > 0) setThreads(threads);
  opened = { table, fns, setThreads, getThreads };
  return opened;
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function symbolName(family: string, op: string, dtype: string): string {
  return `numr_${family}_${op}_${dtype}`;
}

/** The kernel table of the CPU library (`"family:op"` → dtypes). */
export function cpuKernelTable(): KernelTable {
  return open().table;
}

/** True when the library has the kernel. */
export function hasKernel(family: string, op: string, dtype: DType): boolean {
  return open().fns.has(symbolName(family, op, dtype));
}

/**
 * The kernel for (family, op, dtype).
 *
 * @throws {NumrError} `UnsupportedDType` when the library has no such kernel (for the cast
 * family, `op` is the source dtype: "no cast kernel from f32 to i8").
 */
export function kernel(family: string, op: string, dtype: DType): KernelFn {
  const fn = open().fns.get(symbolName(family, op, dtype));
  if (fn === undefined) {
    // Cast kernels are named by their source dtype (op) and target dtype.
    const [name, message, dtypes] = family === "cast"
      ? ["cast", `The CPU backend has no cast kernel from ${op} to ${dtype}`, [op, dtype]]
      : [op, `The CPU backend has no ${op} kernel for ${dtype}`, [dtype]];
    throw new NumrError("UnsupportedDType", message, { op: name, dtypes, device: "cpu" });
  }
  return fn;
}

/**
 * Sets how many threads CPU kernels use (0: one per CPU). Results do not depend on it.
 *
 * @example
 * ```ts
 * import { getCpuThreads, setCpuThreads } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * const before = getCpuThreads();
 * setCpuThreads(1);
 * assert.equal(getCpuThreads(), 1);
 * setCpuThreads(before);
 * ```
 */
export function setCpuThreads(count: number): void {
  open().setThreads(count);
}

/**
 * How many threads CPU kernels use (set by {@link setCpuThreads} or env `NUMR_NUM_THREADS`).
 *
 * @example
 * ```ts
 * import { getCpuThreads } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.ok(getCpuThreads() >= 1);
 * ```
 */
export function getCpuThreads(): number {
  return open().getThreads();
}
