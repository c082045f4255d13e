// The recording side of autograd: per-tensor state (AutogradMeta), graph nodes, the global mode
// (recording on/off, active forward-mode levels) and `withGrad`, the one call every
// differentiable op makes. Untracked code pays one property check per operand.

import { NumrError } from "../core/errors.ts";
import { DTYPES } from "../dtype/dtypes.ts";
import type { DType } from "../dtype/dtypes.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { GradContext, GradInput, GradRules } from "./rules.ts";

/** What the graph needs of an op's declaration: its name and its rules. */
export interface GradDef extends GradRules {
  /** The op's public name (named in errors). */
  readonly name: string;
}

/**
 * Autograd state of one tensor (shared by the handles the graph keeps of it). A tensor is
 * tracked in reverse mode when it requires a gradient (a leaf) or was made by a recorded op
 * (`node`); in forward mode when it carries tangents.
 */
export class AutogradMeta {
  /** A leaf that the user asked gradients for. */
  requiresGrad = false;
  /** The recorded op that made this tensor (null for leaves). */
  node: Node | null = null;
  /** Which output of `node` this tensor is. */
  index = 0;
  /** The accumulated gradient (leaves, and tensors that asked `retainGrad`). */
  grad: Tensor | null = null;
  /** Keep the gradient of a non-leaf in `grad` too. */
  retain = false;
  /** The user's tensor, for leaves (handed to backward hooks). */
  leaf: Tensor | null = null;
  /** Forward-mode tangents by level. */
  tangents: Map<number, Tensor> | null = null;
}

let nextNodeId = 0;

/** One recorded op call: the edge from its outputs back to its tracked operands. */
export class Node {
  /** Creation order (a node is always created after its parents). */
  readonly id: number = nextNodeId++;
  /** Saved operands (handles that keep their storage), or null once freed / not saved. */
  inputs: GradInput[] | null;
  /** Saved outputs, or null. */
  outputs: Tensor[] | null;
  /** Set once backward freed the saved tensors (without retainGraph). */
  released = false;
  /** Handles of tensors inside `params` (index arrays, masks), freed with the node. */
  paramHandles: Tensor[] = [];

  constructor(
    /** The op's declaration. */
    readonly def: GradDef,
    /** Meta of each operand that gradients flow to (null for the others). */
    readonly parents: readonly (AutogradMeta | null)[],
    inputs: GradInput[] | null,
    outputs: Tensor[] | null,
    /** The op's non-tensor arguments. */
    readonly params: unknown,
    /** Operand shapes. */
    readonly shapes: readonly (readonly number[])[],
    /** Operand dtypes. */
    readonly dtypes: readonly (DType | undefined)[],
    /** Output shapes. */
    readonly outShapes: readonly (readonly number[])[],
    /** Output dtypes. */
    readonly outDtypes: readonly DType[],
    /** Output metas that asked to keep their gradient, filled by retainGrad. */
    readonly outMetas: (AutogradMeta | null)[],
  ) {
    this.inputs = inputs;
    this.outputs = outputs;
  }
}

/** Global autograd mode. */
export const gradMode = {
  /** Reverse-mode recording is on (off inside `noGrad` and while an op runs its internals). */
  recording: true,
  /** Set while an op computes its result: the ops it calls internally record nothing. */
  paused: false,
  /** Forward-mode levels currently active (innermost last). */
  levels: [] as number[],
  /** Tangents of levels above this are invisible (while a level's jvp rule runs). */
  levelMax: Infinity,
};

let nextLevel = 1;

/** Opens a forward-mode level (used by `jvp`). */
export function enterLevel(): number {
  const level = nextLevel++;
  gradMode.levels.push(level);
  return level;
}

/** Closes the innermost forward-mode level. */
export function exitLevel(level: number): void {
  const i = gradMode.levels.lastIndexOf(level);
  if (i >= 0) gradMode.levels.splice(i, 1);
}

function levelVisible(level: number): boolean {
  return level <= gradMode.levelMax && gradMode.levels.includes(level);
}

/** The autograd meta of a tensor, made on first use. */
export function metaOf(t: Tensor): AutogradMeta {
  return t._ag ??= new AutogradMeta();
}

/** True when an op called now on `x` must go through {@link withGrad} (the one cheap check). */
export function tracking(x: unknown): boolean {
  return x instanceof Tensor && x._ag !== undefined && !gradMode.paused;
}

