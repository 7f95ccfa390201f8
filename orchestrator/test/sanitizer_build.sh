#!/usr/bin/env bash
# Build the unit tests with AddressSanitizer + UndefinedBehaviorSanitizer and run them.
# Usage: sanitizer_build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
dir=$2
cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKBENCH_SANITIZE=ON >/dev/null
cmake --build "$dir" --target kbench_unittest
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$dir/orchestrator/unittest/kbench_unittest" --gtest_brief=1
