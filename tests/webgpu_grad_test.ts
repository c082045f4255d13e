// Gradients on WebGPU (f32) against the CPU backend for every gradcheck case the backend runs.

import assert from "node:assert/strict";
import { HAS_GPU } from "./_webgpu.ts";
import { gradParity } from "./_grad_parity.ts";
import * as nr from "../mod.ts";

Deno.test({
  name: "webgpu: gradients of the differentiable ops match the CPU (f32)",
  ignore: !HAS_GPU,
  async fn() {
    await nr.webgpu();
    const r = await gradParity("webgpu");
    console.log(`webgpu gradients: ${r.compared.length} ops compared, skipped:`, r.skipped);
    assert.ok(r.compared.length >= 60, `only ${r.compared.length} ops ran on webgpu`);
  },
});
