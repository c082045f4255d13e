// CUDA kernels: the build manifest (native/cuda/build/manifest.json, written by
// scripts/build_cuda.ts), lazy module loading (the sm_90 cubin on compute capability 9.0, the
// PTX, JIT-compiled by the driver, elsewhere), function lookup, and the launch path.
//
// Launch: kernel arguments are written into one persistent argument arena whose native address
// is computed once; `kernelParams` is a fixed table of pointers into it (a by-value struct at
// offset 0, then 8-byte slots). cuLaunchKernel copies the arguments, so the arena is reused at
// once (graph capture records them too). 64-bit integers are written as two u32 halves, so no
// BigInt is made per launch.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import type { KernelTable } from "../backend.ts";
import { check, cString, driver } from "./driver.ts";
import type { CudaContext } from "./context.ts";

const BUILD = new URL("../../../native/cuda/build/", import.meta.url);

interface ModuleInfo {
  arch: string;
  ptx: string;
  cubin: Record<string, string>;
  kernels: string[];
}

let manifest: Record<string, ModuleInfo> | null | undefined;
const kernelModule = new Map<string, string>();
let table: KernelTable | undefined;

function loadManifest(): Record<string, ModuleInfo> | null {
  if (manifest !== undefined) return manifest;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(new URL("manifest.json", BUILD))) as Record<
      string,
      ModuleInfo
    >;
  } catch {
    manifest = null;
    return manifest;
  }
  for (const [name, m] of Object.entries(manifest)) {
    for (const k of m.kernels) kernelModule.set(k, name);
  }
  return manifest;
}

/** True when the kernels were built (native/cuda/build/manifest.json exists). */
export function kernelsBuilt(): boolean {
  return loadManifest() !== null;
}

/**
 * `family:op` → dtypes, from native/cuda/kernels.txt (one "family op dtype" line per kernel,
 * written by scripts/build_cuda.ts and checked in, so the table needs neither a build nor a GPU).
 */
export function cudaKernelTable(): KernelTable {
  if (table !== undefined) return table;
  table = new Map();
  let text = "";
  try {
    text = Deno.readTextFileSync(new URL("../../../native/cuda/kernels.txt", import.meta.url));
  } catch {
    return table;
  }
  for (const line of text.split("\n")) {
    const [family, op, dtype] = line.split(" ");
    if (dtype === undefined) continue;
    const key = `${family}:${op}`;
    let set = table.get(key);
    if (set === undefined) table.set(key, set = new Set());
    set.add(dtype as DType);
  }
  return table;
}

/** Per-context module and function caches. */
export class KernelCache {
  readonly #ctx: CudaContext;
  readonly #modules = new Map<string, Deno.PointerValue>();
  readonly #functions = new Map<string, Deno.PointerValue>();
  readonly #out = new BigUint64Array(1);

  constructor(ctx: CudaContext) {
    this.#ctx = ctx;
  }

