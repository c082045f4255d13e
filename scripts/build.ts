// Builds the Zig CPU library for this host (deno task build). With --all, cross-compiles it for
// the five release targets as well (CI checks that they compile).

import { buildLibrary, detectCpuLevel, zigCommand } from "../src/runtime/cpu/library.ts";

const TARGETS = [
  "x86_64-linux-gnu",
  "aarch64-linux-gnu",
  "x86_64-macos",
  "aarch64-macos",
  "x86_64-windows-gnu",
];

const level = detectCpuLevel();
const start = performance.now();
const path = buildLibrary(level);
console.log(
  `numr: built ${path} (${level}) in ${((performance.now() - start) / 1000).toFixed(1)} s`,
);

if (Deno.args.includes("--all")) {
  const zig = zigCommand()!;
  for (const target of TARGETS) {
    const t0 = performance.now();
    const prefix = new URL(`../native/cpu/lib/cross-${target}/`, import.meta.url).pathname;
    // A compile check: Debug builds compile ~4x faster than ReleaseFast and still type-check and
    // lower every kernel for the target. Release artifacts are built per target when packaged.
    const optimize = Deno.env.get("NUMR_CROSS_OPTIMIZE") ?? "Debug";
    const args = [
      ...zig.slice(1),
      "build",
      `-Dtarget=${target}`,
      `-Doptimize=${optimize}`,
      "--prefix",
      prefix,
    ];
    const out = new Deno.Command(zig[0], {
      args,
      cwd: new URL("..", import.meta.url).pathname,
      stderr: "inherit",
    }).outputSync();
    if (!out.success) {
      console.error(`numr: cross-compiling for ${target} failed`);
      Deno.exit(1);
    }
    console.log(
      `numr: cross-compiled ${target} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
}
