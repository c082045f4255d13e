// Autograd behaviour: backward and .grad, broadcasting, dtypes, errors, deep graphs, hooks,
// checkpointing, higher order (tanh/sigmoid/exp/log/pow), hvp, jvp/jacobians, and the
// linear-regression example against NumPy's lstsq.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { fitLinear, predict } from "../examples/linear_regression.ts";
import { Oracle } from "./_oracle.ts";
import { Rng } from "./_random.ts";
import { uniform } from "./_gradcheck.ts";

const f64 = (v: unknown) => nr.tensor(v as number[], { dtype: "f64" });
const arr = (t: Tensor | null) => t!.toArray() as number[];

function close(actual: number[] | number, expected: number[] | number, tol = 1e-10): void {
  const a = [actual].flat(8) as number[];
  const e = [expected].flat(8) as number[];
  assert.equal(a.length, e.length);
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - e[i]) <= tol * (1 + Math.abs(e[i])), `[${i}] ${v} vs ${e[i]}`);
  });
}

const sigmoid = (x: Tensor) => x.neg().exp().add(1).recip();

Deno.test("backward: y = sum(x*x) gives 2x; only leaves keep .grad", () => {
  const x = f64([1, 2, 3]).requiresGrad();
  const h = x.mul(x);
  const y = h.sum();
  assert.equal(y.gradFn, "sum");
  assert.equal(y.tracksGrad, true);
  y.backward();
  assert.deepEqual(arr(x.grad), [2, 4, 6]);
  assert.equal(h.grad, null);
  assert.equal(x.isLeaf, true);
  assert.equal(h.isLeaf, false);
});

Deno.test("backward: gradients accumulate over passes; zeroGrad clears; retainGrad keeps", () => {
  const x = f64([1, 2]).requiresGrad();
  x.mul(3).sum().backward();
  x.mul(3).sum().backward();
  assert.deepEqual(arr(x.grad), [6, 6]);
  x.zeroGrad();
  assert.equal(x.grad, null);
  const h = x.mul(x).retainGrad();
  h.mul(2).sum().backward();
  assert.deepEqual(arr(h.grad), [2, 2]);
  assert.deepEqual(arr(x.grad), [4, 8]);
});

Deno.test("backward: broadcast inputs get gradients summed back to their shapes", () => {
  const a = f64([[1, 2, 3], [4, 5, 6]]).requiresGrad();
  const b = f64([[10], [20]]).requiresGrad();
  const c = f64(2).requiresGrad();
  a.mul(b).add(c).sum().backward();
  assert.deepEqual(a.grad!.toArray(), [[10, 10, 10], [20, 20, 20]]);
  assert.deepEqual(b.grad!.toArray(), [[6], [15]]);
  assert.deepEqual(b.grad!.shape, [2, 1]);
  assert.equal(c.grad!.item(), 6);
});

Deno.test("backward: gradients keep each input's dtype; non-contiguous leaves work", () => {
  const a = nr.tensor([1, 2], { dtype: "f32" }).requiresGrad();
  const b = f64([3, 4]);
  const y = a.mul(b).sum();
  assert.equal(y.dtype, "f64");
  y.backward();
  assert.equal(a.grad!.dtype, "f32");
  assert.deepEqual(arr(a.grad), [3, 4]);
  const base = f64([[1, 2, 3], [4, 5, 6]]);
  const t = base.transpose().requiresGrad();
  t.mul(f64([[1, 2], [3, 4], [5, 6]])).sum().backward();
  assert.deepEqual(t.grad!.toArray(), [[1, 2], [3, 4], [5, 6]]);
});

Deno.test("backward: integer tensors take no gradient; bad uses are errors", () => {
  assert.throws(() => nr.tensor([1, 2], { dtype: "i32" }).requiresGrad(), {
    code: "DTypeMismatch",
  });
  const x = f64([1, 2]).requiresGrad();
  // An int operand is a constant.
  x.mul(nr.tensor([3, 4], { dtype: "i32" })).sum().backward();
  assert.deepEqual(arr(x.grad), [3, 4]);
  assert.throws(() => f64([1]).sum().backward(), { code: "InvalidArgument" });
  assert.throws(() => x.mul(2).backward(), { code: "InvalidArgument" }); // not one element
  assert.throws(() => x.mul(2).backward(f64([1, 2, 3])), { code: "ShapeMismatch" });
  assert.throws(() => x.mul(x).requiresGrad(), { code: "InvalidArgument" });
});

Deno.test("backward: a non-differentiable op on a tracked tensor fails by name", () => {
  const x = f64([1, 2]).requiresGrad();
  const z = nr.complex(x, x);
  assert.throws(() => z.abs().sum().backward(), (e: nr.NumrError) => {
    assert.equal(e.code, "NotDifferentiable");
    assert.match(e.message, /abs/);
    return true;
  });
  const idx = nr.tensor([0, 0], { dtype: "i32" });
  const m = nr.zeros([2], { dtype: "f64" }).scatterReduce(0, idx, x, "max");
  assert.throws(() => m.sum().backward(), (e: nr.NumrError) => {
    assert.equal(e.code, "NotDifferentiable");
    assert.match(e.message, /scatterReduce/);
    return true;
  });
  assert.throws(() => x.set(0, 0), { code: "NotDifferentiable" });
  nr.noGrad(() => x.set(5, 0)); // in-place updates are fine outside recording
  assert.deepEqual(arr(x), [5, 2]);
});

