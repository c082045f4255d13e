// WGSL expressions of the elementwise ops, per compute class. Each entry renders the body of a
// function of the operands' compute values (`x`, or `a`/`b`/`c`) for one dtype row; an op lists
// only the classes it runs on, and the kernel table (manifest.ts) is derived from these lists.
// The semantics are the CPU kernels' (NumPy's): NaN propagation, integer wrap-around, floor
// division and modulo signs, integer division by zero giving 0.

import type { WgslType } from "./types.ts";

/** Compute classes: f32 (f32/f16/bf16), signed and unsigned 32-bit ints, bool, c64, i64/u64. */
export type ComputeClass = "f" | "i" | "u" | "b" | "c" | "l" | "ul";

/** The compute class of a dtype row. */
export function classOf(t: WgslType): ComputeClass {
  switch (t.compute) {
    case "f32":
      return "f";
    case "i32":
      return "i";
    case "u32":
      return "u";
    case "bool":
      return "b";
    case "vec2<f32>":
      return "c";
    case "vec2<u32>":
      return t.dtype === "i64" ? "l" : "ul";
  }
}

/** A body renderer: WGSL statements ending in `return …;` given the dtype row. */
export type Body = (t: WgslType) => string;

const r = (expr: string): Body => () => `return ${expr};`;

