// Linear regression by gradient descent with numr's autograd: fits y ≈ X·w + b by minimising
// the mean squared error. Run: deno run --allow-ffi --allow-read --allow-env
// examples/linear_regression.ts

import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";

/** What {@link fitLinear} returns. */
export interface LinearFit {
  /** Weights, shape [features]. */
  w: Tensor;
  /** Intercept, shape []. */
  b: Tensor;
  /** The loss after each step. */
  losses: number[];
}

/** X·w + b for X [n, d] and w [d]. */
export function predict(X: Tensor, w: Tensor, b: Tensor): Tensor {
  return nr.matmul(X, w).add(b);
}

/**
 * Fits w and b by full-batch gradient descent with a fixed learning rate (the loss is convex, so
 * it converges to the least-squares solution for a small enough rate).
 */
export function fitLinear(X: Tensor, y: Tensor, steps = 500, lr = 0.1): LinearFit {
  let w = nr.zeros([X.shape[1]], { dtype: X.dtype }).requiresGrad();
  let b = nr.zeros([], { dtype: X.dtype }).requiresGrad();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = predict(X, w, b).sub(y).square().mean();
    loss.backward();
    losses.push(Number(loss.item()));
    // The update is not part of the model: no graph, new leaves for the next step.
    w = nr.noGrad(() => w.sub(w.grad!.mul(lr))).requiresGrad();
    b = nr.noGrad(() => b.sub(b.grad!.mul(lr))).requiresGrad();
  }
  return { w, b, losses };
}

if (import.meta.main) {
  const n = 200;
  const X = nr.tensor(
    Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(0.7 * i), (i % 7) / 7]),
    { dtype: "f64" },
  );
  const truth = nr.tensor([2, -1, 0.5], { dtype: "f64" });
  const noise = nr.tensor(Array.from({ length: n }, (_, i) => 0.01 * Math.sin(13 * i)), {
    dtype: "f64",
  });
  const y = predict(X, truth, nr.tensor(3, { dtype: "f64" })).add(noise);
  const { w, b, losses } = fitLinear(X, y, 2000, 0.3);
  console.log("w =", w.toArray(), "b =", b.item());
  console.log("loss:", losses[0], "→", losses[losses.length - 1]);
}
