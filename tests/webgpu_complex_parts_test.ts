// complex(re, im) and polar(r, θ) on WebGPU against the CPU: f32/f16/bf16 parts into c64,
// broadcasting and strided layouts; complex bit for bit, polar within a few f32 ulps (the CPU
// rounds r·cos θ once from f64, the GPU rounds sin/cos (the accurate helpers of wgsl/math.ts,
// not WGSL's builtins) and then the product). Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { LAYOUTS, randomTensor, Rng } from "./_random.ts";
import { HAS_GPU, parity, type Tally, toGpu } from "./_webgpu.ts";

const ignore = !HAS_GPU;
const PARTS: DType[] = ["f32", "f16", "bf16"];
const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 1e-20, 3e38, -3e38, Infinity, -Infinity, NaN];

/** Every pair of SPECIAL as two flat tensors of `dtype`. */
function grid(dtype: DType): [Tensor, Tensor] {
  const a: number[] = [];
  const b: number[] = [];
  for (const x of SPECIAL) {
    for (const y of SPECIAL) {
      a.push(x);
      b.push(y);
    }
  }
  return [
    nr.tensor(a, { dtype: "f64" }).astype(dtype),
    nr.tensor(b, { dtype: "f64" }).astype(dtype),
  ];
}

Deno.test({
  name: "webgpu: complex(re, im) matches the CPU bit for bit (f32/f16/bf16, layouts, broadcast)",
  ignore,
  async fn() {
    await nr.webgpu();
    const rng = new Rng(21);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const d of PARTS) {
      const [re, im] = grid(d);
      await parity(
        `complex ${d} special`,
        "complex",
        d,
        [re, im],
        ([a, b]) => nr.complex(a, b),
        tally,
        {
          bits: true,
        },
      );
      for (const layout of LAYOUTS) {
        const [a, b] = [randomTensor(rng, d, [5, 7], layout), randomTensor(rng, d, [5, 7], layout)];
        const f = ([x, y]: readonly Tensor[]) => nr.complex(x, y);
        await parity(`complex ${d} ${layout}`, "complex", d, [a, b], f, tally, { bits: true });
      }
      // Broadcasting: [3, 1] with [4], a 0-d part, an empty result.
      const cases: [number[], number[]][] = [[[3, 1], [4]], [[], [6]], [[0, 2], [2]]];
      for (const [sa, sb] of cases) {
        const [a, b] = [randomTensor(rng, d, sa), randomTensor(rng, d, sb)];
        const f = ([x, y]: readonly Tensor[]) => nr.complex(x, y);
        await parity(`complex ${d} [${sa}] [${sb}]`, "complex", d, [a, b], f, tally, {
          bits: true,
        });
      }
    }
    // Mixed part dtypes promote first (f16 with bf16 -> f32 parts), scalars broadcast.
    const h = nr.tensor([1.5, -2], { dtype: "f16" });
    const g = nr.tensor([0.25, 3], { dtype: "bf16" });
    const z = nr.complex(toGpu(h), toGpu(g));
    assert.equal(z.dtype, "c64");
    assert.deepEqual(await z.array(), [{ re: 1.5, im: 0.25 }, { re: -2, im: 3 }]);
    const s = nr.complex(toGpu(h), 2);
    assert.deepEqual(await s.array(), [{ re: 1.5, im: 2 }, { re: -2, im: 2 }]);
    console.log(`complex: ${tally.compared} compared, ${tally.unsupported} unsupported`);
    assert.equal(tally.unsupported, 0);
  },
});

/** Orders f32 values so that adjacent floats differ by 1. */
function ord(x: number): number {
  const i = new Int32Array(new Float32Array([x]).buffer)[0];
  return i < 0 ? -2147483648 - i : i;
}

/** Normwise distance of one part in f32 ulps of the larger part of the CPU's result. */
function dist(g: number, c: number, cr: number, ci: number): number {
  if (Number.isNaN(g) || Number.isNaN(c)) return Number.isNaN(g) && Number.isNaN(c) ? 0 : Infinity;
  if (!Number.isFinite(g) || !Number.isFinite(c)) return g === c ? 0 : Infinity;
  const big = Math.max(Math.abs(cr), Math.abs(ci));
  if (big === 0) return Math.abs(ord(g) - ord(c)) === 0 || g === 0 ? 0 : Infinity;
  const ulp = 2 ** (Math.floor(Math.log2(Math.max(big, 2 ** -126))) - 23);
  return Math.abs(g - c) / ulp;
}

