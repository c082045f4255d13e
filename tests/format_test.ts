// Printing against NumPy: the elements as np.array2string writes them (random dtypes, shapes,
// layouts, magnitudes, special values, summarised tensors), and fixed reprs for the rest.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { formatElements, formatTensor, jupyterDisplay } from "../src/tensor/format.ts";
import { Oracle } from "./_oracle.ts";
import { LAYOUTS, randomShape, randomTensor, Rng } from "./_random.ts";

// bf16 and fp8 are left out: NumPy prints ml_dtypes values through repr(), not its float format.
const DTYPES: nr.DType[] = [
  "f64",
  "f32",
  "f16",
  "i64",
  "i32",
  "i16",
  "i8",
  "u64",
  "u32",
  "u16",
  "u8",
  "bool",
  "c64",
  "c128",
];

const ARRAY2STRING = 'np.array2string(x, separator=", ", prefix="tensor(", suffix=")")';

/** NumPy's text with numr's spelling of booleans. */
function numpySpelling(s: string): string {
  return s.replaceAll("True", "true").replaceAll("False", "false");
}

async function compare(oracle: Oracle, x: nr.Tensor, what: string): Promise<void> {
  const expected = numpySpelling(await oracle.text(ARRAY2STRING, { x }));
  assert.equal(formatElements(x), expected, `${what} ${x.dtype} [${x.shape}]`);
}

