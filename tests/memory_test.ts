// Memory semantics: dispose() and `using`, views sharing storage with their base, and disposed
// tensors: every op throws a Disposed error naming itself, and no kernel ever sees one.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { type Backend, getBackend } from "../src/runtime/backend.ts";
import type { Storage } from "../src/runtime/storage.ts";

function assertDisposedError(e: unknown, ops: readonly string[], what: string): boolean {
  assert.ok(e instanceof nr.NumrError, `${what}: threw ${e}`);
  assert.equal(e.code, "Disposed", `${what}: ${e.message}`);
  assert.ok(ops.includes(e.op ?? ""), `${what}: the error names ${e.op}, not ${ops.join(" or ")}`);
  assert.match(e.message, /after dispose\(\)/);
  return true;
}

Deno.test("dispose frees at once, twice is fine, and metadata stays readable", () => {
  const t = nr.tensor([[1, 2, 3]], { dtype: "i32" });
  const storage = t.storage;
  assert.equal(t.disposed, false);
  t.dispose();
  assert.equal(t.disposed, true);
  assert.equal(storage.freed, true);
  t.dispose();
  t[Symbol.dispose]();
  assert.deepEqual([t.shape, t.dtype, t.device, t.ndim, t.size], [[1, 3], "i32", "cpu", 2, 3]);
  assert.equal(String(t), "tensor(<disposed>, shape=[1, 3], dtype=i32)");
  assert.throws(() => t.storage, (e) => assertDisposedError(e, [""], "storage"));
});

Deno.test("using disposes at the end of the block, also when it throws", () => {
  let kept: nr.Tensor;
  {
    using t = nr.zeros([2]);
    kept = t;
    assert.equal(t.disposed, false);
  }
  assert.equal(kept.disposed, true);
  assert.throws(() => {
    using t = nr.ones([2]);
    kept = t;
    throw new Error("boom");
  }, /boom/);
  assert.equal(kept.disposed, true);
});

Deno.test("views keep the storage alive until the last holder lets go", () => {
  const base = nr.tensor([[1, 2], [3, 4]], { dtype: "f64" });
  const storage = base.storage;
  const t = base.transpose();
  const row = t.slice(1);
  const flipped = row.flip();
  assert.equal(t.storage, storage);
  assert.equal(flipped.storage, storage);
  base.dispose();
  t.dispose();
  assert.equal(storage.freed, false);
  assert.deepEqual(row.toArray(), [2, 4]);
  row.dispose();
  assert.deepEqual(flipped.toArray(), [4, 2]);
  flipped.dispose();
  assert.equal(storage.freed, true);
});

Deno.test("clone, contiguous copies and copying reshapes outlive their source", () => {
  const base = nr.tensor([[1, 2, 3], [4, 5, 6]]);
  const copies = [base.clone(), base.transpose().contiguous(), base.transpose().reshape([6])];
  const same = base.contiguous();
  assert.equal(same.storage, base.storage, "contiguous of a contiguous tensor is a view");
  base.dispose();
  same.dispose();
  assert.deepEqual(copies.map((c) => c.toArray()), [
    [[1, 2, 3], [4, 5, 6]],
    [[1, 4], [2, 5], [3, 6]],
    [1, 4, 2, 5, 3, 6],
  ]);
});

const BACKEND_METHODS = ["unary", "binary", "ternary", "cast", "fill", "reduce"] as const;

/**
 * Runs `body` with the CPU backend watched: any primitive that returns normally although one of
 * its tensors (or the storage it reads) was disposed is recorded.
 */
function watchBackend(body: () => void): string[] {
  const backend = getBackend("cpu") as unknown as Record<string, (...a: unknown[]) => unknown>;
  const leaks: string[] = [];
  const originals = new Map<string, (...a: unknown[]) => unknown>();
  const isDead = (a: unknown) =>
    (a instanceof nr.Tensor && a.disposed) ||
    (typeof a === "object" && a !== null && "freed" in a && (a as Storage).freed);
  for (const name of [...BACKEND_METHODS, "readSync", "read"] satisfies (keyof Backend)[]) {
    const original = backend[name];
    originals.set(name, original);
    backend[name] = function (this: unknown, ...args: unknown[]) {
      const dead = args.some(isDead);
      const result = original.apply(this, args);
      if (dead) leaks.push(`${name} ran with a disposed input`);
      return result;
    };
  }
  try {
    body();
  } finally {
    for (const [name, original] of originals) backend[name] = original;
  }
  return leaks;
}

