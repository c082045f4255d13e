// Cast kernels: numr_cast_<src>_<dst>(Layout L, const void* x, void* y) for every pair of the 17
// dtypes, with the semantics of native/cpu/cast.zig (NumPy's astype on x86-64):
// float -> int truncates, NaN/Inf/out-of-range give what x86 cvtt gives (INT_MIN, wrapped for
// narrow types); fp8 sources follow ml_dtypes (NaN -> 0, Inf saturates); ints wrap; x -> bool is
// x != 0; narrowing to f16/bf16/fp8 from a wider source rounds to f32 with round-to-odd first;
// complex -> real keeps the real part, real -> complex has imaginary part 0 (parts convert as
// reals), and a complex is true when either part is non-zero.
#include <type_traits>
#include "map.cuh"

template <class I, class F> __device__ __forceinline__ I cvtt(F v) {
  const F lo = -ldexp((F)1, 8 * (int)sizeof(I) - 1);
  if (v >= lo && v < -lo) return (I)v;
  return (I)((typename Unsigned<I>::type)1 << (8 * sizeof(I) - 1));
}

template <class D, class T> __device__ __forceinline__ D wrap_int(T x) {
  unsigned long long wide = std::is_signed<T>::value ? (unsigned long long)(long long)x
                                                     : (unsigned long long)x;
  return (D)(typename Unsigned<D>::type)wide;
}

template <class T> __device__ __forceinline__ T int_min() {
  typedef typename Unsigned<T>::type U;
  return std::is_signed<T>::value ? (T)(U)((U)1 << (8 * sizeof(T) - 1)) : (T)0;
}
template <class T> __device__ __forceinline__ T int_max() {
  typedef typename Unsigned<T>::type U;
  return std::is_signed<T>::value ? (T)(U)(((U)1 << (8 * sizeof(T) - 1)) - 1) : (T)(U)~(U)0;
}

/** An integer rounded to f32 with round-to-odd (cast.zig intToF32Odd). */
template <class T> __device__ __forceinline__ float int_to_f32_odd(T x) {
  if constexpr (sizeof(T) <= 2) return (float)x;
  bool negative = std::is_signed<T>::value && x < 0;
  unsigned long long wide = std::is_signed<T>::value ? (unsigned long long)(long long)x
                                                     : (unsigned long long)x;
  unsigned long long mag = negative ? 0ull - wide : wide;
  int width = 64 - __clzll((long long)mag);
  float f;
  if (width <= 24) {
    f = (float)mag;
  } else {
    int shift = width - 24;
    unsigned long long dropped = mag & ((1ull << shift) - 1);
    unsigned long long kept = (mag >> shift) | (dropped != 0 ? 1ull : 0ull);
    f = (float)kept * __uint_as_float((uint32_t)(127 + shift) << 23);
  }
  return negative ? -f : f;
}

__device__ __forceinline__ float f64_to_f32_odd(double v) {
  if (v != v) return f64_to_f32(v);
  float y = (float)v;
  double back = y;
  if (back == v) return y;
  uint32_t bits = __float_as_uint(y);
  if (fabs(back) > fabs(v)) bits -= 1;
  return __uint_as_float(bits | 1u);
}

