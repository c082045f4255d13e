// CUDA sorting of complex dtypes (c64, c128) against the CPU backend, byte for byte: sort,
// argsort, topk, partition, argpartition, unique and searchsorted in NumPy's lexicographic
// complex order (numbers without NaN by real then imaginary part, then NaN imaginary parts by
// real part, NaN real parts by imaginary part, both NaN), on many ties in the real parts, NaN in
// either part (with payloads and signs), ±Inf, ±0, both directions, strided views, 0-d and empty
// tensors, and rows longer than one shared-memory tile. Skips cleanly without a CUDA device.
//
//   deno test -A tests/cuda_sort_test.ts   (NUMR_CUDA_QUICK=1: fewer, smaller cases)
//   NUMR_CUDA_TEST_DEVICE=cpu runs the same logic CPU against CPU (a check of the test).

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { LAYOUTS, randomShape, Rng, withLayout } from "./_random.ts";

const DEV = (Deno.env.get("NUMR_CUDA_TEST_DEVICE") ?? nr.cuda(0)) as nr.DeviceName;
const AVAILABLE = DEV === "cpu" || nr.cudaAvailable();
const QUICK = Deno.env.get("NUMR_CUDA_QUICK") === "1";
const ROUNDS = QUICK ? 2 : 8;
const COMPLEX = ["c64", "c128"] as const;
type CDType = (typeof COMPLEX)[number];

function test(name: string, fn: () => void): void {
  Deno.test({ name: `cuda sort: ${name}`, ignore: !AVAILABLE, fn });
}

// Part bit patterns: signed zeros, ties, infinities and NaNs of either sign, quiet and
// signalling, with payloads.
const F32_PARTS = [
  0x00000000, // +0
  0x80000000, // -0
  0x3f800000, // 1
  0xbf800000, // -1
  0x40000000, // 2
  0x00000001, // smallest subnormal
  0x7f800000, // +Inf
  0xff800000, // -Inf
  0x7fc00000, // NaN
  0x7fc01234, // NaN with a payload
  0xffc00007, // negative NaN
  0x7f800001, // signalling NaN
];
const F64_PARTS = [
  0x0000000000000000n,
  0x8000000000000000n,
  0x3ff0000000000000n,
  0xbff0000000000000n,
  0x4000000000000000n,
  0x0000000000000001n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0x7ff800000000beefn,
  0xfff8000000000003n,
  0x7ff0000000000001n,
];

/** One part: mostly from the special pool (ties), else a random small value. */
function part(rng: Rng, view: DataView, at: number, wide: boolean, ties: boolean): void {
  const special = rng.next() < (ties ? 0.7 : 0.25);
  if (wide) {
    if (special) view.setBigUint64(at, rng.pick(F64_PARTS), true);
    else view.setFloat64(at, ties ? rng.int(-3, 3) : rng.normal() * 4, true);
  } else {
    if (special) view.setUint32(at, rng.pick(F32_PARTS), true);
    else view.setFloat32(at, ties ? rng.int(-3, 3) : rng.normal() * 4, true);
  }
}

/** Bytes of n complex elements; `ties` draws the real part from few values. */
function complexBytes(rng: Rng, dtype: CDType, n: number, ties: boolean): Uint8Array {
  const wide = dtype === "c128";
  const w = wide ? 8 : 4;
  const bytes = new Uint8Array(n * 2 * w);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    part(rng, view, 2 * i * w, wide, ties || rng.next() < 0.5);
    part(rng, view, (2 * i + 1) * w, wide, false);
  }
  return bytes;
}

/** A CPU tensor and the same bytes on the device, both viewed with `layout`. */
function pair(
  rng: Rng,
  dtype: CDType,
  shape: readonly number[],
  layout: (typeof LAYOUTS)[number] = "contiguous",
  ties = true,
): [nr.Tensor, nr.Tensor] {
  let base: nr.Tensor | undefined;
  const cpu = withLayout(
    (s) => {
      const n = s.reduce((a, b) => a * b, 1);
      base = nr.fromBytes(complexBytes(rng, dtype, n, ties), dtype, s);
      return base;
    },
    shape,
    layout,
  );
  const gpu = withLayout(() => base!.to(DEV), shape, layout);
  return [cpu, gpu];
}

function assertSameBits(got: nr.Tensor, want: nr.Tensor, message: string): void {
  assert.equal(got.device, DEV, message);
  assert.equal(got.dtype, want.dtype, message);
  assert.deepEqual([...got.shape], [...want.shape], message);
  assert.deepEqual(nr.toBytes(got.to("cpu")), nr.toBytes(want), message);
}

