// Type promotion against NumPy 2 + ml_dtypes: promoteTypes on all 17 × 17 pairs against
// np.result_type, and the weak-scalar rules (resultTypeWithScalar) against NumPy arrays mixed
// with Python scalars. Every place numr deliberately differs is listed below with its reason.

import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import type { DType } from "../mod.ts";
import { Oracle } from "./_oracle.ts";

const ALL = nr.DTYPE_NAMES;
const REF = "__import__('numr_promotion_ref')";
const NAMES = `[${ALL.map((d) => `'${d}'`).join(", ")}]`;

/** NumPy's answer: a dtype, or that it raised. */
type Answer = DType | "raises" | "overflow" | "not numr";

function decode(code: number): Answer {
  if (code === -1) return "overflow";
  if (code === -2) return "raises";
  if (code === -3) return "not numr";
  return ALL[code];
}

async function codes(oracle: Oracle, expr: string): Promise<Answer[]> {
  const t = await oracle.eval(expr);
  return [...(t.dataSync() as Int32Array)].map(decode);
}

/**
 * Pairs where numr's lattice differs from `np.result_type` (with ml_dtypes), with NumPy's answer
 * (checked below, so the list cannot go stale), numr's answer and the reason. ml_dtypes defines
 * result_type for few of its types' pairs and its ufuncs promote differently again (mostly to
 * f32); numr uses one lattice in which every pair has an answer.
 */
const PAIR_DEVIATIONS: [DType, DType, Answer, DType, string][] = [
  ["f16", "bf16", "raises", "f32", "no promotion defined; f32 is the smallest float holding both"],
  ["f16", "fp8e4m3", "raises", "f16", "every E4M3 value is exact in f16 (ml_dtypes ufuncs: f32)"],
  ["f16", "fp8e5m2", "f32", "f16", "E5M2 is the top byte of f16, so f16 holds it exactly"],
  ["bf16", "fp8e4m3", "raises", "bf16", "every E4M3 value is exact in bf16 (ufuncs: f32)"],
  ["bf16", "fp8e5m2", "raises", "bf16", "every E5M2 value is exact in bf16 (ufuncs: f32)"],
  ["fp8e4m3", "fp8e5m2", "raises", "f16", "f16 is the smallest float holding both (ufuncs: f32)"],
  // bf16 and E4M3 with 16- to 64-bit ints: NumPy's int rule (16-bit ints need f32, wider ints
  // f64), which is also what ml_dtypes' own ufuncs give and what result_type gives for E5M2.
  ["bf16", "i16", "raises", "f32", "16-bit ints need f32 (ufuncs agree)"],
  ["bf16", "u16", "raises", "f32", "16-bit ints need f32 (ufuncs agree)"],
  ["bf16", "i32", "raises", "f64", "32-bit ints need f64 (ufuncs agree)"],
  ["bf16", "u32", "raises", "f64", "32-bit ints need f64 (ufuncs agree)"],
  ["bf16", "i64", "raises", "f64", "64-bit ints take f64 (ufuncs agree)"],
  ["bf16", "u64", "raises", "f64", "64-bit ints take f64 (ufuncs agree)"],
  ["fp8e4m3", "i16", "raises", "f32", "16-bit ints need f32 (ufuncs agree)"],
  ["fp8e4m3", "u16", "raises", "f32", "16-bit ints need f32 (ufuncs agree)"],
  ["fp8e4m3", "i32", "raises", "f64", "32-bit ints need f64 (ufuncs agree)"],
  ["fp8e4m3", "u32", "raises", "f64", "32-bit ints need f64 (ufuncs agree)"],
  ["fp8e4m3", "i64", "raises", "f64", "64-bit ints take f64 (ufuncs agree)"],
  ["fp8e4m3", "u64", "raises", "f64", "64-bit ints take f64 (ufuncs agree)"],
];

