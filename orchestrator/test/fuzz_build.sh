#!/usr/bin/env bash
# Build one libFuzzer target with clang and run it for a bounded time.
# Usage: fuzz_build.sh SOURCE_DIR BUILD_DIR TARGET   (TARGET: fuzz_resultchannel, ...)
set -euo pipefail
src=$1
dir=$2
target=$3
command -v clang++ >/dev/null || { echo "SKIP: clang++ missing"; exit 125; }
CC=clang CXX=clang++ cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKBENCH_FUZZ=ON -DKBENCH_FUZZ_TIME="${KBENCH_FUZZ_TIME:-60}" >/dev/null
cmake --build "$dir" --target "$target"
ctest --test-dir "$dir" -R "^${target}\$" --output-on-failure
