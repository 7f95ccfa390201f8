#include <kbench/util/error.hpp>
#include <kbench/vm/timing.hpp>

#include <fmt/format.h>

namespace kbench::vm {

std::string_view to_string(Timing timing) {
  return timing == Timing::virtual_ ? "virtual" : "wall";
}

std::string_view to_string(TimingPolicy policy) {
  switch (policy) {
    case TimingPolicy::automatic:
      return "auto";
    case TimingPolicy::wall:
      return "wall";
    case TimingPolicy::virtual_:
      return "virtual";
  }
  return "unknown";
}

TimingPolicy parse_timing_policy(std::string_view text) {
  if (text == "auto") {
    return TimingPolicy::automatic;
  }
  if (text == "wall") {
    return TimingPolicy::wall;
  }
  if (text == "virtual") {
    return TimingPolicy::virtual_;
  }
  throw Error(ExitCode::usage,
              fmt::format("unknown timing mode '{}' (expected auto, wall or virtual)", text));
}

Timing resolve_timing(TimingPolicy policy, Accelerator accelerator) {
  switch (policy) {
    case TimingPolicy::wall:
      return Timing::wall;
    case TimingPolicy::virtual_:
      if (accelerator == Accelerator::kvm) {
        throw Error(ExitCode::invalid_config,
                    "timing 'virtual' needs TCG: QEMU counts instructions only in its binary "
                    "translator, not under KVM (use --timing wall with --accel kvm)");
      }
      return Timing::virtual_;
    case TimingPolicy::automatic:
      break;
  }
  return accelerator == Accelerator::tcg ? Timing::virtual_ : Timing::wall;
}

std::string clock_cmdline(Accelerator accelerator, Timing timing, long host_tsc_khz) {
  if (accelerator == Accelerator::kvm) {
    return {};
  }
  if (timing == Timing::virtual_) {
    return fmt::format("tsc_early_khz={} tsc=reliable", k_virtual_tsc_khz);
  }
  // Under wall-clock TCG the guest's TSC runs at the host's rate; a loaded
  // host can make the guest's PIT calibration wrong by 10x, and with it
  // every ns figure.
  return host_tsc_khz > 0 ? fmt::format("tsc_early_khz={} tsc=reliable", host_tsc_khz) : "";
}

std::string describe_timing(Accelerator accelerator, Timing timing) {
  if (timing == Timing::virtual_) {
    return fmt::format("virtual time: QEMU -icount {} (1 instruction = 1 ns, one host thread "
                       "runs the vCPUs round-robin), guest TSC {} kHz",
                       k_icount_value, k_virtual_tsc_khz);
  }
  return accelerator == Accelerator::kvm ? "wall-clock time: KVM, guest kvm-clock"
                                         : "wall-clock time: TCG, guest TSC at the host's rate "
                                           "(moves with host load)";
}

} // namespace kbench::vm
