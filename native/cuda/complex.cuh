// Complex numbers for the CUDA kernels: the storage/compute type `cplx<T>` (T float for c64,
// double for c128), the dtype traits DT_c64/DT_c128, and the complex arithmetic, orderings and
// elementary functions of native/cpu (fmath.zig, complex.zig): NumPy's product, Smith's
// quotient and nc_pow; C99 Annex G special values from FreeBSD's msun (scaled cexp, Kahan's
// ctanh, Hull-Fairgrieve-Tang casinh/cacos). As on the CPU, the transcendental functions of c64
// run in double and round once, so they are written for double only.
//
// Products that feed a sum use explicit round-to-nearest multiplies (no FMA contraction) where
// the CPU rounds twice, so arithmetic gives the CPU's bits. Everything is `__host__ __device__`
// so the functions can be compiled and checked on the host (g++ -std=c++17 -mfma, -O0), as
// they were against the CPU kernels on a grid of special and random values.
#pragma once

#include <float.h>
#include <math.h>

#ifdef __CUDACC__
#define CX_HD __host__ __device__ __forceinline__
#else
#define CX_HD inline
#endif

template <class T> struct alignas(2 * sizeof(T)) cplx {
  T re;
  T im;
};

typedef cplx<double> cxd;

template <class T> CX_HD cplx<T> cx(T re, T im) {
  cplx<T> z;
  z.re = re;
  z.im = im;
  return z;
}

template <class T> struct is_cplx { static constexpr bool value = false; };
template <class T> struct is_cplx<cplx<T>> { static constexpr bool value = true; };

/** The component of a complex type, or the type itself. */
template <class T> struct part_of { typedef T type; };
template <class T> struct part_of<cplx<T>> { typedef T type; };

// ---- scalar helpers (float and double) ----

CX_HD float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
CX_HD double mul_rn(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}

template <class T> CX_HD bool cx_nan(T x) { return x != x; }
template <class T> CX_HD bool cx_inf(T x) { return x - x != x - x && x == x; }
template <class T> CX_HD bool cx_finite(T x) { return x - x == x - x; }
template <class T> CX_HD bool cx_signbit(T x) { return signbit(x); }
template <class T> CX_HD T cx_nanv() { return (T)NAN; }
template <class T> CX_HD T cx_infv() { return (T)INFINITY; }

template <class T> CX_HD cplx<double> widen(cplx<T> z) { return cx((double)z.re, (double)z.im); }
template <class T> CX_HD cplx<T> narrow(cplx<double> z) { return cx((T)z.re, (T)z.im); }

/** sqrt(x^2 + y^2) without overflow or underflow (complex.zig hypot). */
CX_HD double cx_hypot(double x, double y) {
  double ax = fabs(x), ay = fabs(y);
  if (cx_inf(ax) || cx_inf(ay)) return INFINITY;
  if (ax != ax || ay != ay) return NAN;
  double a = ax > ay ? ax : ay;
  double b = ax > ay ? ay : ax;
  double unscale = 1;
  if (a > 0x1p500) {
    a *= 0x1p-600;
    b *= 0x1p-600;
    unscale = 0x1p600;
  } else if (a < 0x1p-500) {
    a *= 0x1p600;
    b *= 0x1p600;
    unscale = 0x1p-600;
  }
  const double b2 = mul_rn(b, b);
  const double sum = fma(a, a, b2);
  const double r = sqrt(sum);
  if (r == 0 || r != r) return r * unscale;
  const double sum_error = fma(a, a, -(sum - b2)) + fma(b, b, -b2);
  const double residual = fma(-r, r, sum) + sum_error;
  return (r + residual / (2 * r)) * unscale;
}
CX_HD float cx_hypot(float x, float y) {
  float ax = fabsf(x), ay = fabsf(y);
  if (cx_inf(ax) || cx_inf(ay)) return INFINITY;
  // The squares are exact in double, so the sum rounds once.
  return (float)sqrt(mul_rn((double)ax, (double)ax) + mul_rn((double)ay, (double)ay));
}

// ---- arithmetic (component type T) ----

