// CUDA sorting benchmarks side by side with PyTorch (bench/cuda/sort_peer.py, same shapes):
// milliseconds per call (median, host-timed with a stream sync).
//
//   deno run -A bench/cuda/sort_bench.ts [--json PATH]

import * as nr from "../../mod.ts";
import { medianSeconds } from "./_timing.ts";

if (!nr.cudaAvailable()) {
  console.log("no CUDA device: skipped");
  Deno.exit(0);
}
const DEV = nr.cuda(0);

/** Median milliseconds of `fn` (synchronised calls). */
function time(fn: () => void, reps = 10, warm = 2): number {
  return medianSeconds(DEV, fn, reps, warm) * 1000;
}

function rand(shape: number[], dtype: nr.DType): nr.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return nr.tensor(data, { dtype: "f32", shape }).astype(dtype).to(DEV);
}

const out: Record<string, number> = {};
const cases: [string, number[], nr.DType][] = [
  ["sort_f32_16M", [1 << 24], "f32"],
  ["sort_f32_4096x4096_axis1", [4096, 4096], "f32"],
  ["sort_f32_65536x256_axis1", [65536, 256], "f32"],
  ["sort_f64_1M", [1 << 20], "f64"],
];
for (const [name, shape, dtype] of cases) {
  const x = rand(shape, dtype);
  out[`${name}_ms`] = time(() => nr.sort(x, { axis: -1 }).dispose());
  out[`arg${name}_ms`] = time(() => nr.argsort(x, { axis: -1 }).dispose());
  x.dispose();
}
// Complex keys (the two-word network); PyTorch has no complex sort.
const z = nr.complex(rand([1 << 20], "f32"), rand([1 << 20], "f32"));
out["sort_c64_1M_ms"] = time(() => nr.sort(z).dispose());
out["argsort_c64_1M_ms"] = time(() => nr.argsort(z).dispose());
z.dispose();
const sq = rand([4096, 4096], "f32");
out["topk100_f32_4096x4096_ms"] = time(() => {
  const r = nr.topk(sq, 100, { axis: 1 });
  r.values.dispose();
  r.indices.dispose();
});
const q = nr.tensor(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 1000), {
  dtype: "i32",
}).to(DEV);
out["unique_i32_1M_ms"] = time(() => nr.unique(q).values.dispose());
const s = nr.sort(rand([1 << 20], "f32"));
const v = rand([1 << 20], "f32");
out["searchsorted_f32_1M_in_1M_ms"] = time(() => nr.searchsorted(s, v).dispose());

let torch: Record<string, number> = {};
try {
  const res = new Deno.Command("python3", {
    args: [new URL("./sort_peer.py", import.meta.url).pathname],
    stderr: "inherit",
  }).outputSync();
  torch = JSON.parse(new TextDecoder().decode(res.stdout).trim().split("\n").pop()!);
} catch (e) {
  console.error(`PyTorch peer failed: ${(e as Error).message}`);
}
for (const [k, ms] of Object.entries(out)) {
  const t = torch[k];
  const ratio = t === undefined
    ? ""
    : `torch ${t.toFixed(3)} ms, numr/torch time ${(ms / t).toFixed(2)}×`;
  console.log(`${k.padEnd(36)} ${ms.toFixed(3).padStart(10)} ms  ${ratio}`);
}
const jsonAt = Deno.args.indexOf("--json");
if (jsonAt >= 0) {
  Deno.writeTextFileSync(Deno.args[jsonAt + 1], JSON.stringify({ numr: out, torch }, null, 1));
}
