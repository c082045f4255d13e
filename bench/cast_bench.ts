// Cast throughput on the contiguous pairs with vector paths, plus a strided and an fp8 case.
// Run: deno task bench (compare with NumPy: np.copyto(y, x, casting="unsafe") on the same sizes).

import * as nr from "../mod.ts";
import type { DType } from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";

const N = 1 << 20;
const PAIRS: [DType, DType][] = [
  ["f32", "f16"],
  ["f16", "f32"],
  ["f32", "bf16"],
  ["bf16", "f32"],
  ["f32", "f64"],
  ["f64", "f32"],
  ["i32", "f32"],
  ["f32", "i32"],
  ["u8", "f32"],
  ["bool", "f32"],
  ["f64", "bf16"],
  ["f32", "fp8e4m3"],
  ["f32", "f32"],
];

const source = nr.tensor(new Float64Array(N).map((_, i) => (i % 1000) / 7 - 50));
const backend = getBackend("cpu");

for (const [src, dst] of PAIRS) {
  const x = source.astype(src);
  const y = nr.empty([N], { dtype: dst });
  Deno.bench(`cast ${src} -> ${dst} (${N})`, { group: "contiguous" }, () => {
    backend.cast(x, y);
  });
}

const wide = nr.empty([2 * N], { dtype: "f32" });
const stepped = wide.slice([0, 2 * N, 2]);
const out = nr.empty([N], { dtype: "f16" });
Deno.bench(`cast f32 -> f16 (${N}, stride 2)`, { group: "strided" }, () => {
  backend.cast(stepped, out);
});
