// Seeded random inputs for property tests: values with NaN/±Inf/−0/huge/tiny mixed in, random
// shapes (0-d, empty, size-1 dims), and non-contiguous layouts (transposed, negative strides,
// stepped slices, offsets, broadcast).

import * as nr from "../mod.ts";
import type { DType, Tensor } from "../mod.ts";

/** A small seeded PRNG (mulberry32). */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** One item of a list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Options of {@link randomValues}. */
export interface ValueOptions {
  /** Mix in NaN, ±Inf, −0, huge and tiny values (floats), extremes (ints). Default true. */
  special?: boolean;
  /** Scale of ordinary float values (default 3). */
  scale?: number;
  /** Only non-negative values. */
  positive?: boolean;
}

const SPECIAL_FLOATS = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1e30,
  -1e30,
  1e-30,
  65504,
  1e-7,
  0.5,
  -0.5,
  2.5,
];

/** Random flat values for a dtype (numbers, bigints for i64/u64, booleans, complex pairs). */
export function randomValues(
  rng: Rng,
  dtype: DType,
  count: number,
  options: ValueOptions = {},
): nr.Element[] {
  const special = options.special ?? true;
  const scale = options.scale ?? 3;
  const info = nr.DTYPES[dtype];
  const out: nr.Element[] = new Array(count);
  const float = () => {
    if (special && rng.next() < 0.1) {
      const v = rng.pick(SPECIAL_FLOATS);
      return options.positive ? Math.abs(v) : v;
    }
    const v = rng.normal() * scale;
    return options.positive ? Math.abs(v) : v;
  };
  for (let i = 0; i < count; i++) {
    switch (info.kind) {
      case "float":
        out[i] = float();
        break;
      case "complex":
        out[i] = { re: float(), im: float() };
        break;
      case "bool":
        out[i] = rng.next() < 0.5;
        break;
      default: {
        const extremes = special && rng.next() < 0.1;
        if (dtype === "i64" || dtype === "u64") {
          const big = BigInt(Math.floor(rng.next() * 2 ** 32)) << 32n |
            BigInt(Math.floor(rng.next() * 2 ** 32));
          const v = extremes ? big : BigInt(rng.int(options.positive ? 0 : -100, 100));
          out[i] = dtype === "u64"
            ? BigInt.asUintN(64, v)
            : options.positive
            ? BigInt.asUintN(63, v)
            : BigInt.asIntN(64, v);
        } else {
          const lo = options.positive ? 0 : info.min;
          out[i] = extremes
            ? rng.pick([lo, info.max, 0])
            : Math.min(info.max, Math.max(lo, rng.int(-100, 100)));
        }
      }
    }
  }
  return out;
}

/** Options of {@link randomShape}. */
export interface ShapeOptions {
  /** Most dimensions (default 4). */
  maxDims?: number;
  /** Largest size of one dimension (default 7). */
  maxDim?: number;
  /** Allow size-0 dimensions (default true). */
  allowEmpty?: boolean;
}

/** A random shape: sometimes 0-d, sometimes with size-1 or size-0 dims. */
export function randomShape(rng: Rng, options: ShapeOptions = {}): number[] {
  const ndim = rng.int(0, options.maxDims ?? 4);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const r = rng.next();
    if (r < 0.05 && (options.allowEmpty ?? true)) shape.push(0);
    else if (r < 0.25) shape.push(1);
    else shape.push(rng.int(2, options.maxDim ?? 7));
  }
  return shape;
}

/** How a test tensor is laid out in memory. */
export type Layout = "contiguous" | "transposed" | "flipped" | "stepped" | "offset" | "broadcast";

/** All layouts. */
export const LAYOUTS: readonly Layout[] = [
  "contiguous",
  "transposed",
  "flipped",
  "stepped",
  "offset",
  "broadcast",
];

/**
 * A tensor of `shape` and `dtype` with random values, stored with the given layout (a view of a
 * larger or permuted base), so kernels see non-unit, negative, zero strides and offsets.
 */
export function randomTensor(
  rng: Rng,
  dtype: DType,
  shape: readonly number[],
  layout: Layout = "contiguous",
  options: ValueOptions = {},
): Tensor {
  const make = (s: readonly number[]) => {
    const n = s.reduce((a, b) => a * b, 1);
    return nr.tensor(randomValues(rng, dtype, n, options), { dtype, shape: s });
  };
  return withLayout(make, shape, layout);
}

/**
 * A tensor of `shape` stored with `layout`: `make` builds the base (a larger, permuted or reduced
 * shape) and the result is a view of it, so kernels see non-unit, negative or zero strides.
 */
export function withLayout(
  make: (shape: readonly number[]) => Tensor,
  shape: readonly number[],
  layout: Layout,
): Tensor {
  switch (layout) {
    case "contiguous":
      return make(shape);
    case "transposed":
      return make([...shape].reverse()).permute([...shape.keys()].reverse());
    case "flipped":
      return make(shape).flip();
    case "stepped":
      return make(shape.map((d) => 2 * d + 1)).slice(
        ...shape.map((d) => [1, 1 + 2 * d, 2] as const),
      );
    case "offset":
      return make(shape.map((d) => d + 2)).slice(...shape.map((d) => [2, 2 + d] as const));
    case "broadcast":
      return make(shape.map((d, i) => (i % 2 === 0 ? 1 : d))).broadcastTo(shape);
  }
}
