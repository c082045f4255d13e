// One CUDA device: its primary context, the stream every numr op is queued on, and the device
// attributes kernels are sized by. The context is made current before each use (it is
// thread-local; numr calls the driver only from the JS thread).

import { NumrError } from "../../core/errors.ts";
import { check, CU, driver } from "./driver.ts";

/** CU_DEVICE_ATTRIBUTE_* values used here. */
const ATTR = {
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
  MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: 97,
  L2_CACHE_SIZE: 38,
} as const;

/** CU_STREAM_NON_BLOCKING: no implicit sync with the legacy default stream. */
const STREAM_NON_BLOCKING = 1;

let current: CudaContext | null = null;
const contexts = new Map<number, CudaContext>();

/** A device's primary context and numr's stream on it. */
export class CudaContext {
  /** Device ordinal. */
  readonly ordinal: number;
  /** Device name as the driver reports it. */
  readonly name: string;
  /** Streaming multiprocessors. */
  readonly smCount: number;
  /** Compute capability, e.g. 90 for 9.0. */
  readonly computeCapability: number;
  /** Largest dynamic shared memory a block may opt in to (bytes). */
  readonly maxSharedOptin: number;
  /** The context handle. */
  readonly ctx: Deno.PointerValue;
  /** The stream all numr work on this device goes to. */
  readonly stream: Deno.PointerValue;
  /** True while a graph capture runs on the stream. */
  capturing = false;

  private constructor(ordinal: number) {
    const d = driver();
    const count = new Int32Array(1);
    check(d.cuDeviceGetCount(count), "cuDeviceGetCount");
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= count[0]) {
      throw new NumrError(
        "BackendUnavailable",
        `CUDA device ${ordinal} does not exist (${count[0]} device(s) present)`,
        { device: `cuda:${ordinal}` },
      );
    }
    this.ordinal = ordinal;
    const dev = new Int32Array(1);
    check(d.cuDeviceGet(dev, ordinal), "cuDeviceGet");
    const attr = (a: number): number => {
      const out = new Int32Array(1);
      check(d.cuDeviceGetAttribute(out, a, dev[0]), "cuDeviceGetAttribute");
      return out[0];
    };
    this.smCount = attr(ATTR.MULTIPROCESSOR_COUNT);
    this.computeCapability = attr(ATTR.COMPUTE_CAPABILITY_MAJOR) * 10 +
      attr(ATTR.COMPUTE_CAPABILITY_MINOR);
    this.maxSharedOptin = attr(ATTR.MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    const nameBuf = new Uint8Array(256);
    check(d.cuDeviceGetName(nameBuf, 256, dev[0]), "cuDeviceGetName");
    this.name = new TextDecoder().decode(nameBuf.subarray(0, nameBuf.indexOf(0)));
    const ctxOut = new BigUint64Array(1);
    check(d.cuDevicePrimaryCtxRetain(ctxOut, dev[0]), "cuDevicePrimaryCtxRetain");
    this.ctx = Deno.UnsafePointer.create(ctxOut[0]);
    check(d.cuCtxSetCurrent(this.ctx), "cuCtxSetCurrent");
    current = this;
    const streamOut = new BigUint64Array(1);
    check(d.cuStreamCreate(streamOut, STREAM_NON_BLOCKING), "cuStreamCreate");
    this.stream = Deno.UnsafePointer.create(streamOut[0]);
  }

  /** The context of device `ordinal` (created on first use), made current. */
  static get(ordinal: number): CudaContext {
    let c = contexts.get(ordinal);
    if (c === undefined) {
      c = new CudaContext(ordinal);
      contexts.set(ordinal, c);
    }
    c.makeCurrent();
    return c;
  }

  /** Makes this context current on the calling thread (a no-op when it already is). */
  makeCurrent(): void {
    if (current === this) return;
    check(driver().cuCtxSetCurrent(this.ctx), "cuCtxSetCurrent", this.device);
    current = this;
  }

  /** The numr device name, `cuda:<ordinal>`. */
  get device(): string {
    return `cuda:${this.ordinal}`;
  }

  /** Waits until all queued work on the stream finished; surfaces asynchronous errors. */
  synchronize(): void {
    this.makeCurrent();
    check(driver().cuStreamSynchronize(this.stream), "cuStreamSynchronize", this.device);
  }

  /** Waits for the stream without blocking the event loop (polls cuStreamQuery). */
  async synchronizeAsync(): Promise<void> {
    for (;;) {
      this.makeCurrent();
      const status = driver().cuStreamQuery(this.stream);
      if (status === CU.SUCCESS) return;
      if (status !== CU.NOT_READY) check(status, "cuStreamQuery", this.device);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Free and total device memory in bytes. */
  memoryInfo(): { free: number; total: number } {
    this.makeCurrent();
    const free = new BigUint64Array(1);
    const total = new BigUint64Array(1);
    check(driver().cuMemGetInfo_v2(free, total), "cuMemGetInfo", this.device);
    return { free: Number(free[0]), total: Number(total[0]) };
  }
}
