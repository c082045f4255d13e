// Parity of the public matmul family on a GPU backend against the CPU backend: NumPy semantics
// (1-D operands, batch broadcasting, transposed views), fused bias + activation, complex
// products, the composites over matmul, and gradients through matmul (autograd on the device).

import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";
import { assertClose } from "./_assert.ts";
import { Rng } from "./_random.ts";

const TOL: Partial<Record<DType, number>> = { f64: 1e-10, f32: 2e-4, f16: 2e-2, bf16: 5e-2 };

function rand(rng: Rng, shape: number[], dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n * (dtype === "c64" ? 2 : 1) }, () => 2 * rng.next() - 1);
  if (dtype === "c64") {
    const parts = nr.tensor(values, { dtype: "f32" }).reshape([...shape, 2]);
    const [re, im] = [parts.get("...", 0), parts.get("...", 1)];
    return nr.complex(re, im);
  }
  return nr.tensor(values, { dtype: "f64", shape }).astype(dtype);
}

/** `f` on the CPU and on `device` (inputs copied there), compared as f64/c128 values. */
async function same(
  device: nr.DeviceName,
  dtype: DType,
  inputs: Tensor[],
  f: (...xs: Tensor[]) => Tensor,
  what: string,
): Promise<void> {
  const want = f(...inputs);
  const got = await nr.toAsync(f(...inputs.map((x) => x.to(device))), "cpu");
  const tol = TOL[dtype === "c64" ? "f32" : dtype] ?? 1e-4;
  const wide = want.dtype === "c64" || want.dtype === "c128" ? "c128" : "f64";
  assertClose(got.astype(wide), want.astype(wide), {
    atol: tol * 8,
    rtol: tol,
    message: `${device} ${dtype} ${what}`,
  });
}

/** Runs the matmul family on `device` for `dtypes` and compares with the CPU. */
export async function matmulParity(device: nr.DeviceName, dtypes: DType[]): Promise<void> {
  const rng = new Rng(41);
  for (const dtype of dtypes) {
    // Every shape rule for the first dtype; the others run one broadcast batch (kernel paths).
    const cases: [number[], number[]][] = dtype === dtypes[0]
      ? [[[33, 20], [20, 17]], [[2, 1, 5, 7], [3, 7, 4]], [[7], [2, 7, 3]], [[4, 6], [6]], [[9], [
        9,
      ]]]
      : [[[2, 1, 5, 7], [3, 7, 4]]];
    for (const [sa, sb] of cases) {
      const [a, b] = [rand(rng, sa, dtype), rand(rng, sb, dtype)];
      await same(device, dtype, [a, b], (x, y) => nr.matmul(x, y), `[${sa}] @ [${sb}]`);
    }
    const [a, b] = [rand(rng, [12, 8], dtype), rand(rng, [5, 8], dtype)];
    await same(device, dtype, [a, b], (x, y) => nr.matmul(x, y.transpose()), "a @ b.T");
    if (dtype === dtypes[0]) {
      await same(device, dtype, [a, b], (x, y) => nr.inner(x, y), "inner");
      await same(device, dtype, [a, b], (x, y) => nr.tensordot(x, y, [[1], [1]]), "tensordot");
    }
    if (dtype === "c64") {
      await same(device, dtype, [a, a.transpose()], (x, y) => nr.vdot(x, y), "vdot");
      continue;
    }
    const bias = rand(rng, [5], dtype);
    const activations = dtype === dtypes[0]
      ? [undefined, "relu", "gelu", "silu", "sigmoid", "tanh"] as const
      : ["gelu"] as const;
    // Contiguous operands with K and N multiples of 4 take the GPUs' fast kernels.
    const [bc, biasC] = [rand(rng, [8, 12], dtype), rand(rng, [12], dtype)];
    for (const activation of activations) {
      await same(
        device,
        dtype,
        [a, b, bias],
        (x, y, c) => nr.matmulBias(x, y.transpose(), c, { activation }),
        `matmulBias ${activation ?? "none"}`,
      );
      await same(
        device,
        dtype,
        [a, bc, biasC],
        (x, y, c) => nr.matmulBias(x, y, c, { activation }),
        `matmulBias ${activation ?? "none"} (contiguous)`,
      );
    }
  }
  // Gradients through matmul on the device match the CPU's.
  const dtype = dtypes.includes("f64") ? "f64" : "f32";
  const [a, b] = [rand(rng, [6, 4], dtype), rand(rng, [4, 3], dtype)];
  const loss = (x: Tensor, y: Tensor) => nr.matmul(x, y).tanh().sum();
  const [ga, gb] = nr.grad(loss, { argnums: [0, 1] })(a, b) as Tensor[];
  const [da, db] = nr.grad(loss, { argnums: [0, 1] })(a.to(device), b.to(device)) as Tensor[];
  const tol = TOL[dtype]!;
  for (const [got, want, name] of [[da, ga, "dA"], [db, gb, "dB"]] as const) {
    const host = await nr.toAsync(got, "cpu");
    assertClose(host, want, { atol: tol * 8, rtol: tol, message: `${device} grad ${name}` });
  }
}
