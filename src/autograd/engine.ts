// The reverse-mode engine: finds the part of the graph between the outputs and the wanted
// tensors with an explicit stack (no recursion, so deep graphs cannot overflow the call stack),
// runs each node's vjp once all of its consumers have delivered their gradients (Kahn's order),
// frees each gradient as soon as it is consumed, and reports each leaf's gradient the moment it
// is final.

import { NumrError } from "../core/errors.ts";
import type { DType } from "../dtype/dtypes.ts";
import { add } from "../ops/binary.ts";
import { cast } from "../ops/cast.ts";
import { sum } from "../ops/reduce.ts";
import { full, zeros } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, contiguous, reshape } from "../tensor/views.ts";
import {
  type AutogradMeta,
  fitHooks,
  gradMode,
  type Node,
  releaseNode,
  reverseTracked,
} from "./graph.ts";
import type { GradContext } from "./rules.ts";

/**
 * Called by backward as each leaf's gradient becomes final, that is once every contribution to
 * it has been accumulated (in reverse topological order, so the last layers' parameters come
 * first). A data-parallel trainer can start the all-reduce of a gradient while backward goes on.
 *
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const w = nr.tensor([1, 2], { dtype: "f64" }).requiresGrad();
 * const ready: number[][] = [];
 * const hook: nr.autograd.BackwardHook = {
 *   onLeafGradReady: (_leaf, grad) => ready.push(grad.toArray() as number[]),
 * };
 * w.mul(w).sum().backward(undefined, { hook });
 * assert.deepEqual(ready, [[2, 4]]);
 * ```
 */
export interface BackwardHook {
  /**
   * `leaf` is the tensor the gradient belongs to; `grad` is this backward pass's gradient of it
   * (`leaf.grad` holds the running sum over passes and is already updated).
   */
  onLeafGradReady(leaf: Tensor, grad: Tensor): void;
}

/** Options of `backward`. */
export interface BackwardOptions {
  /** Keep the saved tensors so backward can run through the graph again (default false). */
  retainGraph?: boolean;
  /**
   * Record the backward computation, so the gradients are differentiable themselves (higher
   * order; PyTorch's `create_graph`). Implies `retainGraph`.
   */
  createGraph?: boolean;
  /** Called as each leaf's gradient is final. */
  hook?: BackwardHook;
}

/** Options of {@link gradients}. */
export interface GradientsOptions extends BackwardOptions {
  /** The gradient of each output (default: ones, for outputs of one element). */
  gradOutputs?: readonly (Tensor | null | undefined)[];
}

// ---- fitting gradients to their operands ----

/**
 * Sums `g` over the axes that broadcasting added or stretched, giving `shape` (the one helper
 * that makes gradients of broadcast operands fit them; rules may also call it).
 *
 * @throws {NumrError} `BroadcastError` when `shape` does not broadcast to `g`'s shape.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const g = nr.ones([2, 3], { dtype: "f64" });
 * assert.deepEqual(nr.autograd.sumToShape(g, [2, 1]).toArray(), [[3], [3]]);
 * assert.deepEqual(nr.autograd.sumToShape(g, [3]).toArray(), [2, 2, 2]);
 * ```
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  if (g.ndim < shape.length || g.size < shapeSize(shape)) {
    return broadcastTo(g, shape as number[]);
  }
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length === 0 ? g : sum(g, { axis: axes, keepdims: true });
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A gradient made to fit an operand: summed to its shape and cast to its dtype (what the engine
 * does with every gradient a rule returns).
 *
 * @throws {NumrError} `BroadcastError` when `shape` does not broadcast to `g`'s shape.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const g = nr.autograd.fitGrad(nr.ones([4, 2], { dtype: "f64" }), [2], "f32");
 * assert.equal(g.dtype, "f32");
 * assert.deepEqual(g.toArray(), [4, 4]);
 * ```
 */
export function fitGrad(g: Tensor, shape: readonly number[], dtype: DType | undefined): Tensor {
  let r = sumToShape(g, shape);
  if (dtype !== undefined && r.dtype !== dtype) r = cast(r, dtype);
  return r;
}

fitHooks.tangent = (t: Tensor, y: Tensor): Tensor => {
  let r = t.dtype === y.dtype ? t : cast(t, y.dtype);
  if (!sameShape(r.shape, y.shape)) r = broadcastTo(r, y.shape as number[]);
  return r;
};

// ---- the engine ----

