// Which QEMU accelerator runs a guest, and how the user asked for it.
#pragma once

#include <string>
#include <string_view>

namespace kbench::vm {

// The accelerator a VM runs under.
enum class Accelerator {
  kvm, // hardware virtualization through /dev/kvm
  tcg, // QEMU's binary translator: slow, but works everywhere
};

// How to choose the accelerator (the --accel flag).
enum class AcceleratorPolicy {
  automatic, // KVM when the probe boot proves it works, else TCG with a warning
  kvm,       // KVM or an error
  tcg,       // TCG, no probe
};

// Return "kvm" or "tcg".
std::string_view to_string(Accelerator accelerator);

// Return "auto", "kvm" or "tcg".
std::string_view to_string(AcceleratorPolicy policy);

// Parse "auto", "kvm" or "tcg"; throw kbench::Error (usage) naming `text` otherwise.
AcceleratorPolicy parse_accelerator_policy(std::string_view text);

// The accelerator to use for a whole comparison and why it was chosen.
struct AcceleratorDecision {
  Accelerator accelerator = Accelerator::tcg;
  std::string reason; // e.g. "KVM probe boot succeeded in 1.2 s", "forced by --accel tcg"
};

} // namespace kbench::vm
