// WebGPU parity for the scatter family (scatter, scatterReduce in every mode with and without
// includeSelf, putAlongAxis, scatterNd, indexPut) on every GPU dtype, with many duplicate
// indices (so the order of the updates matters), and the deferred IndexOutOfBounds error that
// leaves the target untouched. Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { randomTensor, Rng } from "./_random.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally } from "./_webgpu.ts";

const ignore = !HAS_GPU;

function indices(rng: Rng, dtype: DType, shape: number[], hi: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const signed = dtype === "i32" || dtype === "i64";
  const values = Array.from({ length: n }, () => rng.int(signed ? -hi : 0, hi - 1));
  return nr.tensor(values.map((v) => (dtype === "i64" ? BigInt(v) : v)), { dtype, shape });
}

const MODES = ["sum", "prod", "max", "min", "mean"] as const;

Deno.test({
  name: "webgpu: the scatter family matches the CPU on every dtype, mode and index dtype",
  ignore,
  async fn() {
    const rng = new Rng(43);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const d of GPU_DTYPES) {
      const x = randomTensor(rng, d, [4, 5], "transposed");
      const src = randomTensor(rng, d, [4, 6], "contiguous");
      const upd = randomTensor(rng, d, [6], "flipped");
      // i64 indices on a few dtypes only (the index decoding is shared by all).
      const ids: DType[] = ["f32", "i64", "u8", "c64"].includes(d) ? ["i32", "i64"] : ["i32"];
      for (const id of ids) {
        const ia = indices(rng, id, [4, 6], 5);
        const nd = indices(rng, id, [6, 2], 4);
        const i0 = indices(rng, id, [6], 4);
        const i1 = indices(rng, id, [6], 5);
        const cases: [string, readonly Tensor[], (xs: readonly Tensor[]) => Tensor][] = [
          ["scatter", [x, ia, src], ([a, i, s]) => nr.scatter(a, 1, i, s)],
          ["putAlongAxis", [x, ia, src], ([a, i, s]) => nr.putAlongAxis(a, i, s, 1)],
          ["scatterNd", [x, nd, upd], ([a, i, u]) => nr.scatterNd(a, i, u)],
          ["indexPut", [x, i0, i1, upd], ([a, i, j, u]) => nr.indexPut(a, [i, j], u)],
          [
            "indexPut",
            [x, i0, i1, upd],
            ([a, i, j, u]) => nr.indexPut(a, [i, j], u, { accumulate: true }),
          ],
        ];
        for (const mode of MODES) {
          for (const includeSelf of [true, false]) {
            cases.push([
              "scatterReduce",
              [x, ia, src],
              ([a, i, s]) => nr.scatterReduce(a, 1, i, s, mode, { includeSelf }),
            ]);
          }
        }
        for (const [op, inputs, f] of cases) {
          await parity(`${op} ${d} ${id}`, op, d, inputs, f, tally);
        }
        for (const t of [ia, nd, i0, i1]) t.dispose();
      }
      for (const t of [x, src, upd]) t.dispose();
    }
    console.log(`scatter: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: a bad scatter index leaves the target untouched and throws at the next read",
  ignore,
  async fn() {
    const x = nr.tensor([1, 2, 3], { device: "webgpu" });
    const bad = nr.tensor([0, 1, 9, -7], { dtype: "i32", device: "webgpu" });
    const y = nr.scatter(x, 0, bad, nr.tensor([5, 6, 7, 8], { device: "webgpu" }));
    await assert.rejects(
      () => y.data(),
      (e: nr.NumrError) => e.code === "IndexOutOfBounds" && /value 9/.test(e.message),
    );
    // The flag was cleared and nothing was written.
    assert.deepEqual([...(await y.data())], [1, 2, 3]);
    for (const t of [x, bad, y]) t.dispose();
  },
});

Deno.test({
  name: "webgpu: scatter with one lane per row and with a single serial lane (indexPut)",
  ignore,
  async fn() {
    const rng = new Rng(44);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const x = randomTensor(rng, "f32", [64, 33], "contiguous");
    const src = randomTensor(rng, "f32", [64, 40], "contiguous");
    const ia = indices(rng, "i32", [64, 40], 33);
    const rows = indices(rng, "i32", [300], 64);
    const vals = randomTensor(rng, "f32", [300, 33], "contiguous");
    await parity(
      "scatterReduce sum big",
      "scatterReduce",
      "f32",
      [x, ia, src],
      ([a, i, s]) => nr.scatterReduce(a, 1, i, s, "sum"),
      tally,
    );
    await parity(
      "indexPut rows",
      "indexPut",
      "f32",
      [x, rows, vals],
      ([a, i, v]) => nr.indexPut(a, [i], v, { accumulate: true }),
      tally,
    );
    for (const t of [x, src, ia, rows, vals]) t.dispose();
    assert.equal(tally.compared, 2);
  },
});
