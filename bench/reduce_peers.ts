// Reductions vs NumPy, side by side on this machine: median and best of N runs, per thread count.
//   deno run -A bench/reduce_peers.ts [threads...]
// Not a test (see bench/_side_by_side.ts).

import * as nr from "../mod.ts";
import { type Case, inputs, sideBySide } from "./_side_by_side.ts";

const { x, m } = inputs();

const cases: Case[] = [
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

sideBySide(cases, 21);
