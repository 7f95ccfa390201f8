#include <kbench/util/error.hpp>
#include <kbench/vm/accelerator.hpp>

#include <fmt/format.h>

namespace kbench::vm {

std::string_view to_string(Accelerator accelerator) {
  return accelerator == Accelerator::kvm ? "kvm" : "tcg";
}

std::string_view to_string(AcceleratorPolicy policy) {
  switch (policy) {
    case AcceleratorPolicy::automatic:
      return "auto";
    case AcceleratorPolicy::kvm:
      return "kvm";
    case AcceleratorPolicy::tcg:
      return "tcg";
  }
  return "unknown";
}

AcceleratorPolicy parse_accelerator_policy(std::string_view text) {
  if (text == "auto") {
    return AcceleratorPolicy::automatic;
  }
  if (text == "kvm") {
    return AcceleratorPolicy::kvm;
  }
  if (text == "tcg") {
    return AcceleratorPolicy::tcg;
  }
  throw Error(ExitCode::usage,
              fmt::format("unknown accelerator policy '{}' (expected auto, kvm or tcg)", text));
}

} // namespace kbench::vm
