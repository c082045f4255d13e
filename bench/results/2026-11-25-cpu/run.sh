#!/usr/bin/env bash
set -u
IDS=add_f32_16M,mul_scalar_f32_16M,exp_f32_16M,sum_f32_16M,sum_axis1_f32_4096x4096,max_f32_16M,argmax_f32_16M,softmax_rows_f32_4096x4096,transpose_copy_f32_4096x4096
OUT=${OUT:-/tmp/bench/final}
mkdir -p $OUT; rm -f $OUT/round*.jsonl
cd /work/shared/bench-peers
gcc -O2 -mavx2 -mfma -fopenmp limits.c -o /tmp/bench/limits
for r in $(seq 1 ${ROUNDS:-3}); do
  f=$OUT/round$r.jsonl
  /tmp/bench/limits >> $f
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 numpy_peer.py --threads 2 --only $IDS >> $f
  (cd /work/main && deno run -A bench/peers.ts --only $IDS) >> $f
  (cd /work/main && deno run -A bench/peers.ts --threads 1 --only $IDS | sed 's/"peer":"numr-cpu"/"peer":"numr-cpu-1t"/') >> $f
done
python3 compare.py $OUT/round*.jsonl --ref numpy-2t > $OUT/compare.md
