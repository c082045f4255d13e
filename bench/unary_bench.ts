// Micro-benchmarks of the CPU unary kernels (`deno task bench`): the vector math per dtype, a
// transposed input, and complex elements. Speed is reported here, never asserted in tests.

import * as nr from "../mod.ts";

const N = 1 << 22;
const values = Float32Array.from({ length: N }, (_, i) => 2 * Math.sin(i));
const f32 = nr.tensor(values);
const f64 = nr.tensor(Float64Array.from(values));
const f16 = nr.tensor(Float16Array.from(values));
const square = nr.reshape(f32, [2048, 2048]);
const c64 = nr.tensor(
  Array.from({ length: 1 << 18 }, (_, i) => ({ re: Math.sin(i), im: Math.cos(3 * i) })),
  { dtype: "c64" },
);

for (const op of ["exp", "log", "sin", "tanh", "expm1", "atan", "abs", "sqrt", "round"] as const) {
  Deno.bench(`${op} f32 4M`, { group: op, baseline: true }, () => {
    nr[op](f32).dispose();
  });
  Deno.bench(`${op} f64 4M`, { group: op }, () => {
    nr[op](f64).dispose();
  });
  Deno.bench(`${op} f16 4M`, { group: op }, () => {
    nr[op](f16).dispose();
  });
}

Deno.bench("exp f32 2048x2048 transposed", () => {
  nr.exp(nr.transpose(square)).dispose();
});
Deno.bench("exp c64 256K", () => {
  nr.exp(c64).dispose();
});
Deno.bench("abs c64 256K", () => {
  nr.abs(c64).dispose();
});