template <class T> CX_HD cplx<T> cx_add(cplx<T> a, cplx<T> b) { return cx(a.re + b.re, a.im + b.im); }
template <class T> CX_HD cplx<T> cx_sub(cplx<T> a, cplx<T> b) { return cx(a.re - b.re, a.im - b.im); }
template <class T> CX_HD cplx<T> cx_neg(cplx<T> a) { return cx(-a.re, -a.im); }
template <class T> CX_HD cplx<T> cx_conj(cplx<T> a) { return cx(a.re, -a.im); }

/** NumPy's complex product (no special handling of infinities). */
template <class T> CX_HD cplx<T> cx_mul(cplx<T> a, cplx<T> b) {
  return cx(mul_rn(a.re, b.re) - mul_rn(a.im, b.im), mul_rn(a.re, b.im) + mul_rn(a.im, b.re));
}

/** NumPy's complex quotient (Smith's method, as its divide loop). */
template <class T> CX_HD cplx<T> cx_div(cplx<T> a, cplx<T> b) {
  const T br = fabs(b.re), bi = fabs(b.im);
  if (br >= bi) {
    if (br == 0 && bi == 0) return cx(a.re / br, a.im / br);
    const T rat = b.im / b.re;
    const T scl = T(1) / (b.re + mul_rn(b.im, rat));
    return cx(mul_rn(a.re + mul_rn(a.im, rat), scl), mul_rn(a.im - mul_rn(a.re, rat), scl));
  }
  const T rat = b.re / b.im;
  const T scl = T(1) / (b.im + mul_rn(b.re, rat));
  return cx(mul_rn(mul_rn(a.re, rat) + a.im, scl), mul_rn(mul_rn(a.im, rat) - a.re, scl));
}

/** z * z as NumPy's FMA loop: fma(x, x, -y^2) + i (xy + yx). */
template <class T> CX_HD cplx<T> cx_square(cplx<T> z) {
  return cx(fma(z.re, z.re, -mul_rn(z.im, z.im)), mul_rn(z.re, z.im) + mul_rn(z.im, z.re));
}

/** 1 / z by Smith's method (0 gives NaN + NaN i). */
template <class T> CX_HD cplx<T> cx_recip(cplx<T> z) {
  const T a = z.re, b = z.im;
  if (fabs(b) <= fabs(a)) {
    const T r = b / a;
    const T d = a + mul_rn(b, r);
    return cx(T(1) / d, -r / d);
  }
  const T r = a / b;
  const T d = mul_rn(a, r) + b;
  return cx(r / d, T(-1) / d);
}

/** z / |z| (0 for 0), NumPy 2's complex sign. */
template <class T> CX_HD cplx<T> cx_sign(cplx<T> z) {
  const T nan = cx_nanv<T>();
  const T m = cx_hypot(z.re, z.im);
  if (m != m) return cx(nan, nan);
  if (cx_inf(m)) {
    if (cx_inf(z.re)) {
      if (cx_inf(z.im)) return cx(nan, nan);
      return cx(z.re > 0 ? T(1) : T(-1), T(0));
    }
    return cx(T(0), z.im > 0 ? T(1) : T(-1));
  }
  if (m == 0) return cx(T(0), T(0));
  return cx(z.re / m, z.im / m);
}

template <class T> CX_HD T cx_round_half_away(T x) {
  const T t = trunc(x);
  if (fabs(x - t) >= T(0.5)) return t + copysign(T(1), x);
  return t;
}
template <class T> CX_HD cplx<T> cx_round(cplx<T> z) {
  return cx(cx_round_half_away(z.re), cx_round_half_away(z.im));
}

template <class T> CX_HD bool cx_isnan(cplx<T> a) { return a.re != a.re || a.im != a.im; }
template <class T> CX_HD bool cx_nonzero(cplx<T> a) { return a.re != 0 || a.im != 0; }

