// Shared pieces of the numr CUDA kernels: dtype traits (storage type, compute type, exact
// conversions that give the same bits as native/cpu/dtype.zig), the layout descriptor passed by
// value to every elementwise kernel, and strided index helpers.
//
// Kernel ABI: `numr_<family>_<op>_<dtype>`, `extern "C"`, parameters documented per family in
// src/runtime/cuda/kernels.ts. Pointers arrive already offset to the operand's first element.
#pragma once

#include <stdint.h>
#include <cuda_fp16.h>
#include "complex.cuh"

#define NUMR_MAXD 12
#define NUMR_MAXOPS 4

/** Shape and per-operand strides (elements), dims coalesced on the host. */
struct Layout {
  long long n;  // number of elements
  int ndim;
  int vec;  // 1 when ndim <= 1 and every operand has stride 0 or 1 (the vector path may run)
  long long shape[NUMR_MAXD];
  long long strides[NUMR_MAXOPS][NUMR_MAXD];
};

// ---- dtype traits ------------------------------------------------------------------------

__device__ __forceinline__ float bf16_to_f32(uint16_t b) {
  return __uint_as_float(((uint32_t)b) << 16);
}

__device__ __forceinline__ uint16_t f32_to_bf16(float x) {
  uint32_t bits = __float_as_uint(x);
  if (x != x) return (uint16_t)(bits >> 16) | 0x0040;
  uint32_t lsb = (bits >> 16) & 1u;
  return (uint16_t)((bits + 0x7fffu + lsb) >> 16);
}

// NaN conversions keep sign and payload (quieted), as x86's vcvtph2ps/vcvtps2ph/cvtsd2ss/
// cvtss2sd do in the CPU kernels; CUDA's conversion instructions return a canonical NaN.
__device__ __forceinline__ float f16_to_f32(uint16_t b) {
  if ((b & 0x7c00u) == 0x7c00u && (b & 0x3ffu) != 0) {
    uint32_t bits = ((uint32_t)(b & 0x8000u) << 16) | 0x7fc00000u | ((uint32_t)(b & 0x3ffu) << 13);
    return __uint_as_float(bits);
  }
  return __half2float(__ushort_as_half(b));
}

__device__ __forceinline__ float f64_to_f32(double v) {
  if (v != v) {
    unsigned long long b = (unsigned long long)__double_as_longlong(v);
    uint32_t bits = ((uint32_t)(b >> 32) & 0x80000000u) | 0x7fc00000u |
                    (uint32_t)((b >> 29) & 0x7fffffu);
    return __uint_as_float(bits);
  }
  return (float)v;
}

__device__ __forceinline__ double f32_to_f64(float v) {
  if (v != v) {
    uint32_t b = __float_as_uint(v);
    unsigned long long bits = ((unsigned long long)(b & 0x80000000u) << 32) |
                              0x7ff8000000000000ull | ((unsigned long long)(b & 0x7fffffu) << 29);
    return __longlong_as_double((long long)bits);
  }
  return (double)v;
}

__device__ __forceinline__ uint16_t f32_to_f16(float x) {
  // NaN keeps its sign and top payload bits, quieted (x86 vcvtps2ph, which the CPU kernels use).
  uint32_t bits = __float_as_uint(x);
  if ((bits & 0x7fffffffu) > 0x7f800000u) {
    return (uint16_t)(((bits >> 16) & 0x8000u) | 0x7e00u | ((bits >> 13) & 0x3ffu));
  }
  return __half_as_ushort(__float2half_rn(x));
}

__device__ __forceinline__ float e5m2_to_f32(uint8_t b) { return f16_to_f32((uint16_t)b << 8); }

__device__ __forceinline__ float e4m3_to_f32(uint8_t b) {
  float sign = (b & 0x80) ? -1.0f : 1.0f;
  int e = (b >> 3) & 0xf;
  int m = b & 7;
  if (e == 15 && m == 7) return __int_as_float(0x7fc00000);
  float v = e == 0 ? (float)m * 0.001953125f  // m/8 * 2^-6
                   : ldexpf(1.0f + (float)m * 0.125f, e - 7);
  return sign * v;
}

// Rounds an f32 magnitude to a small float with `man` mantissa bits and exponent bias `bias`,
// to nearest even (the port of dtype.zig roundMini).
template <int man, int bias>
__device__ __forceinline__ uint32_t round_mini(uint32_t abs_bits) {
  int exp_f32 = (int)(abs_bits >> 23);
  const int min_normal_exp = 127 - bias + 1;
  if (exp_f32 < min_normal_exp) {
    float x = __uint_as_float(abs_bits);
    const float step = ldexpf(1.0f, 1 - bias - man);
    float r = x / step;
    float q = roundf(r);
    uint32_t qi = (uint32_t)q;
    bool tie = (q - r) == 0.5f || (r - q) == 0.5f;
    return (tie && (qi & 1u)) ? qi - 1 : qi;
  }
  const int shift = 23 - man;
  uint32_t lsb = (abs_bits >> shift) & 1u;
  uint32_t rounded = abs_bits + ((1u << (shift - 1)) - 1) + lsb;
  uint32_t rebased = rounded - ((uint32_t)(127 - bias) << 23);
  return rebased >> shift;
}

