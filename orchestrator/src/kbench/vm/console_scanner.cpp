#include <kbench/vm/console_scanner.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace kbench::vm {

namespace {

// Patterns in match order: the first that matches names the line's event.
constexpr std::array<std::pair<std::string_view, ConsoleEvent>, 11> k_patterns = { {
  { "Kernel panic", ConsoleEvent::panic },
  { "watchdog: BUG: soft lockup", ConsoleEvent::soft_lockup },
  { "general protection fault", ConsoleEvent::general_protection },
  { "kernel BUG at", ConsoleEvent::bug }, // BUG()/BUG_ON(): the report's first line
  { "BUG:", ConsoleEvent::bug },
  { "Oops:", ConsoleEvent::oops },
  { "WARNING:", ConsoleEvent::warning },
  { "Call Trace:", ConsoleEvent::call_trace },
  { "self-detected stall", ConsoleEvent::rcu_stall },
  { "detected stalls on CPUs", ConsoleEvent::rcu_stall },
  { "blocked for more than", ConsoleEvent::hung_task },
} };

constexpr std::string_view k_banner = "Linux version ";
constexpr std::string_view k_end_panic = "---[ end Kernel panic";
constexpr std::string_view k_end_trace = "---[ end trace";

bool contains(std::string_view line, std::string_view what) {
  return line.find(what) != std::string_view::npos;
}

std::optional<ConsoleEvent> match_line(std::string_view line) {
  for (const auto& [pattern, event] : k_patterns) {
    if (contains(line, pattern)) {
      return event;
    }
  }
  return std::nullopt;
}

} // namespace

std::string_view to_string(ConsoleEvent event) {
  switch (event) {
    case ConsoleEvent::panic:
      return "panic";
    case ConsoleEvent::soft_lockup:
      return "soft-lockup";
    case ConsoleEvent::general_protection:
      return "general-protection-fault";
    case ConsoleEvent::bug:
      return "bug";
    case ConsoleEvent::oops:
      return "oops";
    case ConsoleEvent::reboot:
      return "reboot";
    case ConsoleEvent::warning:
      return "warning";
    case ConsoleEvent::call_trace:
      return "call-trace";
    case ConsoleEvent::rcu_stall:
      return "rcu-stall";
    case ConsoleEvent::hung_task:
      return "hung-task";
  }
  return "unknown";
}

bool is_fatal(ConsoleEvent event) {
  switch (event) {
    case ConsoleEvent::panic:
    case ConsoleEvent::soft_lockup:
    case ConsoleEvent::general_protection:
    case ConsoleEvent::bug:
    case ConsoleEvent::oops:
    case ConsoleEvent::reboot:
      return true;
    default:
      return false;
  }
}

bool ConsoleScan::has(ConsoleEvent event) const {
  return std::any_of(findings.begin(), findings.end(),
                     [event](const ConsoleFinding& f) { return f.event == event; });
}

std::optional<ConsoleFinding> ConsoleScan::first_fatal() const {
  for (const auto& finding : findings) {
    if (is_fatal(finding.event)) {
      return finding;
    }
  }
  return std::nullopt;
}

std::optional<ConsoleFinding> ConsoleScan::first_nonfatal() const {
  for (const auto& finding : findings) {
    if (!is_fatal(finding.event)) {
      return finding;
    }
  }
  return std::nullopt;
}

void ConsoleScanner::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      m_partial.append(bytes);
      return;
    }
    m_partial.append(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
    scan_line(m_partial);
    m_partial.clear();
  }
}

void ConsoleScanner::finish() {
  if (!m_partial.empty()) {
    scan_line(m_partial);
    m_partial.clear();
  }
}

void ConsoleScanner::scan_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\0')) {
    line.remove_suffix(1);
  }
  ++m_scan.lines;
  std::optional<ConsoleEvent> event;
  if (contains(line, k_banner)) {
    if (++m_scan.banners > 1) {
      event = ConsoleEvent::reboot;
    }
  } else if (!contains(line, k_end_panic)) {
    event = match_line(line);
  }
  if (event && m_scan.findings.size() < k_max_findings) {
    m_scan.findings.push_back({ *event, std::string(line), m_scan.lines });
  }
  keep_backtrace(line, event);
}