// NumPy's orderings of its comparison and maximum loops: lexicographic, and a NaN imaginary part
// spoils a decision made on the real parts.
template <class T> CX_HD bool cx_im_ordered(cplx<T> a, cplx<T> b) {
  return a.im == a.im && b.im == b.im;
}
template <class T> CX_HD bool cx_lt(cplx<T> a, cplx<T> b) {
  return (a.re < b.re && cx_im_ordered(a, b)) || (a.re == b.re && a.im < b.im);
}
template <class T> CX_HD bool cx_le(cplx<T> a, cplx<T> b) {
  return (a.re < b.re && cx_im_ordered(a, b)) || (a.re == b.re && a.im <= b.im);
}
template <class T> CX_HD bool cx_gt(cplx<T> a, cplx<T> b) {
  return (a.re > b.re && cx_im_ordered(a, b)) || (a.re == b.re && a.im > b.im);
}
template <class T> CX_HD bool cx_ge(cplx<T> a, cplx<T> b) {
  return (a.re > b.re && cx_im_ordered(a, b)) || (a.re == b.re && a.im >= b.im);
}
/** The reductions' and scatter's plain lexicographic "b beats a" (no NaN rule). */
template <class T> CX_HD bool cx_lex_better(bool is_max, cplx<T> b, cplx<T> a) {
  if (is_max) return b.re > a.re || (b.re == a.re && b.im > a.im);
  return b.re < a.re || (b.re == a.re && b.im < a.im);
}

/** NumPy's nc_quot: the plain formula, used by its integer-power path. */
template <class T> CX_HD cplx<T> cx_quot_naive(cplx<T> a, cplx<T> b) {
  const T d = mul_rn(b.re, b.re) + mul_rn(b.im, b.im);
  return cx((mul_rn(a.re, b.re) + mul_rn(a.im, b.im)) / d,
            (mul_rn(a.im, b.re) - mul_rn(a.re, b.im)) / d);
}

/** Complex power as NumPy's nc_pow (fmath.zig cpow). */
template <class T> CX_HD cplx<T> cx_pow(cplx<T> a, cplx<T> b) {
  if (b.re == 0 && b.im == 0) return cx(T(1), T(0));
  if (a.re == 0 && a.im == 0) {
    if (b.re > 0) return cx(T(0), T(0));
    return cx(cx_nanv<T>(), cx_nanv<T>());
  }
  if (b.im == 0 && b.re == trunc(b.re) && fabs(b.re) < 100) {
    const int n = (int)b.re;
    if (n == 1) return a;
    if (n == 2) return cx_mul(a, a);
    if (n == 3) return cx_mul(a, cx_mul(a, a));
    unsigned m = n < 0 ? (unsigned)(-n) : (unsigned)n;
    cplx<T> acc = cx(T(1), T(0));
    cplx<T> p = a;
    while (true) {
      if (m & 1) acc = cx_mul(acc, p);
      m >>= 1;
      if (m == 0) break;
      p = cx_mul(p, p);
    }
    if (n < 0) return cx_quot_naive(cx(T(1), T(0)), acc);
    return acc;
  }
  const double ar = a.re, ai = a.im, br = b.re, bi = b.im;
  const double log_abs = log(cx_hypot(ar, ai));
  const double arg = atan2(ai, ar);
  const double zr = mul_rn(br, log_abs) - mul_rn(bi, arg);
  const double zi = mul_rn(br, arg) + mul_rn(bi, log_abs);
  const double mag = exp(zr);
  if (zi == 0) return cx((T)mag, (T)zi);
  return cx((T)(mag * cos(zi)), (T)(mag * sin(zi)));
}

// ---- exponentials and logarithms (double) ----

#define CX_LN2 0.693147180559945309417232121458176568
#define CX_LOG2E 1.442695040888963407359924681001892137
#define CX_LOG10E 0.434294481903251827651128918916605082
#define CX_SCALED_LOWER 709.782712893384
#define CX_SCALED_UPPER 1454.9159319953251

/** exp(x) (cos y + i sin y) * 2^expt for x where exp(x) alone would overflow. */
CX_HD cxd cx_scaled_exp(double x, double y, int expt) {
  const int k = 1799;
  const double kln2 = 1799.0 * CX_LN2;
  int me, ce, se;
  const double m = frexp(exp(x - kln2), &me);
  const double c = frexp(cos(y), &ce);
  const double s = frexp(sin(y), &se);
  const int e = expt + me + k;
  return cx(ldexp(m * c, e + ce), ldexp(m * s, e + se));
}

