"""NumPy's promotion answers for tests/promotion_test.ts, as int32 codes (imported by oracle
expressions): the index of the result dtype in `names`, -1 when NumPy raises OverflowError,
-2 when it raises anything else, -3 when the result has no numr dtype."""

import warnings

import numpy as np

from numr_cast_ref import DTYPES

RAISES_OVERFLOW = -1
RAISES_OTHER = -2
NOT_NUMR = -3


def _code(names, fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dtype = np.dtype(fn())
    except OverflowError:
        return RAISES_OVERFLOW
    except Exception:  # noqa: BLE001 (any other refusal is one answer)
        return RAISES_OTHER
    for i, name in enumerate(names):
        if DTYPES[name] == dtype:
            return i
    return NOT_NUMR


def result_types(names):
    """np.result_type(a, b) for every pair, row-major."""
    return np.array(
        [_code(names, lambda: np.result_type(DTYPES[a], DTYPES[b])) for a in names for b in names],
        dtype=np.int32,
    )


def ufunc_types(names):
    """The dtype of np.add on arrays of every pair, row-major."""
    return np.array(
        [
            _code(names, lambda: (np.ones(2, DTYPES[a]) + np.ones(2, DTYPES[b])).dtype)
            for a in names
            for b in names
        ],
        dtype=np.int32,
    )


def weak_types(names, scalars):
    """The dtype of np.add(array of d, Python scalar s) for every d and s, row-major."""
    return np.array(
        [
            _code(names, lambda: (np.zeros(2, DTYPES[d]) + s).dtype)
            for d in names
            for s in scalars
        ],
        dtype=np.int32,
    )