/** Complex helpers (NumPy's formulas: naive product, Smith's quotient). */
export const COMPLEX_PRELUDE = `
fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}
fn cdiv(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let abr = abs(b.x); let abi = abs(b.y);
  if (abr >= abi) {
    if (abr == 0.0 && abi == 0.0) { return vec2<f32>(a.x / abr, a.y / abi); }
    let rat = b.y / b.x; let scl = 1.0 / (b.x + b.y * rat);
    return vec2<f32>((a.x + a.y * rat) * scl, (a.y - a.x * rat) * scl);
  }
  let rat = b.x / b.y; let scl = 1.0 / (b.y + b.x * rat);
  return vec2<f32>((a.x * rat + a.y) * scl, (a.y * rat - a.x) * scl);
}
fn cabs(z: vec2<f32>) -> f32 {
  if (is_inf(z.x) || is_inf(z.y)) { return inf_f32(); }
  if (is_nan(z.x) || is_nan(z.y)) { return nan_f32(); }
  let m = max(abs(z.x), abs(z.y));
  if (m == 0.0) { return 0.0; }
  let u = z.x / m; let v = z.y / m;
  return m * sqrt(u * u + v * v);
}
fn cexp(z: vec2<f32>) -> vec2<f32> {
  let e = m_exp(z.x);
  if (z.y == 0.0) { return vec2<f32>(e, z.y); }
  return e * m_sincos(z.y).yx;
}
// log|z|; near |z| = 1 as log1p(|z|^2 - 1) / 2 with |z|^2 - 1 from exact 12-bit products.
fn c_logabs(z: vec2<f32>) -> f32 {
  let m = cabs(z);
  let ax = max(abs(z.x), abs(z.y)); let ay = min(abs(z.x), abs(z.y));
  if (is_nan(m) || m < 0.7 || m > 1.42 || ax > 1.5) { return m_log(m); }
  let xh = m_hi12(ax); let xl = ax - xh; let yh = m_hi12(ay); let yl = ay - yh;
  let t = ((((xh * xh - 1.0) + yh * yh) + 2.0 * xh * xl) + 2.0 * yh * yl) + (xl * xl + yl * yl);
  return 0.5 * m_log1p(t);
}
fn clog(z: vec2<f32>) -> vec2<f32> { return vec2<f32>(c_logabs(z), np_atan2(z.y, z.x)); }
fn csqrt(z: vec2<f32>) -> vec2<f32> {
  if (z.x == 0.0 && z.y == 0.0) { return vec2<f32>(0.0, z.y); }
  if (is_inf(z.y)) { return vec2<f32>(inf_f32(), z.y); }
  let t = sqrt((abs(z.x) + cabs(z)) * 0.5);
  if (z.x >= 0.0) { return vec2<f32>(t, z.y / (2.0 * t)); }
  return vec2<f32>(abs(z.y) / (2.0 * t), select(t, -t, bitcast<i32>(z.y) < 0));
}
fn clt(a: vec2<f32>, b: vec2<f32>) -> bool { return a.x < b.x || (a.x == b.x && a.y < b.y); }
fn cnan(z: vec2<f32>) -> bool { return is_nan(z.x) || is_nan(z.y); }
fn cpsgn(a: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(a) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}
fn c_fin(x: f32) -> bool { return !is_nan(x) && !is_inf(x); }
fn cquot_naive(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let d = b.x * b.x + b.y * b.y;
  return vec2<f32>((a.x * b.x + a.y * b.y) / d, (a.y * b.x - a.x * b.y) / d);
}
// NumPy's nc_pow (as the CPU's cpow): small integer exponents multiply.
fn cpow(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  if (b.x == 0.0 && b.y == 0.0) { return vec2<f32>(1.0, 0.0); }
  if (a.x == 0.0 && a.y == 0.0) {
    if (b.x > 0.0) { return vec2<f32>(0.0, 0.0); }
    return vec2<f32>(nan_f32(), nan_f32());
  }
  if (b.y == 0.0 && b.x == trunc(b.x) && abs(b.x) < 100.0) {
    let n = i32(b.x);
    if (n == 1) { return a; }
    if (n == 2) { return cmul(a, a); }
    if (n == 3) { return cmul(a, cmul(a, a)); }
    var m = u32(abs(n)); var acc = vec2<f32>(1.0, 0.0); var p = a;
    for (var k = 0; k < 8; k++) {
      if ((m & 1u) != 0u) { acc = cmul(acc, p); }
      m = m >> 1u;
      if (m == 0u) { break; }
      p = cmul(p, p);
    }
    if (n < 0) { return cquot_naive(vec2<f32>(1.0, 0.0), acc); }
    return acc;
  }
  let la = m_log(np_hypot(a.x, a.y)); let arg = np_atan2(a.y, a.x);
  let zr = b.x * la - b.y * arg; let zi = b.x * arg + b.y * la;
  let mag = m_exp(zr);
  if (zi == 0.0) { return vec2<f32>(mag, zi); }
  let cs = m_sincos(zi);
  return vec2<f32>(mag * cs.y, mag * cs.x);
}
fn cexpm1(z: vec2<f32>) -> vec2<f32> {
  // The CPU computes c64 in f64: e^x * 0 is NaN only where e^x overflows f64.
  if (z.y == 0.0) {
    return vec2<f32>(m_expm1(z.x), select(z.y, nan_f32(), is_nan(z.x) || z.x > 709.78));
  }
  let a = m_sin(z.y * 0.5);
  let cs = m_sincos(z.y);
  return vec2<f32>(m_expm1(z.x) * cs.y - 2.0 * a * a, m_expmul(z.x, cs.x));
}
fn clog1p(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y;
  if (c_fin(x) && c_fin(y) && abs(x) < 0.5 && abs(y) < 0.5) {
    return vec2<f32>(m_log1p(x * (2.0 + x) + y * y) * 0.5, m_atan2f(y, 1.0 + x));
  }
  return clog(vec2<f32>(1.0 + x, y));
}
// e^|x| / 2 (cosh and sinh for |x| past 9) times (sin y, cos y), finite where the product is.
fn c_halfexp(ax: f32, cs: vec2<f32>) -> vec2<f32> {
  if (ax < 88.0) { return m_expk(ax, -1) * cs; }
  return vec2<f32>(m_expmul(ax, 0.5 * cs.x), m_expmul(ax, 0.5 * cs.y));
}
fn ccosh(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y;
  if (c_fin(x) && c_fin(y)) {
    if (y == 0.0) { return vec2<f32>(m_cosh(x), x * y); }
    let ax = abs(x);
    let cs = m_sincos(y);
    if (ax < 9.0) { return vec2<f32>(m_cosh(x) * cs.y, m_sinh(x) * cs.x); }
    let w = c_halfexp(ax, cs);
    return vec2<f32>(w.y, select(w.x, -w.x, x < 0.0));
  }
  if (x == 0.0) { return vec2<f32>(nan_f32(), 0.0); }
  if (y == 0.0) { return vec2<f32>(abs(x), select(0.0, -0.0, x < 0.0) * y); }
  if (c_fin(x)) { return vec2<f32>(nan_f32(), nan_f32()); }
  if (is_inf(x)) {
    if (!c_fin(y)) { return vec2<f32>(inf_f32(), nan_f32()); }
    return vec2<f32>(inf_f32() * m_cos(y), x * m_sin(y));
  }
  return vec2<f32>(nan_f32(), nan_f32());
}
fn csinh(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y;
  if (c_fin(x) && c_fin(y)) {
    if (y == 0.0) { return vec2<f32>(m_sinh(x), y); }
    let ax = abs(x);
    let cs = m_sincos(y);
    if (ax < 9.0) { return vec2<f32>(m_sinh(x) * cs.y, m_cosh(x) * cs.x); }
    let w = c_halfexp(ax, cs);
    return vec2<f32>(select(w.y, -w.y, x < 0.0), w.x);
  }
  if (x == 0.0) { return vec2<f32>(0.0, nan_f32()); }
  if (y == 0.0) { return z; }
  if (c_fin(x)) { return vec2<f32>(nan_f32(), nan_f32()); }
  if (is_inf(x)) {
    if (!c_fin(y)) { return vec2<f32>(inf_f32(), nan_f32()); }
    return vec2<f32>(x * m_cos(y), inf_f32() * m_sin(y));
  }
  return vec2<f32>(nan_f32(), nan_f32());
}
// Kahan's algorithm.
fn ctanh(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y;
  if (!c_fin(x)) {
    if (is_nan(x)) { return vec2<f32>(x, select(nan_f32(), y, y == 0.0)); }
    let cs = m_sincos(y);
    let im = select(cs.x * cs.y, y, is_inf(y));
    return vec2<f32>(cpsgn(1.0, x), cpsgn(0.0, im));
  }
  if (!c_fin(y)) { return vec2<f32>(select(nan_f32(), x, x == 0.0), nan_f32()); }
  if (abs(x) >= 11.0) {
    let e = m_exp(-abs(x));
    let cs = m_sincos(y);
    return vec2<f32>(cpsgn(1.0, x), 4.0 * cs.x * cs.y * e * e);
  }
  let t = m_tan(y); let beta = 1.0 + t * t; let s = m_sinh(x);
  let rho = sqrt(1.0 + s * s); let den = 1.0 + beta * s * s;
  return vec2<f32>((beta * rho * s) / den, t / den);
}
fn ccos(z: vec2<f32>) -> vec2<f32> { return ccosh(vec2<f32>(-z.y, z.x)); }
fn csin(z: vec2<f32>) -> vec2<f32> {
  if (!c_fin(z.x) && is_inf(z.y)) { return vec2<f32>(nan_f32(), inf_f32()); }
  let w = csinh(vec2<f32>(-z.y, z.x));
  return vec2<f32>(w.y, -w.x);
}
fn ctan(z: vec2<f32>) -> vec2<f32> {
  let w = ctanh(vec2<f32>(-z.y, z.x));
  return vec2<f32>(w.y, -w.x);
}
// Inverse functions: Hull, Fairgrieve and Tang as in FreeBSD's catrig.c (the CPU's forms).
const C_EPS: f32 = 1.1920928955078125e-07;
fn half_gap(a: f32, b: f32, h: f32) -> f32 {
  if (b < 0.0) { return (h - b) * 0.5; }
  if (b == 0.0) { return a * 0.5; }
  return a * a / (h + b) * 0.5;
}
struct HardWork { rx: f32, b_usable: bool, b: f32, sqrt_a2my2: f32, new_y: f32 }
fn hard_work(x: f32, y: f32) -> HardWork {
  var o = HardWork(0.0, true, 0.0, 0.0, y);
  let R = np_hypot(x, y + 1.0); let S = np_hypot(x, y - 1.0);
  let A = max((R + S) * 0.5, 1.0);
  if (A < 10.0) {
    if (y == 1.0 && x < C_EPS * C_EPS / 128.0) {
      o.rx = sqrt(x);
    } else if (x >= C_EPS * abs(y - 1.0)) {
      let am1 = half_gap(x, 1.0 + y, R) + half_gap(x, 1.0 - y, S);
      o.rx = m_log1p(am1 + sqrt(am1 * (A + 1.0)));
    } else if (y < 1.0) {
      o.rx = x / sqrt((1.0 - y) * (1.0 + y));
    } else {
      o.rx = m_log1p((y - 1.0) + sqrt((y - 1.0) * (y + 1.0)));
    }
  } else {
    o.rx = m_log(A + sqrt(A * A - 1.0));
  }
  if (y < 4.336808689942018e-19) {
    o.b_usable = false;
    o.sqrt_a2my2 = A * (2.0 / C_EPS);
    o.new_y = y * (2.0 / C_EPS);
    return o;
  }
  o.b = y / A;
  if (o.b > 0.6417) {
    o.b_usable = false;
    if (y == 1.0 && x < C_EPS / 128.0) {
      o.sqrt_a2my2 = sqrt(x) * sqrt((A + y) * 0.5);
    } else if (x >= C_EPS * abs(y - 1.0)) {
      let amy = half_gap(x, y + 1.0, R) + half_gap(x, y - 1.0, S);
      o.sqrt_a2my2 = sqrt(amy * (A + y));
    } else if (y > 1.0) {
      o.sqrt_a2my2 = x * (4.0 / C_EPS / C_EPS) * y / sqrt((y + 1.0) * (y - 1.0));
      o.new_y = y * (4.0 / C_EPS / C_EPS);
    } else {
      o.sqrt_a2my2 = sqrt((1.0 - y) * (1.0 + y));
    }
  }
  return o;
}
fn clog_large(x: f32, y: f32) -> vec2<f32> {
  let ax = max(abs(x), abs(y)); let ay = min(abs(x), abs(y));
  var rr: f32;
  if (ax > 1.7014117e38) {
    rr = m_log(np_hypot(x / 2.718281828459045, y / 2.718281828459045)) + 1.0;
  } else if (ax > 4.611685743549481e+18 || ay < 1.0842021724855044e-19) {
    rr = m_log(np_hypot(x, y));
  } else {
    rr = m_log(ax * ax + ay * ay) * 0.5;
  }
  return vec2<f32>(rr, np_atan2(y, x));
}
fn casinh(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y; let ax = abs(x); let ay = abs(y);
  if (is_nan(x) || is_nan(y)) {
    if (is_inf(x)) { return vec2<f32>(x, nan_f32()); }
    if (is_inf(y)) { return vec2<f32>(inf_f32(), nan_f32()); }
    if (y == 0.0) { return vec2<f32>(nan_f32(), y); }
    return vec2<f32>(nan_f32(), nan_f32());
  }
  if (ax > 8388608.0 || ay > 8388608.0) {
    let w = select(clog_large(-x, -y), clog_large(x, y), bitcast<i32>(x) >= 0);
    return vec2<f32>(cpsgn(w.x + 0.6931471805599453, x), cpsgn(w.y, y));
  }
  if (x == 0.0 && y == 0.0) { return z; }
  if (ax < 0.0008457279182039201 / 4.0 && ay < 0.0008457279182039201 / 4.0) { return z; }
  let h = hard_work(ax, ay);
  // asin and acos through atan2 (llvmpipe's asin is ~1e-4 off); |b| <= 0.6417 here.
  let cb = sqrt((1.0 - h.b) * (1.0 + h.b));
  let ry = select(np_atan2(h.new_y, h.sqrt_a2my2), m_atan2f(h.b, cb), h.b_usable);
  return vec2<f32>(cpsgn(h.rx, x), cpsgn(ry, y));
}
fn cacos(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y; let ax = abs(x); let ay = abs(y);
  if (is_nan(x) || is_nan(y)) {
    if (is_inf(x)) { return vec2<f32>(nan_f32(), -inf_f32()); }
    if (is_inf(y)) { return vec2<f32>(nan_f32(), -y); }
    if (x == 0.0) { return vec2<f32>(1.5707963267948966, nan_f32()); }
    return vec2<f32>(nan_f32(), nan_f32());
  }
  if (ax > 8388608.0 || ay > 8388608.0) {
    let w = clog_large(x, y);
    let ry = w.x + 0.6931471805599453;
    return vec2<f32>(abs(w.y), select(ry, -ry, bitcast<i32>(y) >= 0));
  }
  if (x == 1.0 && y == 0.0) { return vec2<f32>(0.0, -y); }
  if (ax < 0.0008457279182039201 / 4.0 && ay < 0.0008457279182039201 / 4.0) {
    return vec2<f32>(1.5707963267948966 - x, -y);
  }
  let h = hard_work(ay, ax);
  let xpos = bitcast<i32>(x) >= 0;
  var rx: f32;
  if (h.b_usable) {
    rx = m_atan2f(sqrt((1.0 - h.b) * (1.0 + h.b)), select(-h.b, h.b, xpos));
  } else {
    rx = np_atan2(h.sqrt_a2my2, select(-h.new_y, h.new_y, xpos));
  }
  return vec2<f32>(rx, select(h.rx, -h.rx, bitcast<i32>(y) >= 0));
}
fn cacosh(z: vec2<f32>) -> vec2<f32> {
  let w = cacos(z);
  if (is_nan(w.x) && is_nan(w.y)) { return vec2<f32>(w.y, w.x); }
  if (is_nan(w.x)) { return vec2<f32>(abs(w.y), w.x); }
  if (is_nan(w.y)) { return vec2<f32>(w.y, w.x); }
  return vec2<f32>(abs(w.y), cpsgn(w.x, z.y));
}
fn casin(z: vec2<f32>) -> vec2<f32> {
  let w = casinh(vec2<f32>(z.y, z.x));
  return vec2<f32>(w.y, w.x);
}
fn real_part_recip(x: f32, y: f32) -> f32 {
  if (is_inf(x)) { return 1.0 / x; }
  if (is_inf(y)) { return x / y / y; }
  let m = max(abs(x), abs(y));
  let xs = x / m; let ys = y / m;
  return xs / (xs * xs + ys * ys) / m;
}
fn catanh(z: vec2<f32>) -> vec2<f32> {
  let x = z.x; let y = z.y; let ax = abs(x); let ay = abs(y);
  if (y == 0.0 && ax <= 1.0) {
    return vec2<f32>(select(m_atanh(x), x / 0.0, ax == 1.0), y);
  }
  if (x == 0.0) { return vec2<f32>(x, select(m_atan(y), nan_f32(), is_nan(y))); }
  if (is_nan(x) || is_nan(y)) {
    if (is_inf(x)) { return vec2<f32>(cpsgn(0.0, x), nan_f32()); }
    if (is_inf(y)) { return vec2<f32>(cpsgn(0.0, x), cpsgn(1.5707963267948966, y)); }
    return vec2<f32>(nan_f32(), nan_f32());
  }
  if (ax > 8388608.0 || ay > 8388608.0) {
    return vec2<f32>(real_part_recip(x, y), cpsgn(1.5707963267948966, y));
  }
  if (ax < 0.0005980199784971774 / 2.0 && ay < 0.0005980199784971774 / 2.0) { return z; }
  var rx: f32;
  if (ax == 1.0 && ay < C_EPS) {
    rx = (0.6931471805599453 - m_log(ay)) * 0.5;
  } else {
    let d = ax - 1.0;
    let ss = select(d * d + ay * ay, d * d, ay < 1.0842021724855044e-19);
    rx = m_log1p(4.0 * ax / ss) * 0.25;
  }
  var ry: f32;
  if (ax == 1.0) {
    ry = np_atan2(2.0, -ay) * 0.5;
  } else if (ay < C_EPS) {
    ry = np_atan2(2.0 * ay, (1.0 - ax) * (1.0 + ax)) * 0.5;
  } else {
    ry = np_atan2(2.0 * ay, (1.0 - ax) * (1.0 + ax) - ay * ay) * 0.5;
  }
  return vec2<f32>(cpsgn(rx, x), cpsgn(ry, y));
}
fn catan(z: vec2<f32>) -> vec2<f32> {
  let w = catanh(vec2<f32>(z.y, z.x));
  return vec2<f32>(w.y, w.x);
}
`;

