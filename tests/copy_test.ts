// Strided copies through the blocked (tiled) walk: transposed and permuted views of random shapes
// (tile remainders, one row, empty, 3-D and 4-D permutations, flipped and stepped axes) for
// 1/2/4/8/16-byte elements, compared bit for bit with a copy made element by element in JS.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { Rng } from "./_random.ts";

const ITEM_DTYPES: readonly DType[] = ["u8", "bf16", "f32", "f64", "c128"];

function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rng.next() * 256);
  return out;
}

/** The bytes of `view` in row-major order, gathered one element at a time from `bytes`. */
function expectedBytes(view: Tensor, bytes: Uint8Array): Uint8Array {
  const item = view.itemsize;
  const out = new Uint8Array(view.size * item);
  const nd = view.shape.length;
  const index = new Array(nd).fill(0);
  for (let n = 0; n < view.size; n++) {
    let src = view.offset;
    for (let d = 0; d < nd; d++) src += index[d] * view.strides[d];
    out.set(bytes.subarray(src * item, (src + 1) * item), n * item);
    for (let d = nd - 1; d >= 0; d--) {
      if (++index[d] < view.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function shuffled(rng: Rng, n: number): number[] {
  const axes = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [axes[i], axes[j]] = [axes[j], axes[i]];
  }
  return axes;
}

function checkCopy(base: Tensor, bytes: Uint8Array, view: Tensor, what: string): void {
  const c = nr.contiguous(view);
  try {
    assert.deepEqual([...c.shape], [...view.shape], what);
    const got = nr.toBytes(c);
    const want = expectedBytes(view, bytes);
    assert.equal(got.length, want.length, what);
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) assert.fail(`byte ${i}: ${got[i]} != ${want[i]} ${what}`);
    }
  } finally {
    c.dispose();
  }
  void base;
}

const SHAPES_2D: readonly [number, number][] = [
  [64, 64],
  [65, 63],
  [1, 100],
  [100, 1],
  [0, 17],
  [17, 0],
  [7, 300],
  [200, 130],
  [129, 8],
  [9, 9],
];

Deno.test("copy: transposed 2-D views of every element size, bit-exact", () => {
  const rng = new Rng(11);
  for (const dtype of ITEM_DTYPES) {
    for (const [r, c] of SHAPES_2D) {
      const bytes = randomBytes(rng, r * c * nr.DTYPES[dtype].bytes);
      const a = nr.fromBytes(bytes, dtype, [r, c]);
      const views: [string, Tensor][] = [
        ["T", nr.transpose(a)],
        ["T flip0", nr.flip(nr.transpose(a), 0)],
        ["T flip1", nr.flip(nr.transpose(a), 1)],
        ["T step", nr.slice(nr.transpose(a), [[null, null, 2], [1, null, 3]])],
        ["T neg step", nr.slice(nr.transpose(a), [[null, null, -3], [null, null, 2]])],
      ];
      for (const [name, v] of views) {
        checkCopy(a, bytes, v, `${dtype} [${r}, ${c}] ${name}`);
        v.dispose();
      }
      a.dispose();
    }
  }
});

Deno.test("copy: permuted 3-D and 4-D views, random shapes, bit-exact", () => {
  const rng = new Rng(12);
  for (let trial = 0; trial < 60; trial++) {
    const dtype = ITEM_DTYPES[trial % ITEM_DTYPES.length];
    const nd = 3 + (trial % 2);
    const shape = Array.from(
      { length: nd },
      () => 1 + Math.floor(rng.next() * (nd === 3 ? 90 : 24)),
    );
    if (trial % 17 === 5) shape[1] = 0;
    const size = shape.reduce((x, y) => x * y, 1);
    const bytes = randomBytes(rng, size * nr.DTYPES[dtype].bytes);
    const a = nr.fromBytes(bytes, dtype, shape);
    const axes = shuffled(rng, nd);
    let v = nr.permute(a, axes);
    if (trial % 3 === 1) {
      const f = nr.flip(v, Math.floor(rng.next() * nd));
      v.dispose();
      v = f;
    }
    checkCopy(a, bytes, v, `${dtype} [${shape}] axes [${axes}]`);
    v.dispose();
    a.dispose();
  }
});

Deno.test("copy: large transposes use every thread the same way", () => {
  const rng = new Rng(13);
  const before = nr.getCpuThreads();
  try {
    for (const dtype of ["f32", "u8", "c128"] as const) {
      const [r, c] = [515, 1031];
      const bytes = randomBytes(rng, r * c * nr.DTYPES[dtype].bytes);
      const a = nr.fromBytes(bytes, dtype, [r, c]);
      for (const threads of [1, 2]) {
        nr.setCpuThreads(threads);
        const v = nr.transpose(a);
        checkCopy(a, bytes, v, `${dtype} threads ${threads}`);
        v.dispose();
      }
      a.dispose();
    }
  } finally {
    nr.setCpuThreads(before);
  }
});

Deno.test("copy: converting casts of transposed views match converting the copy", () => {
  const rng = new Rng(14);
  const pairs: [DType, DType][] = [["f32", "f64"], ["f64", "bf16"], ["i16", "f32"], ["u8", "c64"]];
  for (const [src, dst] of pairs) {
    const shape = [70 + Math.floor(rng.next() * 60), 40 + Math.floor(rng.next() * 90)];
    const a = nr.cast(nr.fromBytes(randomBytes(rng, shape[0] * shape[1] * 4), "f32", shape), src);
    const t = nr.transpose(a);
    const got = nr.cast(t, dst);
    const copy = nr.contiguous(t);
    const want = nr.cast(copy, dst);
    assert.deepEqual([...nr.toBytes(got)], [...nr.toBytes(want)], `${src} -> ${dst}`);
    for (const x of [a, t, got, copy, want]) x.dispose();
  }
});
