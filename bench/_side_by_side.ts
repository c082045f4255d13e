// Side-by-side timing of numr cases against NumPy expressions on this machine: median and best
// of N runs, NumPy once, numr per thread count. Used by the *_peers.ts scripts in this folder.
// Not a test: timings on a shared machine are noisy; compare numbers from one run only.

import * as nr from "../mod.ts";

/** One case: a name, the numr call, and the NumPy expression over `x` (16M f32) / `m` (4096²). */
export type Case = [string, () => nr.Tensor, string];

const N = 1 << 24;

/** The inputs every case uses: `x`, 16M uniform f32 in [-1, 1), and `m`, its 4096² view. */
export function inputs(): { x: nr.Tensor; m: nr.Tensor } {
  const data = new Float32Array(N);
  for (let i = 0; i < N; i++) data[i] = Math.random() * 2 - 1;
  const x = nr.tensor(data);
  return { x, m: x.reshape([4096, 4096]) };
}

function time(f: () => nr.Tensor, runs: number): [number, number] {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = f();
    ts.push(performance.now() - t0);
    r.dispose();
  }
  ts.sort((a, b) => a - b);
  return [ts[runs >> 1], ts[0]];
}

/**
 * Times the cases in NumPy (`prelude` runs first, after `x` and `m` are made) and in numr with
 * each thread count of the command line (default 1 and 2), and prints one table.
 */
export function sideBySide(cases: readonly Case[], runs: number, prelude = ""): void {
  const script = `
import numpy as np, time, sys
x = (np.random.rand(1 << 24).astype(np.float32) * 2 - 1); m = x.reshape(4096, 4096)
${prelude}
for expr in sys.argv[1:]:
    ts = []
    for _ in range(${runs}):
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
      const [med, min] = time(f, runs);
      rows[i].push(`${med.toFixed(2)}/${min.toFixed(2)}`);
    });
  }
  for (const r of rows) console.log(r.join(" | "));
  nr.setCpuThreads(0);
}
