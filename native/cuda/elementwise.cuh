// Elementwise kernels: unary, binary, compare, ternary and fill, one extern "C" kernel per
// (op, dtype) instantiated (by unary.cu, binary.cu, compare.cu, ternary.cu) from the op templates below (the same semantics as the Zig kernels
// in native/cpu: ints wrap, bool add/mul are or/and, half formats compute in f32 and round once,
// NumPy's answers for special values).
//
//   numr_unary_<op>_<dtype>(Layout L, const void* x, void* y)
//   numr_binary_<op>_<dtype>(Layout L, const void* a, const void* b, void* y)
//   numr_compare_<op>_<dtype>(Layout L, const void* a, const void* b, void* y)   (y: bool)
//   numr_ternary_<op>_<dtype>(Layout L, const void* a, const void* b, const void* c, void* y)
//   numr_fill_fill_<dtype>(Layout L, void* y, unsigned long long lo, unsigned long long hi)
//
// c64 and c128 (complex.cuh) have the arithmetic, comparison, unary and ternary kernels the CPU
// has for them, plus conj/angle and the complex/polar constructors (f32 -> c64, f64 -> c128).
//
// Signed-int pow with a negative exponent sets the module's `numr_error_flag` (read and cleared
// by the host, which raises InvalidArgument as the CPU kernel's domain error does).
#include <type_traits>
#pragma once
#include "map.cuh"

__device__ int numr_error_flag;

template <class C> __device__ __forceinline__ constexpr bool is_fp() {
  return std::is_floating_point<C>::value;
}

// ---- math overloads (float and double) ----

#define MATH1(NAME, FF, DF)                                                  \
  __device__ __forceinline__ float NAME(float x) { return FF(x); }           \
  __device__ __forceinline__ double NAME(double x) { return DF(x); }
MATH1(m_sqrt, sqrtf, sqrt)
MATH1(m_cbrt, cbrtf, cbrt)
MATH1(m_exp, expf, exp)
MATH1(m_exp2, exp2f, exp2)
MATH1(m_expm1, expm1f, expm1)
MATH1(m_log, logf, log)
MATH1(m_log2, log2f, log2)
MATH1(m_log10, log10f, log10)
MATH1(m_log1p, log1pf, log1p)
MATH1(m_sin, sinf, sin)
MATH1(m_cos, cosf, cos)
MATH1(m_tan, tanf, tan)
MATH1(m_asin, asinf, asin)
MATH1(m_acos, acosf, acos)
MATH1(m_atan, atanf, atan)
MATH1(m_sinh, sinhf, sinh)
MATH1(m_cosh, coshf, cosh)
MATH1(m_tanh, tanhf, tanh)
MATH1(m_asinh, asinhf, asinh)
MATH1(m_acosh, acoshf, acosh)
MATH1(m_atanh, atanhf, atanh)
MATH1(m_floor, floorf, floor)
MATH1(m_ceil, ceilf, ceil)
MATH1(m_trunc, truncf, trunc)
MATH1(m_round, roundf, round)
MATH1(m_fabs, fabsf, fabs)
__device__ __forceinline__ float m_fmod(float a, float b) { return fmodf(a, b); }
__device__ __forceinline__ double m_fmod(double a, double b) { return fmod(a, b); }
__device__ __forceinline__ float m_hypot(float a, float b) { return hypotf(a, b); }
__device__ __forceinline__ double m_hypot(double a, double b) { return hypot(a, b); }
__device__ __forceinline__ float m_fma(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double m_fma(double a, double b, double c) { return fma(a, b, c); }
__device__ __forceinline__ float m_copysign(float a, float b) { return copysignf(a, b); }
__device__ __forceinline__ double m_copysign(double a, double b) { return copysign(a, b); }
__device__ __forceinline__ float m_rsqrt(float x) { return 1.0f / sqrtf(x); }
__device__ __forceinline__ double m_rsqrt(double x) { return 1.0 / sqrt(x); }

// Complex overloads (complex.cuh): c64 runs the double function and rounds once, as the CPU.
#define CMATH1(NAME, FN)                                                            \
  __device__ __forceinline__ cplx<float> NAME(cplx<float> z) {                      \
    return narrow<float>(FN(widen(z)));                                             \
  }                                                                                 \
  __device__ __forceinline__ cplx<double> NAME(cplx<double> z) { return FN(z); }
CMATH1(m_sqrt, cx_sqrt)
CMATH1(m_rsqrt, cx_rsqrt)
CMATH1(m_exp, cx_exp)
CMATH1(m_exp2, cx_exp2)
CMATH1(m_expm1, cx_expm1)
CMATH1(m_log, cx_log)
CMATH1(m_log2, cx_log2)
CMATH1(m_log10, cx_log10)
CMATH1(m_log1p, cx_log1p)
CMATH1(m_sin, cx_sin)
CMATH1(m_cos, cx_cos)
CMATH1(m_tan, cx_tan)
CMATH1(m_asin, cx_asin)
CMATH1(m_acos, cx_acos)
CMATH1(m_atan, cx_atan)
CMATH1(m_sinh, cx_sinh)
CMATH1(m_cosh, cx_cosh)
CMATH1(m_tanh, cx_tanh)
CMATH1(m_asinh, cx_asinh)
CMATH1(m_acosh, cx_acosh)
CMATH1(m_atanh, cx_atanh)
// Rounding of complex numbers is per part in the component type.
template <class T> __device__ __forceinline__ cplx<T> m_round(cplx<T> z) { return cx_round(z); }

// ---- unary ----

template <class D> struct UBase {
  typedef typename D::C C;
  typedef D Out;
};

#define FLOAT_UNARY(NAME, EXPR)                                              \
  template <class D> struct U_##NAME : UBase<D> {                            \
    typedef typename D::C C;                                                 \
    static __device__ __forceinline__ C call(C x) { return EXPR; }           \
  };