template <class DS, class DD> struct CastOp {
  typedef typename DS::S SS;
  typedef typename DD::S SD;
  typedef typename DD::C CD;
  static constexpr bool narrow_dst = std::is_same<DD, DT_f16>::value ||
                                     std::is_same<DD, DT_bf16>::value ||
                                     std::is_same<DD, DT_fp8e4m3>::value ||
                                     std::is_same<DD, DT_fp8e5m2>::value;
  static constexpr bool fp8_src = std::is_same<DS, DT_fp8e4m3>::value ||
                                  std::is_same<DS, DT_fp8e5m2>::value;

  static __device__ __forceinline__ SD convert(SS x) {
    if constexpr (std::is_same<DS, DD>::value) {
      return x;
    } else if constexpr (DD::kind == 3 && DS::kind == 4) {
      return cx_nonzero(x);
    } else if constexpr (DS::kind == 4) {
      // complex -> complex converts both parts; complex -> real keeps the real part.
      typedef typename PartDT<DS>::type PS;
      if constexpr (DD::kind == 4) {
        typedef typename PartDT<DD>::type PD;
        return cx(CastOp<PS, PD>::convert(x.re), CastOp<PS, PD>::convert(x.im));
      } else {
        return CastOp<PS, DD>::convert(x.re);
      }
    } else if constexpr (DD::kind == 4) {
      // real -> complex: the part dtype's conversion, imaginary part 0.
      typedef typename PartDT<DD>::type PD;
      return cx(CastOp<DS, PD>::convert(x), (typename PD::S)0);
    } else if constexpr (DD::kind == 3) {
      if constexpr (DS::kind == 0) return DS::load(x) != 0;
      else return x != 0;
    } else if constexpr (DS::kind == 3) {
      if constexpr (DD::kind == 0) return DD::store(x ? CD(1) : CD(0));
      else return (SD)(x != 0);
    } else if constexpr (DS::kind != 0) {
      if constexpr (DD::kind != 0) return wrap_int<SD>(x);
      else if constexpr (narrow_dst) return DD::store(int_to_f32_odd(x));
      else return (SD)x;
    } else {
      typename DS::C v = DS::load(x);
      if constexpr (DD::kind == 0) {
        if constexpr (std::is_same<SD, float>::value && sizeof(v) == 8) return f64_to_f32(v);
        else if constexpr (std::is_same<SD, double>::value && sizeof(v) == 4) return f32_to_f64(v);
        else if constexpr (!narrow_dst) return (SD)v;
        else if constexpr (sizeof(v) == 8) return DD::store(f64_to_f32_odd(v));
        else return DD::store(v);
      } else {
        if constexpr (fp8_src) {
          if (v != v) return 0;
          if (isinf(v)) {
            return v > 0 ? int_max<SD>() : int_min<SD>();
          }
        }
        if constexpr (std::is_same<SD, long long>::value || std::is_same<SD, int>::value) {
          return cvtt<SD>(v);
        } else if constexpr (std::is_same<SD, unsigned int>::value) {
          return wrap_int<SD>(cvtt<long long>(v));
        } else if constexpr (std::is_same<SD, unsigned long long>::value) {
          const typename DS::C two63 = ldexp((typename DS::C)1, 63);
          if (v >= two63) {
            return (unsigned long long)cvtt<long long>(v - two63) ^ (1ull << 63);
          }
          return (unsigned long long)cvtt<long long>(v);
        } else {
          return wrap_int<SD>(cvtt<int>(v));
        }
      }
    }
  }
};

/** Identity compute traits over raw storage, so the engine applies `CastOp` to stored bits. */
template <class D> struct Raw {
  typedef typename D::S S;
  typedef typename D::S C;
  static constexpr int kind = D::kind;
  static __device__ __forceinline__ C load(S v) { return v; }
  static __device__ __forceinline__ S store(C v) { return v; }
};

template <class DS, class DD> struct CastF {
  static __device__ __forceinline__ typename DD::S call(typename DS::S x) {
    return CastOp<DS, DD>::convert(x);
  }
};

#define CAST_K(SRC, DST)                                                                     \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_cast_##SRC##_##DST(Layout L, const void* x, void* y) {                            \
    Map<1, Raw<DT_##SRC>, DT_bool, DT_bool, Raw<DT_##DST>, CastF<DT_##SRC, DT_##DST>>::run(  \
        L, x, nullptr, nullptr, y);                                                          \
  }
#define CAST_FROM(_, SRC) NUMR_ALL_B(CAST_K, SRC) CAST_K(SRC, c64) CAST_K(SRC, c128)
NUMR_ALL(CAST_FROM, _)
NUMR_COMPLEX(CAST_FROM, _)
