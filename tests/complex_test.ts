// Complex parts against NumPy/torch semantics: real, imag, conj, angle (every dtype, random
// shapes and layouts, special values), complex/makeComplex and polar (broadcasting, dtypes),
// views sharing storage, and bad inputs.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { assertBitsEqual, assertClose } from "./_assert.ts";
import { errorCode } from "./_elementwise.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";

const PARTS: Record<string, string> = {
  real: "np.real(x)",
  imag: "np.imag(x)",
  conj: "np.conj(x)",
  angle: "np.angle(x)",
  angleDeg: "np.angle(x, deg=True)",
};

function apply(name: string, x: nr.Tensor): nr.Tensor {
  switch (name) {
    case "real":
      return nr.real(x);
    case "imag":
      return nr.imag(x);
    case "conj":
      return nr.conj(x);
    case "angle":
      return nr.angle(x);
    default:
      return nr.angle(x, { deg: true });
  }
}

Deno.test("real, imag, conj and angle match NumPy for every dtype and layout", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(21);
    for (const name of Object.keys(PARTS)) {
      for (const dtype of nr.DTYPE_NAMES) {
        const inputs = LAYOUTS.map((l) => randomTensor(rng, dtype, randomShape(rng), l));
        const bound: Record<string, nr.Tensor> = {};
        inputs.forEach((x, i) => bound[`x${i}`] = x);
        const list = inputs.map((_, i) => `x${i}`).join(", ");
        // NumPy computes the f32 angle of c64 in f32; numr rounds the f64 angle once.
        const expr = `tuple((lambda x: ${PARTS[name]})(v.astype(np.complex128) if ` +
          `v.dtype == np.complex64 and '${name}'.startswith('angle') else v)` +
          `.astype(np.float32 if v.dtype == np.complex64 and '${name}'.startswith('angle') ` +
          `else (lambda x: ${PARTS[name]})(v[..., :0] if v.ndim else v).dtype) ` +
          `for v in [${list}])`;
        const answer = await oracle.run(expr, bound);
        if (answer.error !== undefined) throw new Error(`${name} ${dtype}: ${answer.error}`);
        inputs.forEach((x, i) => {
          const actual = apply(name, x);
          const message = `${name} ${dtype} [${x.shape}] #${i}`;
          // ml_dtypes' bf16/fp8 times a Python float gives f32 (NumPy's own floats keep their
          // dtype, as numr does for every float): compare values only.
          const ml = name === "angleDeg" && (dtype === "bf16" || dtype.startsWith("fp8"));
          if (ml) {
            assert.equal(actual.dtype, dtype, message);
            assertClose(actual, answer.results[i], { message, anyDType: true, rtol: 0.07 });
          } else if (name.startsWith("angle")) assertClose(actual, answer.results[i], { message });
          else assertBitsEqual(actual, answer.results[i], message);
        });
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("angle handles signed zeros, infinities and NaN as NumPy", async () => {
  const oracle = Oracle.start();
  try {
    const v = [0, -0, 1, -1, Infinity, -Infinity, NaN];
    const z: nr.Complex[] = [];
    for (const re of v) for (const im of v) z.push({ re, im });
    for (const dtype of ["c64", "c128"] as nr.DType[]) {
      const x = nr.tensor(z, { dtype });
      const expected = await oracle.eval(
        "np.angle(x.astype(np.complex128)).astype(x.real.dtype)",
        { x },
      );
      assertBitsEqual(nr.angle(x), expected, dtype);
      const c = await oracle.eval("np.conj(x)", { x });
      assertBitsEqual(nr.conj(x), c, `conj ${dtype}`);
    }
    for (const dtype of ["f64", "f32", "f16", "bf16"] as nr.DType[]) {
      const x = nr.tensor(v, { dtype });
      assertBitsEqual(nr.angle(x), await oracle.eval("np.angle(x)", { x }), `real ${dtype}`);
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("complex and polar build complex tensors with broadcasting", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(4);
    const cases: [nr.DType, nr.DType, nr.DType][] = [
      ["f32", "f32", "c64"],
      ["f64", "f64", "c128"],
      ["f16", "f16", "c64"],
      ["bf16", "f32", "c64"],
      ["fp8e4m3", "f16", "c64"],
      ["f32", "f64", "c128"],
      ["i32", "i32", "c128"],
      ["u8", "bool", "c128"],
    ];
    for (const [da, db, out] of cases) {
      for (const layout of LAYOUTS) {
        const a = randomTensor(rng, da, [3, 1, 4], layout);
        const b = randomTensor(rng, db, [5, 1], "contiguous");
        const part = out === "c64" ? "np.float32" : "np.float64";
        const z = nr.complex(a, b);
        const expected = await oracle.eval(
          `(lambda re, im: np.stack([re, im], -1).view(np.${
            out === "c64" ? "complex64" : "complex128"
          })` +
            `[..., 0])(*np.broadcast_arrays(a.astype(${part}), b.astype(${part})))`,
          { a, b },
        );
        assertBitsEqual(z, expected, `complex ${da} ${db} ${layout}`);
        assertBitsEqual(nr.makeComplex(a, b), expected, "makeComplex");
        // torch.polar: abs·cos(angle) + i·abs·sin(angle), in f64 then rounded once.
        const p = await oracle.eval(
          `(lambda r, t: np.stack([r * np.cos(t), r * np.sin(t)], -1).astype(${part})` +
            `.view(np.${out === "c64" ? "complex64" : "complex128"})[..., 0])` +
            `(*np.broadcast_arrays(a.astype(${part}).astype(np.float64), ` +
            `b.astype(${part}).astype(np.float64)))`,
          { a, b },
        );
        assertClose(nr.polar(a, b), p, { message: `polar ${da} ${db} ${layout}` });
      }
    }
    assert.equal(nr.complex(1, 2).dtype, "c64");
    assert.deepEqual(nr.complex(1, 2).toArray(), { re: 1, im: 2 });
    const inf = nr.complex(nr.tensor([Infinity]), nr.tensor([-Infinity]));
    assert.deepEqual(inf.toArray(), [{ re: Infinity, im: -Infinity }]);
    assert.deepEqual(nr.complex(nr.zeros([0, 2]), nr.zeros([2])).shape, [0, 2]);
  } finally {
    await oracle.close();
  }
});

Deno.test("real and imag are views; complex arithmetic and extremes follow NumPy", () => {
  const z = nr.tensor([[{ re: 1, im: 2 }, { re: 3, im: 4 }]], { dtype: "c128" });
  const re = nr.real(z);
  const im = z.imag();
  assert.equal(re.storage, z.storage);
  assert.equal(im.storage, z.storage);
  assert.deepEqual(re.toArray(), [[1, 3]]);
  assert.deepEqual(im.transpose().toArray(), [[2], [4]]);
  assert.deepEqual(z.transpose().real().toArray(), [[1], [3]]);
  assert.deepEqual(nr.real(nr.tensor([1, 2], { dtype: "i8" })).toArray(), [1, 2]);
  assert.equal(nr.imag(nr.tensor([true])).dtype, "bool");
  assert.deepEqual(z.conj().angle().shape, [1, 2]);
  // Round trip: complex(real(z), imag(z)) is z.
  assertBitsEqual(nr.complex(re, im), z, "round trip");
  // Lexicographic max and maximum (real part, then imaginary part).
  const w = nr.tensor([{ re: 1, im: 5 }, { re: 2, im: -1 }, { re: 2, im: 0 }], { dtype: "c64" });
  assert.deepEqual(nr.max(w).toArray(), { re: 2, im: 0 });
  assert.deepEqual(nr.min(w).toArray(), { re: 1, im: 5 });
  const m = nr.maximum(w, nr.tensor([{ re: 2, im: -2 }], { dtype: "c64" }));
  assert.deepEqual(m.toArray(), [{ re: 2, im: -2 }, { re: 2, im: -1 }, { re: 2, im: 0 }]);
});

Deno.test("complex ops reject bad inputs with typed errors", () => {
  const z = nr.tensor([{ re: 1, im: 2 }], { dtype: "c64" });
  assert.equal(errorCode(() => nr.complex(z, 1)), "UnsupportedDType");
  assert.equal(errorCode(() => nr.polar(1, z)), "UnsupportedDType");
  assert.equal(errorCode(() => nr.complex(nr.zeros([2]), nr.zeros([3]))), "BroadcastError");
  assert.equal(errorCode(() => nr.complex("a" as unknown as number, 1)), "InvalidArgument");
  assert.equal(errorCode(() => nr.real(3 as unknown as nr.Tensor)), "InvalidArgument");
  assert.equal(
    errorCode(() => nr.angle(z, { deg: "yes" as unknown as boolean })),
    "InvalidArgument",
  );
  const d = nr.tensor([1]);
  d.dispose();
  assert.equal(errorCode(() => nr.conj(d)), "Disposed");
  assert.equal(errorCode(() => nr.imag(d)), "Disposed");
  assert.equal(errorCode(() => nr.complex(d, 1)), "Disposed");
});
