// The coverage rules: every dtype a declared op claims has its kernels on the CPU, and
// docs/coverage.md is what `deno task coverage` writes now.

import assert from "node:assert/strict";
import { declaredOps } from "../src/ops/registry.ts";
import {
  COVERAGE_PATH,
  coverageMarkdown,
  coveredDevices,
  missingKernels,
} from "../scripts/coverage.ts";

Deno.test("every dtype a declared op claims has its CPU kernels", () => {
  assert.ok(declaredOps().length > 0, "no op is declared");
  const missing = missingKernels("cpu").map((m) => `${m.op} on ${m.dtype} needs ${m.kernel}`);
  if (missing.length > 0) {
    assert.fail(
      `${missing.length} kernels are missing for dtypes that declared ops claim:\n  ` +
        missing.slice(0, 40).join("\n  ") + (missing.length > 40 ? "\n  ..." : ""),
    );
  }
});

Deno.test("every declared op claims at least one dtype and names its kernels", () => {
  for (const op of declaredOps()) {
    assert.ok(op.dtypes.length > 0, `${op.name} accepts no dtype`);
    // Creation from host data (tensor, fromBytes) and views run no kernel; every other op does.
    if (op.family === "creation" || op.family === "view") continue;
    for (const d of op.dtypes) {
      assert.ok(op.kernelsFor(d).length > 0, `${op.name} on ${d} lists no kernel`);
    }
  }
});

Deno.test("docs/coverage.md is up to date (run `deno task coverage`)", async () => {
  assert.ok(coveredDevices().includes("cpu"));
  const written = await Deno.readTextFile(COVERAGE_PATH).catch(() => "");
  assert.ok(written === coverageMarkdown(), "docs/coverage.md is stale: run `deno task coverage`");
});
