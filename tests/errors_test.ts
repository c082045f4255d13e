// NumrError: its fields (code, op, shapes, dtypes, device) and message text, built directly and as
// thrown by ops on bad input.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";
import { kernel } from "../src/runtime/cpu/kernels.ts";

Deno.test("NumrError carries the code and context and writes them into the message", () => {
  const e = new nr.NumrError("BroadcastError", "Cannot broadcast [2, 3] with [4]: 3 vs 4", {
    op: "add",
    shapes: [[2, 3], [4]],
    dtypes: ["f32", "i8"],
    device: "cpu",
  });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "NumrError");
  assert.equal(e.code, "BroadcastError");
  assert.equal(e.op, "add");
  assert.deepEqual(e.shapes, [[2, 3], [4]]);
  assert.deepEqual(e.dtypes, ["f32", "i8"]);
  assert.equal(e.device, "cpu");
  assert.equal(
    e.message,
    "Cannot broadcast [2, 3] with [4]: 3 vs 4 in add (shapes [2, 3], [4]; dtypes f32, i8; " +
      "device cpu)",
  );
  assert.match(String(e), /^NumrError: Cannot broadcast/);
});

Deno.test("NumrError without context keeps the message; parts appear only when given", () => {
  const bare = new nr.NumrError("NotConverged", "Did not converge after 100 iterations");
  assert.equal(bare.message, "Did not converge after 100 iterations");
  assert.deepEqual([bare.op, bare.shapes, bare.dtypes, bare.device], [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  assert.equal(
    new nr.NumrError("OutOfMemory", "Allocation failed", { device: "cuda" }).message,
    "Allocation failed (device cuda)",
  );
  assert.equal(
    new nr.NumrError("SingularMatrix", "Matrix is singular", { op: "solve", shapes: [[3, 3]] })
      .message,
    "Matrix is singular in solve (shapes [3, 3])",
  );
  // A message that already names the op does not repeat it.
  assert.equal(
    new nr.NumrError("UnsupportedDType", "neg does not support bool", { op: "neg" }).message,
    "neg does not support bool",
  );
  assert.equal(
    new nr.NumrError("InvalidArgument", "negative count", { op: "neg" }).message,
    "negative count in neg",
  );
});

interface Expected {
  code: nr.ErrorCode;
  op?: string;
  shapes?: number[][];
  dtypes?: string[];
  device?: string;
  message: string;
}

/** Bad inputs to ops and the exact error each must give. */
const CASES: [string, () => unknown, Expected][] = [
  ["add of unbroadcastable shapes", () => nr.add(nr.zeros([2, 3]), nr.zeros([4])), {
    code: "BroadcastError",
    op: "add",
    shapes: [[2, 3], [4]],
    message: "Cannot broadcast [2, 3] with [4]: 3 vs 4 in add (shapes [2, 3], [4])",
  }],
  ["add of a string", () => nr.add(nr.zeros([2]), "x" as unknown as number), {
    code: "InvalidArgument",
    op: "add",
    message: "Argument 1 of add must be a Tensor or a number, boolean or bigint, got string",
  }],
  ["add of an out-of-range scalar", () => nr.add(nr.zeros([1], { dtype: "u8" }), 300), {
    code: "InvalidArgument",
    op: "add",
    dtypes: ["u8"],
    message: "Scalar 300 is out of range for u8 in add (dtypes u8)",
  }],
  ["neg of bool", () => nr.neg(nr.tensor([true])), {
    code: "UnsupportedDType",
    op: "neg",
    shapes: [[1]],
    dtypes: ["bool"],
    device: "cpu",
    message: "neg does not support bool (shapes [1]; dtypes bool; device cpu)",
  }],
  ["cast to an unknown dtype", () => nr.cast(nr.zeros([2]), "f128" as nr.DType), {
    code: "InvalidArgument",
    op: "cast",
    shapes: [[2]],
    dtypes: ["f32"],
    message: "Unknown dtype f128 in cast (shapes [2]; dtypes f32)",
  }],
  ["reshape to another size", () => nr.reshape(nr.zeros([6]), [4, 2]), {
    code: "ShapeMismatch",
    op: "reshape",
    shapes: [[6]],
    dtypes: ["f32"],
    message: "Cannot reshape 6 elements into [4, 2] (shapes [6]; dtypes f32)",
  }],
  ["transpose of a missing axis", () => nr.transpose(nr.zeros([2, 3]), 0, 5), {
    code: "InvalidDimension",
    op: "transpose",
    shapes: [[2, 3]],
    dtypes: ["f32"],
    message: "Axis 5 is out of range for 2 dimensions in transpose (shapes [2, 3]; dtypes f32)",
  }],
  ["narrow past the end", () => nr.narrow(nr.zeros([4]), 0, 3, 2), {
    code: "IndexOutOfBounds",
    op: "narrow",
    shapes: [[4]],
    dtypes: ["f32"],
    message: "narrow range [3, 5) is outside axis 0 of size 4 (shapes [4]; dtypes f32)",
  }],
  ["slice with step 0", () => nr.slice(nr.zeros([4]), [[0, 4, 0]]), {
    code: "InvalidArgument",
    op: "slice",
    shapes: [[4]],
    dtypes: ["f32"],
    message: "Slice step must be a non-zero integer, got 0 in slice (shapes [4]; dtypes f32)",
  }],
  ["broadcastTo a smaller shape", () => nr.broadcastTo(nr.zeros([3]), [2, 2]), {
    code: "BroadcastError",
    op: "broadcastTo",
    shapes: [[3], [2, 2]],
    message: "Cannot broadcast [3] with [2, 2]: 3 vs 2 in broadcastTo (shapes [3], [2, 2])",
  }],
  ["ragged nested arrays", () => nr.tensor([[1, 2], [3]]), {
    code: "ShapeMismatch",
    op: "tensor",
    message: "Nested arrays are ragged: expected 2 items at depth 1, got 1 items in tensor",
  }],
  ["item of two elements", () => nr.zeros([2]).item(), {
    code: "ShapeMismatch",
    op: "item",
    shapes: [[2]],
    dtypes: ["f32"],
    message: "item() needs exactly one element, got 2 (shapes [2]; dtypes f32)",
  }],
  ["a negative size", () => nr.zeros([-1]), {
    code: "InvalidArgument",
    op: "full",
    message: "Shape [-1] has a bad size -1 in full",
  }],
  ["an integer default float", () => nr.setDefaultFloat("i32"), {
    code: "InvalidArgument",
    op: "setDefaultFloat",
    message: "Default float dtype must be a real float, got i32 in setDefaultFloat",
  }],
  ["a device with no backend", () => getBackend("tpu" as nr.DeviceName), {
    code: "BackendUnavailable",
    device: "tpu",
    message: "No backend is registered for device tpu (device tpu)",
  }],
  ["a kernel the library lacks", () => kernel("unary", "floor", "c64"), {
    code: "UnsupportedDType",
    op: "floor",
    dtypes: ["c64"],
    device: "cpu",
    message: "The CPU backend has no floor kernel for c64 (dtypes c64; device cpu)",
  }],
  ["a cast kernel the library lacks", () => kernel("cast", "f32", "f128" as nr.DType), {
    code: "UnsupportedDType",
    op: "cast",
    dtypes: ["f32", "f128"],
    device: "cpu",
    message: "The CPU backend has no cast kernel from f32 to f128 (dtypes f32, f128; device cpu)",
  }],
  ["a disposed tensor", () => {
    const t = nr.zeros([2, 2], { dtype: "f16" });
    t.dispose();
    return nr.exp(t);
  }, {
    code: "Disposed",
    op: "exp",
    shapes: [[2, 2]],
    dtypes: ["f16"],
    device: "cpu",
    message: "Tensor was used after dispose() in exp (shapes [2, 2]; dtypes f16; device cpu)",
  }],
];

Deno.test("ops throw NumrError with the code, context and message of each bad input", () => {
  for (const [what, fn, expected] of CASES) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof nr.NumrError, `${what}: threw ${e}`);
      const actual = {
        code: e.code,
        op: e.op,
        shapes: e.shapes?.map((s) => [...s]),
        dtypes: e.dtypes === undefined ? undefined : [...e.dtypes],
        device: e.device,
        message: e.message,
      };
      const want = { op: undefined, shapes: undefined, dtypes: undefined, device: undefined };
      assert.deepEqual(actual, { ...want, ...expected }, what);
      return true;
    });
  }
});

Deno.test("every op error names its op, in the message or the op field", () => {
  for (const [what, fn] of CASES) {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof nr.NumrError);
      if (e.op !== undefined) assert.match(e.message, new RegExp(`\\b${e.op}\\b`), what);
      else assert.ok(e.device !== undefined, `${what}: names neither op nor device`);
    }
  }
});
