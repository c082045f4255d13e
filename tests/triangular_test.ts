// triu, tril, oneHot and meshgrid against NumPy/torch semantics: every dtype, batched shapes,
// every layout, diagonal offsets beyond the matrix, and bad inputs.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual } from "./_assert.ts";
import { errorCode } from "./_elementwise.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomTensor, Rng } from "./_random.ts";

Deno.test("triu and tril match NumPy for every dtype, layout and offset", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(31);
    for (const dtype of nr.DTYPE_NAMES) {
      const inputs: nr.Tensor[] = [];
      const ks: number[] = [];
      for (const layout of LAYOUTS) {
        const batch = Array.from({ length: rng.int(0, 2) }, () => rng.int(0, 3));
        const shape = [...batch, rng.int(0, 5), rng.int(1, 6)];
        inputs.push(randomTensor(rng, dtype, shape, layout));
        ks.push(rng.pick([0, 1, -1, 2, -3, 7, -9, 1000]));
      }
      const bound: Record<string, nr.Tensor> = {};
      inputs.forEach((x, i) => bound[`x${i}`] = x);
      for (const name of ["triu", "tril"] as const) {
        const calls = inputs.map((_, i) => `np.${name}(x${i}, ${ks[i]})`).join(", ");
        const answer = await oracle.run(`(${calls},)`, bound);
        if (answer.error !== undefined) throw new Error(answer.error);
        inputs.forEach((x, i) => {
          const message = `${name} ${dtype} [${x.shape}] k ${ks[i]}`;
          assertBitsEqual(nr[name](x, ks[i]), answer.results[i], message);
        });
      }
    }
    const x = nr.ones([2, 3]);
    assert.deepEqual(x.triu().toArray(), [[1, 1, 1], [0, 1, 1]]);
    assert.deepEqual(x.tril(1).toArray(), [[1, 1, 0], [1, 1, 1]]);
  } finally {
    await oracle.close();
  }
});

Deno.test("oneHot matches torch's one_hot", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(8);
    for (const dtype of ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8"] as nr.DType[]) {
      for (const layout of LAYOUTS) {
        const x = randomTensor(rng, dtype, [3, 4], layout, { special: false, positive: true })
          .mod(7);
        const expected = await oracle.eval(
          "(x[..., None] == np.arange(9)).astype(np.int64)",
          { x },
        );
        assertBitsEqual(nr.oneHot(x, 9), expected, `${dtype} ${layout}`);
        const inferred = nr.oneHot(x);
        assert.equal(inferred.shape[2], Number(nr.max(x).item()) + 1);
      }
    }
    const y = nr.oneHot(nr.tensor([1, 0], { dtype: "i32" }), 2, { dtype: "bool" });
    assert.deepEqual(y.toArray(), [[false, true], [true, false]]);
    assert.deepEqual(nr.oneHot(nr.tensor(2, { dtype: "i32" }), 3).toArray(), [0n, 0n, 1n]);
    assert.deepEqual(nr.oneHot(nr.zeros([0], { dtype: "i32" }), 4).shape, [0, 4]);
  } finally {
    await oracle.close();
  }
});

Deno.test("meshgrid matches NumPy for both indexings", async () => {
  const oracle = Oracle.start();
  try {
    const a = nr.tensor([1, 2, 3], { dtype: "f32" });
    const b = nr.tensor([[4, 5]], { dtype: "i32" });
    const c = nr.tensor([6, 7, 8, 9], { dtype: "u8" }).flip();
    for (const indexing of ["xy", "ij"] as const) {
      for (const inputs of [[a], [a, b], [a, b, c], [c, a, b]]) {
        const bound: Record<string, nr.Tensor> = {};
        inputs.forEach((x, i) => bound[`x${i}`] = x);
        const names = inputs.map((_, i) => `x${i}`).join(", ");
        const expected = await oracle.run(
          `tuple(np.meshgrid(${names}, indexing='${indexing}'))`,
          bound,
        );
        if (expected.error !== undefined) throw new Error(expected.error);
        const grids = nr.meshgrid(...inputs, { indexing });
        grids.forEach((g, i) => assertBitsEqual(g, expected.results[i], `${indexing} #${i}`));
      }
    }
    const [gx] = nr.meshgrid(a, b);
    assert.equal(gx.storage, a.storage);
    assert.deepEqual(nr.meshgrid(), []);
  } finally {
    await oracle.close();
  }
});

Deno.test("triu, tril, oneHot and meshgrid reject bad inputs with typed errors", () => {
  const x = nr.ones([2, 2]);
  assert.equal(errorCode(() => nr.triu(nr.ones([3]))), "InvalidDimension");
  assert.equal(errorCode(() => nr.tril(nr.tensor(1))), "InvalidDimension");
  assert.equal(errorCode(() => nr.triu(x, 0.5)), "InvalidArgument");
  assert.equal(errorCode(() => nr.triu([1] as unknown as nr.Tensor)), "InvalidArgument");
  const idx = nr.tensor([0, 3], { dtype: "i32" });
  assert.equal(errorCode(() => nr.oneHot(idx, 3)), "IndexOutOfBounds");
  assert.equal(errorCode(() => nr.oneHot(nr.tensor([-1], { dtype: "i8" }), 3)), "IndexOutOfBounds");
  assert.equal(errorCode(() => nr.oneHot(nr.tensor([1.0]), 3)), "UnsupportedDType");
  assert.equal(errorCode(() => nr.oneHot(idx, -2)), "InvalidArgument");
  assert.equal(errorCode(() => nr.oneHot(idx, 2.5)), "InvalidArgument");
  assert.equal(
    errorCode(() => nr.oneHot(idx, 4, { dtype: "x" as nr.DType })),
    "InvalidArgument",
  );
  assert.equal(errorCode(() => nr.oneHot(nr.zeros([0], { dtype: "i32" }))), "InvalidArgument");
  assert.equal(
    errorCode(() => nr.meshgrid(x, { indexing: "yx" as "xy" })),
    "InvalidArgument",
  );
  const d = nr.ones([2, 2]);
  d.dispose();
  assert.equal(errorCode(() => nr.triu(d)), "Disposed");
  assert.equal(errorCode(() => nr.meshgrid(d)), "Disposed");
});