FLOAT_UNARY(sqrt, m_sqrt(x))
FLOAT_UNARY(rsqrt, m_rsqrt(x))
FLOAT_UNARY(cbrt, m_cbrt(x))
FLOAT_UNARY(exp, m_exp(x))
FLOAT_UNARY(exp2, m_exp2(x))
FLOAT_UNARY(expm1, m_expm1(x))
FLOAT_UNARY(log, m_log(x))
FLOAT_UNARY(log2, m_log2(x))
FLOAT_UNARY(log10, m_log10(x))
FLOAT_UNARY(log1p, m_log1p(x))
FLOAT_UNARY(sin, m_sin(x))
FLOAT_UNARY(cos, m_cos(x))
FLOAT_UNARY(tan, m_tan(x))
FLOAT_UNARY(asin, m_asin(x))
FLOAT_UNARY(acos, m_acos(x))
FLOAT_UNARY(atan, m_atan(x))
FLOAT_UNARY(sinh, m_sinh(x))
FLOAT_UNARY(cosh, m_cosh(x))
FLOAT_UNARY(tanh, m_tanh(x))
FLOAT_UNARY(asinh, m_asinh(x))
FLOAT_UNARY(acosh, m_acosh(x))
FLOAT_UNARY(atanh, m_atanh(x))
FLOAT_UNARY(floor, m_floor(x))
FLOAT_UNARY(ceil, m_ceil(x))
FLOAT_UNARY(trunc, m_trunc(x))
FLOAT_UNARY(round, m_round(x))

template <class D> struct U_neg : UBase<D> {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(C x) {
    if constexpr (D::kind == 4) return cx_neg(x);
    else if constexpr (is_fp<C>()) return -x;
    else return wrap_sub(C(0), x);
  }
};

template <class D> struct U_abs {
  typedef typename D::C C;
  typedef typename PartDT<D>::type Out;
  static __device__ __forceinline__ typename Out::C call(C x) {
    // |z| in double, rounded once (c64 too).
    if constexpr (D::kind == 4) return (typename Out::C)cx_hypot((double)x.re, (double)x.im);
    else if constexpr (is_fp<C>()) return m_fabs(x);
    else if constexpr (D::kind == 1) return x < 0 ? wrap_sub(C(0), x) : x;
    else return x;
  }
};