CX_HD cxd cx_exp(cxd z) {
  const double r = z.re, i = z.im, nan = NAN;
  if (cx_finite(r)) {
    if (i == 0) return cx(exp(r), i);
    if (r >= CX_SCALED_LOWER && r <= CX_SCALED_UPPER) return cx_scaled_exp(r, i, 0);
    const double x = exp(r);
    if (cx_finite(i)) return cx(x * cos(i), x * sin(i));
    return cx(nan, copysign(nan, i));
  }
  if (r != r) {
    if (i == 0) return z;
    return cx(r, copysign(nan, i));
  }
  if (r > 0) {
    if (i == 0) return z;
    if (cx_finite(i)) return cx(r * cos(i), r * sin(i));
    return cx(r, nan);
  }
  if (cx_finite(i)) {
    const double x = exp(r);
    return cx(x * cos(i), x * sin(i));
  }
  return cx(0.0, 0.0);
}

CX_HD cxd cx_exp2(cxd z) { return cx_exp(cx(z.re * CX_LN2, z.im * CX_LN2)); }

/** e^z - 1 (NumPy's formula: expm1(x) cos y - 2 sin^2(y/2) + i e^x sin y). */
CX_HD cxd cx_expm1(cxd z) {
  const double a = sin(z.im / 2);
  return cx(mul_rn(expm1(z.re), cos(z.im)) - mul_rn(2 * a, a), exp(z.re) * sin(z.im));
}

/** am^2 + an^2 - 1 with the squares split into head and tail by fma. */
CX_HD double cx_squares_minus_one(double am, double an) {
  const double am2 = mul_rn(am, am);
  const double am2_lo = fma(am, am, -am2);
  const double an2 = mul_rn(an, an);
  const double an2_lo = fma(an, an, -an2);
  return ((am2 - 1) + an2) + (am2_lo + an2_lo);
}

/** The principal logarithm, accurate near |z| = 1 (CPython's algorithm). */
CX_HD cxd cx_log(cxd z) {
  const double ax = fabs(z.re), ay = fabs(z.im);
  if (ax != ax && cx_finite(ay)) return cx(ax, (double)NAN);
  double rr;
  if (ax > DBL_MAX / 4 || ay > DBL_MAX / 4) {
    rr = log(cx_hypot(ax / 2, ay / 2)) + CX_LN2;
  } else if (ax < DBL_MIN && ay < DBL_MIN) {
    if (ax > 0 || ay > 0) {
      rr = log(cx_hypot(ldexp(ax, 53), ldexp(ay, 53))) - 53 * CX_LN2;
    } else {
      return cx(-(double)INFINITY, atan2(z.im, z.re));
    }
  } else {
    const double h = cx_hypot(ax, ay);
    if (0.71 <= h && h <= 1.73) {
      const double am = ax > ay ? ax : ay;
      const double an = ax > ay ? ay : ax;
      rr = log1p(cx_squares_minus_one(am, an)) / 2;
    } else {
      rr = log(h);
    }
  }
  return cx(rr, atan2(z.im, z.re));
}

CX_HD cxd cx_log2(cxd z) {
  const cxd l = cx_log(z);
  return cx(l.re * CX_LOG2E, l.im * CX_LOG2E);
}
CX_HD cxd cx_log10(cxd z) {
  const cxd l = cx_log(z);
  return cx(l.re * CX_LOG10E, l.im * CX_LOG10E);
}

/** log(1 + z), accurate near 0. */
CX_HD cxd cx_log1p(cxd z) {
  const double x = z.re, y = z.im;
  if (cx_finite(x) && cx_finite(y) && fabs(x) < 0.5 && fabs(y) < 0.5) {
    return cx(log1p(mul_rn(x, 2 + x) + mul_rn(y, y)) / 2, atan2(y, 1 + x));
  }
  return cx_log(cx(1 + x, y));
}

