// Graph capture: record the ops of a function once and replay them. On CUDA the ops are captured
// from numr's stream (cuStreamBeginCapture, relaxed mode) into a graph that is instantiated and
// launched with cuGraphLaunch, with the allocator frozen during the capture (blocks allocated by
// the captured ops belong to the graph). Backends without graphs replay eagerly: the function
// runs again and its results are copied into the first results.

import { NumrError } from "../core/errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { getBackend } from "./backend.ts";
import type { DeviceName } from "./storage.ts";
import type { CudaBackend } from "./cuda/backend.ts";
import { check, driver } from "./cuda/driver.ts";
import type { GraphPool } from "./cuda/allocator.ts";
import { setCapturing } from "./capture_state.ts";

/** What a captured function may return: a tensor, or an array or record of tensors. */
export type GraphOutput = Tensor | readonly Tensor[] | { readonly [key: string]: Tensor };

/** A captured graph: `outputs` are rewritten in place by every `replay()`. */
export interface CapturedGraph<T extends GraphOutput> {
  /** The tensors the function returned (filled by the capture run and by each replay). */
  readonly outputs: T;
  /** True when the device replays a recorded graph (false: the function runs again). */
  readonly recorded: boolean;
  /** Runs the captured work again, writing the same output tensors. */
  replay(): void;
  /** Frees the graph (the outputs stay valid). */
  dispose(): void;
  /** Same as `dispose()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * True when `device` records graphs (CUDA); elsewhere `captureGraph` replays eagerly.
 *
 * @example
 * ```ts
 * import { supportsGraphCapture } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(supportsGraphCapture("cpu"), false);
 * assert.equal(supportsGraphCapture("cuda:0"), true);
 * ```
 */
export function supportsGraphCapture(device: DeviceName): boolean {
  return device === "cuda" || device.startsWith("cuda:");
}

function tensorsOf(out: GraphOutput): Tensor[] {
  if (Array.isArray(out)) return [...out];
  if (typeof (out as Tensor).dtype === "string" && "shape" in out) return [out as Tensor];
  return Object.values(out as Record<string, Tensor>);
}

/**
 * Captures the ops `fn` queues on `device` into a replayable graph. Inputs must exist before
 * the capture; replays read their current values. The function must not read values back.
 *
 * @throws {NumrError} `InvalidArgument` when `fn` reads device memory or copies host data in.
 * @example
 * ```ts
 * import { captureGraph, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2, 3]);
 * const g = captureGraph(() => x.mul(2).add(1), { device: "cpu" });
 * assert.deepEqual(g.outputs.toArray(), [3, 5, 7]);
 * g.replay();
 * assert.deepEqual(g.outputs.toArray(), [3, 5, 7]);
 * g.dispose();
 * ```
 */
export function captureGraph<T extends GraphOutput>(
  fn: () => T,
  options: { device?: DeviceName } = {},
): CapturedGraph<T> {
  const device = options.device ?? "cpu";
  if (supportsGraphCapture(device)) return captureCuda(fn, getBackend(device) as CudaBackend);
  const outputs = fn();
  const targets = tensorsOf(outputs);
  return {
    outputs,
    recorded: false,
    replay(): void {
      const again = tensorsOf(fn());
      for (let i = 0; i < targets.length; i++) {
        getBackend(targets[i].device).cast(again[i], targets[i]);
        again[i].dispose();
      }
    },
    dispose(): void {},
    [Symbol.dispose](): void {},
  };
}

/** cudaStreamCaptureModeRelaxed: other threads' unsafe calls are not an error. */
const CAPTURE_RELAXED = 2;

function captureCuda<T extends GraphOutput>(fn: () => T, backend: CudaBackend): CapturedGraph<T> {
  const d = driver();
  const ctx = backend.ctx;
  ctx.synchronize();
  const pool: GraphPool = backend.allocator.beginCapture();
  ctx.capturing = true;
  setCapturing(backend.name, true);
  let outputs: T | undefined;
  let error: unknown;
  const graphOut = new BigUint64Array(1);
  let endStatus = 0;
  try {
    check(d.cuStreamBeginCapture_v2(ctx.stream, CAPTURE_RELAXED), "cuStreamBeginCapture");
    try {
      outputs = fn();
    } catch (e) {
      error = e;
    }
    endStatus = d.cuStreamEndCapture(ctx.stream, graphOut);
  } finally {
    ctx.capturing = false;
    setCapturing(backend.name, false);
    backend.allocator.endCapture();
  }
  const graph = Deno.UnsafePointer.create(graphOut[0]);
  if (error !== undefined || endStatus !== 0) {
    if (graph !== null) d.cuGraphDestroy(graph);
    backend.allocator.releasePool(pool);
    if (error !== undefined) throw error;
    check(endStatus, "cuStreamEndCapture", ctx.device);
  }
  const execOut = new BigUint64Array(1);
  check(d.cuGraphInstantiateWithFlags(execOut, graph, 0n), "cuGraphInstantiate", ctx.device);
  const exec = Deno.UnsafePointer.create(execOut[0]);
  let disposed = false;
  const replay = (): void => {
    if (disposed) {
      throw new NumrError("InvalidArgument", "The graph was disposed", { device: ctx.device });
    }
    ctx.makeCurrent();
    check(d.cuGraphLaunch(exec, ctx.stream), "cuGraphLaunch", ctx.device);
  };
  // Capturing records the work without running it: run it once for the outputs.
  replay();
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    ctx.synchronize();
    d.cuGraphExecDestroy(exec);
    d.cuGraphDestroy(graph);
    backend.allocator.releasePool(pool);
  };
  return { outputs: outputs!, recorded: true, replay, dispose, [Symbol.dispose]: dispose };
}
