// Scans vs NumPy, side by side on this machine: median and best of N runs, per thread count.
//   deno run -A bench/scan_peers.ts [threads...]
// Not a test (see bench/_side_by_side.ts).

import * as nr from "../mod.ts";
import { type Case, inputs, sideBySide } from "./_side_by_side.ts";

const { x, m } = inputs();

const cases: Case[] = [
  ["cumsum 16M f32", () => nr.cumsum(x), "np.cumsum(x)"],
  ["cumsum axis 1 4096²", () => nr.cumsum(m, { axis: 1 }), "np.cumsum(m, axis=1)"],
  ["cumsum axis 0 4096²", () => nr.cumsum(m, { axis: 0 }), "np.cumsum(m, axis=0)"],
  ["cumprod 16M f32", () => nr.cumprod(x), "np.cumprod(x)"],
  ["cummax 16M f32", () => nr.cummax(x), "np.maximum.accumulate(x)"],
  ["logcumsumexp 16M f32", () => nr.logcumsumexp(x), "np.logaddexp.accumulate(x)"],
  ["logsumexp axis 1 4096²", () => nr.logsumexp(m, { axis: 1 }), "LSE(m, axis=1)"],
];

sideBySide(cases, 7, "from scipy.special import logsumexp as LSE");
