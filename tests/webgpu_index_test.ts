// WebGPU parity for the gather family (gather, takeAlongAxis, indexSelect, gatherNd,
// embeddingLookup) on every GPU dtype and index dtype, and the deferred IndexOutOfBounds error.
// Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { randomTensor, Rng } from "./_random.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally } from "./_webgpu.ts";

const ignore = !HAS_GPU;
const INDEX: readonly DType[] = ["i32", "i64", "u32"];

function indices(rng: Rng, dtype: DType, shape: number[], hi: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const signed = dtype === "i32" || dtype === "i64";
  const values = Array.from({ length: n }, () => rng.int(signed ? -hi : 0, hi - 1));
  return nr.tensor(values.map((v) => (dtype === "i64" ? BigInt(v) : v)), { dtype, shape });
}

Deno.test({
  name: "webgpu: the gather family matches the CPU on every dtype and index dtype",
  ignore,
  async fn() {
    const rng = new Rng(41);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const d of GPU_DTYPES) {
      const x = randomTensor(rng, d, [4, 5], "transposed");
      for (const id of INDEX) {
        const i1 = indices(rng, id, [3], 4);
        const i2 = indices(rng, id, [4, 2], 5);
        const i3 = indices(rng, id, [3, 2], 4);
        const cases: [string, readonly Tensor[], (xs: readonly Tensor[]) => Tensor][] = [
          ["indexSelect", [x, i1], ([a, b]) => nr.indexSelect(a, 0, b)],
          ["gather", [x, i2], ([a, b]) => nr.gather(a, 1, b)],
          ["takeAlongAxis", [x, i2], ([a, b]) => nr.takeAlongAxis(a, b, 1)],
          ["gatherNd", [x, i3], ([a, b]) => nr.gatherNd(a, b)],
          ["embeddingLookup", [x, i1], ([a, b]) => nr.embeddingLookup(a, b)],
        ];
        for (const [op, inputs, f] of cases) {
          await parity(`${op} ${d} ${id}`, op, d, inputs, f, tally);
        }
        for (const t of [i1, i2, i3]) t.dispose();
      }
      x.dispose();
    }
    console.log(`gather: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: an out-of-range index is clamped and thrown as IndexOutOfBounds at the next read",
  ignore,
  async fn() {
    const x = nr.tensor([1, 2, 3], { device: "webgpu" });
    const bad = nr.tensor([0, 7], { dtype: "i32", device: "webgpu" });
    const y = nr.indexSelect(x, 0, bad);
    await assert.rejects(
      () => y.data(),
      (e: nr.NumrError) => e.code === "IndexOutOfBounds" && /value 7/.test(e.message),
    );
    // The flag was cleared: the next read succeeds.
    assert.deepEqual([...(await x.data())], [1, 2, 3]);
    for (const t of [x, bad, y]) t.dispose();
  },
});

Deno.test({
  name: "webgpu: nonzeroAsync, argwhereAsync, maskedSelectAsync and uniqueAsync match the CPU",
  ignore,
  async fn() {
    const rng = new Rng(45);
    const x = randomTensor(rng, "f32", [4, 6], "transposed");
    const mask = nr.gt(x, 0);
    const g = (await import("./_webgpu.ts")).toGpu;
    const gx = g(x);
    const gm = g(mask);
    // The sync forms point to the async ones.
    assert.throws(() => nr.nonzero(gm), (e: nr.NumrError) => /nonzeroAsync/.test(e.message));
    const same = async (a: Tensor, b: Tensor) => {
      assert.equal(a.device, "webgpu");
      assert.deepEqual(await a.array(), b.toArray());
    };
    await same(await nr.argwhereAsync(gm), nr.argwhere(mask));
    const cols = await nr.nonzeroAsync(gm, { indexDtype: "i64" });
    const want = nr.nonzero(mask, { indexDtype: "i64" });
    for (let d = 0; d < 2; d++) await same(cols[d], want[d]);
    await same(await nr.maskedSelectAsync(gx, gm), nr.maskedSelect(x, mask));
    const u = await nr.uniqueAsync(g(mask), { returnInverse: true, returnCounts: true });
    const v = nr.unique(mask, { returnInverse: true, returnCounts: true });
    await same(u.values, v.values);
    await same(u.inverse!, v.inverse!);
    await same(u.counts!, v.counts!);
    // On the CPU they resolve with the sync result.
    assert.deepEqual((await nr.argwhereAsync(mask)).toArray(), nr.argwhere(mask).toArray());
  },
});