/**
 * Each op, called on a disposed tensor `x` of shape [2, 3] (f32 unless given; `y` is live), with
 * the op names its error may give.
 */
const OPS: [string, (x: nr.Tensor, y: nr.Tensor) => unknown, string[], nr.DType?][] = [
  ["exp", (x) => nr.exp(x), ["exp"]],
  ["exp of an int (cast to a float first)", (x) => nr.exp(x), ["exp"], "i32"],
  ["sqrt", (x) => x.sqrt(), ["sqrt"]],
  ["neg", (x) => nr.neg(x), ["neg"]],
  ["add", (x, y) => nr.add(x, y), ["add"]],
  ["add (right)", (x, y) => nr.add(y, x), ["add"]],
  ["sub scalar", (x) => nr.sub(x, 1), ["sub"]],
  ["mul (scalar left)", (x) => nr.mul(2, x), ["mul"]],
  ["div method", (x, y) => y.div(x), ["div"]],
  ["cast", (x) => nr.cast(x, "f64"), ["cast"]],
  ["astype", (x) => x.astype("i32"), ["cast"]],
  ["sum", (x) => nr.sum(x), ["sum"]],
  ["reshape", (x) => x.reshape([3, 2]), ["reshape"]],
  ["flatten", (x) => nr.flatten(x), ["flatten", "reshape"]],
  ["transpose", (x) => x.transpose(), ["transpose"]],
  ["permute", (x) => nr.permute(x, [1, 0]), ["permute"]],
  ["squeeze", (x) => x.squeeze(), ["squeeze"]],
  ["unsqueeze", (x) => x.unsqueeze(0), ["unsqueeze"]],
  ["broadcastTo", (x) => nr.broadcastTo(x, [4, 2, 3]), ["broadcastTo"]],
  ["expand", (x) => x.expand([4, 2, 3]), ["broadcastTo"]],
  ["narrow", (x) => x.narrow(1, 0, 2), ["narrow"]],
  ["slice", (x) => x.slice(0), ["slice"]],
  ["flip", (x) => x.flip(), ["flip"]],
  ["contiguous", (x) => x.contiguous(), ["contiguous"]],
  ["clone", (x) => nr.clone(x), ["clone"]],
  ["toArray", (x) => x.toArray(), ["toArray"]],
  ["dataSync", (x) => x.dataSync(), ["dataSync"]],
  ["item", (x) => x.item(), ["item"]],
  ["toBytes", (x) => nr.toBytes(x), ["toBytes"]],
  ["to", (x) => x.to("cpu"), ["to"]],
];

Deno.test("every op on a disposed tensor throws Disposed naming it; no kernel sees one", () => {
  const y = nr.ones([2, 3]);
  const problems: string[] = [];
  const leaks = watchBackend(() => {
    for (const [what, op, names, dtype] of OPS) {
      const x = nr.ones([2, 3], { dtype: dtype ?? "f32" });
      x.dispose();
      try {
        op(x, y);
        problems.push(`${what}: no error`);
      } catch (e) {
        if (!(e instanceof nr.NumrError) || e.code !== "Disposed") {
          problems.push(`${what}: ${e}`);
        } else if (!names.includes(e.op ?? "")) {
          problems.push(`${what}: the error names ${e.op}, not ${names.join(" or ")}`);
        }
      }
    }
    // A view whose base was disposed is still live; one whose own handle was disposed is not.
    const base = nr.ones([2, 3]);
    const view = base.transpose();
    base.dispose();
    assert.deepEqual(nr.exp(view).shape, [3, 2]);
    view.dispose();
    assert.throws(() => nr.exp(view), (e) => assertDisposedError(e, ["exp"], "view"));
  });
  assert.deepEqual([...problems, ...leaks], []);
  assert.equal(y.disposed, false);
});

Deno.test("async reads of a disposed tensor reject with Disposed", async () => {
  const x = nr.ones([2]);
  x.dispose();
  await assert.rejects(x.data(), (e) => assertDisposedError(e, ["data"], "data"));
  await assert.rejects(x.array(), (e) => assertDisposedError(e, ["array"], "array"));
});

Deno.test("outputs are fresh tensors; inputs stay live", () => {
  const x = nr.tensor([1, 2, 3]);
  const outputs = [nr.exp(x), nr.neg(x), x.transpose(), nr.cast(x, "f32")];
  for (const out of outputs) {
    assert.equal(out.disposed, false);
    out.dispose();
  }
  assert.equal(x.disposed, false);
  assert.deepEqual(x.toArray(), [1, 2, 3]);
});
