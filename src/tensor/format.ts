// Printing tensors like NumPy's repr (minimal version; see format_test.ts for the rules).

import type { Tensor } from "./tensor.ts";
import { toArray } from "./io.ts";

/** NumPy-style repr of a tensor. */
export function formatTensor(t: Tensor): string {
  if (t.disposed) return `tensor(<disposed>, dtype=${t.dtype})`;
  return `tensor(${
    JSON.stringify(toArray(t), (_k, v) => typeof v === "bigint" ? Number(v) : v)
  }, dtype=${t.dtype})`;
}

/** MIME bundle for Jupyter. */
export function jupyterDisplay(t: Tensor): Record<string, string> {
  return { "text/plain": formatTensor(t) };
}
