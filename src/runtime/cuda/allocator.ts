// The caching device allocator: freed blocks go to per-size-class free lists and are handed out
// again without a driver call (cuMemAlloc/cuMemFree synchronise and cost microseconds). All
// numr work on a device runs on one stream, so a block freed by the host can be reused by the
// next op at once: stream order puts that op after every earlier use of the block.
//
// Size classes: up to 1 MiB, multiples of 512 bytes; above, multiples of 2 MiB. On
// CUDA_ERROR_OUT_OF_MEMORY the cache is flushed, the garbage collector is asked to run (when the
// runtime exposes it) and the allocation retried once before OutOfMemory is thrown.
//
// Graph capture freezes the allocator: blocks allocated while a capture runs belong to the graph
// (its replays write them), so when they are freed they are parked until the graph is disposed
// instead of going back to the free lists.

import { NumrError } from "../../core/errors.ts";
import { check, CU, driver } from "./driver.ts";
import type { CudaContext } from "./context.ts";

const SMALL_MAX = 1 << 20;
const SMALL_STEP = 512;
const LARGE_STEP = 2 << 20;

/** The size class a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= SMALL_MAX) return Math.max(SMALL_STEP, Math.ceil(bytes / SMALL_STEP) * SMALL_STEP);
  return Math.ceil(bytes / LARGE_STEP) * LARGE_STEP;
}

/** Allocator counters (bytes unless noted). */
export interface AllocatorStats {
  /** Bytes in blocks held by live storages. */
  allocated: number;
  /** Bytes obtained from the driver and not yet returned (live + cached + parked). */
  reserved: number;
  /** Bytes in the free lists. */
  cached: number;
  /** Highest `allocated` seen. */
  peakAllocated: number;
  /** Allocation requests (count). */
  allocations: number;
  /** Requests served from the free lists (count). */
  cacheHits: number;
  /** cuMemAlloc calls (count). */
  driverAllocations: number;
  /** Times an out-of-memory made the allocator flush its cache and retry (count). */
  oomRetries: number;
}

/** A block owned by a graph capture (see the file comment). */
export interface GraphPool {
  /** Blocks allocated during the capture (address → class size). */
  readonly owned: Map<number, number>;
  /** Owned blocks whose storage was freed, waiting for the graph's disposal. */
  readonly parked: Map<number, number>;
}

/** One device's caching allocator. */
export class CachingAllocator {
  readonly #ctx: CudaContext;
  readonly #free = new Map<number, number[]>();
  #capture: GraphPool | null = null;
  readonly #owner = new Map<number, GraphPool>();
  readonly stats: AllocatorStats = {
    allocated: 0,
    reserved: 0,
    cached: 0,
    peakAllocated: 0,
    allocations: 0,
    cacheHits: 0,
    driverAllocations: 0,
    oomRetries: 0,
  };
  readonly #out = new BigUint64Array(1);

  constructor(ctx: CudaContext) {
    this.#ctx = ctx;
  }

  /**
   * A device address of at least `bytes` (0 for an empty request).
   *
   * @throws {NumrError} `OutOfMemory` when the device has no room even after the cache flush.
   */
  alloc(bytes: number): number {
    if (bytes === 0) return 0;
    const size = sizeClass(bytes);
    this.stats.allocations++;
    const list = this.#free.get(size);
    let ptr: number;
    if (list !== undefined && list.length > 0) {
      ptr = list.pop()!;
      this.stats.cached -= size;
      this.stats.cacheHits++;
    } else {
      ptr = this.#driverAlloc(size);
    }
    this.stats.allocated += size;
    if (this.stats.allocated > this.stats.peakAllocated) {
      this.stats.peakAllocated = this.stats.allocated;
    }
    if (this.#capture !== null) {
      this.#capture.owned.set(ptr, size);
      this.#owner.set(ptr, this.#capture);
    }
    return ptr;
  }

  /** Returns a block of `bytes` (as requested) at `ptr` to the cache. */
  free(ptr: number, bytes: number): void {
    if (ptr === 0) return;
    const size = sizeClass(bytes);
    this.stats.allocated -= size;
    const pool = this.#owner.get(ptr);
    if (pool !== undefined) {
      pool.parked.set(ptr, size);
      return;
    }
    this.#cache(ptr, size);
  }

  #cache(ptr: number, size: number): void {
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, list = []);
    list.push(ptr);
    this.stats.cached += size;
  }

  #driverAlloc(size: number): number {
    const d = driver();
    this.#ctx.makeCurrent();
    let status = d.cuMemAlloc_v2(this.#out, BigInt(size));
    if (status === CU.OUT_OF_MEMORY) {
      this.stats.oomRetries++;
      this.emptyCache();
      const gc = (globalThis as { gc?: () => void }).gc;
      if (typeof gc === "function") gc();
      status = d.cuMemAlloc_v2(this.#out, BigInt(size));
    }
    if (status === CU.OUT_OF_MEMORY) {
      const { free, total } = this.#ctx.memoryInfo();
      throw new NumrError(
        "OutOfMemory",
        `Cannot allocate ${size} bytes on ${this.#ctx.device}: ${free} of ${total} bytes free ` +
          `(${this.stats.allocated} bytes held by live tensors)`,
        { device: this.#ctx.device },
      );
    }
    check(status, "cuMemAlloc", this.#ctx.device);
    this.stats.driverAllocations++;
    this.stats.reserved += size;
    return Number(this.#out[0]);
  }

  /** Returns every cached block to the driver. */
  emptyCache(): void {
    const d = driver();
    this.#ctx.makeCurrent();
    // cuMemFree synchronises the context: queued kernels may still read these blocks.
    for (const [size, list] of this.#free) {
      for (const ptr of list) {
        check(d.cuMemFree_v2(BigInt(ptr)), "cuMemFree", this.#ctx.device);
        this.stats.reserved -= size;
        this.stats.cached -= size;
      }
    }
    this.#free.clear();
  }

  /** Starts routing allocations into a graph's pool (see the file comment). */
  beginCapture(): GraphPool {
    const pool: GraphPool = { owned: new Map(), parked: new Map() };
    this.#capture = pool;
    return pool;
  }

  /** Stops routing allocations into the pool of the capture in progress. */
  endCapture(): void {
    this.#capture = null;
  }

  /** Releases a graph's pool: parked blocks go back to the cache, live ones become ordinary. */
  releasePool(pool: GraphPool): void {
    for (const ptr of pool.owned.keys()) this.#owner.delete(ptr);
    for (const [ptr, size] of pool.parked) this.#cache(ptr, size);
    pool.owned.clear();
    pool.parked.clear();
  }
}