Deno.test("backward: the graph is freed after use unless retainGraph", () => {
  const x = f64([1, 2]).requiresGrad();
  const y = x.exp().sum();
  y.backward();
  assert.throws(() => y.backward(), { code: "InvalidArgument" });
  const z = x.exp().sum();
  z.backward(undefined, { retainGraph: true });
  z.backward();
  close(arr(x.grad), [1, 2].map((v) => 3 * Math.exp(v)));
});

Deno.test("backward: saved tensors survive the user disposing them", () => {
  const x = f64([1, 2]).requiresGrad();
  const h = x.mul(x);
  const y = h.exp().sum();
  h.dispose();
  y.backward();
  close(arr(x.grad), [1, 2].map((v) => 2 * v * Math.exp(v * v)));
});

Deno.test("backward: a deep graph (iterative topological sort, no stack limit)", () => {
  const x = f64([1]).requiresGrad();
  let y = x;
  for (let i = 0; i < 6000; i++) y = y.mul(1.0001).add(0);
  y.sum().backward();
  close(arr(x.grad), [Math.pow(1.0001, 6000)], 1e-9);
});

Deno.test("backward: intermediate results and diamonds add up", () => {
  const x = f64([0.5, -1]).requiresGrad();
  const a = x.tanh();
  const y = a.mul(a).add(a.sin()).add(x).sum();
  y.backward();
  const expected = [0.5, -1].map((v) => {
    const t = Math.tanh(v);
    return (2 * t + Math.cos(t)) * (1 - t * t) + 1;
  });
  close(arr(x.grad), expected);
});

Deno.test("hooks: called once per leaf, after every contribution, last layer first", () => {
  const w1 = f64([0.5, -0.2]).requiresGrad();
  const w2 = f64([1.5, 2]).requiresGrad();
  const x = f64([1, 2]);
  const h = x.mul(w1).tanh();
  const y = h.mul(w2).add(h.mul(w1)).sum(); // w1 twice: its gradient has two parts
  const seen: [Tensor, number[]][] = [];
  y.backward(undefined, {
    hook: { onLeafGradReady: (leaf, grad) => seen.push([leaf, arr(grad)]) },
  });
  assert.equal(seen.length, 2);
  assert.equal(seen[0][0], w2);
  assert.equal(seen[1][0], w1);
  assert.deepEqual(seen[1][1], arr(w1.grad));
  assert.deepEqual(seen[0][1], arr(w2.grad));
});

Deno.test("checkpoint: same result and gradients, recomputed in backward", () => {
  const block = (x: Tensor, w: Tensor) => x.mul(w).tanh().mul(x).sin();
  const run = (useCheckpoint: boolean) => {
    const x = f64([0.3, -0.7, 1.1]).requiresGrad();
    const w = f64([1.5, 0.5, -2]).requiresGrad();
    let calls = 0;
    const fn = (a: Tensor, b: Tensor) => {
      calls++;
      return block(a, b);
    };
    const f = useCheckpoint ? nr.checkpoint(fn) : fn;
    const y = (f(x, w) as Tensor).square().sum();
    y.backward();
    return { y: Number(y.item()), gx: arr(x.grad), gw: arr(w.grad), calls };
  };
  const plain = run(false);
  const ckpt = run(true);
  assert.equal(ckpt.y, plain.y);
  close(ckpt.gx, plain.gx, 1e-14);
  close(ckpt.gw, plain.gw, 1e-14);
  assert.equal(plain.calls, 1);
  assert.equal(ckpt.calls, 2); // once forward, once in backward
  // Through a higher-order derivative too.
  const f = (x: Tensor) => (nr.checkpoint((z: Tensor) => z.tanh().mul(z))(x) as Tensor).sum();
  const g = (x: Tensor) => x.tanh().mul(x).sum();
  const x0 = f64([0.2, 0.9]);
  const v = f64([1, -1]);
  close(arr(nr.hvp(f, x0, v)), arr(nr.hvp(g, x0, v)), 1e-13);
});

