// Turning kernel options into a source, two variants and a builder; shared
// by `build`, `ab` and `ci`.
#pragma once

#include <kbench/cli/options.hpp>
#include <kbench/kbuild/builder.hpp>
#include <kbench/source/source.hpp>

#include <memory>
#include <vector>

namespace kbench::cli {

// The kernels of an A/B comparison and what builds them.
struct KernelSet {
  std::unique_ptr<source::KernelSource> source;
  std::vector<kbuild::Variant> variants; // baseline, patched
  std::unique_ptr<kbuild::KernelBuilder> builder;
};

// Resolve `options` into a KernelSet; throws kbench::Error for a missing
// source, patch or fragment before anything runs.
KernelSet open_kernels(const GlobalOptions& global, const KernelOptions& options,
                       util::ProcessRunner& runner);

// Print the make command lines the build would run (--dry-run).
void print_plan(KernelSet& set);

} // namespace kbench::cli
