// The elementwise kernel template: n inputs and one output, each walked through its own strides
// and offset (uniforms), one thread per output element. Unary, binary, compare, ternary, cast,
// copy and fill are all this template with another body.

import {
  assignBindings,
  type BindingSpec,
  entry,
  type OperandSpec,
  renderHeader,
} from "./codegen.ts";
import { withHelpers } from "./helpers.ts";
import { apply, PRELUDE, type WgslType } from "./types.ts";
import { META, WORKGROUP } from "./codegen.ts";

/** Meta slots of the map kernels. */
export const MAP_META = { n: 0, ndim: 1, offsets: 2, params: 6, shape: 8 } as const;
/** Most operands (inputs + output) of a map kernel. */
export const MAP_OPERANDS_MAX = 4;

/** What a map kernel computes per element. */
export interface MapBody {
  /** Cache key part naming the computation (e.g. `"binary:add"`). */
  readonly key: string;
  /**
   * WGSL of the element function `fn f(x|a, b, c) -> out` (without the signature), or null for
   * a raw copy (same dtype) or a fill from the params slots.
   */
  readonly body: string | null;
  /** `"copy"` (raw bits of input 0), `"fill"` (raw bits from the params), or `"fn"`. */
  readonly mode: "copy" | "fill" | "fn";
  /** Output compute type of `f` (the output row's compute type when omitted). */
  readonly out?: string;
  /** Whether the kernel binds the error flag. */
  readonly flags?: boolean;
}

/** A rendered map kernel and how to bind it. */
export interface MapKernel {
  readonly key: string;
  readonly source: () => string;
  /** Operand index bound at each binding (binding k+1 holds operand order[k]'s buffer). */
  readonly order: readonly number[];
  readonly bindings: readonly BindingSpec[];
}

const ARG_NAMES = ["a", "b", "c"];

/**
 * The map kernel for operand rows `types` (inputs..., output), `buffers` identifying each
 * operand's buffer (aliasing shares a binding), and `nd1` when the coalesced layout has at most
 * one dimension.
 */
export function mapKernel(
  body: MapBody,
  types: readonly WgslType[],
  buffers: readonly unknown[],
  nd1: boolean,
  vec4 = false,
): MapKernel {
  const { operands, bindings, order } = assignBindings(types, buffers, 1);
  const pattern = operands.map((o) => o.binding).join("");
  const shape = vec4 ? "v4" : nd1 ? 1 : "n";
  const key = `map:${body.key}:${types.map((t) => t.dtype).join(",")}:${pattern}:${shape}`;
  const source = vec4
    ? () => renderMapVec4(body, operands, bindings)
    : () => renderMap(body, operands, bindings, nd1);
  return { key, order, bindings, source };
}

/**
 * The contiguous variant for 32-bit operands with unit strides and offsets that are multiples of
 * 4: each thread handles 4 consecutive elements with one vec4 load per input and one vec4 store
 * (the tail past the last full vec4 goes element by element).
 */
