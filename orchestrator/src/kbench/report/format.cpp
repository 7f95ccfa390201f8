#include <kbench/report/format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kbench::report {

std::string format_duration(double ns, bool available) {
  if (!available || !std::isfinite(ns)) {
    return "n/a";
  }
  const double magnitude = std::fabs(ns);
  if (magnitude < 999.5) {
    return fmt::format("{:.0f} ns", ns);
  }
  if (magnitude < 999995.0) {
    return fmt::format("{:.2f} us", ns / 1e3);
  }
  if (magnitude < 999995000.0) {
    return fmt::format("{:.2f} ms", ns / 1e6);
  }
  return fmt::format("{:.2f} s", ns / 1e9);
}

std::string format_seed_cell(double ns) {
  return fmt::format("{:.2f} ms ({:.0f} ns)", ns / 1e6, std::round(ns));
}

std::string format_change(double change) {
  if (std::isinf(change)) {
    return change > 0 ? "+inf%" : "-inf%";
  }
  const double percent = 100.0 * change;
  if (std::fabs(percent) < 999.995) {
    return fmt::format("{:+.2f}%", percent);
  }
  if (std::fabs(percent) < 1e7) {
    return fmt::format("{:+.0f}%", percent);
  }
  return fmt::format("{:+.1e}%", percent);
}

std::string format_ratio(double ratio) {
  if (std::isinf(ratio)) {
    return "inf";
  }
  if (ratio < 0.995) {
    return fmt::format("{:.3g}x", ratio); // a slowdown: keep 3 significant digits
  }
  if (ratio < 9.995) {
    return fmt::format("{:.2f}x", ratio);
  }
  if (ratio < 999.95) {
    return fmt::format("{:.1f}x", ratio);
  }
  if (ratio < 1e7) {
    return fmt::format("{:.0f}x", ratio);
  }
  return fmt::format("{:.1e}x", ratio);
}

std::string format_cov(double cov) {
  const double percent = 100.0 * cov;
  if (percent < 9.95) {
    return fmt::format("±{:.1f}%", percent);
  }
  return fmt::format("±{:.0f}%", percent);
}

std::string format_p(double p) {
  if (p < 0.0001) {
    return "<0.0001";
  }
  if (p < 0.01) {
    return fmt::format("{:.4f}", p);
  }
  return fmt::format("{:.3f}", p);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) {
    // Count every byte that does not continue a UTF-8 sequence (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++width;
    }
  }
  return width;
}

std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t have = display_width(text);
  return std::string(have < width ? width - have : 0, ' ') + std::string(text);
}

std::string pad_right(std::string_view text, std::size_t width) {
  const std::size_t have = display_width(text);
  return std::string(text) + std::string(have < width ? width - have : 0, ' ');
}

std::string wrap_words(std::string_view text, std::size_t width) {
  std::string out;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view word = text.substr(pos, end - pos);
    if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
      out += line + "\n";
      line.clear();
    }
    line += line.empty() ? std::string(word) : " " + std::string(word);
    pos = end + 1;
  }
  return line.empty() ? out : out + line + "\n";
}

} // namespace kbench::report
