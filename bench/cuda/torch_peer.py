# PyTorch side of bench/cuda/bench.ts: the same workloads, timed with CUDA events (median).
import json, sys, time
import torch

def med(fn, reps=50, warm=5):
    for _ in range(warm): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        s = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
        s.record(); fn(); e.record(); e.synchronize(); ts.append(s.elapsed_time(e) / 1e3)
    ts.sort(); return ts[len(ts) // 2]

out = {}
if "--gemm-f32" in sys.argv:  # only the f32 GEMM (TF32 off), best of 3 medians
    torch.backends.cuda.matmul.allow_tf32 = False
    m = 4096
    A = torch.randn(m, m, device="cuda"); B = torch.randn(m, m, device="cuda")
    out["gemm_f32_4096_TFLOPs"] = max(2 * m ** 3 / med(lambda: A @ B, reps=10, warm=3) / 1e12 for _ in range(3))
    print(json.dumps(out)); sys.exit(0)
ALL = len(sys.argv) < 2  # "lowp": only the 8-bit GEMMs; "half": only the bf16/f16 GEMMs; "f64"
MODES = [] if ALL else sys.argv[1].split(",")
HALF = "half" in MODES
n = 1 << 24 if ALL else 1
a = torch.randn(n, device="cuda"); b = torch.randn(n, device="cuda"); y = torch.empty_like(a)
out["add_f32_16M_GBps"] = 3 * 4 * n / med(lambda: torch.add(a, b, out=y)) / 1e9
out["copy_f32_16M_GBps"] = 2 * 4 * n / med(lambda: y.copy_(a)) / 1e9
t = torch.randn(1, device="cuda")
for _ in range(100): t + 1
torch.cuda.synchronize(); t0 = time.perf_counter(); k = 2000
for _ in range(k): t + 1
torch.cuda.synchronize(); out["tiny_add_us"] = (time.perf_counter() - t0) / k * 1e6
torch.backends.cuda.matmul.allow_tf32 = False
GEMMS = [(torch.float32, 4096, "f32"), (torch.float64, 4096, "f64"), (torch.bfloat16, 8192, "bf16"), (torch.float16, 8192, "f16")]
PICK = [g for g in GEMMS if ALL or (HALF and g[2] in ("bf16", "f16")) or ("f64" in MODES and g[2] == "f64")]
for (dt, m, name) in PICK:
    A = torch.randn(m, m, device="cuda", dtype=dt); B = torch.randn(m, m, device="cuda", dtype=dt)
    s = med(lambda: A @ B, reps=10, warm=3)
    out[f"gemm_{name}_{m}_TFLOPs"] = 2 * m ** 3 / s / 1e12
# 8-bit GEMMs ("lowp"): torch._int_mm (i8 -> i32) and torch._scaled_mm (fp8 e4m3, B column-major).
m = 8192
try:
    if "lowp" not in MODES and not ALL: raise RuntimeError("skipped")
    A8 = torch.randint(-3, 3, (m, m), device="cuda", dtype=torch.int8)
    B8 = torch.randint(-3, 3, (m, m), device="cuda", dtype=torch.int8)
    out["gemm_i8_8192_TOPS"] = 2 * m ** 3 / med(lambda: torch._int_mm(A8, B8), reps=10, warm=3) / 1e12
    B8t = B8.t().contiguous().t()
    out["gemm_i8_8192_Bcolmajor_TOPS"] = 2 * m ** 3 / med(lambda: torch._int_mm(A8, B8t), reps=10, warm=3) / 1e12
    del A8, B8, B8t
except Exception as e:
    print(f"torch._int_mm: {e}", file=sys.stderr)
try:
    if "lowp" not in MODES and not ALL: raise RuntimeError("skipped")
    Af = torch.randn(m, m, device="cuda").to(torch.float8_e4m3fn)
    Bf = torch.randn(m, m, device="cuda").to(torch.float8_e4m3fn).t()
    one = torch.tensor(1.0, device="cuda")
    for (odt, oname) in [(torch.float32, "f32"), (torch.bfloat16, "bf16")]:
        try:
            f = lambda: torch._scaled_mm(Af, Bf, scale_a=one, scale_b=one, out_dtype=odt)
            out[f"gemm_fp8e4m3_8192_{oname}out_TFLOPs"] = 2 * m ** 3 / med(f, reps=10, warm=3) / 1e12
        except Exception as e:
            print(f"torch._scaled_mm -> {oname}: {e}", file=sys.stderr)
    del Af, Bf
except Exception as e:
    print(f"torch fp8: {e}", file=sys.stderr)
GEMV = ALL or "gemv" in MODES  # "gemv": only the matvec/vecmat rows
m = 4096
for (dt, name) in ([(torch.float32, "f32"), (torch.bfloat16, "bf16")] if GEMV else []):
    A = torch.randn(m, m, device="cuda", dtype=dt); x = torch.randn(m, 1, device="cuda", dtype=dt)
    xr = x.reshape(1, m); nb = A.element_size() * (m * m + 2 * m)
    out[f"matvec_{name}_4096_GBps"] = nb / med(lambda: A @ x, reps=200, warm=10) / 1e9
    out[f"vecmat_{name}_4096_GBps"] = nb / med(lambda: xr @ A, reps=200, warm=10) / 1e9
print(json.dumps(out))