template <class D> struct U_sign : UBase<D> {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(C x) {
    if constexpr (D::kind == 4) {
      return cx_sign(x);
    } else if constexpr (is_fp<C>()) {
      if (x != x) return x;
      return x > 0 ? C(1) : (x < 0 ? C(-1) : C(0));
    } else if constexpr (D::kind == 1) {
      return x > 0 ? C(1) : (x < 0 ? C(-1) : C(0));
    } else {
      return x > 0 ? C(1) : C(0);
    }
  }
};

template <class D> struct U_square : UBase<D> {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(C x) {
    if constexpr (D::kind == 4) return cx_square(x);
    else if constexpr (is_fp<C>()) return x * x;
    else return wrap_mul(x, x);
  }
};

template <class D> struct U_recip : UBase<D> {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(C x) {
    if constexpr (D::kind == 4) {
      return cx_recip(x);
    } else if constexpr (is_fp<C>()) {
      return C(1) / x;
    } else {
      // NumPy's integer reciprocal: C's (int)(1.0 / x) on x86 (see unary.zig).
      constexpr bool wide = sizeof(C) >= 4 && D::kind == 1;
      const C zero_result = wide ? (C)((typename Unsigned<C>::type)1 << (8 * sizeof(C) - 1)) : C(0);
      if (x == C(0)) return zero_result;
      if (x == C(1)) return C(1);
      if constexpr (D::kind == 1) {
        if (x == C(-1)) return C(-1);
      }
      return C(0);
    }
  }
};

template <class D> struct PredBase {
  typedef typename D::C C;
  typedef DT_bool Out;
};
template <class D> struct U_isnan : PredBase<D> {
  static __device__ __forceinline__ uint8_t call(typename D::C x) {
    if constexpr (D::kind == 4) return cx_isnan(x);
    else return x != x;
  }
};
template <class D> struct U_isinf : PredBase<D> {
  static __device__ __forceinline__ uint8_t call(typename D::C x) {
    if constexpr (D::kind == 4) return isinf(x.re) || isinf(x.im);
    else return isinf(x);
  }
};
template <class D> struct U_isfinite : PredBase<D> {
  static __device__ __forceinline__ uint8_t call(typename D::C x) {
    if constexpr (D::kind == 4) return isfinite(x.re) && isfinite(x.im);
    else return isfinite(x);
  }
};
template <class D> struct U_logicalNot : PredBase<D> {
  static __device__ __forceinline__ uint8_t call(typename D::C x) { return !truthy(x); }
};

// Complex only: the conjugate, and the argument atan2(im, re) evaluated in double.
template <class D> struct U_conj : UBase<D> {
  static __device__ __forceinline__ typename D::C call(typename D::C z) { return cx_conj(z); }
};
template <class D> struct U_angle {
  typedef typename PartDT<D>::type Out;
  static __device__ __forceinline__ typename Out::C call(typename D::C z) {
    return (typename Out::C)atan2((double)z.im, (double)z.re);
  }
};

#define UNARY_K(OP, DT)                                                                   \
  extern "C" __global__ void __launch_bounds__(256)                                       \
      numr_unary_##OP##_##DT(Layout L, const void* x, void* y) {                          \
    typedef U_##OP<DT_##DT> F;                                                            \
    Map<1, DT_##DT, DT_bool, DT_bool, typename F::Out, F>::run(L, x, nullptr, nullptr, y); \
  }

#define UNARY_FLOAT(OP) NUMR_FLOATS(UNARY_K, OP)
#define UNARY_REAL(OP) NUMR_REALS(UNARY_K, OP)

