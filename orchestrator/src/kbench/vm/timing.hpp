// How guest time is measured: the host's wall clock, or QEMU's instruction
// counter (virtual time), and the guest clock set-up that goes with each.
// docs/timing.md explains what each mode measures.
#pragma once

#include <kbench/vm/accelerator.hpp>

#include <string>
#include <string_view>

namespace kbench::vm {

// The clock a guest's timings follow.
enum class Timing {
  wall,     // the host's wall clock: real time, moves with host load
  virtual_, // QEMU -icount: one instruction executed = 1 ns, independent of host load
};

// How to choose the timing mode (experiment `vm.timing`, flag --timing).
enum class TimingPolicy {
  automatic, // virtual under TCG, wall under KVM
  wall,      // the wall clock under either accelerator
  virtual_,  // instruction counting; needs TCG
};

// Return "wall" or "virtual".
std::string_view to_string(Timing timing);

// Return "auto", "wall" or "virtual".
std::string_view to_string(TimingPolicy policy);

// Parse "auto", "wall" or "virtual"; throw kbench::Error (usage) naming `text` otherwise.
TimingPolicy parse_timing_policy(std::string_view text);

// Return the timing mode `policy` gives under `accelerator`; throw
// kbench::Error (invalid_config) for virtual time under KVM, which cannot
// count instructions.
Timing resolve_timing(TimingPolicy policy, Accelerator accelerator);

// QEMU's -icount value for virtual time. shift=0: each guest instruction
// advances virtual time by 2^0 = 1 ns (a 1 GHz guest; 'auto' would adapt the
// rate to the host and lose determinism). sleep=off: an idle guest does not
// wait for real time, virtual time jumps to the next timer. align=off: no
// throttling to keep virtual time near host time.
inline constexpr std::string_view k_icount_value = "shift=0,sleep=off,align=off";

// The guest's TSC rate in kHz under k_icount_value: QEMU's TCG TSC then counts
// virtual nanoseconds.
inline constexpr long k_virtual_tsc_khz = 1000000;

// Return the kernel parameters that set up the guest's clock for `timing`
// under `accelerator`, given the host's TSC rate (kHz, 0 when unknown):
//   KVM:          "" (kvm-clock needs nothing);
//   TCG, wall:    tsc_early_khz=<host rate> tsc=reliable;
//   TCG, virtual: tsc_early_khz=1000000 tsc=reliable.
// tsc=reliable keeps the TSC as clocksource: under TCG the kernel's TSC sync
// check can fail and fall back to the HPET, whose every read is an MMIO exit.
std::string clock_cmdline(Accelerator accelerator, Timing timing, long host_tsc_khz);

// Return one line describing how `timing` measures under `accelerator`, for
// results.json and report headers.
std::string describe_timing(Accelerator accelerator, Timing timing);

// The sentence every report prints under virtual time.
inline constexpr std::string_view k_virtual_time_note =
  "virtual time: instructions executed, independent of host load; not comparable with "
  "wall-clock or KVM runs";

} // namespace kbench::vm
