// WebGPU i64/u64 parity (two 32-bit words per element): every unary, binary and ternary op and
// arg reduction on the 64-bit integer dtypes against the CPU, bit for bit, on edge values (0, ±1,
// the extremes, both sides of 2^32 and 2^63), random values over the full 64-bit range and random
// bit lengths (so divisions see every quotient size), broadcasting and non-contiguous views.
// Skips when no WebGPU adapter exists.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { Tensor } from "../mod.ts";
import { LAYOUTS, Rng, withLayout } from "./_random.ts";
import { HAS_GPU, parity, type Tally, toGpu } from "./_webgpu.ts";

const ignore = !HAS_GPU;
const WIDE = ["i64", "u64"] as const;
type Wide = typeof WIDE[number];

const M64 = (1n << 64n) - 1n;
const EDGE_U = [
  0n,
  1n,
  2n,
  3n,
  5n,
  7n,
  (1n << 31n) - 1n,
  1n << 31n,
  (1n << 32n) - 1n,
  1n << 32n,
  (1n << 32n) + 1n,
  (1n << 33n) + 7n,
  (1n << 62n) + 1n,
  (1n << 63n) - 1n,
  1n << 63n,
  (1n << 63n) + 1n,
  M64 - 1n,
  M64,
];

/** Wraps an unsigned 64-bit pattern into the dtype's range. */
function wrap(d: Wide, v: bigint): bigint {
  return d === "u64" ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}

/** The edge values of a dtype (for i64 also their negations: -1, MIN, MIN + 1, -2^32, ...). */
function edges(d: Wide): bigint[] {
  const out = EDGE_U.map((v) => wrap(d, v));
  if (d === "i64") out.push(...EDGE_U.map((v) => wrap(d, -v)));
  return [...new Set(out)];
}

/** A random 64-bit value: all 64 bits random, or a random bit length (any magnitude). */
function random64(rng: Rng, d: Wide): bigint {
  const word = () => BigInt(Math.floor(rng.next() * 4294967296));
  const full = (word() << 32n) | word();
  if (rng.next() < 0.5) return wrap(d, full);
  const bits = BigInt(rng.int(0, 64));
  const v = full & ((1n << bits) - 1n);
  return wrap(d, d === "i64" && rng.next() < 0.5 ? -v : v);
}

/** n values: the edges first (cycled), then random ones. */
function values(rng: Rng, d: Wide, n: number, withEdges = true): bigint[] {
  const e = edges(d);
  return Array.from(
    { length: n },
    (_, i) => (withEdges && i < e.length && rng.next() < 0.9 ? e[i] : random64(rng, d)),
  );
}

/** A tensor of `shape` with the given layout whose values come from `pool` (in order, cycled). */
function fromPool(pool: readonly bigint[], d: Wide, shape: number[], layout = LAYOUTS[0]): Tensor {
  let at = 0;
  return withLayout(
    (s) => {
      const n = s.reduce((a, b) => a * b, 1);
      const vals = Array.from({ length: n }, () => pool[at++ % pool.length]);
      return nr.tensor(vals, { dtype: d, shape: [...s] });
    },
    shape,
    layout,
  );
}

// deno-lint-ignore no-explicit-any
const fn = (op: string) => (nr as any)[op] as (...xs: any[]) => Tensor;

Deno.test({
  name: "webgpu i64/u64: neg, abs, sign, square, recip match the CPU bit for bit",
  ignore,
  async fn() {
    const rng = new Rng(64);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const op of ["neg", "abs", "sign", "square", "recip"]) {
      for (const d of WIDE) {
        const pool = [...edges(d), ...values(rng, d, 200, false)];
        for (const layout of LAYOUTS) {
          const shape = layout === "broadcast" ? [6, pool.length] : [pool.length, 3];
          const x = fromPool(pool, d, shape, layout);
          const label = `${op} ${d} ${layout}`;
          await parity(label, op, d, [x], ([t]) => fn(op)(t), tally, { bits: true });
          x.dispose();
        }
      }
    }
    assert.equal(tally.unsupported, 0);
    assert.equal(tally.compared, 5 * 2 * LAYOUTS.length);
  },
});

Deno.test({
  name: "webgpu i64/u64: floorDiv, mod, maximum, minimum, fmax, fmin, pow over all pairs",
  ignore,
  async fn() {
    const rng = new Rng(65);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const ops = ["floorDiv", "mod", "maximum", "minimum", "fmax", "fmin", "pow", "add", "mul"];
    for (const op of ops) {
      for (const d of WIDE) {
        const e = edges(d);
        // Every edge against every edge (zero and ±1 divisors included), then random pairs:
        // [n, 1] against [1, m] broadcasts to all pairs; the views are non-contiguous.
        const pa = [...e, ...values(rng, d, 60, false)];
        const pb = [...e, ...values(rng, d, 40, false)];
        const la = LAYOUTS[(tally.compared + 2) % 5];
        const lb = LAYOUTS[(tally.compared + 3) % 5];
        if (op === "pow") {
          // Exponents: small ones (meaningful results) and full-range ones (wrapped results).
          const exps = [0n, 1n, 2n, 3n, 5n, 31n, 32n, 33n, 63n, 64n, 65n, 127n];
          for (let i = 0; i < 20; i++) exps.push(BigInt.asUintN(63, random64(rng, "u64")));
          pb.splice(0, pb.length, ...exps.map((v) => wrap(d, v)));
        }
        const a = fromPool(pa, d, [pa.length, 1], la);
        const b = fromPool(pb, d, [1, pb.length], lb);
        const label = `${op} ${d} ${la} x ${lb}`;
        await parity(label, op, d, [a, b], ([x, y]) => fn(op)(x, y), tally, { bits: true });
        // The scalar form (a literal divisor, broadcast from a 0-d operand).
        for (const s of [-7n, -1n, 0n, 1n, 3n, 1n << 33n]) {
          if (d === "u64" && s < 0n) continue;
          if (op === "pow" && s < 0n) continue;
          const c = nr.tensor(s, { dtype: d });
          await parity(`${op} ${d} by ${s}`, op, d, [a, c], ([x, y]) => fn(op)(x, y), tally, {
            bits: true,
          });
          c.dispose();
        }
        a.dispose();
        b.dispose();
      }
    }
    assert.equal(tally.unsupported, 0);
  },
});