/** The principal square root (Algorithm 312, CACM 10, with FreeBSD's special cases). */
CX_HD cxd cx_sqrt(cxd z) {
  double a = z.re, b = z.im;
  if (a == 0 && b == 0) return cx(0.0, b);
  if (cx_inf(b)) return cx((double)INFINITY, b);
  if (a != a) return cx(a, (b - b) / (b - b));
  if (cx_inf(a)) {
    if (signbit(a)) return cx(fabs(b - b), copysign(a, b));
    return cx(a, copysign(b - b, b));
  }
  const double thresh = DBL_MAX / (1 + 1.41421356237309504880);
  const double tiny = DBL_MIN * 4;
  double unscale = 1;
  if (fabs(a) >= thresh || fabs(b) >= thresh) {
    a *= 0.25;
    b *= 0.25;
    unscale = 2;
  } else if (fabs(a) < tiny && fabs(b) < tiny) {
    a = ldexp(a, 54);
    b = ldexp(b, 54);
    unscale = 0x1p-27;
  }
  cxd r;
  if (a >= 0) {
    const double t = sqrt((a + cx_hypot(a, b)) * 0.5);
    r = cx(t, b / (2 * t));
  } else {
    const double t = sqrt((-a + cx_hypot(a, b)) * 0.5);
    r = cx(fabs(b) / (2 * t), copysign(t, b));
  }
  return cx(r.re * unscale, r.im * unscale);
}

/** 1 / sqrt(z), divided as NumPy divides complex numbers (1 / 0 is inf + NaN i). */
CX_HD cxd cx_rsqrt(cxd z) {
  const cxd w = cx_sqrt(z);
  const double ar = fabs(w.re), ai = fabs(w.im);
  if (ar >= ai) {
    if (ar == 0 && ai == 0) return cx(1 / ar, 0 / ai);
    const double rat = w.im / w.re;
    const double scl = 1 / (w.re + mul_rn(w.im, rat));
    return cx(scl, -rat * scl);
  }
  const double rat = w.re / w.im;
  const double scl = 1 / (w.im + mul_rn(w.re, rat));
  return cx(rat * scl, -scl);
}

// ---- hyperbolic and trigonometric functions (double) ----

#define CX_BIG 22.0
#define CX_HUGE 8.9884656743115795e+307
#define CX_TANH_HUGE 22.0

CX_HD cxd cx_cosh(cxd z) {
  const double x = z.re, y = z.im;
  const bool xf = cx_finite(x), yf = cx_finite(y);
  if (xf && yf) {
    if (y == 0) return cx(cosh(x), x * y);
    const double ax = fabs(x);
    if (ax < CX_BIG) return cx(cosh(x) * cos(y), sinh(x) * sin(y));
    if (ax < CX_SCALED_LOWER) {
      const double h = exp(ax) * 0.5;
      return cx(h * cos(y), copysign(h, x) * sin(y));
    }
    if (ax < CX_SCALED_UPPER) {
      const cxd w = cx_scaled_exp(ax, y, -1);
      return cx(w.re, w.im * copysign(1.0, x));
    }
    const double h = CX_HUGE * x;
    return cx(h * h * cos(y), h * sin(y));
  }
  if (x == 0 && !yf) return cx(y - y, copysign(0.0, x * (y - y)));
  if (y == 0 && !xf) return cx(x * x, copysign(0.0, x) * y);
  if (xf && !yf) return cx(y - y, x * (y - y));
  if (cx_inf(x)) {
    if (!yf) return cx(x * x, x * (y - y));
    return cx((x * x) * cos(y), x * sin(y));
  }
  return cx((x * x) * (y - y), (x + x) * (y - y));
}

CX_HD cxd cx_sinh(cxd z) {
  const double x = z.re, y = z.im;
  const bool xf = cx_finite(x), yf = cx_finite(y);
  if (xf && yf) {
    if (y == 0) return cx(sinh(x), y);
    const double ax = fabs(x);
    if (ax < CX_BIG) return cx(sinh(x) * cos(y), cosh(x) * sin(y));
    if (ax < CX_SCALED_LOWER) {
      const double h = exp(ax) * 0.5;
      return cx(copysign(h, x) * cos(y), h * sin(y));
    }
    if (ax < CX_SCALED_UPPER) {
      const cxd w = cx_scaled_exp(ax, y, -1);
      return cx(w.re * copysign(1.0, x), w.im);
    }
    const double h = CX_HUGE * x;
    return cx(h * cos(y), h * h * sin(y));
  }
  if (x == 0 && !yf) return cx(copysign(0.0, x * (y - y)), y - y);
  if (y == 0 && !xf) {
    if (x != x) return z;
    return cx(x, copysign(0.0, y));
  }
  if (xf && !yf) return cx(y - y, x * (y - y));
  if (!xf && x == x) {
    if (!yf) return cx(x * x, x * (y - y));
    return cx(x * cos(y), (double)INFINITY * sin(y));
  }
  return cx((x * x) * (y - y), (x + x) * (y - y));
}