/** Asserts the c64 results agree within `tol` ulps; returns the worst distance. */
async function polarClose(label: string, r: Tensor, t: Tensor, tol: number): Promise<number> {
  const cpu = nr.polar(r, t).dataSync() as Float32Array;
  const y = nr.polar(toGpu(r), toGpu(t));
  const gpu = (await y.data()) as Float32Array;
  y.dispose();
  assert.equal(gpu.length, cpu.length);
  const [rs, ts] = [r.toArray() as number[], t.toArray() as number[]];
  let worst = 0;
  for (let i = 0; i < cpu.length / 2; i++) {
    const [cr, ci, gr, gi] = [cpu[2 * i], cpu[2 * i + 1], gpu[2 * i], gpu[2 * i + 1]];
    const d = Math.max(dist(gr, cr, cr, ci), dist(gi, ci, cr, ci));
    if (d > tol) {
      assert.fail(
        `${label} polar(${rs[i]}, ${ts[i]}): GPU ${gr}, ${gi} vs CPU ${cr}, ${ci} (${d} ulps)`,
      );
    }
    worst = Math.max(worst, d);
  }
  return worst;
}

Deno.test({
  name: "webgpu: polar(r, θ) within a few ulps of the CPU (f32/f16/bf16, wide angles, specials)",
  ignore,
  async fn() {
    await nr.webgpu();
    const rng = new Rng(22);
    const n = 4096;
    const report: string[] = [];
    for (const d of PARTS) {
      const r = new Float64Array(n);
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        r[i] = (rng.next() < 0.5 ? -1 : 1) * Math.exp(-40 + 120 * rng.next());
        const k = i % 4;
        // Small, moderate and large angles (the argument reduction), and near k·π/2.
        t[i] = k === 0
          ? 2 * rng.next() - 1
          : k === 1
          ? 200 * rng.next() - 100
          : k === 2
          ? (rng.next() < 0.5 ? -1 : 1) * Math.exp(40 * rng.next())
          : Math.floor(1 + 1000 * rng.next()) * Math.PI / 2;
      }
      const rt = nr.tensor(r, { dtype: "f64" }).astype(d);
      const tt = nr.tensor(t, { dtype: "f64" }).astype(d);
      report.push(`${d} ${(await polarClose(d, rt, tt, 3)).toFixed(2)}`);
      const [gr, gt] = grid(d);
      await polarClose(`${d} special`, gr, gt, 3);
      // Broadcasting a column of magnitudes against a row of angles.
      const col = nr.tensor([[1], [-2], [1e10]], { dtype: "f64" }).astype(d);
      const row = nr.tensor([0, 0.5, -3, 1e5], { dtype: "f64" }).astype(d);
      await polarClose(`${d} broadcast`, col.broadcastTo([3, 4]), row.broadcastTo([3, 4]), 3);
      const z = nr.polar(toGpu(col), toGpu(row));
      assert.deepEqual(z.shape, [3, 4]);
      assert.equal(z.dtype, "c64");
    }
    console.log(`polar max ulps: ${report.join(", ")}`);
  },
});

Deno.test({
  name: "webgpu: complex/polar reject complex parts and run on their parts' dtype",
  ignore,
  async fn() {
    await nr.webgpu();
    const z = toGpu(nr.complex(nr.tensor([1]), nr.tensor([2])));
    for (const f of [nr.complex, nr.polar]) {
      assert.throws(
        () => f(z, z),
        (e: unknown) => e instanceof nr.NumrError && e.code === "UnsupportedDType",
      );
    }
    // f64 parts give c128, which WebGPU does not run.
    const x = toGpu(nr.tensor([1], { dtype: "f64" }));
    assert.throws(
      () => nr.polar(x, x),
      (e: unknown) => e instanceof nr.NumrError && e.code === "UnsupportedDType",
    );
  },
});
