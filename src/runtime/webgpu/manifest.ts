// The WebGPU kernel table, derived from the WGSL op tables and the dtype rows without a device,
// so the coverage table gains its WebGPU column on machines with no adapter.

import type { DType } from "../../dtype/dtypes.ts";
import type { KernelTable } from "../backend.ts";
import {
  BINARY_WGSL,
  classOf,
  COMPARE_WGSL,
  type ComputeClass,
  TERNARY_WGSL,
  UNARY_WGSL,
} from "./wgsl/ops.ts";
import { WGSL_TYPES, type WgslType } from "./wgsl/types.ts";
import { MATMUL_DTYPES } from "./matmul.ts";
import { REDUCE_SUPPORT } from "./reduce.ts";
import { SCAN_SUPPORT } from "./scan.ts";
import { INDEX_DTYPES } from "./gather.ts";
import { SORT_DTYPES } from "./sort.ts";

let table: KernelTable | undefined;

function rows(): WgslType[] {
  return Object.values(WGSL_TYPES) as WgslType[];
}

function addFamily(
  out: KernelTable,
  family: string,
  ops: Record<string, Partial<Record<ComputeClass, unknown>>>,
): void {
  for (const [op, classes] of Object.entries(ops)) {
    const set = new Set<DType>();
    for (const r of rows()) if (classes[classOf(r)] !== undefined) set.add(r.dtype);
    out.set(`${family}:${op}`, set);
  }
}

/** The kernels the WebGPU backend has, keyed `"family:op"` (no adapter needed). */
export function webgpuKernelTable(): KernelTable {
  if (table !== undefined) return table;
  const t: KernelTable = new Map();
  addFamily(t, "unary", UNARY_WGSL);
  addFamily(t, "binary", BINARY_WGSL);
  addFamily(t, "compare", COMPARE_WGSL);
  addFamily(t, "ternary", TERNARY_WGSL);
  const all = rows().map((r) => r.dtype);
  t.set("fill:fill", new Set(all));
  for (const d of all) t.set(`cast:${d}`, new Set(all));
  // complex and polar are keyed by their parts' dtype (f32 parts give c64), as on the CPU.
  t.set("binary:complex", new Set<DType>(["f32"]));
  t.set("binary:polar", new Set<DType>(["f32"]));
  for (const [op, dtypes] of Object.entries(REDUCE_SUPPORT)) t.set(`reduce:${op}`, new Set(dtypes));
  t.set("matmul:matmul", new Set(MATMUL_DTYPES));
  for (const [op, dtypes] of Object.entries(SCAN_SUPPORT)) t.set(`scan:${op}`, new Set(dtypes));
  // Gather kernels are keyed by index dtype (op) and value dtype, as on the CPU.
  for (const i of INDEX_DTYPES) t.set(`gather:${i}`, new Set(all));
  for (const i of INDEX_DTYPES) t.set(`scatter:${i}`, new Set(all));
  t.set("sort:sort", new Set(SORT_DTYPES));
  t.set("sort:topk", new Set(SORT_DTYPES));
  t.set("search:searchsorted", new Set(SORT_DTYPES));
  table = t;
  return t;
}
