// Unary ops against NumPy: every op × dtype, random shapes and layouts, special values.

import * as nr from "../mod.ts";
import { assertClose } from "./_assert.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";

const CASES: [string, string, nr.DType[]][] = [
  ["exp", "np.exp(x)", ["f64", "f32", "f16", "bf16", "i32", "u8", "bool"]],
  ["sqrt", "np.sqrt(x)", ["f64", "f32", "f16", "bf16", "i16"]],
  ["neg", "np.negative(x)", ["f64", "f32", "i64", "i32", "i8", "u8", "u64"]],
];

Deno.test("unary ops match NumPy on random shapes and layouts", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(1);
    for (const [name, expr, dtypes] of CASES) {
      const fn = (nr as unknown as Record<string, (x: nr.Tensor) => nr.Tensor>)[name];
      for (const dtype of dtypes) {
        for (const layout of LAYOUTS) {
          const shape = randomShape(rng);
          const x = randomTensor(rng, dtype, shape, layout);
          const expected = await oracle.eval(expr, { x });
          assertClose(fn(x), expected, { message: `${name} ${dtype} ${layout} [${shape}]` });
        }
      }
    }
  } finally {
    await oracle.close();
  }
});