#ifdef NUMR_FAMILY_UNARY
UNARY_REAL(neg)
UNARY_REAL(abs)
UNARY_REAL(sign)
UNARY_REAL(square)
UNARY_REAL(recip)
UNARY_FLOAT(sqrt)
UNARY_FLOAT(rsqrt)
UNARY_FLOAT(cbrt)
UNARY_FLOAT(exp)
UNARY_FLOAT(exp2)
UNARY_FLOAT(expm1)
UNARY_FLOAT(log)
UNARY_FLOAT(log2)
UNARY_FLOAT(log10)
UNARY_FLOAT(log1p)
UNARY_FLOAT(sin)
UNARY_FLOAT(cos)
UNARY_FLOAT(tan)
UNARY_FLOAT(asin)
UNARY_FLOAT(acos)
UNARY_FLOAT(atan)
UNARY_FLOAT(sinh)
UNARY_FLOAT(cosh)
UNARY_FLOAT(tanh)
UNARY_FLOAT(asinh)
UNARY_FLOAT(acosh)
UNARY_FLOAT(atanh)
UNARY_FLOAT(floor)
UNARY_FLOAT(ceil)
UNARY_FLOAT(trunc)
UNARY_FLOAT(round)
UNARY_FLOAT(isnan)
UNARY_FLOAT(isinf)
UNARY_FLOAT(isfinite)
NUMR_ALL(UNARY_K, logicalNot)

#define UNARY_COMPLEX_OPS(_, DT)                                                       \
  UNARY_K(neg, DT) UNARY_K(abs, DT) UNARY_K(sign, DT) UNARY_K(square, DT)              \
  UNARY_K(recip, DT) UNARY_K(sqrt, DT) UNARY_K(rsqrt, DT) UNARY_K(exp, DT)             \
  UNARY_K(exp2, DT) UNARY_K(expm1, DT) UNARY_K(log, DT) UNARY_K(log2, DT)              \
  UNARY_K(log10, DT) UNARY_K(log1p, DT) UNARY_K(sin, DT) UNARY_K(cos, DT)              \
  UNARY_K(tan, DT) UNARY_K(asin, DT) UNARY_K(acos, DT) UNARY_K(atan, DT)               \
  UNARY_K(sinh, DT) UNARY_K(cosh, DT) UNARY_K(tanh, DT) UNARY_K(asinh, DT)             \
  UNARY_K(acosh, DT) UNARY_K(atanh, DT) UNARY_K(round, DT) UNARY_K(isnan, DT)          \
  UNARY_K(isinf, DT) UNARY_K(isfinite, DT) UNARY_K(logicalNot, DT) UNARY_K(conj, DT)   \
  UNARY_K(angle, DT)
NUMR_COMPLEX(UNARY_COMPLEX_OPS, _)

#endif  // NUMR_FAMILY_UNARY

// ---- binary ----

#define BIN_HEAD(NAME)                   \
  template <class D> struct B_##NAME {   \
    typedef typename D::C C;             \
    typedef D Out;                       \
    static __device__ __forceinline__ C call(C a, C b)

BIN_HEAD(add) {
  if constexpr (D::kind == 4) return cx_add(a, b);
  else if constexpr (is_fp<C>()) return a + b;
  else if constexpr (D::kind == 3) return a | b;
  else return wrap_add(a, b);
}
};
BIN_HEAD(sub) {
  if constexpr (D::kind == 4) return cx_sub(a, b);
  else if constexpr (is_fp<C>()) return a - b;
  else return wrap_sub(a, b);
}
};
BIN_HEAD(mul) {
  if constexpr (D::kind == 4) return cx_mul(a, b);
  else if constexpr (is_fp<C>()) return a * b;
  else if constexpr (D::kind == 3) return a & b;
  else return wrap_mul(a, b);
}
};
BIN_HEAD(div) {
  if constexpr (D::kind == 4) return cx_div(a, b);
  else return a / b;
}
};

/** NumPy's npy_divmod for floats (see fmath.zig divmod); b != 0. */
template <class C> __device__ __forceinline__ void float_divmod(C a, C b, C& div_out, C& mod_out) {
  C mod = m_fmod(a, b);
  C div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1;
    }
  } else {
    mod = m_copysign(C(0), b);
  }
  C fd;
  if (div != 0) {
    fd = m_floor(div);
    if (div - fd > C(0.5)) fd += 1;
  } else {
    fd = m_copysign(C(0), a / b);
  }
  div_out = fd;
  mod_out = mod;
}

