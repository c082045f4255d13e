// Finds, builds on first use, and opens the Zig CPU library. Each kernel family opens its own
// symbol set with `openSymbols`, so families stay independent of one another.

import { NumrError } from "../../core/errors.ts";

/** ABI version the TS side expects from the library (`numr_abi_version`). */
export const ABI_VERSION = 1;

const ROOT = new URL("../../../", import.meta.url);

/** The SIMD level the library is built for: a Zig `-Dcpu` name. */
export type CpuLevel = "x86_64_v2" | "x86_64_v3" | "x86_64_v4" | "baseline";

// The build (which runs with all permissions) records the level it detected here, so that a
// process that may not read /proc/cpuinfo (Deno asks for --allow-all) loads the same library.
const LEVEL_FILE = new URL(`native/cpu/lib/${Deno.build.os}-${Deno.build.arch}.level`, ROOT);
const LEVELS: readonly CpuLevel[] = ["x86_64_v2", "x86_64_v3", "x86_64_v4", "baseline"];

function levelFromCpuInfo(): CpuLevel | undefined {
  let flags: string;
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    flags = info.match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return undefined;
  }
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  if (["avx512f", "avx512bw", "avx512vl", "avx512dq"].every(has)) return "x86_64_v4";
  if (["avx2", "fma", "bmi2", "f16c"].every(has)) return "x86_64_v3";
  return "x86_64_v2";
}

function levelFromBuild(): CpuLevel | undefined {
  try {
    const level = Deno.readTextFileSync(LEVEL_FILE).trim() as CpuLevel;
    return LEVELS.includes(level) ? level : undefined;
  } catch {
    return undefined;
  }
}

let detected: CpuLevel | undefined;

/**
 * The best SIMD level this CPU supports: from /proc/cpuinfo where readable (Linux, all
 * permissions), else the level the last build detected, else the x86-64-v2 baseline.
 */
export function detectCpuLevel(): CpuLevel {
  if (detected !== undefined) return detected;
  if (Deno.build.arch !== "x86_64") return detected = "baseline";
  return detected = levelFromCpuInfo() ?? levelFromBuild() ?? "x86_64_v2";
}

function libFileName(): string {
  if (Deno.build.os === "windows") return "numr.dll";
  if (Deno.build.os === "darwin") return "libnumr.dylib";
  return "libnumr.so";
}

/**
 * Zig optimize mode for the host library: `ReleaseFast` unless env `NUMR_OPTIMIZE` names another
 * (`Debug` builds in a quarter of the time, for iterating on kernels; it gets its own folder).
 */
export function optimizeMode(): string {
  return safeEnv("NUMR_OPTIMIZE") || "ReleaseFast";
}

/** Folder (under the repository) holding the library built for this host and SIMD level. */
export function hostLibDir(level: CpuLevel = detectCpuLevel()): URL {
  const mode = optimizeMode();
  const suffix = mode === "ReleaseFast" ? "" : `-${mode.toLowerCase()}`;
  return new URL(`native/cpu/lib/${Deno.build.os}-${Deno.build.arch}-${level}${suffix}/`, ROOT);
}

/** Where the library for this host lives (env `NUMR_CPU_LIB` overrides). */
export function libraryPath(): string {
  const env = safeEnv("NUMR_CPU_LIB");
  if (env) return env;
  const dir = hostLibDir();
  const sub = Deno.build.os === "windows" ? "bin/" : "lib/";
  return new URL(sub + libFileName(), dir).pathname;
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Command that runs Zig: `zig` on PATH, env `NUMR_ZIG`, or `python3 -m ziglang`. */
export function zigCommand(): string[] | undefined {
  const env = safeEnv("NUMR_ZIG");
  if (env) return env.split(" ");
  for (const cmd of [["zig"], ["python3", "-m", "ziglang"]]) {
    try {
      const out = new Deno.Command(cmd[0], { args: [...cmd.slice(1), "version"] }).outputSync();
      if (out.success) return cmd;
    } catch {
      // Not installed or not allowed; try the next one.
    }
  }
  return undefined;
}

/**
 * Builds the library for this host into `native/cpu/lib/<os>-<arch>-<level>/` with Zig.
 *
 * @throws {NumrError} `BackendUnavailable` when Zig is missing or the build fails.
 */
export function buildLibrary(level: CpuLevel = detectCpuLevel()): string {
  const zig = zigCommand();
  if (zig === undefined) {
    throw new NumrError(
      "BackendUnavailable",
      "The numr CPU library is not built and Zig was not found: install Zig 0.15.2 " +
        "(pip install ziglang==0.15.2) and run `deno task build`, or set NUMR_CPU_LIB",
      { device: "cpu" },
    );
  }
  const prefix = hostLibDir(level).pathname;
  const args = [...zig.slice(1), "build", "--prefix", prefix, `-Doptimize=${optimizeMode()}`];
  if (level !== "baseline") args.push(`-Dcpu=${level}`);
  const out = new Deno.Command(zig[0], { args, cwd: ROOT.pathname, stderr: "piped" }).outputSync();
  if (!out.success) {
    const msg = new TextDecoder().decode(out.stderr).slice(0, 4000);
    throw new NumrError("BackendUnavailable", `Building the numr CPU library failed:\n${msg}`, {
      device: "cpu",
    });
  }
  if (levelFromCpuInfo() === level) Deno.writeTextFileSync(LEVEL_FILE, level + "\n");
  detected = level;
  return libraryPath();
}

let checked = false;

function ensureLibrary(): string {
  const path = libraryPath();
  if (checked) return path;
  if (!exists(path)) {
    if (safeEnv("NUMR_CPU_LIB")) {
      throw new NumrError(
        "BackendUnavailable",
        `NUMR_CPU_LIB points at ${path}, which is missing`,
        {
          device: "cpu",
        },
      );
    }
    buildLibrary();
  }
  const probe = Deno.dlopen(path, { numr_abi_version: { parameters: [], result: "i32" } });
  const version = probe.symbols.numr_abi_version();
  probe.close();
  if (version !== ABI_VERSION) {
    throw new NumrError(
      "BackendUnavailable",
      `The CPU library at ${path} has ABI ${version}, expected ${ABI_VERSION}: rebuild it with ` +
        "`deno task build`",
      { device: "cpu" },
    );
  }
  checked = true;
  return path;
}

/**
 * Opens the CPU library with a family's symbols (the library is built on first use).
 *
 * @throws {NumrError} `BackendUnavailable` when the library cannot be found, built or opened.
 */
export function openSymbols<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): Deno.DynamicLibrary<S>["symbols"] {
  const path = ensureLibrary();
  try {
    return Deno.dlopen(path, symbols).symbols;
  } catch (e) {
    throw new NumrError(
      "BackendUnavailable",
      `Opening the CPU library at ${path} failed: ${(e as Error).message}. ` +
        "Rebuild it with `deno task build`",
      { device: "cpu" },
    );
  }
}

/** Lazily opened symbols: the library is opened the first time `get()` is called. */
export function lazySymbols<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): () => Deno.DynamicLibrary<S>["symbols"] {
  let opened: Deno.DynamicLibrary<S>["symbols"] | undefined;
  return () => opened ??= openSymbols(symbols);
}