/** tanh(z) by Kahan's algorithm. */
CX_HD cxd cx_tanh(cxd z) {
  const double x = z.re, y = z.im;
  if (!cx_finite(x)) {
    if (x != x) return cx(x, y == 0 ? y : x * y);
    const double im = cx_inf(y) ? y : sin(y) * cos(y);
    return cx(copysign(1.0, x), copysign(0.0, im));
  }
  if (!cx_finite(y)) return cx(x == 0 ? x : y - y, y - y);
  if (fabs(x) >= CX_TANH_HUGE) {
    const double e = exp(-fabs(x));
    return cx(copysign(1.0, x), 4 * sin(y) * cos(y) * e * e);
  }
  const double t = tan(y);
  const double beta = 1 + mul_rn(t, t);
  const double s = sinh(x);
  const double rho = sqrt(1 + mul_rn(s, s));
  const double denom = 1 + mul_rn(mul_rn(beta, s), s);
  return cx((beta * rho * s) / denom, t / denom);
}

/**
 * -x by flipping the sign bit, of a NaN too. The CPU's negation is that bit flip, and cosh and
 * sinh copy the sign of a NaN into a zero (cos(0 + NaN i) = NaN - 0i there), while PTX leaves
 * the NaN that neg.f64 returns unspecified (on sm_90 the sign was lost).
 */
CX_HD double cx_flip(double x) {
#ifdef __CUDA_ARCH__
  return __longlong_as_double(__double_as_longlong(x) ^ (long long)0x8000000000000000ULL);
#else
  return -x;
#endif
}

CX_HD cxd cx_cos(cxd z) { return cx_cosh(cx(cx_flip(z.im), z.re)); }

CX_HD cxd cx_sin(cxd z) {
  // glibc's choice for the unspecified sign: sin(±inf or NaN ± i inf) = NaN + i inf.
  if (!cx_finite(z.re) && cx_inf(z.im)) return cx(z.re - z.re, (double)INFINITY);
  const cxd w = cx_sinh(cx(cx_flip(z.im), z.re));
  return cx(w.im, cx_flip(w.re));
}

CX_HD cxd cx_tan(cxd z) {
  const cxd w = cx_tanh(cx(cx_flip(z.im), z.re));
  return cx(w.im, cx_flip(w.re));
}

// ---- inverse functions (Hull, Fairgrieve and Tang, as FreeBSD's catrig.c) ----

#define CX_EPS DBL_EPSILON
#define CX_RECIP_EPS (1 / DBL_EPSILON)
#define CX_A_CROSSOVER 10.0
#define CX_B_CROSSOVER 0.6417
#define CX_SQRT_MIN 0x1p-511
#define CX_FOUR_SQRT_MIN (4 * CX_SQRT_MIN)
#define CX_QUARTER_SQRT_MAX (0.25 * sqrt(DBL_MAX))
#define CX_SQRT_6_EPS sqrt(6 * DBL_EPSILON)
#define CX_SQRT_3_EPS sqrt(3 * DBL_EPSILON)
#define CX_PIO2 1.570796326794896558

/** (hypot(a, b) - b) / 2 without cancellation, given h = hypot(a, b). */
CX_HD double cx_half_gap(double a, double b, double h) {
  if (b < 0) return (h - b) / 2;
  if (b == 0) return a / 2;
  return a * a / (h + b) / 2;
}

struct CxHard {
  double rx;
  bool b_usable;
  double b;
  double sqrt_a2my2;
  double new_y;
};