__device__ __forceinline__ uint8_t f32_to_e4m3(float x) {
  uint32_t bits = __float_as_uint(x);
  uint8_t sign = (uint8_t)((bits >> 24) & 0x80);
  uint32_t a = bits & 0x7fffffffu;
  if (a >= 0x7f800000u) return sign | 0x7f;
  uint32_t code = round_mini<3, 7>(a);
  if (code > 0x7e) return sign | 0x7f;
  return sign | (uint8_t)code;
}

__device__ __forceinline__ uint8_t f32_to_e5m2(float x) {
  uint32_t bits = __float_as_uint(x);
  uint8_t sign = (uint8_t)((bits >> 24) & 0x80);
  uint32_t a = bits & 0x7fffffffu;
  if (a > 0x7f800000u) return sign | 0x7e;
  if (a == 0x7f800000u) return sign | 0x7c;
  uint32_t code = round_mini<2, 15>(a);
  if (code >= 0x7c) return sign | 0x7c;
  return sign | (uint8_t)code;
}

// Kinds: 0 float, 1 signed int, 2 unsigned int, 3 bool, 4 complex.
#define DT_TRAIT(NAME, STORAGE, COMPUTE, KIND, LOAD, STORE)                   \
  struct NAME {                                                              \
    typedef STORAGE S;                                                       \
    typedef COMPUTE C;                                                       \
    static constexpr int kind = KIND;                                        \
    static __device__ __forceinline__ C load(S v) { return LOAD; }           \
    static __device__ __forceinline__ S store(C v) { return STORE; }         \
  };

DT_TRAIT(DT_f64, double, double, 0, v, v)
DT_TRAIT(DT_f32, float, float, 0, v, v)
DT_TRAIT(DT_f16, uint16_t, float, 0, f16_to_f32(v), f32_to_f16(v))
DT_TRAIT(DT_bf16, uint16_t, float, 0, bf16_to_f32(v), f32_to_bf16(v))
DT_TRAIT(DT_fp8e4m3, uint8_t, float, 0, e4m3_to_f32(v), f32_to_e4m3(v))
DT_TRAIT(DT_fp8e5m2, uint8_t, float, 0, e5m2_to_f32(v), f32_to_e5m2(v))
DT_TRAIT(DT_i64, long long, long long, 1, v, v)
DT_TRAIT(DT_i32, int, int, 1, v, v)
DT_TRAIT(DT_i16, short, short, 1, v, v)
DT_TRAIT(DT_i8, signed char, signed char, 1, v, v)
DT_TRAIT(DT_u64, unsigned long long, unsigned long long, 2, v, v)
DT_TRAIT(DT_u32, unsigned int, unsigned int, 2, v, v)
DT_TRAIT(DT_u16, unsigned short, unsigned short, 2, v, v)
DT_TRAIT(DT_u8, unsigned char, unsigned char, 2, v, v)
DT_TRAIT(DT_bool, uint8_t, uint8_t, 3, v, v)

DT_TRAIT(DT_c64, cplx<float>, cplx<float>, 4, v, v)
DT_TRAIT(DT_c128, cplx<double>, cplx<double>, 4, v, v)

/** The real dtype of a complex dtype's parts (the dtype itself otherwise). */
template <class D> struct PartDT { typedef D type; };
template <> struct PartDT<DT_c64> { typedef DT_f32 type; };
template <> struct PartDT<DT_c128> { typedef DT_f64 type; };
/** The complex dtype whose parts are the real dtype D (f32 -> c64, f64 -> c128). */
template <class D> struct CplxDT { typedef DT_c128 type; };
template <> struct CplxDT<DT_f32> { typedef DT_c64 type; };

/** Truthiness of a compute value: non-zero (NaN is non-zero; a complex with a non-zero part). */
template <class C> __device__ __forceinline__ bool truthy(C x) {
  if constexpr (is_cplx<C>::value) return cx_nonzero(x);
  else return x != 0;
}

template <class D> struct is_float_dt { static constexpr bool value = D::kind == 0; };

// The unsigned type of the same width (for wrapping integer arithmetic without UB).
template <class T> struct Unsigned { typedef T type; };
template <> struct Unsigned<long long> { typedef unsigned long long type; };
template <> struct Unsigned<int> { typedef unsigned int type; };
template <> struct Unsigned<short> { typedef unsigned short type; };
template <> struct Unsigned<signed char> { typedef unsigned char type; };

