// WebGPU parity for the sort family (sort, argsort, topk, partition, argpartition,
// searchsorted) on every GPU dtype, bit for bit: stable order with many ties, NaN last (first
// when descending), -0 and +0 tied; c64 in NumPy's complex order (NaN in either part) byte for
// byte, with uniqueAsync; and the sorter range check. Skips without an adapter.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { randomTensor, Rng } from "./_random.ts";
import { attempt, GPU_DTYPES, HAS_GPU, parity, type Tally, toGpu } from "./_webgpu.ts";

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

// ---- c64: NumPy's complex order (real, then imaginary; NaN classes last) ----

/** Bit patterns of f32 parts: NaNs of both signs and several payloads, ±0, ±Inf, a few values. */
const PARTS = [
  0x7fc00000, // NaN
  0xffc00000, // -NaN
  0x7f800001, // NaN with a payload
  0x7fc12345, // NaN with a payload
  0x00000000, // +0
  0x80000000, // -0
  0x7f800000, // Inf
  0xff800000, // -Inf
  0x3f800000, // 1
  0xbf800000, // -1
  0x40200000, // 2.5
  0x00000001, // smallest subnormal
];

/**
 * A c64 tensor built from raw part bits: with `ties`, both parts come from PARTS (few distinct
 * values: equal real parts with different imaginary parts, NaN in either or both parts); else
 * mostly random finite values with PARTS mixed in.
 */
function complexBits(rng: Rng, shape: number[], ties: boolean): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const words = new Uint32Array(2 * n);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < words.length; i++) {
    if (ties || rng.next() < 0.2) {
      words[i] = PARTS[rng.int(0, PARTS.length - 1)];
    } else {
      f[0] = rng.normal() * 4;
      words[i] = u[0];
    }
  }
  return nr.fromBytes(new Uint8Array(words.buffer), "c64", shape);
}

/** Runs `f` on the CPU and on GPU copies; the same error code, or the same bytes. */
async function exact(
  label: string,
  inputs: readonly Tensor[],
  f: (xs: readonly Tensor[]) => Tensor,
): Promise<void> {
  const cpu = attempt(() => f(inputs));
  const gpuInputs = inputs.map(toGpu);
  const gpu = attempt(() => f(gpuInputs));
  try {
    if ("error" in cpu) {
      assert.ok("error" in gpu, `${label}: cpu threw ${cpu.error.code}, webgpu did not`);
      assert.equal(gpu.error.code, cpu.error.code, label);
      return;
    }
    if ("error" in gpu) throw gpu.error;
    const back = await gpu.ok.toAsync("cpu");
    assert.equal(back.dtype, cpu.ok.dtype, label);
    assert.deepEqual(back.shape, cpu.ok.shape, label);
    assert.deepEqual(nr.toBytes(back), nr.toBytes(cpu.ok), label);
    back.dispose();
  } finally {
    if ("ok" in cpu) cpu.ok.dispose();
    if ("ok" in gpu) gpu.ok.dispose();
    for (const t of gpuInputs) t.dispose();
  }
}

