#include <kbench/vm/console_scanner.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace kbench::vm {

namespace {

// Patterns in match order: the first that matches names the line's event.
constexpr std::array<std::pair<std::string_view, ConsoleEvent>, 10> k_patterns = { {
  { "Kernel panic", ConsoleEvent::panic },
  { "watchdog: BUG: soft lockup", ConsoleEvent::soft_lockup },
  { "general protection fault", ConsoleEvent::general_protection },
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

// Keep a block of lines from the first problem, and a second block from a
// later "Kernel panic" line, each up to an end marker or the block limit.
void ConsoleScanner::keep_backtrace(std::string_view line, std::optional<ConsoleEvent> event) {
  if (!m_block_open && event) {
    const bool first = m_scan.backtrace.empty();
    const bool late_panic = *event == ConsoleEvent::panic && !m_panic_block;
    if (first || late_panic) {
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
  m_scan.backtrace.emplace_back(line);
  ++m_block_lines;
  if (contains(line, k_end_panic) || contains(line, k_end_trace) ||
      m_block_lines >= k_backtrace_block_lines) {
    m_block_open = false;
  }
}

ConsoleScan scan_console(std::string_view text) {
  ConsoleScanner scanner;
  scanner.feed(text);
  scanner.finish();
  return scanner.scan();
}

} // namespace kbench::vm