/** Float helpers with NumPy's edge cases. */
export const FLOAT_PRELUDE = `
fn np_sign(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return 0.0;
}
fn np_round(x: f32) -> f32 {
  let t = trunc(x);
  if (abs(x - t) >= 0.5) { return t + select(-1.0, 1.0, x > 0.0); }
  return t;
}
fn np_cbrt(x: f32) -> f32 {
  if (x == 0.0 || is_nan(x) || is_inf(x)) { return x; }
  let a = abs(x);
  var y = exp2(log2(a) / 3.0);
  y = y - (y * y * y - a) / (3.0 * y * y);
  return select(y, -y, x < 0.0);
}
fn np_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return max(a, b);
}
fn np_min(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } return min(a, b);
}
fn np_fmax(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return b; } if (is_nan(b)) { return a; } return max(a, b);
}
fn np_fmin(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return b; } if (is_nan(b)) { return a; } return min(a, b);
}
// Float != may compile to an ordered comparison (NVIDIA Vulkan: NaN != 0 is false), so
// NaN is tested on the bits wherever it must take the != branch.
// Exact C fmod on the bits (musl's fmodf): a - b * trunc(a / b) loses digits for big quotients.
fn np_fmod(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || is_inf(a) || b == 0.0) { return nan_f32(); }
  if (is_inf(b)) { return a; }
  let sx = bitcast<u32>(a) & 0x80000000u;
  let ax = bitcast<u32>(a) & 0x7fffffffu;
  let ay = bitcast<u32>(b) & 0x7fffffffu;
  if (ax < ay) { return a; }
  if (ax == ay) { return bitcast<f32>(sx); }
  var ex = i32(ax >> 23u); var ey = i32(ay >> 23u);
  var mx = ax; var my = ay;
  if (ex == 0) {
    for (var k = 0; k < 24 && (mx & 0x800000u) == 0u; k++) { mx = mx << 1u; ex -= 1; }
    ex += 1;
  } else { mx = (mx & 0x7fffffu) | 0x800000u; }
  if (ey == 0) {
    for (var k = 0; k < 24 && (my & 0x800000u) == 0u; k++) { my = my << 1u; ey -= 1; }
    ey += 1;
  } else { my = (my & 0x7fffffu) | 0x800000u; }
  for (var k = 0; k < 300 && ex > ey; k++) {
    if (mx >= my) { if (mx == my) { return bitcast<f32>(sx); } mx -= my; }
    mx = mx << 1u; ex -= 1;
  }
  if (mx >= my) { if (mx == my) { return bitcast<f32>(sx); } mx -= my; }
  for (var k = 0; k < 24 && (mx & 0x800000u) == 0u; k++) { mx = mx << 1u; ex -= 1; }
  if (ex > 0) { mx = (mx - 0x800000u) | (u32(ex) << 23u); } else { mx = mx >> u32(1 - ex); }
  return bitcast<f32>(mx | sx);
}
fn np_floordiv(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  var m = np_fmod(a, b);
  var d = (a - m) / b;
  if (is_nan(m) || m != 0.0) { if ((b < 0.0) != (m < 0.0)) { d = d - 1.0; } }
  if (is_nan(d) || d != 0.0) {
    var f = floor(d);
    if (d - f > 0.5) { f = f + 1.0; }
    return f;
  }
  return select(0.0, -0.0, (a / b) < 0.0);
}
fn np_mod(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return nan_f32(); }
  var m = np_fmod(a, b);
  if (is_nan(m) || m != 0.0) { if ((b < 0.0) != (m < 0.0)) { m = m + b; } return m; }
  return select(0.0, -0.0, b < 0.0);
}
fn np_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a == 1.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  let bi = trunc(b);
  let is_int = bi == b && abs(b) < 16777216.0;
  let odd = is_int && (abs(b) % 2.0) == 1.0;
  if (a == 0.0) {
    if (b < 0.0) {
      return select(inf_f32(), select(inf_f32(), -inf_f32(), bitcast<i32>(a) < 0), odd);
    }
    return select(0.0, a, odd);
  }
  if (a < 0.0) {
    if (is_inf(b)) {
      let big = select(0.0, inf_f32(), b > 0.0);
      return select(big, select(inf_f32(), 0.0, b > 0.0), abs(a) < 1.0);
    }
    if (!is_int) { return nan_f32(); }
    let m = m_exp2(b * m_log2(-a));
    return select(m, -m, odd);
  }
  return m_exp2(b * m_log2(a));
}
fn np_atan2(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  if (is_inf(a) && is_inf(b)) {
    let q = select(0.7853981633974483, 2.356194490192345, b < 0.0);
    return select(q, -q, a < 0.0);
  }
  let neg_a = bitcast<i32>(a) < 0;
  let neg_b = bitcast<i32>(b) < 0;
  if (a == 0.0 || is_inf(b)) {
    if (is_inf(a)) { return select(1.5707963267948966, -1.5707963267948966, neg_a); }
    // ±0 or ±pi, by the signs (a zero b's sign counts too).
    if (!neg_b) { return select(0.0, -0.0, neg_a); }
    return select(3.141592653589793, -3.141592653589793, neg_a);
  }
  if (b == 0.0 || is_inf(a)) { return select(1.5707963267948966, -1.5707963267948966, neg_a); }
  return m_atan2f(a, b);
}
fn np_hypot(a: f32, b: f32) -> f32 {
  if (is_inf(a) || is_inf(b)) { return inf_f32(); }
  let x = abs(a); let y = abs(b);
  let m = max(x, y);
  if (m == 0.0 || is_nan(m)) { return select(m, nan_f32(), is_nan(a) || is_nan(b)); }
  let s = min(x, y) / m;
  return m * sqrt(1.0 + s * s);
}
fn f32_to_i32_np(x: f32) -> i32 {
  if (is_nan(x) || !(x >= -2147483648.0 && x < 2147483648.0)) { return bitcast<i32>(0x80000000u); }
  return i32(x);
}
fn f32_to_i64_np(x: f32) -> vec2<u32> {
  if (is_nan(x) || !(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) {
    return vec2<u32>(0u, 0x80000000u);
  }
  let t = trunc(abs(x));
  let hi = floor(t / 4294967296.0);
  let lo = t - hi * 4294967296.0;
  let m = vec2<u32>(u32(lo), u32(hi));
  if (x < 0.0) { return add64(~m, vec2<u32>(1u, 0u)); }
  return m;
}
fn f32_to_u64_np(x: f32) -> vec2<u32> {
  if (x >= 9223372036854775808.0 && x < 18446744073709551616.0) {
    let v = f32_to_i64_np(x - 9223372036854775808.0);
    return vec2<u32>(v.x, v.y ^ 0x80000000u);
  }
  return f32_to_i64_np(x);
}
`;

