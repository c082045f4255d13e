// numr peer for ../shared/bench-peers: times the workloads of workloads.json that numr runs and
// prints one JSON line each, in that harness's format (peer "numr-cpu", …).
//
//   deno task bench:peers                          # every supported workload on the CPU
//   deno task bench:peers --only add_f32_16M,sum_f32_16M --threads 1
//   NUMR_CMD="deno task bench:peers" ../shared/bench-peers/run_peers.sh 3   # side by side
//
// The timing protocol (warm-up, repeats, quiet-machine wait) is the harness's; see workloads.json.

import * as nr from "../mod.ts";

type Call = () => nr.Tensor | nr.Tensor[];
type Setup = () => Call;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const device = arg("device", "cpu") as nr.DeviceName;
const only = new Set(arg("only", "").split(",").filter((s) => s !== ""));
const threadsArg = Number(arg("threads", "0"));
if (threadsArg > 0) nr.setCpuThreads(threadsArg);
const PEER = `numr-${device}`;
// The harness sits beside the repository (../shared); `--workloads PATH` or env BENCH_PEERS_DIR
// points elsewhere (e.g. from a git worktree).
const peersDir = Deno.env.get("BENCH_PEERS_DIR");
const WORKLOADS = arg("workloads", "") ||
  (peersDir
    ? new URL(`file://${peersDir}/workloads.json`)
    : new URL("../../shared/bench-peers/workloads.json", import.meta.url));

const M16 = 16 * 1024 * 1024;

/** Standard normal f32 values (Box-Muller from a seeded generator); inputs are not timed. */
function randn(shape: number[], seed = 1): nr.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next()));
    const a = 2 * Math.PI * next();
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return nr.tensor(out, { shape, device });
}

// Each setup makes the inputs (not timed) and returns the timed call.
const SETUPS: Record<string, Setup> = {
  add_f32_16M: () => {
    const [a, b] = [randn([M16], 1), randn([M16], 2)];
    return () => nr.add(a, b);
  },
  mul_scalar_f32_16M: () => {
    const a = randn([M16]);
    return () => nr.mul(a, 1.5);
  },
  exp_f32_16M: () => {
    const a = randn([M16]);
    return () => nr.exp(a);
  },
  sum_f32_16M: () => {
    const a = randn([M16]);
    return () => nr.sum(a);
  },
  sum_axis1_f32_4096x4096: () => {
    const a = randn([4096, 4096]);
    return () => nr.sum(a, { axis: 1 });
  },
  max_f32_16M: () => {
    const a = randn([M16]);
    return () => callOp("max", a);
  },
  argmax_f32_16M: () => {
    const a = randn([M16]);
    return () => callOp("argmax", a);
  },
  softmax_rows_f32_4096x4096: () => {
    const x = randn([4096, 4096]);
    // As a user writes it with this ops: exp(x - rowmax) / rowsum.
    return () => {
      using m = callOp("max", x, { axis: 1, keepdims: true });
      using d = nr.sub(x, m);
      using e = nr.exp(d);
      using s = nr.sum(e, { axis: 1, keepdims: true });
      return nr.div(e, s);
    };
  },
  sort_f32_1M: () => {
    const a = randn([1 << 20]);
    return () => callOp("sort", a);
  },
  argsort_f32_1M: () => {
    const a = randn([1 << 20]);
    return () => callOp("argsort", a);
  },
  topk_f32_1M_k100: () => {
    const a = randn([1 << 20]);
    return () => {
      const { values, indices } = nr.topk(a, 100);
      return [values, indices];
    };
  },
  transpose_copy_f32_4096x4096: () => {
    const a = randn([4096, 4096]);
    return () => nr.contiguous(nr.transpose(a));
  },
  ...Object.fromEntries([256, 1024, 2048, 4096].map((n) => [`matmul_f32_${n}`, () => {
    const a = randn([n, n]);
    const b = randn([n, n], 2);
    return () => nr.matmul(a, b);
  }])),
  matmul_f64_1024: () => {
    const a = nr.cast(randn([1024, 1024]), "f64");
    const b = nr.cast(randn([1024, 1024], 2), "f64");
    return () => nr.matmul(a, b);
  },
  batched_matmul_f32_64x128x128: () => {
    const a = randn([64, 128, 128]);
    const b = randn([64, 128, 128], 2);
    return () => nr.matmul(a, b);
  },
  matvec_f32_4096: () => {
    const a = randn([4096, 4096]);
    const x = randn([4096], 2);
    return () => nr.matmul(a, x);
  },
};