/** The core of casinh and cacos for 0 <= x, y < 1/eps. */
CX_HD CxHard cx_hard_work(double x, double y) {
  CxHard out;
  out.rx = 0;
  out.b_usable = true;
  out.b = 0;
  out.sqrt_a2my2 = 0;
  out.new_y = y;
  const double R = cx_hypot(x, y + 1);
  const double S = cx_hypot(x, y - 1);
  const double A = fmax((R + S) / 2, 1.0);
  if (A < CX_A_CROSSOVER) {
    if (y == 1 && x < CX_EPS * CX_EPS / 128) {
      out.rx = sqrt(x);
    } else if (x >= CX_EPS * fabs(y - 1)) {
      const double am1 = cx_half_gap(x, 1 + y, R) + cx_half_gap(x, 1 - y, S);
      out.rx = log1p(am1 + sqrt(am1 * (A + 1)));
    } else if (y < 1) {
      out.rx = x / sqrt((1 - y) * (1 + y));
    } else {
      out.rx = log1p((y - 1) + sqrt((y - 1) * (y + 1)));
    }
  } else {
    out.rx = log(A + sqrt(A * A - 1));
  }
  if (y < CX_FOUR_SQRT_MIN) {
    out.b_usable = false;
    out.sqrt_a2my2 = A * (2 / CX_EPS);
    out.new_y = y * (2 / CX_EPS);
    return out;
  }
  out.b = y / A;
  if (out.b > CX_B_CROSSOVER) {
    out.b_usable = false;
    if (y == 1 && x < CX_EPS / 128) {
      out.sqrt_a2my2 = sqrt(x) * sqrt((A + y) / 2);
    } else if (x >= CX_EPS * fabs(y - 1)) {
      const double amy = cx_half_gap(x, y + 1, R) + cx_half_gap(x, y - 1, S);
      out.sqrt_a2my2 = sqrt(amy * (A + y));
    } else if (y > 1) {
      out.sqrt_a2my2 = x * (4 / CX_EPS / CX_EPS) * y / sqrt((y + 1) * (y - 1));
      out.new_y = y * (4 / CX_EPS / CX_EPS);
    } else {
      out.sqrt_a2my2 = sqrt((1 - y) * (1 + y));
    }
  }
  return out;
}

/** log(z) for |z| beyond 1/eps, without overflow in hypot. */
CX_HD cxd cx_log_large(double x, double y) {
  const double ax = fmax(fabs(x), fabs(y));
  const double ay = fmin(fabs(x), fabs(y));
  double rr;
  if (ax > DBL_MAX / 2) {
    rr = log(cx_hypot(x / 2.718281828459045, y / 2.718281828459045)) + 1;
  } else if (ax > CX_QUARTER_SQRT_MAX || ay < CX_SQRT_MIN) {
    rr = log(cx_hypot(x, y));
  } else {
    rr = log(mul_rn(ax, ax) + mul_rn(ay, ay)) / 2;
  }
  return cx(rr, atan2(y, x));
}

CX_HD cxd cx_asinh(cxd z) {
  const double x = z.re, y = z.im, ax = fabs(x), ay = fabs(y);
  if (x != x || y != y) {
    if (cx_inf(x)) return cx(x, y + y);
    if (cx_inf(y)) return cx((double)INFINITY, x + x);
    if (y == 0) return cx(x + x, y);
    return cx((double)NAN, (double)NAN);
  }
  if (ax > CX_RECIP_EPS || ay > CX_RECIP_EPS) {
    const cxd w = !signbit(x) ? cx_log_large(x, y) : cx_log_large(-x, -y);
    return cx(copysign(w.re + CX_LN2, x), copysign(w.im, y));
  }
  if (x == 0 && y == 0) return z;
  if (ax < CX_SQRT_6_EPS / 4 && ay < CX_SQRT_6_EPS / 4) return z;
  const CxHard h = cx_hard_work(ax, ay);
  const double ry = h.b_usable ? asin(h.b) : atan2(h.new_y, h.sqrt_a2my2);
  return cx(copysign(h.rx, x), copysign(ry, y));
}

