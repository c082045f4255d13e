// Every differentiable op against central finite differences in f64 (random inputs, broadcasting,
// non-contiguous layouts), plus forward mode against reverse mode. A declared op without a case
// here (and not listed as non-differentiable) fails the coverage test below.

import assert from "node:assert/strict";
import { declaredOps } from "../src/ops/registry.ts";
import { gradcheck } from "./_gradcheck.ts";
import { CASES, NOT_DIFFERENTIABLE } from "./_grad_cases.ts";
import { Rng } from "./_random.ts";

/** Runs a check, naming the case in any error it throws. */
function named(name: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith(name)) e.message = `${name}: ${e.message}`;
    throw e;
  }
}

Deno.test("every declared op has a gradcheck case or is listed as non-differentiable", () => {
  for (const op of declaredOps()) {
    const differentiable = op.vjp !== undefined || op.traced === true;
    if (differentiable) {
      assert.ok(CASES[op.name]?.length, `${op.name} is differentiable but has no gradcheck case`);
    } else {
      assert.ok(
        op.name in NOT_DIFFERENTIABLE,
        `${op.name} has no gradient rule: add one (vjp/jvp in its declaration) or list it`,
      );
      assert.ok(!(op.name in CASES), `${op.name} has a case but no rule`);
    }
  }
});

Deno.test("gradcheck: every differentiable op, contiguous inputs", () => {
  const rng = new Rng(7);
  for (const [name, cases] of Object.entries(CASES)) {
    cases.forEach((c, i) => named(`${name}#${i}`, () => gradcheck(`${name}#${i}`, c, rng)));
  }
});

Deno.test("gradcheck: every differentiable op, non-contiguous inputs", () => {
  const rng = new Rng(11);
  const layouts = ["transposed", "flipped", "stepped", "offset"] as const;
  let k = 0;
  for (const [name, cases] of Object.entries(CASES)) {
    cases.forEach((c, i) => {
      const layout = layouts[k++ % layouts.length];
      named(`${name}#${i} ${layout}`, () => gradcheck(`${name}#${i}`, c, rng, layout));
    });
  }
});