/** True when `x` is a tensor autograd has seen. */
export function hasAg(x: unknown): boolean {
  return x instanceof Tensor && x._ag !== undefined;
}

/** True when `x` is a tensor that reverse mode tracks now. */
export function reverseTracked(x: unknown): x is Tensor {
  if (!(x instanceof Tensor)) return false;
  const m = x._ag;
  return m !== undefined && (m.node !== null || m.requiresGrad);
}

/** The tangent of `x` at a forward-mode level, if any. */
export function tangentAt(x: unknown, level: number): Tensor | null {
  if (!(x instanceof Tensor)) return null;
  return x._ag?.tangents?.get(level) ?? null;
}

/** Real floats carry gradients; complex outputs are tracked only to fail loudly at backward. */
function gradDtype(d: DType): "float" | "complex" | null {
  const k = DTYPES[d].kind;
  return k === "float" ? "float" : k === "complex" ? "complex" : null;
}

/**
 * A new handle on `t`'s storage sharing its autograd meta, so a saved tensor survives the user
 * disposing `t` and still leads back into the graph (for higher-order gradients).
 */
export function keepHandle(t: Tensor): Tensor {
  const h = t.view(t.shape, t.strides, t.offset);
  h._ag = t._ag;
  return h;
}

/** Disposes the handles a node saved. */
export function releaseNode(node: Node): void {
  for (const x of node.inputs ?? []) if (x instanceof Tensor) x.dispose();
  for (const y of node.outputs ?? []) y.dispose();
  for (const h of node.paramHandles) h.dispose();
  node.paramHandles = [];
  node.inputs = null;
  node.outputs = null;
  node.released = true;
}

/**
 * `params` with each tensor inside (in arrays and plain objects) replaced by a handle of its
 * own, so rules can read index arrays and masks that the caller disposes after the op.
 */
function retainParams(params: unknown, handles: Tensor[], depth = 0): unknown {
  if (params instanceof Tensor) {
    const h = params.view(params.shape, params.strides, params.offset);
    h._ag = params._ag;
    handles.push(h);
    return h;
  }
  if (depth > 3 || params === null || typeof params !== "object") return params;
  if (Array.isArray(params)) return params.map((p) => retainParams(p, handles, depth + 1));
  if (Object.getPrototypeOf(params) !== Object.prototype) return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = retainParams(v, handles, depth + 1);
  return out;
}

function shapeOf(x: GradInput): readonly number[] {
  return x instanceof Tensor ? x.shape : [];
}

function dtypeOf(x: GradInput): DType | undefined {
  return x instanceof Tensor ? x.dtype : undefined;
}

/** A rule that refuses: used for complex operands, which have no gradient rules yet. */
function complexStub(name: string): GradDef {
  return {
    name,
    vjp: () => {
      throw new NumrError(
        "NotDifferentiable",
        `Gradients through complex values are not supported (op ${name})`,
        { op: name },
      );
    },
  };
}

/**
 * Runs an op's `compute` and, when an operand is tracked, records it: a graph node for reverse
 * mode and output tangents for forward mode. Ops call it with their declaration, their operands
 * in order (tensors or scalars) and their non-tensor arguments.
 *
 * Internals of `compute` record nothing (the op is one node). Outputs of integer or bool dtype
 * are never tracked.
 */
export function withGrad<T extends Tensor | Tensor[]>(
  def: GradDef,
  inputs: readonly GradInput[],
  params: unknown,
  compute: () => T,
): T {
  if (gradMode.paused) return compute();
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    if (x instanceof Tensor && x._ag !== undefined) {
      any = true;
      break;
    }
  }
  if (!any) return compute();
  gradMode.paused = true;
  let out: T;
  try {
    out = compute();
  } finally {
    gradMode.paused = false;
  }
  let outputs = (Array.isArray(out) ? out : [out]) as Tensor[];
  // An op that hands back one of its operands (or a tracked tensor) gets a fresh handle, so
  // the result's autograd state is its own.
  if (outputs.some((y) => y._ag !== undefined)) {
    outputs = outputs.map((y) => (y._ag !== undefined ? y.view(y.shape, y.strides, y.offset) : y));
    out = (Array.isArray(out) ? outputs : outputs[0]) as T;
  }
  if (gradMode.recording) recordNode(def, inputs, params, outputs);
  propagateTangents(def, inputs, params, outputs);
  return out;
}