const NOT_YET: Record<string, string> = {
  add_out_f32_16M: "numr has no out= argument yet",
};

/** Calls an op by name when it exists (ops land in several issues). */
function callOp(name: string, ...args: unknown[]): nr.Tensor {
  const fn = (nr as unknown as Record<string, unknown>)[name];
  if (typeof fn !== "function") throw new Error(`numr has no ${name} yet`);
  return fn(...args) as nr.Tensor;
}

// ---------------------------------------------------------------- protocol

function procStat(): [number, number] {
  const fields = Deno.readTextFileSync("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1);
  const v = fields.map(Number);
  return [v.reduce((s, x) => s + x, 0), v[3] + v[4]];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuBusy(): Promise<number> {
  const [t0, i0] = procStat();
  await sleep(500);
  const [t1, i1] = procStat();
  return 1 - (i1 - i0) / Math.max(1, t1 - t0);
}

async function waitQuiet(threshold = 0.10, maxWaitS = 60): Promise<number> {
  const start = performance.now();
  let busy = await cpuBusy();
  while (busy > threshold && performance.now() - start < maxWaitS * 1e3) busy = await cpuBusy();
  return busy;
}

async function complete(r: nr.Tensor | nr.Tensor[]): Promise<void> {
  // CPU ops are complete on return; GPU backends synchronize by reading one element.
  if (device === "cpu") return;
  for (const t of Array.isArray(r) ? r : [r]) {
    await t.narrow(0, 0, Math.min(1, t.shape[0] ?? 1)).data();
  }
}

async function measure(call: Call): Promise<number[]> {
  const once = async () => {
    const t = performance.now();
    const r = call();
    await complete(r);
    const dt = (performance.now() - t) / 1e3;
    for (const x of Array.isArray(r) ? r : [r]) x.dispose();
    return dt;
  };
  let start = performance.now();
  let t = 0;
  for (let i = 0; i < 3; i++) {
    t = await once();
    if (performance.now() - start > 300) break;
  }
  if (t > 30) return [t];
  if (t > 5) return [await once(), await once(), await once()];
  const times: number[] = [];
  start = performance.now();
  while (times.length < 50 && (times.length < 5 || performance.now() - start < 1000)) {
    times.push(await once());
  }
  return times;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d: number) => Number(x.toFixed(d));
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

async function main(): Promise<void> {
  const spec = JSON.parse(Deno.readTextFileSync(WORKLOADS));
  const threads = device === "cpu" ? nr.getCpuThreads() : 1;
  emit({ id: "_meta", peer: PEER, threads, deno: Deno.version.deno, v8: Deno.version.v8 });
  for (const w of spec.workloads) {
    if (only.size > 0 && !only.has(w.id)) continue;
    const skip = (reason: string) => emit({ id: w.id, peer: PEER, skipped: reason });
    if (NOT_YET[w.id]) {
      skip(NOT_YET[w.id]);
      continue;
    }
    const setup = SETUPS[w.id];
    if (setup === undefined) {
      skip("not in numr yet");
      continue;
    }
    let times: number[];
    let busy = 0;
    try {
      const call = setup();
      busy = await waitQuiet();
      times = await measure(call);
    } catch (e) {
      skip(String(e).split("\n")[0].slice(0, 200));
      continue;
    }
    const med = median(times);
    const row: Record<string, unknown> = {
      id: w.id,
      peer: PEER,
      threads,
      median_ms: round(med * 1e3, 4),
      min_ms: round(Math.min(...times) * 1e3, 4),
      reps: times.length,
    };
    if (w.flops) row.gflops = round(w.flops / med / 1e9, 3);
    if (w.bytes) row.gbs = round(w.bytes / med / 1e9, 3);
    row.busy = round(busy, 3);
    emit(row);
  }
}

await main();