/** Integer helpers with NumPy's edge cases (division by zero gives 0, MIN // -1 wraps). */
export const INT_PRELUDE = `
// Signed division and remainder through unsigned magnitudes: GLSL (one of the backends WGSL
// lowers to) leaves % of negative operands undefined.
fn i_divrem(a: i32, b: i32) -> vec2<i32> {
  let ua = select(bitcast<u32>(a), 0u - bitcast<u32>(a), a < 0);
  let ub = select(bitcast<u32>(b), 0u - bitcast<u32>(b), b < 0);
  let q = bitcast<i32>(ua / ub);
  let r = bitcast<i32>(ua % ub);
  return vec2<i32>(select(q, 0 - q, (a < 0) != (b < 0)), select(r, 0 - r, a < 0));
}
fn i_floordiv(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (b == -1) { return 0 - a; }
  let qr = i_divrem(a, b);
  if (qr.y != 0 && ((a < 0) != (b < 0))) { return qr.x - 1; }
  return qr.x;
}
fn i_mod(a: i32, b: i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  let m = i_divrem(a, b).y;
  if (m != 0 && ((m < 0) != (b < 0))) { return m + b; }
  return m;
}
fn u_floordiv(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a / b; }
fn u_mod(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a % b; }
fn i_pow(base: i32, exponent: i32) -> i32 {
  var result = 1; var b = base; var e = exponent;
  for (var k = 0; k < 32 && e > 0; k++) {
    if ((e & 1) != 0) { result = result * b; }
    e = e >> 1u;
    if (e != 0) { b = b * b; }
  }
  return result;
}
fn u_pow(base: u32, exponent: u32) -> u32 {
  var result = 1u; var b = base; var e = exponent;
  for (var k = 0; k < 32 && e > 0u; k++) {
    if ((e & 1u) != 0u) { result = result * b; }
    e = e >> 1u;
    if (e != 0u) { b = b * b; }
  }
  return result;
}
// 64-bit integers as vec2<u32>(low word, high word), two's complement, wrapping like the CPU.
fn neg64(a: vec2<u32>) -> vec2<u32> { return add64(~a, vec2<u32>(1u, 0u)); }
fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn isneg64(a: vec2<u32>) -> bool { return bitcast<i32>(a.y) < 0; }
fn abs64(a: vec2<u32>) -> vec2<u32> { return select(a, neg64(a), isneg64(a)); }
// Unsigned a / b and a % b as vec4(quotient, remainder), b != 0: one u32 division when both fit
// in 32 bits, else shift-subtract over a's significant bits (the remainder before a shift is
// below 2^63, as at most 63 bits came in, so the shift never carries out).
fn udivrem64(a: vec2<u32>, b: vec2<u32>) -> vec4<u32> {
  if ((a.y | b.y) == 0u) { return vec4<u32>(a.x / b.x, 0u, a.x % b.x, 0u); }
  var q = vec2<u32>(0u, 0u); var r = vec2<u32>(0u, 0u);
  let hi = a.y != 0u;
  let top = select(31 - i32(countLeadingZeros(a.x)), 63 - i32(countLeadingZeros(a.y)), hi);
  for (var i = top; i >= 0; i--) {
    let w = select(a.x, a.y, i >= 32);
    let bit = (w >> (u32(i) & 31u)) & 1u;
    r = vec2<u32>((r.x << 1u) | bit, (r.y << 1u) | (r.x >> 31u));
    q = vec2<u32>(q.x << 1u, (q.y << 1u) | (q.x >> 31u));
    if (!lt_u64(r, b)) { r = sub64(r, b); q.x = q.x | 1u; }
  }
  return vec4<u32>(q, r);
}
// Floor division and modulo of i64 with the CPU's edge cases (as i_floordiv and i_mod).
fn l_floordiv(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  if ((b.x | b.y) == 0u) { return b; }
  if ((b.x & b.y) == 0xffffffffu) { return neg64(a); }
  let qr = udivrem64(abs64(a), abs64(b));
  if (isneg64(a) == isneg64(b)) { return qr.xy; }
  return sub64(neg64(qr.xy), vec2<u32>(select(0u, 1u, (qr.z | qr.w) != 0u), 0u));
}
fn l_mod(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  if ((b.x | b.y) == 0u || (b.x & b.y) == 0xffffffffu) { return vec2<u32>(0u, 0u); }
  let r = udivrem64(abs64(a), abs64(b)).zw;
  if ((r.x | r.y) == 0u) { return r; }
  // r has a's sign; moving it to b's sign adds b.
  let m = select(r, neg64(r), isneg64(a));
  return select(m, add64(m, b), isneg64(a) != isneg64(b));
}
fn ul_floordiv(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  if ((b.x | b.y) == 0u) { return b; }
  return udivrem64(a, b).xy;
}
fn ul_mod(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  if ((b.x | b.y) == 0u) { return b; }
  return udivrem64(a, b).zw;
}
// base^e by squaring with wrap-around, e read as unsigned (callers reject negative i64 powers).
fn pow64(base: vec2<u32>, exponent: vec2<u32>) -> vec2<u32> {
  var result = vec2<u32>(1u, 0u); var b = base; var e = exponent;
  for (var k = 0; k < 64 && (e.x | e.y) != 0u; k++) {
    if ((e.x & 1u) != 0u) { result = mul64(result, b); }
    e = vec2<u32>((e.x >> 1u) | (e.y << 31u), e.y >> 1u);
    if ((e.x | e.y) != 0u) { b = mul64(b, b); }
  }
  return result;
}
fn l_sign(x: vec2<u32>) -> vec2<u32> {
  if (isneg64(x)) { return vec2<u32>(0xffffffffu, 0xffffffffu); }
  return vec2<u32>(select(0u, 1u, (x.x | x.y) != 0u), 0u);
}
`;

