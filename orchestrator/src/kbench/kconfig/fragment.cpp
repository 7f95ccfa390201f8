#include <kbench/kconfig/fragment.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <cctype>
#include <set>

namespace kbench::kconfig {

namespace {

constexpr std::string_view k_not_set_prefix = "# CONFIG_";
constexpr std::string_view k_not_set_suffix = " is not set";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_symbol_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Return the length of the symbol name at the start of `s` ("CONFIG_X..."), or 0.
std::size_t symbol_length(std::string_view s) {
  if (s.substr(0, 7) != "CONFIG_") {
    return 0;
  }
  std::size_t n = 7;
  while (n < s.size() && is_symbol_char(s[n])) {
    ++n;
  }
  return n > 7 ? n : 0;
}

// Parse "# CONFIG_FOO is not set"; return the symbol or "".
std::string parse_not_set(std::string_view line) {
  if (line.substr(0, k_not_set_prefix.size()) != k_not_set_prefix) {
    return {};
  }
  const std::string_view rest = line.substr(2);
  const std::size_t n = symbol_length(rest);
  if (n == 0 || rest.substr(n) != k_not_set_suffix) {
    return {};
  }
  return std::string(rest.substr(0, n));
}

bool valid_value(std::string_view value) {
  if (value.empty()) {
    return false;
  }
  if (value.front() == '"') {
    return value.size() >= 2 && value.back() == '"';
  }
  for (char c : value) {
    if (!is_symbol_char(c) && c != '-') {
      return false;
    }
  }
  return true;
}

[[noreturn]] void fail(const std::filesystem::path& path, int line, std::size_t col,
                       std::string_view message, std::string_view text) {
  throw Error(ExitCode::invalid_config,
              fmt::format("{}:{}:{}: {}: \"{}\"", path.string(), line, col, message, text));
}

Request parse_request(std::string_view raw, const std::filesystem::path& path, int line_no) {
  const std::string_view line = trim(raw);
  const std::size_t col = static_cast<std::size_t>(line.data() - raw.data()) + 1;
  if (auto symbol = parse_not_set(line); !symbol.empty()) {
    return { path, line_no, symbol, "n", std::nullopt };
  }
  const std::size_t n = symbol_length(line);
  if (n == 0) {
    fail(path, line_no, col, "expected CONFIG_<SYMBOL>=<value> or \"# CONFIG_<SYMBOL> is not set\"",
         line);
  }
  if (n >= line.size() || line[n] != '=') {
    fail(path, line_no, col + n, "expected '=' after the symbol name", line);
  }
  const std::string_view value = line.substr(n + 1);
  if (!valid_value(value)) {
    fail(path, line_no, col + n + 1, "invalid value", line);
  }
  if (value == "n") {
    fail(path, line_no, col + n + 1,
         "'=n' is not understood by merge_config.sh; write \"# CONFIG_X is not set\"", line);
  }
  return { path, line_no, std::string(line.substr(0, n)), std::string(value), std::nullopt };
}

template<typename F>
void for_each_line(std::string_view text, F&& f) {
  int line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    f(line, ++line_no);
    if (nl == std::string_view::npos) {
      break;
    }
    text.remove_prefix(nl + 1);
  }
}

} // namespace

Fragment parse_fragment(std::string_view text, const std::filesystem::path& path) {
  Fragment fragment{ path, {} };
  std::size_t col = 1;
  std::string_view line;
  source::ConditionBlocks blocks(
    [&](int line_no, const std::string& problem) { fail(path, line_no, col, problem, line); });
  for_each_line(text, [&](std::string_view raw, int line_no) {
    line = trim(raw);
    col = static_cast<std::size_t>(line.data() - raw.data()) + 1;
    if (line.empty() || blocks.take(line, line_no)) {
      return;
    }
    if (line.front() == '#' && parse_not_set(line).empty()) {
      return; // an ordinary comment
    }
    Request request = parse_request(raw, path, line_no);
    request.when = blocks.when();
    fragment.requests.push_back(std::move(request));
  });
  if (blocks.when()) {
    const std::string open = source::to_string(*blocks.when());
    col = 1;
    line = open;
    blocks.finish();
  }
  return fragment;
}