// Keep blocks of lines, each from the first line of a kernel report up to an
// end marker or the block limit: the first problem's, the first fatal
// report's (kernel BUG at, BUG:, Oops, ...: a boot-time WARNING must not hide
// it) and a later "Kernel panic" line's.
void ConsoleScanner::keep_backtrace(std::string_view line, std::optional<ConsoleEvent> event) {
  if (!m_block_open && event) {
    const bool first = m_scan.backtrace.empty();
    const bool first_fatal = is_fatal(*event) && !m_fatal_block;
    const bool late_panic = *event == ConsoleEvent::panic && !m_panic_block;
    if (first || first_fatal || late_panic) {
      m_block_open = true;
      m_block_lines = 0;
      if (!first) {
        m_scan.backtrace.emplace_back("...");
      }
    }
  }
  if (!m_block_open) {
    return;
  }
  m_panic_block = m_panic_block || event == ConsoleEvent::panic;
  m_fatal_block = m_fatal_block || (event && is_fatal(*event));
  m_scan.backtrace.emplace_back(line);
  ++m_block_lines;
  if (contains(line, k_end_panic) || contains(line, k_end_trace) ||
      m_block_lines >= k_backtrace_block_lines) {
    m_block_open = false;
  }
}

namespace {

// Return `line` without its printk timestamp ("[   21.871436] ").
std::string_view without_timestamp(std::string_view line) {
  if (!line.empty() && line.front() == '[') {
    if (const auto close = line.find("] "); close != std::string_view::npos) {
      return line.substr(close + 2);
    }
  }
  return line;
}

// Return true when `line` (without timestamp) starts a kernel report; `fatal`: one that makes
// the boot a PANIC (not a WARNING).
bool starts_report(std::string_view line, bool fatal) {
  for (const std::string_view start : { "kernel BUG at", "BUG:", "Oops", "WARNING:" }) {
    if (line.substr(0, start.size()) == start) {
      return !fatal || start != "WARNING:";
    }
  }
  return line.find("general protection fault") != std::string_view::npos ||
         line.find("watchdog: BUG: soft lockup") != std::string_view::npos;
}

// Return the index in `backtrace` of the line that starts its first fatal report, else of its
// first report of any kind, else backtrace.size().
std::size_t report_start(const std::vector<std::string>& backtrace) {
  for (const bool fatal : { true, false }) {
    for (std::size_t i = 0; i < backtrace.size(); ++i) {
      if (starts_report(without_timestamp(backtrace[i]), fatal)) {
        return i;
      }
    }
  }
  return backtrace.size();
}

// Return the frame of a call-trace line, or "" for lines that are none
// ("<TASK>", "? unreliable+0x1/0x2" guesses, register dumps).
std::string_view frame_of(std::string_view line) {
  const auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos || start == 0) {
    return {};
  }
  const std::string_view frame = line.substr(start);
  if (frame.front() == '<' || frame.front() == '?' || frame.find("+0x") == std::string_view::npos) {
    return {};
  }
  return frame;
}

} // namespace

KernelReport kernel_report(const std::vector<std::string>& backtrace, std::size_t max_frames) {
  KernelReport report;
  const std::size_t start = report_start(backtrace);
  if (start == backtrace.size()) {
    return report;
  }
  report.first_line = std::string(without_timestamp(backtrace[start]));
  bool in_trace = false;
  for (std::size_t i = start + 1; i < backtrace.size(); ++i) {
    const std::string_view line = without_timestamp(backtrace[i]);
    if (report.rip.empty() && line.substr(0, 5) == "RIP: ") {
      report.rip = std::string(line);
    } else if (line.find("Call Trace:") != std::string_view::npos) {
      in_trace = report.call_trace.empty();
    } else if (in_trace && (line.find("</TASK>") != std::string_view::npos ||
                            line.find("---[ end") != std::string_view::npos)) {
      in_trace = false;
    } else if (in_trace && report.call_trace.size() < max_frames) {
      if (const auto frame = frame_of(line); !frame.empty()) {
        report.call_trace.emplace_back(frame);
      }
    }
  }
  return report;
}

ConsoleScan scan_console(std::string_view text) {
  ConsoleScanner scanner;
  scanner.feed(text);
  scanner.finish();
  return scanner.scan();
}

} // namespace kbench::vm