function deviation(a: DType, b: DType): (typeof PAIR_DEVIATIONS)[number] | undefined {
  return PAIR_DEVIATIONS.find(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

Deno.test("promotion: promoteTypes matches np.result_type on all 17 x 17 pairs", async () => {
  const oracle = Oracle.start();
  try {
    const resultType = await codes(oracle, `${REF}.result_types(${NAMES})`);
    const ufunc = await codes(oracle, `${REF}.ufunc_types(${NAMES})`);
    let deviations = 0;
    ALL.forEach((a, i) => {
      ALL.forEach((b, j) => {
        const ours = nr.promoteTypes(a, b);
        assert.equal(ours, nr.promoteTypes(b, a), `${a} ${b} is symmetric`);
        const numpy = resultType[i * ALL.length + j];
        const dev = deviation(a, b);
        if (dev === undefined) {
          assert.equal(ours, numpy, `promoteTypes(${a}, ${b})`);
          return;
        }
        deviations++;
        const [, , numpyListed, oursListed, reason] = dev;
        assert.equal(numpy, numpyListed, `NumPy's result_type(${a}, ${b}) (listed: ${reason})`);
        assert.equal(ours, oursListed, `promoteTypes(${a}, ${b}): ${reason}`);
        assert.notEqual(ours, numpy);
        // Where the reason says ml_dtypes' ufuncs agree, they must.
        if (reason.includes("ufuncs agree")) assert.equal(ufunc[i * ALL.length + j], ours);
      });
    });
    assert.equal(deviations, 2 * PAIR_DEVIATIONS.length);
  } finally {
    await oracle.close();
  }
});

Deno.test("promotion: a dtype with itself or with bool is itself", () => {
  // (NumPy's table is not associative: (f32 + i16) + u16 is f32, f32 + (i16 + u16) is f64; nor
  // is numr's, since it is NumPy's.)
  for (const a of ALL) {
    assert.equal(nr.promoteTypes(a, a), a);
    assert.equal(nr.promoteTypes(a, "bool"), a);
    assert.equal(nr.promoteTypes("bool", a), a);
  }
});

interface WeakScalar {
  /** The scalar as Python source. */
  py: string;
  /** The JS values that mean the same scalar. */
  js: nr.Scalar[];
}

const WEAK: WeakScalar[] = [
  { py: "True", js: [true] },
  { py: "False", js: [false] },
  { py: "0", js: [0, -0, 0n] },
  { py: "1", js: [1, 1n] },
  { py: "-1", js: [-1, -1n] },
  { py: "127", js: [127, 127n] },
  { py: "128", js: [128, 128n] },
  { py: "-128", js: [-128] },
  { py: "-129", js: [-129, -129n] },
  { py: "255", js: [255] },
  { py: "256", js: [256, 256n] },
  { py: "32767", js: [32767] },
  { py: "32768", js: [32768] },
  { py: "-32769", js: [-32769] },
  { py: "65535", js: [65535] },
  { py: "65536", js: [65536] },
  { py: "2**31 - 1", js: [2 ** 31 - 1] },
  { py: "2**31", js: [2 ** 31] },
  { py: "-2**31 - 1", js: [-(2 ** 31) - 1] },
  { py: "2**32 - 1", js: [2 ** 32 - 1] },
  { py: "2**32", js: [2 ** 32, 2n ** 32n] },
  { py: "2**53 + 1", js: [2n ** 53n + 1n] },
  { py: "2**63 - 1", js: [2n ** 63n - 1n] },
  { py: "2**63", js: [2 ** 63, 2n ** 63n] },
  { py: "-2**63", js: [-(2 ** 63), -(2n ** 63n)] },
  { py: "-2**63 - 1", js: [-(2n ** 63n) - 1n] },
  { py: "2**64 - 1", js: [2n ** 64n - 1n] },
  { py: "2**64", js: [2 ** 64, 2n ** 64n] },
  { py: "10**30", js: [10n ** 30n] },
  { py: "0.5", js: [0.5] },
  { py: "-2.75", js: [-2.75] },
  { py: "1e-300", js: [1e-300] },
  { py: "float('inf')", js: [Infinity] },
  { py: "float('-inf')", js: [-Infinity] },
  { py: "float('nan')", js: [NaN] },
];

/**
 * numr's documented differences from NumPy's weak-scalar answers: `null` when there is none.
 * A JS number has no int/float distinction: an integer-valued number acts as a Python int
 * (WEAK lists none where that changes NumPy's answer), a fractional one as a Python float.
 */
function weakDeviation(
  d: DType,
  numpy: Answer,
  s: nr.Scalar,
): { ours: Answer; why: string } | null {
  const kind = nr.DTYPES[d].kind;
  const fractional = typeof s === "number" && !Number.isInteger(s);
  if ((kind === "int" || kind === "uint" || kind === "bool") && fractional && numpy === "f64") {
    return { ours: "f32", why: "the default float dtype is f32, not f64" };
  }
  const ml = d === "bf16" || d === "fp8e4m3" || d === "fp8e5m2";
  if (ml && numpy !== d) {
    return {
      ours: d,
      why: "ml_dtypes' ufuncs do not treat Python scalars as weak (floats widen to f32, ints " +
        "past int64 raise); numr applies NEP 50 to bf16/fp8 like to f16",
    };
  }
  return null;
}

Deno.test("promotion: weak scalars match NumPy arrays mixed with Python scalars", async () => {
  const oracle = Oracle.start();
  try {
    const pyScalars = `[${WEAK.map((w) => w.py).join(", ")}]`;
    const numpy = await codes(oracle, `${REF}.weak_types(${NAMES}, ${pyScalars})`);
    ALL.forEach((d, i) => {
      WEAK.forEach((w, j) => {
        const answer = numpy[i * WEAK.length + j];
        for (const s of w.js) {
          const where = `${d} with ${typeof s} ${String(s)} (Python ${w.py})`;
          const dev = weakDeviation(d, answer, s);
          const expected = dev === null ? answer : dev.ours;
          if (expected === "overflow") {
            assert.throws(
              () => nr.resultTypeWithScalar(d, s),
              (e: nr.NumrError) => e.code === "InvalidArgument" && /out of range/.test(e.message),
              where,
            );
          } else {
            assert.equal(nr.resultTypeWithScalar(d, s), expected, `${where}: ${dev?.why ?? ""}`);
          }
        }
      });
    });
  } finally {
    await oracle.close();
  }
});

Deno.test("promotion: fractional scalars take the default float dtype", () => {
  try {
    nr.setDefaultFloat("f64");
    assert.equal(nr.resultTypeWithScalar("i8", 0.5), "f64");
    assert.equal(nr.resultTypeWithScalar("bool", NaN), "f64");
    nr.setDefaultFloat("f16");
    assert.equal(nr.resultTypeWithScalar("u64", 1.5), "f16");
    assert.equal(nr.resultTypeWithScalar("bf16", 1.5), "bf16");
  } finally {
    nr.setDefaultFloat("f32");
  }
  assert.equal(nr.resultTypeWithScalar("i8", 0.5), "f32");
});

Deno.test("promotion: out-of-range integer scalars raise InvalidArgument", () => {
  const cases: [DType, nr.Scalar][] = [
    ["u8", 256],
    ["u8", -1],
    ["i8", 128n],
    ["u64", -1n],
    ["i64", 2 ** 63],
    ["bool", 2n ** 63n],
    ["u32", 1e300],
  ];
  for (const [d, s] of cases) {
    assert.throws(() => nr.resultTypeWithScalar(d, s, "add"), (e: nr.NumrError) => {
      assert.equal(e.code, "InvalidArgument");
      assert.equal(e.op, "add");
      assert.deepEqual(e.dtypes, [d]);
      assert.match(e.message, /Scalar -?\d+ is out of range for (u|i)\d+/);
      return true;
    });
  }
  // The exact value is named, not the double's shortest form (9223372036854776000).
  assert.throws(() => nr.resultTypeWithScalar("i64", 2 ** 63), /9223372036854775808 is out/);
});
