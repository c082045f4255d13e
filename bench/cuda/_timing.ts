// The timing loop of the CUDA benchmarks: the median of host-timed calls, each followed by a
// device synchronisation, after a few warm-up calls.

import * as nr from "../../mod.ts";

/** Median seconds of `fn` on `device` over `reps` synchronised calls after `warm` calls. */
export function medianSeconds(
  device: nr.DeviceName,
  fn: () => void,
  reps: number,
  warm: number,
): number {
  for (let i = 0; i < warm; i++) fn();
  nr.cudaSynchronize(device);
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    nr.cudaSynchronize(device);
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}
