// The public matmul family on WebGPU against the CPU backend (f32, f16, bf16, c64, and every
// integer dtype exactly): NumPy semantics, fused bias + activations, complex products and
// gradients through matmul.

import assert from "node:assert/strict";
import { attempt, HAS_GPU, toGpu } from "./_webgpu.ts";
import { matmulParity } from "./_matmul_parity.ts";
import { assertBitsEqual } from "./_assert.ts";
import { type Layout, LAYOUTS, randomTensor, Rng } from "./_random.ts";
import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";

Deno.test({
  name: "webgpu: public matmul family matches the CPU",
  ignore: !HAS_GPU,
  async fn() {
    await nr.webgpu();
    await matmulParity("webgpu", ["f32", "bf16", "c64"]);
  },
});

// ---- integer products: exact against the CPU (wrapping sums, i8 -> i32, small ints via i64) ----

const INT_DTYPES: DType[] = ["i32", "i8", "i64", "i16", "u8", "u16", "u32", "u64", "bool"];

/** `f` on CPU tensors and on their GPU copies (same layout); results bit for bit equal. */
async function exact(
  inputs: Tensor[],
  f: (...xs: Tensor[]) => Tensor,
  what: string,
): Promise<void> {
  const cpu = attempt(() => f(...inputs));
  const gpuInputs = inputs.map(toGpu);
  const gpu = attempt(() => f(...gpuInputs));
  if ("error" in cpu) {
    assert.ok("error" in gpu, `${what}: cpu threw ${cpu.error.code}, webgpu did not`);
    assert.equal(gpu.error.code, cpu.error.code, what);
  } else {
    if ("error" in gpu) throw gpu.error;
    const back = await gpu.ok.toAsync("cpu");
    assertBitsEqual(back, cpu.ok, what);
    back.dispose();
    gpu.ok.dispose();
    cpu.ok.dispose();
  }
  for (const t of gpuInputs) t.dispose();
}

Deno.test({
  name: "webgpu: integer matmul matches the CPU exactly (wrapping, i8 -> i32, via i64)",
  ignore: !HAS_GPU,
  async fn() {
    await nr.webgpu();
    const rng = new Rng(7);
    for (const dtype of INT_DTYPES) {
      const t = (shape: number[], layout: Layout = "contiguous") =>
        randomTensor(rng, dtype, shape, layout);
      // Shape rules, tails of the 64×64 tile and the 16-wide K slice, empty K.
      const shapes: [number[], number[]][] = [
        [[1, 1], [1, 1]],
        [[65, 17], [17, 70]],
        [[3, 0], [0, 4]],
        [[2, 1, 5, 7], [3, 7, 4]],
        [[7], [2, 7, 3]],
        [[4, 6], [6]],
        [[9], [9]],
      ];
      if (dtype === "i32" || dtype === "i8") shapes.push([[130, 33], [33, 129]]);
      for (const [sa, sb] of shapes) {
        await exact([t(sa), t(sb)], (a, b) => nr.matmul(a, b), `${dtype} [${sa}] @ [${sb}]`);
      }
      // Strided views: transposed, flipped (negative strides), stepped, offset, broadcast.
      for (const layout of LAYOUTS) {
        await exact(
          [t([6, 11], layout), t([11, 5], layout)],
          (a, b) => nr.matmul(a, b),
          `${dtype} ${layout}`,
        );
      }
      const [a, b, bias] = [t([12, 8]), t([5, 8]), t([5])];
      await exact([a, b], (x, y) => nr.matmul(x, y.transpose()), `${dtype} a @ b.T`);
      for (const activation of [undefined, "relu", "gelu"] as const) {
        await exact(
          [a, b, bias],
          (x, y, c) => nr.matmulBias(x, y.transpose(), c, { activation }),
          `${dtype} matmulBias ${activation ?? "none"}`,
        );
      }
      const [p, q] = [t([3, 4, 6]), t([3, 6, 5])];
      await exact([p, q], (x, y) => nr.bmm(x, y), `${dtype} bmm`);
      await exact([p, q], (x, y) => nr.tensordot(x, y, [[2], [1]]), `${dtype} tensordot`);
      await exact([a, b], (x, y) => nr.inner(x, y), `${dtype} inner`);
      await exact([a, b.transpose()], (x, y) => nr.dot(x, y), `${dtype} dot`);
      await exact([t([13]), t([13])], (x, y) => nr.dot(x, y), `${dtype} dot 1-D`);
      await exact([a, a.flip(0)], (x, y) => nr.vdot(x, y), `${dtype} vdot`);
    }
  },
});

Deno.test({
  name: "webgpu: i8 products sum exactly in i32 and take an i8 or i32 bias",
  ignore: !HAS_GPU,
  async fn() {
    await nr.webgpu();
    // -128 · -128 · 300 = 4,915,200: past i16, exact in i32.
    const a = nr.full([2, 300], -128, { dtype: "i8" });
    const b = nr.full([300, 3], -128, { dtype: "i8" });
    const y = nr.matmul(a.to("webgpu"), b.to("webgpu"));
    assert.equal(y.dtype, "i32");
    assert.deepEqual(await y.array(), [[4915200, 4915200, 4915200], [4915200, 4915200, 4915200]]);
    const rng = new Rng(3);
    const [x, w] = [randomTensor(rng, "i8", [9, 70]), randomTensor(rng, "i8", [70, 6])];
    for (const bd of ["i8", "i32"] as const) {
      const bias = randomTensor(rng, bd, [6]);
      for (const activation of [undefined, "relu"] as const) {
        await exact(
          [x, w, bias],
          (p, q, c) => nr.matmulBias(p, q, c, { activation }),
          `i8 bias ${bd} ${activation ?? "none"}`,
        );
      }
    }
    // i32 sums wrap as NumPy's: (2^31 - 1) · 2 + 2 = 0 (mod 2^32).
    const big = nr.tensor([[2147483647, 1]], { dtype: "i32" });
    const two = nr.tensor([[2], [2]], { dtype: "i32" });
    assert.deepEqual(await nr.matmul(big.to("webgpu"), two.to("webgpu")).array(), [[0]]);
  },
});
