// The one error hierarchy of kbench. Every failure that reaches the user is a
// kbench::Error carrying the process exit code documented in docs/exit-codes.md;
// main() has the single top-level catch.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kbench {

// Process exit codes, one per way a kbench command can end (docs/exit-codes.md).
enum class ExitCode : int {
  ok = 0,             // success; for `kbench ci`: no regression
  regression = 1,     // `kbench ci`: a performance regression was found
  usage = 2,          // bad command line
  invalid_config = 3, // experiment file or kernel config fragment is invalid
  source = 4,         // kernel source missing, not a git tree, unknown ref
  patch = 5,          // a patch of the series does not apply
  kconfig = 6,        // a requested config symbol could not be set; variant configs differ
  build = 7,          // the kernel build failed
  guest = 8,          // building the guest programs or the initramfs failed
  correctness = 9,    // the benchmark saw wrong results (e.g. a mapping lost)
  run_failed = 10,    // a boot did not finish: panic, timeout, benchmark failure
  infra = 11,         // host-side infrastructure: missing tool, I/O error, QEMU/libvirt
  interrupted = 130,  // SIGINT (Ctrl-C)
  terminated = 143,   // SIGTERM
};

// Return the short lower-case name of `code` ("patch", "build", ...).
std::string_view exit_code_name(ExitCode code);

// A failure with a message for the user and the exit code it maps to.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

  // Return the exit code this error ends the process with.
  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

// Thrown when SIGINT/SIGTERM arrived; children were already stopped.
class Interrupted : public Error {
public:
  explicit Interrupted(int signal_number);

  // Return the signal that caused the interruption.
  int signal_number() const noexcept { return m_signal; }

private:
  int m_signal;
};

} // namespace kbench
