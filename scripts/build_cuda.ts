// Builds the CUDA kernels (deno task build:cuda): every native/cuda/*.cu is compiled to PTX for
// sm_90 with nvcc (-arch=compute_90a for files marked `// numr-arch: sm_90a`), then assembled
// with ptxas into an sm_90 cubin (the compile check CI runs, and what the loader prefers on a
// Hopper GPU; other GPUs JIT the PTX). Outputs go to native/cuda/build/ (git-ignored) with a
// manifest.json listing each module's kernels. Up-to-date modules are skipped.
//
// nvcc: env NUMR_NVCC, else .tools/py/nvidia/cu13/bin/nvcc (PyPI nvidia-cuda-nvcc, see .ci/run),
// else `nvcc` on PATH, else /usr/local/cuda/bin/nvcc.
//
//   deno run -A scripts/build_cuda.ts [--force] [--jobs N] [--only name,name]

const ROOT = new URL("..", import.meta.url).pathname;
const SRC = `${ROOT}native/cuda/`;
const OUT = `${ROOT}native/cuda/build/`;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function mtime(path: string): number {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

function findNvcc(): string {
  const env = Deno.env.get("NUMR_NVCC");
  if (env) return env;
  const local = `${ROOT}.tools/py/nvidia/cu13/bin/nvcc`;
  if (exists(local)) return local;
  for (const candidate of ["nvcc", "/usr/local/cuda/bin/nvcc"]) {
    try {
      const out = new Deno.Command(candidate, { args: ["--version"] }).outputSync();
      if (out.success) return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  console.error(
    "numr: nvcc not found. Install it with `pip install --target .tools/py " +
      "nvidia-cuda-nvcc==13.0.88 nvidia-cuda-runtime==13.0.96 nvidia-cuda-cccl==13.0.85 " +
      "nvidia-nvvm==13.0.88 nvidia-cuda-crt==13.0.88` (see .ci/run) or set NUMR_NVCC",
  );
  Deno.exit(1);
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text.slice(0, 8000)}`);
}

/** Kernel names (`.entry`) of a PTX file. */
function entries(ptx: string): string[] {
  const names: string[] = [];
  for (const m of ptx.matchAll(/\.entry\s+([A-Za-z0-9_]+)\s*\(/g)) names.push(m[1]);
  return names;
}

interface ModuleInfo {
  arch: string;
  ptx: string;
  cubin: Record<string, string>;
  kernels: string[];
}

async function main(): Promise<void> {
  const args = Deno.args;
  const force = args.includes("--force");
  const jobsAt = args.indexOf("--jobs");
  const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : navigator.hardwareConcurrency;
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(",")) : undefined;
  const nvcc = findNvcc();
  const ptxas = nvcc.replace(/nvcc$/, "ptxas");
  Deno.mkdirSync(OUT, { recursive: true });
  const headers = [...Deno.readDirSync(SRC)].filter((e) => e.name.endsWith(".cuh"));
  const headerTime = Math.max(0, ...headers.map((h) => mtime(SRC + h.name)));
  const sources = [...Deno.readDirSync(SRC)]
    .filter((e) => e.isFile && e.name.endsWith(".cu"))
    .map((e) => e.name.slice(0, -3))
    .sort();
  const manifestPath = `${OUT}manifest.json`;
  let manifest: Record<string, ModuleInfo> = {};
  try {
    manifest = JSON.parse(Deno.readTextFileSync(manifestPath));
  } catch {
    manifest = {};
  }
  const todo = sources.filter((name) => {
    if (only !== undefined && !only.has(name)) return false;
    const cubin = `${OUT}${name}.sm_90.cubin`;
    const newest = Math.max(headerTime, mtime(`${SRC}${name}.cu`));
    return force || manifest[name] === undefined || mtime(cubin) < newest;
  });
  const start = performance.now();
  const queue = [...todo];
  const failures: string[] = [];
  const worker = async () => {
    while (queue.length > 0) {
      const name = queue.shift()!;
      const t0 = performance.now();
      const source = Deno.readTextFileSync(`${SRC}${name}.cu`);
      const arch = /numr-arch:\s*sm_90a/.test(source) ? "sm_90a" : "sm_90";
      const virtual = arch === "sm_90a" ? "compute_90a" : "compute_90";
      const ptx = `${OUT}${name}.ptx`;
      const cubin = `${OUT}${name}.sm_90.cubin`;
      try {
        await run(nvcc, [
          "-ptx",
          `-arch=${virtual}`,
          "-std=c++17",
          "-O3",
          "-lineinfo",
          `${SRC}${name}.cu`,
          "-o",
          ptx,
        ]);
        await run(ptxas, [`-arch=${arch}`, "-O3", ptx, "-o", cubin]);
        manifest[name] = {
          arch,
          ptx: `${name}.ptx`,
          cubin: { "90": `${name}.sm_90.cubin` },
          kernels: entries(Deno.readTextFileSync(ptx)),
        };
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        console.log(`numr: ${name}.cu -> ${manifest[name].kernels.length} kernels (${secs} s)`);
      } catch (e) {
        failures.push(name);
        console.error((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  for (const name of Object.keys(manifest)) if (!sources.includes(name)) delete manifest[name];
  Deno.writeTextFileSync(manifestPath, JSON.stringify(manifest, null, 1) + "\n");
  // The checked-in kernel list (the CUDA kernel table for coverage; CI checks it is current).
  const lines = Object.values(manifest).flatMap((m) => m.kernels)
    .map((k) => k.split("_"))
    .filter((p) => p.length === 4 && p[0] === "numr")
    .map((p) => `${p[1]} ${p[2]} ${p[3]}`);
  // The matmul primitive (src/runtime/cuda/backend.ts) runs every dtype with a general GEMM
  // kernel, and complex products as four real ones (src/runtime/gpu_matmul.ts).
  const gemm = new Set(lines.filter((l) => l.startsWith("gemm simt ")).map((l) => l.slice(10)));
  const complex = [["f32", "c64"], ["f64", "c128"]].filter(([r]) => gemm.has(r)).map((p) => p[1]);
  for (const d of [...gemm, ...complex]) lines.push(`matmul matmul ${d}`);
  lines.sort();
  Deno.writeTextFileSync(`${SRC}kernels.txt`, lines.join("\n") + "\n");
  const total = Object.values(manifest).reduce((n, m) => n + m.kernels.length, 0);
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `numr: CUDA kernels built: ${total} in ${Object.keys(manifest).length} modules ` +
      `(${todo.length} rebuilt in ${secs} s) -> ${OUT}`,
  );
  if (failures.length > 0) {
    console.error(`numr: CUDA build failed for ${failures.join(", ")}`);
    Deno.exit(1);
  }
}

await main();