BIN_HEAD(floorDiv) {
  if constexpr (is_fp<C>()) {
    if (b == 0) return a / b;
    C d, m;
    float_divmod(a, b, d, m);
    return d;
  } else {
    if (b == 0) return 0;
    if constexpr (D::kind == 1) {
      if (b == C(-1)) return wrap_sub(C(0), a);
      C q = a / b;
      C r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? C(q - 1) : q;
    } else {
      return a / b;
    }
  }
}
};
BIN_HEAD(mod) {
  if constexpr (is_fp<C>()) {
    if (b == 0) return m_fmod(a, b);
    C d, m;
    float_divmod(a, b, d, m);
    return m;
  } else {
    if (b == 0) return 0;
    if constexpr (D::kind == 1) {
      if (b == C(-1)) return 0;
      C r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? C(r + b) : r;
    } else {
      return a % b;
    }
  }
}
};
BIN_HEAD(pow) {
  if constexpr (D::kind == 4) {
    return cx_pow(a, b);
  } else if constexpr (is_fp<C>()) {
    // f32 and the half formats go through the f64 pow and round once (as the CPU kernels).
    return (C)pow((double)a, (double)b);
  } else {
    if constexpr (D::kind == 1) {
      if (b < 0) {
        atomicOr(&numr_error_flag, 1);
        return 0;
      }
    }
    C result = 1;
    C base = a;
    C e = b;
    while (e > 0) {
      if (e & 1) result = wrap_mul(result, base);
      e >>= 1;
      if (e != 0) base = wrap_mul(base, base);
    }
    return result;
  }
}
};
BIN_HEAD(atan2) { return (C)atan2((double)a, (double)b); }
};
BIN_HEAD(hypot) { return m_hypot(a, b); }
};

template <bool greater, bool propagate> struct Extremum {
  template <class D> struct Op {
    typedef typename D::C C;
    typedef D Out;
    static __device__ __forceinline__ C call(C a, C b) {
      if constexpr (D::kind == 4) {
        // NumPy's complex loops: lexicographic, a NaN imaginary part spoils the real decision.
        const bool ordered = greater ? cx_ge(a, b) : cx_le(a, b);
        if constexpr (propagate) return (cx_isnan(a) || ordered) ? a : b;
        else return (cx_isnan(b) || ordered) ? a : b;
      } else if constexpr (D::kind == 3) {
        return greater ? (a | b) : (a & b);
      } else if constexpr (!is_fp<C>()) {
        return greater ? (a > b ? a : b) : (a < b ? a : b);
      } else if constexpr (propagate) {
        bool wins = greater ? a > b : a < b;
        return wins ? a : (a != a ? a : b);
      } else {
        bool wins = greater ? a >= b : a <= b;
        return wins ? a : (b != b ? a : b);
      }
    }
  };
};
template <class D> struct B_maximum : Extremum<true, true>::Op<D> {};
template <class D> struct B_minimum : Extremum<false, true>::Op<D> {};
template <class D> struct B_fmax : Extremum<true, false>::Op<D> {};
template <class D> struct B_fmin : Extremum<false, false>::Op<D> {};

/** complex(re, im) and polar(r, theta) (torch.polar, in double, rounded once): f32 -> c64. */
template <class D> struct B_complex {
  typedef typename D::C C;
  typedef typename CplxDT<D>::type Out;
  static __device__ __forceinline__ cplx<C> call(C re, C im) { return cx(re, im); }
};
template <class D> struct B_polar {
  typedef typename D::C C;
  typedef typename CplxDT<D>::type Out;
  static __device__ __forceinline__ cplx<C> call(C r, C theta) {
    const double r64 = r, t64 = theta;
    return cx((C)(r64 * cos(t64)), (C)(r64 * sin(t64)));
  }
};

#define BINARY_K(OP, DT)                                                                     \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_binary_##OP##_##DT(Layout L, const void* a, const void* b, void* y) {             \
    typedef B_##OP<DT_##DT> F;                                                               \
    Map<2, DT_##DT, DT_##DT, DT_bool, typename F::Out, F>::run(L, a, b, nullptr, y);         \
  }

