#!/usr/bin/env bash
# Builds Tools/bench_block_kernels.c against the block kernels Zoo runs (Sources/CZooKernels) and prints their
# matrix-vector speed for SmolLM2-135M's shapes. A few minutes (the portable path is slow); needs clang or gcc.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Tools/.cache/bench_block_kernels"
mkdir -p "$root/Tools/.cache"
cc=$(command -v clang || command -v gcc)
"$cc" -O2 -I "$root/Sources/CZooKernels/include" "$root/Tools/bench_block_kernels.c" \
    "$root/Sources/CZooKernels/block_kernels.c" -lpthread -o "$out"
"$out"
