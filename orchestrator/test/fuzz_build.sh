#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run them for a bounded time.
# Usage: fuzz_build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
dir=$2
command -v clang++ >/dev/null || { echo "SKIP: clang++ missing"; exit 125; }
CC=clang CXX=clang++ cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKBENCH_FUZZ=ON -DKBENCH_FUZZ_TIME="${KBENCH_FUZZ_TIME:-60}" >/dev/null
cmake --build "$dir" --target fuzz_resultchannel
ctest --test-dir "$dir" -R "^fuzz_" --output-on-failure