Deno.test("higher order: second derivatives of tanh, sigmoid, exp, log, pow", () => {
  const xs = [0.3, 1.2, 2.5];
  const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ["tanh", (x) => x.tanh(), (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    ["sigmoid", sigmoid, (v) => {
      const s = 1 / (1 + Math.exp(-v));
      return s * (1 - s) * (1 - 2 * s);
    }],
    ["exp", (x) => x.exp(), (v) => Math.exp(v)],
    ["log", (x) => x.log(), (v) => -1 / (v * v)],
    ["pow x^3.5", (x) => x.pow(3.5), (v) => 3.5 * 2.5 * Math.pow(v, 1.5)],
    ["pow 2^x", (x) => nr.pow(2, x), (v) => Math.LN2 ** 2 * Math.pow(2, v)],
    ["pow x^x", (x) => x.pow(x), (v) => {
      const y = Math.pow(v, v);
      return y * (Math.log(v) + 1) ** 2 + y / v;
    }],
  ];
  for (const [name, f, d2] of cases) {
    const first = (x: Tensor) => nr.grad((z: Tensor) => f(z).sum())(x) as Tensor;
    const second = nr.grad((x: Tensor) => first(x).sum())(f64(xs)) as Tensor;
    close(arr(second), xs.map(d2), 1e-10);
    // The same through backwardWithGraph.
    const x = f64(xs).requiresGrad();
    f(x).sum().backwardWithGraph();
    const g = x.grad!;
    x.zeroGrad();
    g.sum().backward();
    close(arr(x.grad), xs.map(d2), 1e-10);
    // And forward over forward.
    const ones = f64(xs.map(() => 1));
    const [, d2f] = nr.jvp((z) => nr.jvp(f, [z], [ones])[1], [f64(xs)], [ones]);
    close(arr(d2f), xs.map(d2), 1e-10);
    void name;
  }
});

Deno.test("hvp: forward over reverse equals reverse over reverse and the Hessian", () => {
  const rng = new Rng(3);
  const w = uniform(rng, [4, 3]);
  const f = (x: Tensor) => sigmoid(x.mul(w).sum({ axis: 1 })).log().sum().add(x.pow(4).sum());
  const x = uniform(rng, [3]);
  const v = uniform(rng, [3]);
  const hv = nr.hvp(f, x, v);
  const rr = nr.grad((z: Tensor) => (nr.grad(f)(z) as Tensor).mul(v).sum())(x) as Tensor;
  close(arr(hv), arr(rr), 1e-12);
  const H = nr.jacobian((z) => nr.grad(f)(z) as Tensor, x);
  close(arr(hv), arr(H.mul(v).sum({ axis: 1 })), 1e-12);
});

Deno.test("jvp, vjp, jacobian and jacobianForward agree (⟨Jv, u⟩ = ⟨v, Jᵀu⟩)", () => {
  const rng = new Rng(5);
  const b = uniform(rng, [2, 1]);
  const f = (x: Tensor) => x.mul(b).tanh().cumsum({ axis: 1 }).add(x.exp().sum());
  const x = uniform(rng, [3]);
  const [y, pullback] = nr.vjp(f, x);
  const u = uniform(rng, y.shape);
  const v = uniform(rng, x.shape);
  const [y2, jv] = nr.jvp(f, [x], [v]);
  assert.deepEqual(arr(y2), arr(y));
  const lhs = Number(jv.mul(u).sum().item());
  const rhs = Number(pullback(u)[0].mul(v).sum().item());
  close(lhs, rhs, 1e-12);
  const J = nr.jacobian(f, x);
  const JF = nr.jacobianForward(f, x);
  assert.deepEqual(J.shape, [2, 3, 3]);
  close(arr(J), arr(JF), 1e-12);
});

Deno.test("functional: valueAndGrad with argnums, noGrad, variable, gradients", () => {
  const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
  const [v, gs] = nr.valueAndGrad(f, { argnums: [0, 1] })(f64([1, 2]), f64([3, 4]));
  assert.equal(v.item(), 11);
  assert.deepEqual((gs as Tensor[]).map(arr), [[3, 4], [1, 2]]);
  const g1 = nr.grad(f, { argnums: 1 })(f64([1, 2]), f64([3, 4])) as Tensor;
  assert.deepEqual(arr(g1), [1, 2]);
  // An argument the output does not depend on gets zeros.
  assert.deepEqual(arr(nr.grad((_a: Tensor) => f64(1).sum())(f64([1, 2])) as Tensor), [0, 0]);
  const x = nr.variable(f64([2]));
  assert.equal(nr.noGrad(() => x.mul(x)).tracksGrad, false);
  assert.throws(() => nr.grad((a: Tensor) => a.mul(2))(f64([1, 2])), {
    code: "InvalidArgument",
  });
  assert.throws(() => nr.grad(f)(nr.tensor([1], { dtype: "i32" }), f64([1])), {
    code: "DTypeMismatch",
  });
  assert.throws(() => nr.jvp((a) => a, [f64([1, 2])], [f64([1])]), { code: "ShapeMismatch" });
});

Deno.test("linear regression by gradient descent reaches NumPy's lstsq solution", async () => {
  const rng = new Rng(9);
  const n = 64;
  const X = uniform(rng, [n, 3]);
  const y = predict(X, f64([1.5, -2, 0.25]), f64(0.5)).add(uniform(rng, [n], [-0.1, 0.1]));
  const { w, b, losses } = fitLinear(X, y, 800, 0.2);
  assert.ok(losses[losses.length - 1] < losses[0]);
  const oracle = Oracle.start();
  try {
    const sol = await oracle.eval(
      "np.linalg.lstsq(np.hstack([X, np.ones((X.shape[0], 1))]), y, rcond=None)[0]",
      { X, y },
    );
    close([...arr(w), Number(b.item())], arr(sol), 1e-8);
  } finally {
    await oracle.close();
  }
});
