// The WebGPU runtime: adapter and device acquisition, device loss, the buffer pool, the pipeline
// cache, batched command encoding with a uniform arena, and readback. Ops never wait on the GPU;
// only `read` does (each wait costs ~11 ms in Deno on Mesa), and it also checks the error flag
// that kernels raise for bad indices instead of touching memory out of range.

import { NumrError } from "../../core/errors.ts";
import { Storage } from "../storage.ts";
import type { DeviceName } from "../storage.ts";
import { coalesce } from "../cpu/layout.ts";

/** What `nr.webgpu()` found. */
export interface WebGpuInfo {
  /** The adapter's description (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"). */
  readonly description: string;
  /** True for a software adapter. */
  readonly isFallbackAdapter: boolean;
  /** Adapter features (e.g. "shader-f16"). */
  readonly features: readonly string[];
  /** The largest storage binding in bytes: no tensor may be larger on this device. */
  readonly maxStorageBufferBindingSize: number;
}

/** Options of {@link webgpu}. */
export interface WebGpuOptions {
  /** Passed to `navigator.gpu.requestAdapter`. */
  powerPreference?: "low-power" | "high-performance";
}

/** Bytes of uniform data one dispatch gets (128 i32 words; offsets must be 256-aligned). */
export const META_WORDS = 128;
const META_SLOT_BYTES = 512;
const ARENA_SLOTS = 256;
/** Error flag words: [code, value, component, unused]. */
const ERROR_WORDS = 4;
/** Codes a kernel writes into the error flag. */
export const ERROR_CODES = { indexOutOfBounds: 1, negativePower: 2 } as const;
const POOL_BYTES_MAX = 256 * 1024 * 1024;
// GPUBufferUsage and GPUMapMode bits (the WebGPU spec's values; the globals are untyped here).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 };
const MAP_READ = 0x1;

/** The acquired device and everything that lives as long as it does. */
export class GpuContext {
  readonly device: GPUDevice;
  readonly info: WebGpuInfo;
  lost: string | null = null;
  #pipelines = new Map<string, GPUComputePipeline>();
  #pool = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #arena: GPUBuffer;
  #arenaData = new Int32Array((ARENA_SLOTS * META_SLOT_BYTES) / 4);
  #arenaUsed = 0;
  #pendingDispatches = 0;
  /** The error flag buffer (kernels that can fail bind it). */
  readonly errorBuffer: GPUBuffer;
  /** Uncaptured validation errors, thrown at the next read. */
  #uncaptured: string[] = [];

