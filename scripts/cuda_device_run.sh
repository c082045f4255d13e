#!/usr/bin/env bash
# The CUDA verification run on a GPU machine (how the H100 numbers were taken): the parity
# tests, the same tests under compute-sanitizer memcheck (fewer random cases), then the
# benchmarks side by side with PyTorch. Logs go to $OUT. Env: DENO (deno binary), NUMR_CPU_LIB.
set -u
OUT=${OUT:-/tmp/numr-cuda-out}
DENO=${DENO:-deno}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv
grep -o -m1 avx512f /proc/cpuinfo || echo "cpu: no avx512f"
echo "== tests"
timeout 240 "$DENO" test -A --no-check tests/cuda_test.ts 2>&1 | tee "$OUT/test.log" | tail -45
echo "== compute-sanitizer memcheck"
NUMR_CUDA_QUICK=1 timeout 200 compute-sanitizer --tool memcheck --print-limit 20 \
  "$DENO" test -A --no-check tests/cuda_test.ts 2>&1 | tee "$OUT/sanitizer.log" | tail -25
echo "== bench"
timeout 150 "$DENO" run -A --no-check bench/cuda/bench.ts --json "$OUT/bench.json" 2>&1 |
  tee "$OUT/bench.log"
echo "== ncu (GEMM kernels: scheduler and warp-state sections)"
timeout 120 ncu --section SchedulerStats --section WarpStateStats --section SpeedOfLight \
  -k regex:numr_gemm "$DENO" run -A --no-check bench/cuda/gemm_once.ts >"$OUT/ncu.txt" 2>&1
grep -E "numr_gemm|Duration|Compute \(SM\)|Memory Throughput|Issued Warp|No Eligible|Stall|Warp Cycles" \
  "$OUT/ncu.txt" | head -40