function recordNode(
  def: GradDef,
  inputs: readonly GradInput[],
  params: unknown,
  outputs: readonly Tensor[],
): void {
  let complex = false;
  const parents = inputs.map((x) => {
    if (!reverseTracked(x)) return null;
    const kind = gradDtype(x.dtype);
    if (kind === "complex") complex = true;
    return kind === null ? null : x._ag!;
  });
  if (parents.every((p) => p === null)) return;
  const kinds = outputs.map((y) => gradDtype(y.dtype));
  if (kinds.every((k) => k === null)) return;
  if (kinds.includes("complex")) complex = true;
  const saves = def.saves ?? "all";
  const saveIn = saves === "all" || saves === "inputs";
  const saveOut = saves === "all" || saves === "output";
  const handles: Tensor[] = [];
  const node = new Node(
    complex ? complexStub(def.name) : def,
    parents,
    saveIn ? inputs.map((x) => (x instanceof Tensor ? keepHandle(x) : x)) : null,
    null,
    retainParams(params, handles),
    inputs.map(shapeOf),
    inputs.map(dtypeOf),
    outputs.map((y) => y.shape),
    outputs.map((y) => y.dtype),
    outputs.map(() => null),
  );
  node.paramHandles = handles;
  outputs.forEach((y, i) => {
    if (kinds[i] === null) return;
    const m = metaOf(y);
    m.node = node;
    m.index = i;
  });
  if (saveOut) node.outputs = outputs.map(keepHandle);
}

function propagateTangents(
  def: GradDef,
  inputs: readonly GradInput[],
  params: unknown,
  outputs: readonly Tensor[],
): void {
  const levels = new Set<number>();
  for (const x of inputs) {
    if (!(x instanceof Tensor) || x._ag?.tangents == null) continue;
    for (const level of x._ag.tangents.keys()) if (levelVisible(level)) levels.add(level);
  }
  if (levels.size === 0) return;
  if (def.jvp === undefined) {
    throw new NumrError(
      "NotDifferentiable",
      `${def.name} has no forward-mode rule (jvp)`,
      { op: def.name, shapes: inputs.map(shapeOf) },
    );
  }
  const ctx: GradContext = {
    inputs,
    output: outputs[0],
    outputs,
    params,
    shapes: inputs.map(shapeOf),
    dtypes: inputs.map(dtypeOf),
    needs: inputs.map(() => false),
  };
  // Levels in increasing order: the rule of a level sees only the levels below it, so a
  // tangent carries the tangents of outer levels and never its own (no perturbation confusion).
  for (const level of [...levels].sort((a, b) => a - b)) {
    const ts = inputs.map((x) => tangentAt(x, level));
    const saved = gradMode.levelMax;
    gradMode.levelMax = level - 1;
    let result: Tensor | readonly Tensor[];
    try {
      result = (def.jvp as (c: GradContext, t: readonly (Tensor | null)[]) => typeof result)(
        ctx,
        ts,
      );
    } finally {
      gradMode.levelMax = saved;
    }
    const list = Array.isArray(result) ? result : [result as Tensor];
    outputs.forEach((y, i) => {
      if (gradDtype(y.dtype) !== "float" || list[i] == null) return;
      const m = metaOf(y);
      (m.tangents ??= new Map()).set(level, fitTangent(list[i], y));
    });
  }
}

/** Hook for the tangent fitter (set by engine.ts, which owns the ops it needs). */
export const fitHooks = {
  /** Broadcasts/casts a tangent to the layout of its primal. */
  tangent: (t: Tensor, _y: Tensor): Tensor => t,
};

function fitTangent(t: Tensor, y: Tensor): Tensor {
  return fitHooks.tangent(t, y);
}

/**
 * Runs `fn` with reverse-mode recording off (forward-mode tangents still flow).
 *
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([1, 2], { dtype: "f64" }).requiresGrad();
 * const y = nr.autograd.noGrad(() => x.mul(2));
 * assert.equal(y.tracksGrad, false);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const saved = gradMode.recording;
  gradMode.recording = false;
  try {
    return fn();
  } finally {
    gradMode.recording = saved;
  }
}

/**
 * Runs `fn` with reverse-mode recording on (inside {@link noGrad}, for example).
 *
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([1, 2], { dtype: "f64" }).requiresGrad();
 * const y = nr.autograd.noGrad(() => nr.autograd.enableGrad(() => x.mul(2)));
 * assert.equal(y.tracksGrad, true);
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  const saved = gradMode.recording;
  gradMode.recording = true;
  try {
    return fn();
  } finally {
    gradMode.recording = saved;
  }
}
