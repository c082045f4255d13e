// The public matmul family on WebGPU against the CPU backend (f32, f16, bf16, c64): NumPy
// semantics, fused bias + activations, complex products and gradients through matmul.

import { HAS_GPU } from "./_webgpu.ts";
import { matmulParity } from "./_matmul_parity.ts";
import * as nr from "../mod.ts";

Deno.test({
  name: "webgpu: public matmul family matches the CPU",
  ignore: !HAS_GPU,
  async fn() {
    await nr.webgpu();
    await matmulParity("webgpu", ["f32", "bf16", "c64"]);
  },
});
