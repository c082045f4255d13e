// Which devices are capturing a graph right now (set by src/runtime/graph.ts). Ops consult it
// to avoid caching values whose writes are only recorded, not run, during a capture.

import type { DeviceName } from "./storage.ts";

const active = new Set<DeviceName>();

/** True while `device` is capturing a graph. */
export function capturing(device: DeviceName): boolean {
  return active.size > 0 && active.has(device);
}

/** Marks the start or end of a capture on `device`. */
export function setCapturing(device: DeviceName, on: boolean): void {
  if (on) active.add(device);
  else active.delete(device);
}
