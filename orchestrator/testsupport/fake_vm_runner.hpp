// A scripted VmRunner for unit tests of callers (bench, cli; test support, never in kbench): writes
// the given console and results bytes into the spec's work directory and reports the scripted
// facts, without starting anything.
#pragma once

#include <kbench/vm/vm_runner.hpp>

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace kbench::test {

using vm::Expiry;
using vm::PhaseTimings;
using vm::QemuExit;
using vm::VmRun;
using vm::VmSpec;

// What one fake boot does.
struct FakeBoot {
  std::string console; // written to console.log and scanned like a real console
  std::string results; // written to results.bin and given to the spec's predicate
  std::optional<Expiry> timeout;
  int interrupt_signal = 0;
  std::string infra_error;
  QemuExit qemu_exit{ 0, 0, false };
  std::string qemu_output_tail;
  PhaseTimings timings;
};

// Replays queued FakeBoots in order; with an empty queue a boot writes
// nothing and QEMU "exits 0" (a BENCH_FAIL for the caller).
class FakeVmRunner final : public vm::VmRunner {
public:
  // Queue `boot` for a later run().
  void push(FakeBoot boot) { m_boots.push_back(std::move(boot)); }

  // Replay the next queued boot for `spec`; see VmRunner::run.
  VmRun run(const VmSpec& spec) override;

  // Return every spec run() was given, in order.
  const std::vector<VmSpec>& specs() const noexcept { return m_specs; }

private:
  std::deque<FakeBoot> m_boots;
  std::vector<VmSpec> m_specs;
};

} // namespace kbench::test
