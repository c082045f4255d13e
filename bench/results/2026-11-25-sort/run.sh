#!/bin/bash
cd /work/wt/sort
W=sort_f32_1M,argsort_f32_1M,topk_f32_1M_k100
for r in 1 2 3; do
  python3 /work/shared/bench-peers/numpy_peer.py --threads 2 --only $W
  deno run -A bench/peers.ts --workloads /work/shared/bench-peers/workloads.json --only $W --threads 2
  deno run -A bench/peers.ts --workloads /work/shared/bench-peers/workloads.json --only $W --threads 1
done