#ifdef NUMR_FAMILY_BINARY
NUMR_ALL(BINARY_K, add)
NUMR_REALS(BINARY_K, sub)
NUMR_ALL(BINARY_K, mul)
NUMR_FLOATS(BINARY_K, div)
NUMR_REALS(BINARY_K, floorDiv)
NUMR_REALS(BINARY_K, mod)
NUMR_REALS(BINARY_K, pow)
NUMR_FLOATS(BINARY_K, atan2)
NUMR_FLOATS(BINARY_K, hypot)
NUMR_ALL(BINARY_K, maximum)
NUMR_ALL(BINARY_K, minimum)
NUMR_ALL(BINARY_K, fmax)
NUMR_ALL(BINARY_K, fmin)
#define BINARY_COMPLEX_OPS(_, DT)                                                      \
  BINARY_K(add, DT) BINARY_K(sub, DT) BINARY_K(mul, DT) BINARY_K(div, DT)              \
  BINARY_K(pow, DT) BINARY_K(maximum, DT) BINARY_K(minimum, DT) BINARY_K(fmax, DT)     \
  BINARY_K(fmin, DT)
NUMR_COMPLEX(BINARY_COMPLEX_OPS, _)
BINARY_K(complex, f32)
BINARY_K(complex, f64)
BINARY_K(polar, f32)
BINARY_K(polar, f64)

#endif  // NUMR_FAMILY_BINARY

// ---- compare and logical (bool output) ----

#define CMP_HEAD(NAME)                                                    \
  template <class D> struct C_##NAME {                                    \
    typedef typename D::C C;                                              \
    typedef DT_bool Out;                                                  \
    static __device__ __forceinline__ uint8_t call(C a, C b)

CMP_HEAD(eq) {
  if constexpr (D::kind == 4) return a.re == b.re && a.im == b.im;
  else return a == b;
} };
CMP_HEAD(ne) {
  if constexpr (D::kind == 4) return a.re != b.re || a.im != b.im;
  else return a != b;
} };
CMP_HEAD(lt) {
  if constexpr (D::kind == 4) return cx_lt(a, b);
  else return a < b;
} };
CMP_HEAD(le) {
  if constexpr (D::kind == 4) return cx_le(a, b);
  else return a <= b;
} };
CMP_HEAD(gt) {
  if constexpr (D::kind == 4) return cx_gt(a, b);
  else return a > b;
} };
CMP_HEAD(ge) {
  if constexpr (D::kind == 4) return cx_ge(a, b);
  else return a >= b;
} };
CMP_HEAD(logicalAnd) { return truthy(a) && truthy(b); } };
CMP_HEAD(logicalOr) { return truthy(a) || truthy(b); } };
CMP_HEAD(logicalXor) { return truthy(a) != truthy(b); } };

#define COMPARE_K(OP, DT)                                                                    \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_compare_##OP##_##DT(Layout L, const void* a, const void* b, void* y) {            \
    Map<2, DT_##DT, DT_##DT, DT_bool, DT_bool, C_##OP<DT_##DT>>::run(L, a, b, nullptr, y);   \
  }
#ifdef NUMR_FAMILY_COMPARE
NUMR_ALL(COMPARE_K, eq)
NUMR_ALL(COMPARE_K, ne)
NUMR_ALL(COMPARE_K, lt)
NUMR_ALL(COMPARE_K, le)
NUMR_ALL(COMPARE_K, gt)
NUMR_ALL(COMPARE_K, ge)
NUMR_ALL(COMPARE_K, logicalAnd)
NUMR_ALL(COMPARE_K, logicalOr)
NUMR_ALL(COMPARE_K, logicalXor)
#define COMPARE_COMPLEX_OPS(_, DT)                                                     \
  COMPARE_K(eq, DT) COMPARE_K(ne, DT) COMPARE_K(lt, DT) COMPARE_K(le, DT)              \
  COMPARE_K(gt, DT) COMPARE_K(ge, DT) COMPARE_K(logicalAnd, DT)                        \
  COMPARE_K(logicalOr, DT) COMPARE_K(logicalXor, DT)
NUMR_COMPLEX(COMPARE_COMPLEX_OPS, _)

#endif  // NUMR_FAMILY_COMPARE

// ---- ternary ----