  constructor(device: GPUDevice, info: WebGpuInfo) {
    this.device = device;
    this.info = info;
    this.#arena = device.createBuffer({
      size: ARENA_SLOTS * META_SLOT_BYTES,
      usage: USAGE.UNIFORM | USAGE.COPY_DST,
    });
    this.errorBuffer = device.createBuffer({
      size: ERROR_WORDS * 4,
      usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
    });
    device.lost.then((i) => {
      this.lost = i.message || i.reason || "device lost";
    });
    device.addEventListener("uncapturederror", (e) => {
      const err = (e as GPUUncapturedErrorEvent).error;
      this.#uncaptured.push(err.message.trim());
    });
  }

  /** Throws BackendUnavailable once the device is lost. */
  checkAlive(op: string): void {
    if (this.lost !== null) {
      throw new NumrError(
        "BackendUnavailable",
        `The WebGPU device was lost (${this.lost}); call await nr.webgpu() again`,
        { op, device: "webgpu" },
      );
    }
  }

  // ---- buffers ----

  /** The pool's size class of a byte length: 256-byte steps to 64 KiB, then eighths of a power. */
  static sizeClass(byteLength: number): number {
    const n = Math.max(16, byteLength);
    if (n <= 65536) return Math.ceil(n / 256) * 256;
    const p = 2 ** Math.floor(Math.log2(n));
    const step = p / 8;
    return Math.ceil(n / step) * step;
  }

  /** A storage buffer of at least `byteLength` bytes (a pooled one when available). */
  acquire(byteLength: number, op: string): GPUBuffer {
    this.checkAlive(op);
    const max = this.info.maxStorageBufferBindingSize;
    if (byteLength > max) {
      throw new NumrError(
        "OutOfMemory",
        `A tensor of ${byteLength} bytes exceeds this WebGPU device's storage binding limit ` +
          `(maxStorageBufferBindingSize = ${max} bytes)`,
        { op, device: "webgpu" },
      );
    }
    const size = Math.min(GpuContext.sizeClass(byteLength), Math.max(16, Math.ceil(max / 4) * 4));
    const list = this.#pool.get(size);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.#pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({
      size,
      usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
    });
  }

  /** Returns a buffer to the pool (or destroys it when the pool is full or the device lost). */
  releaseBuffer(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.lost !== null || this.#pooledBytes + size > POOL_BYTES_MAX) {
      // Pending commands may still use it: destroy only after they are submitted.
      this.flush();
      buffer.destroy();
      return;
    }
    let list = this.#pool.get(size);
    if (list === undefined) this.#pool.set(size, list = []);
    list.push(buffer);
    this.#pooledBytes += size;
  }

  /** Destroys every pooled buffer. */
  clearPool(): void {
    this.flush();
    for (const list of this.#pool.values()) for (const b of list) b.destroy();
    this.#pool.clear();
    this.#pooledBytes = 0;
  }

  /** Bytes held by the pool. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  // ---- pipelines ----

  /** The compute pipeline for a WGSL source, compiled once per key. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.#pipelines.get(key);
    if (p === undefined) {
      const module = this.device.createShaderModule({ code: source(), label: key });
      p = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
        label: key,
      });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  /** Number of compiled pipelines. */
  get pipelineCount(): number {
    return this.#pipelines.size;
  }

  // ---- encoding ----

  /**
   * Records one dispatch: `meta` goes into the uniform arena (binding 0), `buffers` are bound at
   * 1, 2, … in order; `groups` workgroups are spread over x and y past 65,535.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    meta: Int32Array,
    buffers: readonly GPUBuffer[],
    groups: number | readonly [number, number, number],
  ): void {
    this.checkAlive("dispatch");
    if (this.#arenaUsed === ARENA_SLOTS) this.flush();
    const slot = this.#arenaUsed++;
    this.#arenaData.set(meta.subarray(0, META_WORDS), (slot * META_SLOT_BYTES) / 4);
    const entries: GPUBindGroupEntry[] = [{
      binding: 0,
      resource: { buffer: this.#arena, offset: slot * META_SLOT_BYTES, size: META_WORDS * 4 },
    }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.#computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    const [x, y, z] = typeof groups === "number" ? grid(groups) : groups;
    pass.dispatchWorkgroups(x, y, z);
    this.#pendingDispatches++;
  }

  #computePass(): GPUComputePassEncoder {
    if (this.#pass !== null) return this.#pass;
    this.#encoder ??= this.device.createCommandEncoder();
    this.#pass = this.#encoder.beginComputePass();
    return this.#pass;
  }

  /** The open command encoder with no pass open (for copies). */
  encoder(): GPUCommandEncoder {
    if (this.#pass !== null) {
      this.#pass.end();
      this.#pass = null;
    }
    return this.#encoder ??= this.device.createCommandEncoder();
  }

  /** Submits everything recorded so far (uniforms first); does not wait. */
  flush(): void {
    if (this.#encoder === null) return;
    if (this.#pass !== null) {
      this.#pass.end();
      this.#pass = null;
    }
    if (this.#arenaUsed > 0) {
      const bytes = this.#arenaUsed * META_SLOT_BYTES;
      this.device.queue.writeBuffer(this.#arena, 0, this.#arenaData.buffer, 0, bytes);
    }
    this.device.queue.submit([this.#encoder.finish()]);
    this.#encoder = null;
    this.#arenaUsed = 0;
    this.#pendingDispatches = 0;
  }

  /** Dispatches recorded and not yet submitted. */
  get pendingDispatches(): number {
    return this.#pendingDispatches;
  }

  // ---- transfers ----

  /** Writes host bytes into a buffer (after the pending work, which may still read it). */
  write(buffer: GPUBuffer, byteOffset: number, bytes: Uint8Array): void {
    this.flush();
    const n = bytes.byteLength;
    if (n === 0) return;
    if (n % 4 === 0 && bytes.byteOffset % 4 === 0) {
      this.device.queue.writeBuffer(buffer, byteOffset, bytes.buffer, bytes.byteOffset, n);
      return;
    }
    const padded = new Uint8Array(Math.ceil(n / 4) * 4);
    padded.set(bytes);
    this.device.queue.writeBuffer(buffer, byteOffset, padded);
  }

  /**
   * Reads bytes back: one submit and one wait. Throws the error a kernel flagged since the last
   * read (a bad index, an integer to a negative power) or an uncaptured validation error.
   */
  async read(buffer: GPUBuffer, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    this.checkAlive("read");
    const start = Math.floor(byteOffset / 4) * 4;
    const end = Math.ceil((byteOffset + byteLength) / 4) * 4;
    const span = end - start;
    const staging = this.device.createBuffer({
      size: span + ERROR_WORDS * 4,
      usage: USAGE.MAP_READ | USAGE.COPY_DST,
    });
    const enc = this.encoder();
    if (span > 0) enc.copyBufferToBuffer(buffer, start, staging, 0, span);
    enc.copyBufferToBuffer(this.errorBuffer, 0, staging, span, ERROR_WORDS * 4);
    enc.clearBuffer(this.errorBuffer);
    this.flush();
    try {
      await staging.mapAsync(MAP_READ);
    } catch (e) {
      staging.destroy();
      this.checkAlive("read");
      throw e;
    }
    const mapped = new Uint8Array(staging.getMappedRange());
    const out = mapped.slice(byteOffset - start, byteOffset - start + byteLength);
    const flag = new Uint32Array(mapped.slice(span, span + ERROR_WORDS * 4).buffer);
    staging.unmap();
    staging.destroy();
    this.#throwFlagged(flag);
    return out;
  }

  #throwFlagged(flag: Uint32Array): void {
    if (this.#uncaptured.length > 0) {
      const messages = this.#uncaptured.splice(0);
      throw new NumrError("InvalidArgument", `WebGPU reported: ${messages[0]}`, {
        device: "webgpu",
      });
    }
    if (flag[0] === ERROR_CODES.indexOutOfBounds) {
      throw new NumrError(
        "IndexOutOfBounds",
        `An index was out of range (value ${flag[1] | 0} for indexed dim ${flag[2]}); the ` +
          "indexing op ran before this read, clamping the index",
        { device: "webgpu" },
      );
    }
    if (flag[0] === ERROR_CODES.negativePower) {
      throw new NumrError(
        "InvalidArgument",
        "Integers to negative integer powers are not allowed (found by an earlier pow on webgpu)",
        { op: "pow", device: "webgpu" },
      );
    }
  }
}

/** Workgroup counts over x and y for a linear count past the 65,535 per-dimension limit. */
export function grid(groups: number): [number, number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1, 1];
  const y = Math.ceil(groups / 65535);
  if (y > 65535) {
    throw new NumrError("InvalidArgument", `A dispatch of ${groups} workgroups is too large`, {
      device: "webgpu",
    });
  }
  return [Math.ceil(groups / y), y, 1];
}

/** GPU memory for one tensor (and its views); freed buffers go back to the context's pool. */
export class GpuStorage extends Storage {
  /** Always `"webgpu"`. */
  readonly device: DeviceName = "webgpu";
  /** Size in bytes the tensor asked for (the buffer may be larger). */
  readonly byteLength: number;
  #buffer: GPUBuffer | null;
  readonly #context: GpuContext;

  /** Wraps a buffer from `context`. */
  constructor(context: GpuContext, buffer: GPUBuffer, byteLength: number) {
    super();
    this.#context = context;
    this.#buffer = buffer;
    this.byteLength = byteLength;
  }

  /** The GPU buffer. Throws after the storage was freed. */
  get buffer(): GPUBuffer {
    if (this.#buffer === null) throw new Error("storage used after it was freed");
    return this.#buffer;
  }

  /** The context the buffer belongs to. */
  get context(): GpuContext {
    return this.#context;
  }

  protected free(): void {
    const b = this.#buffer;
    this.#buffer = null;
    if (b !== null) this.#context.releaseBuffer(b);
  }
}

let current: GpuContext | null = null;
let pending: Promise<GpuContext> | null = null;

/** The context, or a BackendUnavailable error telling the user to call `nr.webgpu()`. */
export function gpuContext(op: string): GpuContext {
  if (current === null) {
    throw new NumrError(
      "BackendUnavailable",
      'WebGPU is not initialised: call `await nr.webgpu()` before using device "webgpu"',
      { op, device: "webgpu" },
    );
  }
  current.checkAlive(op);
  return current;
}

/** The context when one is live, else null (no error). */
export function gpuContextOrNull(): GpuContext | null {
  return current !== null && current.lost === null ? current : null;
}

async function acquire(options: WebGpuOptions): Promise<GpuContext> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (gpu === undefined) {
    throw new NumrError("BackendUnavailable", "This runtime has no navigator.gpu", {
      device: "webgpu",
    });
  }
  const adapter = await gpu.requestAdapter(
    options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference },
  );
  if (adapter === null) {
    throw new NumrError(
      "BackendUnavailable",
      "No WebGPU adapter is available (on Linux: install Mesa, or set DENO_WEBGPU_BACKEND)",
      { device: "webgpu" },
    );
  }
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    },
  });
  const info: WebGpuInfo = {
    description: adapter.info.description,
    isFallbackAdapter: adapter.info.isFallbackAdapter ?? false,
    features: [...adapter.features],
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
  };
  const ctx = new GpuContext(device, info);
  // Tear the device down with this isolate (each `deno test --parallel` worker has its own)
  // rather than leaving every device to the process exit, where several drivers' teardowns
  // then run at once (a suspected source of a rare "double free" abort at exit on Mesa GL).
  globalThis.addEventListener?.("unload", () => {
    try {
      ctx.clearPool();
      device.destroy();
    } catch {
      // Already lost or destroyed.
    }
  });
  return ctx;
}

