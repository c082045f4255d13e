#!/usr/bin/env bash
# Verification of main on the GPU: the CUDA test suite, memcheck of the public matmul test,
# and the CUDA bench with PyTorch in the same call.
set -u
cd "$(dirname "$0")/main"
xz -dc ../deno.xz > /tmp/deno && chmod +x /tmp/deno
xz -dc ../libnumr_v3.so.xz > /tmp/libnumr.so
mkdir -p native/cuda/build && tar xJf ../cudabuild_main.tar.xz -C native/cuda/build
export NUMR_CPU_LIB=/tmp/libnumr.so DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
grep -o -m1 'avx512f' /proc/cpuinfo || echo "no avx512"
echo "== all CUDA tests"
timeout 300 /tmp/deno test -A --no-check tests/cuda_test.ts > "$OUT/test.log" 2>&1
echo "rc $?"; grep -E "^cuda:.*(ok|FAILED)|passed|FAILED" "$OUT/test.log" | tail -40
echo "== memcheck (public matmul family)"
NUMR_CUDA_QUICK=1 timeout 200 compute-sanitizer --tool memcheck --print-limit 20 /tmp/deno test -A \
  --no-check tests/cuda_test.ts --filter "public matmul" > "$OUT/sanitizer.log" 2>&1
echo "rc $?"; tail -4 "$OUT/sanitizer.log"
echo "== bench"
timeout 200 /tmp/deno run -A --no-check bench/cuda/bench.ts --json "$OUT/bench.json" > "$OUT/bench.log" 2>&1
echo "rc $?"; grep -iE "gemm|add|tiny|torch" "$OUT/bench.log" | head -40
