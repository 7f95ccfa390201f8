// Incremental scan of a guest's serial console for signs of kernel trouble.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::vm {

// A kind of kernel trouble recognised on the console.
enum class ConsoleEvent {
  panic,              // "Kernel panic"
  soft_lockup,        // "watchdog: BUG: soft lockup"
  general_protection, // "general protection fault"
  bug,                // "BUG:" (also KASAN, sleeping in atomic, ...)
  oops,               // "Oops:"
  reboot,             // a second "Linux version" banner
  warning,            // "WARNING:"
  call_trace,         // "Call Trace:"
  rcu_stall,          // "rcu: ... detected stall" (common under a loaded TCG host)
  hung_task,          // "blocked for more than"
};

// Return the event's name ("panic", "soft-lockup", ...).
std::string_view to_string(ConsoleEvent event);

// Return true when `event` means the kernel is broken (the run is a PANIC).
bool is_fatal(ConsoleEvent event);

// One console line that matched an event.
struct ConsoleFinding {
  ConsoleEvent event;
  std::string line;        // the line, without its end-of-line characters
  std::size_t line_number; // 1-based
};

// What a console scan found.
struct ConsoleScan {
  std::vector<ConsoleFinding> findings; // in console order, at most k_max_findings
  std::vector<std::string> backtrace;   // lines from the first problem (and from a later panic)
  int banners = 0;                      // "Linux version" banners seen
  std::size_t lines = 0;                // complete lines scanned

  // Return true when any finding is of kind `event`.
  bool has(ConsoleEvent event) const;

  // Return the first fatal finding, if any.
  std::optional<ConsoleFinding> first_fatal() const;

  // Return the first non-fatal finding (warning, stall, ...), if any.
  std::optional<ConsoleFinding> first_nonfatal() const;
};

// Findings kept per scan; later ones are only counted as lines.
inline constexpr std::size_t k_max_findings = 64;

// Lines kept per backtrace block (a block also ends at an end-of-trace marker).
inline constexpr std::size_t k_backtrace_block_lines = 60;

// Scans console bytes as they arrive, in pieces of any size.
class ConsoleScanner {
public:
  // Scan `bytes`, appended to what was fed before.
  void feed(std::string_view bytes);

  // Scan a final line that has no newline.
  void finish();

  // Return what was found so far.
  const ConsoleScan& scan() const noexcept { return m_scan; }

private:
  void scan_line(std::string_view line);
  void keep_backtrace(std::string_view line, std::optional<ConsoleEvent> event);

  ConsoleScan m_scan;
  std::string m_partial;
  std::size_t m_block_lines = 0;
  bool m_block_open = false;
  bool m_fatal_block = false; // a kept block holds a fatal report
  bool m_panic_block = false; // a kept block holds a "Kernel panic" line
};

// Return the scan of a whole console log.
ConsoleScan scan_console(std::string_view text);

// The essentials of the first kernel report of a backtrace, for a summary.
struct KernelReport {
  std::string first_line;              // "kernel BUG at mm/ksm.c:3170!" (no timestamp), or ""
  std::string rip;                     // "RIP: 0010:rmap_walk_ksm+0x1a5/0x1b0", or ""
  std::vector<std::string> call_trace; // the top frames, reliable ones only ("rmap_walk+0x26/0x30")
};

// Return the first fatal report of `backtrace` (ConsoleScan::backtrace), else
// its first report (a WARNING): the line that starts it ("kernel BUG at",
// "BUG:", "Oops", "WARNING:", ...), its RIP and the top `max_frames` reliable
// frames of its call trace.
KernelReport kernel_report(const std::vector<std::string>& backtrace, std::size_t max_frames = 5);

} // namespace kbench::vm