  /** Loads a module by name (once). */
  module(name: string): Deno.PointerValue {
    const have = this.#modules.get(name);
    if (have !== undefined) return have;
    const m = loadManifest();
    const info = m?.[name];
    if (info === undefined) {
      throw new NumrError(
        "BackendUnavailable",
        `CUDA module ${name} is not built: run \`deno task build:cuda\``,
        { device: this.#ctx.device },
      );
    }
    const cc = String(this.#ctx.computeCapability);
    const cubin = info.cubin[cc];
    let image: Uint8Array;
    if (cubin !== undefined) {
      image = Deno.readFileSync(new URL(cubin, BUILD));
    } else {
      const text = Deno.readFileSync(new URL(info.ptx, BUILD));
      image = new Uint8Array(text.length + 1);
      image.set(text);
    }
    this.#ctx.makeCurrent();
    check(
      driver().cuModuleLoadData(this.#out, image),
      `cuModuleLoadData(${name})`,
      this.#ctx.device,
    );
    const handle = Deno.UnsafePointer.create(this.#out[0]);
    this.#modules.set(name, handle);
    return handle;
  }

  /**
   * The kernel `name`, or throws `UnsupportedDType` naming op and dtype when it was not built.
   */
  fn(name: string, op: string, dtypes: readonly string[]): Deno.PointerValue {
    const have = this.#functions.get(name);
    if (have !== undefined) return have;
    loadManifest();
    const moduleName = kernelModule.get(name);
    if (moduleName === undefined) {
      if (!kernelsBuilt()) {
        throw new NumrError(
          "BackendUnavailable",
          "The CUDA kernels are not built: run `deno task build:cuda`",
          { op, device: this.#ctx.device },
        );
      }
      throw new NumrError(
        "UnsupportedDType",
        `The CUDA backend has no ${op} kernel for ${dtypes.join(", ")}`,
        { op, dtypes, device: this.#ctx.device },
      );
    }
    const mod = this.module(moduleName);
    check(
      driver().cuModuleGetFunction(this.#out, mod, cString(name)),
      `cuModuleGetFunction(${name})`,
      this.#ctx.device,
    );
    const f = Deno.UnsafePointer.create(this.#out[0]);
    this.#functions.set(name, f);
    return f;
  }

  /** Device address of a module global (e.g. `numr_error_flag`). */
  global(moduleName: string, symbol: string): number {
    const mod = this.module(moduleName);
    const bytes = new BigUint64Array(1);
    check(
      driver().cuModuleGetGlobal_v2(this.#out, bytes, mod, cString(symbol)),
      `cuModuleGetGlobal(${symbol})`,
      this.#ctx.device,
    );
    return Number(this.#out[0]);
  }

  /** True when the kernel was built. */
  has(name: string): boolean {
    loadManifest();
    return kernelModule.has(name);
  }
}

// ---- argument arena ----

/** Bytes reserved at the start of the arena for a by-value struct argument. */
export const STRUCT_BYTES = 1024;
const SLOTS = 24;
const arenaBuffer = new ArrayBuffer(STRUCT_BYTES + SLOTS * 8);
/** The arena as u32 words (struct fields and slots are written through this). */
export const arenaU32: Uint32Array = new Uint32Array(arenaBuffer);
/** The arena as i32 words. */
export const arenaI32: Int32Array = new Int32Array(arenaBuffer);
/** The arena as f32 words. */
export const arenaF32: Float32Array = new Float32Array(arenaBuffer);
/** The arena as f64 words. */
export const arenaF64: Float64Array = new Float64Array(arenaBuffer);
const arenaBase = Deno.UnsafePointer.value(Deno.UnsafePointer.of(arenaBuffer)) as bigint;

function paramTable(withStruct: boolean): { buffer: BigUint64Array; ptr: Deno.PointerValue } {
  const buffer = new BigUint64Array(SLOTS + 1);
  let i = 0;
  if (withStruct) buffer[i++] = arenaBase;
  for (let s = 0; s < SLOTS && i < buffer.length; s++) {
    buffer[i++] = arenaBase + BigInt(STRUCT_BYTES + 8 * s);
  }
  return { buffer, ptr: Deno.UnsafePointer.of(buffer) };
}
const WITH_STRUCT = paramTable(true);
const NO_STRUCT = paramTable(false);

const TWO32 = 4294967296;

/** Writes a 64-bit integer (|v| < 2^53) at u32 word index `w` of the arena. */
export function writeI64(w: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  arenaU32[w] = v - hi * TWO32;
  arenaU32[w + 1] = hi >>> 0;
}

/** Sets 8-byte slot `i` to a device address or 64-bit integer. */
export function slotI64(i: number, v: number): void {
  writeI64((STRUCT_BYTES >> 2) + 2 * i, v);
}

/** Sets 8-byte slot `i` to an i32 (upper half zero). */
export function slotI32(i: number, v: number): void {
  const w = (STRUCT_BYTES >> 2) + 2 * i;
  arenaI32[w] = v;
  arenaI32[w + 1] = 0;
}

/** Sets 8-byte slot `i` to an f32. */
export function slotF32(i: number, v: number): void {
  const w = (STRUCT_BYTES >> 2) + 2 * i;
  arenaF32[w] = v;
  arenaI32[w + 1] = 0;
}

/** Sets slot `i` to raw 8 bytes. */
export function slotBytes(i: number, bytes: Uint8Array): void {
  const view = new Uint8Array(arenaBuffer, STRUCT_BYTES + 8 * i, 8);
  view.fill(0);
  view.set(bytes.subarray(0, 8));
}

/** Launch counter (every cuLaunchKernel of numr). */
export const launchStats = { launches: 0 };

/**
 * Launches `fn` with the arena's arguments: the struct (when `withStruct`) then the slots.
 */
export function launch(
  ctx: CudaContext,
  fn: Deno.PointerValue,
  grid: readonly [number, number, number],
  block: number,
  sharedBytes: number,
  withStruct: boolean,
  op: string,
): void {
  const params = withStruct ? WITH_STRUCT.ptr : NO_STRUCT.ptr;
  const status = driver().cuLaunchKernel(
    fn,
    grid[0],
    grid[1],
    grid[2],
    block,
    1,
    1,
    sharedBytes,
    ctx.stream,
    params,
    null,
  );
  launchStats.launches++;
  if (status !== 0) check(status, "cuLaunchKernel", ctx.device, op);
}