type Table = Partial<Record<ComputeClass, Body>>;

const INT_MIN = "bitcast<i32>(0x80000000u)";

/** Unary ops: bodies of `fn f(x) -> out`. */
export const UNARY_WGSL: Record<string, Table> = {
  neg: {
    f: r("-x"),
    i: r("0 - x"),
    u: r("0u - x"),
    c: r("-x"),
    l: r("neg64(x)"),
    ul: r("neg64(x)"),
  },
  abs: {
    f: r("abs(x)"),
    i: r("select(x, 0 - x, x < 0)"),
    u: r("x"),
    c: r("cabs(x)"),
    l: r("abs64(x)"),
    ul: r("x"),
  },
  sign: {
    f: r("np_sign(x)"),
    i: r("sign(x)"),
    u: r("select(0u, 1u, x > 0u)"),
    l: r("l_sign(x)"),
    ul: r("vec2<u32>(select(0u, 1u, (x.x | x.y) != 0u), 0u)"),
    c: () =>
      "let m = cabs(x); let n = vec2<f32>(nan_f32(), nan_f32()); if (is_nan(m)) { return n; } " +
      "if (is_inf(m)) { if (is_inf(x.x)) { if (is_inf(x.y)) { return n; } " +
      "return vec2<f32>(select(-1.0, 1.0, x.x > 0.0), 0.0); } " +
      "return vec2<f32>(0.0, select(-1.0, 1.0, x.y > 0.0)); } " +
      "if (m == 0.0) { return vec2<f32>(0.0, 0.0); } return x / m;",
  },
  sqrt: { f: r("select(sqrt(x), nan_f32(), x < 0.0)"), c: r("csqrt(x)") },
  rsqrt: {
    f: r("select(1.0 / sqrt(x), nan_f32(), x < 0.0)"),
    c: r("cdiv(vec2<f32>(1.0, 0.0), csqrt(x))"),
  },
  cbrt: { f: r("np_cbrt(x)") },
  square: {
    f: r("x * x"),
    i: r("x * x"),
    u: r("x * x"),
    c: r("cmul(x, x)"),
    l: r("mul64(x, x)"),
    ul: r("mul64(x, x)"),
  },
  exp: { f: r("m_exp(x)"), c: r("cexp(x)") },
  exp2: { f: r("m_exp2(x)"), c: r("cexp(x * 0.6931471805599453)") },
  expm1: { f: r("m_expm1(x)"), c: r("cexpm1(x)") },
  log: { f: r("m_log(x)"), c: r("clog(x)") },
  log2: { f: r("m_log2(x)"), c: r("clog(x) * 1.4426950408889634") },
  log10: { f: r("m_log10(x)"), c: r("clog(x) * 0.4342944819032518") },
  log1p: { f: r("m_log1p(x)"), c: r("clog1p(x)") },
  sin: { f: r("m_sin(x)"), c: r("csin(x)") },
  cos: { f: r("m_cos(x)"), c: r("ccos(x)") },
  tan: { f: r("m_tan(x)"), c: r("ctan(x)") },
  asin: { f: r("m_asin(x)"), c: r("casin(x)") },
  acos: { f: r("m_acos(x)"), c: r("cacos(x)") },
  atan: { f: r("m_atan(x)"), c: r("catan(x)") },
  sinh: { f: r("m_sinh(x)"), c: r("csinh(x)") },
  cosh: { f: r("m_cosh(x)"), c: r("ccosh(x)") },
  tanh: { f: r("m_tanh(x)"), c: r("ctanh(x)") },
  asinh: { f: r("m_asinh(x)"), c: r("casinh(x)") },
  acosh: { f: r("m_acosh(x)"), c: r("cacosh(x)") },
  atanh: { f: r("m_atanh(x)"), c: r("catanh(x)") },
  floor: { f: r("floor(x)") },
  ceil: { f: r("ceil(x)") },
  round: { f: r("np_round(x)"), c: r("vec2<f32>(np_round(x.x), np_round(x.y))") },
  trunc: { f: r("trunc(x)") },
  recip: {
    f: r("1.0 / x"),
    i: (t) =>
      `if (x == 0) { return ${t.bits === 32 ? INT_MIN : "0"}; } ` +
      "return select(0, x, x == 1 || x == -1);",
    u: r("select(0u, 1u, x == 1u)"),
    c: r("cdiv(vec2<f32>(1.0, 0.0), x)"),
    // 1 / 0 converts to the most negative i64 (as i32); 1 and -1 keep themselves.
    l: () =>
      "if ((x.x | x.y) == 0u) { return vec2<u32>(0u, 0x80000000u); } " +
      "let one = x.x == 1u && x.y == 0u; let m1 = (x.x & x.y) == 0xffffffffu; " +
      "return select(vec2<u32>(0u, 0u), x, one || m1);",
    ul: r("vec2<u32>(select(0u, 1u, x.x == 1u && x.y == 0u), 0u)"),
  },
  isnan: { f: r("is_nan(x)"), c: r("cnan(x)") },
  isinf: { f: r("is_inf(x)"), c: r("is_inf(x.x) || is_inf(x.y)") },
  isfinite: { f: r("!is_nan(x) && !is_inf(x)"), c: r("!cnan(x) && !is_inf(x.x) && !is_inf(x.y)") },
  logicalNot: {
    f: r("(bitcast<u32>(x) & 0x7fffffffu) == 0u"),
    i: r("x == 0"),
    u: r("x == 0u"),
    b: r("!x"),
    c: r("(bitcast<u32>(x.x) & 0x7fffffffu) == 0u && (bitcast<u32>(x.y) & 0x7fffffffu) == 0u"),
    l: r("(x.x | x.y) == 0u"),
    ul: r("(x.x | x.y) == 0u"),
  },
  conj: { c: r("vec2<f32>(x.x, -x.y)") },
  angle: { c: r("np_atan2(x.y, x.x)") },
};

