// Shape ops on a 1000×1000 f32 tensor (4 MB): the copy-based composites, and a plain clone as
// the floor they are built on. Run with `deno task bench`.

import * as nr from "../mod.ts";

const a = nr.ones([1000, 1000]);
const b = nr.ones([1000, 1000]);
const small = nr.ones([4, 4]);

function bench(name: string, group: string, fn: () => nr.Tensor): void {
  Deno.bench(name, { group }, () => {
    fn().dispose();
  });
}

bench("clone (baseline)", "1000x1000", () => a.clone());
bench("clone of a transpose", "1000x1000", () => a.transpose().clone());
bench("cat axis 0", "1000x1000", () => nr.cat([a, b], 0));
bench("cat axis 1", "1000x1000", () => nr.cat([a, b], 1));
bench("stack axis 2", "1000x1000", () => nr.stack([a, b], 2));
bench("pad 8 constant", "1000x1000", () => nr.pad(a, 8));
bench("pad 8 reflect", "1000x1000", () => nr.pad(a, 8, { mode: "reflect" }));
bench("roll (3, 5)", "1000x1000", () => nr.roll(a, [3, 5], [0, 1]));
bench("tile (2, 2)", "1000x1000", () => nr.tile(a, [2, 2]));
bench("repeatInterleave 2 on axis 1", "1000x1000", () => nr.repeatInterleave(a, 2, { axis: 1 }));
bench("cat 4x4", "small", () => nr.cat([small, small]));
bench("pad 4x4 reflect", "small", () => nr.pad(small, 1, { mode: "reflect" }));
bench("roll 4x4", "small", () => nr.roll(small, 1, 0));
