// The CPU backend: JS ArrayBuffer storage and the Zig kernels. Every primitive is one FFI call,
// made only after its inputs are checked to be live (a disposed tensor never reaches a kernel).

import type { DType } from "../../dtype/dtypes.ts";
import { storageView, writeElement } from "../../dtype/values.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import {
  type Backend,
  type BadIndex,
  type IndexWalk,
  registerBackend,
  type ScatterMode,
  type SortOp,
  type SortParams,
} from "../backend.ts";
import { CpuStorage, type Storage } from "../storage.ts";
import { cpuKernelTable, kernel } from "./kernels.ts";
import { check, layoutOf, metaPointer, ptr } from "./layout.ts";
import { lazySymbols } from "./library.ts";
import { runReduce } from "./reduce.ts";
import { runCheckIndices, runCountNonzero, runGather, runNonzero, runScatter } from "./index.ts";
import { runScan } from "./scan.ts";
import { runSearchsorted, runSort, runUnique } from "./sort.ts";
import { runMatmul } from "./matmul.ts";
import type { MatmulKernelOptions } from "../backend.ts";

/** Ops of the binary signature whose output is bool: comparisons and logical ops. */
const BOOL_OUTPUT_OPS = new Set([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
]);

/** Buffers from this size on get huge-page advice (NumPy's threshold). */
const HUGEPAGE_MIN_BYTES = 4 * 1024 * 1024;
const hugepage = lazySymbols({
  numr_advise_hugepage: { parameters: ["pointer", "f64"], result: "i32" },
});

// One element of scratch for fill values (16 bytes holds a c128).
const valueBuffer = new ArrayBuffer(16);
let valuePointer: Deno.PointerValue | undefined;

function cpuStorage(s: Storage): CpuStorage {
  return s as CpuStorage;
}

class CpuBackend implements Backend {
  readonly name = "cpu" as const;

  get kernels(): ReturnType<typeof cpuKernelTable> {
    return cpuKernelTable();
  }

  alloc(byteLength: number): Storage {
    const s = CpuStorage.alloc(byteLength);
    // As NumPy does: large buffers fault in as 2 MiB pages (see native/cpu/memory.zig).
    if (byteLength >= HUGEPAGE_MIN_BYTES) hugepage().numr_advise_hugepage(s.pointer, byteLength);
    return s;
  }

  fromBytes(bytes: Uint8Array): Storage {
    const s = this.alloc(bytes.byteLength) as CpuStorage;
    new Uint8Array(s.buffer).set(bytes);
    return s;
  }

  readSync(storage: Storage, byteOffset: number, byteLength: number): Uint8Array {
    const buffer = cpuStorage(storage).buffer;
    return new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }

  read(storage: Storage, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(storage, byteOffset, byteLength));
  }

  unary(op: string, x: Tensor, y: Tensor): void {
    x.assertLive(op);
    const k = kernel("unary", op, x.dtype);
    const status = k(ptr(x), x.offset, ptr(y), y.offset, layoutOf(y.shape, [x, y], op));
    check(status, op, [x, y]);
  }

  binary(op: string, a: Tensor, b: Tensor, y: Tensor): void {
    a.assertLive(op);
    b.assertLive(op);
    const family = BOOL_OUTPUT_OPS.has(op) ? "compare" : "binary";
    const k = kernel(family, op, a.dtype);
    const m = layoutOf(y.shape, [a, b, y], op);
    const status = k(ptr(a), a.offset, ptr(b), b.offset, ptr(y), y.offset, m);
    check(status, op, [a, b, y]);
  }

  ternary(op: string, a: Tensor, b: Tensor, c: Tensor, y: Tensor): void {
    a.assertLive(op);
    b.assertLive(op);
    c.assertLive(op);
    const k = kernel("ternary", op, y.dtype);
    const m = layoutOf(y.shape, [a, b, c, y], op);
    const status = k(ptr(a), a.offset, ptr(b), b.offset, ptr(c), c.offset, ptr(y), y.offset, m);
    check(status, op, [a, b, c, y]);
  }

  cast(x: Tensor, y: Tensor): void {
    x.assertLive("cast");
    const k = kernel("cast", x.dtype, y.dtype);
    const status = k(ptr(x), x.offset, ptr(y), y.offset, layoutOf(y.shape, [x, y], "cast"));
    check(status, "cast", [x, y]);
  }

  fill(y: Tensor, value: number | bigint | { re: number; im: number }): void {
    y.assertLive("fill");
    writeElement(y.dtype, storageView(y.dtype, valueBuffer, 0, 1), 0, value);
    valuePointer ??= Deno.UnsafePointer.of(valueBuffer);
    const k = kernel("fill", "fill", y.dtype);
    const status = k(ptr(y), y.offset, valuePointer, layoutOf(y.shape, [y], "fill"));
    check(status, "fill", [y]);
  }

  reduce(op: string, x: Tensor, axes: readonly number[], y: Tensor, accumulate: DType): void {
    x.assertLive(op);
    runReduce(op, x, axes, y, accumulate);
  }

  gather(y: Tensor, x: Tensor, walk: IndexWalk, op: string): BadIndex | null {
    x.assertLive(op);
    walk.index.assertLive(op);
    return runGather(y, x, walk, op);
  }

  scatter(
    src: Tensor,
    y: Tensor,
    walk: IndexWalk,
    mode: ScatterMode,
    includeSelf: boolean,
    op: string,
  ): BadIndex | null {
    src.assertLive(op);
    y.assertLive(op);
    walk.index.assertLive(op);
    return runScatter(src, y, walk, mode, includeSelf, op);
  }

  checkIndices(walk: IndexWalk, op: string): BadIndex | null {
    walk.index.assertLive(op);
    return runCheckIndices(walk, op);
  }

  countNonzero(x: Tensor): number {
    x.assertLive("nonzero");
    return runCountNonzero(x);
  }

  nonzero(x: Tensor, y: Tensor): void {
    x.assertLive("nonzero");
    runNonzero(x, y);
  }

  scan(op: string, x: Tensor, axis: number, y: Tensor): void {
    x.assertLive(op);
    runScan(op, x, axis, y);
  }

  sort(
    op: SortOp,
    x: Tensor,
    axis: number,
    values: Tensor | null,
    indices: Tensor | null,
    params: SortParams,
  ): void {
    x.assertLive(op);
    runSort(op, x, axis, values, indices, params);
  }

  searchsorted(
    sorted: Tensor,
    values: Tensor,
    sorter: Tensor | null,
    y: Tensor,
    right: boolean,
  ): void {
    sorted.assertLive("searchsorted");
    values.assertLive("searchsorted");
    sorter?.assertLive("searchsorted");
    runSearchsorted(sorted, values, sorter, y, right);
  }

  uniqueRuns(
    x: Tensor,
    perm: Tensor | null,
    values: Tensor,
    counts: Tensor | null,
    inverse: Tensor | null,
  ): number {
    x.assertLive("unique");
    return runUnique(x, perm, values, counts, inverse);
  }

  matmul(a: Tensor, b: Tensor, y: Tensor, options: MatmulKernelOptions): void {
    runMatmul(a, b, y, options);
  }
}

registerBackend("cpu", () => new CpuBackend());

/** Pointer to the layout scratch (re-exported for families with their own descriptor format). */
export { metaPointer };
