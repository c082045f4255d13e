// Storage: a block of device memory shared by a tensor and its views, freed when the last holder
// lets go (dispose) or, as a safety net, when it is garbage collected.

/** The devices numr knows. */
export type DeviceName = "cpu" | "webgpu" | "cuda";

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

/**
 * CPU storage: a plain JS `ArrayBuffer` (V8 accounts for its size, so the garbage collector keeps
 * memory in check), passed to the Zig kernels zero-copy through a cached pointer.
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

  /** Allocates zeroed memory. */
  static alloc(byteLength: number): CpuStorage {
    return new CpuStorage(new ArrayBuffer(byteLength));
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
    // Detaching returns the memory to the allocator now instead of at the next GC.
    if (this.#buffer !== null && !this.#buffer.detached) this.#buffer.transfer(0);
    this.#buffer = null;
    this.#pointer = null;
  }
}
