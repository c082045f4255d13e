"""Coefficients of the polynomial fits in native/cpu/vmath.zig that are not fdlibm's.

tanh(x) = x + x^3 R(x^2) for |x| < 0.55: R is a Chebyshev fit (near-minimax) of
(tanh(sqrt z) - sqrt z) / z^1.5 on [0, 0.55^2], degree 10 for f64 and 5 for f32.

Run: python3 scripts/vmath_coeffs.py (needs mpmath).
"""

import mpmath as mp

mp.mp.dps = 50


def tanh_tail(z):
    if z == 0:
        return mp.mpf(-1) / 3
    x = mp.sqrt(z)
    return (mp.tanh(x) - x) / (z * x)


def fit(degree):
    poly, _ = mp.chebyfit(tanh_tail, [0, mp.mpf("0.55") ** 2], degree + 1, error=True)
    coeffs = list(reversed(poly))
    worst = 0
    for i in range(1, 1000):
        x = mp.mpf("0.55") * i / 1000
        approx = x + x**3 * mp.polyval(poly, x * x)
        worst = max(worst, abs(approx - mp.tanh(x)) / mp.tanh(x))
    return coeffs, worst


for name, degree in (("f64", 10), ("f32", 5)):
    coeffs, worst = fit(degree)
    print(f"// tanh {name}: relative error of the fit {mp.nstr(worst, 3)}")
    print(", ".join(mp.nstr(c, 20) for c in coeffs))