template <class T> __device__ __forceinline__ T wrap_add(T a, T b) {
  typedef typename Unsigned<T>::type U;
  return (T)(U)((U)a + (U)b);
}
template <class T> __device__ __forceinline__ T wrap_sub(T a, T b) {
  typedef typename Unsigned<T>::type U;
  return (T)(U)((U)a - (U)b);
}
template <class T> __device__ __forceinline__ T wrap_mul(T a, T b) {
  typedef typename Unsigned<T>::type U;
  // Narrow unsigned types promote to int in C++; multiply in 64 bits and truncate.
  return (T)(U)((unsigned long long)(U)a * (unsigned long long)(U)b);
}

// ---- dtype lists (X-macros) --------------------------------------------------------------

#define NUMR_FLOATS(M, ...) \
  M(__VA_ARGS__, f64) M(__VA_ARGS__, f32) M(__VA_ARGS__, f16) M(__VA_ARGS__, bf16) \
  M(__VA_ARGS__, fp8e4m3) M(__VA_ARGS__, fp8e5m2)
#define NUMR_INTS(M, ...) \
  M(__VA_ARGS__, i64) M(__VA_ARGS__, i32) M(__VA_ARGS__, i16) M(__VA_ARGS__, i8) \
  M(__VA_ARGS__, u64) M(__VA_ARGS__, u32) M(__VA_ARGS__, u16) M(__VA_ARGS__, u8)
#define NUMR_SIGNED(M, ...) \
  M(__VA_ARGS__, i64) M(__VA_ARGS__, i32) M(__VA_ARGS__, i16) M(__VA_ARGS__, i8)
#define NUMR_REALS(M, ...) NUMR_FLOATS(M, __VA_ARGS__) NUMR_INTS(M, __VA_ARGS__)
#define NUMR_ALL(M, ...) NUMR_REALS(M, __VA_ARGS__) M(__VA_ARGS__, bool)
#define NUMR_COMPLEX(M, ...) M(__VA_ARGS__, c64) M(__VA_ARGS__, c128)
// A second copy for nested expansion (a macro cannot expand inside itself).
#define NUMR_ALL_B(M, ...) \
  M(__VA_ARGS__, f64) M(__VA_ARGS__, f32) M(__VA_ARGS__, f16) M(__VA_ARGS__, bf16) \
  M(__VA_ARGS__, fp8e4m3) M(__VA_ARGS__, fp8e5m2) M(__VA_ARGS__, i64) M(__VA_ARGS__, i32) \
  M(__VA_ARGS__, i16) M(__VA_ARGS__, i8) M(__VA_ARGS__, u64) M(__VA_ARGS__, u32) \
  M(__VA_ARGS__, u16) M(__VA_ARGS__, u8) M(__VA_ARGS__, bool)

// ---- strided offsets ---------------------------------------------------------------------

/** Element offsets of the operands at linear (row-major) position `lin` of the layout. */
template <int NOP, class I>
__device__ __forceinline__ void layout_offsets(const Layout& L, I lin, I (&off)[NOP]) {
#pragma unroll
  for (int k = 0; k < NOP; k++) off[k] = 0;
  for (int d = L.ndim - 1; d >= 0; --d) {
    I s = (I)L.shape[d];
    I c = lin % s;
    lin /= s;
#pragma unroll
    for (int k = 0; k < NOP; k++) off[k] += c * (I)L.strides[k][d];
  }
}

/** True when 32-bit index math covers the layout (every offset fits in an int). */
__device__ __forceinline__ bool layout_small(const Layout& L, int nop) {
  if (L.n >= 0x7fffffffLL) return false;
  for (int k = 0; k < nop; k++) {
    long long reach = 0;
    for (int d = 0; d < L.ndim; d++) {
      long long s = L.strides[k][d];
      reach += (s < 0 ? -s : s) * (L.shape[d] - 1);
    }
    if (reach >= 0x7fffffffLL) return false;
  }
  return true;
}

template <int B> struct VecBytes {};

/** N elements of T loaded or stored with one access of N*sizeof(T) bytes. */
template <class T, int N> struct __align__(sizeof(T) * N) Vec { T v[N]; };

__device__ __forceinline__ bool aligned_to(const void* p, int bytes) {
  return (((uintptr_t)p) & (uintptr_t)(bytes - 1)) == 0;
}

// GEMM epilogue activations: 0 none, 1 relu, 2 gelu (tanh form), 3 silu, 4 sigmoid, 5 tanh.
template <class C> __device__ __forceinline__ C activate(C v, int act) {
  if (act == 1) return v > C(0) ? v : C(0);
  if (act == 2) {
    const C k = C(0.7978845608028654);
    C t = tanh(k * (v + C(0.044715) * v * v * v));
    return C(0.5) * v * (C(1) + t);
  }
  if (act == 3) return v / (C(1) + exp(-v));
  if (act == 4) return C(1) / (C(1) + exp(-v));
  if (act == 5) return tanh(v);
  return v;
}