/** Output compute type of a unary op when it differs from the input's. */
export function unaryOutput(op: string, t: WgslType): string {
  if (op === "isnan" || op === "isinf" || op === "isfinite" || op === "logicalNot") return "bool";
  if ((op === "abs" || op === "angle") && t.compute === "vec2<f32>") return "f32";
  return t.compute;
}

/** i64/u64 maximum (greater) or minimum: the larger or smaller by a signed or unsigned order. */
function wideExtremum(greater: boolean): Table {
  const pick = (lt: string) =>
    r(greater ? `select(a, b, ${lt}(a, b))` : `select(a, b, ${lt}(b, a))`);
  return { l: pick("lt_i64"), ul: pick("lt_u64") };
}

/** Binary arithmetic: bodies of `fn f(a, b) -> T`. */
export const BINARY_WGSL: Record<string, Table> = {
  add: {
    f: r("a + b"),
    i: r("a + b"),
    u: r("a + b"),
    b: r("a || b"),
    c: r("a + b"),
    l: r("add64(a, b)"),
    ul: r("add64(a, b)"),
  },
  sub: {
    f: r("a - b"),
    i: r("a - b"),
    u: r("a - b"),
    c: r("a - b"),
    l: r("add64(a, add64(~b, vec2<u32>(1u, 0u)))"),
    ul: r("add64(a, add64(~b, vec2<u32>(1u, 0u)))"),
  },
  mul: {
    f: r("a * b"),
    i: r("a * b"),
    u: r("a * b"),
    b: r("a && b"),
    c: r("cmul(a, b)"),
    l: r("mul64(a, b)"),
    ul: r("mul64(a, b)"),
  },
  div: { f: r("a / b"), c: r("cdiv(a, b)") },
  floorDiv: {
    f: r("np_floordiv(a, b)"),
    i: r("i_floordiv(a, b)"),
    u: r("u_floordiv(a, b)"),
    l: r("l_floordiv(a, b)"),
    ul: r("ul_floordiv(a, b)"),
  },
  mod: {
    f: r("np_mod(a, b)"),
    i: r("i_mod(a, b)"),
    u: r("u_mod(a, b)"),
    l: r("l_mod(a, b)"),
    ul: r("ul_mod(a, b)"),
  },
  pow: {
    f: r("np_pow(a, b)"),
    i: () => "if (b < 0) { atomicMax(&ERR[0], 2u); return 0; } return i_pow(a, b);",
    u: r("u_pow(a, b)"),
    c: r("cpow(a, b)"),
    l: () =>
      "if (isneg64(b)) { atomicMax(&ERR[0], 2u); return vec2<u32>(0u, 0u); } return pow64(a, b);",
    ul: r("pow64(a, b)"),
  },
  atan2: { f: r("np_atan2(a, b)") },
  hypot: { f: r("np_hypot(a, b)") },
  maximum: {
    f: r("np_max(a, b)"),
    i: r("max(a, b)"),
    u: r("max(a, b)"),
    b: r("a || b"),
    c: r("select(select(a, b, clt(a, b)), select(a, b, cnan(b)), cnan(a) || cnan(b))"),
    ...wideExtremum(true),
  },
  minimum: {
    f: r("np_min(a, b)"),
    i: r("min(a, b)"),
    u: r("min(a, b)"),
    b: r("a && b"),
    c: r("select(select(a, b, clt(b, a)), select(a, b, cnan(b)), cnan(a) || cnan(b))"),
    ...wideExtremum(false),
  },
  fmax: {
    f: r("np_fmax(a, b)"),
    i: r("max(a, b)"),
    u: r("max(a, b)"),
    b: r("a || b"),
    c: r("select(select(a, b, clt(a, b)), select(b, a, cnan(b)), cnan(a) || cnan(b))"),
    ...wideExtremum(true),
  },
  fmin: {
    f: r("np_fmin(a, b)"),
    i: r("min(a, b)"),
    u: r("min(a, b)"),
    b: r("a && b"),
    c: r("select(select(a, b, clt(b, a)), select(b, a, cnan(b)), cnan(a) || cnan(b))"),
    ...wideExtremum(false),
  },
};