interface Plan {
  /** Nodes that lead to a wanted tensor, with the number of their consumers still pending. */
  deps: Map<Node, number>;
  /** Wanted tensors with the number of contributions still to come. */
  pending: Map<AutogradMeta, number>;
}

/**
 * Walks the graph from the roots (iteratively) and keeps the nodes from which a wanted tensor
 * can be reached. `stop` tensors are wanted and not walked through (functional gradients).
 */
function plan(
  roots: readonly AutogradMeta[],
  wanted: (m: AutogradMeta) => boolean,
  stop: (m: AutogradMeta) => boolean,
): Plan {
  const needed = new Map<Node, boolean>();
  const stack: [Node, number][] = [];
  const enter = (m: AutogradMeta) => {
    if (stop(m) || m.node === null || needed.has(m.node)) return;
    needed.set(m.node, false);
    stack.push([m.node, 0]);
  };
  for (const r of roots) enter(r);
  // Post-order walk: a node is needed when one of its parents is wanted or needed.
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1]++;
      const p = node.parents[i];
      if (p !== null) enter(p);
      continue;
    }
    stack.pop();
    let need = node.outMetas.some((m) => m !== null && m.retain);
    for (const p of node.parents) {
      if (p === null) continue;
      if (wanted(p) || (!stop(p) && p.node !== null && needed.get(p.node) === true)) need = true;
    }
    needed.set(node, need);
  }
  const deps = new Map<Node, number>();
  const pending = new Map<AutogradMeta, number>();
  for (const r of roots) if (wanted(r)) pending.set(r, (pending.get(r) ?? 0) + 1);
  for (const [node, need] of needed) {
    if (!need) continue;
    deps.set(node, deps.get(node) ?? 0);
    for (const p of node.parents) {
      if (p === null) continue;
      if (wanted(p)) pending.set(p, (pending.get(p) ?? 0) + 1);
      if (!stop(p) && p.node !== null && needed.get(p.node) === true) {
        deps.set(p.node, (deps.get(p.node) ?? 0) + 1);
      }
    }
  }
  return { deps, pending };
}

/** Handles that must outlive backward: seeds, saved tensors, results. */
const keep = new WeakSet<Tensor>();

