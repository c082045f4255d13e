// Reductions vs NumPy, side by side on this machine: median and best of N runs, per thread count.
//   deno run -A bench/reduce_peers.ts [threads...]
// Not a test: timings on a shared machine are noisy; compare numbers from one run only.

import * as nr from "../mod.ts";

const RUNS = 21;

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
  ["sum 16M f32", () => nr.sum(x), "x.sum()"],
  ["max 16M f32", () => nr.max(x), "x.max()"],
  ["argmax 16M f32", () => nr.argmax(x), "x.argmax()"],
  ["mean 16M f32", () => nr.mean(x), "x.mean()"],
  ["sum axis 1 4096²", () => nr.sum(m, { axis: 1 }), "m.sum(axis=1)"],
  ["sum axis 0 4096²", () => nr.sum(m, { axis: 0 }), "m.sum(axis=0)"],
  ["max axis 0 4096²", () => nr.max(m, { axis: 0 }), "m.max(axis=0)"],
  ["argmax axis 1 4096²", () => nr.argmax(m, { axis: 1 }), "m.argmax(axis=1)"],
  ["any axis 0 4096²", () => nr.any(m, { axis: 0 }), "m.any(axis=0)"],
  ["sum of transposed 4096²", () => nr.sum(m.transpose()), "m.T.sum()"],
];

const script = `
import numpy as np, time, sys
x = (np.random.rand(1 << 24).astype(np.float32) * 2 - 1); m = x.reshape(4096, 4096)
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
