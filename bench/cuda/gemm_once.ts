// One f32 and one bf16 GEMM of 4096³ (for profiling a single kernel with ncu).
import * as nr from "../../mod.ts";
import { getBackend } from "../../src/runtime/backend.ts";

const DEV = nr.cuda(0);
// deno-lint-ignore no-explicit-any
const backend = getBackend(DEV) as any;
for (const dtype of ["f32", "bf16"] as const) {
  const m = 4096;
  const A = nr.cast(nr.arange(m * m, { dtype: "f32" }).mul(1e-7).reshape([m, m]), dtype).to(DEV);
  const B = nr.cast(nr.arange(m * m, { dtype: "f32" }).mul(-1e-7).reshape([m, m]), dtype).to(DEV);
  const C = nr.empty([m, m], { dtype, device: DEV });
  backend.gemm(A, B, C);
  nr.cudaSynchronize(DEV);
}
