// Accurate f32 elementary functions in WGSL, built only from exactly rounded operations
// (+ - *, integer bit work, float <-> int conversions) and polynomials. WGSL's builtins are
// allowed to be hardware approximations (NVIDIA: sin/cos 2^-11 absolute inside [-pi, pi] and
// worse outside, exp 3 + 2|x| ulp, log 2^-21 absolute near 1, pow as exp2(y log2 x)), which
// the CPU's results are far from; these helpers stay within ~2 f32 ulps of the correctly
// rounded value over the whole range (Payne-Hanek reduction for large sin/cos/tan arguments),
// special values as C99. Division and sqrt are not exact in WGSL (2.5 ulp): quotients that
// matter go through `m_div` (one residual correction with exact products), square roots
// through `m_sqrt`. Products are made exact by 12-bit splits, so a compiler contracting
// `a * b + c` into an fma changes no result. Polynomial coefficients: minimax (Lawson) fits of
// the correction terms in double precision, relative error below 2^-28 of the result.

/** The math helpers (`m_*`): emitted by `withHelpers` only into shaders that call them. */
export const MATH_PRELUDE = `
fn m_pow2i(n: i32) -> f32 { return bitcast<f32>(u32(n + 127) << 23u); }
// p * 2^n for |n| <= 252 (two exact steps, one rounding at most when the result is subnormal).
fn m_scale(p: f32, n: i32) -> f32 {
  let h = n / 2;
  return p * m_pow2i(h) * m_pow2i(n - h);
}
fn m_hi12(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0xfffff000u); }
fn m_copysign(a: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(a) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}
// a / b within ~0.5 ulp: the quotient's residual a - b q is exact through 12-bit halves.
fn m_div(a: f32, b: f32) -> f32 {
  let q = a / b;
  if (q == 0.0 || is_nan(q) || is_inf(q) || is_inf(b)) { return q; }
  let bh = m_hi12(b); let bl = b - bh; let qh = m_hi12(q); let ql = q - qh;
  let res = (((a - bh * qh) - bh * ql) - bl * qh) - bl * ql;
  return q + res / b;
}
// sqrt within ~0.5 ulp (one Newton correction on an exact residual); a >= 0 or NaN.
fn m_sqrt(a: f32) -> f32 {
  let s = sqrt(a);
  if (s == 0.0 || is_nan(s) || is_inf(s) || a < 1e-30 || a > 1e30) { return s; }
  let sh = m_hi12(s); let sl = s - sh;
  let res = ((a - sh * sh) - 2.0 * sh * sl) - sl * sl;
  return s + res * 0.5 / s;
}
const M_LN2_HI: f32 = 0.693145751953125;
const M_LN2_LO: f32 = 1.428606765330187e-06;
const M_PIO2_HI: f32 = 1.5707963705062866;
const M_PIO2_LO: f32 = -4.371138828673793e-08;
const M_PIO4_HI: f32 = 0.7853981852531433;
const M_PIO4_LO: f32 = -2.1855694143368964e-08;
const M_PI_HI: f32 = 3.1415927410125732;
const M_PI_LO: f32 = -8.742277657347586e-08;
// (e^r - 1 - r) / r^2 on |r| <= ln2 / 2.
fn m_expm1_poly(r: f32) -> f32 {
  return 0.5000000044163989 + r * (0.16666666371497976 + r * (0.04166636096349155 +
    r * (0.0083333891327322 + r * (0.001394062130112162 + r * 0.0001984599916456443))));
}
// e^x 2^s for finite x whose result is in range (|k + s| <= 252): x = k ln2 + r exactly.
fn m_expk(x: f32, s: i32) -> f32 {
  let k = round(x * 1.4426950216293335);
  let hi = x - k * M_LN2_HI; let lo = -k * M_LN2_LO;
  let r = hi + lo;
  return m_scale(1.0 + (hi + (lo + r * r * m_expm1_poly(r))), i32(k) + s);
}
// e^x s for finite s, also where e^x alone overflows or underflows f32 (the scaling comes last;
// a product like (h s) h may be reassociated by the compiler into (h h) s, which overflows).
fn m_expmul(x: f32, s: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_nan(s) || s == 0.0) { return s; }
  if (x > 250.0) { return m_copysign(inf_f32(), s); }
  if (x < -250.0) { return m_copysign(0.0, s); }
  let k = round(x * 1.4426950216293335);
  let hi = x - k * M_LN2_HI; let lo = -k * M_LN2_LO;
  let r = hi + lo;
  let n = i32(k);
  let p = (1.0 + (hi + (lo + r * r * m_expm1_poly(r)))) * s;
  let h = n / 3;
  return m_scale(p * m_pow2i(h), n - h);
}
fn m_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 89.0) { return inf_f32(); }
  if (x < -104.0) { return 0.0; }
  return m_expk(x, 0);
}
fn m_exp2(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 128.0) { return inf_f32(); }
  if (x < -151.0) { return 0.0; }
  let k = round(x); let r = x - k;
  let p = 0.6931471807045545 + r * (0.24022651066586917 + r * (0.055504103659315907 +
    r * (0.00961803812908629 + r * (0.0013333935099032988 + r * (0.0001546675711483628 +
    r * 1.5196147299803738e-05)))));
  return m_scale(1.0 + r * p, i32(k));
}
fn m_expm1(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 89.0) { return inf_f32(); }
  if (x < -18.0) { return -1.0; }
  let ax = abs(x);
  if (ax < 2.9802322387695312e-08) { return x; }
  if (ax <= 0.3465735902799727) { return x + x * x * m_expm1_poly(x); }
  let k = round(x * 1.4426950216293335);
  let hi = x - k * M_LN2_HI; let lo = -k * M_LN2_LO;
  let r = hi + lo;
  let u = hi + (lo + r * r * m_expm1_poly(r));
  let n = i32(k);
  if (n > 24) { return m_scale(1.0 + u, n); }
  let t = m_pow2i(n);
  return (t - 1.0) + t * u;
}
// log1p(f) = f + f^2 Q(f) on [sqrt(1/2) - 1, sqrt(2) - 1]: Q(f).
fn m_log1p_poly(f: f32) -> f32 {
  return -0.49999999753283514 + f * (0.3333331081046702 + f * (-0.25000025753566785 +
    f * (0.2000222007666624 + f * (-0.166676867969044 + f * (0.14217677901378442 +
    f * (-0.12407371344917145 + f * (0.11901006726504805 + f * (-0.11675884800799154 +
    f * 0.06724756143650434))))))));
}
// Positive finite x (bits u, subnormals included) as 2^e (1 + f), f = m - 1 exact, m in
// [sqrt(1/2), sqrt(2)): returns (e, f).
fn m_logred(u: u32) -> vec2<f32> {
  var e: i32; var mb: u32;
  if (u < 0x00800000u) {
    let sh = countLeadingZeros(u) - 8u;
    mb = (u << sh) & 0x7fffffu; e = -126 - i32(sh);
  } else {
    mb = u & 0x7fffffu; e = i32(u >> 23u) - 127;
  }
  var m = bitcast<f32>(mb | 0x3f800000u);
  if (mb > 0x3504f3u) { m = bitcast<f32>(mb | 0x3f000000u); e += 1; }
  return vec2<f32>(f32(e), m - 1.0);
}
// NaN for x < 0 (and -0 is -Inf), +Inf and NaN kept; tested on the bits (subnormals count).
fn m_log_special(x: f32) -> bool {
  let u = bitcast<u32>(x);
  return (u & 0x7fffffffu) == 0u || u >= 0x7f800000u;
}
fn m_log_sp(x: f32) -> f32 {
  let u = bitcast<u32>(x);
  if (is_nan(x)) { return x; }
  if ((u & 0x7fffffffu) == 0u) { return -inf_f32(); }
  if (u >= 0x80000000u) { return nan_f32(); }
  return x;
}
fn m_log(x: f32) -> f32 {
  if (m_log_special(x)) { return m_log_sp(x); }
  let ef = m_logred(bitcast<u32>(x)); let e = ef.x; let f = ef.y;
  return e * M_LN2_HI + (e * M_LN2_LO + (f + f * f * m_log1p_poly(f)));
}
fn m_log2(x: f32) -> f32 {
  if (m_log_special(x)) { return m_log_sp(x); }
  let ef = m_logred(bitcast<u32>(x)); let f = ef.y;
  let c = f * f * m_log1p_poly(f);
  return ef.x + (f * 1.4426950216293335 + (c * 1.4426950216293335 + f * 1.925963033500011e-08));
}
fn m_log10(x: f32) -> f32 {
  if (m_log_special(x)) { return m_log_sp(x); }
  let ef = m_logred(bitcast<u32>(x)); let e = ef.x; let f = ef.y;
  let c = f * f * m_log1p_poly(f);
  let p = f * 0.4342944920063019 + (c * 0.4342944920063019 + f * -1.0103049952192578e-08);
  return e * 0.301025390625 + (e * 4.605039066518657e-06 + p);
}
fn m_log1p(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return m_log_sp(x); }
  if (x == -1.0) { return -inf_f32(); }
  if (x < -1.0) { return nan_f32(); }
  if (abs(x) < 5.9604644775390625e-08) { return x; }
  if (x > -0.2928932188134524 && x < 0.41421356237309503) {
    return x + x * x * m_log1p_poly(x);
  }
  if (x < -0.5) { return m_log(1.0 + x); }
  if (x < 0.0) {
    // 1 + x = (1 + 2x) / 2 with 1 + 2x exact (Sterbenz) in the polynomial's range.
    let v = 1.0 + 2.0 * x;
    return ((v + v * v * m_log1p_poly(v)) - M_LN2_HI) - M_LN2_LO;
  }
  // log(1 + x) + c / (1 + x) where 1 + x = u + c exactly (Fast2Sum, the larger operand first;
  // a compiler that reassociates drops c: then |c / u| <= 2^-24 against |log u| >= 0.34).
  let u = 1.0 + x;
  let c = select(x - (u - 1.0), 1.0 - (u - x), x > 1.0);
  return m_log(u) + c / u;
}
// Argument reduction by pi/2: x = r + q pi/2 with |r| <= ~pi/4.
struct MRed { r: f32, q: u32 }
// Payne-Hanek for a positive finite |x| >= 2^-7 given by its bits: x 2/pi from 128 bits of 2/pi
// selected by the exponent, in 32-bit integer limbs (exact), then the fraction times pi/2.
fn m_rem_pio2_big(u: u32) -> MRed {
  var tbl = array<u32, 8>(0u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u, 0xdb629599u,
    0x3c439041u, 0xfe5163abu);
  let m = (u & 0x7fffffu) | 0x800000u;
  // x = m 2^(s - 32) and 2/pi = sum tbl[i] 2^(-32 i): words before j0 add multiples of 4.
  let s = i32(u >> 23u) - 118;
  let j0 = (s - 2) / 32;
  let t = s - 32 * j0;
  var R: array<u32, 7>;
  var carry = 0u;
  for (var k = 0; k < 4; k++) {
    let p = mul32x32(m, tbl[j0 + 3 - k]);
    let lo = p.x + carry;
    carry = p.y + select(0u, 1u, lo < p.x);
    R[k + 1] = lo;
  }
  R[5] = carry;
  // x 2/pi = R 2^(t - 128), R's bits from R[1] up: words of R shifted left by t.
  var w: array<u32, 3>;
  for (var k = 0; k < 3; k++) {
    let pos = 64 + 32 * k - t;
    let i = pos >> 5u; let sh = u32(pos & 31);
    let a = R[i + 1] >> sh;
    w[k] = select(a | (R[i + 2] << (32u - sh)), a, sh == 0u);
  }
  var q = w[2] & 3u;
  var hi = w[1]; var lo = w[0];
  var neg = false;
  if ((hi & 0x80000000u) != 0u) {
    q += 1u; neg = true;
    hi = ~hi; lo = ~lo + 1u;
    if (lo == 0u) { hi += 1u; }
  }
  var ex = 0u;
  if (hi == 0u) { hi = lo; lo = 0u; ex = 32u; }
  if (hi == 0u) { return MRed(0.0, q & 3u); }
  let nz = countLeadingZeros(hi);
  if (nz > 0u) { hi = (hi << nz) | (lo >> (32u - nz)); lo = lo << nz; }
  let sc = m_pow2i(-32 - i32(nz + ex));
  let f1 = f32(hi & 0xfff00000u) * sc;
  let f2 = f32(hi & 0x000fff00u) * sc;
  let f3 = f32(((hi & 0xffu) << 16u) | (lo >> 16u)) * sc * 1.52587890625e-05;
  let p1 = 1.5703125; let p2 = 0.0004837512969970703; let p3 = 7.549790126404332e-08;
  let r = f1 * p1 + ((f1 * p2 + f2 * p1) + ((f1 * p3 + f2 * p2) + f3 * p1));
  return MRed(select(r, -r, neg), q & 3u);
}
// Cody-Waite in five exact steps below 6000 (k < 2^12, pi/2 in 12-bit parts), else Payne-Hanek.
fn m_rem_pio2(x: f32) -> MRed {
  let a = abs(x);
  if (a <= 0.7853981633974483) { return MRed(x, 0u); }
  var red: MRed;
  if (a < 6000.0) {
    let k = round(a * 0.6366197723675814);
    let r = ((((a - k * 1.5703125) - k * 0.0004837512969970703) - k * 7.549533620476723e-08) -
      k * 2.5632829192545614e-12) - k * 6.123234262925839e-17;
    red = MRed(r, u32(k) & 3u);
  } else {
    red = m_rem_pio2_big(bitcast<u32>(a));
  }
  if (x < 0.0) { return MRed(-red.r, (4u - red.q) & 3u); }
  return red;
}
fn m_sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-0.16666666640794892 + z * (0.008333329304661914 +
    z * (-0.00019839312223746998 + z * 2.718121267735081e-06)));
}
fn m_cos_poly(r: f32) -> f32 {
  let z = r * r;
  let p = z * z * (0.04166664568114312 + z * (-0.0013887316179334152 +
    z * 2.4433149618923507e-05));
  return 1.0 - (0.5 * z - p);
}
// (sin x, cos x).
fn m_sincos(x: f32) -> vec2<f32> {
  if (is_nan(x) || is_inf(x)) { return vec2<f32>(nan_f32(), nan_f32()); }
  if (abs(x) < 2.44140625e-04) { return vec2<f32>(x, 1.0); }
  let red = m_rem_pio2(x);
  let s = m_sin_poly(red.r); let c = m_cos_poly(red.r);
  switch (red.q) {
    case 0u: { return vec2<f32>(s, c); }
    case 1u: { return vec2<f32>(c, -s); }
    case 2u: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}
fn m_sin(x: f32) -> f32 { return m_sincos(x).x; }
fn m_cos(x: f32) -> f32 { return m_sincos(x).y; }
fn m_tan(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f32(); }
  if (abs(x) < 2.44140625e-04) { return x; }
  let red = m_rem_pio2(x);
  let r = red.r; let z = r * r;
  let t = r + r * z * (0.33333349756371466 + z * (0.1333266330858779 +
    z * (0.054059918476747335 + z * (0.021282181980895883 + z * (0.010835816465063645 +
    z * (8.954366285592215e-05 + z * 0.004376265849213614))))));
  if ((red.q & 1u) == 1u) { return -m_div(1.0, t); }
  return t;
}
// atan(t) for |t| <= tan(pi/8).
fn m_atan_poly(t: f32) -> f32 {
  let z = t * t;
  return t + t * z * (-0.3333333249899143 + z * (0.19999903898068383 +
    z * (-0.1428200751421275 + z * (0.11044688983037532 + z * (-0.08476256257810376 +
    z * 0.04744024694476951)))));
}
// atan(a) for a >= 0 (+Inf included).
fn m_atan_pos(a: f32) -> f32 {
  let inv = a > 1.0;
  let t = select(a, m_div(1.0, a), inv);
  var r: f32;
  if (t > 0.41421356237309503) {
    r = M_PIO4_HI + (M_PIO4_LO + m_atan_poly(m_div(t - 1.0, t + 1.0)));
  } else {
    r = m_atan_poly(t);
  }
  if (inv) { r = M_PIO2_HI + (M_PIO2_LO - r); }
  return r;
}
fn m_atan(x: f32) -> f32 {
  if (is_nan(x) || abs(x) < 2.44140625e-04) { return x; }
  return m_copysign(m_atan_pos(abs(x)), x);
}
// atan2 of finite y, x, not both zero (np_atan2 takes the special values).
fn m_atan2f(y: f32, x: f32) -> f32 {
  let ax = abs(x); let ay = abs(y);
  var r: f32;
  if (ay <= ax) {
    r = m_atan_pos(m_div(ay, ax));
  } else {
    r = M_PIO2_HI + (M_PIO2_LO - m_atan_pos(m_div(ax, ay)));
  }
  if (bitcast<i32>(x) < 0) { r = M_PI_HI + (M_PI_LO - r); }
  return m_copysign(r, y);
}
fn m_asin(x: f32) -> f32 {
  if (is_nan(x) || abs(x) < 2.44140625e-04) { return x; }
  let a = abs(x);
  if (a > 1.0) { return nan_f32(); }
  return m_copysign(m_atan2f(a, m_sqrt((1.0 - a) * (1.0 + a))), x);
}
fn m_acos(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a > 1.0) { return nan_f32(); }
  return m_atan2f(m_sqrt((1.0 - a) * (1.0 + a)), x);
}
fn m_sinh(x: f32) -> f32 {
  let a = abs(x);
  if (is_nan(x) || is_inf(x) || a < 2.44140625e-04) { return x; }
  var r: f32;
  if (a < 10.0) {
    let t = m_expm1(a);
    r = 0.5 * (t + m_div(t, t + 1.0));
  } else if (a < 89.5) {
    r = m_expk(a, -1);
  } else {
    r = inf_f32();
  }
  return m_copysign(r, x);
}
fn m_cosh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 10.0) {
    let e = m_expk(a, 0);
    return 0.5 * e + m_div(0.5, e);
  }
  if (a < 89.5) { return m_expk(a, -1); }
  return inf_f32();
}
fn m_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (is_nan(x) || a < 2.44140625e-04) { return x; }
  var r: f32;
  if (a > 9.1) {
    r = 1.0;
  } else if (a >= 0.55) {
    r = 1.0 - m_div(2.0, m_expm1(2.0 * a) + 2.0);
  } else {
    let t = m_expm1(-2.0 * a);
    r = m_div(-t, t + 2.0);
  }
  return m_copysign(r, x);
}
fn m_asinh(x: f32) -> f32 {
  let a = abs(x);
  if (is_nan(x) || is_inf(x) || a < 2.44140625e-04) { return x; }
  var r: f32;
  if (a > 4096.0) {
    r = m_log(a) + 0.6931471805599453;
  } else if (a > 2.0) {
    r = m_log(2.0 * a + m_div(1.0, m_sqrt(a * a + 1.0) + a));
  } else {
    let a2 = a * a;
    r = m_log1p(a + m_div(a2, 1.0 + m_sqrt(1.0 + a2)));
  }
  return m_copysign(r, x);
}
fn m_acosh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < 1.0) { return nan_f32(); }
  if (is_inf(x)) { return x; }
  if (x > 4096.0) { return m_log(x) + 0.6931471805599453; }
  if (x > 2.0) { return m_log(2.0 * x - m_div(1.0, x + m_sqrt(x * x - 1.0))); }
  let t = x - 1.0;
  return m_log1p(t + m_sqrt(2.0 * t + t * t));
}
fn m_atanh(x: f32) -> f32 {
  let a = abs(x);
  if (is_nan(x) || a < 2.44140625e-04) { return x; }
  if (a > 1.0) { return nan_f32(); }
  if (a == 1.0) { return m_copysign(inf_f32(), x); }
  var r: f32;
  if (a < 0.5) {
    r = 0.5 * m_log1p(2.0 * a + m_div(2.0 * a * a, 1.0 - a));
  } else {
    r = 0.5 * m_log1p(m_div(2.0 * a, 1.0 - a));
  }
  return m_copysign(r, x);
}
`;