Deno.test({
  name: "webgpu i64: pow with a negative exponent raises at the next read, as the CPU raises",
  ignore,
  async fn() {
    const a = nr.tensor([2n, 3n, -4n], { dtype: "i64" });
    const b = nr.tensor([1n, -1n, 2n], { dtype: "i64" });
    assert.throws(() => nr.pow(a, b), (e: nr.NumrError) => e.code === "InvalidArgument");
    const p = nr.pow(toGpu(a), toGpu(b));
    await assert.rejects(() => p.data(), (e: nr.NumrError) => e.code === "InvalidArgument");
    // u64 exponents are never negative: 2^(2^64 - 1) wraps to 0.
    const u = nr.pow(
      nr.tensor([2n, 3n], { dtype: "u64", device: "webgpu" }),
      nr.tensor([M64, M64], { dtype: "u64", device: "webgpu" }),
    );
    let want = 1n;
    for (let k = 0; k < 64; k++) want = BigInt.asUintN(64, want * want * 3n);
    assert.deepEqual([...(await u.data())], [0n, want]);
    for (const t of [a, b, p, u]) t.dispose();
  },
});

Deno.test({
  name: "webgpu i64/u64: clamp and mulAdd match the CPU with broadcasting",
  ignore,
  async fn() {
    const rng = new Rng(66);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const op of ["clamp", "mulAdd"]) {
      for (const d of WIDE) {
        const e = edges(d);
        const pool = [...e, ...values(rng, d, 30, false)];
        for (let k = 0; k < 3; k++) {
          const x = fromPool(pool, d, [pool.length, 1, 1], LAYOUTS[k]);
          const lo = fromPool(e, d, [1, e.length, 1], LAYOUTS[k + 1]);
          const hi = fromPool([...e].reverse(), d, [1, 1, 7], LAYOUTS[k + 2]);
          await parity(
            `${op} ${d} ${k}`,
            op,
            d,
            [x, lo, hi],
            ([p, q, r]) => fn(op)(p, q, r),
            tally,
            { bits: true },
          );
          for (const t of [x, lo, hi]) t.dispose();
        }
      }
    }
    assert.equal(tally.unsupported, 0);
  },
});

Deno.test({
  name: "webgpu i64/u64: argmax and argmin (signed and unsigned orders, first tie wins)",
  ignore,
  async fn() {
    const rng = new Rng(67);
    const tally: Tally = { compared: 0, unsupported: 0 };
    for (const op of ["argmax", "argmin"]) {
      for (const d of WIDE) {
        const pool = [...edges(d), ...values(rng, d, 50, false), ...edges(d)];
        for (const layout of LAYOUTS) {
          for (const [shape, axis] of [[[7, 13], 1], [[7, 13], 0], [[300], 0], [[3, 4, 5], -1]]) {
            const x = fromPool(pool, d, shape as number[], layout);
            await parity(
              `${op} ${d} ${layout} [${shape}] axis ${axis}`,
              op,
              d,
              [x],
              ([t]) => fn(op)(t, axis as number),
              tally,
              { bits: true },
            );
            x.dispose();
          }
        }
        // A long row (split passes) with ties: the first extreme wins.
        const big = nr.tensor(Array.from({ length: 20000 }, (_, i) => pool[i % pool.length]), {
          dtype: d,
        });
        await parity(`${op} ${d} long`, op, d, [big], ([t]) => fn(op)(t), tally, { bits: true });
        big.dispose();
      }
    }
    assert.equal(tally.unsupported, 0);
  },
});

Deno.test({
  name: "webgpu i64: scatterReduce mean matches the CPU",
  ignore,
  async fn() {
    const rng = new Rng(68);
    const tally: Tally = { compared: 0, unsupported: 0 };
    const pool = values(rng, "i64", 40);
    const x = fromPool(pool, "i64", [5, 4]);
    const src = fromPool([...pool].reverse(), "i64", [6, 4]);
    const idx = nr.tensor([0, 2, 2, 4, 0, 0], { dtype: "i64" }).reshape([6, 1])
      .broadcastTo([6, 4]).contiguous();
    for (const includeSelf of [true, false]) {
      await parity(
        `scatterReduce mean includeSelf=${includeSelf}`,
        "scatterReduce",
        "i64",
        [x, idx, src],
        ([t, i, s]) => nr.scatterReduce(t, 0, i, s, "mean", { includeSelf }),
        tally,
        { bits: true },
      );
    }
    assert.equal(tally.unsupported, 0);
    for (const t of [x, src, idx]) t.dispose();
  },
});
