#!/usr/bin/env bash
# Final verification of main on the GPU machine: CUDA tests + memcheck + CUDA bench with PyTorch,
# then WebGPU (Vulkan) parity tests + bench + jax-js peer. Sections: CUDA=1 WGPU=1 PEER=1.
set -u
H=$(cd "$(dirname "$0")" && pwd)
xz -dc "$H/deno.xz" > /tmp/deno && chmod +x /tmp/deno
xz -dc "$H/libnumr_v3.so.xz" > /tmp/libnumr.so
R=$(cd "$H/.." && pwd)
mkdir -p "$R/native/cuda/build" && tar xJf "$H/final/cudabuild.tar.xz" -C "$R/native/cuda/build"
export NUMR_CPU_LIB=/tmp/libnumr.so DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
cd "$R"
if [ "${CUDA:-1}" = 1 ]; then
  echo "== CUDA tests"
  timeout ${CT:-300} /tmp/deno test -A --no-check tests/cuda_*test.ts > "$OUT/cuda_test.log" 2>&1
  echo "rc $?"; grep -E "passed|FAILED|^error" "$OUT/cuda_test.log" | tail -25
  echo "== memcheck"
  NUMR_CUDA_QUICK=1 timeout ${MT:-240} compute-sanitizer --tool memcheck --print-limit 20 /tmp/deno test -A \
    --no-check ${MFILES:-tests/cuda_*test.ts} ${MFILTER:+--filter "$MFILTER"} > "$OUT/sanitizer.log" 2>&1
  echo "rc $?"; grep -E "ERROR SUMMARY|passed|FAILED" "$OUT/sanitizer.log" | tail -6
  if [ "${CBENCH:-1}" = 1 ]; then
  echo "== CUDA bench"
  timeout ${BT:-240} /tmp/deno run -A --no-check bench/cuda/bench.ts ${BENCH_ARGS:-} --json "$OUT/bench.json" > "$OUT/cuda_bench.log" 2>&1
  echo "rc $?"; grep -iE "gemm|add|sum|tiny|torch|i8|fp8" "$OUT/cuda_bench.log" | head -50
  fi
fi
if [ "${WGPU:-1}" = 1 ]; then
  for f in "$H"/webgpu/gl/*.deb; do dpkg -x "$f" /; done; ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json DENO_WEBGPU_BACKEND=vulkan
  echo "== WebGPU parity tests"
  timeout ${WT:-240} /tmp/deno test -A --no-check tests/webgpu_*_test.ts > "$OUT/webgpu_test.log" 2>&1
  echo "rc $?"; grep -E "passed|FAILED|^error" "$OUT/webgpu_test.log" | tail -25
  if [ "${WB:-1}" = 1 ]; then
  echo "== WebGPU bench"
  timeout 150 /tmp/deno run -A --no-check bench/webgpu/bench.ts 2>&1 | tee "$OUT/webgpu_bench.log" | tail -30
  fi
  if [ "${PEER:-1}" = 1 ]; then
    echo "== jax-js"
    (cd "$H/webgpu" && timeout 150 /tmp/deno run -A --cached-only --no-check jaxjs_peer.ts --device webgpu 2>&1 | tee "$OUT/jaxjs.log" | tail -15)
  fi
fi
