// What to boot: kernel, initramfs, command line, resources, deadlines.
#pragma once

#include <kbench/vm/accelerator.hpp>
#include <kbench/vm/timing.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace kbench::vm {

// Per-phase deadlines of one boot; zero means no deadline for that phase.
struct Deadlines {
  // QEMU started -> init started (the results file became non-empty).
  std::chrono::milliseconds boot{ std::chrono::minutes(3) };
  // Init started -> results complete (the caller's predicate said so).
  std::chrono::milliseconds run{ std::chrono::hours(1) };
  // Results complete -> QEMU exited.
  std::chrono::milliseconds shutdown{ std::chrono::minutes(1) };
  // QEMU started -> QEMU exited.
  std::chrono::milliseconds overall{ std::chrono::hours(2) };
};

// Return true when the results channel bytes written so far are complete.
using ResultsComplete = std::function<bool(std::string_view bytes)>;

// One guest boot: what to boot, with which resources, under which limits.
struct VmSpec {
  std::filesystem::path kernel; // bzImage
  std::filesystem::path initrd; // initramfs (cpio, optionally compressed)
  std::string extra_cmdline;    // the guest's kbench.* parameters, appended last
  int vcpus = 2;
  int memory_mib = 2048;
  int numa_nodes = 2; // memory split evenly, vCPUs spread in contiguous ranges
  Accelerator accelerator = Accelerator::tcg;
  Timing timing = Timing::wall; // virtual: QEMU counts instructions (-icount), TCG only
  // Directory receiving console.log, results.bin and qemu.log; created if missing.
  std::filesystem::path work_dir;
  Deadlines deadlines;
  // Decides when the results channel is complete; an unset predicate never is.
  ResultsComplete results_complete;
  // The QEMU binary, looked up in PATH when it has no '/'.
  std::string qemu_binary = "qemu-system-x86_64";
};

// Throw kbench::Error(invalid_config) unless `spec` has at least 1 vCPU, 1 NUMA
// node and 64 MiB per node, a kernel, an initrd and a work directory, and its
// timing mode is possible under its accelerator (virtual time needs TCG).
void validate_resources(const VmSpec& spec);

// File names inside VmSpec::work_dir.
inline constexpr std::string_view k_console_log_name = "console.log";
inline constexpr std::string_view k_results_file_name = "results.bin";
inline constexpr std::string_view k_qemu_log_name = "qemu.log";

// The virtio-serial port name the guest looks up in /sys/class/virtio-ports/*/name.
inline constexpr std::string_view k_results_port_name = "kbench.results";

} // namespace kbench::vm