/**
 * Starts the WebGPU backend (once; later calls return the same device until it is lost). After
 * it resolves, tensors can live on `"webgpu"`: `nr.tensor(data, { device: "webgpu" })`,
 * `t.to("webgpu")`; read them with `await t.data()`.
 *
 * @throws {NumrError} `BackendUnavailable` when there is no WebGPU adapter.
 * @example
 * ```ts
 * import { NumrError, webgpu } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * try {
 *   const info = await webgpu();
 *   assert.ok(info.maxStorageBufferBindingSize > 0);
 * } catch (e) {
 *   assert.ok(e instanceof NumrError && e.code === "BackendUnavailable");
 * }
 * ```
 */
export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuInfo> {
  if (current !== null && current.lost === null) return current.info;
  pending ??= acquire(options);
  try {
    current = await pending;
    return current.info;
  } finally {
    pending = null;
  }
}

/**
 * True when `nr.webgpu()` can find an adapter (for tests that skip without a GPU).
 *
 * @example
 * ```ts
 * import { webgpuAvailable } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof (await webgpuAvailable()), "boolean");
 * ```
 */
export async function webgpuAvailable(): Promise<boolean> {
  try {
    await webgpu();
    return true;
  } catch {
    return false;
  }
}

/**
 * Coalesced dims of an iteration shape and its operands' strides, with at least one dim (a 0-d
 * walk becomes one element of stride 0), as the WGSL layout uniforms take them.
 */
export function gridLayout(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const c = coalesce(shape, strides as number[][]);
  if (c.shape.length > 0) return c;
  return { shape: [1], strides: c.strides.map(() => [0]) };
}
