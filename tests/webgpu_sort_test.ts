// WebGPU parity for the sort family (sort, argsort, topk, partition, argpartition,
// searchsorted) on every GPU dtype, bit for bit: stable order with many ties, NaN last (first
// when descending), -0 and +0 tied; and the sorter range check. Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { randomTensor, Rng } from "./_random.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally } from "./_webgpu.ts";

const ignore = !HAS_GPU;

/** A tensor of few distinct values (many ties), with NaN and ±0 for floats. */
function ties(rng: Rng, d: DType, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const kind = nr.DTYPES[d].kind;
  const pool = kind === "float"
    ? [NaN, -0, 0, 1, -1, 2.5, Infinity, -Infinity]
    : kind === "bool"
    ? [0, 1]
    : kind === "uint"
    ? [0, 1, 2, 200]
    : [-100, -1, 0, 1, 3];
  const values = Array.from({ length: n }, () => pool[rng.int(0, pool.length - 1)]);
  const f = nr.tensor(values, { dtype: "f64", shape });
  const t = nr.cast(f, d);
  f.dispose();
  return t;
}

Deno.test({
  name: "webgpu: the sort family matches the CPU bit for bit on every dtype",
  ignore,
  async fn() {
    const rng = new Rng(47);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const d of GPU_DTYPES) {
      const inputs = [
        ties(rng, d, [3, 37]),
        randomTensor(rng, d, [5, 6], "transposed"),
        randomTensor(rng, d, [9], "flipped"),
      ];
      const exact = { bits: true };
      for (const x of inputs) {
        const cases: [string, (xs: readonly Tensor[]) => Tensor][] = [
          ["sort", ([a]) => nr.sort(a)],
          ["sort", ([a]) => nr.sort(a, { axis: 0, descending: true })],
          ["argsort", ([a]) => nr.argsort(a)],
          ["argsort", ([a]) => nr.argsort(a, { axis: 0, descending: true, indexDtype: "i64" })],
          ["sort", ([a]) => nr.sort(a, { axis: null })],
          ["topk", ([a]) => nr.topk(a, 3).values],
          ["topk", ([a]) => nr.topk(a, 2, { largest: false }).indices],
          ["partition", ([a]) => nr.partition(a, 1)],
          ["argpartition", ([a]) => nr.argpartition(a, -1)],
        ];
        for (const [op, f] of cases) {
          await parity(`${op} ${d} [${x.shape}]`, op, d, [x], f, tally, exact);
        }
      }
      // searchsorted: a sorted 1-D row and a sorted 2-D table, both sides, with a sorter.
      const row = nr.sort(inputs[0].get(0));
      const table = nr.sort(inputs[1].transpose());
      const q = ties(rng, d, [4, 5]);
      const q2 = ties(rng, d, [6, 3]);
      const perm = nr.argsort(inputs[2]);
      const cases: [string, readonly Tensor[], (xs: readonly Tensor[]) => Tensor][] = [
        ["left", [row, q], ([s, v]) => nr.searchsorted(s, v)],
        ["right", [row, q], ([s, v]) => nr.searchsorted(s, v, { side: "right" })],
        ["table", [table, q2], ([s, v]) => nr.searchsorted(s, v, { indexDtype: "i64" })],
        [
          "sorter",
          [inputs[2], q],
          ([s, v, p]) => nr.searchsorted(s, v, { sorter: p ?? undefined }),
        ],
        ["sorter", [inputs[2], q, perm], ([s, v, p]) => nr.searchsorted(s, v, { sorter: p })],
      ];
      for (const [what, xs, f] of cases) {
        await parity(`searchsorted ${what} ${d}`, "searchsorted", d, xs, f, tally, exact);
      }
      for (const t of [...inputs, row, table, q, q2, perm]) t.dispose();
    }
    console.log(`sort: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});

Deno.test({
  name: "webgpu: long rows sort (bitonic across workgroups) and a bad sorter throws at read",
  ignore,
  async fn() {
    const rng = new Rng(48);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const x = ties(rng, "f32", [5000]);
    await parity("argsort long", "argsort", "f32", [x], ([a]) => nr.argsort(a), tally, {
      bits: true,
    });
    const s = nr.tensor([1, 2, 3], { device: "webgpu" });
    const bad = nr.tensor([0, 1, 5], { dtype: "i32", device: "webgpu" });
    const y = nr.searchsorted(s, nr.tensor([2], { device: "webgpu" }), { sorter: bad });
    await assert.rejects(() => y.data(), (e: nr.NumrError) => e.code === "IndexOutOfBounds");
    for (const t of [x, s, bad, y]) t.dispose();
  },
});
