// `unique` along an axis (NumPy's `np.unique(x, axis=a)`), composed from primitives that every
// backend has: the slices along the axis are sorted lexicographically by stable argsorts of one
// column at a time (last column first), then runs of equal slices are collapsed.

import { axisOf } from "../tensor/_axes.ts";
import { arange, full } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { contiguous, narrow, permute, reshape } from "../tensor/views.ts";
import { castTo } from "./cast.ts";
import { ne } from "./compare.ts";
import { cumsum } from "./cumulative.ts";
import { indexSelect, nonzero, scatter } from "./indexing.ts";
import { any } from "./reduce.ts";
import { cat } from "./shape_ops.ts";
import { sub } from "./binary.ts";

/** What `unique` returns, with optional parts. */
export interface UniqueParts {
  values: Tensor;
  inverse?: Tensor;
  counts?: Tensor;
}

/**
 * Distinct slices of x along `axis`, sorted lexicographically (NaN last within a column, as
 * `sort`). Slices compare element by element, so a slice holding NaN is never equal to another
 * (NumPy's rule with an axis). `inverse` (length x.shape[axis]) maps each slice to its row of
 * `values`; `counts` gives how often each distinct slice occurs.
 */
export function uniqueAlongAxis(
  x: Tensor,
  axis: number,
  wantInverse: boolean,
  wantCounts: boolean,
  indexDtype: "i32" | "i64",
  argsort: (key: Tensor, indexDtype: "i32" | "i64") => Tensor,
): UniqueParts {
  const a = axisOf(x, axis, "unique");
  const rest = x.shape.filter((_, i) => i !== a);
  const order = [a, ...x.shape.map((_, i) => i).filter((i) => i !== a)];
  const n = x.shape[a];
  const width = rest.reduce((p, d) => p * d, 1);
  const rows = reshape(contiguous(permute(x, order)), [n, width]);

  // Lexicographic order of the rows: stable sorts by the last column first.
  let perm = arange(n, { dtype: indexDtype, device: x.device });
  for (let c = width - 1; c >= 0 && n > 1; c--) {
    const column = reshape(narrow(rows, 1, c, 1), [n]);
    const key = indexSelect(column, 0, perm);
    const step = argsort(key, indexDtype);
    const next = indexSelect(perm, 0, step);
    key.dispose();
    step.dispose();
    perm.dispose();
    perm = next;
  }
  const sorted = indexSelect(rows, 0, perm);

  // A row starts a new group when it differs from the row before it.
  const first = full([Math.min(n, 1)], true, { dtype: "bool", device: x.device });
  const differs = n > 1
    ? any(ne(narrow(sorted, 0, 1, n - 1), narrow(sorted, 0, 0, n - 1)), { axis: 1 })
    : full([0], false, { dtype: "bool", device: x.device });
  const starts = cat([first, differs]);
  const [startRows] = nonzero(starts, { indexDtype });
  const u = startRows.shape[0];

  const picked = indexSelect(sorted, 0, startRows);
  const back = order.map((_, i) => order.indexOf(i));
  const values = contiguous(permute(reshape(picked, [u, ...rest]), back));
  const result: UniqueParts = { values };
  if (wantInverse) {
    const group = sub(castTo(cumsum(starts), indexDtype), 1);
    const zeros = full([n], 0, { dtype: indexDtype, device: x.device });
    result.inverse = scatter(zeros, 0, perm, group);
  }
  if (wantCounts) {
    // The run of start s ends where the next one starts (the last at n).
    const last = full([Math.min(u, 1)], n, { dtype: indexDtype, device: x.device });
    const ends = u === 0 ? last : cat([narrow(startRows, 0, 1, u - 1), last]);
    result.counts = sub(ends, startRows);
  }
  sorted.dispose();
  perm.dispose();
  return result;
}
