// WebGPU parity: every unary, binary, comparison, logical, ternary op, cast and fill on every
// dtype the GPU runs, over every layout (offsets, negative, zero and stepped strides), against
// the CPU backend. Skips when no WebGPU adapter exists.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { BINARY_OPS } from "../src/ops/binary.ts";
import { COMPARE_OPS, LOGICAL_OPS } from "../src/ops/compare.ts";
import { UNARY_OPS } from "../src/ops/unary.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";
import { broadcastPair, broadcastTriple } from "./_elementwise.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally } from "./_webgpu.ts";

const ignore = !HAS_GPU;
const TRIG = new Set(["sin", "cos", "tan"]);
const COMPLEX_TRIG = new Set(["exp", "exp2", "sign", "log", "log2", "log10", "sqrt", "rsqrt"]);

/** GPU transcendental functions are not correctly rounded: a few f32 ulps apart from the CPU. */
function tolerance(op: string, d: DType) {
  if (d === "bool" && op === "add") return {};
  const exact = new Set(["neg", "abs", "sign", "square", "floor", "ceil", "round", "trunc"]);
  if (exact.has(op) || op === "add" || op === "sub" || op === "mul" || op === "maximum") return {};
  return { atol: 1e-5, rtol: 2e-5 };
}

Deno.test({
  name: "webgpu: unary ops match the CPU on every dtype and layout",
  ignore,
  async fn() {
    const rng = new Rng(11);
    const tally: Tally = { compared: 0, unsupported: 0 };
    let li = 0;
    for (const op of [...Object.keys(UNARY_OPS), "logicalNot"]) {
      for (const d of GPU_DTYPES) {
        const layout = LAYOUTS[li++ % LAYOUTS.length];
        const shape = randomShape(rng, { maxDims: 3, maxDim: 5 });
        // GPU sin/cos lose accuracy far from zero (no Payne-Hanek reduction): no huge values.
        const special = !TRIG.has(op) && !(d === "c64" && COMPLEX_TRIG.has(op));
        const x = randomTensor(
          rng,
          d,
          layout === "broadcast" && shape.length === 0 ? [3] : shape,
          layout,
          { special },
        );
        const label = `${op} ${d} ${layout} [${x.shape}]`;
        // deno-lint-ignore no-explicit-any
        const f = (nr as any)[op] as (t: Tensor) => Tensor;
        await parity(label, op, d, [x], ([t]) => f(t), tally, tolerance(op, d));
        x.dispose();
      }
    }
    console.log(`unary: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: binary ops, comparisons and logical ops match the CPU with broadcasting",
  ignore,
  async fn() {
    const rng = new Rng(12);
    const tally: Tally = { compared: 0, unsupported: 0 };
    let li = 0;
    const ops = [
      ...Object.keys(BINARY_OPS),
      ...Object.keys(COMPARE_OPS),
      ...Object.keys(LOGICAL_OPS),
    ];
    for (const op of ops) {
      for (const d of GPU_DTYPES) {
        const [sa, sb] = broadcastPair(rng);
        const la = LAYOUTS[li++ % LAYOUTS.length];
        const lb = LAYOUTS[(li * 7) % LAYOUTS.length];
        const positive = op === "pow";
        const a = randomTensor(rng, d, sa, sa.length === 0 ? "contiguous" : la, { positive });
        const b = randomTensor(rng, d, sb, sb.length === 0 ? "contiguous" : lb, {
          positive,
          scale: positive ? 1 : 3,
        });
        const label = `${op} ${d} ${la}[${sa}] ${lb}[${sb}]`;
        // deno-lint-ignore no-explicit-any
        const f = (nr as any)[op] as (x: Tensor, y: Tensor) => Tensor;
        await parity(label, op, d, [a, b], ([x, y]) => f(x, y), tally, tolerance(op, d));
        a.dispose();
        b.dispose();
      }
    }
    console.log(`binary: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: where, clamp, mulAdd match the CPU",
  ignore,
  async fn() {
    const rng = new Rng(13);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const op of ["where", "clamp", "mulAdd"]) {
      for (const d of GPU_DTYPES) {
        const [s0, s1, s2] = broadcastTriple(rng);
        const layout = rng.pick(LAYOUTS);
        const c = randomTensor(
          rng,
          op === "where" ? "bool" : d,
          s0,
          s0.length ? layout : "contiguous",
        );
        const a = randomTensor(rng, d, s1);
        const b = randomTensor(rng, d, s2, s2.length ? "flipped" : "contiguous");
        const label = `${op} ${d} [${s0}] [${s1}] [${s2}]`;
        await parity(
          label,
          op,
          d,
          [c, a, b],
          ([x, y, z]) =>
            op === "where"
              ? nr.where(x, y, z)
              : op === "clamp"
              ? nr.clamp(x, y, z)
              : nr.mulAdd(x, y, z),
          tally,
        );
        for (const t of [a, b, c]) t.dispose();
      }
    }
    console.log(`ternary: ${tally.compared} compared, ${tally.unsupported} unsupported`);
  },
});

Deno.test({
  name: "webgpu: casts between every pair of GPU dtypes, and fill, match the CPU",
  ignore,
  async fn() {
    const rng = new Rng(14);
    const tally: Tally = { compared: 0, unsupported: 0 };
    let li = 0;
    for (const from of GPU_DTYPES) {
      for (const to of GPU_DTYPES) {
        const layout = LAYOUTS[li++ % LAYOUTS.length];
        const x = randomTensor(rng, from, [3, 4], layout);
        await parity(
          `cast ${from}->${to} ${layout}`,
          "cast",
          from,
          [x],
          ([t]) => nr.cast(t, to),
          tally,
        );
        x.dispose();
      }
      const y = randomTensor(rng, from, [2, 3]);
      const v = from === "bool"
        ? true
        : from === "c64"
        ? { re: 1.5, im: -2 }
        : from.startsWith("i") || from.startsWith("u")
        ? 7
        : 2.5;
      await parity(`full ${from}`, "full", from, [y], ([t]) => nr.fullLike(t, v), tally);
      y.dispose();
    }
    console.log(`cast/fill: ${tally.compared} compared, ${tally.unsupported} unsupported`);
  },
});

Deno.test({
  name: "webgpu: complex transcendentals match the CPU on a grid of special values",
  ignore,
  async fn() {
    const parts = [
      0,
      -0,
      1,
      -1,
      0.5,
      -2,
      1e-30,
      7,
      -30,
      100,
      1e10,
      -1e30,
      Infinity,
      -Infinity,
      NaN,
    ];
    // Periodic parts stay below 1e4 (GPU sin/cos have no Payne-Hanek reduction).
    const grid = (periodic: boolean) => {
      const re: number[] = [];
      const im: number[] = [];
      for (const a of parts) {
        for (const b of parts) {
          if (periodic && Number.isFinite(b) && Math.abs(b) > 1e4) continue;
          re.push(a);
          im.push(b);
        }
      }
      return nr.complex(nr.tensor(re, { dtype: "f32" }), nr.tensor(im, { dtype: "f32" }));
    };
    const z = grid(false);
    const zp = grid(true);
    const periodic = new Set(["sinh", "cosh", "tanh", "expm1"]);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const ops = [
      "sinh",
      "cosh",
      "tanh",
      "asin",
      "acos",
      "atan",
      "asinh",
      "acosh",
      "atanh",
      "expm1",
      "log1p",
    ];
    for (const op of ops) {
      // deno-lint-ignore no-explicit-any
      const f = (nr as any)[op] as (t: Tensor) => Tensor;
      await parity(
        `${op} c64 special`,
        op,
        "c64",
        [periodic.has(op) ? zp : z],
        ([t]) => f(t),
        tally,
        {
          atol: 1e-5,
          rtol: 2e-5,
        },
      );
    }
    z.dispose();
    zp.dispose();
    assert.equal(tally.unsupported, 0);
  },
});