/** sort, argsort, topk, partition and argpartition of one pair along one axis. */
function sortFamily(
  rng: Rng,
  c: nr.Tensor,
  g: nr.Tensor,
  axis: number | undefined,
  descending: boolean,
  m: string,
): void {
  const indexDtype = rng.next() < 0.5 ? "i64" : "i32";
  assertSameBits(nr.sort(g, { axis, descending }), nr.sort(c, { axis, descending }), m);
  assertSameBits(
    nr.argsort(g, { axis, descending, indexDtype }),
    nr.argsort(c, { axis, descending, indexDtype }),
    `argsort ${m}`,
  );
  const len = c.ndim === 0 ? 1 : c.shape[axis === undefined ? c.ndim - 1 : axis];
  if (c.ndim === 0 || len === 0) return;
  const k = rng.int(0, len);
  const tg = nr.topk(g, k, { axis, largest: !descending });
  const tc = nr.topk(c, k, { axis, largest: !descending });
  assertSameBits(tg.values, tc.values, `topk ${k} ${m}`);
  assertSameBits(tg.indices, tc.indices, `topk indices ${k} ${m}`);
  const kth = rng.int(0, len - 1);
  assertSameBits(nr.partition(g, kth, { axis }), nr.partition(c, kth, { axis }), `part ${m}`);
  assertSameBits(
    nr.argpartition(g, [0, kth], { axis, indexDtype }),
    nr.argpartition(c, [0, kth], { axis, indexDtype }),
    `argpartition ${m}`,
  );
}

test("complex sort, argsort, topk, partition, argpartition match the CPU bit for bit", () => {
  const rng = new Rng(701);
  for (const dtype of COMPLEX) {
    const fixed: number[][] = [[], [0], [3, 0], [1], [2, 3]];
    for (let round = 0; round < ROUNDS + fixed.length; round++) {
      const shape = round < fixed.length
        ? fixed[round]
        : randomShape(rng, { maxDims: 3, maxDim: QUICK ? 12 : 40 });
      const layout = LAYOUTS[round % LAYOUTS.length];
      const [c, g] = pair(rng, dtype, shape, layout, round % 3 !== 2);
      const axis = shape.length === 0 ? undefined : rng.int(0, shape.length - 1);
      for (const descending of [false, true]) {
        const m = `${dtype} [${shape}] ${layout} axis ${axis} desc ${descending}`;
        sortFamily(rng, c, g, axis, descending, m);
      }
    }
    // Flattened (axis null) partition.
    const [c, g] = pair(rng, dtype, [4, 5], "transposed");
    assertSameBits(
      nr.partition(g, 7, { axis: null }),
      nr.partition(c, 7, { axis: null }),
      `flat ${dtype}`,
    );
  }
});

test("complex sort of rows longer than a shared-memory tile, non-powers of two", () => {
  const rng = new Rng(702);
  const cases: [CDType, number[], number][] = [
    ["c64", [2049], 0],
    ["c128", [1025], 0],
    ["c128", [3, 2500], 1],
    ["c64", [5000, 2], 0],
    ["c64", [4, 4097], 1],
    ["c128", [70001], 0],
    ["c64", [70001], 0],
    ["c64", [1000, 7], 1],
  ];
  for (const [dtype, shape, axis] of QUICK ? cases.slice(0, 3) : cases) {
    for (const descending of [false, true]) {
      const [c, g] = pair(rng, dtype, shape, "contiguous", !descending);
      const m = `${dtype} [${shape}] axis ${axis} desc ${descending}`;
      sortFamily(rng, c, g, axis, descending, m);
    }
  }
});

test("complex searchsorted and unique match the CPU", () => {
  const rng = new Rng(703);
  for (const dtype of COMPLEX) {
    for (let round = 0; round < ROUNDS; round++) {
      const m = rng.int(0, QUICK ? 40 : 300);
      const [sc0] = pair(rng, dtype, [m]);
      const sc = nr.sort(sc0);
      const sg = sc.to(DEV);
      const vshape = randomShape(rng, { maxDims: 2, maxDim: 20 });
      const [vc, vg] = pair(rng, dtype, vshape, LAYOUTS[round % LAYOUTS.length]);
      for (const side of ["left", "right"] as const) {
        const msg = `${dtype} m ${m} [${vshape}] ${side}`;
        assertSameBits(nr.searchsorted(sg, vg, { side }), nr.searchsorted(sc, vc, { side }), msg);
        const sorter = nr.argsort(sc0);
        assertSameBits(
          nr.searchsorted(sc0.to(DEV), vg, { side, sorter: sorter.to(DEV), indexDtype: "i64" }),
          nr.searchsorted(sc0, vc, { side, sorter, indexDtype: "i64" }),
          `sorter ${msg}`,
        );
      }
      // N-d sorted: one search per row.
      const rows = rng.int(1, 4);
      const [rc, rg] = pair(rng, dtype, [rows, 50]);
      const [wc, wg] = pair(rng, dtype, [rows, 9], "transposed");
      assertSameBits(
        nr.searchsorted(nr.sort(rg, { axis: 1 }), wg),
        nr.searchsorted(nr.sort(rc, { axis: 1 }), wc),
        `rows ${dtype}`,
      );
      const ushape = round === 0 ? [0] : randomShape(rng, { maxDims: 2, maxDim: 60 });
      const [uc, ug] = pair(rng, dtype, ushape, LAYOUTS[round % LAYOUTS.length]);
      const opts = { returnInverse: true, returnCounts: true, indexDtype: "i64" as const };
      const a = nr.unique(ug, round % 2 === 0 ? opts : {});
      const b = nr.unique(uc, round % 2 === 0 ? opts : {});
      assertSameBits(a.values, b.values, `unique ${dtype} [${ushape}]`);
      if (round % 2 === 0) {
        assertSameBits(a.inverse!, b.inverse!, `unique inverse ${dtype}`);
        assertSameBits(a.counts!, b.counts!, `unique counts ${dtype}`);
      }
    }
    // A long input: the block-wide run scan over many chunks.
    const [uc, ug] = pair(rng, dtype, [QUICK ? 3000 : 50000]);
    const a = nr.unique(ug, { returnInverse: true, returnCounts: true });
    const b = nr.unique(uc, { returnInverse: true, returnCounts: true });
    assertSameBits(a.values, b.values, `unique long ${dtype}`);
    assertSameBits(a.inverse!, b.inverse!, `unique long inverse ${dtype}`);
    assertSameBits(a.counts!, b.counts!, `unique long counts ${dtype}`);
  }
});