Deno.test({
  name: "webgpu: c64 sort, argsort, topk, partition match the CPU byte for byte",
  ignore,
  async fn() {
    const rng = new Rng(49);
    const inputs: Tensor[] = [
      complexBits(rng, [3, 37], true),
      complexBits(rng, [300], true), // longer than a workgroup, not a power of two
      complexBits(rng, [2, 700, 3], true),
      complexBits(rng, [1030], false),
      complexBits(rng, [4, 5], false),
      complexBits(rng, [6, 5], true).transpose(),
      complexBits(rng, [17], true).flip(0),
      complexBits(rng, [1], true),
      complexBits(rng, [0, 4], true),
      complexBits(rng, [3, 0], true),
      complexBits(rng, [], true),
    ];
    let n = 0;
    for (const x of inputs) {
      const last = x.ndim === 0 ? 0 : x.shape[x.ndim - 1];
      const k = Math.min(3, last);
      const kth = Math.max(0, Math.min(1, last - 1));
      const cases: [string, (xs: readonly Tensor[]) => Tensor][] = [
        ["sort", ([a]) => nr.sort(a)],
        ["sort desc", ([a]) => nr.sort(a, { descending: true })],
        ["sort axis 0 desc", ([a]) => nr.sort(a, { axis: 0, descending: true })],
        ["sort axis null", ([a]) => nr.sort(a, { axis: null })],
        ["argsort", ([a]) => nr.argsort(a)],
        ["argsort desc", ([a]) => nr.argsort(a, { descending: true })],
        ["argsort axis 0 i64", ([a]) => nr.argsort(a, { axis: 0, indexDtype: "i64" })],
        ["argsort axis 1", ([a]) => nr.argsort(a, { axis: 1 })],
        ["topk values", ([a]) => nr.topk(a, k).values],
        ["topk indices", ([a]) => nr.topk(a, k).indices],
        ["topk smallest", ([a]) => nr.topk(a, k, { largest: false }).values],
        ["topk smallest indices", ([a]) => nr.topk(a, k, { largest: false }).indices],
        ["partition", ([a]) => nr.partition(a, kth)],
        ["argpartition", ([a]) => nr.argpartition(a, -1)],
      ];
      for (const [what, f] of cases) {
        await exact(`${what} c64 [${x.shape}]`, [x], f);
        n++;
      }
    }
    for (const t of inputs) t.dispose();
    console.log(`c64 sort: ${n} cases compared`);
  },
});

Deno.test({
  name: "webgpu: c64 searchsorted and uniqueAsync match the CPU byte for byte",
  ignore,
  async fn() {
    const rng = new Rng(50);
    const base = complexBits(rng, [3, 41], true);
    const row = nr.sort(base.get(0));
    const table = nr.sort(base);
    const big = nr.sort(complexBits(rng, [600], false));
    const raw = complexBits(rng, [23], true);
    const perm = nr.argsort(raw);
    const q = complexBits(rng, [4, 5], true);
    const q3 = complexBits(rng, [3, 7], true);
    const q0 = complexBits(rng, [], true);
    const qe = complexBits(rng, [0], true);
    const cases: [string, readonly Tensor[], (xs: readonly Tensor[]) => Tensor][] = [
      ["left", [row, q], ([s, v]) => nr.searchsorted(s, v)],
      ["right", [row, q], ([s, v]) => nr.searchsorted(s, v, { side: "right" })],
      ["0-d value", [row, q0], ([s, v]) => nr.searchsorted(s, v, { side: "right" })],
      ["empty values", [row, qe], ([s, v]) => nr.searchsorted(s, v)],
      ["table", [table, q3], ([s, v]) => nr.searchsorted(s, v, { indexDtype: "i64" })],
      ["table right", [table, q3], ([s, v]) => nr.searchsorted(s, v, { side: "right" })],
      ["long", [big, q], ([s, v]) => nr.searchsorted(s, v)],
      ["sorter", [raw, q, perm], ([s, v, p]) => nr.searchsorted(s, v, { sorter: p })],
      [
        "sorter right",
        [raw, q, perm],
        ([s, v, p]) => nr.searchsorted(s, v, { sorter: p, side: "right" }),
      ],
    ];
    for (const [what, xs, f] of cases) await exact(`searchsorted ${what} c64`, xs, f);

    // unique runs on the host from WebGPU (uniqueAsync), NaN classes as one value.
    const uniq = [base, raw, complexBits(rng, [0], true), complexBits(rng, [], true)];
    for (const x of uniq) {
      for (const options of [{}, { returnInverse: true, returnCounts: true }]) {
        const cpu = nr.unique(x, options);
        const g = toGpu(x);
        const gpu = await nr.uniqueAsync(g, options);
        for (const part of ["values", "inverse", "counts"] as const) {
          const a = gpu[part];
          const b = cpu[part];
          assert.equal(a === undefined, b === undefined, part);
          if (a === undefined || b === undefined) continue;
          assert.equal(a.device, "webgpu");
          const back = await a.toAsync("cpu");
          assert.deepEqual(nr.toBytes(back), nr.toBytes(b), `unique ${part} [${x.shape}]`);
          for (const t of [a, b, back]) t.dispose();
        }
        g.dispose();
      }
    }
    for (const t of [base, row, table, big, raw, perm, q, q3, q0, qe, ...uniq]) t.dispose();
  },
});
