// Scans vs NumPy, side by side on this machine: median and best of N runs, per thread count.
//   deno run -A bench/scan_peers.ts [threads...]
// Not a test: timings on a shared machine are noisy; compare numbers from one run only.

import * as nr from "../mod.ts";

const RUNS = 7;

function time(f: () => nr.Tensor): [number, number] {
  const ts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = f();
    ts.push(performance.now() - t0);
    r.dispose();
  }
  ts.sort((a, b) => a - b);
  return [ts[RUNS >> 1], ts[0]];
}

const N = 1 << 24;
const data = new Float32Array(N);
for (let i = 0; i < N; i++) data[i] = Math.random() * 2 - 1;
const x = nr.tensor(data);
const m = x.reshape([4096, 4096]);

const cases: [string, () => nr.Tensor, string][] = [
  ["cumsum 16M f32", () => nr.cumsum(x), "np.cumsum(x)"],
  ["cumsum axis 1 4096²", () => nr.cumsum(m, { axis: 1 }), "np.cumsum(m, axis=1)"],
  ["cumsum axis 0 4096²", () => nr.cumsum(m, { axis: 0 }), "np.cumsum(m, axis=0)"],
  ["cumprod 16M f32", () => nr.cumprod(x), "np.cumprod(x)"],
  ["cummax 16M f32", () => nr.cummax(x), "np.maximum.accumulate(x)"],
  ["logcumsumexp 16M f32", () => nr.logcumsumexp(x), "np.logaddexp.accumulate(x)"],
  ["logsumexp axis 1 4096²", () => nr.logsumexp(m, { axis: 1 }), "LSE(m, axis=1)"],
];

const script = `
import numpy as np, time, sys
x = (np.random.rand(1 << 24).astype(np.float32) * 2 - 1); m = x.reshape(4096, 4096)
from scipy.special import logsumexp as LSE
for expr in sys.argv[1:]:
    ts = []
    for _ in range(${RUNS}):
        t = time.perf_counter(); eval(expr); ts.append(time.perf_counter() - t)
    ts.sort(); print(ts[len(ts) // 2] * 1e3, ts[0] * 1e3)
`;
const out = new Deno.Command("python3", { args: ["-c", script, ...cases.map((c) => c[2])] })
  .outputSync();
const numpy = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) =>
  l.split(" ").map(Number)
);

const threads = Deno.args.length > 0 ? Deno.args.map(Number) : [1, 2];
const header = ["case", "numpy med/min", ...threads.map((t) => `numr ${t}t med/min`)];
console.log(header.join(" | "));
const rows = cases.map((
  [name],
  i,
) => [name, `${numpy[i][0].toFixed(2)}/${numpy[i][1].toFixed(2)}`]);
for (const t of threads) {
  nr.setCpuThreads(t);
  cases.forEach(([, f], i) => {
    const [med, min] = time(f);
    rows[i].push(`${med.toFixed(2)}/${min.toFixed(2)}`);
  });
}
for (const r of rows) console.log(r.join(" | "));
nr.setCpuThreads(0);
