// WebGPU parity for the scans (cumsum, cumprod, cummax, cummin, logcumsumexp) on every GPU dtype
// and layout, rows shorter and longer than one 256-element tile. Skips without an adapter.

import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";
import { GPU_DTYPES, HAS_GPU, parity, type Tally } from "./_webgpu.ts";

const SCANS = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"] as const;

Deno.test({
  name: "webgpu: scans match the CPU on every dtype and layout",
  ignore: !HAS_GPU,
  async fn() {
    const rng = new Rng(31);
    const tally: Tally = { compared: 0, unsupported: 0 };
    let li = 0;
    for (const op of SCANS) {
      for (const d of GPU_DTYPES) {
        const long = li % 3 === 0;
        const shape = long ? [2, 600] : randomShape(rng, { maxDims: 3, maxDim: 6 });
        const layout = LAYOUTS[li++ % LAYOUTS.length];
        const x = randomTensor(rng, d, shape, shape.length === 0 ? "contiguous" : layout, {
          scale: op === "cumprod" ? 0.3 : 2,
          special: op !== "cumsum" && op !== "cumprod",
        });
        const axis = shape.length > 0 ? rng.int(-shape.length, shape.length - 1) : undefined;
        const label = `${op} ${d} ${layout} [${shape}] axis ${axis}`;
        await parity(
          label,
          op,
          d,
          [x],
          ([t]) => {
            // deno-lint-ignore no-explicit-any
            const f = (nr as any)[op] as (t: Tensor, o: unknown) => Tensor;
            return f(t, { axis });
          },
          tally,
          { atol: 1e-4, rtol: 1e-4 },
        );
        x.dispose();
      }
    }
    console.log(`scan: ${tally.compared} compared, ${tally.unsupported} unsupported on webgpu`);
  },
});
