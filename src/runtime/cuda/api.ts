// Public CUDA helpers: device names, availability, memory statistics, synchronisation.

import type { DeviceName } from "../storage.ts";
import { getBackend } from "../backend.ts";
import { cudaDriverAvailable, driver } from "./driver.ts";
import type { AllocatorStats } from "./allocator.ts";
import type { CudaBackend } from "./backend.ts";
import { kernelsBuilt, launchStats } from "./kernels.ts";
import "./backend.ts";

/**
 * The device name of CUDA device `ordinal` (`"cuda:0"` by default), for the `device` option.
 *
 * Results on a CUDA device equal the CPU's bit for bit for arithmetic, comparisons, casts,
 * extremes, copies and indexing, complex dtypes included. Transcendental functions (exp, log,
 * trig, pow, angle, polar, ...) call CUDA's libdevice, which rounds differently from the CPU's
 * libm: they agree within a few ulp, with the same NaN, infinities and signed zeros; complex
 * pow(a, b) = exp(b log a) magnifies that difference by |b log a|. Sums may differ in the order
 * of additions.
 *
 * @example
 * ```ts
 * import { cuda } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(cuda(1), "cuda:1");
 * ```
 */
export function cuda(ordinal = 0): DeviceName {
  return `cuda:${ordinal}`;
}

/**
 * True when a CUDA driver and at least one device are present and numr's kernels are built.
 *
 * @example
 * ```ts
 * import { cudaAvailable } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(typeof cudaAvailable(), "boolean");
 * ```
 */
export function cudaAvailable(): boolean {
  if (!cudaDriverAvailable() || !kernelsBuilt()) return false;
  const count = new Int32Array(1);
  return driver().cuDeviceGetCount(count) === 0 && count[0] > 0;
}

function backendOf(device: DeviceName): CudaBackend {
  return getBackend(device) as unknown as CudaBackend;
}

/**
 * Counters of a CUDA device's caching allocator, plus numr's kernel launch count.
 *
 * @throws {NumrError} `BackendUnavailable` without a CUDA device.
 * @example
 * ```ts
 * import { cudaAvailable, cudaMemoryStats } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * if (cudaAvailable()) assert.ok(cudaMemoryStats("cuda:0").reserved >= 0);
 * ```
 */
export function cudaMemoryStats(device: DeviceName = "cuda:0"): AllocatorStats & {
  launches: number;
} {
  return { ...backendOf(device).allocator.stats, launches: launchStats.launches };
}

/**
 * Returns the cached (free) blocks of a CUDA device's allocator to the driver.
 *
 * @throws {NumrError} `BackendUnavailable` without a CUDA device.
 * @example
 * ```ts
 * import { cudaAvailable, cudaEmptyCache, cudaMemoryStats } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * if (cudaAvailable()) {
 *   cudaEmptyCache("cuda:0");
 *   assert.equal(cudaMemoryStats("cuda:0").cached, 0);
 * }
 * ```
 */
export function cudaEmptyCache(device: DeviceName = "cuda:0"): void {
  const b = backendOf(device);
  b.ctx.synchronize();
  b.allocator.emptyCache();
}

/**
 * Waits until all work queued on a CUDA device has finished.
 *
 * @throws {NumrError} `BackendUnavailable` without a CUDA device, or when queued work failed.
 * @example
 * ```ts
 * import { cudaAvailable, cudaSynchronize, tensor } from "../../../mod.ts";
 * import assert from "node:assert/strict";
 * if (cudaAvailable()) {
 *   const t = tensor([1, 2], { device: "cuda:0" }).mul(3);
 *   cudaSynchronize("cuda:0");
 *   assert.deepEqual(t.toArray(), [3, 6]);
 * }
 * ```
 */
export function cudaSynchronize(device: DeviceName = "cuda:0"): void {
  backendOf(device).ctx.synchronize();
}

export type { AllocatorStats };