/** Ops that may raise the error flag (their kernels bind it). */
export const FLAGGING_OPS: ReadonlySet<string> = new Set(["pow"]);

const truth: Record<ComputeClass, (v: string) => string> = {
  f: (v) => `((bitcast<u32>(${v}) & 0x7fffffffu) != 0u)`,
  i: (v) => `(${v} != 0)`,
  u: (v) => `(${v} != 0u)`,
  b: (v) => v,
  c: (v) => `(${truth.f(`${v}.x`)} || ${truth.f(`${v}.y`)})`,
  l: (v) => `((${v}.x | ${v}.y) != 0u)`,
  ul: (v) => `((${v}.x | ${v}.y) != 0u)`,
};

function cmpTable(op: "eq" | "ne" | "lt" | "le" | "gt" | "ge"): Table {
  const sym = { eq: "==", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" }[op];
  const wide = (lt: string): Body => () => {
    switch (op) {
      case "eq":
        return "return all(a == b);";
      case "ne":
        return "return any(a != b);";
      case "lt":
        return `return ${lt}(a, b);`;
      case "le":
        return `return !${lt}(b, a);`;
      case "gt":
        return `return ${lt}(b, a);`;
      case "ge":
        return `return !${lt}(a, b);`;
    }
  };
  const cplx: Body = () => {
    // NumPy orders complex lexicographically; any NaN part makes the comparison false (ne: true).
    const nan = "cnan(a) || cnan(b)";
    switch (op) {
      case "eq":
        return "return a.x == b.x && a.y == b.y;";
      case "ne":
        return "return !(a.x == b.x && a.y == b.y);";
      case "lt":
        return `return !(${nan}) && clt(a, b);`;
      case "le":
        return `return !(${nan}) && !clt(b, a);`;
      case "gt":
        return `return !(${nan}) && clt(b, a);`;
      case "ge":
        return `return !(${nan}) && !clt(a, b);`;
    }
  };
  const f: Body = () => (op === "ne" ? "return !(a == b);" : `return a ${sym} b;`);
  return {
    f,
    i: r(`a ${sym} b`),
    u: r(`a ${sym} b`),
    b: r(`select(0u, 1u, a) ${sym} select(0u, 1u, b)`),
    c: cplx,
    l: wide("lt_i64"),
    ul: wide("lt_u64"),
  };
}

/** Comparisons and logical ops: bodies of `fn f(a, b) -> bool`. */
export const COMPARE_WGSL: Record<string, Table> = {
  eq: cmpTable("eq"),
  ne: cmpTable("ne"),
  lt: cmpTable("lt"),
  le: cmpTable("le"),
  gt: cmpTable("gt"),
  ge: cmpTable("ge"),
  logicalAnd: logical("&&"),
  logicalOr: logical("||"),
  logicalXor: logical("!="),
};

function logical(sym: string): Table {
  const out: Table = {};
  for (const k of Object.keys(truth) as ComputeClass[]) {
    out[k] = () => `return ${truth[k]("a")} ${sym} ${truth[k]("b")};`;
  }
  return out;
}

/** Ternary ops: bodies of `fn f(a, b, c) -> T` (where: a is the bool condition). */
export const TERNARY_WGSL: Record<string, Table> = {
  where: {
    f: r("select(c, b, a)"),
    i: r("select(c, b, a)"),
    u: r("select(c, b, a)"),
    b: r("select(c, b, a)"),
    c: r("select(c, b, a)"),
    l: r("select(c, b, a)"),
    ul: r("select(c, b, a)"),
  },
  clamp: {
    f: r("np_min(np_max(a, b), c)"),
    i: r("min(max(a, b), c)"),
    u: r("min(max(a, b), c)"),
    b: r("(a || b) && c"),
    l: () => "let t = select(a, b, lt_i64(a, b)); return select(t, c, lt_i64(c, t));",
    ul: () => "let t = select(a, b, lt_u64(a, b)); return select(t, c, lt_u64(c, t));",
  },
  mulAdd: {
    f: r("fma(a, b, c)"),
    i: r("a * b + c"),
    u: r("a * b + c"),
    b: r("(a && b) || c"),
    c: r("cmul(a, b) + c"),
    l: r("add64(mul64(a, b), c)"),
    ul: r("add64(mul64(a, b), c)"),
  },
};

/** The WGSL converting a compute value `v` of row `from` to the compute type of row `to`. */
export function convert(v: string, from: WgslType, to: WgslType): string {
  const a = classOf(from);
  const b = classOf(to);
  if (a === b) return v;
  const bool = (t: string, f: string) => `select(${f}, ${t}, ${v})`;
  switch (a) {
    case "b":
      switch (b) {
        case "f":
          return bool("1.0", "0.0");
        case "i":
          return bool("1", "0");
        case "u":
          return bool("1u", "0u");
        case "c":
          return `vec2<f32>(${bool("1.0", "0.0")}, 0.0)`;
        default:
          return `vec2<u32>(${bool("1u", "0u")}, 0u)`;
      }
    case "f":
      switch (b) {
        case "i":
          return `f32_to_i32_np(${v})`;
        case "u":
          // u32 goes through i64 (NumPy's loop); u16/u8 through i32, then wrap.
          return to.bits === 32 ? `f32_to_i64_np(${v}).x` : `bitcast<u32>(f32_to_i32_np(${v}))`;
        case "b":
          return truth.f(v);
        case "c":
          return `vec2<f32>(${v}, 0.0)`;
        case "l":
          return `f32_to_i64_np(${v})`;
        default:
          return `f32_to_u64_np(${v})`;
      }
    case "i":
      switch (b) {
        case "f":
          return `f32(${v})`;
        case "u":
          return `bitcast<u32>(${v})`;
        case "b":
          return truth.i(v);
        case "c":
          return `vec2<f32>(f32(${v}), 0.0)`;
        default:
          return `i64_from_i32(${v})`;
      }
    case "u":
      switch (b) {
        case "f":
          return `f32(${v})`;
        case "i":
          return `bitcast<i32>(${v})`;
        case "b":
          return truth.u(v);
        case "c":
          return `vec2<f32>(f32(${v}), 0.0)`;
        default:
          return `vec2<u32>(${v}, 0u)`;
      }
    case "c":
      if (b === "b") return truth.c(v);
      return convert(`${v}.x`, { ...from, compute: "f32" }, to);
    case "l":
    case "ul":
      switch (b) {
        case "f":
          return a === "l" ? `i64_to_f32(${v})` : `u64_to_f32(${v})`;
        case "i":
          return `bitcast<i32>(${v}.x)`;
        case "u":
          return `${v}.x`;
        case "b":
          return truth.l(v);
        case "c":
          return `vec2<f32>(${a === "l" ? "i64_to_f32" : "u64_to_f32"}(${v}), 0.0)`;
        default:
          return v;
      }
  }
}
