// The accelerator policy: KVM only when /dev/kvm opens read-write AND a short
// probe boot of the real kernel and initramfs proves it works; else TCG, loudly.
#pragma once

#include <kbench/vm/accelerator.hpp>
#include <kbench/vm/vm_runner.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace kbench::vm {

// Knobs of the KVM probe.
struct ProbeOptions {
  std::filesystem::path kvm_device = "/dev/kvm";
  // Deadline of the whole probe boot (QEMU start -> exit).
  std::chrono::milliseconds deadline{ std::chrono::seconds(15) };
  // Kernel parameters that make the guest init write its probe record and power off.
  std::string probe_cmdline = "kbench.mode=probe";
};

// Return "" when `device` opens read-write, else why it does not.
std::string kvm_device_problem(const std::filesystem::path& device);

// Return "" when the probe boot `run` proves its accelerator works (probe
// record complete, QEMU exited 0 by itself, no kernel trouble), else why not.
std::string probe_failure(const VmRun& run);

// Return the spec of the probe boot derived from `spec`: KVM, the probe
// parameters instead of spec.extra_cmdline, the probe deadline, and the work
// directory spec.work_dir/kvm-probe.
VmSpec probe_spec(const VmSpec& spec, const ProbeOptions& options);

// Choose the accelerator for a whole comparison. `spec` is a boot of the real
// kernel and initramfs (its results_complete must accept the probe record).
// automatic: probe KVM, fall back to TCG with a warning; kvm: probe, throw
// kbench::Error (infra) when it fails; tcg: no probe. Throw kbench::Interrupted
// when interrupted during the probe. Call once per comparison and put the
// decision's accelerator into every VmSpec of it.
AcceleratorDecision decide_accelerator(AcceleratorPolicy policy, const VmSpec& spec,
                                       VmRunner& runner, const ProbeOptions& options = {});

} // namespace kbench::vm
