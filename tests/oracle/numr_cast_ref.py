"""Expected results of numr's casts, for tests/cast_test.ts (imported by oracle expressions).

NumPy's `astype` is the reference except where numr deliberately differs:

1. Narrowing to bf16/fp8 from a source wider than f32 (f64, c128, i64, u64, i32, u32): ml_dtypes
   converts through f32 and so rounds twice (1 + 2^-8 + 2^-30 becomes 1 in bf16 instead of
   1 + 2^-7); numr rounds once. `narrow_exact` rounds to f32 with round-to-odd, which makes the
   final (single, ml_dtypes) rounding exact.
2. float → u32 for NaN, ±Inf and values outside [-2^63, 2^63): NumPy's contiguous loop (vectorised
   by the compiler) and its strided loop disagree (e.g. NaN gives 2^31 in one and 0 in the other).
   numr always follows the strided loop: truncate to i64 with x86 `cvtt`, keep the low 32 bits.
"""

import ml_dtypes
import numpy as np

from numr_dtypes import DTYPES, NAMES  # noqa: F401 (numr_promotion_ref imports DTYPES from here)

WIDE_SOURCES = {"f64", "c128", "i64", "u64", "i32", "u32"}
ML_TARGETS = {"bf16", "fp8e4m3", "fp8e5m2"}
# f16 → u32 is absent: NumPy has no vectorised loop for it, so it already agrees.
CVTT_SOURCES = {"f64", "f32", "bf16", "c64", "c128"}


def _odd_from_int(v):
    """A Python int rounded to f32 with round-to-odd (24 significant bits, sticky last bit)."""
    m = abs(v)
    width = m.bit_length()
    if width > 24:
        shift = width - 24
        kept = (m >> shift) | (1 if m & ((1 << shift) - 1) else 0)
        m = kept << shift
    return float(-m if v < 0 else m)  # exact: 24 significant bits


def ro_f32(x):
    """Round-to-odd conversion of a real array to float32 (exact for ints of any size)."""
    if x.dtype.kind in "iu":
        flat = [_odd_from_int(int(v)) for v in x.ravel().tolist()]
        return np.array(flat, dtype=np.float32).reshape(x.shape)
    v = np.asarray(x, dtype=np.float64)
    y = v.astype(np.float32)
    away = np.abs(y.astype(np.float64)) > np.abs(v)
    y = np.where(away, np.nextafter(y, np.float32(0)), y).astype(np.float32)
    inexact = (y.astype(np.float64) != v) & ~np.isnan(v)
    bits = np.asarray(y).view(np.uint32) | inexact.astype(np.uint32)
    return np.asarray(bits, dtype=np.uint32).view(np.float32).reshape(x.shape)


def narrow_exact(x, dst):
    """Correctly rounded (single rounding) conversion of x to a bf16/fp8/f16 dtype name."""
    return ro_f32(np.real(x)).astype(DTYPES[dst])


def cast(x, dst):
    """numr's expected result of casting x (any dtype) to the dtype named dst."""
    src = NAMES[x.dtype]
    if src in WIDE_SOURCES and dst in ML_TARGETS:
        return narrow_exact(x, dst)
    if src in CVTT_SOURCES and dst == "u32":
        return np.real(x).astype(np.float64).astype(np.int64).astype(np.uint32)
    return x.astype(DTYPES[dst])


def cast_all(x, dsts):
    """cast(x, d) for each name in dsts, as a tuple (one oracle round trip)."""
    return tuple(cast(x, d) for d in dsts)
