#include <kbench/experiment/diagnostic.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace kbench::experiment {

std::string format(const Diagnostic& d) {
  return fmt::format("{}: {}", to_string(d.where), d.message);
}

void throw_if_any(const Diagnostics& diagnostics) {
  if (diagnostics.empty()) {
    return;
  }
  std::string text = fmt::format("invalid experiment ({} error{}):", diagnostics.size(),
                                 diagnostics.size() == 1 ? "" : "s");
  for (const auto& d : diagnostics) {
    text += "\n" + format(d);
  }
  throw Error(ExitCode::invalid_config, text);
}

std::string quote(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{ 0 });
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + cost });
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

} // namespace kbench::experiment
