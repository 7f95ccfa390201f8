#include <kbench/source/source.hpp>
#include <kbench/source/version.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace kbench::source {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Return the value of a "NAME = value" line of `makefile`, or "".
std::string_view makefile_value(std::string_view makefile, std::string_view name) {
  std::size_t pos = 0;
  while (pos < makefile.size()) {
    const auto nl = std::min(makefile.find('\n', pos), makefile.size());
    const std::string_view line = makefile.substr(pos, nl - pos);
    pos = nl + 1;
    const auto eq = line.find('=');
    if (eq != std::string_view::npos && trim(line.substr(0, eq)) == name) {
      return trim(line.substr(eq + 1));
    }
  }
  return {};
}

std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::string to_string(const KernelVersion& version, bool with_sublevel) {
  return with_sublevel ? fmt::format("{}.{}.{}", version.major, version.minor, version.sublevel)
                       : fmt::format("{}.{}", version.major, version.minor);
}

std::optional<KernelVersion> parse_version(std::string_view text) {
  std::array<int, 3> parts{ 0, 0, 0 };
  std::size_t i = 0;
  while (true) {
    const auto dot = std::min(text.find('.'), text.size());
    const auto value = number(text.substr(0, dot));
    if (!value || i == parts.size()) {
      return std::nullopt;
    }
    parts[i++] = *value;
    if (dot == text.size()) {
      break;
    }
    text.remove_prefix(dot + 1);
  }
  return KernelVersion{ parts[0], parts[1], parts[2] };
}

std::optional<KernelVersion> version_from_makefile(std::string_view makefile) {
  const auto major = number(makefile_value(makefile, "VERSION"));
  const auto minor = number(makefile_value(makefile, "PATCHLEVEL"));
  if (!major || !minor) {
    return std::nullopt;
  }
  const auto sublevel = number(makefile_value(makefile, "SUBLEVEL"));
  return KernelVersion{ *major, *minor, sublevel.value_or(0) };
}

KernelVersion kernel_version(KernelSource& source) {
  const auto makefile = source.read_file("Makefile");
  const auto version = makefile ? version_from_makefile(*makefile) : std::nullopt;
  if (!version) {
    throw Error(ExitCode::source,
                fmt::format("{}: no kernel version (VERSION and PATCHLEVEL in its top Makefile)",
                            source.identify().description));
  }
  return *version;
}

std::optional<VersionConstraint> parse_constraint(std::string_view text) {
  text = trim(text);
  if (text.substr(0, 6) == "kernel") {
    text = trim(text.substr(6));
  }
  for (const char* op : { "<=", ">=", "==", "!=", "<", ">" }) {
    const std::string_view o(op);
    if (text.substr(0, o.size()) == o) {
      const std::string_view rhs = trim(text.substr(o.size()));
      const auto version = parse_version(rhs);
      if (!version) {
        return std::nullopt;
      }
      const bool sublevel = std::count(rhs.begin(), rhs.end(), '.') == 2;
      return VersionConstraint{ std::string(o), *version, sublevel };
    }
  }
  return std::nullopt;
}

bool satisfies(const KernelVersion& version, const VersionConstraint& constraint) {
  KernelVersion left = version;
  if (!constraint.sublevel) {
    left.sublevel = constraint.version.sublevel; // compare on major.minor only
  }
  const auto& right = constraint.version;
  const std::string& op = constraint.op;
  if (op == "<") {
    return left < right;
  }
  if (op == "<=") {
    return left <= right;
  }
  if (op == "==") {
    return left == right;
  }
  if (op == "!=") {
    return left != right;
  }
  if (op == ">=") {
    return left >= right;
  }
  return left > right;
}

std::string to_string(const VersionConstraint& constraint) {
  return fmt::format("kernel {} {}", constraint.op,
                     to_string(constraint.version, constraint.sublevel));
}

namespace {

// Return the rest of `line` after "# <name>" (blanks around allowed), or nullopt.
std::optional<std::string_view> directive(std::string_view line, std::string_view name) {
  constexpr std::string_view blanks = " \t\r";
  line.remove_prefix(std::min(line.find_first_not_of(blanks), line.size()));
  if (line.empty() || line.front() != '#') {
    return std::nullopt;
  }
  line.remove_prefix(1);
  line.remove_prefix(std::min(line.find_first_not_of(blanks), line.size()));
  if (!line.starts_with(name)) {
    return std::nullopt;
  }
  line.remove_prefix(name.size());
  line.remove_prefix(std::min(line.find_first_not_of(blanks), line.size()));
  return line.substr(0, line.find_last_not_of(blanks) + 1);
}

} // namespace

bool ConditionBlocks::take(std::string_view line, int line_no) {
  if (const auto condition = directive(line, "kbench-if:")) {
    if (m_when) {
      m_fail(line_no, fmt::format("kbench-if blocks do not nest (the one of line {} is open)",
                                  m_block_line));
    }
    m_when = parse_constraint(*condition);
    if (!m_when) {
      m_fail(line_no,
             fmt::format("expected a condition like \"kernel >= 6.12\", got \"{}\"", *condition));
    }
    m_block_line = line_no;
    return true;
  }
  if (directive(line, "kbench-endif")) {
    if (!m_when) {
      m_fail(line_no, "kbench-endif without kbench-if");
    }
    m_when.reset();
    return true;
  }
  return false;
}

void ConditionBlocks::finish() const {
  if (m_when) {
    m_fail(m_block_line, "kbench-if block is never closed by # kbench-endif");
  }
}

} // namespace kbench::source
