"""NumPy oracle for the numr tests: evaluates NumPy expressions sent as JSON lines on stdin.

Request:  {"id": 1, "expr": "np.exp(a)", "inputs": {"a": {"dtype": "f32", "shape": [2], "data": "<base64>"}}}
Reply:    {"id": 1, "results": [{"dtype": "f32", "shape": [2], "data": "<base64>"}]}
            (a tuple gives several results)
          {"id": 1, "text": "[1., 2.]"}           (the expression gave a str, e.g. np.array2string)
          {"id": 1, "error": "TypeError: ..."}    (numpy raised)
Raw little-endian bytes in C order; bf16 and fp8 come from ml_dtypes.
"""

import base64
import json
import sys
import warnings

import ml_dtypes
import numpy as np
import scipy.special  # noqa: F401  (available to expressions as scipy.special)

from numr_dtypes import DTYPES, NAMES


def decode(spec):
    dtype = DTYPES[spec["dtype"]]
    raw = base64.b64decode(spec["data"])
    return np.frombuffer(raw, dtype=dtype).reshape(tuple(spec["shape"])).copy()


def encode(value):
    arr = np.asarray(value)
    if arr.dtype not in NAMES:
        raise TypeError(f"result dtype {arr.dtype} has no numr equivalent")
    arr = np.array(arr, order="C", copy=True)
    return {
        "dtype": NAMES[arr.dtype],
        "shape": list(arr.shape),
        "data": base64.b64encode(arr.tobytes()).decode("ascii"),
    }


def main():
    env = {"np": np, "ml_dtypes": ml_dtypes, "scipy": scipy, "DT": DTYPES}
    for line in sys.stdin:
        req = json.loads(line)
        reply = {"id": req["id"]}
        try:
            scope = dict(env)
            for name, spec in req.get("inputs", {}).items():
                scope[name] = decode(spec)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    value = eval(req["expr"], scope)  # noqa: S307 (test oracle, trusted input)
            if isinstance(value, str):
                reply["text"] = value
            else:
                values = value if isinstance(value, (tuple, list)) else (value,)
                reply["results"] = [encode(v) for v in values]
        except Exception as e:  # noqa: BLE001 (the error is the answer)
            reply["error"] = f"{type(e).__name__}: {e}"
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
