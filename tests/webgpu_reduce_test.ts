// WebGPU parity for reductions (every op × GPU dtype × axes × layout, keepdims), shape ops that
// compose over copy and fill (cat, stack, pad, roll, tile, repeat, flip, getitem), the matmul
// kernel (batched, transposed views, bias) and the runtime's errors. Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally, toGpu } from "./_webgpu.ts";
import { getBackend } from "../src/runtime/backend.ts";

const ignore = !HAS_GPU;
const LONG = new Set(["f32", "i32", "bool", "c64", "f16"]);
const REDUCE = ["sum", "prod", "mean", "max", "min", "argmax", "argmin", "any", "all"] as const;

Deno.test({
  name: "webgpu: reductions match the CPU over axes, keepdims and layouts",
  ignore,
  async fn() {
    const rng = new Rng(21);
    const tally: Tally = { compared: 0, unsupported: 0 };
    let li = 0;
    for (const op of REDUCE) {
      for (const d of GPU_DTYPES) {
        // Long rows (the workgroup tree) on a few dtypes keep the suite fast on software adapters.
        for (const long of LONG.has(d) ? [false, true] : [false]) {
          // Long rows take the workgroup tree; short ones the one-thread-per-output path.
          const shape = long ? [3, 300] : randomShape(rng, { maxDims: 3, maxDim: 5 });
          const layout = LAYOUTS[li++ % LAYOUTS.length];
          const x = randomTensor(rng, d, shape, shape.length === 0 ? "contiguous" : layout, {
            scale: op === "prod" ? 0.5 : 3,
            special: op !== "prod" && op !== "sum" && op !== "mean",
          });
          const axis = op.startsWith("arg")
            ? (shape.length > 0 ? rng.int(-shape.length, shape.length - 1) : undefined)
            : shape.length > 1 && rng.next() < 0.5
            ? [0, shape.length - 1]
            : undefined;
          const keepdims = rng.next() < 0.3;
          const label = `${op} ${d} ${layout} [${shape}] axis ${axis} keepdims ${keepdims}`;
          await parity(
            label,
            op,
            d,
            [x],
            ([t]) => {
              // deno-lint-ignore no-explicit-any
              const f = (nr as any)[op] as (t: Tensor, o: unknown) => Tensor;
              return f(t, { axis, keepdims });
            },
            tally,
            { atol: 1e-4, rtol: 1e-4 },
          );
          x.dispose();
        }
      }
    }
    console.log(`reduce: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: shape ops and indexing views compose over copy and fill unchanged",
  ignore,
  async fn() {
    const rng = new Rng(22);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const cases: [string, (xs: readonly Tensor[]) => Tensor][] = [
      ["cat", ([a, b]) => nr.cat([a, b], 1)],
      ["stack", ([a, b]) => nr.stack([a, b], -1)],
      ["pad", ([a]) => nr.pad(a, [[1, 2], [0, 1]])],
      ["roll", ([a]) => nr.roll(a, 2, 1)],
      ["tile", ([a]) => nr.tile(a, [2, 1])],
      ["repeat", ([a]) => nr.repeat(a, [1, 2])],
      ["flatten", ([a]) => nr.flatten(a.transpose())],
      ["flip", ([a]) => a.flip().contiguous()],
      ["reshape", ([a]) => a.transpose().reshape([-1])],
    ];
    for (const d of ["f32", "i32", "u8", "bool", "f16", "c64"] as const) {
      const a = randomTensor(rng, d, [3, 4], "flipped");
      const b = randomTensor(rng, d, [3, 4], "stepped");
      for (const [op, f] of cases) await parity(`${op} ${d}`, op, d, [a, b], f, tally);
      a.dispose();
      b.dispose();
    }
    console.log(`shape ops: ${tally.compared} compared, ${tally.unsupported} unsupported`);
  },
});

Deno.test({
  name: "webgpu: f32 matmul fast path (vec4 tiles): partial tiles, batch broadcast, bias",
  ignore,
  async fn() {
    const rng = new Rng(29);
    for (const [batch, m, k, n, withBias] of [[2, 132, 36, 136, true], [1, 3, 4, 8, false]]) {
      const a = randomTensor(
        rng,
        "f32",
        [batch as number, m as number, k as number],
        "contiguous",
        {
          special: false,
        },
      );
      const b = randomTensor(rng, "f32", [k as number, n as number], "contiguous", {
        special: false,
      });
      const bias = randomTensor(rng, "f32", [n as number], "contiguous", { special: false });
      const [ga, gb, gbias] = [a, b, bias].map(toGpu);
      // b is shared by the batch (a broadcast operand of the primitive).
      const y = withBias ? nr.matmulBias(ga, gb, gbias) : nr.matmul(ga, gb);
      const got = await y.data() as Float32Array;
      const av = a.dataSync() as Float32Array;
      const bv = b.dataSync() as Float32Array;
      const cv = bias.dataSync() as Float32Array;
      const [B, M, K, N] = [batch, m, k, n] as number[];
      for (let z = 0; z < B; z++) {
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let s = withBias ? cv[j] : 0;
            for (let q = 0; q < K; q++) s += av[(z * M + i) * K + q] * bv[q * N + j];
            const g = got[(z * M + i) * N + j];
            assert.ok(Math.abs(g - s) <= 1e-4 * (1 + Math.abs(s)), `${z},${i},${j}: ${g} vs ${s}`);
          }
        }
      }
      for (const t of [a, b, bias, ga, gb, gbias, y]) t.dispose();
    }
  },
});

Deno.test({
  name: "webgpu: matmul kernel is batched, reads transposed views and adds a bias",
  ignore,
  async fn() {
    const rng = new Rng(23);
    for (const d of ["f32", "bf16"] as const) {
      for (const [batch, m, k, n] of [[1, 1, 1, 1], [2, 67, 20, 65], [3, 5, 40, 7]]) {
        const a = randomTensor(rng, d, [batch, m, k], "offset", { special: false });
        const bt = randomTensor(rng, d, [batch, n, k], "contiguous", { special: false });
        const bias = randomTensor(rng, d, [n], "contiguous", { special: false });
        const [ga, gbt, gbias] = [a, bt, bias].map(toGpu);
        const y = nr.matmulBias(ga, gbt.transpose(1, 2), gbias);
        const got = await y.data() as ArrayLike<number>;
        const av = nr.cast(a, "f64").dataSync() as Float64Array;
        const bv = nr.cast(bt, "f64").dataSync() as Float64Array;
        const cv = nr.cast(bias, "f64").dataSync() as Float64Array;
        const tol = d === "f32" ? 1e-4 : 0.1;
        for (let z = 0; z < batch; z++) {
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = cv[j];
              for (let q = 0; q < k; q++) s += av[(z * m + i) * k + q] * bv[(z * n + j) * k + q];
              const g = got[(z * m + i) * n + j];
              assert.ok(
                Math.abs(g - s) <= tol * (1 + Math.abs(s)),
                `${d} ${z},${i},${j}: ${g} vs ${s}`,
              );
            }
          }
        }
        for (const t of [a, bt, bias, ga, gbt, gbias, y]) t.dispose();
      }
    }
  },
});

Deno.test({
  name: "webgpu: device mismatch, sync reads and unsupported dtypes throw clear errors",
  ignore,
  async fn() {
    const g = nr.tensor([1, 2, 3], { device: "webgpu" });
    const c = nr.tensor([1, 2, 3]);
    assert.throws(() => nr.add(g, c), (e: nr.NumrError) => e.code === "DeviceMismatch");
    assert.throws(() => g.toArray(), (e: nr.NumrError) => e.code === "InvalidArgument");
    assert.throws(
      () => nr.tensor([1], { dtype: "f64", device: "webgpu" }).add(1),
      (e: nr.NumrError) => e.code === "UnsupportedDType" && e.device === "webgpu",
    );
    assert.deepEqual([...(await g.data())], [1, 2, 3]);
    assert.deepEqual((await g.toAsync("cpu")).toArray(), [1, 2, 3]);
    assert.deepEqual(await nr.add(g, 1).array(), [2, 3, 4]);
    // Integer pow with a negative exponent is flagged on the GPU and thrown at the next read.
    const p = nr.pow(nr.tensor([2, 3], { dtype: "i32", device: "webgpu" }), -1);
    await assert.rejects(() => p.data(), (e: nr.NumrError) => e.code === "InvalidArgument");
    // The flag is cleared by the read that reported it.
    assert.deepEqual([...(await g.data())], [1, 2, 3]);
    // Many workgroups: past 65,535 the grid goes 2-D.
    const big = nr.full([65536 * 256 + 3], 1, { dtype: "u8", device: "webgpu" });
    const s = nr.sum(big);
    assert.equal((await s.data())[0], BigInt(65536 * 256 + 3));
    for (const t of [g, c, p, big, s]) t.dispose();
  },
});

/** n pseudo-random f32 values in [-1, 1) (fast for millions). */
function bigF32(n: number, seed: number): Tensor {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s / 4294967296 * 2 - 1;
  }
  return nr.tensor(a, { dtype: "f32" });
}

/** Bits of a GPU result on the host. */
async function bits(t: Tensor): Promise<Uint8Array> {
  const h = await t.toAsync("cpu");
  const b = new Uint8Array(h.contiguous().storage.byteLength);
  b.set(getBackend("cpu").readSync(h.contiguous().storage, 0, b.byteLength));
  h.dispose();
  return b;
}

Deno.test({
  name: "webgpu: large reductions (split passes, vector loads, outer axes) match the CPU",
  ignore,
  async fn() {
    const tally: Tally = { compared: 0, unsupported: 0 };
    // 16M + 3: a tail of 3 past the last quad, and several chunks per output.
    const n = (1 << 24) + 3;
    const x = bigF32(n, 7);
    const ops = [...REDUCE];
    for (const op of ops) {
      // Sums of n values in [-1, 1) (|sum| ~ 4e3): the CPU's order differs; the trees of both
      // are ~2e-3 from the f64 sum. Products of ±1, 2 and 0.5 are exact in any order.
      const atol = op === "sum" ? 1e-2 : 1e-6;
      const factors = (): Tensor =>
        nr.where(nr.gt(x, 0.9999), 2, nr.where(nr.lt(x, -0.9999), -0.5, 1)).astype("f32");
      await parity(
        `${op} f32 [${n}]`,
        op,
        "f32",
        [op === "prod" ? factors() : x],
        ([t]) => {
          // deno-lint-ignore no-explicit-any
          return ((nr as any)[op] as (t: Tensor) => Tensor)(t);
        },
        tally,
        { atol, rtol: 1e-6, bits: !["sum", "mean"].includes(op) },
      );
    }
    x.dispose();
    // 5M over other dtypes; an offset view takes the element-wise loads.
    const m = 5_000_000;
    const rng = new Rng(31);
    for (const d of ["f16", "i32", "u8", "c64", "i64"] as const) {
      const base = randomTensor(rng, d, [m + 1], "contiguous", { scale: 3, special: false });
      const views = d === "f16" || d === "i32" ? [base, nr.narrow(base, 0, 1, m)] : [base];
      for (const view of views) {
        for (const op of ["sum", "max", "argmin", "any"] as const) {
          const exact = op !== "sum" || !["f16", "bf16", "c64"].includes(d);
          await parity(
            `${op} ${d} [${m}]`,
            op,
            d,
            [view],
            ([t]) => {
              // deno-lint-ignore no-explicit-any
              return ((nr as any)[op] as (t: Tensor) => Tensor)(t);
            },
            tally,
            { atol: 1e-6 * m, rtol: 1e-5, bits: exact },
          );
        }
      }
      base.dispose();
    }
    // Axis reductions of big 2-D inputs: inner (row mode), outer (cols mode), transposed views.
    const big = bigF32(1100 * 2051, 11).reshape([1100, 2051]);
    for (const t of [big, big.transpose()]) {
      for (const axis of [0, 1]) {
        for (const op of REDUCE) {
          if (op === "prod") continue;
          await parity(
            `${op} f32 [${t.shape}] axis ${axis}`,
            op,
            "f32",
            [t],
            // deno-lint-ignore no-explicit-any
            ([u]) => ((nr as any)[op] as (t: Tensor, o: unknown) => Tensor)(u, { axis }),
            tally,
            { atol: 1e-4, rtol: 1e-5, bits: !["sum", "mean"].includes(op) },
          );
        }
      }
    }
    big.dispose();
    console.log(`large reductions: ${tally.compared} compared`);
  },
});

Deno.test({
  name: "webgpu: reductions are deterministic and layout-independent in their order",
  ignore,
  async fn() {
    const n = 5_000_003;
    const h = bigF32(n + 1, 5);
    const g = toGpu(h);
    const contiguous = nr.narrow(g, 0, 0, n);
    const offset = nr.narrow(g, 0, 1, n); // element-wise loads, same order
    const a = await bits(nr.sum(contiguous));
    const b = await bits(nr.sum(contiguous));
    assert.deepEqual(a, b, "same bits twice");
    const c = await bits(nr.sum(nr.narrow(toGpu(nr.narrow(h, 0, 0, n).contiguous()), 0, 0, n)));
    assert.deepEqual(a, c, "same bits from another buffer");
    const o1 = await bits(nr.sum(offset));
    const o2 = await bits(nr.sum(toGpu(nr.narrow(h, 0, 1, n).contiguous())));
    assert.deepEqual(o1, o2, "vector and element-wise loads fold in the same order");
    const m = g.reshape([2, (n + 1) / 2]);
    const r1 = await bits(nr.sum(m, { axis: 0 }));
    const r2 = await bits(nr.sum(m, { axis: 0 }));
    assert.deepEqual(r1, r2);
    for (const t of [h, g, contiguous, offset, m]) t.dispose();
  },
});
