// `kbench build`: build (or fetch from the cache) the baseline and patched
// kernels and print where they are.
#pragma once

#include <kbench/cli/options.hpp>

namespace kbench::cli {

// Run `kbench build`; return the exit code.
int run_build(const GlobalOptions& global, const KernelOptions& options);

} // namespace kbench::cli