Deno.test("elements print as np.array2string on random tensors", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(7);
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        for (const scale of [1, 1e-6, 3e4, 1e12]) {
          const shape = randomShape(rng, { maxDims: 3, maxDim: 9 });
          const x = randomTensor(rng, dtype, shape, layout, { scale });
          await compare(oracle, x, `${layout} scale ${scale}`);
        }
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("summarised tensors print as np.array2string", async () => {
  const oracle = Oracle.start();
  try {
    const rng = new Rng(11);
    const shapes = [[1001], [2, 600], [40, 30], [11, 12, 13], [3, 4, 5, 6, 7], [1, 1200], [
      7,
      1,
      150,
    ]];
    for (const dtype of ["f32", "f64", "i32", "u8", "bool", "c64"] as nr.DType[]) {
      for (const shape of shapes) {
        await compare(oracle, randomTensor(rng, dtype, shape, rng.pick(LAYOUTS)), "summarised");
      }
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("float digits match NumPy at rounding edges", async () => {
  const oracle = Oracle.start();
  try {
    const cases: number[][] = [
      [1 / 512, 0.5], // exact tie at the 8th digit: NumPy rounds half to even
      [2 ** -13, 1e-5, 1], // scientific, ties at the 9th significant digit
      [1 / 3, 2 / 3, 10 / 3],
      [0.1, 0.2, 0.30000000000000004],
      [0.999999999, 99999999.5],
      [1e8, 1],
      [1e-4, 0.1],
      [1e-4 * 0.99, 0.1],
      [1000, 1],
      [1001, 1],
      [-0, 0, -1.5],
      [123456.789, 0.001],
      [1e100, 1e-100],
      [5e-324, 1],
      [NaN, -Infinity, 1.5],
      [NaN, Infinity],
      [-Infinity],
      [65504, 6e-8, 0.1],
      [16777217, 3.4e38],
      [1.5, 2.25, 10],
    ];
    for (const dtype of ["f64", "f32", "f16"] as nr.DType[]) {
      for (const values of cases) {
        await compare(oracle, nr.tensor(values, { dtype }), "edge");
        await compare(oracle, nr.tensor(values[0], { dtype }), "0-d");
      }
    }
    for (const dtype of ["c64", "c128"] as nr.DType[]) {
      const values = [{ re: 1, im: 2 }, { re: NaN, im: -0.5 }, { re: -3.25, im: Infinity }];
      await compare(oracle, nr.tensor(values, { dtype }), "complex");
      await compare(oracle, nr.tensor([{ re: 1e-7, im: 1 }], { dtype }), "complex");
      await compare(oracle, nr.tensor({ re: 1, im: -2 }, { dtype }), "complex 0-d");
    }
  } finally {
    await oracle.close();
  }
});

Deno.test("repr: dtype, shape of empty and summarised tensors, 0-d", () => {
  assert.equal(
    formatTensor(nr.tensor([[1, 2], [3, 4]])),
    "tensor([[1., 2.],\n        [3., 4.]], dtype=f32)",
  );
  assert.equal(formatTensor(nr.tensor(1.5)), "tensor(1.5, dtype=f32)");
  assert.equal(formatTensor(nr.tensor(true)), "tensor(true, dtype=bool)");
  assert.equal(formatTensor(nr.tensor([true, false])), "tensor([ true, false], dtype=bool)");
  assert.equal(formatTensor(nr.tensor([1n, -20n])), "tensor([  1, -20], dtype=i64)");
  assert.equal(
    formatTensor(nr.tensor([{ re: 1, im: 2 }, { re: -1.5, im: 0 }], { dtype: "c64" })),
    "tensor([ 1. +2.j, -1.5+0.j], dtype=c64)",
  );
  assert.equal(formatTensor(nr.zeros([0, 3])), "tensor([], shape=[0, 3], dtype=f32)");
  assert.equal(formatTensor(nr.zeros([0], { dtype: "i8" })), "tensor([], dtype=i8)");
  assert.equal(
    formatTensor(nr.tensor(new Float64Array(1001).map((_, i) => i))),
    "tensor([   0.,    1.,    2., ...,  998.,  999., 1000.],\n       shape=[1001], dtype=f64)",
  );
  assert.equal(formatTensor(nr.tensor([NaN, -Infinity])), "tensor([ nan, -inf], dtype=f32)");
  assert.equal(String(nr.tensor([1, 2], { dtype: "u8" })), "tensor([1, 2], dtype=u8)");
  assert.equal(Deno.inspect(nr.tensor([0.5])), "tensor([0.5], dtype=f32)");
});

Deno.test("repr: extras go to a new line when the last line is full", () => {
  const x = nr.tensor(new Float64Array(8).fill(1 / 3), { dtype: "f64" });
  assert.equal(
    formatTensor(x),
    "tensor([0.33333333, 0.33333333, 0.33333333, 0.33333333, 0.33333333,\n" +
      "        0.33333333, 0.33333333, 0.33333333], dtype=f64)",
  );
  const y = nr.tensor(new Float64Array(6).fill(1 / 3), { dtype: "f64" });
  assert.equal(
    formatTensor(y),
    "tensor([0.33333333, 0.33333333, 0.33333333, 0.33333333, 0.33333333,\n" +
      "        0.33333333], dtype=f64)",
  );
  const z = nr.tensor(new Float64Array(5).fill(1 / 3), { dtype: "f64" });
  assert.equal(
    formatTensor(z),
    "tensor([0.33333333, 0.33333333, 0.33333333, 0.33333333, 0.33333333],\n" +
      "       dtype=f64)",
  );
});

Deno.test("repr: bf16 and fp8 print their own shortest digits", () => {
  // bf16 0.1 is 0.10009765625; its shortest round-trip digits are 0.1. 300 ≥ 10^2 → scientific.
  assert.equal(
    formatTensor(nr.tensor([1.5, 0.1], { dtype: "bf16" })),
    "tensor([1.5, 0.1], dtype=bf16)",
  );
  assert.equal(
    formatTensor(nr.tensor([1.5, 0.1, 300], { dtype: "bf16" })),
    "tensor([1.5e+00, 1.0e-01, 3.0e+02], dtype=bf16)",
  );
  // fp8e4m3 holds one decimal digit: 448 prints as 4.5e+02, not as a made-up 448.
  assert.equal(
    formatTensor(nr.tensor([448, -0.5], { dtype: "fp8e4m3" })),
    "tensor([ 4.5e+02, -5.0e-01], dtype=fp8e4m3)",
  );
  assert.equal(
    formatTensor(nr.tensor([0.25, 1], { dtype: "fp8e5m2" })),
    "tensor([0.25, 1.  ], dtype=fp8e5m2)",
  );
  assert.equal(
    formatTensor(nr.tensor([NaN, 1], { dtype: "fp8e4m3" })),
    "tensor([nan,  1.], dtype=fp8e4m3)",
  );
});

Deno.test("repr: views print their own elements; disposed tensors print without reading", () => {
  const base = nr.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "i32" });
  assert.equal(
    formatTensor(base.transpose()),
    "tensor([[1, 4],\n        [2, 5],\n        [3, 6]], dtype=i32)",
  );
  assert.equal(
    formatTensor(base.slice([0, 2], [0, 3, 2])),
    "tensor([[1, 3],\n        [4, 6]], dtype=i32)",
  );
  base.dispose();
  assert.equal(formatTensor(base), "tensor(<disposed>, shape=[2, 3], dtype=i32)");
  assert.deepEqual(jupyterDisplay(base), { "text/plain": formatTensor(base) });
});

Deno.test("Jupyter display: text and a summarised HTML table", () => {
  const t = nr.tensor(new Int32Array(30 * 40).map((_, i) => i), { shape: [30, 40] });
  const bundle = t[Symbol.for("Jupyter.display") as keyof nr.Tensor] as () => Record<
    string,
    string
  >;
  const display = bundle.call(t);
  assert.equal(display["text/plain"], formatTensor(t));
  const html = display["text/html"];
  assert.match(html, /^<table class="numr-tensor">/);
  assert.match(html, /<caption>tensor shape=\[30, 40\] dtype=i32 device=cpu<\/caption>/);
  // 10 columns (first and last 5) and an ellipsis column; 10 rows and an ellipsis row.
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 11);
  assert.match(html, /<th>0<\/th><td>0<\/td><td>1<\/td>.*<td>…<\/td>.*<td>39<\/td><\/tr>/);
  assert.match(html, /<th>29<\/th><td>1160<\/td>/);
  assert.match(html, /<th><\/th><th>0<\/th>.*<th>…<\/th><th>35<\/th>/);
  const cube = jupyterDisplay(nr.tensor([[[1, 2]], [[3, 4]]], { dtype: "u8" }))["text/html"];
  assert.match(cube, /<tr><th>0, 0<\/th><td>1<\/td><td>2<\/td><\/tr>/);
  assert.match(cube, /<tr><th>1, 0<\/th><td>3<\/td><td>4<\/td><\/tr>/);
  const scalar = jupyterDisplay(nr.tensor(2.5))["text/html"];
  assert.match(scalar, /<tr><td>2.5<\/td><\/tr>/);
});
