// The elementwise engine: up to three inputs and one output, each with its own dtype, over a
// coalesced strided layout. 1-D layouts whose operands are contiguous or broadcast (stride 0)
// and suitably aligned run a vector path with 16-byte accesses; the rest compute per-element
// offsets, in 32-bit arithmetic when every offset fits.
#pragma once
#include "common.cuh"

template <int A, int B> struct cmax { static constexpr int value = A > B ? A : B; };

/** F is an op instance: `F::call(a[, b[, c]])` on compute values, returning DY's compute type. */
template <int NIN, class D0, class D1, class D2, class DY, class F>
struct Map {
  typedef typename D0::S S0;
  typedef typename D1::S S1;
  typedef typename D2::S S2;
  typedef typename DY::S SY;
  static constexpr int B0 = (int)sizeof(S0);
  static constexpr int B1 = NIN > 1 ? (int)sizeof(S1) : 1;
  static constexpr int B2 = NIN > 2 ? (int)sizeof(S2) : 1;
  static constexpr int BY = (int)sizeof(SY);
  static constexpr int MAXB = cmax<cmax<B0, B1>::value, cmax<B2, BY>::value>::value;
  static constexpr int V = 16 / MAXB;

  static __device__ __forceinline__ SY apply(S0 a, S1 b, S2 c) {
    if constexpr (NIN == 1) {
      return DY::store(F::call(D0::load(a)));
    } else if constexpr (NIN == 2) {
      return DY::store(F::call(D0::load(a), D1::load(b)));
    } else {
      return DY::store(F::call(D0::load(a), D1::load(b), D2::load(c)));
    }
  }

  template <class I>
  static __device__ __forceinline__ void strided(const Layout& L, const S0* x0, const S1* x1,
                                                 const S2* x2, SY* y) {
    I n = (I)L.n;
    I tid = (I)(blockIdx.x * blockDim.x + threadIdx.x);
    I gs = (I)(gridDim.x * blockDim.x);
    for (I i = tid; i < n; i += gs) {
      I off[NIN + 1];
      layout_offsets<NIN + 1, I>(L, i, off);
      S1 b = S1();
      S2 c = S2();
      if constexpr (NIN > 1) b = x1[off[1]];
      if constexpr (NIN > 2) c = x2[off[2]];
      y[off[NIN]] = apply(x0[off[0]], b, c);
    }
  }

  static __device__ __forceinline__ void run(const Layout& L, const void* p0, const void* p1,
                                             const void* p2, void* py) {
    const S0* x0 = (const S0*)p0;
    const S1* x1 = (const S1*)p1;
    const S2* x2 = (const S2*)p2;
    SY* y = (SY*)py;
    const long long n = L.n;
    const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long gs = (long long)gridDim.x * blockDim.x;
    if (L.vec) {
      const long long s0 = L.strides[0][0];
      const long long s1 = NIN > 1 ? L.strides[1][0] : 0;
      const long long s2 = NIN > 2 ? L.strides[2][0] : 0;
      const long long sy = L.strides[NIN][0];
      bool ok = sy == 1 && aligned_to(y, V * BY) && (s0 == 0 || aligned_to(x0, V * B0));
      if constexpr (NIN > 1) ok = ok && (s1 == 0 || aligned_to(x1, V * B1));
      if constexpr (NIN > 2) ok = ok && (s2 == 0 || aligned_to(x2, V * B2));
      if (ok && V > 1) {
        const long long nv = n / V;
        for (long long i = tid; i < nv; i += gs) {
          Vec<S0, V> a;
          Vec<S1, V> b;
          Vec<S2, V> c;
          if (s0 == 0) {
#pragma unroll
            for (int j = 0; j < V; j++) a.v[j] = x0[0];
          } else {
            a = reinterpret_cast<const Vec<S0, V>*>(x0)[i];
          }
          if constexpr (NIN > 1) {
            if (s1 == 0) {
#pragma unroll
              for (int j = 0; j < V; j++) b.v[j] = x1[0];
            } else {
              b = reinterpret_cast<const Vec<S1, V>*>(x1)[i];
            }
          }
          if constexpr (NIN > 2) {
            if (s2 == 0) {
#pragma unroll
              for (int j = 0; j < V; j++) c.v[j] = x2[0];
            } else {
              c = reinterpret_cast<const Vec<S2, V>*>(x2)[i];
            }
          }
          Vec<SY, V> r;
#pragma unroll
          for (int j = 0; j < V; j++) {
            r.v[j] = apply(a.v[j], NIN > 1 ? b.v[j] : S1(), NIN > 2 ? c.v[j] : S2());
          }
          reinterpret_cast<Vec<SY, V>*>(y)[i] = r;
        }
        for (long long i = nv * V + tid; i < n; i += gs) {
          S1 b = S1();
          S2 c = S2();
          if constexpr (NIN > 1) b = x1[i * s1];
          if constexpr (NIN > 2) c = x2[i * s2];
          y[i] = apply(x0[i * s0], b, c);
        }
        return;
      }
      for (long long i = tid; i < n; i += gs) {
        S1 b = S1();
        S2 c = S2();
        if constexpr (NIN > 1) b = x1[i * s1];
        if constexpr (NIN > 2) c = x2[i * s2];
        y[i * sy] = apply(x0[i * s0], b, c);
      }
      return;
    }
    if (layout_small(L, NIN + 1)) {
      strided<int>(L, x0, x1, x2, y);
    } else {
      strided<long long>(L, x0, x1, x2, y);
    }
  }
};
