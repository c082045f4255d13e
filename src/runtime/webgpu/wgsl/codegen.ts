// Shared WGSL rendering: bindings (one per distinct buffer, so an input that aliases the output
// shares its read-write binding), per-operand element accessors over raw 32-bit words, the
// uniform meta block, and the linear thread index over a 2-D grid of workgroups.

import { apply, PRELUDE, type WgslType } from "./types.ts";

/** Threads per workgroup of the elementwise kernels. */
export const WORKGROUP = 256;

/** How a kernel binds one buffer. */
export type Access = "read" | "write" | "atomic";

/** One operand of a kernel: its dtype row and which binding (1-based, after the uniform). */
export interface OperandSpec {
  readonly type: WgslType;
  readonly binding: number;
}

/** A binding: its access mode. Bindings are numbered from 1 (0 is the uniform meta block). */
export interface BindingSpec {
  readonly access: Access;
}

/** The uniform meta block and its reader `mt(k)`. */
export const META = `
struct Meta { m: array<vec4<i32>, 32> }
@group(0) @binding(0) var<uniform> U: Meta;
fn mt(k: i32) -> i32 { return U.m[k >> 2u][k & 3]; }
fn mtu(k: i32) -> u32 { return bitcast<u32>(U.m[k >> 2u][k & 3]); }
`;

/** Renders the storage bindings. */
export function renderBindings(bindings: readonly BindingSpec[]): string {
  return bindings.map((b, i) => {
    const n = i + 1;
    if (b.access === "read") {
      return `@group(0) @binding(${n}) var<storage, read> B${n}: array<u32>;`;
    }
    const el = b.access === "atomic" ? "atomic<u32>" : "u32";
    return `@group(0) @binding(${n}) var<storage, read_write> B${n}: array<${el}>;`;
  }).join("\n");
}

function word(b: number, access: Access, w: string): string {
  return access === "atomic" ? `atomicLoad(&B${b}[${w}])` : `B${b}[${w}]`;
}

/** `rl{k}(e) -> raw` and `ld{k}(e) -> compute` for operand k (element index e, an i32). */
export function renderLoad(k: number, op: OperandSpec, bindings: readonly BindingSpec[]): string {
  const acc = bindings[op.binding - 1].access;
  const b = op.binding;
  const t = op.type;
  let body: string;
  switch (t.bits) {
    case 32:
      body = `return ${word(b, acc, "u32(e)")};`;
      break;
    case 64:
      body = `let w = u32(e) * 2u; return vec2<u32>(${word(b, acc, "w")}, ${
        word(b, acc, "w + 1u")
      });`;
      break;
    case 16:
      body = `let w = ${word(b, acc, "u32(e) >> 1u")}; ` +
        `return (w >> ((u32(e) & 1u) * 16u)) & 0xffffu;`;
      break;
    case 8:
      body = `let w = ${word(b, acc, "u32(e) >> 2u")}; ` +
        `return (w >> ((u32(e) & 3u) * 8u)) & 0xffu;`;
      break;
  }
  return `fn rl${k}(e: i32) -> ${t.raw} { ${body} }\n` +
    `fn ld${k}(e: i32) -> ${t.compute} { return ${apply(t.unpack, `rl${k}(e)`)}; }`;
}

/** `ws{k}(e, raw)` and `st{k}(e, value)` for an output operand k. */
export function renderStore(k: number, op: OperandSpec, bindings: readonly BindingSpec[]): string {
  const acc = bindings[op.binding - 1].access;
  const b = op.binding;
  const t = op.type;
  let body: string;
  if (t.bits === 32 || t.bits === 64) {
    if (acc === "atomic") {
      body = t.bits === 32
        ? `atomicStore(&B${b}[u32(e)], r);`
        : `atomicStore(&B${b}[u32(e) * 2u], r.x); atomicStore(&B${b}[u32(e) * 2u + 1u], r.y);`;
    } else {
      body = t.bits === 32
        ? `B${b}[u32(e)] = r;`
        : `B${b}[u32(e) * 2u] = r.x; B${b}[u32(e) * 2u + 1u] = r.y;`;
    }
  } else {
    // Sub-word lanes: clear then set this element's bits; other threads only touch other bits.
    const per = 32 / t.bits;
    const mask = t.bits === 8 ? "0xffu" : "0xffffu";
    body = `let w = u32(e) / ${per}u; let sh = (u32(e) % ${per}u) * ${t.bits}u; ` +
      `atomicAnd(&B${b}[w], ~(${mask} << sh)); atomicOr(&B${b}[w], (r & ${mask}) << sh);`;
  }
  return `fn ws${k}(e: i32, r: ${t.raw}) { ${body} }\n` +
    `fn st${k}(e: i32, v: ${t.compute}) { ws${k}(e, ${apply(t.pack, "v")}); }`;
}

/** The access an output of this dtype needs (sub-word lanes need atomics). */
export function outputAccess(t: WgslType): Access {
  return t.bits < 32 ? "atomic" : "write";
}

/**
 * Assigns bindings to operands: one binding per distinct buffer, the output's access winning
 * when an input aliases it. `buffers[k]` identifies operand k's buffer; the last is the output.
 */
export function assignBindings(
  types: readonly WgslType[],
  buffers: readonly unknown[],
  outputs: number,
): { operands: OperandSpec[]; bindings: BindingSpec[]; order: number[] } {
  const bindings: { access: Access }[] = [];
  const seen = new Map<unknown, number>();
  const order: number[] = [];
  const operands: OperandSpec[] = types.map(() => ({ type: types[0], binding: 0 }));
  const n = types.length;
  // Outputs first, so that their access decides a shared binding.
  const visit = [...Array(n).keys()].slice(n - outputs).concat([...Array(n - outputs).keys()]);
  for (const k of visit) {
    const isOut = k >= n - outputs;
    let b = seen.get(buffers[k]);
    if (b === undefined) {
      bindings.push({ access: isOut ? outputAccess(types[k]) : "read" });
      b = bindings.length;
      seen.set(buffers[k], b);
      order.push(k);
    } else if (isOut && types[k].bits < 32) {
      bindings[b - 1].access = "atomic";
    } else if (!isOut && bindings[b - 1].access === "read") {
      // Input aliasing an input: stays read.
    }
    operands[k] = { type: types[k], binding: b };
  }
  return { operands, bindings, order };
}

/** The kernel header: prelude, meta block, bindings, accessors. */
export function renderHeader(
  operands: readonly OperandSpec[],
  bindings: readonly BindingSpec[],
  outputs: number,
): string {
  const n = operands.length;
  const access = operands.map((op, k) =>
    k >= n - outputs
      ? renderStore(k, op, bindings) + "\n" + renderLoad(k, op, bindings)
      : renderLoad(k, op, bindings)
  );
  return [PRELUDE, META, renderBindings(bindings), ...access].join("\n");
}

/** The entry point signature and the linear thread index `gi` (u32) over the 2-D grid. */
export function entry(workgroup = WORKGROUP): string {
  return `@compute @workgroup_size(${workgroup})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gi = (wid.y * nwg.x + wid.x) * ${workgroup}u + lid;`;
}