template <class D> struct T_where {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(uint8_t cond, C a, C b) { return cond ? a : b; }
};
template <class D> struct T_clamp {
  typedef typename D::C C;
  static __device__ __forceinline__ bool lex_greater(C a, C b) {
    if constexpr (D::kind == 4) return a.re == b.re ? a.im > b.im : a.re > b.re;
    else return false;
  }
  static __device__ __forceinline__ C call(C x, C lo, C hi) {
    if constexpr (D::kind == 4) {
      // clip's complex order: by real part, then imaginary part; a NaN in x or a bound wins.
      C t = (cx_isnan(x) || lex_greater(x, lo)) ? x : lo;
      return (cx_isnan(t) || lex_greater(hi, t)) ? t : hi;
    } else if constexpr (is_fp<C>()) {
      C t = (x != x || x > lo) ? x : lo;
      return (t != t || t < hi) ? t : hi;
    } else {
      C t = x > lo ? x : lo;
      return t < hi ? t : hi;
    }
  }
};
template <class D> struct T_mulAdd {
  typedef typename D::C C;
  static __device__ __forceinline__ C call(C a, C b, C c) {
    if constexpr (D::kind == 4) return cx_add(cx_mul(a, b), c);  // NumPy's a * b + c
    else if constexpr (is_fp<C>()) return m_fma(a, b, c);
    else if constexpr (D::kind == 3) return (a & b) | c;
    else return wrap_add(wrap_mul(a, b), c);
  }
};

#define TERNARY_K(OP, DT, FIRST)                                                             \
  extern "C" __global__ void __launch_bounds__(256) numr_ternary_##OP##_##DT(                \
      Layout L, const void* a, const void* b, const void* c, void* y) {                      \
    Map<3, FIRST, DT_##DT, DT_##DT, DT_##DT, T_##OP<DT_##DT>>::run(L, a, b, c, y);           \
  }
#define WHERE_K(_, DT) TERNARY_K(where, DT, DT_bool)
#define CLAMP_K(_, DT) TERNARY_K(clamp, DT, DT_##DT)
#define MULADD_K(_, DT) TERNARY_K(mulAdd, DT, DT_##DT)
#ifdef NUMR_FAMILY_TERNARY
NUMR_ALL(WHERE_K, _)
NUMR_ALL(CLAMP_K, _)
NUMR_ALL(MULADD_K, _)
NUMR_COMPLEX(WHERE_K, _)
NUMR_COMPLEX(CLAMP_K, _)
NUMR_COMPLEX(MULADD_K, _)

#endif  // NUMR_FAMILY_TERNARY

// ---- fill ----

template <class S>
__device__ __forceinline__ void fill_run(const Layout& L, void* py, unsigned long long lo,
                                         unsigned long long hi) {
  // The value's bytes: lo then hi (16 bytes for c128; the others use the first sizeof(S)).
  struct alignas(16) {
    unsigned long long w[2];
  } bits;
  bits.w[0] = lo;
  bits.w[1] = hi;
  S v;
  memcpy(&v, &bits, sizeof(S));
  S* y = (S*)py;
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  if (L.vec && L.strides[0][0] == 1) {
    constexpr int V = 16 / sizeof(S);
    if (aligned_to(y, 16)) {
      Vec<S, V> r;
#pragma unroll
      for (int j = 0; j < V; j++) r.v[j] = v;
      long long nv = L.n / V;
      for (long long i = tid; i < nv; i += gs) reinterpret_cast<Vec<S, V>*>(y)[i] = r;
      for (long long i = nv * V + tid; i < L.n; i += gs) y[i] = v;
      return;
    }
  }
  for (long long i = tid; i < L.n; i += gs) {
    long long off[1];
    layout_offsets<1, long long>(L, i, off);
    y[off[0]] = v;
  }
}

#define FILL_K(_, DT)                                                                        \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_fill_fill_##DT(Layout L, void* y, unsigned long long lo, unsigned long long hi) {  \
    fill_run<DT_##DT::S>(L, y, lo, hi);                                                      \
  }
#ifdef NUMR_FAMILY_TERNARY
NUMR_ALL(FILL_K, _)
NUMR_COMPLEX(FILL_K, _)
#endif  // NUMR_FAMILY_TERNARY

