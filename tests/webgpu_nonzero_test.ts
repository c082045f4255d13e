// WebGPU stream compaction (nonzeroAsync, argwhereAsync, maskedSelectAsync on the device: count,
// scan of block counts, one 4-byte read, scatter) against the CPU backend, bit for bit: random
// masks of many dtypes and layouts, all-false, all-true, empty, 0-d, n-d and large inputs.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { LAYOUTS, randomTensor, Rng } from "./_random.ts";
import { assertBitsEqual } from "./_assert.ts";
import { HAS_GPU, toGpu } from "./_webgpu.ts";

const ignore = !HAS_GPU;

async function same(got: Tensor, want: Tensor, label: string): Promise<void> {
  const back = await got.toAsync("cpu");
  assertBitsEqual(back, want, label);
  back.dispose();
}

/** A mask-like tensor of dtype d with about `p` of its elements non-zero. */
function sparse(rng: Rng, d: DType, shape: number[], layout: (typeof LAYOUTS)[number], p: number) {
  const x = randomTensor(rng, d, shape, layout, { special: d !== "bool" });
  const keep = randomTensor(rng, "f32", shape, "contiguous", { special: false });
  const m = nr.lt(nr.abs(keep), p * 3);
  const y = nr.where(m, x, nr.zeros([], { dtype: d }));
  for (const t of [x, keep, m]) t.dispose();
  return y;
}

Deno.test({
  name: "webgpu: argwhere/nonzero on the device match the CPU (dtypes, layouts, shapes)",
  ignore,
  async fn() {
    const rng = new Rng(41);
    let compared = 0;
    const shapes = [[7], [3, 5], [2, 3, 4], [2, 1, 3, 2], [0], [4, 0], [1], [300, 17]];
    const dtypes: DType[] = ["bool", "f32", "i32", "u8", "f16", "bf16", "c64", "i64", "i16"];
    let li = 0;
    for (const d of dtypes) {
      for (const shape of shapes) {
        const layout = LAYOUTS[li++ % LAYOUTS.length];
        for (const p of shape.length === 2 ? [0, 0.3, 1.5] : [0.3]) {
          const x = sparse(rng, d, shape, shape.includes(0) ? "contiguous" : layout, p);
          // Keep the layout (where() made x contiguous): a flipped view of it.
          const v = shape.length > 0 && shape[0] > 0 ? x.flip(0) : x;
          const g = toGpu(v);
          for (const indexDtype of ["i32", "i64"] as const) {
            const label = `${d} [${shape}] ${layout} p=${p} ${indexDtype}`;
            await same(
              await nr.argwhereAsync(g, { indexDtype }),
              nr.argwhere(v, { indexDtype }),
              label,
            );
            const cols = await nr.nonzeroAsync(g, { indexDtype });
            const want = nr.nonzero(v, { indexDtype });
            for (let k = 0; k < want.length; k++) await same(cols[k], want[k], `${label} col ${k}`);
            compared++;
          }
          g.dispose();
          x.dispose();
        }
      }
    }
    // 0-d: argwhere gives [n, 0]; nonzero throws as on the CPU.
    for (const value of [0, 3]) {
      const z = nr.tensor(value, { dtype: "f32" });
      const gz = toGpu(z);
      await same(await nr.argwhereAsync(gz), nr.argwhere(z), `0-d ${value}`);
      await assert.rejects(
        () => nr.nonzeroAsync(gz),
        (e: nr.NumrError) => e.code === "InvalidArgument",
      );
    }
    // NaN and -0: NaN counts, -0 does not.
    const special = nr.tensor([0, -0, NaN, 1, -0, NaN], { dtype: "f32" });
    await same(await nr.argwhereAsync(toGpu(special)), nr.argwhere(special), "NaN/-0");
    console.log(`argwhere/nonzero: ${compared} compared`);
  },
});

Deno.test({
  name: "webgpu: maskedSelect on the device matches the CPU (dtypes, broadcast, views)",
  ignore,
  async fn() {
    const rng = new Rng(42);
    let compared = 0;
    const dtypes: DType[] = ["f32", "i8", "u16", "bool", "c64", "i64", "bf16", "f64"];
    for (const d of dtypes) {
      for (
        const [xs, ms] of [[[4, 5], [4, 5]], [[4, 5], [5]], [[3, 1, 4], [2, 4]], [[0, 3], [3]], [
          [],
          [],
        ]]
      ) {
        for (const p of [0, 0.4, 2]) {
          const x = randomTensor(
            rng,
            d,
            xs,
            xs.length > 1 && xs[0] > 0 ? "transposed" : "contiguous",
          );
          const m = nr.gt(randomTensor(rng, "f32", ms, "contiguous", { special: false }), 1 - p);
          const label = `${d} x[${xs}] mask[${ms}] p=${p}`;
          const got = await nr.maskedSelectAsync(toGpu(x), toGpu(m));
          await same(got, nr.maskedSelect(x, m), label);
          compared++;
        }
      }
    }
    console.log(`maskedSelect: ${compared} compared`);
  },
});

Deno.test({
  name: "webgpu: large compactions (3M elements, many blocks) match the CPU",
  ignore,
  async fn() {
    const rng = new Rng(43);
    const n = 3_000_001;
    const vals = new Float32Array(n);
    for (let i = 0; i < n; i++) vals[i] = rng.next() < 0.37 ? i + 0.5 : 0;
    const x = nr.tensor(vals, { dtype: "f32" });
    const g = toGpu(x);
    for (const indexDtype of ["i32", "i64"] as const) {
      await same(
        await nr.argwhereAsync(g, { indexDtype }),
        nr.argwhere(x, { indexDtype }),
        `3M ${indexDtype}`,
      );
    }
    const m2 = x.narrow(0, 1, 3_000_000).reshape([1500, 2000]).transpose();
    const gm2 = toGpu(m2);
    await same(await nr.argwhereAsync(gm2), nr.argwhere(m2), "3M 2-D transposed");
    const mask = nr.gt(x, 0);
    const gmask = toGpu(mask);
    await same(await nr.maskedSelectAsync(g, gmask), nr.maskedSelect(x, mask), "3M maskedSelect");
    const allTrue = nr.ones([n], { dtype: "bool" });
    await same(await nr.argwhereAsync(toGpu(allTrue)), nr.argwhere(allTrue), "3M all true");
    const allFalse = nr.zeros([n], { dtype: "bool" });
    const none = await nr.argwhereAsync(toGpu(allFalse));
    assert.deepEqual([...none.shape], [0, 1]);
  },
});
