# PyTorch side of bench/cuda/sort_bench.ts: the same workloads (stable sorts), ms per call.
import json
import torch

def med(fn, reps=10, warm=2):
    for _ in range(warm): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        s = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
        s.record(); fn(); e.record(); e.synchronize(); ts.append(s.elapsed_time(e))
    ts.sort(); return ts[len(ts) // 2]

out = {}
for name, shape, dt in [("sort_f32_16M", (1 << 24,), torch.float32),
                        ("sort_f32_4096x4096_axis1", (4096, 4096), torch.float32),
                        ("sort_f32_65536x256_axis1", (65536, 256), torch.float32),
                        ("sort_f64_1M", (1 << 20,), torch.float64)]:
    x = torch.rand(shape, device="cuda", dtype=dt) * 2 - 1
    out[f"{name}_ms"] = med(lambda: torch.sort(x, dim=-1, stable=True))
    out[f"arg{name}_ms"] = med(lambda: torch.argsort(x, dim=-1, stable=True))
sq = torch.rand(4096, 4096, device="cuda")
out["topk100_f32_4096x4096_ms"] = med(lambda: torch.topk(sq, 100, dim=1))
q = (torch.arange(1 << 20, device="cuda", dtype=torch.int32) * 7919) % 1000
out["unique_i32_1M_ms"] = med(lambda: torch.unique(q))
s = torch.sort(torch.rand(1 << 20, device="cuda"))[0]
v = torch.rand(1 << 20, device="cuda")
out["searchsorted_f32_1M_in_1M_ms"] = med(lambda: torch.searchsorted(s, v))
print(json.dumps(out))
