// A tour of numr (deno task demo): creating tensors, dtypes and promotion, views, elementwise
// math with broadcasting, reductions, indexing, sorting, scans, matmul, autograd, devices,
// printing, memory and errors.

import * as nr from "../mod.ts";

function section(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

function show(label: string, value: unknown): void {
  const text = value instanceof nr.Tensor ? value.toString() : Deno.inspect(value);
  console.log(text.includes("\n") ? `${label} =\n${text}` : `${label} = ${text}`);
}

section("Creating tensors");
const a = nr.tensor([[1, 2, 3], [4, 5, 6]]);
show("nr.tensor([[1, 2, 3], [4, 5, 6]])", a);
show("a.shape", a.shape);
show("nr.zeros([2, 2], { dtype: 'i32' })", nr.zeros([2, 2], { dtype: "i32" }));
show("nr.arange(0, 10, 2)", nr.arange(0, 10, 2));
show("nr.linspace(0, 1, 5)", nr.linspace(0, 1, 5));
show("nr.eye(3)", nr.eye(3));
show("nr.full([2, 3], 7, { dtype: 'u8' })", nr.full([2, 3], 7, { dtype: "u8" }));
show("from a Float64Array", nr.tensor(new Float64Array([0.5, 1.5])));

section("Dtypes");
show("JS numbers: the default float", nr.tensor([1, 2]).dtype);
show("bigints", nr.tensor([1n, -(2n ** 62n)]));
show("booleans", nr.tensor([true, false, true]));
show("complex", nr.tensor([{ re: 1, im: 2 }, { re: -0.5, im: 0 }]));
show("bf16 prints its own shortest digits", nr.tensor([0.1, 1 / 3, 3], { dtype: "bf16" }));
show("fp8e4m3", nr.tensor([0.1, 1.5, 448], { dtype: "fp8e4m3" }));
show("promoteTypes('i32', 'f16')", nr.promoteTypes("i32", "f16"));
show("promoteTypes('bf16', 'f16')", nr.promoteTypes("bf16", "f16"));

section("Views (no copies)");
const m = nr.arange(12, { dtype: "i32" }).reshape(3, 4);
show("m = arange(12).reshape(3, 4)", m);
show("m.transpose()", m.transpose());
show("m.slice([0, 3, 2], [1, 3])", m.slice([0, 3, 2], [1, 3]));
show("m.flip(1)", m.flip(1));
show("m.narrow(1, 1, 2)", m.narrow(1, 1, 2));
show("nr.tensor([1, 2, 3]).broadcastTo([2, 3])", nr.tensor([1, 2, 3]).broadcastTo([2, 3]));
show("m.transpose().strides", m.transpose().strides);

section("Printing");
show("0-d", nr.tensor(3.25));
show("empty", nr.zeros([0, 3]));
show("nan and inf", nr.tensor([NaN, -Infinity, 1.5]));
show("small and large magnitudes switch to scientific", nr.tensor([1e-5, 1, 1e5]));
const many = nr.arange(2000, { dtype: "i32" }).reshape(40, 50);
show("over 1000 elements are summarised", many);

section("Elementwise math");
show("nr.exp(nr.tensor([0, 1]))", nr.exp(nr.tensor([0, 1])));
show("nr.sqrt(nr.tensor([4, 2]))", nr.sqrt(nr.tensor([4, 2])));
show("nr.neg(m)", nr.neg(m));
show(
  "exp of ints computes in a float (NumPy: i32 -> f64)",
  nr.exp(nr.tensor([1, 2], {
    dtype: "i32",
  })),
);
show("a.astype('i32')", a.astype("i32"));
show("nr.cast(nr.tensor([1.7, -1.7]), 'i8')", nr.cast(nr.tensor([1.7, -1.7]), "i8"));

section("Broadcasting and promotion");
const column = nr.tensor([[10], [20]]);
show("a + column ([2, 3] + [2, 1])", nr.add(a, column));
show("a * [1, 0, -1] ([2, 3] * [3])", nr.mul(a, nr.tensor([1, 0, -1])));
show("a - 1 (JS numbers are weak scalars)", a.sub(1));
show("u8 + 1 stays u8", nr.add(nr.tensor([250, 255], { dtype: "u8" }), 1));
show("i32 / i32 divides into f64", nr.div(m, 2).dtype);
show(
  "i8 + f16 promotes to f16",
  nr.add(
    nr.ones([2], { dtype: "i8" }),
    nr.ones([2], {
      dtype: "f16",
    }),
  ),
);

section("Reductions");
show("a.sum()", a.sum());
show("a.sum({ axis: 0 })", a.sum({ axis: 0 }));
show("a.mean({ axis: 1, keepdims: true })", a.mean({ axis: 1, keepdims: true }));
show("nr.max(m, { axis: -1 })", nr.max(m, { axis: -1 }));
show("nr.argmax(a) (flattened index, i32)", nr.argmax(a));
show("u8 sums accumulate in u64, as NumPy", nr.sum(nr.tensor([200, 200], { dtype: "u8" })));
show("max propagates NaN", nr.max(nr.tensor([1, NaN, 3])));

section("Indexing (NumPy style)");
const g = nr.arange(12, { dtype: "f32" }).reshape(3, 4);
show("g.get(1) (a view)", g.get(1));
show("g.get('...', nr.s(null, null, -1))", g.get("...", nr.s(null, null, -1)));
show("g.get([2, 0])  (advanced: a copy)", g.get([2, 0]));
show("g.get(g.gt(8))  (boolean mask)", g.get(g.gt(8)));
show("g.clone().set(-1, nr.s(null, 2), 1)  (g[:2, 1] = -1)", g.clone().set(-1, nr.s(null, 2), 1));
show(
  "nr.gather(g, 1, [[0], [3], [1]])",
  nr.gather(g, 1, nr.tensor([[0], [3], [1]], { dtype: "i32" })),
);

section("Sorting and scans");
const r = nr.tensor([3, NaN, -1, 3, 0.5]);
show("nr.sort(r)  (stable, NaN last)", nr.sort(r));
show("nr.argsort(r, { descending: true })", nr.argsort(r, { descending: true }));
show("nr.topk(r, 2).values", nr.topk(r, 2).values);
show("nr.unique(nr.tensor([2, 1, 2, 5])).values", nr.unique(nr.tensor([2, 1, 2, 5])).values);
show("nr.cumsum(nr.arange(1, 6))", nr.cumsum(nr.arange(1, 6)));

section("Matmul and autograd");
const X = nr.tensor([[1, 2], [3, 4], [5, 6]], { dtype: "f64" });
const W = nr.tensor([[0.5, -1], [1, 0.25]], { dtype: "f64" });
show("nr.matmul(X, W)", nr.matmul(X, W));
show(
  "nr.matmulBias(X, W, [1, -1], { activation: 'relu' })  (fused)",
  nr.matmulBias(X, W, nr.tensor([1, -1], { dtype: "f64" }), { activation: "relu" }),
);
const loss = (w: nr.Tensor) => nr.matmul(X, w).tanh().sum();
show("nr.grad(w => sum(tanh(X @ w)))(W)", nr.grad(loss)(W));
const wv = W.clone().requiresGrad();
nr.matmul(X, wv).square().mean().backward();
show("PyTorch style: w.requiresGrad(); loss.backward(); w.grad", wv.grad);

section("Devices");
show("CUDA driver present", nr.cudaAvailable());
show("WebGPU adapter present", await nr.webgpuAvailable());
console.log("(the same code runs with { device: 'cuda' } or after `await nr.webgpu()`)");

section("Memory");
{
  using big = nr.ones([1000, 1000]);
  const view = big.transpose();
  show("a view shares its base's storage", view.storage === big.storage);
  view.dispose();
} // `using` freed `big` here; the garbage collector is the safety net for the rest.
const gone = nr.ones([2]);
gone.dispose();
show("a disposed tensor prints without its data", gone);

section("Errors");
for (
  const bad of [
    () => nr.add(nr.zeros([2, 3]), nr.zeros([4])),
    () => nr.zeros([6]).reshape(4, 2),
    () => nr.neg(nr.tensor([true])),
    () => nr.exp(gone),
  ]
) {
  try {
    bad();
  } catch (e) {
    if (!(e instanceof nr.NumrError)) throw e;
    console.log(`${e.code}: ${e.message}`);
  }
}