CX_HD cxd cx_acos(cxd z) {
  const double x = z.re, y = z.im, ax = fabs(x), ay = fabs(y);
  if (x != x || y != y) {
    if (cx_inf(x)) return cx(y + y, -(double)INFINITY);
    if (cx_inf(y)) return cx(x + x, -y);
    if (x == 0) return cx(CX_PIO2, y + y);
    return cx((double)NAN, (double)NAN);
  }
  if (ax > CX_RECIP_EPS || ay > CX_RECIP_EPS) {
    const cxd w = cx_log_large(x, y);
    const double rx = fabs(w.im);
    double ry = w.re + CX_LN2;
    if (!signbit(y)) ry = -ry;
    return cx(rx, ry);
  }
  if (x == 1 && y == 0) return cx(0.0, -y);
  if (ax < CX_SQRT_6_EPS / 4 && ay < CX_SQRT_6_EPS / 4) return cx(CX_PIO2 - x, -y);
  const CxHard h = cx_hard_work(ay, ax);
  double rx;
  if (h.b_usable) {
    rx = acos(!signbit(x) ? h.b : -h.b);
  } else {
    rx = atan2(h.sqrt_a2my2, !signbit(x) ? h.new_y : -h.new_y);
  }
  const double ry = !signbit(y) ? -h.rx : h.rx;
  return cx(rx, ry);
}

CX_HD cxd cx_acosh(cxd z) {
  const cxd w = cx_acos(z);
  if (w.re != w.re && w.im != w.im) return cx(w.im, w.re);
  if (w.re != w.re) return cx(fabs(w.im), w.re);
  if (w.im != w.im) return cx(w.im, w.re);
  return cx(fabs(w.im), copysign(w.re, z.im));
}

CX_HD cxd cx_asin(cxd z) {
  const cxd w = cx_asinh(cx(z.im, z.re));
  return cx(w.im, w.re);
}

/** Re(1 / (x + iy)) without spurious underflow, for |z| beyond 1/eps. */
CX_HD double cx_real_part_recip(double x, double y) {
  const int cutoff = 27;
  if (cx_inf(x)) return 1 / x;
  if (cx_inf(y)) return x / y / y;
  int ex, ey;
  frexp(x, &ex);
  frexp(y, &ey);
  if (ex - ey >= cutoff) return 1 / x;
  if (ey - ex >= cutoff) return x / y / y;
  if (ex <= 1023 / 2 - cutoff) return x / (mul_rn(x, x) + mul_rn(y, y));
  const double scale = ldexp(1.0, -ex);
  const double xs = x * scale, ys = y * scale;
  return xs / (mul_rn(xs, xs) + mul_rn(ys, ys)) * scale;
}

CX_HD cxd cx_atanh(cxd z) {
  const double x = z.re, y = z.im, ax = fabs(x), ay = fabs(y);
  if (y == 0 && ax <= 1) return cx(atanh(x), y);
  if (x == 0) return cx(x, atan(y));
  if (x != x || y != y) {
    if (cx_inf(x)) return cx(copysign(0.0, x), y + y);
    if (cx_inf(y)) return cx(copysign(0.0, x), copysign(CX_PIO2, y));
    return cx((double)NAN, (double)NAN);
  }
  if (ax > CX_RECIP_EPS || ay > CX_RECIP_EPS) {
    return cx(cx_real_part_recip(x, y), copysign(CX_PIO2, y));
  }
  if (ax < CX_SQRT_3_EPS / 2 && ay < CX_SQRT_3_EPS / 2) return z;
  double rx;
  if (ax == 1 && ay < CX_EPS) {
    rx = (CX_LN2 - log(ay)) / 2;
  } else {
    const double d = ax - 1;
    const double sum_squares = ay < CX_SQRT_MIN ? mul_rn(d, d) : mul_rn(d, d) + mul_rn(ay, ay);
    rx = log1p(4 * ax / sum_squares) / 4;
  }
  double ry;
  if (ax == 1) {
    ry = atan2(2.0, -ay) / 2;
  } else if (ay < CX_EPS) {
    ry = atan2(2 * ay, (1 - ax) * (1 + ax)) / 2;
  } else {
    ry = atan2(2 * ay, (1 - ax) * (1 + ax) - mul_rn(ay, ay)) / 2;
  }
  return cx(copysign(rx, x), copysign(ry, y));
}

CX_HD cxd cx_atan(cxd z) {
  const cxd w = cx_atanh(cx(z.im, z.re));
  return cx(w.im, w.re);
}
