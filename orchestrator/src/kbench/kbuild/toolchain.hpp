// The host toolchain that builds kernels; its versions are part of cache keys.
#pragma once

#include <kbench/util/process.hpp>

#include <string>

namespace kbench::kbuild {

// Versions of the tools a kernel build depends on.
struct Toolchain {
  std::string compiler; // first line of `gcc --version`
  std::string linker;   // first line of `ld --version`
  std::string make;     // first line of `make --version`

  // Return a stable identity string of the toolchain.
  std::string id() const;
};

// Detect the host toolchain; throw kbench::Error (infra) when gcc or make is missing.
Toolchain detect_toolchain(util::ProcessRunner& runner);

} // namespace kbench::kbuild
