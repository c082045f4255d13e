// Gradient parity of a GPU backend against the CPU: every gradcheck case (tests/_grad_cases.ts)
// runs in f32 on both, and the gradients of ⟨f(xs), w⟩ must agree. Cases the device cannot run
// (an op without a kernel there, or a case holding CPU constants such as index tensors) are
// skipped and reported; the caller asserts how many ran.

import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { assertClose } from "./_assert.ts";
import { CASES } from "./_grad_cases.ts";
import { uniform } from "./_gradcheck.ts";
import { Rng } from "./_random.ts";

/** What {@link gradParity} compared and skipped. */
export interface GradParity {
  /** Ops whose every case ran on the device and matched. */
  compared: string[];
  /** Ops with a case the device could not run, and why. */
  skipped: Record<string, string>;
}

const SKIP_CODES = new Set(["UnsupportedDType", "DeviceMismatch", "InvalidArgument"]);

/** Runs every gradcheck case on the CPU and on `device` in f32 and compares the gradients. */
export async function gradParity(device: nr.DeviceName): Promise<GradParity> {
  const result: GradParity = { compared: [], skipped: {} };
  const rng = new Rng(5);
  for (const [name, cases] of Object.entries(CASES)) {
    let ok = true;
    for (const c of cases) {
      const xs = c.shapes.map((s) => uniform(rng, s, c.range).astype("f32"));
      const w = uniform(rng, c.f(...xs).shape).astype("f32");
      const gradsOn = (args: Tensor[], weights: Tensor) =>
        nr.grad((...v: Tensor[]) => nr.mul(c.f(...v), weights).sum(), {
          argnums: args.map((_, i) => i),
        })(...args) as Tensor[];
      const want = gradsOn(xs, w);
      let got: Tensor[];
      try {
        got = gradsOn(xs.map((x) => x.to(device)), w.to(device));
        for (let i = 0; i < got.length; i++) got[i] = await nr.toAsync(got[i], "cpu");
      } catch (e) {
        if (e instanceof nr.NumrError && SKIP_CODES.has(e.code)) {
          result.skipped[name] = `${e.code}: ${e.message.split("\n")[0]}`;
          ok = false;
          break;
        }
        throw e;
      }
      got.forEach((g, i) => {
        assertClose(g, want[i], { atol: 2e-3, rtol: 2e-3, message: `${device} d${name}/dx${i}` });
      });
    }
    if (ok) result.compared.push(name);
  }
  return result;
}