/** Gradients in flight: each held tensor with the number of slots holding it. */
class Holds {
  #count = new Map<Tensor, number>();
  hold(t: Tensor): void {
    this.#count.set(t, (this.#count.get(t) ?? 0) + 1);
  }
  drop(t: Tensor): void {
    const n = (this.#count.get(t) ?? 0) - 1;
    if (n > 0) this.#count.set(t, n);
    else this.#count.delete(t);
  }
  /** Disposes the tensors of `list` that no slot holds and nobody else may see. */
  sweep(list: readonly (Tensor | null | undefined)[], protect: ReadonlySet<Tensor>): void {
    for (const t of list) {
      if (t == null || this.#count.has(t) || keep.has(t) || protect.has(t)) continue;
      t.dispose();
    }
  }
}

interface RunOptions {
  createGraph: boolean;
  retainGraph: boolean;
  hook?: BackwardHook;
  /** Functional mode: the wanted tensors, not walked through; results are returned. */
  targets?: readonly AutogradMeta[];
}

function seedFor(y: Tensor, g: Tensor | null | undefined, op: string): Tensor {
  if (g != null) {
    if (!sameShape(g.shape, y.shape)) {
      throw new NumrError(
        "ShapeMismatch",
        `The gradient [${g.shape.join(", ")}] does not match the output [${y.shape.join(", ")}]`,
        { op, shapes: [y.shape, g.shape] },
      );
    }
    return g;
  }
  if (y.size !== 1) {
    throw new NumrError(
      "InvalidArgument",
      `${op} of a tensor of ${y.size} elements needs its gradient (only one-element outputs ` +
        `default to ones)`,
      { op, shapes: [y.shape] },
    );
  }
  return full(y.shape as number[], 1, { dtype: y.dtype, device: y.device });
}

/** Runs reverse mode from `roots` with gradients `seeds`. Returns the wanted gradients. */
function run(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: RunOptions,
  op: string,
): Map<AutogradMeta, Tensor> {
  const targets = opts.targets === undefined ? null : new Set(opts.targets);
  const wanted = targets === null
    ? (m: AutogradMeta) => (m.node === null && m.requiresGrad) || m.retain
    : (m: AutogradMeta) => targets.has(m);
  const stop = targets === null ? () => false : (m: AutogradMeta) => targets.has(m);
  const rootMetas = roots.map((r) => r._ag!);
  const { deps, pending } = plan(rootMetas, wanted, stop);
  const protect = new Set<Tensor>(seeds);
  const holds = new Holds();
  const slots = new Map<Node, (Tensor | null)[]>();
  const results = new Map<AutogradMeta, Tensor>();
  const device = seeds[0]?.device ?? "cpu";
  const recording = gradMode.recording;
  const paused = gradMode.paused;
  gradMode.recording = opts.createGraph;
  gradMode.paused = false;
  try {
    const deliverSlot = (node: Node, index: number, g: Tensor) => {
      let s = slots.get(node);
      if (s === undefined) slots.set(node, s = node.outShapes.map(() => null));
      const old = s[index];
      if (old === null) {
        s[index] = g;
        holds.hold(g);
        return;
      }
      const sum = add(old, g);
      s[index] = sum;
      holds.hold(sum);
      holds.drop(old);
      holds.sweep([old, g], protect);
    };
    const finish = (m: AutogradMeta, g: Tensor) => {
      keep.add(g);
      results.set(m, g);
      if (targets !== null) {
        if (m.leaf !== null) opts.hook?.onLeafGradReady(m.leaf, g);
        return;
      }
      const stored = m.grad === null ? contiguous(g) : add(m.grad, g);
      if (stored !== g) keep.add(stored);
      m.grad = stored;
      if (m.leaf !== null && m.node === null) opts.hook?.onLeafGradReady(m.leaf, g);
    };
    const partial = new Map<AutogradMeta, Tensor>();
    const deliverWanted = (m: AutogradMeta, g: Tensor) => {
      const prev = partial.get(m);
      const total = prev === undefined ? g : add(prev, g);
      if (prev !== undefined) {
        partial.delete(m);
        holds.drop(prev);
        holds.sweep([prev, g], protect);
      }
      const left = (pending.get(m) ?? 1) - 1;
      pending.set(m, left);
      if (left > 0) {
        partial.set(m, total);
        holds.hold(total);
        return;
      }
      finish(m, total);
    };
    const deliver = (m: AutogradMeta, g: Tensor) => {
      if (wanted(m) && (stop(m) || m.node === null)) deliverWanted(m, g);
      else if (m.node !== null && deps.has(m.node)) deliverSlot(m.node, m.index, g);
    };
    rootMetas.forEach((m, i) => deliver(m, seeds[i]));
    // Kahn's order: a node runs once every consumer has delivered (deps reached 0).
    const ready: Node[] = [];
    for (const [node, n] of deps) if (n === 0) ready.push(node);
    while (ready.length > 0) {
      const node = ready.pop()!;
      const gs = slots.get(node) ?? node.outShapes.map(() => null);
      slots.delete(node);
      const filled = gs.map((g, i) =>
        g ?? zeros(node.outShapes[i] as number[], { dtype: node.outDtypes[i], device })
      );
      node.outMetas.forEach((m, i) => {
        if (m === null || !m.retain || gs[i] === null) return;
        if (wanted(m) && m.node !== null) finish(m, gs[i]!);
      });
      const grads = runRule(node, filled, deps, wanted, stop, op);
      for (const g of gs) if (g !== null) holds.drop(g);
      const fitted = grads.map((g, i) =>
        g == null ? null : fitGrad(g, node.shapes[i], node.dtypes[i])
      );
      node.parents.forEach((p, i) => {
        const g = fitted[i];
        if (p !== null && g !== null) deliver(p, g);
      });
      holds.sweep([...gs, ...filled, ...grads, ...fitted], protect);
      if (!opts.retainGraph && !opts.createGraph) releaseNode(node);
      for (const p of node.parents) {
        if (p === null || stop(p) || p.node === null || !deps.has(p.node)) continue;
        const left = deps.get(p.node)! - 1;
        deps.set(p.node, left);
        if (left === 0) ready.push(p.node);
      }
    }
    // Wanted tensors that received every contribution but were never finished (zero pending
    // can only happen for roots), and those that got nothing, are left out.
    return results;
  } finally {
    gradMode.recording = recording;
    gradMode.paused = paused;
  }
}

function runRule(
  node: Node,
  gs: readonly Tensor[],
  deps: ReadonlyMap<Node, number>,
  wanted: (m: AutogradMeta) => boolean,
  stop: (m: AutogradMeta) => boolean,
  op: string,
): readonly (Tensor | null | undefined)[] {
  const def = node.def;
  if (def.vjp === undefined) {
    throw new NumrError(
      "NotDifferentiable",
      `${def.name} is not differentiable, but a tensor that requires grad flows through it`,
      { op: def.name, shapes: node.shapes, dtypes: node.dtypes.map((d) => d ?? "scalar") },
    );
  }
  if (node.released) {
    throw new NumrError(
      "InvalidArgument",
      `${op} ran through the graph of ${def.name} a second time, but its saved tensors were ` +
        `freed: pass retainGraph: true to the first backward`,
      { op },
    );
  }
  const needs = node.parents.map((p) =>
    p !== null && (wanted(p) || (!stop(p) && p.node !== null && deps.has(p.node)))
  );
  const ctx: GradContext = {
    inputs: node.inputs ?? node.shapes.map(() => null),
    output: node.outputs?.[0] as Tensor,
    outputs: node.outputs ?? [],
    params: node.params,
    shapes: node.shapes,
    dtypes: node.dtypes,
    needs,
  };
  const vjp = def.vjp as (c: GradContext, g: Tensor, all: readonly Tensor[]) => ReturnType<
    typeof runRule
  >;
  const grads = vjp(ctx, gs[0], gs);
  return grads.map((g, i) => (needs[i] ? g : null));
}

function checkRoots(ys: readonly Tensor[], op: string): void {
  for (const y of ys) {
    if (!(y instanceof Tensor)) {
      throw new NumrError("InvalidArgument", `${op} needs tensors`, { op });
    }
    if (!reverseTracked(y as unknown)) {
      throw new NumrError(
        "InvalidArgument",
        `${op} of a tensor that does not require grad: make an input require it with ` +
          `requiresGrad() (or use nr.autograd.grad)`,
        { op, shapes: [y.shape], dtypes: [y.dtype] },
      );
    }
  }
}

/**
 * Computes the gradient of `y` (one-element, or with `grad` given) with respect to every leaf
 * that requires grad, adding it into each leaf's `.grad` (and into `.grad` of tensors that
 * called `retainGrad`). The saved tensors are freed as backward goes, unless `retainGraph`.
 *
 * @throws {NumrError} `InvalidArgument` when `y` is not tracked or a non-scalar `y` has no
 * `grad`, `NotDifferentiable` when a tracked tensor went through a non-differentiable op,
 * `ShapeMismatch` for a `grad` of the wrong shape.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([1, 2, 3], { dtype: "f64" }).requiresGrad();
 * nr.autograd.backward(x.mul(x).sum());
 * assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
 * ```
 */
export function backward(y: Tensor, grad?: Tensor | null, options: BackwardOptions = {}): void {
  const op = "backward";
  checkRoots([y], op);
  const seed = seedFor(y, grad, op);
  const createGraph = options.createGraph ?? false;
  run([y], [seed], {
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    hook: options.hook,
  }, op);
}

/**
 * The gradients of `outputs` with respect to `inputs` (PyTorch's `torch.autograd.grad`),
 * returned instead of accumulated into `.grad`; only the graph between them is walked. An input
 * that the outputs do not depend on gets zeros.
 *
 * @throws {NumrError} `InvalidArgument` for untracked outputs or inputs, `NotDifferentiable`.
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([3], { dtype: "f64" }).requiresGrad();
 * const y = x.mul(x).mul(x).sum();
 * const [dy] = nr.autograd.gradients([y], [x], { createGraph: true });
 * const [d2y] = nr.autograd.gradients([dy.sum()], [x]);
 * assert.deepEqual(dy.toArray(), [27]);
 * assert.deepEqual(d2y.toArray(), [18]);
 * ```
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradientsOptions = {},
): Tensor[] {
  const op = "gradients";
  checkRoots(outputs, op);
  checkRoots(inputs, op);
  const seeds = outputs.map((y, i) => seedFor(y, options.gradOutputs?.[i], op));
  const createGraph = options.createGraph ?? false;
  const metas = inputs.map((x) => x._ag!);
  const results = run(outputs, seeds, {
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    hook: options.hook,
    targets: metas,
  }, op);
  return inputs.map((x, i) =>
    results.get(metas[i]) ?? zeros(x.shape as number[], { dtype: x.dtype, device: x.device })
  );
}
