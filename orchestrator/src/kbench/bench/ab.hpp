// The A/B run: build both kernels, build the initramfs, choose the
// accelerator once, boot baseline and patched interleaved (A B A B ...),
// classify every boot and collect every sample into results.json.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/bench/shard.hpp>
#include <kbench/initramfs/cpio.hpp>
#include <kbench/kbuild/builder.hpp>
#include <kbench/vm/accelerator.hpp>
#include <kbench/vm/vm_runner.hpp>
#include <kbench/vm/vm_spec.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::bench {

// How an A/B run is done.
struct AbSettings {
  Experiment experiment;
  std::filesystem::path results_dir; // created; holds results.json, logs, runs/
  vm::AcceleratorPolicy accelerator_policy = vm::AcceleratorPolicy::automatic;
  vm::TimingPolicy timing_policy = vm::TimingPolicy::automatic;
  vm::Deadlines deadlines;
  initramfs::GuestImage guest; // the static init and benchmark binaries
  std::string source_description;
  std::string reproducer;             // the command line that repeats this run
  Provenance provenance;              // copied into results.json (+ the initramfs hash)
  std::vector<KernelRecord> prebuilt; // boot these instead of building (`kbench run --kernel`)
  std::optional<ShardSpec> shard;     // run only this shard's boots (bench/shard.hpp)
};

// Return the boot of `kernel` a run under `settings` makes: the initramfs, the guest's
// parameters, the resources and deadlines, the accelerator and timing mode with the guest
// clock set-up they need (vm::clock_cmdline).
vm::VmSpec boot_spec(const AbSettings& settings, const KernelRecord& kernel,
                     const std::filesystem::path& initramfs, vm::Accelerator accelerator,
                     vm::Timing timing, const std::filesystem::path& work_dir);

// Name of the marker file present in a results directory until the run completed.
inline constexpr const char* k_incomplete_marker = "INCOMPLETE";

// A kernel whose first this-many boots all end in BOOT_TIMEOUT is not booted again: it
// never reaches init (a config or an early-boot bug), and each further boot would only wait
// for the boot deadline. The runs it has stay in the results; the report says why it is short.
inline constexpr int k_boots_before_giving_up = 2;

// True when `variant`'s runs so far are at least k_boots_before_giving_up boots and every one
// of them is a BOOT_TIMEOUT.
bool never_boots(const std::vector<RunRecord>& runs, std::string_view variant);

// Runs an A/B comparison; see the file comment.
class AbRunner {
public:
  AbRunner(kbuild::KernelBuilder& builder, std::vector<kbuild::Variant> variants, vm::VmRunner& vms,
           AbSettings settings);

  // Run everything and return the results (also written to results.json,
  // after every boot). Throws kbench::Interrupted after recording the
  // interrupted boot; build errors propagate as they are.
  Results run();

private:
  void build_kernels();
  void build_initramfs();
  void choose_accelerator();
  void boot_all();
  RunRecord boot_once(const KernelRecord& kernel, int boot);
  vm::VmSpec spec_for(const KernelRecord& kernel, const std::filesystem::path& work_dir) const;
  void save() const;

  kbuild::KernelBuilder& m_builder;
  std::vector<kbuild::Variant> m_variants;
  vm::VmRunner& m_vms;
  AbSettings m_settings;
  Results m_results;
  std::filesystem::path m_initramfs;
  vm::AcceleratorDecision m_accelerator;
  vm::Timing m_timing = vm::Timing::wall;
  double m_guest_seconds = 0;
};

} // namespace kbench::bench