// ---- long rows of real dtypes (LSD radix passes from 2^16 pairs a row) ----

/** First differing byte of two tensors' bytes, or -1 (fast on tens of MB). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function assertSameBytes(got: nr.Tensor, want: nr.Tensor, message: string): void {
  assert.equal(got.device, DEV, message);
  assert.equal(got.dtype, want.dtype, message);
  assert.deepEqual([...got.shape], [...want.shape], message);
  const at = firstDiff(nr.toBytes(got.to("cpu")), nr.toBytes(want));
  assert.equal(at, -1, `${message}: bytes differ at ${at}`);
}

/** n values with many duplicates; floats add ±0, ±Inf and NaNs with payloads and signs. */
function longValues(rng: Rng, dtype: nr.DType, n: number, distinct: number): nr.Tensor {
  if (dtype === "f32" || dtype === "f64") {
    const wide = dtype === "f64";
    const bytes = new Uint8Array(n * (wide ? 8 : 4));
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      const at = i * (wide ? 8 : 4);
      if (rng.next() < 0.1) {
        if (wide) view.setBigUint64(at, rng.pick(F64_PARTS), true);
        else view.setUint32(at, rng.pick(F32_PARTS), true);
      } else {
        const v = rng.int(-distinct, distinct) / 4;
        if (wide) view.setFloat64(at, v, true);
        else view.setFloat32(at, v, true);
      }
    }
    return nr.fromBytes(bytes, dtype, [n]);
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.int(-distinct, distinct);
  return nr.tensor(data, { dtype: "f64" }).astype(dtype);
}

test("radix sort of long rows (f32, i32, f64, more) matches the CPU bit for bit", () => {
  const rng = new Rng(704);
  // [dtype, shape, axis, distinct values (±), k of topk]
  const cases: [nr.DType, number[], number, number][] = QUICK
    ? [["f32", [65536], 0, 100], ["i32", [2, 70001], 1, 1000], ["f64", [66000, 1], 0, 7]]
    : [
      ["f32", [1 << 24], 0, 1000],
      ["f32", [3, 1000003], 1, 1 << 20],
      ["i32", [1 << 20], 0, 50],
      ["i32", [1 << 21], 0, 2e9],
      ["f64", [2000000], 0, 300],
      ["f32", [70000, 3], 0, 100],
      ["u8", [100000], 0, 100],
      ["i64", [3, 70000], 1, 1e15],
      ["f16", [65536], 0, 200],
      ["bf16", [2, 65537], 1, 40],
      ["i16", [131072], 0, 0],
      ["u64", [80000], 0, 3],
    ];
  for (const [dtype, shape, axis, distinct] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const c = longValues(rng, dtype, n, distinct).reshape(shape);
    const g = c.to(DEV);
    for (const descending of [false, true]) {
      const m = `${dtype} [${shape}] axis ${axis} desc ${descending}`;
      assertSameBytes(nr.sort(g, { axis, descending }), nr.sort(c, { axis, descending }), m);
      assertSameBytes(
        nr.argsort(g, { axis, descending, indexDtype: descending ? "i64" : "i32" }),
        nr.argsort(c, { axis, descending, indexDtype: descending ? "i64" : "i32" }),
        `argsort ${m}`,
      );
    }
    const tg = nr.topk(g, 100, { axis });
    const tc = nr.topk(c, 100, { axis });
    assertSameBytes(tg.values, tc.values, `topk ${dtype} [${shape}]`);
    assertSameBytes(tg.indices, tc.indices, `topk indices ${dtype} [${shape}]`);
    if (dtype === "f32" && !QUICK) {
      const ug = nr.unique(g.flatten(), { returnCounts: true });
      const uc = nr.unique(c.flatten(), { returnCounts: true });
      assertSameBytes(ug.values, uc.values, `unique ${dtype} [${shape}]`);
      assertSameBytes(ug.counts!, uc.counts!, `unique counts ${dtype} [${shape}]`);
    }
  }
});
