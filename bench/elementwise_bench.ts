// Micro-benchmarks of the CPU elementwise and reduction paths (`deno task bench`). Speed is
// reported here and by bench/peers.ts against NumPy, never asserted in tests.

import * as nr from "../mod.ts";

const N = 1 << 22;
const a = nr.tensor(Float32Array.from({ length: N }, (_, i) => Math.sin(i)));
const b = nr.tensor(Float32Array.from({ length: N }, (_, i) => Math.cos(i)));
const small = nr.tensor(new Float32Array(16));
const m = nr.reshape(a, [2048, 2048]);

Deno.bench("add f32 4M contiguous", { group: "add" }, () => {
  nr.add(a, b).dispose();
});
Deno.bench("add f32 4M transposed operand", { group: "add" }, () => {
  nr.add(m, nr.transpose(m)).dispose();
});
Deno.bench("mul f32 4M by a scalar", () => {
  nr.mul(a, 1.5).dispose();
});
Deno.bench("exp f32 4M", () => {
  nr.exp(a).dispose();
});
Deno.bench("sqrt f32 4M", () => {
  nr.sqrt(a).dispose();
});
Deno.bench("add f32 16 elements (call overhead)", () => {
  nr.add(small, small).dispose();
});
Deno.bench("sum f32 4M", () => {
  nr.sum(a).dispose();
});
Deno.bench("transpose copy f32 2048x2048", () => {
  nr.contiguous(nr.transpose(m)).dispose();
});