Fragment for_kernel(const Fragment& fragment, const source::KernelVersion& version) {
  Fragment selected{ fragment.path, {} };
  for (const auto& request : fragment.requests) {
    if (!request.when || source::satisfies(version, *request.when)) {
      selected.requests.push_back(request);
    }
  }
  return selected;
}

std::string render_fragment(const Fragment& fragment, std::string_view selected_for) {
  std::string text =
    fmt::format("# {} for {} (written by kbench)\n", fragment.path.string(), selected_for);
  for (const auto& r : fragment.requests) {
    text += r.value == "n" ? fmt::format("# {} is not set\n", r.symbol)
                           : fmt::format("{}={}\n", r.symbol, r.value);
  }
  return text;
}

Fragment load_fragment(const std::filesystem::path& path) {
  return parse_fragment(util::read_input(path, k_fragment_file), path);
}

DotConfig parse_dotconfig(std::string_view text) {
  DotConfig config;
  for_each_line(text, [&](std::string_view raw, int /*line_no*/) {
    const std::string_view line = trim(raw);
    if (auto symbol = parse_not_set(line); !symbol.empty()) {
      config[symbol] = "n";
      return;
    }
    const std::size_t n = symbol_length(line);
    if (n > 0 && n < line.size() && line[n] == '=') {
      config[std::string(line.substr(0, n))] = std::string(line.substr(n + 1));
    }
  });
  return config;
}

std::vector<Request> effective_requests(const std::vector<Fragment>& fragments) {
  std::vector<Request> ordered;
  std::map<std::string, std::size_t> index;
  for (const auto& fragment : fragments) {
    for (const auto& request : fragment.requests) {
      if (auto it = index.find(request.symbol); it != index.end()) {
        ordered[it->second] = request;
      } else {
        index.emplace(request.symbol, ordered.size());
        ordered.push_back(request);
      }
    }
  }
  return ordered;
}

std::vector<Mismatch> verify(const std::vector<Fragment>& fragments, const DotConfig& config) {
  std::vector<Mismatch> mismatches;
  for (const auto& request : effective_requests(fragments)) {
    const auto it = config.find(request.symbol);
    const std::string actual = it == config.end() ? "" : it->second;
    const bool holds =
      request.value == "n" ? (actual.empty() || actual == "n") : actual == request.value;
    if (!holds) {
      mismatches.push_back({ request, actual });
    }
  }
  return mismatches;
}

std::string describe_mismatches(const std::vector<Mismatch>& mismatches) {
  std::string text;
  for (const auto& m : mismatches) {
    const auto& r = m.request;
    std::string actual;
    if (m.actual.empty()) {
      actual = "absent from the final .config (unknown symbol, or its dependencies are not met)";
    } else if (m.actual == "n") {
      actual =
        "not set in the final .config (a dependency is missing or something selects against it)";
    } else {
      actual = fmt::format("{}={} in the final .config", r.symbol, m.actual);
    }
    text += fmt::format("{}:{}: {} requested {}={}, but it is {}\n", r.file.string(), r.line,
                        r.symbol, r.symbol, r.value, actual);
  }
  if (!text.empty()) {
    text.pop_back();
  }
  return text;
}

std::vector<std::string> diff_configs(const DotConfig& a, const DotConfig& b) {
  std::set<std::string> symbols;
  for (const auto& [symbol, value] : a) {
    symbols.insert(symbol);
  }
  for (const auto& [symbol, value] : b) {
    symbols.insert(symbol);
  }
  std::vector<std::string> lines;
  for (const auto& symbol : symbols) {
    const auto ia = a.find(symbol);
    const auto ib = b.find(symbol);
    const std::string va = ia == a.end() ? "" : ia->second;
    const std::string vb = ib == b.end() ? "" : ib->second;
    if (va == vb) {
      continue;
    }
    if (!va.empty()) {
      lines.push_back(fmt::format("-{}={}", symbol, va));
    }
    if (!vb.empty()) {
      lines.push_back(fmt::format("+{}={}", symbol, vb));
    }
  }
  return lines;
}

} // namespace kbench::kconfig
