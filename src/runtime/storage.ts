// Storage: a block of device memory shared by a tensor and its views, freed when the last holder
// lets go (dispose) or, as a safety net, when it is garbage collected.

/** The devices numr knows. */
export type DeviceName = "cpu" | "webgpu" | "cuda" | `cuda:${number}`;

/**
 * A block of memory on one device. Tensors and their views each hold one reference; `release`
 * frees the memory when the count reaches zero.
 */
export abstract class Storage {
  /** Device the memory lives on. */
  abstract readonly device: DeviceName;
  /** Size in bytes. */
  abstract readonly byteLength: number;
  #refs = 1;

  /** True once the memory was freed; a freed storage never reaches a kernel. */
  get freed(): boolean {
    return this.#refs <= 0;
  }

  /** Adds a holder. */
  retain(): this {
    this.#refs++;
    return this;
  }

  /** Drops a holder; frees the memory when none is left. */
  release(): void {
    if (this.#refs <= 0) return;
    this.#refs--;
    if (this.#refs === 0) this.free();
  }

  /** Frees the device memory. Called once. */
  protected abstract free(): void;
}

/** A buffer kept for reuse, with its native address. */
interface Pooled {
  buffer: ArrayBuffer;
  pointer: Deno.PointerValue;
}

// Freed CPU buffers, by size, for reuse by the next allocation of the same size: a fresh buffer
// costs a page fault per 4 KiB on first write (a 64 MiB output: ~5 ms), a reused one nothing.
// Only buffers that no tensor can reach again enter the pool (the last holder released them).
const POOL_BYTES_MAX = 256 * 1024 * 1024;
const POOL_MIN_BYTES = 64 * 1024;
const pool = new Map<number, Pooled[]>();
const poolOrder: number[] = [];
let pooledBytes = 0;

function poolTake(byteLength: number): Pooled | undefined {
  const list = pool.get(byteLength);
  const item = list?.pop();
  if (item === undefined) return undefined;
  pooledBytes -= byteLength;
  poolOrder.splice(poolOrder.lastIndexOf(byteLength), 1);
  return item;
}

/** Keeps a freed buffer for reuse; false when it is not worth keeping. */
function poolPut(item: Pooled): boolean {
  const n = item.buffer.byteLength;
  if (n < POOL_MIN_BYTES || n > POOL_BYTES_MAX || item.buffer.detached) return false;
  while (pooledBytes + n > POOL_BYTES_MAX && poolOrder.length > 0) {
    const oldest = poolOrder.shift()!;
    const evicted = pool.get(oldest)!.shift()!;
    pooledBytes -= oldest;
    evicted.buffer.transfer(0);
  }
  let list = pool.get(n);
  if (list === undefined) pool.set(n, list = []);
  list.push(item);
  poolOrder.push(n);
  pooledBytes += n;
  return true;
}

/** Empties the pool of freed CPU buffers (memory goes back to the garbage collector). */
export function clearCpuPool(): void {
  pool.clear();
  poolOrder.length = 0;
  pooledBytes = 0;
}

/**
 * CPU storage: a plain JS `ArrayBuffer` (V8 accounts for its size, so the garbage collector keeps
 * memory in check), passed to the Zig kernels zero-copy through a cached pointer. Freed buffers
 * are pooled by size and reused.
 */
export class CpuStorage extends Storage {
  /** Always `"cpu"`. */
  readonly device: DeviceName = "cpu";
  /** Size in bytes. */
  readonly byteLength: number;
  #buffer: ArrayBuffer | null;
  #pointer: Deno.PointerValue | undefined = undefined;

  /** Wraps a buffer; a fresh `ArrayBuffer` keeps a stable address for the FFI. */
  constructor(buffer: ArrayBuffer) {
    super();
    this.#buffer = buffer;
    this.byteLength = buffer.byteLength;
  }

  /** Allocates memory with unspecified contents (a reused buffer, or a fresh zeroed one). */
  static alloc(byteLength: number): CpuStorage {
    const reused = poolTake(byteLength);
    if (reused === undefined) return new CpuStorage(new ArrayBuffer(byteLength));
    const s = new CpuStorage(reused.buffer);
    s.#pointer = reused.pointer;
    return s;
  }

  /** The JS buffer. Throws after the storage was freed. */
  get buffer(): ArrayBuffer {
    if (this.#buffer === null) throw new Error("storage used after it was freed");
    return this.#buffer;
  }

  /** The native address of the buffer (null for an empty buffer), computed once. */
  get pointer(): Deno.PointerValue {
    if (this.#pointer === undefined) {
      const buffer = this.buffer;
      this.#pointer = buffer.byteLength === 0 ? null : Deno.UnsafePointer.of(buffer);
    }
    return this.#pointer;
  }

  protected free(): void {
    const buffer = this.#buffer;
    const pooled = buffer !== null && this.#pointer !== undefined && this.#pointer !== null &&
      poolPut({ buffer, pointer: this.#pointer });
    // Detaching returns the memory to the allocator now instead of at the next GC.
    if (!pooled && buffer !== null && !buffer.detached) buffer.transfer(0);
    this.#buffer = null;
    this.#pointer = null;
  }
}