function renderMapVec4(
  body: MapBody,
  operands: readonly OperandSpec[],
  bindings: readonly BindingSpec[],
): string {
  const n = operands.length;
  const out = n - 1;
  const inputs = operands.slice(0, out);
  const lines: string[] = [PRELUDE, META];
  bindings.forEach((b, i) => {
    const mode = b.access === "read" ? "read" : "read_write";
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${mode}> V${i + 1}: array<vec4<u32>>;`);
  });
  if (body.flags) {
    lines.push(
      `@group(0) @binding(${
        bindings.length + 1
      }) var<storage, read_write> ERR: array<atomic<u32>>;`,
    );
  }
  const outT = operands[out].type;
  if (body.mode === "fn") {
    const names = inputs.length === 1 ? ["x"] : ARG_NAMES;
    const params = inputs.map((o, k) => `${names[k]}: ${o.type.compute}`).join(", ");
    const ret = body.out ?? outT.compute;
    lines.push(`fn f(${params}) -> ${ret} { ${body.body} }`);
  }
  // raw(k, lane) -> u32 word of element lane; res(lane) -> the output word.
  const res = (w: (k: number) => string): string => {
    switch (body.mode) {
      case "copy":
        return w(0);
      case "fill":
        return `mtu(${MAP_META.params})`;
      case "fn": {
        const args = inputs.map((o, k) => apply(o.type.unpack, w(k))).join(", ");
        return apply(outT.pack, `f(${args})`);
      }
    }
  };
  const offs = (k: number) => `mt(${MAP_META.offsets + k})`;
  const vb = (k: number) => `V${operands[k].binding}`;
  lines.push(`@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gi = i32((wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid);
  let nn = mt(0);
  let e = gi * 4;
  if (e >= nn) { return; }
  if (e + 3 < nn) {
${inputs.map((_, k) => `    let w${k} = ${vb(k)}[(${offs(k)} + e) / 4];`).join("\n")}
    ${vb(out)}[(${offs(out)} + e) / 4] = vec4<u32>(${
    ["x", "y", "z", "w"].map((c) => res((k) => `w${k}.${c}`)).join(", ")
  });
  } else {
    for (var j = e; j < nn; j++) {
      ${vb(out)}[(${offs(out)} + j) / 4][j % 4] = ${
    res((k) => `${vb(k)}[(${offs(k)} + j) / 4][j % 4]`)
  };
    }
  }
}`);
  return withHelpers(lines.join("\n"));
}

function renderMap(
  body: MapBody,
  operands: readonly OperandSpec[],
  bindings: readonly BindingSpec[],
  nd1: boolean,
): string {
  const n = operands.length;
  const out = n - 1;
  const inputs = operands.slice(0, out);
  const lines: string[] = [renderHeader(operands, bindings, 1)];
  if (body.flags) {
    lines.push(
      `@group(0) @binding(${
        bindings.length + 1
      }) var<storage, read_write> ERR: array<atomic<u32>>;`,
    );
  }
  if (body.mode === "fn") {
    const names = inputs.length === 1 ? ["x"] : ARG_NAMES;
    const params = inputs.map((o, k) => `${names[k]}: ${o.type.compute}`).join(", ");
    const ret = body.out ?? operands[out].type.compute;
    lines.push(`fn f(${params}) -> ${ret} { ${body.body} }`);
  }
  lines.push(entry());
  lines.push(`  if (gi >= mtu(0)) { return; }`);
  const offs = (k: number) => `mt(${MAP_META.offsets + k})`;
  if (nd1) {
    for (let k = 0; k < n; k++) {
      lines.push(`  let e${k} = ${offs(k)} + i32(gi) * mt(${MAP_META.shape + 1 + k});`);
    }
  } else {
    lines.push(`  let nd = mt(1);`);
    for (let k = 0; k < n; k++) lines.push(`  var e${k} = ${offs(k)};`);
    lines.push(`  var rest = i32(gi);`);
    lines.push(`  for (var d = nd - 1; d >= 0; d--) {`);
    lines.push(`    let s = mt(${MAP_META.shape} + d);`);
    lines.push(`    let c = rest % s; rest = rest / s;`);
    for (let k = 0; k < n; k++) {
      lines.push(`    e${k} += c * mt(${MAP_META.shape} + nd * ${k + 1} + d);`);
    }
    lines.push(`  }`);
  }
  switch (body.mode) {
    case "copy":
      lines.push(`  ws${out}(e${out}, rl0(e0));`);
      break;
    case "fill": {
      const raw = operands[out].type.raw === "u32"
        ? `mtu(${MAP_META.params})`
        : `vec2<u32>(mtu(${MAP_META.params}), mtu(${MAP_META.params + 1}))`;
      lines.push(`  ws${out}(e${out}, ${raw});`);
      break;
    }
    case "fn": {
      const args = inputs.map((_, k) => `ld${k}(e${k})`).join(", ");
      lines.push(`  st${out}(e${out}, f(${args}));`);
      break;
    }
  }
  lines.push("}");
  return withHelpers(lines.join("\n"));
}
